"""How the app writes figures and messages for a planner, on every page and in every table it shows: shares as
percentages ("99.0%"), differences of shares in points ("+1.5 pp"), moments as "Mon 2026-01-05 08:30", days as
"Mon 2026-01-05", paid hours and cost with their units, rule messages with dates instead of week-day numbers, and
library warnings without temporary file paths. Only display: the numbers stay the tables' own, and downloads keep
the raw values (machine-readable CSV and JSON)."""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from typing import Iterable

import pandas as pd

MOMENT = "%a %Y-%m-%d %H:%M"
DAY = "%a %Y-%m-%d"
COST_UNIT = "hourly_cost units"   # the scenario's hourly_cost carries no currency: cost is paid hours x hourly_cost
# Columns holding shares (0..1) when their name ends with or contains one of these words.
SHARE_WORDS = ("service_level", "abandon_rate", "occupancy", "on target", "certified", "share")
# What-if KPIs (the last part of a dotted KPI name) that are shares.
SHARE_KPIS = ("service_level", "abandon_rate", "occupancy", "intervals_meeting_target")


def number(value) -> float:
    """`value` as a float; NaN when it is None, text or otherwise not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def pct(value, digits: int = 1) -> str:
    """A share as a percentage: 0.9898 -> '99.0%'; 'n/a' when unknown."""
    v = number(value)
    return "n/a" if math.isnan(v) else f"{100 * v:.{digits}f}%"


def pp(diff, digits: int = 1) -> str:
    """A difference of two shares in percentage points, signed: 0.015 -> '+1.5 pp'; 'n/a' when unknown."""
    v = number(diff)
    return "n/a" if math.isnan(v) else f"{100 * v:+.{digits}f} pp"


def hours(value) -> str:
    """Paid hours: 3504.5 -> '3,504.5 h'."""
    v = number(value)
    return "n/a" if math.isnan(v) else f"{v:,.1f} h"


def cost(value) -> str:
    """Cost (paid hours x the skill groups' hourly_cost) with its unit: 3927 -> '3,927.0 hourly_cost units'."""
    v = number(value)
    return "n/a" if math.isnan(v) else f"{v:,.1f} {COST_UNIT}"


def when(value) -> str:
    """A moment as 'Mon 2026-01-05 08:30' (a date alone as 'Mon 2026-01-05'); ISO text is read first (a stored
    UTC stamp such as '2026-12-03T16:30:12.5+00:00' keeps its own clock). '' when there is none."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime(DAY)
    stamp = pd.Timestamp(value)
    return "" if pd.isna(stamp) else stamp.strftime(MOMENT)


def day(value) -> str:
    """A day as 'Mon 2026-01-05'."""
    return pd.Timestamp(value).strftime(DAY)


def dated(start: dt.date, text: str) -> str:
    """A labour-rule message with its week days ("day 2", counted from 0 as the rule checker counts them, the
    scenario's first day being day 0) as dates: 'day 2' -> 'Wed 2026-01-07' for a week starting Mon 2026-01-05."""
    return re.sub(r"\bday (\d+)\b", lambda m: (start + dt.timedelta(days=int(m.group(1)))).strftime(DAY), text)


def note(text: str) -> str:
    """A library warning as the app says it: the app shows what the CLI writes to its JSON, and never a
    temporary file's path (a file in the temporary folder is named by its own name)."""
    text = text.replace("listed in the JSON (certified.short_intervals)",
                        "listed under 'Intervals missing their targets in the certification'")
    return re.sub(re.escape(tempfile.gettempdir()) + r"(?:/[^\s,;:)/]+)*/", "", text)


def figure(kpi: str, value, signed: bool = False) -> str:
    """A what-if KPI (dotted name, e.g. 'channels.phone.service_level') as shown: shares in % (a difference in
    pp), waits in seconds (minutes from 10 minutes on: deferred work waits hours), other figures to one decimal."""
    v = number(value)
    if math.isnan(v):
        return "n/a"
    name = kpi.split(".")[-1]
    if name in SHARE_KPIS:
        return pp(v) if signed else pct(v)
    sign = "+" if signed else ""
    if name.endswith("seconds"):
        return f"{v / 60:{sign},.1f} min" if abs(v) >= 600 else f"{v:{sign},.0f} s"
    if name.endswith("hours"):
        return f"{v:{sign},.1f} h"
    return f"{v:{sign},.1f}"


def table(frame: pd.DataFrame, *, shares: Iterable[str] = ()) -> pd.DataFrame:
    """A table for reading: date-times (and ISO text) as 'Mon 2026-01-05 08:30', dates as 'Mon 2026-01-05',
    shares as percentages (columns named in `shares`, and those whose name holds one of SHARE_WORDS), other
    decimals to two places. Only display: the numbers stay the table's."""
    out = frame.copy()
    shares = set(shares)
    for col in out.columns:
        series = out[col]
        name = str(col)
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.map(when)
        elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series) and (
                name in shares or any(name.endswith(w) or w in name for w in SHARE_WORDS)):
            out[col] = series.map(lambda v: "" if pd.isna(v) else pct(v))
        elif pd.api.types.is_float_dtype(series):
            out[col] = series.round(2)
        elif series.dtype == object and len(series) and _dates(series):
            out[col] = series.map(lambda v: when(v) if _is_moment(v) or isinstance(v, dt.date) else v)
    return out


def _dates(series: pd.Series) -> bool:
    first = series.dropna()
    return bool(len(first)) and (_is_moment(first.iloc[0]) or isinstance(first.iloc[0], dt.date))


def _is_moment(value) -> bool:
    """ISO text of a moment: 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DDTHH:MM...'."""
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:?\d\d|Z)?", str(value)))
