"""Shift selection for the week, solved day by day (`select_shifts`), and the lower bound of paid hours.

Shifts end by midnight (latest_end <= 24:00), so the days interact only through the weekly limits (shifts and
paid hours per group). The week's LP relaxation (HiGHS, about a second) shares those limits out over the days;
each day is then solved with CP-SAT (optimizer.shift_model), first over the templates near those the LP uses,
from its LP solution rounded (or, in a verification round, from the previous plan, with every moved shift
penalised), each start repaired greedily until no requirement is short (optimizer.shift_starts).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from scenarios import Scenario

from .linear import LpSolution, lp_relaxation
from .plan import GroupLimits, GroupShift, ShiftPlan
from .shift_model import ShiftModel
from .shift_starts import hint, largest_remainder, lp_rounding_start, previous_plan_start
from .templates import Template

NEAR_STEPS = 2           # the first, small model of a day: templates this many start steps from the LP's
SMALL_SHARE = 0.5        # at most this share of a day's time goes to the small model
MIN_SOLVE_SECONDS = 0.5  # no day model gets less time than this


def select_shifts(scenario: Scenario, requirement: pd.DataFrame, limits: dict[str, GroupLimits], *,
                  time_limit: float = 30.0, workers: int = 2, place_breaks: bool = True,
                  progress: Callable[[float, str], None] | None = None,
                  previous: ShiftPlan | None = None, deterministic: bool = False) -> ShiftPlan:
    """Choose the week's shifts, lunches and breaks for `requirement` (ds, channel, agents: available agents).

    Each day is solved twice at most: first over the templates near those the week's LP uses
    (`_near_templates`: a few hundred variables, solved to optimality in about a second, within a fraction of a
    percent of the full optimum in our measurements); only when that small model is not solved to optimality is
    the day solved again over all its templates, started from that plan, with the time left.
    `time_limit` (seconds) is shared by the days; `workers`: CP-SAT threads. `place_breaks` False puts lunch and
    breaks in afterwards (the traditional baseline). `previous`: a plan for a slightly different requirement to
    start each day from instead (verification rounds), so that a re-solve moves few shifts. `deterministic`:
    `time_limit` counts CP-SAT's deterministic time instead of seconds (with workers=1, the same plan on any
    machine).
    """
    week = ShiftModel(scenario, requirement, limits, place_breaks)
    lp = lp_relaxation(week.model)
    anchor = previous.counts() if previous is not None else None
    per_day = scenario.intervals_per_day
    days = [d for d in range(scenario.days) if any(t.day == d for g in week.groups for t in week.offered[g])]
    budget = _Budget(deterministic)
    plans: dict[int, ShiftPlan] = {}
    for n, day in enumerate(days):
        templates = {g: [t for t in week.offered[g] if t.day == day] for g in week.groups}
        limits_today = _day_limits(week, lp, day)
        intervals = range(day * per_day, (day + 1) * per_day)
        left = max(1.0, (time_limit - budget.spent()) / (len(days) - n))
        # First the templates the LP uses (and the previous plan's), with their neighbours: a small model CP-SAT
        # solves to optimality in about a second; then the day's full model, started from that plan.
        small = ShiftModel(scenario, requirement, limits_today, place_breaks,
                           templates=_near_templates(week, lp, day, anchor), intervals=intervals, anchor=anchor)
        if anchor is not None and place_breaks:
            hint(small, previous_plan_start(small, anchor))
        else:
            hint(small, lp_rounding_start(small))
        mark = budget.spent()
        plans[day] = small.solve(time_limit=max(MIN_SOLVE_SECONDS, left * SMALL_SHARE), workers=workers,
                                 deterministic=deterministic)
        budget.charge(small)
        # The small model's optimum is kept as it is: over the day's other templates CP-SAT finds next to nothing
        # more in the time a day gets (measured on the example week: under 0.1 % of the objective).
        if plans[day].status != "OPTIMAL":
            full = ShiftModel(scenario, requirement, limits_today, place_breaks, templates=templates,
                              intervals=intervals, anchor=anchor)
            hint(full, previous_plan_start(full, plans[day].counts()))
            plans[day] = full.solve(time_limit=max(MIN_SOLVE_SECONDS, left - (budget.spent() - mark)),
                                    workers=workers, deterministic=deterministic)
            budget.charge(full)
        if progress:
            progress((n + 1) / len(days), f"shifts: day {day + 1} of {scenario.days}")
    statuses = {p.status for p in plans.values()}
    return ShiftPlan([s for d in sorted(plans) for s in plans[d].shifts],
                     "OPTIMAL" if statuses == {"OPTIMAL"} else "FEASIBLE", time.perf_counter() - budget.t0,
                     {k: v for p in plans.values() for k, v in p.short_minutes.items()})


class _Budget:
    """What the day solves have spent of the time limit: seconds since the start (model building included), or
    in deterministic mode the solves' deterministic time, which does not depend on the machine."""

    def __init__(self, deterministic: bool):
        self.deterministic = deterministic
        self.t0 = time.perf_counter()
        self.work = 0.0

    def spent(self) -> float:
        return self.work if self.deterministic else time.perf_counter() - self.t0

    def charge(self, model: ShiftModel) -> None:
        self.work += model.work


def paid_hours_lower_bound(scenario: Scenario, requirement: pd.DataFrame,
                           limits: dict[str, GroupLimits]) -> float | None:
    """Fewest paid hours any plan covering every interval's requirement can have (LP relaxation of the
    week's shift model with breaks); None when headcount or rules make full coverage impossible."""
    week = ShiftModel(scenario, requirement, limits, True)
    paid = [(week.var[key], tpl.paid_min) for key, tpl in week.template.items()]
    try:
        lp = lp_relaxation(week.model, objective=paid, fixed_zero=week.short.values())
    except RuntimeError:
        return None
    return lp.value / 60


def _near_templates(week: ShiftModel, lp: LpSolution, day: int, anchor: Mapping[GroupShift, int] | None
                    ) -> dict[str, list[Template]]:
    """The day's templates within NEAR_STEPS start steps of one of the same group and length that the week's
    LP relaxation uses (or the previous plan has)."""
    step = week.scenario.shift_rules.start_every_minutes
    used: set[tuple[str, int, int]] = set()
    for key, tpl in week.template.items():
        if tpl.day == day and (lp.value_of(week.var[key]) > 1e-6
                               or (anchor is not None and anchor.get(key, 0) > 0)):
            used.add((key.group, tpl.length_min, tpl.start_min))
    out = {}
    for g in week.groups:
        starts = defaultdict(list)
        for gg, length, start in used:
            if gg == g:
                starts[length].append(start)
        out[g] = [t for t in week.offered[g] if t.day == day
                  and any(abs(t.start_min - s0) <= NEAR_STEPS * step for s0 in starts.get(t.length_min, ()))]
    return out


def _day_limits(week: ShiftModel, lp: LpSolution, day: int) -> dict[str, GroupLimits]:
    """One day's share of each group's weekly limits, split as the week's LP relaxation splits them.

    Each weekly maximum is shared out over the days in proportion to the LP's use of each day (largest
    remainder, so the days together use exactly the weekly limit); the weekly minimum of paid hours likewise
    (rounded down; a soft limit).
    """
    out = {}
    for g in week.groups:
        lim = week.limits[g]
        shifts: dict[int, float] = defaultdict(float)
        paid: dict[int, float] = defaultdict(float)
        for key, tpl in week.template.items():
            if key.group == g:
                shifts[tpl.day] += lp.value_of(week.var[key])
                paid[tpl.day] += lp.value_of(week.var[key]) * tpl.paid_min
        agents = [0] * len(lim.agents_per_day)
        agents[day] = lim.agents_per_day[day]
        tot_paid = sum(paid.values())
        share_paid = paid[day] / tot_paid if tot_paid > 1e-9 else 0.0
        out[g] = GroupLimits(agents,
                             max_shifts=largest_remainder(dict(shifts), lim.max_shifts).get(day, 0) if shifts else 0,
                             min_shifts=0,
                             max_paid_min=largest_remainder(dict(paid), lim.max_paid_min).get(day, 0) if paid else 0,
                             min_paid_min=int(np.floor(lim.min_paid_min * share_paid)))
    return out
