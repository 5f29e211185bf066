"""Shift selection for the week, solved day by day (`select_shifts`), and the lower bound of paid hours.

Shifts end by midnight (latest_end <= 24:00), so the days interact only through the weekly limits (shifts and
paid hours per group). The week's LP relaxation (HiGHS, about a second) shares those limits out over the days;
each day is then solved with CP-SAT (optimizer.shift_model), first over the templates near those the LP uses,
from its LP solution rounded (or, in a verification round, from the previous plan, with every moved shift
penalised), each start repaired greedily until no requirement is short (optimizer.shift_starts). Where a
large group's contracted minimum decides its hours, the week's model states its agents' weeks and the days get
their paid lengths as targets (optimizer.agent_weeks).
"""

from __future__ import annotations

import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from scenarios import Scenario

from .agent_weeks import blocks, day_length_targets
from .agents import MIN_HOURS_PAD
from .catalogue_limits import day_caps
from .linear import LpSolution, lp_relaxation
from .plan import GroupLimits, GroupShift, ShiftPlan
from .shift_model import ShiftModel
from .shift_starts import hint, largest_remainder, lp_rounding_start, previous_plan_start, start_plan
from .solver import Budget
from .templates import Template

NEAR_STEPS = 2           # the first, small model of a day: templates this many start steps from the LP's
SMALL_SHARE = 0.5        # the small model gets this share of a day's effort; the full model, what it leaves


@dataclass
class DayResult:
    """One day's plan and what its solves reported."""

    day: int
    plan: ShiftPlan
    work: float
    notes: list[str]
    wall_stopped: bool


def select_shifts(scenario: Scenario, requirement: pd.DataFrame, limits: dict[str, GroupLimits], *,
                  budget: Budget = Budget(), place_breaks: bool = True,
                  progress: Callable[[float, str], None] | None = None,
                  previous: ShiftPlan | None = None) -> ShiftPlan:
    """Choose the week's shifts, lunches and breaks for `requirement` (ds, channel, agents: available agents).

    Each day gets an equal share of `budget.effort` (CP-SAT deterministic time per week of the horizon) and is
    solved twice at most, on
    one CP-SAT worker: first over the templates near those the week's LP uses (`_near_templates`: a few hundred
    variables, solved to optimality in about a second, within a fraction of a percent of the full optimum in our
    measurements); only when that small model is not solved to optimality is the day solved again over all its
    templates, started from that plan, with the rest of the day's share. Days run side by side on
    `budget.workers` threads; the plan does not depend on that number or on the machine's load. A day whose
    solve finds nothing in its share keeps its start solution (the LP rounding, or the previous plan, repaired
    greedily): the result is always a complete plan, with warnings saying where the budget ran out.
    `place_breaks` False puts lunch and breaks in afterwards (the traditional baseline). `previous`: a plan for a
    slightly different requirement to start each day from instead (verification rounds), so that a re-solve
    moves few shifts.
    """
    t0 = time.perf_counter()
    deadline = budget.deadline()
    week = ShiftModel(scenario, requirement, limits, place_breaks)
    lp = lp_relaxation(week.model)
    bound = _minimum_bound(week, lp)
    if bound:       # those groups' agent weeks stated instead (optimizer.agent_weeks)
        week = ShiftModel(scenario, requirement, limits, place_breaks, agent_weeks=bound)
        lp = lp_relaxation(week.model)
    targets = _length_targets(week, lp)
    anchor = previous.counts() if previous is not None else None
    days = [d for d in range(scenario.days) if any(t.day == d for g in week.groups for t in week.offered[g])]
    # the effort is per week of the horizon: a day of a 4-week horizon gets what a day of one week does
    share = budget.effort * len(blocks(scenario.days)) / max(len(days), 1)

    def solve_day(day: int) -> DayResult:
        return _solve_day(week, requirement, lp, day, anchor, share, deadline, targets)

    results: dict[int, DayResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, budget.workers)) as pool:
        futures = [pool.submit(solve_day, day) for day in days]
        for n, future in enumerate(as_completed(futures)):
            result = future.result()
            results[result.day] = result
            if progress:
                progress((n + 1) / len(days), f"shifts: {n + 1} of {len(days)} days")
    plans = [results[d].plan for d in days]
    statuses = {p.status for p in plans}
    status = "START" if "START" in statuses else "OPTIMAL" if statuses <= {"OPTIMAL"} else "FEASIBLE"
    warnings = _budget_warnings(scenario, [results[d] for d in days], budget)
    return ShiftPlan([s for p in plans for s in p.shifts], status, time.perf_counter() - t0,
                     {k: v for p in plans for k, v in p.short_minutes.items()}, warnings)


def _solve_day(week: ShiftModel, requirement: pd.DataFrame, lp: LpSolution, day: int, anchor: Mapping[GroupShift, int] | None, share: float,
               deadline: float | None, targets: Mapping[tuple[str, int, int], int]) -> DayResult:
    """The day's small model, then (when that is not proven optimal) its full model, within `share` effort."""
    scenario, place_breaks = week.scenario, week.place_breaks
    per_day = scenario.intervals_per_day
    limits_today = _day_limits(week, lp, day)
    today = {key: n for key, n in targets.items() if key[2] == day}
    intervals = range(day * per_day, (day + 1) * per_day)
    # First the templates the LP uses (and the previous plan's), with their neighbours: a small model CP-SAT
    # solves to optimality in about a second; then the day's full model, started from that plan.
    small = ShiftModel(scenario, requirement, limits_today, place_breaks,
                       templates=_near_templates(week, lp, day, anchor), intervals=intervals, anchor=anchor,
                       length_targets=today)
    start = previous_plan_start(small, anchor) if anchor is not None and place_breaks else lp_rounding_start(small)
    hint(small, start)
    plan = small.solve(effort=share * SMALL_SHARE, deadline=deadline)
    work, notes, wall = small.work, [], small.wall_stopped
    if plan is None:
        plan = start_plan(small, start)
        notes.append("start solution kept")
    # The small model's optimum is kept as it is: over the day's other templates CP-SAT finds next to nothing
    # more in the effort a day gets (measured on the example week: under 0.1 % of the objective).
    if plan.status != "OPTIMAL":
        templates = {g: [t for t in week.offered[g] if t.day == day] for g in week.groups}
        full = ShiftModel(scenario, requirement, limits_today, place_breaks, templates=templates,
                          intervals=intervals, anchor=anchor, length_targets=today)
        hint(full, previous_plan_start(full, plan.counts()))
        better = full.solve(effort=max(share - work, 0.0), deadline=deadline)
        work, wall = work + full.work, wall or full.wall_stopped
        if better is not None:      # started from the kept plan: never worse in the model's objective
            plan = better
            notes = []
    return DayResult(day, plan, work, notes, wall)


def _budget_warnings(scenario: Scenario, results: list[DayResult], budget: Budget) -> list[str]:
    """Plain notes where the effort budget ran out or the wall-clock safety limit acted."""
    names = lambda rs: ", ".join(str(r.day + 1) for r in rs)  # noqa: E731
    out = []
    kept = [r for r in results if r.plan.status == "START"]
    unproven = [r for r in results if r.plan.status == "FEASIBLE"]
    walled = [r for r in results if r.wall_stopped]
    if kept:
        out.append(f"shift selection: on day(s) {names(kept)} CP-SAT found no plan within the {budget.describe()}; "
                   "the start solution (LP rounding or the previous plan, repaired greedily) is kept")
    if unproven:
        # Common and harmless with a modest budget, so said without the days: one note however many solves.
        out.append(f"shift selection: the {budget.describe()} ran out before every day was proven optimal; the "
                   "best plans found are kept (a larger --effort may save a few paid hours)")
    if walled:
        out.append(f"shift selection: the wall-clock safety limit ({budget.wall_seconds:g} s) stopped day(s) "
                   f"{names(walled)} before their effort budget; this plan may differ from run to run")
    return out


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


def _minimum_bound(week: ShiftModel, lp: LpSolution) -> set[str]:
    """The groups whose agents' weeks are better stated than padded: groups with contracts whose padded minimum
    of paid hours decides their hours in the LP relaxation (the requirement alone would give them fewer), so that
    whether the shifts can be shared into weeks meeting each contract depends on their paid lengths, which the
    padded total does not see; and where the pad costs more than the compositions' day targets can (one shift of
    the longest paid length per paid length and day: a small group keeps the pad, whose slack its roster needs)."""
    out = set()
    for g, (_, need) in week.below.items():
        mine = [(key, tpl) for key, tpl in week.template.items() if key.group == g]
        paid = sum(lp.value_of(week.var[key]) * tpl.paid_min for key, tpl in mine)
        lengths = {tpl.paid_min for _, tpl in mine}
        rounding = len(lengths) * week.scenario.days * max(lengths, default=0)
        if week.limits[g].contracts and paid <= need + 0.5 and need * (1 - 1 / MIN_HOURS_PAD) > rounding:
            out.add(g)
    return out


def _length_targets(week: ShiftModel, lp: LpSolution) -> dict[tuple[str, int, int], int]:
    """(group, paid minutes, day) -> shifts of that length the day selects at least: the days' shares of the
    agent weeks of the week's LP relaxation (optimizer.agent_weeks)."""
    shifts: dict[tuple[str, int, int], float] = defaultdict(float)
    for key, tpl in week.template.items():
        shifts[(key.group, tpl.paid_min, tpl.day)] += lp.value_of(week.var[key])
    return day_length_targets(week.weeks, lp.value_of, shifts)


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
                             # groups with contracts: the agent weeks' length targets instead
                             min_paid_min=0 if g in week.composed else int(np.floor(lim.min_paid_min * share_paid)),
                             caps=day_caps(week, lp, g, day),    # optimizer.catalogue_limits
                             contracts=lim.contracts)
    return out
