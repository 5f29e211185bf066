"""Completing a roster against the plan and the contracts, every hard rule kept (optimizer.roster_rules.is_legal):
the last step of optimizer.build_roster, after the groups' solves and repairs.

`complete_roster` runs, in order:

1. Swap: a planned shift nobody can take as the week stands goes to an agent who could take it but for
   one of their own shifts, which moves to another agent who can legally take it (coverage unchanged).
2. Re-time: a planned shift still left is moved to the nearest start and length on its day (most overlap
   with the planned times first) that an agent can legally take.
3. Fill: an agent below the contracted minimum (pro-rated for time off) gets a shift lengthened or
   a shift added on a free day, of the agent's own group, until the minimum is met: contracted hours are paid
   anyway, so they are rostered rather than left idle (`can_add_hours` says whether anything is left to add).

Every shift a step moves, re-times or adds changes the roster's coverage: the caller simulates the roster as
assigned (planning.schedule re-certifies a roster whose shifts differ from the plan's).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from scenarios import Agent, Scenario, Shift
from scenarios.model import ShiftRules

from .plan import PlannedShift, to_shift
from .roster_repair import keeps_days_off
from .roster_rules import band, is_legal, shift_type
from .templates import ShiftType, Template, shift_templates

NO_SHIFT_LEFT = ("no legal shift left: every shift of their group that could be added or lengthened breaks a "
                 "labour rule (max shifts or hours per week, rest between shifts, consecutive days, unavailable times)")


@dataclass
class Week:
    """The roster being completed: each agent's shifts by day, each shift's planned skill group (whose skills a
    taker must hold), and the paid minutes of every shift type seen."""

    agents: dict[str, Agent]
    rules: ShiftRules
    days: dict[str, dict[int, Shift]] = field(default_factory=lambda: defaultdict(dict))
    planned_group: dict[int, str] = field(default_factory=dict)      # id(shift) -> group it was planned for
    paid: dict[ShiftType, float] = field(default_factory=dict)
    order: list[Shift] = field(default_factory=list)     # every shift ever added, first addition first

    def add(self, shift: Shift, planned_group: str) -> None:
        k = shift_type(shift)
        self.paid[k] = shift.paid_seconds / 60
        self.days[shift.agent][k.day] = shift
        if not any(s is shift for s in self.order):
            self.order.append(shift)
        self.planned_group[id(shift)] = planned_group

    def remove(self, shift: Shift) -> str:
        del self.days[shift.agent][shift_type(shift).day]
        return self.planned_group.pop(id(shift))

    def types(self, agent: str) -> dict[int, ShiftType]:
        return {d: shift_type(s) for d, s in self.days[agent].items()}

    def hours(self, agent: str) -> float:
        return sum(s.paid_seconds for s in self.days[agent].values()) / 3600

    def legal(self, agent: str, week: Iterable[ShiftType], n_days: int) -> bool:
        return is_legal(self.agents[agent], week, self.paid, self.rules, n_days)

    def shifts(self) -> list[Shift]:
        """The roster's shifts in the order they came (a roster the completion left alone is the same list,
        so it simulates the same), new ones after."""
        return [s for s in self.order if id(s) in self.planned_group]


@dataclass
class Completion:
    """The completed shifts, the planned shifts still without an agent, and how many were swapped in, re-timed,
    lengthened or added."""

    shifts: list[Shift]
    unassigned: list[PlannedShift]
    swapped: int = 0
    retimed: list[tuple[PlannedShift, Shift]] = field(default_factory=list)
    added_hours: float = 0.0
    lengthened: int = 0
    added: int = 0

    def notes(self, start: dt.datetime) -> list[str]:
        """Plain statements of what the completion changed; days named by their date from the horizon's `start`."""
        out = []
        if self.swapped:
            out.append(f"{self.swapped} planned shift(s) went to an agent after one of their shifts moved to "
                       "another agent")
        if self.retimed:
            out.append(f"{len(self.retimed)} planned shift(s) no agent could take at their planned times were "
                       "moved to the nearest times an agent could take: " + ", ".join(
                           f"{p.group} {start + dt.timedelta(days=p.template.day):%a %Y-%m-%d} "
                           f"{_clock(p.template.start_min)} "
                           f"{p.template.length_min / 60:g} h -> {s.agent} {_clock(shift_type(s).start_min)} "
                           f"{shift_type(s).length_min / 60:g} h" for p, s in self.retimed[:5]))
        if self.lengthened or self.added:
            out.append(f"to meet contracted minimums, {self.lengthened} shift(s) were lengthened and {self.added} "
                       f"added ({self.added_hours:g} paid h beyond the plan)")
        return out


def complete_roster(scenario: Scenario, shifts: list[Shift], missed: list[PlannedShift],
                    agents: list[Agent]) -> Completion:
    """Swap in, re-time and fill (module docstring). `shifts` are the rostered shifts (each in its agent's group
    or, when it went there from a narrower group, in the wider one); `missed` the planned shifts without an agent;
    `agents` with their minimums already pro-rated (optimizer.minimum_hours.prorated)."""
    week = Week({a.id: a for a in agents}, scenario.shift_rules)
    for s in shifts:
        week.add(s, s.skill_group)
    for p in missed:
        week.paid[p.template.key] = p.template.paid_min
    templates = {g: shift_templates(scenario, g) for g in scenario.skill_groups}
    done = Completion([], [])
    left = []
    for p in missed:
        if _place_by_swap(scenario, week, p):
            done.swapped += 1
        else:
            left.append(p)
    for p in left:
        shift = _place_retimed(scenario, week, p, templates[p.group])
        if shift is None:
            done.unassigned.append(p)
        else:
            done.retimed.append((p, shift))
    _fill_to_minimum(scenario, week, templates, done)
    done.shifts = week.shifts()
    return done


def _takers(scenario: Scenario, week: Week, group: str) -> list[Agent]:
    """Agents who hold every skill of `group`: its own first, then wider groups (cheapest first); fewest hours
    first within each."""
    groups = scenario.skill_groups
    need = set(groups[group].skills)
    order = [group] + sorted((g for g in groups if g != group and need <= set(groups[g].skills)),
                             key=lambda g: groups[g].hourly_cost)
    crew = [a for a in week.agents.values() if a.skill_group in order]
    return sorted(crew, key=lambda a: (order.index(a.skill_group), week.hours(a.id) >= a.min_hours,
                                       week.hours(a.id)))


def _give(scenario: Scenario, week: Week, agent: Agent, p: PlannedShift) -> Shift:
    shift = to_shift(agent.id, p, scenario.shift_rules.paid_lunch)
    shift.skill_group = agent.skill_group
    week.add(shift, p.group)
    return shift


def _can_take(scenario: Scenario, week: Week, agent: Agent, k: ShiftType, without: int | None = None) -> bool:
    days = week.types(agent.id)
    if without is not None:
        days.pop(without)
    if k.day in days:
        return False
    return week.legal(agent.id, [*days.values(), k], scenario.days)


def _place_by_swap(scenario: Scenario, week: Week, p: PlannedShift) -> bool:
    """Give `p` to an agent directly, or after moving one of the agent's shifts (within a day of p's) to another
    agent who can legally take it."""
    k = p.template.key
    takers = _takers(scenario, week, p.group)
    for agent in takers:
        if _can_take(scenario, week, agent, k):
            _give(scenario, week, agent, p)
            return True
    for agent in takers:
        for day in dict.fromkeys((k.day, k.day - 1, k.day + 1, *range(scenario.days))):
            own = week.days[agent.id].get(day)
            if own is None or not _can_take(scenario, week, agent, k, without=day):
                continue
            moved = shift_type(own)
            group = week.planned_group[id(own)]
            for other in _takers(scenario, week, group):
                if other.id != agent.id and _can_take(scenario, week, other, moved):
                    week.remove(own)
                    own.agent, own.skill_group = other.id, other.skill_group
                    week.add(own, group)
                    _give(scenario, week, agent, p)
                    return True
    return False


def _place_retimed(scenario: Scenario, week: Week, p: PlannedShift, templates: list[Template]) -> Shift | None:
    """`p` moved to the start and length on its day that overlap its planned times most (then nearest start,
    then nearest length) and that an agent can legally take; None when there is none."""
    k = p.template.key
    options = sorted((t for t in templates if t.day == k.day and t.key != k),
                     key=lambda t: (-_overlap(t.key, k), abs(t.start_min - k.start_min),
                                    abs(t.length_min - k.length_min)))
    for t in options:
        if _overlap(t.key, k) == 0:
            break
        week.paid[t.key] = t.paid_min
        for agent in _takers(scenario, week, p.group):
            if _can_take(scenario, week, agent, t.key):
                return _give(scenario, week, agent, _planned(p.group, t))
    return None


def _fill_to_minimum(scenario: Scenario, week: Week, templates: dict[str, list[Template]],
                     done: Completion) -> None:
    """Lengthen or add shifts of the agent's own group until each agent meets the (pro-rated) minimum: the
    option reaching the minimum with the fewest extra hours, else the one adding most; a lengthened shift keeps
    its planned times inside it."""
    for agent in week.agents.values():
        while week.hours(agent.id) + 1e-6 < agent.min_hours:
            choice = _best_fill(scenario, week, agent, templates[agent.skill_group])
            if choice is None:
                break
            day, t = choice
            old = week.days[agent.id].get(day)
            before = week.hours(agent.id)
            group = agent.skill_group
            if old is not None:
                group = week.remove(old)
                done.lengthened += 1
            else:
                done.added += 1
            _give(scenario, week, agent, _planned(group, t))
            done.added_hours += week.hours(agent.id) - before


def _best_fill(scenario: Scenario, week: Week, agent: Agent, templates: list[Template]
               ) -> tuple[int, Template] | None:
    need = (agent.min_hours - week.hours(agent.id)) * 60
    days = week.types(agent.id)
    earliest = min(t.start_min for t in templates)
    bands = {band(k.start_min, earliest) for k in days.values()}
    best = None
    for t in templates:
        old = days.get(t.day)
        if old is not None and not (t.start_min <= old.start_min and t.end_min >= old.end_min
                                    and t.key != old):
            continue
        gain = t.paid_min - (week.paid[old] if old is not None else 0)
        if gain <= 0:
            continue
        week.paid[t.key] = t.paid_min
        trial = {**days, t.day: t.key}
        if not week.legal(agent.id, trial.values(), scenario.days):
            continue
        keeps_pair = keeps_days_off(days, trial, scenario.days)
        preferred = agent.preferred_start is None or agent.preferred_start[0] <= t.start_min <= agent.preferred_start[1]
        score = (gain < need, (gain - need) if gain >= need else -gain, not keeps_pair, old is None, not preferred,
                 bool(bands) and band(t.start_min, earliest) not in bands, t.day, t.start_min)
        if best is None or score < best[0]:
            best = (score, t.day, t)
    return None if best is None else (best[1], best[2])


def can_add_hours(scenario: Scenario, shifts: list[Shift], agent: Agent, days: range | None = None) -> bool:
    """Whether a shift of the agent's group could be added to their horizon or one of theirs lengthened, on
    `days` (None: any day), every hard rule kept (`shifts`: the agent's rostered shifts)."""
    week = Week({agent.id: agent}, scenario.shift_rules)
    for s in shifts:
        week.add(s, s.skill_group)
    templates = [t for t in shift_templates(scenario, agent.skill_group) if days is None or t.day in days]
    return bool(templates) and _best_fill(scenario, week, agent, templates) is not None


def _planned(group: str, t: Template) -> PlannedShift:
    """A shift of template `t` with its lunch and breaks at the middle of their allowed positions."""
    lunch = t.lunch_offsets[len(t.lunch_offsets) // 2] if t.lunch_offsets else None
    return PlannedShift(group, t, lunch, tuple(o[len(o) // 2] for o in t.break_offsets))


def _overlap(a: ShiftType, b: ShiftType) -> int:
    return max(0, min(a.end_min, b.end_min) - max(a.start_min, b.start_min)) if a.day == b.day else 0


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
