"""One channel's history as a matrix of open days x intervals of the day: what every model works on.

Why a day matrix: contact centers are closed part of the day and often whole weekdays (the US bank series has
Monday-Friday 07:00-21:00 only). Models see the sequence of OPEN WEEKDAYS in calendar order, so one week is
`days_per_week` rows (5 for the bank, 7 for a center open daily) and a season is one row (intraday) or one week
of rows. Columns are the intervals of the day that are ever busy; the others are closed and forecast as 0.
Holidays, closures (a whole day of zeros on an open weekday) and missing days stay in the matrix as NaN rows so
that row k always has the weekday of row k - days_per_week; models skip or impute them, metrics ignore them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class DayGrid:
    """Contacts of one channel: `values[day, slot]` (NaN = not a normal day or missing), on `days` x `slots`."""

    channel: str
    interval_minutes: int
    days: pd.DatetimeIndex            # open weekdays in calendar order (midnight timestamps)
    slots: np.ndarray                 # minutes after midnight of the kept intervals of the day
    values: np.ndarray                # float, shape (len(days), len(slots))
    open_weekdays: tuple[int, ...]    # 0 = Monday
    aht: np.ndarray | None = None     # mean handle time per cell, seconds (NaN unknown)
    closed_days: list[dt.date] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def days_per_week(self) -> int:
        return len(self.open_weekdays)

    @property
    def n_slots(self) -> int:
        return len(self.slots)

    @property
    def normal(self) -> np.ndarray:
        """Boolean per day: a fully observed normal day."""
        return np.isfinite(self.values).all(axis=1)

    def head(self, n_days: int) -> "DayGrid":
        """The first `n_days` rows (a training window for backtesting)."""
        return DayGrid(self.channel, self.interval_minutes, self.days[:n_days], self.slots, self.values[:n_days],
                       self.open_weekdays, None if self.aht is None else self.aht[:n_days],
                       [d for d in self.closed_days if pd.Timestamp(d) < self.days[n_days - 1] + pd.Timedelta(days=1)]
                       if n_days else [], list(self.notes))

    def future_days(self, horizon_days: int, start: pd.Timestamp | None = None) -> pd.DatetimeIndex:
        """Open weekdays of the `horizon_days` calendar days after the history (or from `start`)."""
        first = (self.days[-1] + pd.Timedelta(days=1)) if start is None else pd.Timestamp(start).normalize()
        cal = pd.date_range(first, periods=horizon_days, freq="D")
        return cal[cal.dayofweek.isin(self.open_weekdays)]

    def steps_ahead(self, future: pd.DatetimeIndex) -> np.ndarray:
        """Row offsets (1 = the day after the last row) of future open days, counting open weekdays only."""
        last = self.days[-1]
        out = []
        for day in future:
            cal = pd.date_range(last + pd.Timedelta(days=1), day, freq="D")
            out.append(int(cal.dayofweek.isin(self.open_weekdays).sum()))
        return np.asarray(out, int)


def to_grid(history: pd.DataFrame, channel: str, interval_minutes: int,
            closed_dates: Iterable[dt.date] = ()) -> DayGrid:
    """Build the day matrix of one channel from checked long-format history at `interval_minutes`."""
    own = history[history["channel"] == channel]
    ds = pd.DatetimeIndex(own["ds"])
    day = ds.normalize()
    minute = (ds - day) // pd.Timedelta(minutes=1)
    contacts = own["contacts"].to_numpy(float)
    weeks = max(((day.max() - day.min()).days + 1) / 7, 1)
    present = pd.DatetimeIndex(day.unique())
    open_weekdays = tuple(w for w in range(7) if (present.dayofweek == w).sum() >= 0.5 * weeks - 1e-9) or \
        tuple(sorted(set(present.dayofweek)))
    busy = pd.Series(np.nan_to_num(contacts), index=minute).groupby(level=0).sum()
    slots = np.asarray(sorted(busy.index[busy > 0]), int)
    if len(slots) == 0:
        slots = np.asarray(sorted(set(minute)), int)
    cal = pd.date_range(day.min(), day.max(), freq="D")
    days = cal[cal.dayofweek.isin(open_weekdays)]
    frame = pd.DataFrame({"day": day, "minute": minute, "contacts": contacts, "aht": own["aht_seconds"].to_numpy(float) if "aht_seconds" in own else np.nan})
    values = frame.pivot_table(index="day", columns="minute", values="contacts", aggfunc="sum", dropna=False)
    present_days = values.index
    values = values.reindex(index=days, columns=slots).to_numpy(float)
    # A kept slot absent on a present day (closed that weekday) is a zero, not a gap: read_history has already
    # added NaN rows for real gaps, so only days entirely absent stay NaN.
    on_file = np.asarray(days.isin(present_days))
    values[on_file] = np.where(np.isnan(values[on_file]), 0.0, values[on_file])
    has_nan_rows = frame[frame["contacts"].isna()]
    if len(has_nan_rows):
        idx = pd.MultiIndex.from_arrays([has_nan_rows["day"], has_nan_rows["minute"]])
        for d, m in idx:
            if d in days and m in slots:
                values[days.get_loc(d), int(np.searchsorted(slots, m))] = np.nan
    aht = None
    if np.isfinite(frame["aht"]).any():
        aht = frame.pivot_table(index="day", columns="minute", values="aht", aggfunc="mean").reindex(
            index=days, columns=slots).to_numpy(float)
    notes = []
    closed = {pd.Timestamp(d).normalize() for d in closed_dates}
    closed_days = []
    totals = np.nansum(values, axis=1)
    for i, d in enumerate(days):
        if d in closed:
            values[i] = np.nan
            closed_days.append(d.date())
        elif on_file[i] and totals[i] == 0 and np.isfinite(values[i]).all():
            # A whole day of zeros on an open weekday: a closure, not a normal quiet day.
            values[i] = np.nan
            closed_days.append(d.date())
            notes.append(f"{channel}: {d.date()} has no contacts at all; treated as a closure")
    return DayGrid(channel, interval_minutes, days, slots, values, open_weekdays, aht, closed_days, notes)


def closure_dates(first: dt.date, last: dt.date, dates: Iterable[dt.date] = (), country: str | None = None) -> list[dt.date]:
    """Holidays and closures between `first` and `last`: the given dates plus the `holidays` package's for `country`."""
    out = {pd.Timestamp(d).date() for d in dates}
    out = {d for d in out if first <= d <= last}
    if country:
        import holidays as hol

        try:
            cal = hol.country_holidays(country, years=range(first.year, last.year + 1))
        except NotImplementedError:
            from scenarios import InputError, Problem
            raise InputError([Problem("holiday_country", f"unknown country code '{country}' for the holidays package "
                                                         "(use an ISO code such as US, DE, GB)")]) from None
        out |= {d for d in cal if first <= d <= last}
    return sorted(out)
