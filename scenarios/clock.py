"""Clock times of the contact center's local day: "HH:MM" text to minutes or seconds after midnight and back.

One home for every reader and writer of clock times (the scenario's shift rules and opening hours, roster CSVs,
the roster editor, `--now` options). A clock time runs from 00:00 to 24:00 (the end of the day); a span whose end
is before its start runs past midnight.
"""

from __future__ import annotations

import re

DAY_MINUTES = 24 * 60

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def hours_minutes(text: str) -> tuple[int, int] | None:
    """(hours, minutes) of a text shaped exactly 'H:MM' or 'HH:MM'; None for any other shape (no range check)."""
    match = _CLOCK.match(text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def is_clock(text: str) -> bool:
    """True for a clock time 'H:MM' or 'HH:MM' with hours 0-24 and minutes 0-59."""
    hm = hours_minutes(text)
    return hm is not None and hm[0] <= 24 and hm[1] < 60


def clock_minutes(text: object) -> int:
    """Minutes after midnight of a clock time already checked: 'HH:MM' (seconds of 'HH:MM:SS' are ignored).
    ValueError when the hours or minutes are not whole numbers."""
    hours, minutes = _fields(text)
    return hours * 60 + minutes


def clock_seconds(text: object, what: str = "time") -> int:
    """Seconds after midnight of a clock time read from a table: 'HH:MM' or 'HH:MM:SS' (seconds ignored), from
    00:00 to 24:00 (24:30 is not one). ValueError "{what} '{text}' is not a clock time HH:MM" otherwise."""
    text = str(text).strip()
    try:
        hours, minutes = _fields(text)
        if not (0 <= hours <= 24 and 0 <= minutes < 60) or hours * 60 + minutes > DAY_MINUTES:
            raise ValueError
    except ValueError:
        raise ValueError(f"{what} '{text}' is not a clock time HH:MM") from None
    return hours * 3600 + minutes * 60


def format_clock(seconds: float) -> str:
    """'HH:MM' of a time in seconds after a midnight (of the day or of the week's start), rounded to the minute;
    24:00 and later wrap to the next day's clock."""
    minutes = int(round(seconds / 60)) % DAY_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_span(text: str) -> tuple[int, int] | None:
    """Parse "HH:MM-HH:MM" (or "closed") into minutes after midnight; "00:00-24:00" is a full day.

    A span whose end is before its start runs past midnight (e.g. "20:00-02:00"): the end is returned
    plus 1440 minutes.
    """
    text = text.strip().lower()
    if text in ("closed", "none", ""):
        return None
    if text in ("24h", "always", "24/7"):
        return (0, DAY_MINUTES)
    m = _SPAN.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a time span like '07:00-22:00' or 'closed'")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 != 0):
        raise ValueError(f"'{text}' has an impossible clock time")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end == start:
        raise ValueError(f"'{text}' is an empty span")
    if end < start:
        end += DAY_MINUTES
    return (start, end)


def _fields(text: object) -> tuple[int, int]:
    hours, minutes = str(text).split(":")[:2]
    return int(hours), int(minutes)
