"""Per-call records (an ACD export) -> long-format history: contacts and mean handle time per interval and channel.

The defaults read the "Anonymous Bank" format (whitespace-separated; `date` YYMMDD, clock columns H:MM:SS,
`type` the call type, `outcome` AGENT / HANG / PHANTOM, `ser_time` seconds of service). A call counts as a
contact when it asked for an agent: it queued (`q_start` set) or was served. Its arrival is the queue entry
(or, for calls served without queueing, the IVR exit), on the next day when that clock is more than 12 hours
before the IVR entry (a call that crossed midnight; a clock a few seconds or minutes before the entry is a
recording quirk, e.g. the bank's negative `vru_time` rows, and stays on its day). `aht_seconds` is the mean
service time of the calls an agent served (a call marked served whose `server` is NO_SERVER was not handled by
an agent: it counts as a contact when it queued, never in the AHT) that arrived in the interval. Every column
name is an option, so other exports map onto it.

`call_records` gives one row per call for the calibration (wait, outcome, handle time, server, service times).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios import InputError, Problem

TITLE = "invalid call records"


@dataclass
class CallColumns:
    """Which column holds what. `arrival` may list several clock columns: the first one set is used."""

    date: str | None = "date"               # date column (None when `arrival` holds full date-times)
    date_format: str | None = "%y%m%d"      # strftime format of `date` (None: let pandas guess)
    arrival: tuple[str, ...] = ("q_start", "vru_exit")
    channel: str | None = "type"            # call type / channel column (None: one channel)
    outcome: str | None = "outcome"
    handle_seconds: str | None = "ser_time"
    served: tuple[str, ...] = ("AGENT",)    # outcome values of answered calls
    ignore: tuple[str, ...] = ("PHANTOM",)  # outcome values that are not calls
    unset: str = "0:00:00"                  # value meaning "this stage did not happen"
    queued: str | None = "q_start"          # a call counts when this is set or it was served (None: every call)
    entry: str | None = "vru_entry"         # first clock time of the call: an arrival clock 12 h before it is past midnight
    server: str | None = "server"           # agent column (optional: used when present)
    no_server: tuple[str, ...] = ("NO_SERVER",)  # server values meaning no agent took the call
    wait_seconds: str | None = "q_time"     # seconds in queue (calibration only)
    service_start: str | None = "ser_start"  # clock time service began (calibration only)
    priority: str | None = None             # customer priority column (calibration only; None: no classes)
    high_priority: tuple[str, ...] = ("2",)  # its values of customers served first: their own channel <type>_priority


# an arrival clock this far before the entry clock crossed midnight; less is a recording quirk on the same day
MIDNIGHT_SLACK = pd.Timedelta(hours=12)
PRIORITY_SUFFIX = "_priority"   # channel of the high-priority customers of a call type (CallColumns.priority)


def read_calls(path: str | Path, sep: str | None = None) -> pd.DataFrame:
    """Read a call-record file: whitespace-separated unless `sep` is given (',' for CSV)."""
    path = Path(path)
    if not path.exists():
        raise InputError([Problem(str(path), "file not found")], TITLE)
    try:
        return pd.read_csv(path, sep=sep or r"\s+", dtype=str, engine="python" if sep is None else "c")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError([Problem(str(path), f"not a readable table ({exc})")], TITLE) from None


def history_from_calls(calls: pd.DataFrame | str | Path, interval_minutes: int = 30,
                       columns: CallColumns | None = None, channel_name: str = "calls",
                       channel_map: dict[str, str] | None = None, *, name: str | None = None) -> pd.DataFrame:
    """Count calls per interval and channel; columns ds, channel, contacts, aht_seconds (NaN where none served).

    Every interval within the span of clock times seen, from the first day to the last call, is present (zeros
    when no call arrived), so the result is a complete history for `read_history`. `channel_map` renames call types (e.g.
    {"PS": "retail", "PE": "english"}); types not in a given map are kept under their own name.
    """
    cols = columns or CallColumns()
    where = name or ("calls" if isinstance(calls, pd.DataFrame) else str(calls))
    df, served = _agent_calls(calls, cols, where, (), "map the columns with the --*-column options")
    when = _arrival_times(df, cols, where)
    handle = _handle_seconds(df, cols, where)
    channel = df[cols.channel].map(lambda t: (channel_map or {}).get(t, t)) if cols.channel else channel_name
    frame = pd.DataFrame({"ds": when.dt.floor(f"{interval_minutes}min"), "channel": channel,
                          "handle": handle.where(served & (handle > 0))})
    counts = frame.groupby(["channel", "ds"]).agg(contacts=("handle", "size"), aht_seconds=("handle", "mean"))
    # complete grid per channel: every interval of the clock span seen, from the first day's start to the last
    # call (the export ends there: the rest of that day is unknown, not quiet)
    day_start = frame["ds"] - frame["ds"].dt.normalize()
    first_slot, last_slot = day_start.min(), day_start.max()
    stamps = pd.date_range(frame["ds"].min().normalize() + first_slot, frame["ds"].max(), freq=f"{interval_minutes}min")
    tod = stamps - stamps.normalize()
    grid = stamps[(tod >= first_slot) & (tod <= last_slot)]
    out = []
    for ch, own in counts.groupby(level="channel"):
        own = own.droplevel("channel").reindex(pd.DatetimeIndex(grid))
        out.append(pd.DataFrame({"ds": own.index, "channel": ch, "contacts": own["contacts"].fillna(0).astype(int),
                                 "aht_seconds": own["aht_seconds"].round(1)}))
    return pd.concat(out, ignore_index=True)


def _agent_calls(calls: pd.DataFrame | str | Path, cols: CallColumns, where: str, extra: tuple,
                 hint: str) -> tuple[pd.DataFrame, pd.Series]:
    """The records of calls that asked for an agent (queued or served), and which an agent served."""
    df = read_calls(calls) if not isinstance(calls, pd.DataFrame) else calls.astype(str)
    needed = [c for c in (cols.date, *cols.arrival, cols.channel, cols.outcome, cols.handle_seconds, cols.queued,
                          *extra) if c]
    missing = sorted({c for c in needed if c not in df.columns})
    if missing:
        raise InputError([Problem(where, f"missing column {', '.join(missing)} (has: {', '.join(df.columns)}); "
                                         f"{hint}")], TITLE)
    if cols.outcome and cols.ignore:
        df = df[~df[cols.outcome].isin(cols.ignore)]
    served = _served_by_agent(df, cols)
    if cols.queued:
        keep = (df[cols.queued] != cols.unset) | served
        df, served = df[keep], served[keep]
    return df, served


def _served_by_agent(df: pd.DataFrame, cols: CallColumns) -> pd.Series:
    """Calls an agent answered: a served outcome and, where the export has a server column, a real server."""
    served = df[cols.outcome].isin(cols.served) if cols.outcome else pd.Series(True, index=df.index)
    if cols.server and cols.server in df.columns and cols.no_server:
        served = served & ~df[cols.server].isin(cols.no_server)
    return served


# A clock time of the day as an ACD writes it: H:MM:SS (or H:MM), 0:00:00 to 23:59:59.
_CLOCK = r"^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$"


def _check_clocks(df: pd.DataFrame, columns: tuple, cols: CallColumns, where: str) -> None:
    """Every set clock cell of `columns` (those in the file) is a time of day; InputError names the first rows of
    one that is not (pandas would read 25:61:00 as 26:01 and move the call to the next day without a word)."""
    problems = []
    for column in columns:
        if not column or column not in df.columns:
            continue
        cells = df[column].astype(str).str.strip()
        bad = df[column].notna() & (cells != cols.unset) & ~cells.str.match(_CLOCK)
        for i in np.flatnonzero(bad.to_numpy())[:5]:
            problems.append(Problem(f"{where}:row {int(df.index[i]) + 2}",
                                    f"{column} '{cells.iloc[i]}' is not a clock time H:MM:SS (0:00:00 to 23:59:59)"))
    if problems:
        raise InputError(problems, TITLE)


def _handle_seconds(df: pd.DataFrame, cols: CallColumns, where: str) -> pd.Series:
    """Handle seconds of each call (NaN without a handle column); InputError names the first rows whose cell is
    not a number or is negative (they would otherwise drop out of the AHT without a word)."""
    if not cols.handle_seconds:
        return pd.Series(np.nan, index=df.index)
    cells = df[cols.handle_seconds].astype(str).str.strip()
    handle = pd.to_numeric(cells.where(df[cols.handle_seconds].notna() & (cells != "")), errors="coerce")
    given = df[cols.handle_seconds].notna() & (cells != "")
    problems = []
    for i in np.flatnonzero((given & (handle.isna() | ~np.isfinite(handle) | (handle < 0))).to_numpy())[:5]:
        what = "is negative" if handle.iloc[i] < 0 else "is not a number of seconds"
        problems.append(Problem(f"{where}:row {int(df.index[i]) + 2}",
                                f"{cols.handle_seconds} '{cells.iloc[i]}' {what}"))
    if problems:
        raise InputError(problems, TITLE)
    return handle


def _arrival_times(df: pd.DataFrame, cols: CallColumns, where: str) -> pd.Series:
    """Arrival date-time of each call (raises InputError naming the first unreadable row)."""
    if cols.date:
        _check_clocks(df, (*cols.arrival, cols.entry), cols, where)
    # first arrival column that is set
    clock = pd.Series(np.nan, index=df.index, dtype=object)
    for c in reversed(cols.arrival):
        clock = df[c].where(df[c] != cols.unset, clock)
    if cols.date:
        date = pd.to_datetime(df[cols.date], format=cols.date_format, errors="coerce")
        when = date + pd.to_timedelta(clock, errors="coerce")
        if cols.entry and cols.entry in df.columns:
            # calls that entered before midnight and reached the queue after it belong to the next day
            entered = pd.to_timedelta(df[cols.entry].where(df[cols.entry] != cols.unset), errors="coerce")
            when = when + pd.to_timedelta((pd.to_timedelta(clock, errors="coerce") < entered - MIDNIGHT_SLACK)
                                          .astype(int), unit="D")
    else:
        when = pd.to_datetime(clock, errors="coerce")
    bad = when.isna()
    if bad.all():
        raise InputError([Problem(where, "no arrival time could be read (check --date-column, --date-format and "
                                         "--arrival-column)")], TITLE)
    if bad.any():
        first = df.index[np.flatnonzero(bad.to_numpy())[0]]
        raise InputError([Problem(f"{where}:row {int(first) + 2}", f"no readable arrival time "
                                                                   f"({', '.join(f'{c}={df.at[first, c]!r}' for c in ([cols.date] if cols.date else []) + list(cols.arrival))})")],
                         TITLE)
    return when


def _clock_after(base: pd.Series, clock: pd.Series, unset: str) -> pd.Series:
    """The date-time of a clock column on `base`'s day, the next day when it is 12 h or more before `base`."""
    day = base.dt.normalize()
    t = day + pd.to_timedelta(clock.where(clock != unset), errors="coerce")
    return t + pd.to_timedelta((t < base - MIDNIGHT_SLACK).astype(int), unit="D")


def call_records(calls: pd.DataFrame | str | Path, columns: CallColumns | None = None,
                 channel_map: dict[str, str] | None = None, channel_name: str = "calls", name: str | None = None,
                 *, start: pd.Timestamp | str | None = None, end: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """One row per call that asked for an agent (queued or served), sorted by arrival.

    Columns: arrival (date-time), channel, served (an agent answered), abandoned (hung up in the queue),
    wait_seconds (time in queue: until answered, or until hanging up; a lower bound of the patience of a
    served caller), handle_seconds (NaN unless served), server (None unless served), service_start and
    service_end (date-times, NaT unless served). `start` / `end` keep arrivals in [start, end) (dates or
    date-times). Waits come from the wait column when the export has one, else from service start - arrival.
    With `columns.priority`, calls of high-priority customers form a channel of their own, "<channel>_priority".
    """
    cols = columns or CallColumns()
    where = name or ("calls" if isinstance(calls, pd.DataFrame) else str(calls))
    df, served = _agent_calls(calls, cols, where, (cols.server, cols.service_start),
                              "calibration needs the server and service start columns too")
    arrival = _arrival_times(df, cols, where)
    handle = _handle_seconds(df, cols, where)
    _check_clocks(df, (cols.service_start,), cols, where)
    service_start = _clock_after(arrival, df[cols.service_start], cols.unset).where(served)
    if cols.wait_seconds and cols.wait_seconds in df.columns:
        wait = pd.to_numeric(df[cols.wait_seconds], errors="coerce").clip(lower=0).fillna(0.0)
    else:
        wait = ((service_start - arrival).dt.total_seconds()).clip(lower=0).fillna(0.0)
    # a served call without a readable service start (e.g. one starting exactly at 0:00:00, the "unset" value)
    # started when its wait ended
    service_start = service_start.fillna(arrival + pd.to_timedelta(wait, unit="s")).where(served)
    channel = df[cols.channel].map(lambda t: (channel_map or {}).get(t, t)) if cols.channel else \
        pd.Series(channel_name, index=df.index)
    if cols.priority:
        if cols.priority not in df.columns:
            raise InputError([Problem(where, f"missing priority column {cols.priority} (has: {', '.join(df.columns)})")],
                             TITLE)
        channel = channel.where(~df[cols.priority].isin(cols.high_priority), channel + PRIORITY_SUFFIX)
    out = pd.DataFrame({
        "arrival": arrival, "channel": channel, "served": served.to_numpy(bool),
        "abandoned": (~served).to_numpy(bool), "wait_seconds": wait.to_numpy(float),
        "handle_seconds": handle.where(served & (handle > 0)).to_numpy(float),
        "server": df[cols.server].where(served) if cols.server else None,
        "service_start": service_start,
    })
    out["service_end"] = out["service_start"] + pd.to_timedelta(out["handle_seconds"].fillna(0), unit="s")
    if start is not None:
        out = out[out["arrival"] >= pd.Timestamp(start)]
    if end is not None:
        out = out[out["arrival"] < pd.Timestamp(end)]
    return out.sort_values("arrival", kind="stable").reset_index(drop=True)
