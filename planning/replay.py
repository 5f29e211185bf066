"""Replay a past period: simulate it with its real arrivals and the staffing read from its records, and compare
with what really happened, per interval and per day.

The simulation (planning.calibrate.simulate_period) sees the records' arrival times and channels and who served
when (on-duty stretches x the calibrated availability by hour of day); handle times and patience come from the
calibration. The waits and abandonments of the replayed days are read only to compare.

Figures (per interval, per day, over the period; all contacts that asked for an agent): abandonment =
abandoned / offered; sl_threshold / sl20 / sl60 = answered within the channel's threshold / 20 s / 60 s,
divided by offered; asa_seconds = mean time in line of everyone who left it (answered: until answered;
abandoned: until hanging up). Errors are simulated - actual, in percentage points (pp) for shares; MAE and
bias are over days (each day counts once) for `*_mae_pp` / `*_bias_pp`.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calibrate import PeriodModel, observed_intervals, simulate_period

SHARES = {"abandon": "abandoned", "sl_threshold": "within_threshold", "sl20": "within_20", "sl60": "within_60"}


@dataclass
class ReplayResult:
    """days: one row per day (actual, simulated and error of every figure); intervals: per (ds, channel);
    summary: MAE and bias (pp; ASA in seconds) over days, and totals over the period."""

    days: pd.DataFrame
    intervals: pd.DataFrame
    summary: dict


def _figures(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=table.index)
    out["offered"] = table["offered"]
    for name, col in SHARES.items():
        out[name] = table[col] / table["offered"].where(table["offered"] > 0)
    out["asa_seconds"] = table["wait_left"] / table["left"].where(table["left"] > 0)
    return out


def compare(actual: pd.DataFrame, simulated: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Actual and simulated figures side by side, summed over `keys` groups, with errors (simulated - actual)."""
    cols = ["offered", "answered", "abandoned", "within_threshold", "within_20", "within_60", "wait_left", "left"]
    a = actual.groupby(keys)[cols].sum()
    s = simulated.groupby(keys)[cols].sum().reindex(a.index).fillna(0.0)
    fa, fs = _figures(a), _figures(s)
    out = pd.DataFrame(index=a.index)
    out["offered"] = a["offered"]
    for name in [*SHARES, "asa_seconds"]:
        out[f"{name}_actual"] = fa[name]
        out[f"{name}_sim"] = fs[name]
        scale = 1.0 if name == "asa_seconds" else 100.0
        out[f"{name}_error{'' if name == 'asa_seconds' else '_pp'}"] = (fs[name] - fa[name]) * scale
    return out.reset_index()


def replay(records: pd.DataFrame, model: PeriodModel, availability: dict[int, float], replications: int = 20,
           seed: int = 1, *, workers: int | None = None, executor: Executor | None = None,
           stretches: pd.DataFrame | None = None) -> ReplayResult:
    """Simulate the records' period and compare it with the records (see the module docstring).

    `stretches` (server, start, end) default to those read from the records' answered calls. The replications run
    on `executor` (planning.execution.open_executor), else on a local pool of `workers` (simulate_period)."""
    thresholds = {n: float(c["target"]["answer_within_seconds"]) for n, c in model.channels.items()}
    sim = simulate_period(records, model, availability, replications, seed, workers=workers, stretches=stretches,
                          executor=executor)
    actual = observed_intervals(records, model.interval_minutes, thresholds)
    sim = sim[sim["offered"] > 0]
    sim_staff = sim.drop_duplicates("ds")[["ds", "on_duty", "available_agents"]]
    for frame in (actual, sim):
        frame["date"] = pd.to_datetime(frame["ds"]).dt.date
    days = compare(actual, sim, ["date"])
    intervals = compare(actual, sim, ["ds", "channel"]).merge(sim_staff, on="ds", how="left")
    summary: dict = {"days": int(len(days)), "offered": int(days["offered"].sum()),
                     "replications": replications, "seed": seed}
    for name in [*SHARES, "asa_seconds"]:
        err = days[f"{name}_error{'' if name == 'asa_seconds' else '_pp'}"].dropna()
        key = "asa" if name == "asa_seconds" else name
        unit = "_s" if name == "asa_seconds" else "_pp"
        summary[f"{key}_mae{unit}"] = round(float(err.abs().mean()), 3)
        summary[f"{key}_bias{unit}"] = round(float(err.mean()), 3)
    period = compare(actual.assign(all=1), sim.assign(all=1), ["all"]).iloc[0]
    summary["period"] = {k: (round(float(v), 4) if isinstance(v, (float, np.floating)) else v)
                         for k, v in period.drop("all").items()}
    return ReplayResult(days, intervals, summary)
