"""Contracted minimum hours as the roster must meet them: pro-rated for time off, and every miss explained.

Time off (an Agent's `time_off`: leave, sickness, an appointment) counts as hours worked against the contracted
minimum, up to one contracted day per day away: a contracted day is min_hours_per_week / max_shifts_per_week
(the week's working days), and a day away counts the hours of time off inside the day's shift hours
(earliest_start..latest_end) that the agent would otherwise have been free, at most one contracted day. An agent
on leave Monday to Friday with a 32 h minimum and five working days owes no hours; a 5-hour appointment takes
5 h off the minimum. Standing unavailable times (the agents file's `unavailable`) are the contract's own pattern
and change nothing.

A rostered agent below the pro-rated minimum is explained when nothing legal is left to add: their available
times hold fewer hours of shifts than the minimum, or every shift that could be added or lengthened breaks a
labour rule. Hours are paid hours.

On a horizon longer than a week (optimizer.horizon) the minimum is a weekly one: each 7-day block is checked on
its own, with the time off of that block and the shifts its days can hold (a week's miss is not hidden by another
week's extra hours).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass

from scenarios import Agent, Roster, Scenario
from scenarios.clock import clock_minutes

from .horizon import week_blocks
from .roster_complete import NO_SHIFT_LEFT, can_add_hours
from .templates import shift_templates


@dataclass
class MinimumCheck:
    """One agent's week against the contracted minimum: hours contracted, time off credited, rostered (paid
    hours), and why a miss could not be closed ("" when met, or when not explained). `week`: "" on a one-week
    horizon, else which week of the horizon (" in week 2")."""

    agent: str
    contracted_hours: float
    time_off_hours: float
    rostered_hours: float
    reason: str = ""
    week: str = ""

    @property
    def required_hours(self) -> float:
        """The minimum pro-rated for time off."""
        return max(0.0, self.contracted_hours - self.time_off_hours)

    @property
    def short_hours(self) -> float:
        return max(0.0, self.required_hours - self.rostered_hours)

    @property
    def met(self) -> bool:
        return self.short_hours < 1e-6

    @property
    def explained(self) -> bool:
        return self.met or bool(self.reason)

    def describe(self) -> str:
        """A plain statement of the miss, or of the time off that met the minimum."""
        credit = f" less {self.time_off_hours:g} h of time off" if self.time_off_hours else ""
        text = f"agent {self.agent} gets {self.rostered_hours:g} h{self.week}"
        if self.met:
            return text + f", the contracted minimum {self.contracted_hours:g} h{credit}: met"
        text += f", below the contracted minimum {self.contracted_hours:g} h{credit}"
        return text + (f": {self.reason}" if self.reason else " (not explained)")


def time_off_hours(agent: Agent, scenario: Scenario, days: range | None = None) -> float:
    """Hours of the agent's time off counted against the contracted minimum of one week (module docstring):
    the time off on `days` (None: the whole horizon, a one-week one)."""
    if days is not None:
        agent = copy.copy(agent)
        agent.time_off = [p for p in agent.time_off if p[0] in days]
    if not agent.time_off or agent.min_hours <= 0:
        return 0.0
    rules = scenario.shift_rules
    day_share = agent.min_hours * 60 / max(1, rules.max_shifts_per_week)
    lo, hi = clock_minutes(rules.earliest_start), clock_minutes(rules.latest_end)
    standing = list(agent.unavailable)
    for piece in agent.time_off:
        if piece in standing:
            standing.remove(piece)
    away: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for d, a, b in agent.time_off:
        away[d].append((max(a, lo), min(b, hi)))
    credit = 0.0
    for d, spans in away.items():
        free_minutes = _covered(spans) - _covered([(max(a, s), min(b, e)) for s, e in spans
                                                   for dd, a, b in standing if dd == d])
        credit += min(day_share, max(0, free_minutes))
    return min(agent.min_hours, credit / 60)


def _covered(spans: list[tuple[int, int]]) -> int:
    """Minutes covered by the union of (start, end) spans."""
    total, end = 0, None
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if end is None or a >= end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def prorated(agent: Agent, scenario: Scenario) -> Agent:
    """The agent with the contracted minimum less the time off credited (the same object when none is). A shallow
    copy, not dataclasses.replace: it keeps the class (a LockedAgent stays one) and what the optimizer attached
    (the previous roster of optimizer.continuity, the rules of optimizer.rule_catalogue). On a longer horizon
    the credit of the week with the least time off: the one weekly minimum the roster holds asks no week for
    less than its own pro-rated minimum."""
    credit = min(time_off_hours(agent, scenario, block) for _, block in week_blocks(scenario.days))
    if not credit:
        return agent
    out = copy.copy(agent)
    out.min_hours = agent.min_hours - credit
    return out


def attainable_hours(agent: Agent, scenario: Scenario, days: range | None = None) -> float:
    """An upper bound of the paid hours the agent can work in a week (`days`; None: the whole horizon): on each
    day, the longest shift of their group that fits their available times; the best max_shifts_per_week days; at
    most max_hours_per_week."""
    rules = scenario.shift_rules
    best: dict[int, int] = {}
    for t in shift_templates(scenario, agent.skill_group):
        if (days is None or t.day in days) and agent.can_work(t.day, t.start_min, t.end_min):
            best[t.day] = max(best.get(t.day, 0), t.paid_min)
    top = sorted(best.values(), reverse=True)[:rules.max_shifts_per_week]
    return min(agent.max_hours, sum(top) / 60)


def minimum_checks(scenario: Scenario, roster: Roster, agents: list[Agent]) -> list[MinimumCheck]:
    """Every agent's rostered paid hours against the contracted minimum pro-rated for time off, per week of the
    horizon (optimizer.horizon); a miss is explained when the agent's available times hold fewer hours of shifts
    than the minimum that week, or when no shift of their group can be added to that week or lengthened within
    the hard rules (optimizer.roster_complete)."""
    own: dict[str, list] = defaultdict(list)
    for s in roster.shifts:
        own[s.agent].append(s)
    out = []
    for agent in agents:
        for label, block in week_blocks(scenario.days):
            mine = [s for s in own[agent.id] if int(s.start_s // 86400) in block]
            check = MinimumCheck(agent.id, agent.min_hours, round(time_off_hours(agent, scenario, block), 2),
                                 round(sum(s.paid_seconds for s in mine) / 3600, 2), week=label)
            if not check.met:
                most = attainable_hours(agent, scenario, block)
                if most + 1e-6 < check.required_hours:
                    check.reason = f"their available times hold at most {most:g} h of shifts{label}"
                elif not can_add_hours(scenario, own[agent.id], agent, block):
                    check.reason = NO_SHIFT_LEFT
            out.append(check)
    return out
