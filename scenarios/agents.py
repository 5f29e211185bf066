"""The named agents to roster, their time off and the shifts locked for them, read from the planner's CSV files
into typed objects (every problem named by file, row and field).

Agents CSV columns (header row required; only `agent` and `skill_group` are mandatory):

- `agent` (or `id`): a unique name.
- `skill_group`: one of the scenario's skill groups.
- `min_hours_per_week`, `max_hours_per_week`: paid hours; empty -> the skill group's contract.
- `unavailable`: ";"-separated days or times the agent cannot work: a weekday (`sat`), a date (`2026-01-07`),
  or either followed by a time span (`wed 08:00-12:00`, `2026-01-07 14:00-24:00`).
- `preferred_start`: a span of start times the agent prefers, e.g. `07:00-10:00` (a soft wish).

Time-off CSV columns: `agent`, `start` (or `date`), optional `end`, optional `reason` (see `read_time_off`).
Locked shifts: rows of a roster CSV (scenarios.staffing), each for one of the agents in its own skill group.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import bounds
from .clock import DAY_MINUTES, parse_span
from .errors import InputError, Problem, did_you_mean
from .model import WEEKDAYS, Scenario
from .staffing import Roster, Shift, read_roster
from .tables import CsvText, read_table

Source = str | Path | pd.DataFrame | CsvText


# --- agents ------------------------------------------------------------------------------------------------------

@dataclass
class Agent:
    """One rostered person's contract: paid hours per week, unavailable times (day index of the week, start and
    end minute of that day), preferred start times (minutes of day). `time_off`: the pieces of `unavailable` that
    are time off this week (leave, sickness; `apply_time_off`), not the standing pattern of the contract: the
    roster credits them against the contracted minimum (optimizer.minimum_hours)."""

    id: str
    skill_group: str
    min_hours: float
    max_hours: float
    unavailable: list[tuple[int, int, int]] = field(default_factory=list)  # (day, start_min, end_min)
    preferred_start: tuple[int, int] | None = None
    time_off: list[tuple[int, int, int]] = field(default_factory=list)    # (day, start_min, end_min)
    # attached by the optimizer on its own copies: the work before the horizon (optimizer.continuity.Before) and
    # the rule catalogue the agent is under (optimizer.rule_catalogue.AgentRules); typed there, since scenarios
    # cannot import the optimizer
    before: object | None = field(default=None, compare=False, repr=False)
    catalogue: object | None = field(default=None, compare=False, repr=False)

    def can_work(self, day: int, start_min: int, end_min: int) -> bool:
        """False when the shift overlaps any of the agent's unavailable times."""
        return not any(d == day and a < end_min and start_min < b for d, a, b in self.unavailable)


def read_agents(source: Source, scenario: Scenario) -> list[Agent]:
    """Read and check an agents CSV (see module docstring); InputError names the file, row and field."""
    name = "agents" if isinstance(source, pd.DataFrame) else str(source)
    df = read_table(_text_cells(source) if isinstance(source, pd.DataFrame) else source, title="invalid agents file",
                    text=True, name=name)
    if "agent" not in df.columns and "id" in df.columns:
        df = df.rename(columns={"id": "agent"})
    df = read_table(df, ("agent", "skill_group"), title="invalid agents file", name=name)
    problems: list[Problem] = []
    agents: list[Agent] = []
    seen: set[str] = set()
    for i, row in enumerate(df.to_dict("records")):
        where = f"{name}:row {i + 2}"
        agent_id = str(row["agent"]).strip()
        group_name = str(row["skill_group"]).strip()
        if not agent_id:
            problems.append(Problem(where, "agent is empty"))
            continue
        if agent_id in seen:
            problems.append(Problem(where, f"agent '{agent_id}' appears twice"))
        seen.add(agent_id)
        group = scenario.skill_groups.get(group_name)
        if group is None:
            problems.append(Problem(where, f"unknown skill group '{group_name}'{did_you_mean(group_name, scenario.skill_groups)}"))
            continue
        lo = _number(row.get("min_hours_per_week"), group.min_hours_per_week, where, "min_hours_per_week", problems)
        hi = _number(row.get("max_hours_per_week"), group.max_hours_per_week, where, "max_hours_per_week", problems)
        if lo is not None and hi is not None and lo > hi:
            problems.append(Problem(where, f"min_hours_per_week ({lo:g}) is above max_hours_per_week ({hi:g})"))
        try:
            off = parse_unavailable(str(row.get("unavailable") or ""), scenario)
        except ValueError as exc:
            problems.append(Problem(f"{where}, unavailable", str(exc)))
            off = []
        pref, problem = _preferred_start(str(row.get("preferred_start") or "").strip())
        if problem:
            problems.append(Problem(f"{where}, preferred_start", problem))
        if lo is not None and hi is not None:
            agents.append(Agent(agent_id, group_name, lo, hi, off, pref))
        if len(problems) >= 50:
            break
    if not agents and not problems:
        problems.append(Problem(name, "no agents listed"))
    if problems:
        raise InputError(problems, "invalid agents file")
    return agents


def _preferred_start(text: str) -> tuple[tuple[int, int] | None, str | None]:
    """(window of start minutes, None) from a cell; empty -> (None, None); else (None, the problem)."""
    if not text:
        return None, None
    try:
        window = parse_span(text)
    except ValueError as exc:
        return None, str(exc)
    if window is None or window[1] > DAY_MINUTES:
        # Shifts end by midnight: a window of start times past it is a window written backwards.
        return None, (f"'{text}' {'is closed' if window is None else 'ends before it starts'}: give the earliest "
                      "and latest start the agent prefers, e.g. 07:00-10:00")
    return window, None


def _text_cells(source: pd.DataFrame) -> pd.DataFrame:
    """A table given in memory as text, its missing cells (NaN, None) empty: "nan" typed in a file stays a value
    its reader names."""
    return source.astype(object).where(source.notna(), "").astype(str)


def _number(value, default: float, where: str, what: str, problems: list[Problem]) -> float | None:
    """Hours per week from a cell: empty -> the group's contract; else finite, >= 0 and within the shared bound."""
    number = bounds.parse_number(value)
    if number is None:
        return float(default)
    if math.isnan(number):
        problems.append(Problem(where, f"{what} '{str(value).strip()}' is not a number"))
        return None
    message = bounds.HOURS_PER_WEEK.problem(number, lo=0.0)
    if message:
        problems.append(Problem(where, f"{what} {message}"))
        return None
    return number


def parse_unavailable(text: str, scenario: Scenario) -> list[tuple[int, int, int]]:
    """'sat; wed 08:00-12:00; 2026-01-07' -> [(day index, start minute, end minute), ...] within the week."""
    out = []
    for part in text.split(";"):
        part = part.strip()
        if not part or part.lower() == "nan":
            continue
        head, _, span_text = part.partition(" ")
        span = (0, DAY_MINUTES)
        if span_text.strip():
            parsed = parse_span(span_text)
            if parsed is None:
                raise ValueError(f"'{part}': '{span_text.strip()}' is not a time span")
            span = parsed
        days = _days_of(head.lower(), scenario)
        if days is None:
            raise ValueError(f"'{head}' is neither a weekday (mon..sun) nor a date YYYY-MM-DD")
        for d in days:
            out.append((d, span[0], min(span[1], DAY_MINUTES)))
            if span[1] > DAY_MINUTES and d + 1 < scenario.days:
                out.append((d + 1, 0, span[1] - DAY_MINUTES))
    return out


def _days_of(head: str, scenario: Scenario) -> list[int] | None:
    if head[:3] in WEEKDAYS and head.isalpha():
        wd = WEEKDAYS.index(head[:3])
        return [d for d in range(scenario.days) if (scenario.start.weekday() + d) % 7 == wd]
    try:
        day = dt.date.fromisoformat(head)
    except ValueError:
        return None
    d = (day - scenario.start).days
    return [d] if 0 <= d < scenario.days else []


# --- time off ----------------------------------------------------------------------------------------------------

@dataclass
class TimeOff:
    """One agent away from `start` to `end` (naive local date-times, end exclusive), with the reason given."""

    agent: str
    start: dt.datetime
    end: dt.datetime
    reason: str = ""


def read_time_off(source: Source, scenario: Scenario, agents: list[Agent]) -> list[TimeOff]:
    """Read a time-off CSV: `agent`, `start` (or `date`), optional `end`, optional `reason`. `start` is a date
    (the whole day) or a date-time `YYYY-MM-DD HH:MM`; `end` a date (inclusive: through that day) or a date-time
    (exclusive); no end: the start's whole day. InputError names the file, row and field of every problem,
    including agents that are not among `agents`."""
    name = "time off" if isinstance(source, pd.DataFrame) else str(source)
    df = read_table(_text_cells(source) if isinstance(source, pd.DataFrame) else source, title="invalid time-off file",
                    text=True, name=name)
    if "start" not in df.columns and "date" in df.columns:
        df = df.rename(columns={"date": "start"})
    df = read_table(df, ("agent", "start"), title="invalid time-off file", name=name,
                    hint="time off needs agent, start (a date or date-time), optional end and reason")
    known = {a.id for a in agents}
    problems: list[Problem] = []
    out: list[TimeOff] = []
    for i, row in enumerate(df.to_dict("records")):
        where = f"{name}:row {i + 2}"
        agent = str(row.get("agent") or "").strip()
        if not agent:
            problems.append(Problem(where, "agent is empty"))
        elif agent not in known:
            problems.append(Problem(f"{where}, agent", f"'{agent}' is not among the agents{did_you_mean(agent, known)}"))
        start, start_is_day = _moment(row.get("start"))
        if start is None:
            problems.append(Problem(f"{where}, start", f"'{row.get('start')}' is neither a date YYYY-MM-DD nor a "
                                                       "date-time YYYY-MM-DD HH:MM"))
            continue
        end_text = str(row.get("end") or "").strip()
        if end_text and end_text.lower() != "nan":
            end, end_is_day = _moment(end_text)
            if end is None:
                problems.append(Problem(f"{where}, end", f"'{end_text}' is neither a date YYYY-MM-DD nor a date-time "
                                                         "YYYY-MM-DD HH:MM"))
                continue
            if end_is_day:
                end += dt.timedelta(days=1)     # a date as the end: through that whole day
        else:
            end = start + dt.timedelta(days=1) if start_is_day else None
            if end is None:
                problems.append(Problem(f"{where}, end", "a date-time start needs an end"))
                continue
        if end <= start:
            problems.append(Problem(f"{where}, end", f"ends ({end:%Y-%m-%d %H:%M}) at or before it starts "
                                                     f"({start:%Y-%m-%d %H:%M})"))
            continue
        reason = str(row.get("reason") or "").strip()
        out.append(TimeOff(agent, start, end, "" if reason.lower() == "nan" else reason))
        if len(problems) >= 50:
            break
    if problems:
        raise InputError(problems, "invalid time-off file")
    return out


def apply_time_off(agents: list[Agent], entries: list[TimeOff], scenario: Scenario) -> list[Agent]:
    """The agents with every time-off entry added to their unavailable times and their `time_off` (new Agent
    objects; entries outside the scenario's week change nothing)."""
    week0 = dt.datetime.combine(scenario.start, dt.time(0))
    extra: dict[str, list[tuple[int, int, int]]] = {}
    for e in entries:
        a = int((e.start - week0).total_seconds() // 60)
        b = int(-((week0 - e.end).total_seconds() // 60))      # ceil: a part minute is away too
        pieces = split_by_day(a, b, scenario.days)
        if pieces:
            extra.setdefault(e.agent, []).extend(pieces)
    return [dataclasses.replace(a, unavailable=list(a.unavailable) + extra[a.id],
                                time_off=list(a.time_off) + extra[a.id]) if a.id in extra else a
            for a in agents]


def split_by_day(start_min: int, end_min: int, n_days: int) -> list[tuple[int, int, int]]:
    """Minutes `start_min`..`end_min` after the week's start as (day index, start minute, end minute of that day)
    pieces, within the week's `n_days` days (the unavailable times of an Agent)."""
    out = []
    for d in range(max(0, start_min // DAY_MINUTES), min(n_days, (end_min - 1) // DAY_MINUTES + 1)):
        lo, hi = max(start_min - d * DAY_MINUTES, 0), min(end_min - d * DAY_MINUTES, DAY_MINUTES)
        if hi > lo:
            out.append((d, lo, hi))
    return out


def _moment(value) -> tuple[dt.datetime | None, bool]:
    """(date-time, whether it was a bare date) of 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM'; (None, False) otherwise."""
    text = str(value or "").strip().replace("T", " ")
    try:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0)), True
    except ValueError:
        pass
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None, False
    return (moment.replace(tzinfo=None), False) if len(text) >= 16 else (None, False)


# --- locked shifts -----------------------------------------------------------------------------------------------

def read_locked(source: Source, scenario: Scenario, agents: list[Agent]) -> Roster:
    """The locked shifts of a roster CSV, checked like any roster and against the agents (`check_locked`);
    InputError names the file and row."""
    roster = read_roster(source, scenario)
    check_locked(roster.shifts, agents, "locked roster" if isinstance(source, pd.DataFrame) else str(source))
    return roster


def check_locked(shifts: list[Shift], agents: list[Agent], name: str = "locked roster") -> None:
    """Every locked shift is for one of `agents`, in that agent's skill group; InputError names `name` and the row
    (counting the CSV header as row 1)."""
    known = {a.id: a for a in agents}
    problems = []
    for i, s in enumerate(shifts):
        where = f"{name}:row {i + 2}"
        agent = known.get(s.agent)
        if agent is None:
            problems.append(Problem(where, f"agent '{s.agent}' is not among the agents (give --agents with them)"))
        elif agent.skill_group != s.skill_group:
            problems.append(Problem(where, f"agent '{s.agent}' is in skill group {agent.skill_group}, "
                                           f"not {s.skill_group}"))
    if problems:
        raise InputError(problems[:50], "invalid locked shifts")
