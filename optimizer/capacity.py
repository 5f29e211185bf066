"""The hiring plan: which week each training class starts and its size, and the cross-training moves, over the
weeks ahead (CP-SAT), and a planner's rule of thumb to compare it with.

Supply is counted in expected agents (Gans & Zhou 2002, without their learning curve's uncertainty): a cohort
(today's staff of a group, a class, a group of agents moved by cross-training) of n agents keeps n (1 - a)^k of them
k weeks later, a the group's weekly attrition. A class is paid from its first week, trains `lead_time_weeks` and
then works at 1 / `ramp_handle_time[k]` of an experienced agent's pace in its k-th week. Each week and group the
working FTE, part-time flex (up to a share of them, at the wage) and overtime (up to a share, at a premium) cover
the requirement; what is left is short, at the shortage penalty. A shortage is never "infeasible": the plan is the
cheapest, and the weeks it leaves short are reported.

The model is linear in the decisions, so CP-SAT solves it exactly up to rounding: supply in 1/100 FTE, rounded
down, and the requirement rounded up, so a week the model covers is covered in the exact figures too. Figures
reported are recomputed exactly from the decisions (`evaluate_capacity`). Solves are deterministic (optimizer.solver: one
worker, a fixed seed, an effort budget in deterministic time); out of budget, the best plan found comes back with a
warning.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from scenarios.capacity import Hiring, Move

from .solver import Budget, RecordingModel, run_from_partial_hint

UNITS = 100                  # CP-SAT counts supply in 1/UNITS FTE
COST_UNITS = 100             # ... and money in 1/COST_UNITS
SHORT_TOLERANCE_FTE = 0.05   # a week is short when a group lacks more than this (about 2 paid hours a week)


@dataclass(frozen=True)
class CapacityGroup:
    """One skill group as the plan sees it: agents today, weekly attrition (share), cost of an FTE-week, hiring
    rules, and the flex limits (shares of the group's working FTE; overtime at `overtime_cost_factor` x wage)."""

    name: str
    headcount: float
    attrition_weekly: float
    wage_per_week: float
    hiring: Hiring
    overtime_max_share: float = 0.0
    overtime_cost_factor: float = 1.5
    part_time_flex_share: float = 0.0


@dataclass(frozen=True)
class CapacityProblem:
    """What to plan: `mondays` (the weeks), `groups`, `required` working FTE per group and week (groups x weeks,
    planned shrinkage included), cross-training `moves`, `shortage_penalty` per FTE-week short."""

    mondays: list[dt.date]
    groups: list[CapacityGroup]
    required: np.ndarray
    moves: list[Move] = field(default_factory=list)
    shortage_penalty: float = 0.0

    @property
    def weeks(self) -> int:
        return len(self.mondays)

    def index(self, group: str) -> int:
        return [g.name for g in self.groups].index(group)


@dataclass(frozen=True)
class TrainingClass:
    """A class of `size` new agents of `group` starting (hired, paid, in training) on week `week` (0-based)."""

    group: str
    week: int
    size: int


@dataclass(frozen=True)
class Transfer:
    """`count` agents of `source` starting cross-training for `target` on week `week` (move number `move`)."""

    move: int
    source: str
    target: str
    week: int
    count: int


@dataclass(frozen=True)
class HiringPlan:
    classes: list[TrainingClass] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)

    def without_class(self, number: int) -> HiringPlan:
        """The plan with its `number`-th class (0-based, in start order) cancelled."""
        return HiringPlan([c for i, c in enumerate(self.classes) if i != number], list(self.transfers))


@dataclass(frozen=True)
class Cohort:
    """Agents who leave and work together: `size` agents joining `group` on week `start` (their attrition is the
    group's from then on); `productivity[t]` the FTE one of them gives on week t (0 before working); `source`: the
    group they leave on `start` (a cross-training move), else None."""

    group: int
    start: int
    size: float
    productivity: np.ndarray
    source: int | None = None


@dataclass
class CapacityOutcome:
    """A plan's figures. Arrays are groups x weeks in FTE: `headcount` (paid agents, trainees included),
    `working` (FTE on the queues: ramping hires count part), `flex`, `overtime`, `short`. Costs in money over the
    horizon; `weeks_short`: weeks in which some group lacks more than SHORT_TOLERANCE_FTE."""

    plan: HiringPlan
    headcount: np.ndarray
    working: np.ndarray
    flex: np.ndarray
    overtime: np.ndarray
    short: np.ndarray
    costs: dict[str, float]
    status: str = "evaluated"
    warnings: list[str] = field(default_factory=list)

    @property
    def total_cost(self) -> float:
        return float(sum(self.costs.values()))

    @property
    def weeks_short(self) -> int:
        return int((self.short > SHORT_TOLERANCE_FTE).any(axis=0).sum())

    def short_weeks(self) -> list[int]:
        return [int(t) for t in np.nonzero((self.short > SHORT_TOLERANCE_FTE).any(axis=0))[0]]


# --- supply -------------------------------------------------------------------------------------------------

def plan_cohorts(problem: CapacityProblem, plan: HiringPlan) -> list[Cohort]:
    """Today's staff of each group, then every class and every cross-training transfer, as cohorts."""
    weeks = problem.weeks
    out = [Cohort(g, 0, grp.headcount, np.ones(weeks)) for g, grp in enumerate(problem.groups)]
    for c in plan.classes:
        g = problem.index(c.group)
        hiring = problem.groups[g].hiring
        out.append(Cohort(g, c.week, float(c.size), _ramp(weeks, c.week + hiring.lead_time_weeks, hiring)))
    for tr in plan.transfers:
        move = problem.moves[tr.move]
        out.append(Cohort(problem.index(tr.target), tr.week, float(tr.count),
                          _ramp(weeks, tr.week + move.lead_time_weeks, None), source=problem.index(tr.source)))
    return out


def _ramp(weeks: int, first: int, hiring: Hiring | None) -> np.ndarray:
    """Productivity per week of an agent who starts working on week `first` (ramping up when `hiring` is given)."""
    out = np.zeros(weeks)
    for t in range(max(first, 0), weeks):
        out[t] = hiring.productivity(t - first) if hiring is not None else 1.0
    return out


def expected_supply(problem: CapacityProblem, cohorts: list[Cohort]) -> tuple[np.ndarray, np.ndarray]:
    """Expected headcount and working FTE (groups x weeks) of the cohorts under the groups' attrition. A
    transfer's agents leave their source's first cohort (today's staff) on their start week."""
    n, weeks = len(problem.groups), problem.weeks
    headcount, working = np.zeros((n, weeks)), np.zeros((n, weeks))
    survival = [(1 - g.attrition_weekly) ** np.arange(weeks) for g in problem.groups]
    for c in cohorts:
        alive = np.zeros(weeks)
        alive[c.start:] = c.size * survival[c.group][:weeks - c.start]
        headcount[c.group] += alive
        working[c.group] += alive * c.productivity
        if c.source is not None:
            gone = np.zeros(weeks)
            gone[c.start:] = c.size * survival[c.source][:weeks - c.start]
            headcount[c.source] -= gone
            working[c.source] -= gone
    return headcount, working


def capacity_cover(problem: CapacityProblem, working: np.ndarray, required: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each week's cheapest cover of the gap (required - working), any leading sample axes allowed: part-time flex
    first (at the wage), then overtime where it is cheaper than the shortage penalty; the rest is short.
    Returns (flex, overtime, short)."""
    gap = np.maximum(required - working, 0.0)
    shares = lambda attr: np.array([getattr(g, attr) for g in problem.groups])[:, None]  # noqa: E731
    flex = np.minimum(gap, shares("part_time_flex_share") * np.maximum(working, 0.0))
    use_ot = np.array([g.overtime_cost_factor * g.wage_per_week < problem.shortage_penalty
                       for g in problem.groups])[:, None]
    overtime = np.where(use_ot, np.minimum(gap - flex, shares("overtime_max_share") * np.maximum(working, 0.0)), 0.0)
    return flex, overtime, gap - flex - overtime


def evaluate_capacity(problem: CapacityProblem, plan: HiringPlan) -> CapacityOutcome:
    """A plan's exact expected figures and costs (wages, flex, overtime, hiring, cross-training, shortage)."""
    headcount, working = expected_supply(problem, plan_cohorts(problem, plan))
    flex, overtime, short = capacity_cover(problem, working, problem.required)
    costs = capacity_costs(problem, plan, headcount, flex=flex, overtime=overtime, short=short)
    return CapacityOutcome(plan, headcount, working, flex, overtime, short, costs)


def capacity_costs(problem: CapacityProblem, plan: HiringPlan, headcount: np.ndarray, *, flex: np.ndarray,
          overtime: np.ndarray, short: np.ndarray) -> dict[str, float]:
    """Money per kind over the horizon (arrays groups x weeks, or with leading sample axes: summed over all)."""
    wage = np.array([g.wage_per_week for g in problem.groups])[:, None]
    factor = np.array([g.overtime_cost_factor for g in problem.groups])[:, None]
    hiring = sum(problem.groups[problem.index(c.group)].hiring.cost_per_class
                 + c.size * problem.groups[problem.index(c.group)].hiring.cost_per_hire for c in plan.classes)
    moves = sum(tr.count * problem.moves[tr.move].cost_per_agent for tr in plan.transfers)
    return {"wages": float((wage * headcount).sum()), "flex": float((wage * flex).sum()),
            "overtime": float((factor * wage * overtime).sum()), "hiring": float(hiring),
            "cross_training": float(moves), "shortage_penalty": float(problem.shortage_penalty * short.sum())}


# --- the rule of thumb --------------------------------------------------------------------------------------

def rule_of_thumb(problem: CapacityProblem) -> HiringPlan:
    """A planner's rule: for each calendar month, a class that starts its lead time before the month's first week,
    sized to cover the month's peak requirement after average attrition (the headcount expected at the month's
    end from today's staff and earlier classes); classes within the group's size limits; months a class cannot
    reach in time get none. No ramp-up, flex or cross-training is planned for."""
    months: dict[tuple[int, int], list[int]] = {}
    for t, monday in enumerate(problem.mondays):
        thursday = monday + dt.timedelta(days=3)
        months.setdefault((thursday.year, thursday.month), []).append(t)
    classes: list[TrainingClass] = []
    for g, grp in enumerate(problem.groups):
        survival = (1 - grp.attrition_weekly) ** np.arange(problem.weeks)
        for weeks in months.values():
            start = weeks[0] - grp.hiring.lead_time_weeks
            if start < 0:
                continue
            last = weeks[-1]
            expected = grp.headcount * survival[last] + sum(c.size * survival[last - c.week] for c in classes
                                                            if c.group == grp.name)
            need = math.ceil(float(problem.required[g, weeks].max()) - expected - 1e-9)
            if need > 0:
                classes.append(TrainingClass(grp.name, start, min(max(need, grp.hiring.min_class),
                                                                  grp.hiring.max_class)))
    return HiringPlan(sorted(classes, key=lambda c: (c.week, c.group)), [])


def greedy_plan(problem: CapacityProblem) -> HiringPlan:
    """A quick feasible start for the solver: week by week, where a group would be short after flex and overtime,
    a class starts on the latest allowed week that has it working by then, sized to the largest gap of the
    following weeks (within the class limits). Shortages no class can reach stay."""
    classes: list[TrainingClass] = []
    for g, grp in enumerate(problem.groups):
        h = grp.hiring
        taken: set[int] = set()
        for t in range(problem.weeks):
            outcome = evaluate_capacity(problem, HiringPlan(classes))
            if outcome.short[g, t] <= SHORT_TOLERANCE_FTE:
                continue
            latest = t - h.lead_time_weeks
            starts = [s for s in range(latest - latest % h.class_every_weeks, -1, -h.class_every_weeks)
                      if s not in taken]
            if not starts:
                continue
            gap = float(outcome.short[g, t:t + 8].max())
            classes.append(TrainingClass(grp.name, starts[0], min(max(math.ceil(gap), h.min_class), h.max_class)))
            taken.add(starts[0])
    return HiringPlan(sorted(classes, key=lambda c: (c.week, c.group)))


# --- the optimal plan ---------------------------------------------------------------------------------------

def plan_hiring(problem: CapacityProblem, budget: Budget = Budget(effort=10.0, wall_seconds=60.0)) -> CapacityOutcome:
    """The cheapest hiring plan (classes and cross-training transfers) by CP-SAT within `budget`, searched from
    `greedy_plan` (a single worker does not find good plans from nothing in a modest budget); its exact figures
    (`evaluate_capacity`), its solver status, and warnings (stopped before optimal; weeks short that no plan avoids within
    the limits are reported, with their weeks, as `short`)."""
    model = RecordingModel()
    weeks, groups = problem.weeks, problem.groups
    n_vars: dict[tuple[int, int], cp_model.IntVar] = {}
    open_vars: dict[tuple[int, int], cp_model.IntVar] = {}
    for g, grp in enumerate(groups):
        h = grp.hiring
        for s in range(0, weeks - h.lead_time_weeks, h.class_every_weeks):
            open_ = model.new_bool_var(f"class_{grp.name}_{s}")
            size = model.new_int_var(0, h.max_class, f"size_{grp.name}_{s}")
            model.add(size >= h.min_class * open_)
            model.add(size <= h.max_class * open_)
            n_vars[g, s], open_vars[g, s] = size, open_
    x_vars: dict[tuple[int, int], cp_model.IntVar] = {}
    for m, move in enumerate(problem.moves):
        for s in range(0, weeks - move.lead_time_weeks):
            x_vars[m, s] = model.new_int_var(0, move.max_per_week, f"move_{m}_{s}")
    plan_vars = HiringPlan([TrainingClass(groups[g].name, s, 1) for (g, s) in n_vars],
                           [Transfer(m, problem.moves[m].source, problem.moves[m].target, s, 1) for (m, s) in x_vars])
    # Each decision's contribution per person, and today's staff: linear in the decisions.
    unit_cohorts = plan_cohorts(problem, plan_vars)
    n_groups = len(groups)
    base = unit_cohorts[:n_groups]
    decisions = list(n_vars.values()) + list(x_vars.values())
    hc0, work0 = expected_supply(problem, base)
    per_decision = [expected_supply(problem, [c]) for c in unit_cohorts[n_groups:]]
    wage = [round(g.wage_per_week * COST_UNITS) for g in groups]
    objective = []
    for g, grp in enumerate(groups):
        ot_cost = round(grp.overtime_cost_factor * grp.wage_per_week * COST_UNITS)
        for t in range(weeks):
            hc = [(int(round(UNITS * hc_d[g, t])), var) for var, (hc_d, _) in zip(decisions, per_decision)
                  if abs(hc_d[g, t]) > 1e-12]
            work = [(int(math.floor(UNITS * w_d[g, t] + 1e-9)), var) for var, (_, w_d) in zip(decisions, per_decision)
                    if abs(w_d[g, t]) > 1e-12]
            hc_expr = int(round(UNITS * hc0[g, t])) + sum(c * v for c, v in hc)
            work_expr = int(math.floor(UNITS * work0[g, t] + 1e-9)) + sum(c * v for c, v in work)
            model.add(hc_expr >= 0)
            need = int(math.ceil(UNITS * problem.required[g, t] - 1e-9))
            top = max(need, 0)
            flex = model.new_int_var(0, top, f"flex_{g}_{t}")
            ot = model.new_int_var(0, top, f"ot_{g}_{t}")
            short = model.new_int_var(0, top, f"short_{g}_{t}")
            model.add(1000 * flex <= round(1000 * grp.part_time_flex_share) * work_expr)
            model.add(1000 * ot <= round(1000 * grp.overtime_max_share) * work_expr)
            model.add(work_expr + flex + ot + short >= need)
            objective += [wage[g] * hc_expr, wage[g] * flex, ot_cost * ot,
                          round(problem.shortage_penalty * COST_UNITS) * short]
    for (g, s), size in n_vars.items():
        h = groups[g].hiring
        objective += [round(h.cost_per_class * COST_UNITS * UNITS) * open_vars[g, s],
                      round(h.cost_per_hire * COST_UNITS * UNITS) * size]
    for (m, s), var in x_vars.items():
        objective.append(round(problem.moves[m].cost_per_agent * COST_UNITS * UNITS) * var)
    model.minimize(sum(objective))
    start = {(problem.index(c.group), c.week): c.size for c in greedy_plan(problem).classes}
    hint = {var: 0 for var in decisions} | {n_vars[key]: size for key, size in start.items() if key in n_vars}
    hint |= {open_vars[key]: int(key in start) for key in open_vars}
    run = run_from_partial_hint(model, hint, budget.effort, budget.deadline())
    plan = HiringPlan()
    if run.found:
        plan = HiringPlan([TrainingClass(groups[g].name, s, run.solver.value(v)) for (g, s), v in n_vars.items()
                           if run.solver.value(v) > 0],
                          [Transfer(m, problem.moves[m].source, problem.moves[m].target, s, run.solver.value(v))
                           for (m, s), v in x_vars.items() if run.solver.value(v) > 0])
    outcome = evaluate_capacity(problem, plan)
    outcome.status = run.status
    if not run.found:
        outcome.warnings.append(f"the solver found no plan within its {budget.describe()}: no hiring planned")
    elif run.status != "OPTIMAL":
        bound, value = run.solver.best_objective_bound, run.solver.objective_value
        gap = (value - bound) / value if value > 0 else 0.0
        why = "the wall-clock safety limit" if run.wall_stopped else f"its {budget.describe()}"
        outcome.warnings.append(f"the hiring plan stopped at {why} before it was proven optimal: it may cost up "
                                f"to {gap:.1%} more than the best plan")
    if outcome.weeks_short:
        weeks_text = ", ".join(str(problem.mondays[t]) for t in outcome.short_weeks())
        outcome.warnings.append(f"{outcome.weeks_short} week(s) stay short under the cheapest plan (hiring lead "
                                f"times, class and flex limits, or a penalty below the cost of staff): {weeks_text}")
    return outcome
