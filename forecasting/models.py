"""Forecast models over long-format history."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios import InputError, Problem, Scenario, week_intervals
from scenarios.progress import Progress


def forecast_week(history: pd.DataFrame, scenario: Scenario, model: str = "auto",
                  progress: Progress | None = None) -> pd.DataFrame:
    """Contacts per interval of the scenario's week: mean of the same weekday and time over the last 4 weeks."""
    idx = week_intervals(scenario)
    frames = []
    for channel, own in history.groupby("channel"):
        own = own.set_index("ds")
        weeks = []
        for k in range(1, 5):
            past = idx - pd.Timedelta(weeks=k)
            if past[0] >= own.index[0] and past[-1] <= own.index[-1]:
                weeks.append(own.reindex(past)[["contacts", "aht_seconds"]].to_numpy(float))
        if not weeks:
            raise InputError([Problem("demand.history", f"channel {channel}: no full week of history before "
                                                        f"{scenario.start}")], "cannot forecast")
        stack = np.stack(weeks)
        frames.append(pd.DataFrame({"ds": idx, "channel": channel, "contacts": np.nanmean(stack[:, :, 0], axis=0),
                                    "aht_seconds": _nanmean(stack[:, :, 1])}))
    return pd.concat(frames, ignore_index=True)


def _nanmean(a: np.ndarray) -> np.ndarray:
    ok = np.isfinite(a)
    n = ok.sum(axis=0)
    return np.where(n > 0, np.where(ok, a, 0).sum(axis=0) / np.maximum(n, 1), np.nan)
