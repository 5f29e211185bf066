"""The CP-SAT choice of supervisor actions (optimizer.intraday_actions) for the rest of a day.

Units inside the model are hundredths of an agent on duty per interval. Each rule is a small function adding
its rows:

- one_action_per_owner: at most one action per roster shift or called-in agent.
- cover_pooled_shortfalls: per interval of the rest of the day and per set S of human channels,
  shortfall_S >= requirement_S - coverage_S (Hall's condition of the pooled requirement, as the shift model
  states it); coverage = agents of the groups holding a skill in S on duty (shift less lunch and breaks), each
  action adding its own change of coverage.

Objective: shortfall_weight x shortfall (agent-hours) + the actions' costs (hourly-cost units).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from scenarios import Roster, Scenario, Shift

from .intraday_actions import DAY, Action
from .solver import run_cp_sat

SCALE = 100   # hundredths of an agent


@dataclass(frozen=True)
class ChoiceSettings:
    """`shortfall_weight` per agent-hour short, in units of hourly cost; `effort` the CP-SAT deterministic time
    (optimizer.solver); `gap` the relative gap to the best bound at which the solve stops."""

    shortfall_weight: float = 12.0
    effort: float = 2.0
    gap: float = 0.02                   # stop when within 2 % of the best bound (the simulation decides anyway)


@dataclass
class Choice:
    """The chosen actions and the solve's summary: CP-SAT status, shortfall agent-hours of the rest of the day
    before and after the actions, and their cost (hourly-cost units). After and cost are None when CP-SAT found
    no solution (no actions then)."""

    actions: list[Action]
    status: str
    shortfall_hours_before: float
    shortfall_hours_after: float | None = None
    cost: float | None = None


def on_duty_coverage(shift: Shift, n: int, step: float, offset: float = 0.0) -> np.ndarray:
    """Share of each of `n` intervals (from `offset` seconds) the shift's agent is on duty (work periods)."""
    out = np.zeros(n)
    for a, b in shift.work_periods():
        a, b = a - offset, b - offset
        i = int(max(a // step, 0))
        while i < n and i * step < b:
            out[i] += max(0.0, min(b, (i + 1) * step) - max(a, i * step)) / step
            i += 1
    return out


def _channel_sets(scenario: Scenario) -> list[tuple[str, ...]]:
    human = scenario.human_channels()
    return [c for r in range(1, len(human) + 1) for c in itertools.combinations(human, r)]


class ChoiceModel:
    """The model's data and variables for the day of `now` (seconds from the week start); the rules below add
    its rows. `required`: on-duty agents needed per channel per interval of the day."""

    def __init__(self, scenario: Scenario, roster: Roster, now: float, required: dict[str, np.ndarray],
                 candidates: list[Action]):
        self.scenario = scenario
        self.candidates = candidates
        self.required = required
        self.step = scenario.interval_minutes * 60.0
        self.n = scenario.intervals_per_day
        day = int(now // DAY)
        self.first = int(np.ceil((now - day * DAY) / self.step - 1e-9))
        self.offset = day * DAY
        groups = list(scenario.skill_groups)
        skills = {g: set(scenario.skill_groups[g].skills) for g in groups}
        self.cov = {g: np.zeros(self.n) for g in groups}
        for s in roster.shifts:
            if s.end_s > self.offset and s.start_s < self.offset + DAY:
                self.cov[s.skill_group] += self.coverage(s)
        self.sets = _channel_sets(scenario)
        self.holding = {S: [g for g in groups if skills[g] & set(S)] for S in self.sets}
        self.deltas = []
        for a in candidates:
            old = self.coverage(roster.shifts[a.shift]) if a.shift is not None else 0.0
            self.deltas.append(np.round((self.coverage(a.new_shift) - old) * SCALE).astype(int))
        self.model = cp_model.CpModel()
        self.x = [self.model.new_bool_var(f"x{i}") for i in range(len(candidates))]
        self.short: list[cp_model.IntVar] = []
        self.short_before = 0.0     # agent-hours short without any action

    def coverage(self, shift: Shift) -> np.ndarray:
        return on_duty_coverage(shift, self.n, self.step, self.offset)


def one_action_per_owner(m: ChoiceModel) -> None:
    """At most one action per roster shift, and per agent called in."""
    by_owner: dict = {}
    for i, a in enumerate(m.candidates):
        by_owner.setdefault(a.shift if a.shift is not None else ("call", a.agent), []).append(m.x[i])
    for members in by_owner.values():
        m.model.add_at_most_one(members)


def cover_pooled_shortfalls(m: ChoiceModel) -> None:
    """Per set S of human channels and interval from now: shortfall + coverage change of the chosen actions >=
    requirement - coverage (hundredths of an agent); only where a shortfall exists or an action can make one."""
    for S in m.sets:
        need = sum(m.required[c] for c in S)
        have = sum(m.cov[g] for g in m.holding[S])
        for t in range(m.first, m.n):
            gap = int(np.ceil((need[t] - have[t]) * SCALE))
            touching = [(i, int(m.deltas[i][t])) for i, a in enumerate(m.candidates)
                        if a.skill_group in m.holding[S] and m.deltas[i][t] != 0]
            if gap <= 0 and not any(d < 0 for _, d in touching):
                continue
            m.short_before += max(gap, 0) / SCALE * m.step / 3600
            y = m.model.new_int_var(0, max(gap, 0) + sum(-d for _, d in touching if d < 0), f"s{len(m.short)}")
            m.model.add(y + sum(d * m.x[i] for i, d in touching) >= gap)
            m.short.append(y)


def choose_actions(scenario: Scenario, roster: Roster, now: float, required: dict[str, np.ndarray],
                   candidates: list[Action], *, settings: ChoiceSettings = ChoiceSettings()) -> Choice:
    """CP-SAT over the candidates for the rest of the day of `now` (seconds from the week start). `required`:
    on-duty agents needed per channel per interval of the day."""
    m = ChoiceModel(scenario, roster, now, required, candidates)
    one_action_per_owner(m)
    cover_pooled_shortfalls(m)
    weight = settings.shortfall_weight * m.step / 3600     # per hundredth of an agent for one interval, x SCALE
    objective = sum(int(round(weight * SCALE)) * y for y in m.short)
    objective += sum(int(round(a.cost * SCALE * SCALE)) * m.x[i] for i, a in enumerate(candidates))
    m.model.minimize(objective)
    run = run_cp_sat(m.model, settings.effort, gap=settings.gap)
    if not run.found:
        return Choice([], run.status, m.short_before)
    chosen = [a for i, a in enumerate(candidates) if run.solver.value(m.x[i])]
    after = sum(run.solver.value(y) for y in m.short) / SCALE * m.step / 3600
    return Choice(chosen, run.status, round(m.short_before, 2), round(after, 2), round(sum(a.cost for a in chosen), 2))
