"""The roster's rules for one agent's week, written once: `rule_breaks` checks the hard rules, and the greedy
start, the repairs and the tests use it; the CP-SAT roster (optimizer.roster) states the same rules as
constraints (tests/test_roster.py checks that the two agree).

Hard rules: one shift a day, at most max_shifts_per_week shifts (and at least min_shifts_per_week in a finished
week), at most the agent's max_hours_per_week paid, min_rest_hours between the end of a shift and the next day's
start, at most max_consecutive_days working days in a row, no shift in the agent's unavailable times; the weekly
rules per 7-day block of a horizon longer than a week (`week_blocks`); rest and days in a row across the horizon's
start after a previous roster (optimizer.continuity); the rule catalogue's hard rules (optimizer.rule_catalogue).
Also here, what the soft rules share: the start band (the model and the greedy start) and the days-off pair (the
greedy start and the repairs).

A shift is a ShiftType (day, start minute of the day, length in minutes); shifts end by midnight.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from scenarios import Agent, Roster, Scenario, Shift, format_clock
from scenarios.model import ShiftRules

from .continuity import boundary_breaks
from .horizon import week_blocks
from .rule_catalogue import bind_rules, catalogue_breaks
from .templates import ShiftType

BAND_MINUTES = 180       # start times within the same 3 hours form one start band


def max_paid_minutes(agent: Agent) -> int:
    """The agent's weekly maximum in whole paid minutes, as the CP-SAT roster states it."""
    return int(round(agent.max_hours * 60))


def rule_breaks(agent: Agent, week: Iterable[ShiftType], paid_min: Mapping[ShiftType, float], rules: ShiftRules,
                n_days: int, *, finished: bool = True) -> Iterator[str]:
    """The hard rules the agent's `week` (its shifts) breaks, each named by its scenario field; nothing when it is
    legal. `paid_min`: paid minutes per shift type. `finished` False checks a week still being filled (the
    minimum number of shifts can still be reached). Lazy: the first item answers "is it legal?"."""
    shifts = sorted(week)
    days = [k.day for k in shifts]
    if len(set(days)) < len(days):
        yield "one shift a day: two shifts on one day"
    for label, block in week_blocks(n_days):
        own = [k for k in shifts if k.day in block]
        if len(own) > rules.max_shifts_per_week:
            yield f"max_shifts_per_week: {len(own)} shifts{label} > {rules.max_shifts_per_week}"
        if finished and len(own) < rules.min_shifts_per_week:
            yield f"min_shifts_per_week: {len(own)} shifts{label} < {rules.min_shifts_per_week}"
        paid = sum(paid_min[k] for k in own)
        if paid > max_paid_minutes(agent):
            yield f"max_hours_per_week: {paid / 60:g} h{label} > {agent.max_hours:g} h"
    for a, b in zip(shifts, shifts[1:]):
        if b.day == a.day + 1 and b.start_min + 1440 - a.end_min < rules.min_rest_hours * 60:
            yield (f"min_rest_hours: {(b.start_min + 1440 - a.end_min) / 60:g} h between day {a.day} and day {b.day}"
                   f" < {rules.min_rest_hours:g} h")
    run = 0
    worked = set(days)
    for d in range(n_days):
        run = run + 1 if d in worked else 0
        if run == rules.max_consecutive_days + 1:
            yield f"max_consecutive_days: more than {rules.max_consecutive_days} days in a row up to day {d}"
    # optimizer.continuity: rest and days in a row across the horizon's start, after the previous roster
    yield from boundary_breaks(agent, shifts[0].day * 1440 + shifts[0].start_min if shifts else None, worked, rules)
    for k in shifts:
        if not agent.can_work(k.day, k.start_min, k.end_min):
            yield f"unavailable: day {k.day} {format_clock(k.start_min * 60)} while the agent is away"
    # optimizer.rule_catalogue: the scenario's hard rules the agent is under
    yield from catalogue_breaks(agent, shifts, n_days, finished=finished)


def is_legal(agent: Agent, week: Iterable[ShiftType], paid_min: Mapping[ShiftType, float], rules: ShiftRules,
             n_days: int, *, finished: bool = True) -> bool:
    """True when the week breaks no hard rule (see `rule_breaks`)."""
    return next(rule_breaks(agent, week, paid_min, rules, n_days, finished=finished), None) is None


def roster_rule_breaks(scenario: Scenario, roster: Roster, agents: list[Agent]) -> list[str]:
    """Every hard rule a roster breaks, agent by agent ("agent: rule: detail"); empty when all hold."""
    contract = {a.id: a for a in bind_rules(scenario, agents)}
    weeks: dict[str, list[ShiftType]] = defaultdict(list)
    paid: dict[ShiftType, float] = {}
    for s in roster.shifts:
        k = shift_type(s)
        weeks[s.agent].append(k)
        paid[k] = s.paid_seconds / 60
    return [f"{agent}: {problem}" for agent, week in weeks.items()
            for problem in rule_breaks(contract[agent], week, paid, scenario.shift_rules, scenario.days)]


def shift_type(shift: Shift) -> ShiftType:
    """(day, start minute of the day, length in minutes) of a rostered shift."""
    start = int(round(shift.start_s / 60))
    return ShiftType(start // 1440, start % 1440, int(round((shift.end_s - shift.start_s) / 60)))


def band(start_min: int, earliest: int) -> int:
    """The start band of a start time (minutes of the day), counted from the earliest start."""
    return max(0, start_min - earliest) // BAND_MINUTES


def has_two_days_off(days: Iterable[int], n_days: int) -> bool:
    """True when the week holds two consecutive days off."""
    worked = set(days)
    return any(d not in worked and d + 1 not in worked for d in range(n_days - 1))
