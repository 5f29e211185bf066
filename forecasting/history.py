"""Read contact history (long format: ds, channel, contacts[, aht_seconds]), check it, bring it to the planning interval.

Conventions a history file must follow:
- one row per channel and interval start `ds` (local clock time), at 5, 10, 15, 30 or 60 minutes, the same step
  for the whole file; rows of a channel in increasing time order, no duplicates;
- `contacts` >= 0 (counts), `aht_seconds` (optional) the mean handle time of the interval's handled contacts;
- closed hours are either zero rows or absent: a weekday or a time of day that never appears is closed. A row
  missing where the channel is normally open (the same weekday and time appear on most other weeks) is a gap:
  missing data is reported, never silently taken as zero. Whole missing days on holidays/closures are not gaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios import InputError, Problem, bounds
from scenarios.tables import parse_datetimes, read_table

REQUIRED = ("ds", "channel", "contacts")
STEPS_MINUTES = (5, 10, 15, 30, 60)
TITLE = "invalid history"


def read_history(source: str | Path | pd.DataFrame, interval_minutes: int | None = None, *,
                 closed_dates: Iterable[dt.date] = (), allow_gaps: bool = False) -> pd.DataFrame:
    """Checked long-format history, sorted by channel and ds; resampled to `interval_minutes` when given.

    Returns columns ds, channel, contacts (float; NaN where a gap was allowed), aht_seconds (NaN when unknown).
    `closed_dates`: holidays and closures; whole days missing on them are not gaps. `allow_gaps`: report gaps in
    `result.attrs["gaps"]` (a list of Problems) and keep them as NaN instead of raising InputError.
    `result.attrs["step_minutes"]` is the returned interval, `attrs["native_step_minutes"]` the file's.
    """
    name = "history" if isinstance(source, pd.DataFrame) else str(source)
    df = _load(source, name)
    df = _check_rows(df, name)
    step = _check_step(df, name)
    closed = {pd.Timestamp(d).normalize() for d in closed_dates}
    df, gaps = _fill_gaps(df, step, closed, name)
    if gaps and not allow_gaps:
        hint = ("mark closed hours with zero rows, list closed days as holidays (scenario `holidays` / "
                "`holiday_country`, or --holiday / --holiday-country), or allow gaps (--allow-gaps) to leave them "
                "out of the fit")
        raise InputError(gaps[:20] + ([Problem("", f"... and {len(gaps) - 20} more")] if len(gaps) > 20 else [])
                         + [Problem("hint", hint)], "history has gaps (missing data, not zeros)")
    if interval_minutes:
        df = resample_history(df, interval_minutes, step_minutes=step, name=name)
    df.attrs["gaps"] = gaps
    df.attrs["native_step_minutes"] = step
    df.attrs["step_minutes"] = interval_minutes or step
    return df


def _load(source: str | Path | pd.DataFrame, name: str) -> pd.DataFrame:
    df = read_table(source, REQUIRED, title=TITLE, name=name,
                    hint="a history needs ds, channel, contacts[, aht_seconds]")
    if df.empty:
        raise InputError([Problem(name, "no rows")], TITLE)
    return df


def _check_rows(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Types, negative counts, duplicates and order; rows named as in the file (header = row 1)."""
    df = df.reset_index(drop=True)
    df["ds"] = parse_datetimes(df["ds"], name)
    df["channel"] = df["channel"].astype(str)
    if "aht_seconds" not in df.columns:
        df["aht_seconds"] = np.nan

    def row(i: int) -> str:
        return f"{name}:row {i + 2}"

    problems = []
    for i in np.flatnonzero(df["ds"].isna().to_numpy())[:5]:
        problems.append(Problem(row(i), "ds must be a date-time (e.g. 2026-01-05 07:30)"))
    for i in np.flatnonzero(df["channel"].str.strip().isin(["", "nan"]).to_numpy())[:5]:
        problems.append(Problem(row(i), "channel is empty"))
    # The shared physical bounds: counts finite and >= 0, handle times finite, > 0 and at most a few hours.
    df["contacts"], bad = bounds.check_column(df["contacts"], "contacts", bounds.CONTACTS_PER_INTERVAL, row)
    problems += bad
    df["aht_seconds"], bad = bounds.check_column(df["aht_seconds"], "aht_seconds", bounds.HANDLE_SECONDS, row,
                                                 lo=0.0, required=False)
    problems += bad
    if problems:
        raise InputError(problems, TITLE)
    for channel, own in df.groupby("channel", sort=False):
        ds = own["ds"]
        dup = ds.duplicated(keep="first").to_numpy()
        if dup.any():
            i = own.index[np.flatnonzero(dup)[0]]
            problems.append(Problem(f"{name}:row {i + 2}", f"channel {channel}: duplicate timestamp {df['ds'][i]}"))
            continue
        back = (ds.diff() < pd.Timedelta(0)).to_numpy()
        if back.any():
            i = own.index[np.flatnonzero(back)[0]]
            problems.append(Problem(f"{name}:row {i + 2}", f"channel {channel}: timestamps not in increasing order "
                                                           f"({df['ds'][i]} after {ds.shift()[i]}); sort the file by channel and ds"))
    if problems:
        raise InputError(problems, TITLE)
    return df.sort_values(["channel", "ds"], kind="stable").reset_index(drop=True)


def _check_step(df: pd.DataFrame, name: str) -> int:
    """The file's interval in minutes: the smallest step between rows; every timestamp must sit on that grid."""
    diffs = df.groupby("channel")["ds"].diff().dropna()
    diffs = diffs[diffs > pd.Timedelta(0)]
    if diffs.empty:
        raise InputError([Problem(name, "cannot tell the interval: each channel needs at least two rows")], TITLE)
    common = diffs.mode().iloc[0]
    step = int(common / pd.Timedelta(minutes=1))
    if step not in STEPS_MINUTES or common % pd.Timedelta(minutes=1):
        raise InputError([Problem(name, f"rows are mostly {common} apart: history must be at 5, 10, 15, 30 "
                                        "or 60 minutes")], TITLE)
    minutes = df["ds"].dt.hour * 60 + df["ds"].dt.minute
    off = ((minutes % step) != 0) | (df["ds"].dt.second != 0)
    if off.any():
        i = int(np.flatnonzero(off.to_numpy())[0])
        raise InputError([Problem(f"{name}:row {i + 2}", f"mixed granularity: {df['ds'][i]} is not on the file's "
                                                         f"{step}-minute grid")], TITLE)
    # A day at a coarser step than the rest (e.g. hourly rows in a 15-minute file) shows as a day whose every
    # step is a multiple > 1 of the file's step.
    key = df["channel"] + "|" + df["ds"].dt.strftime("%Y-%m-%d")
    d = df.groupby(key)["ds"].diff() / pd.Timedelta(minutes=step)
    per_day = d.groupby(key).min()
    coarse = per_day[per_day > 1]
    if len(coarse):
        first = coarse.index[0]
        channel, when, k = first.split("|")[0], first.split("|")[1], int(coarse.iloc[0])
        i = int(np.flatnonzero((key == first).to_numpy())[0])
        raise InputError([Problem(f"{name}:row {i + 2}", f"mixed granularity: channel {channel} has {k * step}-minute "
                                                         f"rows on {when} but {step}-minute rows elsewhere")], TITLE)
    return step


def _fill_gaps(df: pd.DataFrame, step: int, closed: set, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Add NaN rows where a channel is normally open but has no row; list them as Problems.

    Open pattern, per channel: a weekday is open when it appears on at least half of the weeks the channel's
    history spans; a time of day is open on that weekday when it appears on at least half of those dates.
    """
    frames, gaps = [], []
    for channel, own in df.groupby("channel", sort=True):
        day = own["ds"].dt.normalize()
        dates = pd.date_range(day.min(), day.max(), freq="D")
        weeks = max(len(dates) / 7, 1)
        present_days = pd.DatetimeIndex(day.unique())
        open_weekdays = {w for w in range(7) if (present_days.dayofweek == w).sum() >= 0.5 * weeks - 1e-9}
        tod = (own["ds"] - day)
        expected = []
        for w in sorted(open_weekdays):
            on_w = own[own["ds"].dt.dayofweek == w]
            n_dates = on_w["ds"].dt.normalize().nunique()
            counts = (on_w["ds"] - on_w["ds"].dt.normalize()).value_counts()
            slots = counts.index[counts >= 0.5 * n_dates]
            spans = on_w.groupby(on_w["ds"].dt.normalize())["ds"].agg(["min", "max"])
            for date in dates[dates.dayofweek == w]:
                if date in closed and date not in set(present_days):
                    continue
                expected.append(date + pd.TimedeltaIndex(slots))
                if date in spans.index:
                    # a hole inside the day's own span of rows is missing data too
                    lo, hi = spans.loc[date]
                    expected.append(pd.date_range(lo, hi, freq=f"{step}min"))
        del tod
        if not expected:
            frames.append(own)
            continue
        grid = pd.DatetimeIndex(np.concatenate([e.to_numpy() for e in expected])).unique().sort_values()
        missing = grid.difference(pd.DatetimeIndex(own["ds"]))
        if len(missing):
            for date, stamps in pd.Series(missing, index=missing).groupby(missing.normalize()):
                n_open = int((grid.normalize() == date).sum())
                if len(stamps) == n_open:
                    what = f"all {n_open} intervals missing (a holiday or closure? list it as a holiday)"
                else:
                    what = f"{len(stamps)} of {n_open} intervals missing ({_spans(stamps, step)})"
                gaps.append(Problem(f"channel {channel}, {date.date()} ({date.day_name()[:3]})", what))
            filler = pd.DataFrame({"ds": missing, "channel": channel, "contacts": np.nan, "aht_seconds": np.nan})
            own = pd.concat([own, filler], ignore_index=True).sort_values("ds", kind="stable")
        frames.append(own)
    out = pd.concat(frames, ignore_index=True)[["ds", "channel", "contacts", "aht_seconds"]]
    return out.reset_index(drop=True), gaps


def _spans(stamps: pd.Series, step: int) -> str:
    """'10:00-10:25, 14:00' for the missing interval starts of one day."""
    times = sorted(pd.DatetimeIndex(stamps))
    spans, start, prev = [], times[0], times[0]
    for t in times[1:] + [None]:
        if t is not None and t - prev == pd.Timedelta(minutes=step):
            prev = t
            continue
        spans.append(start.strftime("%H:%M") + ("" if prev == start else "-" + prev.strftime("%H:%M")))
        if t is not None:
            start = prev = t
    return ", ".join(spans[:6]) + (" ..." if len(spans) > 6 else "")


def resample_history(df: pd.DataFrame, interval_minutes: int, step_minutes: int | None = None,
                     name: str = "history") -> pd.DataFrame:
    """Sum contacts into `interval_minutes` buckets; AHT becomes the contact-weighted mean.

    A bucket with a missing (NaN) row stays NaN: a partial sum would look like a quiet interval.
    """
    step = step_minutes or int(df.attrs.get("step_minutes") or 0) or None
    if step is not None and (interval_minutes < step or interval_minutes % step):
        raise InputError([Problem(name, f"cannot turn {step}-minute history into {interval_minutes}-minute intervals "
                                        f"(the interval must be a multiple of {step} minutes)")], TITLE)
    if step == interval_minutes:
        return df.reset_index(drop=True)
    out = []
    rule = f"{interval_minutes}min"
    for channel, own in df.groupby("channel", sort=True):
        bucket = own["ds"].dt.floor(rule)
        has_aht = own["aht_seconds"].notna() & own["contacts"].notna()
        g = pd.DataFrame({"bucket": bucket, "contacts": own["contacts"],
                          "missing": own["contacts"].isna(),
                          "w": own["contacts"].where(has_aht, 0.0),
                          "wa": (own["contacts"] * own["aht_seconds"]).where(has_aht, 0.0)}).groupby("bucket")
        agg = g.agg(contacts=("contacts", "sum"), missing=("missing", "any"), w=("w", "sum"), wa=("wa", "sum"))
        contacts = agg["contacts"].where(~agg["missing"])
        aht = (agg["wa"] / agg["w"]).where(agg["w"] > 0)
        out.append(pd.DataFrame({"ds": agg.index, "channel": channel, "contacts": contacts.to_numpy(float),
                                 "aht_seconds": aht.to_numpy(float)}))
    return pd.concat(out, ignore_index=True)
