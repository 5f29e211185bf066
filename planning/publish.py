"""Publishing a roster: what agents and team leads read (the week's grid, the shift list, coverage against the
requirement, figures) and the time zone of their calendars. The CLI's `ccplan publish` and the app's Publish tab
both prepare the week here and hand it to optimizer.export's writers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from optimizer import coverage_tables, requirements
from scenarios import InputError, Problem, Roster, Scenario, read_roster
from scenarios.staffing import ROSTER_COLUMNS
from scenarios.tables import read_table

from .demand import scenario_demand


@dataclass
class PublishedWeek:
    """A roster ready to publish.

    roster: one row per shift (the roster CSV's columns, clock times as text); days: the week's dates (None: the
    roster's own dates); coverage: ds, channel, required, scheduled, short in agents (None without a scenario);
    figures: shown in the workbook (short_intervals: open intervals with too few agents, plus the caller's);
    timezone: of the calendars (None: floating local times); title: the scenario's name ("" without one).
    """

    roster: pd.DataFrame
    days: list[dt.date] | None = None
    coverage: pd.DataFrame | None = None
    figures: dict = field(default_factory=dict)
    timezone: str | None = None
    title: str = ""


def prepare_publish(roster: Roster | Path | pd.DataFrame, scenario: Scenario | None = None, *,
                    requirement: pd.DataFrame | None = None, figures: dict | None = None) -> PublishedWeek:
    """The week to publish. With a scenario the roster (a Roster, or a CSV read and checked by
    scenarios.read_roster) gets coverage against `requirement` (ds, channel, agents; default: Erlang A on the
    scenario's demand, forecast once); without one every row of the CSV is checked for dates and clock times
    (`check_roster_rows`). `figures` are added after short_intervals."""
    if scenario is None:
        return PublishedWeek(check_roster_rows(roster))
    parsed = roster if isinstance(roster, Roster) else read_roster(roster, scenario)
    if requirement is None:
        requirement = requirements(scenario, scenario_demand(scenario), method="erlang-a")
    coverage, _, shortfalls = coverage_tables(scenario, parsed, requirement)
    return PublishedWeek(parsed.to_frame(), [scenario.start + dt.timedelta(days=i) for i in range(scenario.days)],
                         coverage, {"short_intervals": len(shortfalls), **(figures or {})}, scenario.timezone,
                         scenario.name)


def check_roster_rows(source: Path | pd.DataFrame) -> pd.DataFrame:
    """The roster CSV as text, every row checked (a date YYYY-MM-DD, clock times HH:MM); InputError names the
    file, row and column of each problem."""
    name = "roster" if isinstance(source, pd.DataFrame) else str(source)
    frame = read_table(source, ROSTER_COLUMNS[:5], title="invalid roster", text=True, name=name)
    frame = frame.fillna("").astype(str)
    for col in ROSTER_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    problems = []
    for i, row in enumerate(frame.to_dict("records")):
        where = f"{name}:row {i + 2}"
        if not row["agent"].strip():
            problems.append(Problem(where, "agent is empty"))
        try:
            dt.date.fromisoformat(row["date"].strip())
        except ValueError:
            problems.append(Problem(f"{where}, date", f"'{row['date']}' is not a date YYYY-MM-DD"))
        for col in ("start", "end", "lunch_start", "lunch_end"):
            text = row[col].strip()
            if (col in ("start", "end") or text) and not _is_clock(text):
                problems.append(Problem(f"{where}, {col}", f"'{text}' is not a clock time HH:MM"))
        for part in filter(None, (p.strip() for p in row["breaks"].split(";"))):
            a, _, b = part.partition("-")
            if not (_is_clock(a.strip()) and _is_clock(b.strip())):
                problems.append(Problem(f"{where}, breaks", f"'{part}' is not a span HH:MM-HH:MM"))
        if len(problems) >= 50:
            break
    if problems:
        raise InputError(problems, "invalid roster")
    if frame.empty:
        raise InputError([Problem(name, "the roster has no shifts")], "invalid roster")
    return frame


def _is_clock(text: str) -> bool:
    h, sep, m = text.partition(":")
    return bool(sep) and h.isdigit() and m.isdigit() and 0 <= int(h) <= 24 and 0 <= int(m) < 60 and len(m) == 2
