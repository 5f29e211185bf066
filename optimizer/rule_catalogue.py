"""The rule catalogue (scenarios.rules): each rule a small named pair of functions, as in OR-Tools'
shift_scheduling_sat.py: `_state_<rule>` adds it to an agent's CP-SAT roster, `_count_<rule>` counts by how many
units a finished roster breaks it (a weekend, a day, a shift, an hour). A hard rule must count 0 (the checker,
optimizer.roster_rules, names it); a soft one costs its weight per unit (the CP-SAT penalty and the score
analysis, optimizer.score, use the same count).

The rules an agent is under travel with a copy of the Agent (`bind_rules`: the attribute `catalogue`), so the
greedy start and the repairs (which check optimizer.roster_rules) keep the hard ones too. Look-back (weekends
before the horizon, the day before it) comes from optimizer.continuity's `Before`. `bind_rules` raises
InputError naming the agents and the rule when a hard rule cannot hold with their availability and contracts.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from scenarios import Agent, InputError, Problem, Scenario
from scenarios.rules import (WEEKDAY_NAMES, DaysOffInPairs, FixedDaysOff, MaxEveningShifts, MaxWeekendsInARow,
                             MaxWeekendsWorked, RuleSpec, ShiftsPerPeriod, StartBand)

from .continuity import before_of
from .horizon import week_blocks
from .templates import ShiftType

LOOK_BACK_WEEKENDS = 8     # weekends before the horizon a rolling rule can reach


@dataclass(frozen=True)
class AgentRules:
    """The catalogue rules an agent is under and the weekday of the horizon's first day (0 = Monday)."""

    rules: tuple[RuleSpec, ...]
    first_weekday: int


def rules_of(agent: Agent) -> AgentRules | None:
    return agent.catalogue


def bind_rules(scenario: Scenario, agents: list[Agent]) -> list[Agent]:
    """The agents, each under the scenario's rules that apply to them (a copy carrying `catalogue`); the same
    list when the scenario configures none. InputError names a rule's unknown skill group or agent, and the
    agents for whom a hard rule cannot hold."""
    specs = scenario.rules or []
    if not specs:
        return agents
    check_targets(scenario, agents, specs, "rules", "invalid rules")
    first = scenario.start.weekday()
    out = []
    for agent in agents:
        mine = tuple(r for r in specs if r.applies_to(agent.id, agent.skill_group))
        bound = copy.copy(agent)
        bound.catalogue = AgentRules(mine, first)
        out.append(bound)
    _check_can_hold(scenario, out)
    return out


# -- a finished roster ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Worked:
    """An agent's horizon as the counts read it: shifts, days worked, days worked before it (negative)."""

    shifts: tuple[ShiftType, ...]
    n_days: int
    first_weekday: int
    before: frozenset[int]

    def works(self, day: int) -> int:
        return int(day in self.before) if day < 0 else int(any(k.day == day for k in self.shifts))


def rule_counts(agent: Agent, shifts: list[ShiftType], n_days: int, *, finished: bool = True
                ) -> Iterator[tuple[RuleSpec, int, str]]:
    """(rule, units broken, detail) for every catalogue rule the agent's horizon breaks. `finished` False skips
    the minimums (a week still being filled)."""
    bound = rules_of(agent)
    if bound is None:
        return
    before = before_of(agent)
    view = Worked(tuple(sorted(shifts)), n_days, bound.first_weekday, before.days if before else frozenset())
    for rule in bound.rules:
        for units, detail in COUNTS[type(rule)](rule, view, finished):
            if units > 0:
                yield rule, units, detail


def catalogue_breaks(agent: Agent, shifts: list[ShiftType], n_days: int, *, finished: bool = True
                     ) -> Iterator[str]:
    """The hard catalogue rules the agent's horizon breaks, each named ("max_weekends_worked: ...")."""
    for rule, _, detail in rule_counts(agent, shifts, n_days, finished=finished):
        if rule.hard:
            yield f"{rule.label}: {detail}"


def _saturdays(n_days: int, first_weekday: int) -> list[int]:
    """Day indices of the Saturdays of the horizon and of LOOK_BACK_WEEKENDS weekends before it."""
    return [s for s in range(-7 * LOOK_BACK_WEEKENDS, n_days) if (first_weekday + s) % 7 == 5]


def _weekend_windows(n_days: int, first_weekday: int, size: int) -> list[list[int]]:
    """Windows of `size` weekends in a row (their Saturdays) ending at each weekend touching the horizon."""
    sats = _saturdays(n_days, first_weekday)
    return [sats[i - size + 1:i + 1] for i, s in enumerate(sats) if s + 1 >= 0 and i - size + 1 >= 0]


def _window_limit(window: list[int], limit: int, worked_before: Callable[[int], int]) -> int:
    """A window's limit: `limit`, or the weekends already worked before the horizon when those alone exceed it
    (the horizon cannot undo them; it adds none)."""
    return max(limit, sum(worked_before(s) for s in window if s + 1 < 0))


def _count_weekends(rule, view: Worked, size: int, limit: int, what: str):
    def worked(s: int) -> int:
        return max(view.works(s), view.works(s + 1))

    for window in _weekend_windows(view.n_days, view.first_weekday, size):
        n, cap = sum(worked(s) for s in window), _window_limit(window, limit, worked)
        yield n - cap, f"{n} {what} up to the weekend of day {window[-1]} > {cap}"


def _count_max_weekends_worked(rule: MaxWeekendsWorked, view: Worked, finished: bool):
    yield from _count_weekends(rule, view, rule.per_weeks, rule.limit, f"weekends worked of {rule.per_weeks}")


def _count_max_weekends_in_a_row(rule: MaxWeekendsInARow, view: Worked, finished: bool):
    yield from _count_weekends(rule, view, rule.limit + 1, rule.limit, "weekends worked in a row")


def _count_days_off_in_pairs(rule: DaysOffInPairs, view: Worked, finished: bool):
    for d in range(view.n_days - 1):
        if view.works(d - 1) and not view.works(d) and view.works(d + 1):
            yield 1, f"a single day off on day {d}"


def _count_max_evening_shifts(rule: MaxEveningShifts, view: Worked, finished: bool):
    for label, block in week_blocks(view.n_days):
        n = sum(1 for k in view.shifts if k.day in block and k.end_min > rule.after_min)
        yield n - rule.limit, f"{n} shifts ending after {rule.ends_after}{label} > {rule.limit}"


def _count_start_band(rule: StartBand, view: Worked, finished: bool):
    for label, block in week_blocks(view.n_days):
        starts = [k.start_min for k in view.shifts if k.day in block]
        spread = max(starts) - min(starts) if starts else 0
        over = spread - rule.hours * 60
        yield -(-int(over) // 60) if over > 0 else 0, f"starts {spread / 60:g} h apart{label} > {rule.hours:g} h"


def _period_blocks(n_days: int, per_days: int) -> list[range]:
    return [range(p, min(p + per_days, n_days)) for p in range(0, n_days, per_days)]


def _count_shifts_per_period(rule: ShiftsPerPeriod, view: Worked, finished: bool):
    for block in _period_blocks(view.n_days, rule.per_days):
        n = sum(1 for k in view.shifts if k.day in block)
        where = f"days {block.start}-{block.stop - 1}"
        if rule.max is not None:
            yield n - rule.max, f"{n} shifts on {where} > {rule.max}"
        if finished:
            yield rule.min - n, f"{n} shifts on {where} < {rule.min}"


def _count_fixed_days_off(rule: FixedDaysOff, view: Worked, finished: bool):
    for k in view.shifts:
        if (view.first_weekday + k.day) % 7 in rule.weekdays:
            yield 1, f"a shift on day {k.day} ({WEEKDAY_NAMES[(view.first_weekday + k.day) % 7]}), a fixed day off"


COUNTS: dict[type, Callable] = {
    MaxWeekendsWorked: _count_max_weekends_worked, MaxWeekendsInARow: _count_max_weekends_in_a_row,
    DaysOffInPairs: _count_days_off_in_pairs, MaxEveningShifts: _count_max_evening_shifts,
    StartBand: _count_start_band, ShiftsPerPeriod: _count_shifts_per_period, FixedDaysOff: _count_fixed_days_off,
}


# -- the CP-SAT roster ------------------------------------------------------------------------------------------

@dataclass
class AgentVars:
    """One agent's roster variables: per day "works" (an expression, or 0 where they can work nothing), and
    (variable, shift type) of every shift they can take; `name` makes variable names unique."""

    model: object
    works: list
    takes: list
    name: str
    penalties: list

    def day(self, d: int, before: frozenset[int]):
        return int(d in before) if d < 0 else self.works[d]


def catalogue_rules(model, agent: Agent, *, works: list, takes: list, name: str, penalties: list) -> None:
    """State the agent's catalogue rules in its CP-SAT roster: hard ones as constraints, soft ones as penalty
    terms (weight x units broken, the units `rule_counts` counts)."""
    bound = rules_of(agent)
    if bound is None:
        return
    before = before_of(agent)
    av = AgentVars(model, works, takes, name, penalties)
    past = before.days if before else frozenset()
    for i, rule in enumerate(bound.rules):
        STATES[type(rule)](rule, av, past, bound.first_weekday, f"{name}_{i}")


def _at_most(av: AgentVars, rule, expr, limit: int, tag: str) -> None:
    """expr <= limit: a constraint for a hard rule, else weight x (expr - limit)+ as a penalty."""
    if isinstance(expr, int):
        if expr > limit and not rule.hard:
            av.penalties.append(rule.weight * (expr - limit))
        return
    if rule.hard:
        av.model.add(expr <= limit)
        return
    over = av.model.new_int_var(0, 1000, f"over_{tag}")
    av.model.add(expr - limit <= over)
    av.penalties.append(rule.weight * over)


def _weekend_var(av: AgentVars, sat: int, past: frozenset[int], tag: str):
    """1 when the weekend of Saturday `sat` is worked (a constant before the horizon)."""
    days = [av.day(d, past) for d in (sat, sat + 1) if d < len(av.works)]
    if all(isinstance(d, int) for d in days):
        return max(days, default=0)
    w = av.model.new_bool_var(f"weekend_{tag}_{sat}")
    for d in days:
        if not isinstance(d, int):
            av.model.add(w >= d)
        elif d:
            av.model.add(w == 1)
    av.model.add(w <= sum(days))
    return w


def _state_weekends(rule, av: AgentVars, past, first: int, tag: str, size: int, limit: int) -> None:
    weekend = {}
    for window in _weekend_windows(len(av.works), first, size):
        for s in window:
            if s not in weekend:
                weekend[s] = _weekend_var(av, s, past, tag)
        cap = _window_limit(window, limit, lambda s: max(int(s in past), int(s + 1 in past)))
        _at_most(av, rule, sum(weekend[s] for s in window), cap, f"{tag}_{window[-1]}")


def _state_max_weekends_worked(rule: MaxWeekendsWorked, av, past, first, tag) -> None:
    _state_weekends(rule, av, past, first, tag, rule.per_weeks, rule.limit)


def _state_max_weekends_in_a_row(rule: MaxWeekendsInARow, av, past, first, tag) -> None:
    _state_weekends(rule, av, past, first, tag, rule.limit + 1, rule.limit)


def _state_days_off_in_pairs(rule: DaysOffInPairs, av, past, first, tag) -> None:
    for d in range(len(av.works) - 1):
        # worked the day before and after, off in between: (before + after - today) reaches 2
        _at_most(av, rule, av.day(d - 1, past) + av.day(d + 1, past) - av.day(d, past), 1, f"{tag}_{d}")


def _state_max_evening_shifts(rule: MaxEveningShifts, av, past, first, tag) -> None:
    for w, (_, block) in enumerate(week_blocks(len(av.works))):
        evening = [v for v, k in av.takes if k.day in block and k.end_min > rule.after_min]
        _at_most(av, rule, sum(evening) if evening else 0, rule.limit, f"{tag}_{w}")


def _state_start_band(rule: StartBand, av, past, first, tag) -> None:
    band = int(round(rule.hours * 60))
    for w, (_, block) in enumerate(week_blocks(len(av.works))):
        mine = [(v, k) for v, k in av.takes if k.day in block]
        starts = sorted({k.start_min for _, k in mine})
        if len(starts) < 2 or starts[-1] - starts[0] <= band:
            continue
        lo = av.model.new_int_var(starts[0], starts[-1], f"band_lo_{tag}_{w}")
        hi = av.model.new_int_var(starts[0], starts[-1], f"band_hi_{tag}_{w}")
        for v, k in mine:
            av.model.add(lo <= k.start_min).only_enforce_if(v)
            av.model.add(hi >= k.start_min).only_enforce_if(v)
        if rule.hard:
            av.model.add(hi - lo <= band)
        else:
            hours = av.model.new_int_var(0, 24, f"band_over_{tag}_{w}")
            av.model.add(hi - lo - band <= 60 * hours)
            av.penalties.append(rule.weight * hours)


def _state_shifts_per_period(rule: ShiftsPerPeriod, av, past, first, tag) -> None:
    for p, block in enumerate(_period_blocks(len(av.works), rule.per_days)):
        days = [av.works[d] for d in block]
        count = sum(days) if days else 0
        if rule.max is not None:
            _at_most(av, rule, count, rule.max, f"{tag}_max_{p}")
        if rule.min:
            _at_most(av, rule, -count, -rule.min, f"{tag}_min_{p}")


def _state_fixed_days_off(rule: FixedDaysOff, av, past, first, tag) -> None:
    for d in range(len(av.works)):
        if (first + d) % 7 in rule.weekdays:
            _at_most(av, rule, av.works[d], 0, f"{tag}_{d}")


STATES: dict[type, Callable] = {
    MaxWeekendsWorked: _state_max_weekends_worked, MaxWeekendsInARow: _state_max_weekends_in_a_row,
    DaysOffInPairs: _state_days_off_in_pairs, MaxEveningShifts: _state_max_evening_shifts,
    StartBand: _state_start_band, ShiftsPerPeriod: _state_shifts_per_period, FixedDaysOff: _state_fixed_days_off,
}


# -- input checks -------------------------------------------------------------------------------------------------

def check_targets(scenario: Scenario, agents: list[Agent], specs: list, field: str, title: str) -> None:
    """InputError naming `field[i].skill_groups` / `.agents` for a skill group or agent an entry (a rule, an
    activity: anything with `skill_groups`, `agents` and a `label`) names that does not exist."""
    known = {a.id for a in agents}
    problems = []
    for i, rule in enumerate(specs):
        for g in rule.skill_groups or []:
            if g not in scenario.skill_groups:
                problems.append(Problem(f"{field}[{i}].skill_groups", f"unknown skill group '{g}' ({rule.label})"))
        for a in rule.agents or []:
            if a not in known:
                problems.append(Problem(f"{field}[{i}].agents", f"'{a}' is not among the agents ({rule.label})"))
    if problems:
        raise InputError(problems, title)


def _check_can_hold(scenario: Scenario, agents: list[Agent]) -> None:
    """A hard minimum of shifts (shift_rules.min_shifts_per_week, a hard shifts_per_period min) that an agent's
    fixed days off and unavailable days leave no room for: InputError naming the agents and the rules."""
    rules = scenario.shift_rules
    clash: dict[str, list[str]] = {}
    for agent in agents:
        bound = rules_of(agent)
        off = frozenset().union(*(r.weekdays for r in bound.rules if isinstance(r, FixedDaysOff) and r.hard))
        free = [d for d in range(scenario.days) if (bound.first_weekday + d) % 7 not in off
                and sum(b - a for dd, a, b in agent.unavailable if dd == d) < 1440]
        needs = [(block, rules.min_shifts_per_week, "shift_rules.min_shifts_per_week")
                 for _, block in week_blocks(scenario.days)]
        needs += [(block, r.min, f"shifts_per_period min {r.min} per {r.per_days} days")
                  for r in bound.rules if isinstance(r, ShiftsPerPeriod) and r.hard and r.min
                  for block in _period_blocks(scenario.days, r.per_days)]
        for block, need, what in needs:
            room = sum(1 for d in free if d in block)
            if room < need:
                why = "fixed_days_off and availability" if off else "availability"
                clash.setdefault(f"{what} (with {why})", []).append(
                    f"{agent.id} ({room} day(s) free on days {block.start}-{block.stop - 1})")
                break
    if clash:
        raise InputError([Problem(f"rule {rule}", "cannot hold for " + ", ".join(names[:20])
                                  + (f" and {len(names) - 20} more" if len(names) > 20 else ""))
                          for rule, names in clash.items()], "rules that cannot hold")
