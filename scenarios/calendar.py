"""The week's time grid: interval starts and which channel is open in which interval."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model import Scenario


def week_intervals(scenario: Scenario) -> pd.DatetimeIndex:
    """Start of every interval of the scenario's week (local clock time, tz-naive unless a zone is set)."""
    tz = None if scenario.timezone == "local" else scenario.timezone
    return pd.date_range(pd.Timestamp(scenario.start), periods=scenario.n_intervals,
                         freq=f"{scenario.interval_minutes}min", tz=tz)


def open_mask(scenario: Scenario, channel: str) -> np.ndarray:
    """Boolean per interval: True when `channel` is open at the interval's start."""
    hours = scenario.channel_open(channel)
    idx = week_intervals(scenario)
    minutes = idx.hour * 60 + idx.minute
    return np.array([hours.is_open(d, int(m)) for d, m in zip(idx.day_of_week, minutes)], dtype=bool)


def next_open_interval(is_open: np.ndarray) -> np.ndarray:
    """Per interval, the first interval at or after it whose entry in `is_open` is True (len(is_open) if none
    is left in the week): where an escalation held for a closed channel's opening arrives."""
    n = len(is_open)
    at = np.where(np.asarray(is_open, bool), np.arange(n), n)
    return np.minimum.accumulate(at[::-1])[::-1]


def interval_index(scenario: Scenario, ds: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Position of each timestamp in the week's grid; -1 where it falls outside the week or off the grid."""
    idx = week_intervals(scenario)
    ts = pd.DatetimeIndex(pd.to_datetime(ds))
    if idx.tz is not None and ts.tz is None:
        ts = ts.tz_localize(idx.tz)
    elif idx.tz is None and ts.tz is not None:
        ts = ts.tz_localize(None)
    offset = (ts - idx[0]) / pd.Timedelta(minutes=scenario.interval_minutes)
    pos = np.asarray(offset, dtype=float)
    ok = (pos >= 0) & (pos < len(idx)) & (np.floor(pos) == pos)
    return np.where(ok, np.nan_to_num(pos, nan=-1), -1).astype(int)
