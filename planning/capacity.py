"""The capacity plan: how many people to hire and train, and when, over the next 3-12 months.

1. Demand per week and channel from the weekly history (forecasting `weekly_forecast`: yearly season, trend,
   holiday weeks, a band, and whole future paths for the Monte Carlo), with the handle time per week.
2. The staffing curve: the representative week (the scenario) scheduled by ccplan itself (the simulation-verified
   schedule loop) at a few volume scales, giving each skill group's FTE (roster paid hours / hours_per_fte) as a
   function of the week's workload (contacts x handle time) relative to the representative week's; computed once
   and reused for every week, draw and what-if (linear between the scales, and beyond them along the end
   segments). The channel mix is taken as the representative week's.
3. Required working FTE per group and week = curve(workload ratio) / (1 - planned shrinkage of the week).
4. The plan: optimizer `plan_hiring` (CP-SAT) covering each week's requirement at `plan_quantile` of demand and
   attrition (`hedged_requirement`: the hedge against forecast error and leavers, as the roster's --risk), against
   optimizer `rule_of_thumb` applied to the median forecast as a planner would.
5. Risk: both plans on the same Monte Carlo of attrition (each agent of each cohort leaves with the group's
   weekly rate) and demand (paths from the weekly forecast): per week the chance of being short and the
   P10 / P50 / P90 gap, weeks short per future, and the expected cost (shortage penalty included).
6. What-ifs on the plan as made: attrition +5 points, demand +10 %, its first class cancelled (each also
   re-planned, to show what the change would cost with a plan made for it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting import WeeklyForecast, weekly_forecast
from optimizer import (SHORT_TOLERANCE_FTE, Budget, CapacityGroup, CapacityOutcome, CapacityProblem, HiringPlan,
                       capacity_costs, capacity_cover, evaluate_capacity, plan_cohorts, plan_hiring, rule_of_thumb)
from scenarios import InputError, Problem, Scenario, load_scenario, scenario_to_dict
from scenarios.capacity import (CapacityInput, check_groups, fitted_attrition, headcount_from_agents, read_leavers,
                                monthly_rate, read_weekly_history, weekly_rate)
from scenarios.progress import Progress, no_progress, scaled

from .demand import scenario_demand
from .schedule import schedule

HUMAN_KINDS = ("voice", "chat", "deferred")
ATTRITION_WHATIF_POINTS = 0.05
DEMAND_WHATIF_FACTOR = 1.10
CURVE_HEADROOM = 1.25   # a group's agents at a curve point: today's headcount x the scale x this


# --- the staffing curve -------------------------------------------------------------------------------------

@dataclass
class StaffingCurve:
    """FTE per skill group ccplan's schedule needs for the representative week at each volume `scale`, with that
    week's workload per human channel (contact-seconds) and mean handle time (seconds) at scale 1."""

    scales: list[float]
    fte: dict[str, list[float]]
    workload_seconds: dict[str, float]
    aht_seconds: dict[str, float]
    hours_per_fte: float
    key: str = ""

    def at(self, ratio: np.ndarray) -> np.ndarray:
        """FTE per group (first axis, in `fte` order) at workload ratios `ratio` (any shape)."""
        x = np.asarray(self.scales)
        out = []
        for values in self.fte.values():
            y = np.asarray(values)
            inner = np.interp(ratio, x, y)
            low = y[0] + (ratio - x[0]) * (y[1] - y[0]) / (x[1] - x[0])
            high = y[-1] + (ratio - x[-1]) * (y[-1] - y[-2]) / (x[-1] - x[-2])
            out.append(np.maximum(np.where(ratio < x[0], low, np.where(ratio > x[-1], high, inner)), 0.0))
        return np.stack(out)

    def to_json(self) -> dict:
        return {"scales": self.scales, "fte": self.fte, "workload_seconds": self.workload_seconds,
                "aht_seconds": self.aht_seconds, "hours_per_fte": self.hours_per_fte, "key": self.key}

    @classmethod
    def from_json(cls, data: dict, name: str = "staffing curve") -> StaffingCurve:
        try:
            curve = cls([float(s) for s in data["scales"]], {str(g): [float(v) for v in f] for g, f in data["fte"].items()},
                        {str(c): float(v) for c, v in data["workload_seconds"].items()},
                        {str(c): float(v) for c, v in data["aht_seconds"].items()}, float(data["hours_per_fte"]),
                        str(data.get("key", "")))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError([Problem(name, f"not a staffing curve written by ccplan capacity ({exc})")],
                             "invalid staffing curve") from None
        if len(curve.scales) < 2 or any(len(v) != len(curve.scales) for v in curve.fte.values()):
            raise InputError([Problem(name, "needs at least two scales and one FTE figure per scale and group")],
                             "invalid staffing curve")
        return curve


def curve_key(scenario: Scenario, plan: CapacityInput) -> str:
    """What a staffing curve depends on (the scenario, the curve settings, hours_per_fte), as a digest: a curve
    read from a file is reused only for the same key."""
    data = {"scenario": scenario_to_dict(scenario), "curve": plan.staffing_curve.model_dump(),
            "hours_per_fte": plan.hours_per_fte}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def staffing_curve(scenario: Scenario, plan: CapacityInput, progress: Progress | None = None) -> StaffingCurve:
    """Schedule the representative week at each of `plan.staffing_curve.scales` (demand scaled, each group's
    headcount scaled with CURVE_HEADROOM, no minimum hours per agent) and read each group's FTE off the roster: paid hours / `plan.hours_per_fte`."""
    progress = progress or no_progress
    settings = plan.staffing_curve
    demand = scenario_demand(scenario)
    human = [c for c, ch in scenario.channels.items() if ch.kind in HUMAN_KINDS]
    rows = demand[demand["channel"].isin(human)]
    work = (rows["contacts"] * rows["aht_seconds"]).groupby(rows["channel"]).sum()
    contacts = rows.groupby("channel")["contacts"].sum()
    fte: dict[str, list[float]] = {g: [] for g in scenario.skill_groups}
    for i, scale in enumerate(settings.scales):
        # Each group may grow with the volume (and a margin) but keeps today's place in the mix: with no limit the
        # cheapest roster would move all work to the cheapest groups, a center that does not exist. No agent is
        # held to a minimum of hours: the curve is the week's own need.
        groups = {name: g.model_copy(update={"headcount": int(np.ceil(g.headcount * scale * CURVE_HEADROOM)),
                                             "min_hours_per_week": 0.0})
                  for name, g in scenario.skill_groups.items()}
        scaled_scenario = scenario.model_copy(update={"skill_groups": groups})
        week = demand.assign(contacts=demand["contacts"] * scale)
        step = scaled(progress, i / len(settings.scales), (i + 1) / len(settings.scales))
        result = schedule(scaled_scenario, demand=week, rounds=settings.rounds, replications=settings.replications,
                          certify_replications=settings.replications, seed=scenario.simulation.seed,
                          effort=settings.effort, workers=1, risk=None, progress=step)
        paid = result.roster.to_frame().groupby("skill_group")["paid_hours"].sum()
        for g in fte:
            fte[g].append(float(paid.get(g, 0.0)) / plan.hours_per_fte)
        progress((i + 1) / len(settings.scales), f"staffing curve: scale {scale:g} scheduled")
    return StaffingCurve(list(settings.scales), fte, {c: float(work.get(c, 0.0)) for c in human},
                         {c: float(work.get(c, 0.0) / contacts[c]) if contacts.get(c, 0) > 0 else 0.0 for c in human},
                         plan.hours_per_fte, curve_key(scenario, plan))


def read_curve(path: str | Path) -> StaffingCurve:
    from scenarios.tables import read_text

    text = read_text(path, "invalid staffing curve")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(str(path), f"not JSON ({exc})")], "invalid staffing curve") from None
    return StaffingCurve.from_json(data, str(path))


# --- demand -> requirement ----------------------------------------------------------------------------------

def workload_ratio(forecast: WeeklyForecast, curve: StaffingCurve, contacts: np.ndarray | None = None) -> np.ndarray:
    """Each week's workload (contacts x handle time, human channels) / the representative week's. `contacts`:
    paths (samples, weeks, channels in `forecast.channels` order); None: the forecast's median."""
    table = forecast.table
    channels = forecast.channels
    missing = [c for c in channels if c not in curve.workload_seconds]
    if missing:
        raise InputError([Problem(f"history, channel {c}", "not a voice, chat or deferred channel of the scenario")
                          for c in missing], "invalid weekly history")
    weeks = table["week"].nunique()
    aht = np.stack([table.loc[table["channel"] == c, "aht_seconds"].to_numpy(float) for c in channels], axis=-1)
    aht = np.where(np.isnan(aht), np.array([curve.aht_seconds[c] for c in channels]), aht)
    if contacts is None:
        contacts = np.stack([table.loc[table["channel"] == c, "yhat"].to_numpy(float) for c in channels], axis=-1)
    base = sum(curve.workload_seconds[c] for c in channels)
    if base <= 0:
        raise InputError([Problem("scenario", "its representative week has no workload on the history's channels")],
                         "invalid capacity input")
    return (contacts * aht).sum(axis=-1).reshape(contacts.shape[:-1]) / base if weeks else np.zeros(0)


def required_fte(curve: StaffingCurve, ratio: np.ndarray, shrinkage: np.ndarray) -> np.ndarray:
    """Working FTE per group needed at `ratio` (weeks last), planned shrinkage per week taken off paid time.
    Shape: (groups, *ratio.shape)."""
    return curve.at(ratio) / (1.0 - shrinkage)


# --- supply -------------------------------------------------------------------------------------------------

def capacity_groups(plan: CapacityInput, scenario: Scenario) -> list[CapacityGroup]:
    """Each skill group's supply: headcount (the plan, else the agents file, else the scenario), weekly attrition
    (the plan's monthly rate, else fitted from the leavers file), wage per FTE-week, hiring and flex limits."""
    check_groups(plan, list(scenario.skill_groups))
    from_agents = headcount_from_agents(plan.path(plan.agents)) if plan.agents else {}
    heads = {}
    for g, group in scenario.skill_groups.items():
        given = plan.groups.get(g)
        heads[g] = float(given.headcount if given and given.headcount is not None
                         else from_agents.get(g, group.headcount if not plan.agents else 0))
    fitted = (fitted_attrition(read_leavers(plan.path(plan.leavers)), heads, plan.start, plan.leavers_months)
              if plan.leavers else {})
    problems, out = [], []
    for g, group in scenario.skill_groups.items():
        given = plan.groups.get(g)
        monthly = given.attrition_monthly if given and given.attrition_monthly is not None else fitted.get(g)
        if monthly is None:
            problems.append(Problem(f"groups.{g}.attrition_monthly", "not given and no leavers file to fit it from"))
            continue
        wage = (given.wage_per_week if given and given.wage_per_week is not None
                else group.hourly_cost * plan.hours_per_fte)
        extra = {} if given is None else {"overtime_max_share": given.overtime_max_share,
                                          "overtime_cost_factor": given.overtime_cost_factor,
                                          "part_time_flex_share": given.part_time_flex_share}
        out.append(CapacityGroup(g, heads[g], weekly_rate(monthly), wage, plan.hiring_of(g), **extra))
    if problems:
        raise InputError(problems, "invalid capacity input")
    return out


# --- Monte Carlo --------------------------------------------------------------------------------------------

@dataclass
class CapacityRisk:
    """A plan's Monte Carlo: per week (and group for the gap) `p_short` (share of samples in which some group lacks
    more than SHORT_TOLERANCE_FTE), `gap_p10`/`gap_p50`/`gap_p90` (required - available working FTE with flex and
    overtime, summed over groups: above 0 is short), `weeks_short` per sample, and the cost per sample."""

    p_short: np.ndarray
    gap_p10: np.ndarray
    gap_p50: np.ndarray
    gap_p90: np.ndarray
    supply_p10: np.ndarray
    supply_p90: np.ndarray
    weeks_short: np.ndarray
    cost: np.ndarray

    @property
    def weeks_short_p90(self) -> float:
        return float(np.percentile(self.weeks_short, 90))

    def summary(self) -> dict:
        return {"weeks_short_p50": float(np.percentile(self.weeks_short, 50)), "weeks_short_p90": self.weeks_short_p90,
                "cost_mean": float(self.cost.mean()), "cost_p90": float(np.percentile(self.cost, 90)),
                "max_p_short": float(self.p_short.max()) if len(self.p_short) else 0.0}


def monte_carlo(problem: CapacityProblem, plan: HiringPlan, required: np.ndarray, *, seed: int,
                random_attrition: bool = True) -> CapacityRisk:
    """The plan's figures over sampled futures. `required`: (samples, groups, weeks) working FTE, one future of
    demand each. Attrition: each agent of each cohort leaves in a week with its group's weekly rate (binomial; a
    cohort's size rounded to whole agents), or, with `random_attrition=False`, the expected share leaves (then the
    figures equal optimizer `evaluate_capacity` for the same requirement)."""
    rng = np.random.default_rng(seed)
    samples, n_groups, weeks = required.shape
    cohorts = plan_cohorts(problem, plan)
    rates = np.array([problem.groups[c.group].attrition_weekly for c in cohorts])
    sizes = np.array([c.size for c in cohorts])
    first_of = {c.group: i for i, c in reversed(list(enumerate(cohorts))) if c.source is None and c.start == 0}
    alive = np.zeros((samples, len(cohorts)))
    headcount = np.zeros((samples, n_groups, weeks))
    working = np.zeros((samples, n_groups, weeks))
    for t in range(weeks):
        if t > 0:
            alive = rng.binomial(alive.astype(np.int64), 1 - rates).astype(float) if random_attrition \
                else alive * (1 - rates)
        for i, c in enumerate(cohorts):
            if c.start == t:
                alive[:, i] = np.round(sizes[i]) if random_attrition else sizes[i]
                if c.source is not None:
                    j = first_of[c.source]
                    alive[:, j] = np.maximum(alive[:, j] - alive[:, i], 0.0)
        for i, c in enumerate(cohorts):
            headcount[:, c.group, t] += alive[:, i]
            working[:, c.group, t] += alive[:, i] * c.productivity[t]
    flex, overtime, short = capacity_cover(problem, working, required)
    gap = (required - working - flex - overtime).sum(axis=1)
    short_week = (short > SHORT_TOLERANCE_FTE).any(axis=1)
    cost = np.array([sum(capacity_costs(problem, plan, headcount[s], flex=flex[s], overtime=overtime[s],
                                             short=short[s]).values())
                     for s in range(samples)])
    supply = (working + flex + overtime).sum(axis=1)
    return CapacityRisk(short_week.mean(axis=0), *np.percentile(gap, [10, 50, 90], axis=0),
                        *np.percentile(supply, [10, 90], axis=0), short_week.sum(axis=1), cost)


# --- the use case -------------------------------------------------------------------------------------------

@dataclass
class PlanFigures:
    """A plan's expected figures on the median demand (`outcome`: optimizer.CapacityOutcome) and its Monte Carlo
    (`risk`); `expected_cost` is the mean over the Monte Carlo's futures (shortage penalty included)."""

    label: str
    outcome: CapacityOutcome
    risk: CapacityRisk

    @property
    def expected_cost(self) -> float:
        return float(self.risk.cost.mean())

    def to_json(self, problem: CapacityProblem) -> dict:
        return {"label": self.label, "expected_cost": self.expected_cost,
                "median_demand_cost": self.outcome.total_cost, "costs_on_median_demand": self.outcome.costs,
                "weeks_short_on_median_demand": self.outcome.weeks_short,
                "short_weeks_on_median_demand": [str(problem.mondays[t]) for t in self.outcome.short_weeks()],
                "hires": int(sum(c.size for c in self.outcome.plan.classes)),
                "classes": [{"group": c.group, "start": str(problem.mondays[c.week]), "size": c.size}
                            for c in self.outcome.plan.classes],
                "transfers": [{"from": t.source, "to": t.target, "start": str(problem.mondays[t.week]),
                               "count": t.count} for t in self.outcome.plan.transfers],
                "status": self.outcome.status, "warnings": self.outcome.warnings, **self.risk.summary()}


@dataclass
class CapacityResult:
    """The capacity plan: its input's name, the problem on the median demand (weeks, groups, required FTE), the
    required FTE the plan covers (`planned_required`, at `plan_quantile`: `hedged_requirement`), the required FTE's
    P10 / P90 over the draws (groups x weeks), the forecast, the staffing curve, ccplan's plan, the rule of thumb,
    the what-ifs, and timings (seconds: forecast, curve, plan, monte_carlo, whatifs)."""

    name: str
    problem: CapacityProblem
    planned_required: np.ndarray
    plan_quantile: float
    forecast: WeeklyForecast
    curve: StaffingCurve
    required_p10: np.ndarray
    required_p90: np.ndarray
    plan: PlanFigures
    rule: PlanFigures
    whatifs: list[PlanFigures] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def cost_ratio_vs_rule(self) -> float | None:
        """Expected cost of ccplan's plan / the rule of thumb's (both over the same Monte Carlo futures)."""
        return self.plan.expected_cost / self.rule.expected_cost if self.rule.expected_cost > 0 else None

    def weekly_table(self) -> pd.DataFrame:
        """One row per week and group: required FTE (median demand, P10, P90, and what the plan covers), ccplan's
        headcount, working FTE, flex, overtime and short on the median demand, the rule's headcount and short; per
        week (all groups) the plan's chance of being short and its P10 / P50 / P90 gap, the rule's chance."""
        p, o, r = self.problem, self.plan.outcome, self.rule.outcome
        rows = []
        for g, grp in enumerate(p.groups):
            for t, monday in enumerate(p.mondays):
                rows.append({"week": monday, "skill_group": grp.name, "required": p.required[g, t],
                             "required_p10": self.required_p10[g, t], "required_p90": self.required_p90[g, t],
                             "required_planned": self.planned_required[g, t],
                             "headcount": o.headcount[g, t], "working": o.working[g, t], "flex": o.flex[g, t],
                             "overtime": o.overtime[g, t], "short": o.short[g, t],
                             "rule_headcount": r.headcount[g, t], "rule_working": r.working[g, t],
                             "rule_short": r.short[g, t],
                             "p_short": self.plan.risk.p_short[t], "gap_p10": self.plan.risk.gap_p10[t],
                             "gap_p50": self.plan.risk.gap_p50[t], "gap_p90": self.plan.risk.gap_p90[t],
                             "rule_p_short": self.rule.risk.p_short[t]})
        return pd.DataFrame(rows)

    def classes_table(self) -> pd.DataFrame:
        p = self.problem
        rows = [{"plan": f.label, "group": c.group, "start": p.mondays[c.week], "size": c.size,
                 "first_working_week": p.mondays[c.week] + dt.timedelta(
                     weeks=p.groups[p.index(c.group)].hiring.lead_time_weeks)}
                for f in (self.plan, self.rule) for c in f.outcome.plan.classes]
        return pd.DataFrame(rows, columns=["plan", "group", "start", "size", "first_working_week"])

    def whatif_table(self) -> pd.DataFrame:
        rows = [{"variant": f.label, "expected_cost": f.expected_cost, "hires": sum(c.size for c in f.outcome.plan.classes),
                 "weeks_short_median_demand": f.outcome.weeks_short, "weeks_short_p50": float(np.percentile(
                     f.risk.weeks_short, 50)), "weeks_short_p90": f.risk.weeks_short_p90}
                for f in [self.plan, self.rule, *self.whatifs]]
        return pd.DataFrame(rows)

    def to_json(self) -> dict:
        return {"name": self.name, "weeks": [str(m) for m in self.problem.mondays],
                "groups": [g.name for g in self.problem.groups], "plan_quantile": self.plan_quantile,
                "curve": self.curve.to_json(), "plan": self.plan.to_json(self.problem),
                "rule_of_thumb": self.rule.to_json(self.problem),
                "whatifs": [w.to_json(self.problem) for w in self.whatifs],
                "cost_ratio_vs_rule": self.cost_ratio_vs_rule, "warnings": self.warnings, "seconds": self.seconds}

    def write_excel(self, path: str | Path) -> Path:
        """A workbook: weekly (per week and group), classes, whatifs, forecast, curve (written atomically)."""
        from scenarios.tables import write_atomic

        forecast = self.forecast.table.assign(week=self.forecast.table["week"].dt.date)
        curve = pd.DataFrame({"scale": self.curve.scales, **{f"{g}_fte": v for g, v in self.curve.fte.items()}})

        def write(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                self.weekly_table().to_excel(xl, sheet_name="weekly", index=False)
                self.classes_table().to_excel(xl, sheet_name="classes", index=False)
                self.whatif_table().to_excel(xl, sheet_name="whatifs", index=False)
                forecast.to_excel(xl, sheet_name="forecast", index=False)
                curve.to_excel(xl, sheet_name="curve", index=False)

        return write_atomic(path, write)


@dataclass
class _Demand:
    """Required working FTE (groups x weeks) on the median demand, at the plan's quantile, and per demand draw
    (samples x groups x weeks)."""

    median: np.ndarray
    planned: np.ndarray
    draws: np.ndarray

    def times(self, factor: float) -> _Demand:
        return _Demand(self.median * factor, self.planned * factor, self.draws * factor)


def capacity_plan(plan: CapacityInput, *, curve: StaffingCurve | None = None, samples: int | None = None,
                  seed: int | None = None, budget: Budget = Budget(effort=3.0, wall_seconds=60.0),
                  whatifs: bool = True, progress: Progress | None = None) -> CapacityResult:
    """Forecast, staffing curve (unless `curve` is given: one computed before for this scenario), the plan (made to
    cover each week's requirement at `plan.plan_quantile` of demand and attrition), the rule of thumb (on the median
    forecast, as a planner applies it), the Monte Carlo of both on the same futures (`samples`, `seed`: default the
    input's) and the what-ifs. Every hiring solve within `budget`."""
    progress = progress or no_progress
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    scenario = load_scenario(plan.path(plan.scenario))
    groups = capacity_groups(plan, scenario)
    history = read_weekly_history(plan.path(plan.history))
    forecast = weekly_forecast(history, plan.start, plan.weeks, holidays=plan.holidays,
                               holiday_country=plan.holiday_country)
    seconds["forecast"] = time.perf_counter() - t0
    progress(0.02, "weekly forecast made")
    if curve is None:
        t0 = time.perf_counter()
        curve = staffing_curve(scenario, plan, scaled(progress, 0.02, 0.7))
        seconds["curve"] = time.perf_counter() - t0
    warnings = list(forecast.warnings)
    if curve.key != curve_key(scenario, plan):
        warnings.append("the staffing curve was made for another scenario or other curve settings; "
                        "recompute it (ccplan capacity --recompute-curve)")
    missing = [g.name for g in groups if g.name not in curve.fte]
    if missing:
        raise InputError([Problem("staffing curve", f"has no figures for group(s) {', '.join(missing)}: made for "
                                                    "another scenario")], "invalid staffing curve")
    curve = StaffingCurve(curve.scales, {g.name: curve.fte[g.name] for g in groups}, curve.workload_seconds,
                          curve.aht_seconds, curve.hours_per_fte, curve.key)
    shrink = np.array([plan.planned_shrinkage.of(m) for m in plan.mondays()])
    samples = samples or plan.monte_carlo.samples
    seed = plan.monte_carlo.seed if seed is None else seed
    paths = workload_ratio(forecast, curve, forecast.draw(samples, np.random.default_rng(seed)))
    draws = np.moveaxis(required_fte(curve, paths, shrink), 0, 1)   # samples, groups, weeks
    median = required_fte(curve, workload_ratio(forecast, curve), shrink)
    demand = _Demand(median, hedged_requirement(median, draws, groups, plan.plan_quantile), draws)
    lo, hi = np.percentile(draws, [10, 90], axis=0)
    base = CapacityProblem(plan.mondays(), groups, demand.median, plan.cross_training,
                           plan.shortage_penalty_per_fte_week)
    planner = _Planner(seed, budget)

    progress(0.72, "planning the hires")
    t0 = time.perf_counter()
    best = planner.solve(base, demand)
    seconds["plan"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = planner.judge("ccplan", base, demand, best.plan, best)
    rule = planner.judge("rule of thumb", base, demand, rule_of_thumb(base))
    seconds["monte_carlo"] = time.perf_counter() - t0
    progress(0.8, "what-ifs")
    t0 = time.perf_counter()
    variants = _whatifs(base, demand, best.plan, planner, scaled(progress, 0.8, 1.0)) if whatifs else []
    seconds["whatifs"] = time.perf_counter() - t0
    progress(1.0, "done")
    return CapacityResult(plan.name, base, demand.planned, plan.plan_quantile, forecast, curve, lo, hi, ours, rule,
                          variants, seconds, warnings + list(best.warnings))


def hedged_requirement(median: np.ndarray, draws: np.ndarray, groups: list[CapacityGroup],
                       quantile: float) -> np.ndarray:
    """What the plan covers each week: the `quantile` of (requirement - supply) under a normal approximation,
    median + z sqrt(demand variance + attrition variance). The demand's variance is the draws' (samples x groups x
    weeks); the attrition's is today's staff's binomial variance, n s (1 - s) with s their chance of staying to
    the week (a class adds little: it is small and new)."""
    from scipy.stats import norm

    weeks = median.shape[1]
    stay = np.array([(1 - g.attrition_weekly) ** np.arange(weeks) for g in groups])
    heads = np.array([g.headcount for g in groups])[:, None]
    spread = np.sqrt(draws.var(axis=0) + heads * stay * (1 - stay))
    return median + norm.ppf(quantile) * spread


@dataclass
class _Planner:
    """Solves and judges plans the same way for the plan, the rule and every what-if."""

    seed: int
    budget: Budget

    def solve(self, problem: CapacityProblem, demand: _Demand) -> CapacityOutcome:
        return plan_hiring(_with_required(problem, demand.planned), self.budget)

    def judge(self, label: str, problem: CapacityProblem, demand: _Demand, plan: HiringPlan,
              solved: CapacityOutcome | None = None) -> PlanFigures:
        """The plan's figures on the median demand and its Monte Carlo (the same futures for every plan)."""
        outcome = evaluate_capacity(_with_required(problem, demand.median), plan)
        if solved is not None:
            outcome.status, outcome.warnings = solved.status, list(solved.warnings)
        return PlanFigures(label, outcome, monte_carlo(problem, plan, demand.draws, seed=self.seed))


def _with_required(problem: CapacityProblem, required: np.ndarray) -> CapacityProblem:
    return CapacityProblem(problem.mondays, problem.groups, required, problem.moves, problem.shortage_penalty)


def _whatifs(base: CapacityProblem, demand: _Demand, plan: HiringPlan, planner: _Planner,
             progress: Progress) -> list[PlanFigures]:
    """The plan as made under each change, and the plan re-made for it."""
    more_leave = CapacityProblem(base.mondays, [
        CapacityGroup(**{**g.__dict__, "attrition_weekly": weekly_rate(min(monthly_rate(g.attrition_weekly)
                                                                           + ATTRITION_WHATIF_POINTS, 0.99))})
        for g in base.groups], base.required, base.moves, base.shortage_penalty)
    out = []
    changes = [(f"attrition +{ATTRITION_WHATIF_POINTS * 100:g} points", more_leave, demand),
               (f"demand +{(DEMAND_WHATIF_FACTOR - 1) * 100:g}%", base, demand.times(DEMAND_WHATIF_FACTOR))]
    for i, (label, problem, changed) in enumerate(changes):
        out.append(planner.judge(f"{label}: plan as made", problem, changed, plan))
        replanned = planner.solve(problem, changed)
        out.append(planner.judge(f"{label}: re-planned", problem, changed, replanned.plan, replanned))
        progress((i + 1) / 3, label)
    if plan.classes:
        first = plan.classes[0]
        out.append(planner.judge(f"class cancelled ({first.group}, {base.mondays[first.week]}, {first.size})",
                                 base, demand, plan.without_class(0)))
    progress(1.0, "what-ifs done")
    return out
