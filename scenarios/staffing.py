"""Staffing plans (agents on duty per interval and skill group) and rosters (named agents' shifts) as data.

A staffing plan is long-format: `ds, skill_group, agents` (agents on duty and available for contacts in the
interval). A roster is one row per worked shift: `agent, skill_group, date, start, end, lunch_start, lunch_end,
breaks`, clock times "HH:MM" on `date` (an end at or before the start runs past midnight; breaks are written
"10:00-10:15;14:30-14:45"), and, when any shift holds one, `activities` ("coaching 10:00-10:30;team meeting
14:00-15:00", scenarios.activities). Both readers name the row of every problem.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import bounds
from .activities import Activity, format_activities
from .calendar import interval_index, open_mask, week_intervals
from .clock import clock_seconds, format_clock
from .errors import InputError, Problem, did_you_mean
from .model import Scenario
from .tables import parse_datetimes, read_table

STAFFING_COLUMNS = ("ds", "skill_group", "agents")
ROSTER_COLUMNS = ("agent", "skill_group", "date", "start", "end", "lunch_start", "lunch_end", "breaks")


# --- staffing plans ------------------------------------------------------------------------------------------

def read_staffing(source: str | Path | pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Read and check a staffing plan; missing (interval, group) pairs mean 0 agents.

    Returns a complete grid: one row per interval of the week and skill group, `agents` as float.
    Raises InputError naming each bad row (CSV row numbers count the header as row 1).
    """
    name = str(source) if not isinstance(source, pd.DataFrame) else "staffing"
    df = read_table(source, STAFFING_COLUMNS, title="invalid staffing plan", text=True, name=name)
    problems: list[Problem] = []
    groups = scenario.skill_groups
    if df.empty:
        raise InputError([Problem(name, "has a header but no rows")], "invalid staffing plan")
    when = parse_datetimes(df["ds"], name)
    pos = interval_index(scenario, when)
    # Agents on duty: finite, >= 0, at most what a real center could put on one interval.
    agents, bad = bounds.check_column(df["agents"], "agents", bounds.AGENTS_PER_INTERVAL,
                                      lambda i: f"{name}:row {i + 2}", most=len(df))
    bad_rows = {p.where: p for p in bad}
    for i, row in enumerate(df.itertuples(index=False)):
        where = f"{name}:row {i + 2}"
        if row.skill_group not in groups:
            problems.append(Problem(where, f"unknown skill group '{row.skill_group}'{did_you_mean(row.skill_group, groups)}"))
        if where in bad_rows:
            problems.append(bad_rows[where])
        if pd.isna(when.iloc[i]):
            problems.append(Problem(where, f"ds '{row.ds}' is not a date-time"))
        elif pos[i] < 0:
            problems.append(Problem(where, f"ds {row.ds} is not an interval start of the week "
                                           f"{scenario.start} + {scenario.days} days ({scenario.interval_minutes}-minute grid)"))
        if len(problems) >= 50:
            problems.append(Problem(name, "stopped after 50 problems"))
            break
    if problems:
        raise InputError(problems, "invalid staffing plan")
    frame = pd.DataFrame({"pos": pos, "skill_group": df["skill_group"].to_numpy(), "agents": agents})
    dup = frame.duplicated(["pos", "skill_group"], keep=False)
    if dup.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(dup)[:10])
        raise InputError([Problem(name, f"rows {rows} give the same interval and skill group twice")],
                         "invalid staffing plan")
    return staffing_grid(scenario, frame)


def staffing_grid(scenario: Scenario, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """A complete (interval x skill group) plan from sparse rows with `pos` (interval index), `skill_group`, `agents`."""
    idx = week_intervals(scenario)
    groups = list(scenario.skill_groups)
    matrix = np.zeros((len(idx), len(groups)))
    if frame is not None and len(frame):
        cols = frame["skill_group"].map({g: j for j, g in enumerate(groups)}).to_numpy()
        matrix[frame["pos"].to_numpy(), cols] = frame["agents"].to_numpy(float)
    return staffing_from_matrix(scenario, matrix)


def staffing_from_matrix(scenario: Scenario, matrix: np.ndarray) -> pd.DataFrame:
    """Long-format plan from an (intervals x skill groups) array, groups in scenario order."""
    idx = week_intervals(scenario)
    groups = list(scenario.skill_groups)
    return pd.DataFrame({
        "ds": np.repeat(idx, len(groups)),
        "skill_group": np.tile(groups, len(idx)),
        "agents": np.asarray(matrix, float).reshape(-1),
    })


def staffing_matrix(scenario: Scenario, plan: pd.DataFrame) -> np.ndarray:
    """(intervals x skill groups) array of agents from a long-format plan (missing pairs are 0)."""
    groups = list(scenario.skill_groups)
    pos = interval_index(scenario, plan["ds"])
    matrix = np.zeros((scenario.n_intervals, len(groups)))
    cols = plan["skill_group"].map({g: j for j, g in enumerate(groups)}).to_numpy()
    ok = (pos >= 0) & ~pd.isna(cols)
    matrix[pos[ok], cols[ok].astype(int)] = plan["agents"].to_numpy(float)[ok]
    return matrix


def constant_staffing(scenario: Scenario) -> pd.DataFrame:
    """Each group's `constant_agents` on duty whenever one of its channels is open (0 for groups without it)."""
    groups = list(scenario.skill_groups.items())
    matrix = np.zeros((scenario.n_intervals, len(groups)))
    for j, (_, group) in enumerate(groups):
        if group.constant_agents:
            is_open = np.zeros(scenario.n_intervals, dtype=bool)
            for skill in group.skills:
                is_open |= open_mask(scenario, skill)
            matrix[is_open, j] = group.constant_agents
    return staffing_from_matrix(scenario, matrix)


# --- rosters -------------------------------------------------------------------------------------------------

@dataclass
class Shift:
    """One worked shift of a named agent; times are seconds from the start of the scenario's week."""

    agent: str
    skill_group: str
    start_s: float
    end_s: float
    lunch: tuple[float, float] | None = None
    breaks: list[tuple[float, float]] = field(default_factory=list)
    paid_lunch: bool = False
    activities: list[Activity] = field(default_factory=list)   # paid, off the queues (scenarios.activities)

    @property
    def paid_seconds(self) -> float:
        """Shift length less an unpaid lunch; breaks are paid."""
        unpaid = self.lunch[1] - self.lunch[0] if self.lunch and not self.paid_lunch else 0.0
        return self.end_s - self.start_s - unpaid

    def work_periods(self) -> list[tuple[float, float]]:
        """Periods available for contacts: the shift minus lunch, breaks and activities, in order."""
        cuts = sorted(([self.lunch] if self.lunch else []) + list(self.breaks)
                      + [(a.start_s, a.end_s) for a in self.activities])
        periods, t = [], self.start_s
        for a, b in cuts:
            if a > t:
                periods.append((t, a))
            t = max(t, b)
        if self.end_s > t:
            periods.append((t, self.end_s))
        return periods


@dataclass
class Roster:
    """The week's shifts of named agents."""

    week_start: dt.date
    shifts: list[Shift]

    @property
    def agents(self) -> list[str]:
        return sorted({s.agent for s in self.shifts})

    def paid_hours(self) -> float:
        return sum(s.paid_seconds for s in self.shifts) / 3600

    def availability(self, scenario: Scenario) -> pd.DataFrame:
        """Agents available for contacts per interval and skill group (time-averaged over the interval)."""
        length = scenario.interval_minutes * 60
        groups = list(scenario.skill_groups)
        matrix = np.zeros((scenario.n_intervals, len(groups)))
        for shift in self.shifts:
            j = groups.index(shift.skill_group)
            for a, b in shift.work_periods():
                _add_span(matrix[:, j], a / length, b / length)
        return staffing_from_matrix(scenario, matrix)

    def to_frame(self) -> pd.DataFrame:
        """One row per shift with clock times, as written to CSV."""
        base = pd.Timestamp(self.week_start)
        rows = []
        for s in sorted(self.shifts, key=lambda s: (s.agent, s.start_s)):
            start = base + pd.Timedelta(seconds=s.start_s)
            rows.append({
                "agent": s.agent, "skill_group": s.skill_group, "date": start.strftime("%Y-%m-%d"),
                "start": format_clock(s.start_s), "end": format_clock(s.end_s),
                "lunch_start": format_clock(s.lunch[0]) if s.lunch else "",
                "lunch_end": format_clock(s.lunch[1]) if s.lunch else "",
                "breaks": ";".join(f"{format_clock(a)}-{format_clock(b)}" for a, b in s.breaks),
                "paid_hours": round(s.paid_seconds / 3600, 2),
                "activities": format_activities(s.activities),
            })
        # The column only when an activity is placed: a roster without any is written as it always was.
        extra = ["activities"] if any(s.activities for s in self.shifts) else []
        return pd.DataFrame(rows, columns=[*ROSTER_COLUMNS, "paid_hours", *extra])

    def write_csv(self, path: str | Path) -> Path:
        """Write the roster CSV atomically (a temporary file, then a rename)."""
        from .tables import write_text_atomic

        return write_text_atomic(path, self.to_frame().to_csv(index=False))


def read_roster(source: str | Path | pd.DataFrame, scenario: Scenario) -> Roster:
    """Read and check a roster CSV (see module docstring); raises InputError naming each bad row."""
    name = str(source) if not isinstance(source, pd.DataFrame) else "roster"
    df = read_table(source, ROSTER_COLUMNS[:5], title="invalid roster", text=True, name=name)
    base = pd.Timestamp(scenario.start)
    week_s = scenario.days * 86400
    problems: list[Problem] = []
    shifts: list[Shift] = []
    for i, row in enumerate(df.to_dict("records")):
        where = f"{name}:row {i + 2}"
        try:
            if not str(row["agent"]).strip():
                raise ValueError("agent is empty: every shift needs the name of the agent working it")
            if not str(row["date"]).strip():
                raise ValueError("date is empty: give the shift's date as YYYY-MM-DD")
            if row["skill_group"] not in scenario.skill_groups:
                raise ValueError(f"unknown skill group '{row['skill_group']}'"
                                 f"{did_you_mean(row['skill_group'], scenario.skill_groups)}")
            day = pd.to_datetime(str(row["date"]).strip(), errors="coerce")
            if pd.isna(day) or day != day.normalize():
                raise ValueError(f"date '{row['date']}' is not a date YYYY-MM-DD")
            day_s = (day - base).total_seconds()
            start = day_s + clock_seconds(row["start"], "start")
            end = day_s + clock_seconds(row["end"], "end")
            if end <= start:
                end += 86400
            if end - start > bounds.SHIFT_HOURS.hi * 3600:
                # 08:00-08:00 would be a 24-hour shift: a typo, not a shift anyone works.
                raise ValueError(f"shift {row['start']}-{row['end']} is {(end - start) / 3600:g} h long; a shift "
                                 f"is at most {bounds.SHIFT_HOURS.text()} (an end at or before the start runs "
                                 "past midnight)")
            if start < 0 or start >= week_s:
                raise ValueError(f"shift on {row['date']} {row['start']} is outside the week {scenario.start} + {scenario.days} days")
            lunch = None
            if _filled(row.get("lunch_start")):
                lunch = _within(day_s, start, end, row["lunch_start"], row.get("lunch_end"), "lunch")
            breaks = []
            for part in str(row.get("breaks") or "").split(";"):
                if part.strip() and part.strip().lower() != "nan":
                    a, _, b = part.strip().partition("-")
                    breaks.append(_within(day_s, start, end, a, b, "break"))
            activities = _activities(row.get("activities"), day_s, start, end)
            shifts.append(Shift(str(row["agent"]).strip(), row["skill_group"], start, end, lunch, breaks,
                                paid_lunch=scenario.shift_rules.paid_lunch, activities=activities))
        except ValueError as exc:
            problems.append(Problem(where, str(exc)))
    if problems:
        raise InputError(problems[:50], "invalid roster")
    by_agent: dict[str, list[Shift]] = {}
    for s in shifts:
        by_agent.setdefault(s.agent, []).append(s)
    for agent, own in by_agent.items():
        own.sort(key=lambda s: s.start_s)
        for a, b in zip(own, own[1:]):
            if b.start_s < a.end_s:
                problems.append(Problem(name, f"agent {agent} has overlapping shifts at {format_clock(b.start_s)} "
                                              f"on day {int(b.start_s // 86400) + 1}"))
    if problems:
        raise InputError(problems[:50], "invalid roster")
    return Roster(scenario.start, shifts)


# --- helpers -------------------------------------------------------------------------------------------------

def _add_span(column: np.ndarray, a: float, b: float) -> None:
    """Add the covered share of each interval for a span from position a to b (in intervals)."""
    a, b = max(a, 0.0), min(b, float(len(column)))
    if b <= a:
        return
    i, j = int(np.floor(a)), int(np.ceil(b))
    for k in range(i, j):
        column[k] += min(b, k + 1) - max(a, k)


def _filled(value) -> bool:
    return value is not None and str(value).strip() not in ("", "nan", "NaN", "None")


def _activities(text, day_s: float, start: float, end: float) -> list[Activity]:
    """The `activities` cell of a roster row ("coaching 10:00-10:30;team meeting 14:00-15:00"), each inside the
    shift; ValueError naming the part that is not."""
    out = []
    for part in str(text or "").split(";"):
        part = part.strip()
        if not _filled(part):
            continue
        name, _, times = part.rpartition(" ")
        a, _, b = times.partition("-")
        if not name.strip():
            raise ValueError(f"activity '{part}' is not 'NAME HH:MM-HH:MM'")
        out.append(Activity(name.strip(), *_within(day_s, start, end, a, b, f"activity '{name.strip()}'")))
    return sorted(out, key=lambda x: x.start_s)


def _within(day_s: float, start: float, end: float, a, b, what: str) -> tuple[float, float]:
    if not _filled(b):
        raise ValueError(f"{what} has a start but no end")
    lo, hi = day_s + clock_seconds(a, f"{what} start"), day_s + clock_seconds(b, f"{what} end")
    if lo < start:
        lo, hi = lo + 86400, hi + 86400
    if hi <= lo:
        hi += 86400
    if lo < start or hi > end:
        raise ValueError(f"{what} {a}-{b} is not inside the shift")
    return (lo, hi)
