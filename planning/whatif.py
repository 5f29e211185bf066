"""What-if variants and sweeps: change a scenario by dotted-path overrides, rerun, compare with the base.

Each variant is either simulated with the base's staff fixed (how does service change?) or re-optimised
(`reoptimize=True`: how many paid hours and agents does it need?). A re-optimised variant is scheduled as
`ccplan schedule` schedules a week: at `risk` (default DEFAULT_RISK) against plausible weeks drawn from its
demand's error law, the law of the base's forecast (relative: a variant that scales demand keeps its spread);
every variant's KPIs are then simulated on its expected week. Every variant runs with the same seed, and the
simulator draws arrivals, handle times, patience and bot outcomes from per-channel streams that do not depend
on staffing, so variants see common random numbers: replication r of a variant meets the same customers as
replication r of the base wherever the change leaves them alone. The comparison therefore takes each KPI's
difference to the base replication by replication and reports its mean with a 95% t-interval (paired); runs
with different seeds or replication counts are compared unpaired (Welch).

Variants run in parallel on an executor (see planning.execution); each finished variant is stored in the
workspace at once, in its own transaction.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from scenarios import InputError, Problem, Roster, Scenario, scenario_to_dict
from scenarios.overrides import Override, apply_overrides, label as override_label, override_grid
from scenarios.progress import Progress, no_progress, scaled
from scenarios.flat import flatten
from sim import SimSummary, paired_difference_ci, simulate, welch_difference_ci

from optimizer import requirements

from .aht import with_aht_source
from .demand import DemandUncertainty, WeekDemand, finish_demand, week_demand
from .guard import ALREADY_GUARDED, guard_variant_count, guard_variants, whatif_work
from .schedule import DEFAULT_EFFORT, DEFAULT_RISK, DEFAULT_TIME_LIMIT, schedule
from .schedule_results import ScheduleKPIs
from .store import compute_inputs_hash, jsonable

CHANNEL_KPIS = ("service_level", "abandon_rate", "asa_seconds", "wait_mean_seconds", "wait_p90_seconds", "p_wait",
                "intervals_meeting_target", "offered", "answered", "abandoned")
BOT_KPIS = ("offered", "contained", "escalated")
GROUP_KPIS = ("occupancy", "paid_hours", "busy_hours")
# Changing these moves the week's grid, which a fixed roster or staffing plan cannot follow.
_CALENDAR_PATHS = ("start", "days", "interval_minutes", "timezone")


@dataclass
class Variant:
    """A scenario to run: the base with `overrides` applied."""

    label: str
    overrides: list[Override]
    scenario: Scenario
    is_base: bool = False


@dataclass
class VariantResult:
    """One variant's outcome: the simulator's summary and per-replication summaries, its interval and group
    tables, the requirements per interval and channel; re-optimised variants add the roster, its paid hours and
    `planned_at_risk` (the risk its roster was planned at; None: the forecast taken as exact)."""

    variant: Variant
    summary: SimSummary
    replication_summaries: list[SimSummary]
    intervals: pd.DataFrame
    groups: pd.DataFrame | None = None
    roster: Roster | None = None
    paid_hours: float | None = None
    requirements: pd.DataFrame | None = None
    schedule: ScheduleKPIs | None = None
    run_id: int | None = None
    planned_at_risk: float | None = None

    def results_json(self) -> dict:
        """What is stored as the run's results: the summary, per-replication summaries and re-optimisation KPIs."""
        out = {**self.summary.to_json(), "replication_summaries": [r.to_json() for r in self.replication_summaries],
               "variant": {"label": self.variant.label, "overrides": [str(o) for o in self.variant.overrides],
                           "is_base": self.variant.is_base}}
        if self.paid_hours is not None:
            out["paid_hours"] = self.paid_hours
        if self.schedule is not None:
            out["schedule"] = self.schedule.to_json()
            out["planned_at_risk"] = self.planned_at_risk
        if self.requirements is not None:
            out["requirements_agent_hours"] = requirement_hours(self.requirements, self.variant.scenario)
        return out


@dataclass
class WhatIfResult:
    """All variants (the base first), the comparison table, and the batch id when stored. `risk`: the risk the
    re-optimised variants (or the base roster scheduled for fixed staff) were asked to plan at (None: the
    forecast taken as exact); `basis()` says what the figures rest on."""

    results: list[VariantResult]
    comparison: pd.DataFrame
    reoptimize: bool
    seed: int
    replications: int
    batch_id: int | None = None
    notes: list[str] = field(default_factory=list)
    risk: float | None = None

    def basis(self) -> str:
        """One line on what the figures rest on: how the rosters were planned (the risk, per variant when they
        differ) and that the KPIs are simulated on each variant's expected week."""
        simulated = "KPIs simulated on each variant's expected week (the forecast taken as exact)"
        if not self.reoptimize:
            return f"Fixed staff: {simulated}"
        risks = {r.planned_at_risk for r in self.results}
        if risks == {None}:
            why = "" if self.risk is None else f" (risk {self.risk:.0%} asked for, but the demand has no error law)"
            return f"Re-optimised with the forecast taken as exact{why}; {simulated}"
        if len(risks) == 1:
            risk = risks.pop()
            return (f"Re-optimised at risk {risk:.0%}: each roster planned to hold the targets on {risk:.0%} of "
                    f"plausible weeks of its demand's error law, as `ccplan schedule --risk`; {simulated}")
        each = ", ".join(f"{r.variant.label}: "
                         + ("exact" if r.planned_at_risk is None else f"{r.planned_at_risk:.0%}") for r in self.results)
        return f"Re-optimised at risk {self.risk:.0%} where the demand has an error law ({each}); {simulated}"

    def to_json(self) -> dict:
        return jsonable({
            "batch_id": self.batch_id, "seed": self.seed, "replications": self.replications,
            "reoptimize": self.reoptimize, "risk": self.risk, "basis": self.basis(), "notes": self.notes,
            "variants": [{"label": r.variant.label, "overrides": [str(o) for o in r.variant.overrides],
                          "is_base": r.variant.is_base, "run_id": r.run_id, "paid_hours": r.paid_hours,
                          "planned_at_risk": r.planned_at_risk,
                          "requirements_agent_hours": (requirement_hours(r.requirements, r.variant.scenario)
                                                       if r.requirements is not None else None),
                          "summary": r.summary.to_json()} for r in self.results],
            "comparison": self.comparison.to_dict("records"),
        })


# --- building variants ---------------------------------------------------------------------------------------

def build_variants(base: Scenario, sets: Iterable[Override] = (), sweeps: Iterable[list[Override]] = (),
                   fixed_staff: bool = True, *, max_variants: float | None = None) -> list[Variant]:
    """The base first, then one variant per grid point (`sets` applied to every point).

    Every variant is validated here, so a bad override is reported (naming its path) before anything runs.
    A grid point equal to the base is the base itself (not run twice). A grid larger than `max_variants`
    (planning.guard.guard_variant_count) is refused before any variant is built, with the work it would be.
    """
    grid = override_grid(sets, sweeps)
    guard_variant_count(whatif_work(base, len(grid) + 1, reoptimize=not fixed_staff), max_variants=max_variants)
    problems: list[Problem] = []
    if fixed_staff:
        for ov in {o.path: o for point in grid for o in point}.values():
            if ov.path.split(".")[0].split("[")[0] in _CALENDAR_PATHS:
                problems.append(Problem(ov.path, "changes the week's grid, which fixed staff cannot follow; "
                                                 "use --reoptimize"))
    if problems:
        raise InputError(problems, "invalid override")
    base_data = scenario_to_dict(base)
    variants = [Variant("base", [], base, is_base=True)]
    for point in grid:
        scenario = apply_overrides(base, point)
        if scenario_to_dict(scenario) == base_data:
            variants[0] = Variant(override_label(point) if point else "base", point, base, is_base=True)
        else:
            variants.append(Variant(override_label(point), point, scenario))
    return variants


# --- running ------------------------------------------------------------------------------------------------

@dataclass
class _Task:
    """Everything a worker needs to run one variant (pickled to a process or a Dask worker)."""

    scenario: Scenario
    staffing: pd.DataFrame | Roster | None
    demand: pd.DataFrame
    replications: int
    seed: int
    reoptimize: bool
    method: str
    verify: bool = True
    schedule_workers: int = 1
    effort: float = DEFAULT_EFFORT
    time_limit: float | None = DEFAULT_TIME_LIMIT
    risk: float | None = DEFAULT_RISK
    uncertainty: DemandUncertainty | None = None


def _run_task(task: _Task, executor: Executor | None = None, progress: Progress | None = None) -> dict:
    """Run one variant: its requirements, then simulate it at fixed staff, or schedule and simulate the new roster."""
    # What the variant needs, whether or not staff is fixed: cheap (Erlang formulas) and exact.
    out: dict[str, Any] = {"requirements": requirements(task.scenario, task.demand, task.method)}
    staffing = task.staffing
    sim_progress = progress
    if task.reoptimize:
        plan = schedule(task.scenario, demand=task.demand, verify=task.verify, replications=task.replications,
                        seed=task.seed, workers=task.schedule_workers, effort=task.effort,
                        time_limit=task.time_limit, progress=scaled(progress, 0.0, 0.5), executor=executor,
                        risk=task.risk, uncertainty=task.uncertainty, **ALREADY_GUARDED)
        staffing = plan.roster
        out["roster"] = plan.roster
        out["planned_at_risk"] = plan.risk
        out["paid_hours"] = float(plan.kpis.paid_hours)
        out["warnings"] = list(plan.warnings)
        out["schedule"] = plan.kpis
        sim_progress = scaled(progress, 0.5, 1.0)
    result = simulate(task.scenario, staffing, demand=task.demand, replications=task.replications,
                          seed=task.seed, executor=executor, progress=sim_progress)
    out.update(summary=result.summary, replication_summaries=result.replication_summaries,
               intervals=result.intervals, groups=result.groups)
    return out


def run_whatif(variants: list[Variant], staffing: pd.DataFrame | Roster | None = None, *, reoptimize: bool = False,
               replications: int | None = None, seed: int | None = None, executor: Executor | None = None,
               workers: int = 1, workspace=None, method: str = "erlang-a", verify: bool = True,
               effort: float = DEFAULT_EFFORT, time_limit: float | None = DEFAULT_TIME_LIMIT,
               progress: Progress | None = None, max_contacts: float | None = None,
               max_agents: float | None = None, max_variants: float | None = None,
               aht_source: str = "history", risk: float | None = DEFAULT_RISK) -> WhatIfResult:
    """Run every variant (the base is `variants[0]`) and compare each with the base.

    Fixed staff (default): every variant is simulated with `staffing` (a Roster or a staffing plan of available
    agents); None means each variant's `constant_agents`, or, when the base has none, a roster scheduled for the
    base. `reoptimize=True` schedules a roster for every variant instead and reports its paid hours next to the
    simulated service of that roster. Either way each variant's requirements (agents needed per interval and
    channel, method "erlang-a" or "erlang-c") are reported too. `verify`: scheduled rosters (the base's, or every
    variant's) are verified by simulation and re-solved where they miss a target (slower, the roster to publish).
    `effort` and `time_limit`: every schedule's solver budget (planning.schedule).

    `executor` (with `workers` tasks at once) runs variants in parallel, or a single variant's replications.
    `workspace` (a planning.store.Workspace) stores each variant as a "whatif" run as soon as it finishes.
    `max_contacts`, `max_agents`, `max_variants`: the size guards' limits (planning.guard), checked for every
    variant before any runs. `aht_source`: each variant's handle time, "history" (the forecast's) or "scenario"
    (its `aht_seconds`; planning.aht). `risk`: every schedule (each re-optimised variant's, or the base roster
    for fixed staff) plans at this risk against plausible weeks of the forecast's error law, as planning.schedule;
    None takes the forecast as exact. Returns the results in variant order with the comparison table (see
    `compare`) and `basis()`, the line saying which.
    """
    guard_variants(variants, staffing, replications=replications, workers=workers, max_contacts=max_contacts,
                   max_agents=max_agents, reoptimize=reoptimize, max_variants=max_variants, effort=effort)
    progress = progress or no_progress
    base = variants[0].scenario
    replications = int(replications or base.simulation.replications)
    seed = int(base.simulation.seed if seed is None else seed)
    notes: list[str] = []
    demands = _Demands(aht_source)
    if not reoptimize:
        staffing, note = _fixed_staff(base, demands.of(base), staffing, seed, replications, verify, max(workers, 1),
                                      effort, time_limit, progress, executor, risk=risk)
        notes += [note] if note else []
        if any(o.path.startswith("skill_groups.") and ".constant_agents" not in o.path and staffing is not None
               for v in variants for o in v.overrides):
            notes.append("skill-group changes other than constant_agents do not change fixed staff; "
                         "use --reoptimize to see what they need")
    parallel_variants = executor is not None and len(variants) > 1 and (len(variants) >= workers or reoptimize)
    # Inside a parallel variant a schedule gets one CP-SAT thread and simulates in-process: the pool is busy.
    inner = 1 if parallel_variants else max(workers, 1)
    weeks = [demands.of(v.scenario) for v in variants]
    tasks = [_Task(v.scenario, staffing, week.table, replications, seed, reoptimize, method, verify, inner,
                   effort, time_limit, risk=risk, uncertainty=week.uncertainty) for v, week in zip(variants, weeks)]

    batch_id = None
    if workspace is not None:
        batch_id = workspace.add_batch("whatif", base.name, {
            "variants": [v.label for v in variants], "overrides": [[str(o) for o in v.overrides] for v in variants],
            "reoptimize": reoptimize, "seed": seed, "replications": replications, "method": method, "risk": risk})
    results: list[VariantResult | None] = [None] * len(variants)

    def finish(i: int, out: dict) -> None:
        v = variants[i]
        res = VariantResult(v, out["summary"], out["replication_summaries"], out["intervals"], out.get("groups"),
                            out.get("roster"), out.get("paid_hours"), out.get("requirements"),
                            schedule=out.get("schedule"), planned_at_risk=out.get("planned_at_risk"))
        if workspace is not None:
            res.run_id = _store(workspace, res, tasks[i], batch_id)
        # A re-optimised variant's schedule warnings (short intervals, a roster kept from the greedy start, ...)
        # belong beside its numbers, or a strange paid-hours figure would stand unexplained.
        notes.extend(f"{v.label}: {w}" for w in out.get("warnings", []))
        results[i] = res

    if parallel_variants:
        futures = {executor.submit(_run_task, task): i for i, task in enumerate(tasks)}
        done = 0
        try:
            for fut in as_completed(futures):
                finish(futures[fut], fut.result())
                done += 1
                progress(done / len(tasks), f"{done}/{len(tasks)} variants: {variants[futures[fut]].label}")
        finally:
            for fut in futures:
                fut.cancel()
    else:
        for i, task in enumerate(tasks):
            step = scaled(progress, i / len(tasks), (i + 1) / len(tasks))
            finish(i, _run_task(task, executor, step))
            progress((i + 1) / len(tasks), f"{i + 1}/{len(tasks)} variants: {variants[i].label}")

    done_results = [r for r in results if r is not None]
    table = compare([_kpis_of(r) for r in done_results])
    return WhatIfResult(done_results, table, reoptimize, seed, replications, batch_id, notes, risk)


def _fixed_staff(base: Scenario, week: WeekDemand, staffing, seed: int, replications: int, verify: bool,
                 workers: int, effort: float, time_limit: float | None, progress: Progress,
                 executor: Executor | None, *, risk: float | None):
    """The staff every fixed-staff variant gets, and a note saying where it came from."""
    if staffing is not None:
        return staffing, None
    if any(g.constant_agents for g in base.skill_groups.values()):
        return None, "staff: each variant's constant_agents"
    plan = schedule(base, demand=week.table, verify=verify, replications=replications, seed=seed, workers=workers,
                    effort=effort, time_limit=time_limit, progress=lambda f, m="": progress(0.0, f"base roster: {m}"),
                    executor=executor, risk=risk, uncertainty=week.uncertainty, **ALREADY_GUARDED)
    planned = "the forecast taken as exact" if plan.risk is None else f"planned at risk {plan.risk:.0%}"
    return plan.roster, (f"staff: a roster scheduled for the base ({plan.roster.paid_hours():,.0f} paid hours, "
                         f"{planned}{', verified by simulation' if verify else ''})")


class _Demands:
    """Each variant's demand and its error law, forecasting once per distinct demand source.

    Sweeps mostly change scales, containment or staff, none of which changes the forecast itself; the forecast
    is made unscaled for the first variant of a source and the variant's scales are applied to it. The error law
    is relative (a day factor on the expected demand), so a scaled variant keeps the source's law: its expected
    demand scales, its relative spread does not.
    """

    _IRRELEVANT = ("name", "shrinkage", "skill_groups", "shift_rules", "simulation")

    def __init__(self, aht_source: str = "history"):
        self._raw: dict[str, WeekDemand] = {}
        self._aht_source = aht_source

    def of(self, scenario: Scenario) -> WeekDemand:
        data = scenario_to_dict(scenario)
        for key in self._IRRELEVANT:
            data.pop(key, None)
        data["demand"] = {k: v for k, v in data["demand"].items() if k not in ("scale", "channel_scale")}
        for channel in data["channels"].values():
            for key in ("containment", "escalate_to", "escalated_aht_factor", "capacity_sessions", "target"):
                channel.pop(key, None)
        key = json.dumps(data, sort_keys=True, default=str) + str(scenario.base_dir)
        if key not in self._raw:
            unscaled = scenario.model_copy(update={"demand": scenario.demand.model_copy(
                update={"scale": 1.0, "channel_scale": {}})})
            self._raw[key] = week_demand(unscaled)
        source = self._raw[key]
        return WeekDemand(with_aht_source(scenario, finish_demand(scenario, source.table), self._aht_source),
                          source.uncertainty)


def _store(workspace, res: VariantResult, task: _Task, batch_id: int | None) -> int:
    staff = res.roster if res.roster is not None else task.staffing
    tables = {"intervals": res.intervals, "groups": res.groups}
    if isinstance(task.staffing, pd.DataFrame) and res.roster is None:
        tables["staffing"] = task.staffing
    if res.requirements is not None:
        tables["requirements"] = res.requirements
    roster = staff if isinstance(staff, Roster) else None
    digest = compute_inputs_hash(res.variant.scenario, task.seed, task.replications,
                                 task.staffing if not task.reoptimize else None,
                                 extra={"reoptimize": task.reoptimize, "method": task.method, "risk": task.risk})
    return workspace.add_run("whatif", res.variant.scenario, res.results_json(), seed=task.seed,
                             replications=task.replications, roster=roster, tables=tables,
                             label=res.variant.label, batch_id=batch_id, overrides=res.variant.overrides,
                             inputs_hash=digest)


# --- KPIs and comparison -------------------------------------------------------------------------------------

def requirement_hours(requirements: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """Agent-hours needed per channel over the week (available agents x interval length), from a requirements table."""
    hours = scenario.interval_minutes / 60
    return {str(c): float(a) * hours for c, a in requirements.groupby("channel", sort=False)["agents"].sum().items()}


def flat_kpis(results: dict) -> dict[str, float]:
    """KPIs of a run's results JSON as `channels.<name>.<kpi>`, `skill_groups.<name>.<kpi>`, `paid_hours`,
    `requirements.<channel>.agent_hours` -> number (NaN where the run has none, e.g. no offered contacts)."""
    flat = flatten(results)
    wanted = [(f"channels.{name}.{k}", f"channels.{name}.{k}") for name, ch in (results.get("channels") or {}).items()
              # A bot answers every session at once: its service figures say nothing, its containment does.
              for k in (BOT_KPIS if "contained" in ch else CHANNEL_KPIS)]
    wanted += [(f"skill_groups.{name}.{k}",) * 2 for name in results.get("skill_groups") or {} for k in GROUP_KPIS]
    if results.get("paid_hours") is not None:
        wanted.append(("paid_hours", "paid_hours"))
    wanted += [(f"requirements_agent_hours.{name}", f"requirements.{name}.agent_hours")
               for name in results.get("requirements_agent_hours") or {}]
    return {kpi: _num(flat[key]) for key, kpi in wanted if key in flat}


@dataclass
class RunKPIs:
    """A run as the comparison sees it: its label, seed, KPI values and per-replication KPI values."""

    label: str
    seed: int | None
    values: dict[str, float]
    per_replication: list[dict[str, float]]


def kpis_from_results(label: str, results: dict, seed: int | None = None) -> RunKPIs:
    """RunKPIs from stored results JSON (a simulator summary, optionally with `replication_summaries`)."""
    reps = [flat_kpis(r) for r in results.get("replication_summaries") or []]
    return RunKPIs(label, results.get("seed", seed), flat_kpis(results), reps)


def _kpis_of(res: VariantResult) -> RunKPIs:
    return kpis_from_results(res.variant.label, res.results_json())


# Deterministic KPIs: their difference is exact, not estimated.
_EXACT = ("paid_hours", "agent_hours")


def compare(runs: list[RunKPIs], level: float = 0.95) -> pd.DataFrame:
    """Each KPI of each run next to the base (`runs[0]`) with the difference and its `level` confidence interval.

    Columns: variant, kpi, value, base, diff, diff_lo, diff_hi, method. The interval comes from the
    per-replication values: "paired" (same seed and replication count: common random numbers, t-interval of the
    replication-wise differences), "welch" (independent runs), "exact" (deterministic KPIs such as paid hours
    and requirements), or "none" (no per-replication values stored).
    """
    if not runs:
        return pd.DataFrame(columns=["variant", "kpi", "value", "base", "diff", "diff_lo", "diff_hi", "method"])
    base = runs[0]
    rows = []
    kpis = list(dict.fromkeys(k for r in runs for k in r.values))
    for run in runs:
        paired = (run.seed == base.seed and len(run.per_replication) == len(base.per_replication) > 0)
        for kpi in kpis:
            value, ref = run.values.get(kpi, math.nan), base.values.get(kpi, math.nan)
            diff, lo, hi, method = value - ref, math.nan, math.nan, "none"
            if kpi.split(".")[-1] in _EXACT:
                lo = hi = diff
                method = "exact"
            elif run is base:
                diff, lo, hi, method = 0.0, 0.0, 0.0, "paired"
            elif paired:
                diff, lo, hi = paired_difference_ci([r.get(kpi, math.nan) for r in run.per_replication],
                                                    [r.get(kpi, math.nan) for r in base.per_replication], level)
                method = "paired"
            elif run.per_replication and base.per_replication:
                diff, lo, hi = welch_difference_ci([r.get(kpi, math.nan) for r in run.per_replication],
                                                   [r.get(kpi, math.nan) for r in base.per_replication], level)
                method = "welch"
            rows.append({"variant": run.label, "kpi": kpi, "value": value, "base": ref, "diff": diff,
                         "diff_lo": lo, "diff_hi": hi, "method": method})
    return pd.DataFrame(rows)


def _num(value: Any) -> float:
    try:
        return float(value) if value is not None else math.nan
    except (TypeError, ValueError):
        return math.nan
