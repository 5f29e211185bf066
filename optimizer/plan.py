"""What shift selection works with and returns: the skill groups' weekly limits, the selected shifts (not yet
given to anyone) and the keys that count them.

Times are whole minutes from the week start unless a name says otherwise; paid hours are hours.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from scenarios import Roster, Scenario, Shift

from .templates import ShiftType, Template


@dataclass
class GroupLimits:
    """What a skill group's agents can work in the week: agents free on each day, shifts, paid minutes, the caps
    the rule catalogue implies (optimizer.catalogue_limits) and `contracts`: the agents' weekly contracts
    (optimizer.agent_weeks.Contract; empty: the group's totals only)."""

    agents_per_day: list[int]
    max_shifts: int
    min_shifts: int
    max_paid_min: int
    min_paid_min: int
    caps: tuple[ShiftCap, ...] = ()
    contracts: tuple = ()


@dataclass(frozen=True)
class ShiftCap:
    """At most `limit` shifts of a group ending after `ends_after_min` (minutes of the day) on `days` (day
    indices): what the agents' hard `rule` lets them take together."""

    rule: str
    days: tuple[int, ...]
    ends_after_min: int
    limit: int


class GroupShift(NamedTuple):
    """Shifts of one type worked by one skill group: what a shift count of the model counts."""

    group: str
    shift: ShiftType


class LunchSlot(NamedTuple):
    """Shifts of a group and type whose lunch starts `offset` minutes after the shift start."""

    group: str
    shift: ShiftType
    offset: int


class BreakSlot(NamedTuple):
    """Shifts of a group and type whose break number `number` (0 = first) starts `offset` minutes in."""

    group: str
    shift: ShiftType
    number: int
    offset: int


class SubsetInterval(NamedTuple):
    """A pooled channel set in one interval of the week (index from the week start)."""

    channels: frozenset[str]
    interval: int


@dataclass
class PlannedShift:
    """A selected shift not yet given to an agent: group, template, lunch offset, break offsets (minutes)."""

    group: str
    template: Template
    lunch_offset: int | None
    break_offsets: tuple[int, ...]

    def periods_off(self) -> list[tuple[int, int]]:
        """Lunch and breaks as (start, end) minutes from the week start."""
        t0 = self.template.week_start_min
        out = []
        if self.lunch_offset is not None:
            out.append((t0 + self.lunch_offset, t0 + self.lunch_offset + self.template.lunch_min))
        out += [(t0 + o, t0 + o + self.template.break_min) for o in self.break_offsets]
        return sorted(out)


@dataclass
class ShiftPlan:
    """The solved shift selection: the shifts, the solver's status ("OPTIMAL" when every part was solved to
    optimality, "FEASIBLE" when the budget ran out first, "START" when some part kept its start solution), seconds
    spent, the on-duty agent-minutes still missing per pooled channel set and interval, and warnings (budget run
    out, the wall-clock safety limit acting)."""

    shifts: list[PlannedShift]
    status: str
    solve_seconds: float
    short_minutes: dict[SubsetInterval, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def paid_hours(self) -> float:
        return sum(s.template.paid_min for s in self.shifts) / 60

    def counts(self) -> Counter[GroupShift | LunchSlot | BreakSlot]:
        """Shifts per group and type, and per lunch and break position: what a re-solve starts from."""
        out: Counter = Counter()
        for s in self.shifts:
            kind = s.template.key
            out[GroupShift(s.group, kind)] += 1
            if s.lunch_offset is not None:
                out[LunchSlot(s.group, kind, s.lunch_offset)] += 1
            for number, offset in enumerate(s.break_offsets):
                out[BreakSlot(s.group, kind, number, offset)] += 1
        return out


def to_shift(agent_id: str, p: PlannedShift, paid_lunch: bool) -> Shift:
    """The planned shift as worked by `agent_id` (times in seconds from the week start)."""
    t0 = p.template.week_start_min
    lunch = None
    if p.lunch_offset is not None:
        lunch = ((t0 + p.lunch_offset) * 60.0, (t0 + p.lunch_offset + p.template.lunch_min) * 60.0)
    breaks = [((t0 + o) * 60.0, (t0 + o + p.template.break_min) * 60.0) for o in p.break_offsets]
    return Shift(agent_id, p.group, t0 * 60.0, (t0 + p.template.length_min) * 60.0, lunch, breaks,
                 paid_lunch=paid_lunch)


def plan_roster(scenario: Scenario, plan: ShiftPlan) -> Roster:
    """The plan's shifts, each worked by a stand-in agent of its group: what the simulation needs to see the
    plan's agents on duty, lunches and breaks, before anyone is named."""
    paid_lunch = scenario.shift_rules.paid_lunch
    return Roster(scenario.start, [to_shift(f"{p.group}-shift-{n:04d}", p, paid_lunch)
                                   for n, p in enumerate(plan.shifts)])
