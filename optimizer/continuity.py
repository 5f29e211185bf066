"""Continuity: a horizon continues the roster before it (last week's published roster), so the labour rules that
look back in time hold across the boundary.

Each agent who worked before the horizon carries `Before` (their earlier shifts, in minutes from the horizon's
start, so negative) as the attribute `before` of a copy of their Agent (`carry_over`). From it:

- rest: the time up to the last earlier shift's end + min_rest_hours is unavailable (so the CP-SAT roster, the
  greedy start and the repairs never offer a shift there), and optimizer.roster_rules names a break of it; an
  agent who ends a full run of max_consecutive_days has the first day unavailable (shift selection counts them);
- days in a row: the run of working days that ends on the day before the horizon counts towards
  max_consecutive_days (`boundary_rules` in the CP-SAT roster, optimizer.roster_rules in the checker);
- weekends in a row and rolling-window counts: the rule catalogue (optimizer.rule_catalogue) reads the earlier
  days worked from `Before.days`.

An agent without `before` is planned as before (nothing came before, or they did not work).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cached_property

from scenarios import Agent, Roster, Scenario, split_by_day
from scenarios.model import ShiftRules

DAY = 1440


@dataclass(frozen=True)
class Before:
    """An agent's shifts before the horizon: (start, end) in minutes from the horizon's start (negative)."""

    shifts: tuple[tuple[int, int], ...]

    @cached_property
    def days(self) -> frozenset[int]:
        """Day indices worked before the horizon (-1 = the day before its first day)."""
        return frozenset(start // DAY for start, _ in self.shifts)

    @property
    def last_end_min(self) -> int | None:
        return max((end for _, end in self.shifts), default=None)

    def run_days(self) -> int:
        """Working days in a row that end on the day before the horizon (0 when that day was off)."""
        run = 0
        while -(run + 1) in self.days:
            run += 1
        return run


def before_of(agent: Agent) -> Before | None:
    """The agent's work before the horizon, or None when nothing came before."""
    return agent.before


def history(scenario: Scenario, previous: Roster) -> dict[str, Before]:
    """Per agent, the shifts of `previous` (any week start) that start before the horizon, in minutes from the
    horizon's start."""
    offset = (previous.week_start - scenario.start).days * DAY
    out: dict[str, list[tuple[int, int]]] = {}
    for s in previous.shifts:
        start, end = offset + int(round(s.start_s / 60)), offset + int(round(s.end_s / 60))
        if start < 0:
            out.setdefault(s.agent, []).append((start, end))
    return {agent: Before(tuple(sorted(spans))) for agent, spans in out.items()}


def carry_over(scenario: Scenario, agents: list[Agent], previous: Roster | None) -> list[Agent]:
    """The agents as the roster of the horizon sees them after `previous`: each one who worked before gets a
    copy carrying `before`, with the rest after their last earlier shift unavailable. `previous` None or empty:
    the agents unchanged (the same objects)."""
    if previous is None or not previous.shifts:
        return agents
    earlier = history(scenario, previous)
    rest = int(round(scenario.shift_rules.min_rest_hours * 60))
    out = []
    for agent in agents:
        before = earlier.get(agent.id)
        if before is None:
            out.append(agent)
            continue
        carried = copy.copy(agent)     # keeps the class (a LockedAgent stays one) and every field
        blocked = split_by_day(0, before.last_end_min + rest, scenario.days)
        if before.run_days() >= scenario.shift_rules.max_consecutive_days:
            blocked.append((0, 0, DAY))    # a full run of days in a row: the first day is off (shift selection sees it)
        carried.unavailable = list(agent.unavailable) + blocked
        carried.before = before
        out.append(carried)
    return out


def boundary_breaks(agent: Agent, first_start_min: int | None, worked: set[int], rules: ShiftRules
                    ) -> list[str]:
    """The rules looking back that the agent's horizon breaks across its start: rest before its first shift
    (`first_start_min` from the horizon's start) and the days in a row (`worked`: day indices of the horizon)."""
    before = before_of(agent)
    if before is None:
        return []
    out = []
    last = before.last_end_min
    if first_start_min is not None and last is not None and first_start_min - last < rules.min_rest_hours * 60:
        out.append(f"min_rest_hours: {(first_start_min - last) / 60:g} h between the previous roster's last shift "
                   f"and day {first_start_min // DAY} < {rules.min_rest_hours:g} h")
    run = before.run_days()
    d = 0
    while d in worked:
        run += 1
        d += 1
    if d and run > rules.max_consecutive_days:
        out.append(f"max_consecutive_days: {run} days in a row up to day {d - 1}, counting "
                   f"{before.run_days()} day(s) of the previous roster > {rules.max_consecutive_days}")
    return out


def boundary_rules(model, works: list, agent: Agent, rules: ShiftRules) -> None:
    """CP-SAT: the days in a row worked before the horizon count towards max_consecutive_days (`works`: the
    agent's "works on day d" expressions, 0 where the agent can work nothing). Rest before the first shift is
    the agent's unavailable time (`carry_over`)."""
    before = before_of(agent)
    if before is None:
        return
    limit = rules.max_consecutive_days
    run = min(before.run_days(), limit)
    for earlier in range(1, run + 1):
        # the window of limit + 1 days holding the last `earlier` days before the horizon
        window = works[:limit + 1 - earlier]
        if any(not isinstance(w, int) for w in window):
            model.add(sum(window) <= limit - earlier)
