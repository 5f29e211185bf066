"""An outside checker of labour rules across roster files: it reads roster CSVs only (agent, date, start, end;
an end at or before the start runs past midnight) with the standard library, independently of ccplan's code, and
counts agents with too little rest between consecutive shifts or too many working days in a row, over all the
files joined."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict


def shifts_by_agent(paths) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    out = defaultdict(list)
    for path in paths:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                day = dt.date.fromisoformat(row["date"])
                start = dt.datetime.combine(day, dt.time.fromisoformat(row["start"]))
                end_text = row["end"]
                end = (dt.datetime.combine(day, dt.time(0)) + dt.timedelta(days=1) if end_text == "24:00"
                       else dt.datetime.combine(day, dt.time.fromisoformat(end_text)))
                if end <= start:
                    end += dt.timedelta(days=1)
                out[row["agent"]].append((start, end))
    return {a: sorted(s) for a, s in out.items()}


def rest_violations(paths, min_rest_hours: float) -> dict[str, float]:
    """Agents with less than `min_rest_hours` between the end of a shift and the start of their next one: the
    shortest rest in hours."""
    out = {}
    for agent, shifts in shifts_by_agent(paths).items():
        gaps = [(b[0] - a[1]).total_seconds() / 3600 for a, b in zip(shifts, shifts[1:])]
        short = [g for g in gaps if g < min_rest_hours]
        if short:
            out[agent] = min(short)
    return out


def longest_runs(paths) -> dict[str, int]:
    """Per agent, the most calendar days worked in a row (a day counts when a shift starts on it)."""
    out = {}
    for agent, shifts in shifts_by_agent(paths).items():
        days = sorted({s.date() for s, _ in shifts})
        best = run = 1
        for a, b in zip(days, days[1:]):
            run = run + 1 if (b - a).days == 1 else 1
            best = max(best, run)
        out[agent] = best
    return out


def run_violations(paths, max_consecutive_days: int) -> dict[str, int]:
    return {a: n for a, n in longest_runs(paths).items() if n > max_consecutive_days}
