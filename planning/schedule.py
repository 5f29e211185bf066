"""The week's roster from a scenario and its demand: requirements -> shift selection -> simulation -> re-sizing
(repeated) -> roster -> KPIs. `schedule()` is the entry point; `ScheduleLoop` is the loop it runs.

- "ccplan": Erlang A requirements (patience, max abandonment, chat concurrency, deferred work over its window),
  pooled over skill groups; shifts with lunch and breaks in one CP-SAT model (optimizer.select_shifts); each
  round simulates the plan and re-sizes the requirement where it misses a target (optimizer.resize); the kept
  plan is rostered to named agents (optimizer.build_roster) and simulated again with fresh customers.
- "erlang-c-two-step": optimizer.baseline (Erlang C per interval and channel, shift covering, breaks afterwards),
  simulated once when `verify` is on, never adjusted.

With a `risk` setting and an error law of the demand (planning.demand.DemandUncertainty), ccplan plans against
plausible weeks: the requirement is sized on each channel's demand at the risk quantile of its day factor, the
loop re-sizes as usual, and plans are certified on plausible weeks drawn from the law (planning.plausible)
instead of the forecast taken as exact: a plan is accepted when it meets the targets in TARGET_SHARE of open
intervals on `risk` of those weeks. risk None: the forecast taken as exact.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer import (Budget, RosterOutcome, ShiftPlan, baseline_requirement, build_roster, check_rules,
                       coverage_tables, generate_agents, group_limits, paid_hours_lower_bound, plan_roster,
                       requirements, requirements_warnings, select_shifts, two_step_shifts)
from optimizer import ActivityPlacement, activity_reserve, check_activities, place_activities
from optimizer import NO_LOCKS, Locked, carry_over
from optimizer import resize_requirement
from scenarios import (Agent, InputError, Problem, Roster, Scenario, Shift, TimeOff, apply_time_off,
                       check_locked)
from scenarios.progress import Progress, no_progress, scaled
from sim import SimResult, SimSummary, judge_simulation, max_abandon_of, meeting_shares, target_of

from .demand import BACKTEST_SOURCE, DemandUncertainty, setting_uncertainty, week_demand
from .execution import executor_or_local
from .guard import guard_crew, guard_shift_model, guard_size
from .plausible import PlausibleWeeks, draw_weeks, hedged_demand, plausible_figures, simulate_weeks
from .precision import sampling, simulate_to_precision
from .schedule_results import (CertifiedFigures, PlausibleFigures, RiskPoint, RoundSummary, SampleFigures,
                               ScheduleKPIs, ScheduleResult, TargetFigures, worst_share)
from .shortfall_reasons import short_intervals_explained, shortfall_warnings

TARGET_SHARE = 0.95   # a plan "meets targets" when every channel meets them in this share of its open intervals
# The loop accepts a plan only when its certification shows this share: an interval near its limit can fall
# either side in another sample of customers (with 100 replications, per-interval abandonment moves by about 0.3
# points between samples), so a plan accepted at exactly 95 % would often show less on the customers it meets next.
ACCEPT_SHARE = 0.965
PATIENCE = 2          # once a round is certified, stop after this many rounds without a cheaper certified one
CERTIFY_SEED = 1000   # certification simulates with seed + CERTIFY_SEED: customers the loop never saw
# Replications follow from a precision of an interval's figures (planning.precision: an open interval of median
# volume judged on CERTIFY_CONTACTS_JUDGED / LOOP_CONTACTS_JUDGED contacts); these counts, chosen on the example
# week, are what a week of its volume gets and the most the rule gives (explicit counts are used as given).
CERTIFY_REPLICATIONS = 100
# The loop's own sample: 40 replications halve the spread of an interval's figures against 20's (about 0.5
# instead of 0.7 abandonment points with 40-100 calls), so the margin below costs fewer agents (measured on the
# example: 3,442 paid hours certified at 96.9 % vs 3,504.5 at 97.4 % with 20).
LOOP_REPLICATIONS = 40
# Re-sizing judges an interval by its figure z standard errors on the wrong side (sim.targets.judge's margin);
# z starts at MARGINS[0] and moves to the next value each time a plan meeting the targets in its own sample
# fails certification: the loop then raises the intervals that only passed by the luck of its sample.
MARGINS = (1.0, 1.5, 2.0, 2.5, 3.0)

# Planning against plausible weeks: the default risk (targets in TARGET_SHARE of open intervals on this share of
# plausible weeks), the weeks drawn, and the risks of the paid-hours curve.
DEFAULT_RISK = 0.9
PLAUSIBLE_WEEKS = 20
RISK_CURVE = (0.5, 0.75, 0.9, 0.95)

METHODS = ("ccplan", "erlang-c-two-step")
DEFAULT_EFFORT = 15.0        # CP-SAT deterministic time per solver stage (about 15 s of one core)
DEFAULT_TIME_LIMIT = 300.0   # seconds: the wall-clock safety limit of a solver stage


@dataclass
class ScheduleSettings:
    """How to schedule: `method` (METHODS), `verify` by simulation, at most `rounds` solves of the ccplan loop,
    `replications` and `seed` of the loop's simulations, `certify_replications` of the certification (at seed +
    CERTIFY_SEED; either None: by precision, planning.precision, at most LOOP_REPLICATIONS and
    CERTIFY_REPLICATIONS), `effort` of each solver stage (shift selection, the roster) in CP-SAT deterministic time,
    `time_limit` the wall-clock safety limit of a stage in seconds (None: none), `workers` (solver threads and
    simulation processes), `risk` (None: the forecast taken as exact; else plan against plausible weeks, ccplan
    only, when the demand has an error law)."""

    method: str = "ccplan"
    verify: bool = True
    rounds: int = 10
    replications: int | None = None
    seed: int = 1
    effort: float = DEFAULT_EFFORT
    time_limit: float | None = DEFAULT_TIME_LIMIT
    workers: int = 2
    certify_replications: int | None = None
    risk: float | None = None

    @property
    def budget(self) -> Budget:
        return Budget(self.effort, self.time_limit, self.workers)

    @property
    def loops(self) -> bool:
        """Whether the plan is re-sized from its simulation (ccplan with verification)."""
        return self.verify and self.method == "ccplan"

    @property
    def certify_seed(self) -> int:
        return certification_seed(self.seed)


def certification_seed(seed: int) -> int:
    """The seed certification simulates with: customers the loop's own simulations (at `seed`) never saw."""
    return seed + CERTIFY_SEED


@dataclass
class Certificate:
    """A plan simulated with the certification sample: per-channel figures, and the open intervals that miss a
    target with their simulated figures. On plausible weeks (`plausible`): the figures over all their replications,
    the channels' `intervals_meeting_target` the claimed share, and the worst share the one held at the risk."""

    seed: int
    replications: int
    channels: dict[str, TargetFigures]
    short_intervals: list[dict]
    result: SimResult
    plausible: PlausibleFigures | None = None
    judged_at_risk: pd.DataFrame | None = None     # on plausible weeks: each interval as in its week at the risk

    @property
    def worst_share(self) -> float:
        return self.plausible.worst_at_risk if self.plausible is not None else worst_share(self.channels)

    @property
    def meets_targets(self) -> bool:
        return self.worst_share >= TARGET_SHARE

    @property
    def accepted(self) -> bool:
        """Good enough for the loop to keep: the targets met with the cushion of ACCEPT_SHARE (on plausible weeks,
        the targets met at the risk: the spread of the weeks is the cushion)."""
        return self.meets_targets if self.plausible is not None else self.worst_share >= ACCEPT_SHARE

    def figures(self) -> CertifiedFigures:
        return CertifiedFigures(self.seed, self.replications, self.meets_targets, TARGET_SHARE, self.channels,
                                self.plausible)


@dataclass
class Round:
    """One solve of the loop: the requirement it was given, the plan, what its simulation showed (in the loop's
    sample), and its certificate when it was certified."""

    number: int
    requirement: pd.DataFrame
    plan: ShiftPlan
    solve_seconds: float
    summary: RoundSummary
    outcome: RosterOutcome | None = None   # the roster when a round is rostered at once (the baseline)
    sim: SimResult | None = None
    judged: pd.DataFrame | None = None   # judged with the round's margin: what re-sizing reads
    certificate: Certificate | None = None

    @property
    def in_sample_worst_share(self) -> float:
        return self.summary.in_sample_worst_share

    def score(self) -> tuple:
        """Order rounds: accepted ones (certified with the cushion, ACCEPT_SHARE) first, cheapest first; then by
        the worst channel's certified share; then uncertified ones by their in-sample worst share."""
        if self.certificate is not None and self.certificate.accepted:
            return (0, self.summary.paid_hours)
        if self.certificate is not None:
            return (1, -self.certificate.worst_share)
        return (2, -self.in_sample_worst_share)


class ScheduleLoop:
    """The schedule pipeline for one scenario, demand and set of agents, one named step per stage."""

    def __init__(self, scenario: Scenario, demand: pd.DataFrame, agents: list[Agent], settings: ScheduleSettings,
                 progress: Progress | None = None, locked: Locked | None = None, executor: Executor | None = None,
                 *, uncertainty: DemandUncertainty | None = None):
        self.scenario = scenario
        self.executor = executor              # where the simulations run (None: in this process)
        self.locked = locked or NO_LOCKS      # shifts kept as they are (optimizer.locked)
        self.expected = demand                # the forecast as it is
        self.law = uncertainty                # the demand's error law (None: unknown)
        self.hedged = uncertainty is not None and settings.risk is not None and settings.method == "ccplan"
        # what the requirement is sized on and the loop simulates: the forecast, hedged at the risk
        self.demand = hedged_demand(demand, uncertainty, settings.risk) if self.hedged else demand
        # how many replications the loop and certification run (planning.precision); settings then say how many
        # each starts with
        self.sampling = sampling(scenario, self.demand, loop=settings.replications,
                                 certify=settings.certify_replications, loop_cap=LOOP_REPLICATIONS,
                                 certify_cap=CERTIFY_REPLICATIONS)
        settings = dataclasses.replace(settings, replications=self.sampling.loop.start,
                                       certify_replications=self.sampling.certify.start)
        self.plausible: PlausibleWeeks | None = None
        if self.hedged and settings.verify:
            self.plausible = draw_weeks(scenario, demand, uncertainty, weeks=PLAUSIBLE_WEEKS,
                                        seed=settings.certify_seed)
        self.agents = agents
        self.settings = settings
        self.progress = progress or no_progress
        self.limits = self.locked.limits(scenario, group_limits(scenario, agents))
        self.rounds: list[Round] = []
        self.misses: dict = {}            # earlier misses per (channel, interval): optimizer.resize's memory
        self.margin_level = 0             # index into MARGINS
        self.solve_seconds = 0.0
        self.warnings: list[str] = []
        self.placement: ActivityPlacement | None = None    # the last roster's activities (optimizer.activities)

    # --- the stages ------------------------------------------------------------------------------------------

    def requirement(self) -> pd.DataFrame:
        """Agents needed per interval and channel: Erlang A for ccplan, Erlang C per channel for the baseline."""
        self.progress(0.02, "requirements")
        if self.settings.method == "ccplan":
            table = requirements(self.scenario, self.demand, method="erlang-a")
        else:
            table = baseline_requirement(self.scenario, self.demand)
        self.warnings += list(requirements_warnings(table))
        return table

    def select_shifts(self, requirement: pd.DataFrame, progress: Progress) -> ShiftPlan:
        s = self.settings
        requirement = self.locked.residual(self.scenario, requirement)
        requirement = activity_reserve(self.scenario, self.agents, requirement)   # room for the activities
        if s.method == "ccplan":
            previous = self.rounds[-1].plan if self.rounds else None
            return select_shifts(self.scenario, requirement, self.limits, budget=s.budget, progress=progress,
                                 previous=previous)
        return two_step_shifts(self.scenario, requirement, self.limits, budget=s.budget, progress=progress)

    def roster(self, plan: ShiftPlan):
        t0 = time.perf_counter()
        outcome = self.locked.finish(self.scenario, build_roster(self.scenario, plan.shifts, self.agents,
                                                                budget=self.settings.budget))
        self.solve_seconds += time.perf_counter() - t0
        return outcome

    def with_activities(self, outcome: RosterOutcome, requirement: pd.DataFrame) -> RosterOutcome:
        """The roster with the scenario's activities placed in its shifts (locked shifts kept as they are)."""
        if not self.scenario.activities:
            return outcome
        self.placement = place_activities(self.scenario, outcome.roster, requirement,
                                          self.locked.contracts or self.agents, budget=self.settings.budget,
                                          kept=self.locked.shifts)
        return dataclasses.replace(outcome, roster=self.placement.roster)

    def simulate(self, staff: Roster, seed: int, replications: int, progress: Progress | None = None, *,
                 certifying: bool = False) -> SimResult:
        """`staff` on fresh customers: `replications`, and more up to the sample's most while an interval's figures
        are less precise than its target (planning.precision; none when the count was given)."""
        own = self.sampling.certify if certifying else self.sampling.loop
        precision = dataclasses.replace(own, start=replications, most=max(replications, own.most))
        return simulate_to_precision(self.scenario, staff, self.demand, precision=precision, seed=seed,
                                     executor=self.executor, progress=progress)

    def certify(self, staff: Roster, progress: Progress) -> Certificate:
        """Simulate `staff` with the certification sample and judge every open interval (no margin): on the
        plausible weeks when planning against them, else on the forecast taken as exact."""
        s = self.settings
        if self.plausible is not None:
            return self.certify_plausible(staff, progress)
        message = (f"certifying with {s.certify_replications} replications of fresh customers "
                   f"(seed {s.certify_seed})")
        result = self.simulate(staff, s.certify_seed, s.certify_replications,
                               lambda fraction, _="": progress(fraction, message), certifying=True)
        judged = judge_simulation(self.scenario, result)
        return Certificate(s.certify_seed, result.replications,
                           channel_figures(self.scenario, result.summary, judged), short_intervals(judged), result)

    def certify_plausible(self, staff: Roster, progress: Progress) -> Certificate:
        """Simulate `staff` on every plausible week (the certification's replications shared out among them, at
        least 2 each) and judge each week on its own. The weeks' figures are fitted across them
        (planning.plausible.smoothed_judgements), so an interval's precision is that of all weeks' replications
        together: the count by precision (planning.precision.replications_for) is shared out without topping up."""
        s = self.settings
        weeks = len(self.plausible)
        per_week = max(2, -(-s.certify_replications // weeks))
        message = f"certifying on {weeks} plausible weeks x {per_week} replications (seed {s.certify_seed})"
        run = simulate_weeks(self.scenario, staff, self.plausible, replications=per_week, seed=s.certify_seed,
                             executor=self.executor, progress=lambda fraction, _="": progress(fraction, message))
        figures = plausible_figures(run.shares, risk=s.risk, target_share=TARGET_SHARE, seed=s.certify_seed,
                                    replications=per_week)
        judged = judge_simulation(self.scenario, run.pooled)
        channels = channel_figures(self.scenario, run.pooled.summary, judged)
        # the claimed shares, and the service level alone the same way (the mean over the weeks)
        sl_only = [meeting_shares(self.scenario, j, service_level_only=True) for j in run.judged]
        for name, share in figures.claimed.items():
            channels[name].intervals_meeting_target = share
            channels[name].intervals_meeting_service_level = _round(np.mean([w[name] for w in sl_only
                                                                             if w[name] is not None]), 4)
        return Certificate(s.certify_seed, per_week * weeks, channels, short_intervals(judged), run.pooled, figures,
                           run.judged_at_risk(s.risk))

    def risk_curve(self, risks: Sequence[float]) -> list[RiskPoint]:
        """Paid hours of the Erlang A requirement hedged at each risk: one shift selection each, no simulation
        (empty without an error law or for the baseline)."""
        if self.settings.method != "ccplan" or self.law is None:
            return []
        points = []
        for risk in risks:
            self.progress(1.0, f"paid hours at risk {risk:.0%}")
            requirement = requirements(self.scenario, hedged_demand(self.expected, self.law, risk),
                                       method="erlang-a")
            plan = select_shifts(self.scenario, self.locked.residual(self.scenario, requirement), self.limits,
                                 budget=self.settings.budget)
            points.append(RiskPoint(risk, round(plan.paid_hours, 2)))
        return points

    # --- the loop --------------------------------------------------------------------------------------------

    @property
    def margin(self) -> float:
        return MARGINS[min(self.margin_level, len(MARGINS) - 1)]

    def solve_round(self, number: int, requirement: pd.DataFrame) -> Round:
        """Select shifts for `requirement`; simulate the plan when verifying (the baseline is rostered at once)."""
        s = self.settings
        t0 = time.perf_counter()
        plan = self.select_shifts(requirement, self.stage(number, 0.0, 0.6))
        outcome = None
        if not s.loops:
            self.stage(number, 0.6, 0.7)(0.0, f"rostering {len(plan.shifts)} shifts")
            outcome = self.locked.finish(self.scenario, build_roster(self.scenario, plan.shifts, self.agents,
                                                                    budget=s.budget))
            outcome = self.with_activities(outcome, requirement)
        seconds = time.perf_counter() - t0
        self.solve_seconds += seconds
        summary = RoundSummary(number, round(plan.paid_hours, 2), len(plan.shifts), round(seconds, 2), plan.status,
                               unassigned_shifts=len(outcome.unassigned) if outcome is not None else None)
        rnd = Round(number, requirement, plan, seconds, summary, outcome)
        self.note(plan.warnings)
        if s.verify:
            # The plan's shifts are simulated as they stand (one stand-in agent per shift: the same agents on duty
            # per interval as any roster of them); the kept plan is rostered afterwards.
            self.stage(number, 0.7, 0.8)(0.0, f"simulating {s.replications} replications")
            staff = outcome.roster if outcome is not None else self.locked.plus(plan_roster(self.scenario, plan))
            rnd.sim = self.simulate(staff, s.seed, s.replications)
            plain = judge_simulation(self.scenario, rnd.sim)
            summary.channels = channel_figures(self.scenario, rnd.sim.summary, plain)
            summary.intervals_missed = int((~plain["meets"]).sum())
            summary.margin = self.margin
            rnd.judged = judge_simulation(self.scenario, rnd.sim, self.margin)
        return rnd

    def stage(self, number: int, lo: float, hi: float) -> Progress:
        """Progress of part lo..hi of round `number`, on the 0.05-0.85 stretch the rounds share."""
        loops = self.settings.rounds if self.settings.loops else 1
        start, width = (number - 1) / loops, 1 / loops
        inner = scaled(self.progress, 0.05 + 0.8 * (start + width * lo), 0.05 + 0.8 * (start + width * hi))
        return lambda fraction, message="": inner(fraction, f"round {number}: {message}")

    def note(self, warnings: list[str]) -> None:
        """Keep each warning once (a budget running out in every round is said once)."""
        self.warnings += [w for w in warnings if w not in self.warnings]

    def best(self) -> Round:
        return min(self.rounds, key=Round.score)

    def run(self) -> ScheduleResult:
        s = self.settings
        requirement = self.requirement()
        analytic = requirement.copy()
        for number in range(1, (s.rounds if s.loops else 1) + 1):
            rnd = self.solve_round(number, requirement)
            self.rounds.append(rnd)
            if not s.loops:
                break
            if rnd.in_sample_worst_share >= TARGET_SHARE:
                rnd.certificate = self.certify(self.locked.plus(plan_roster(self.scenario, rnd.plan)), self.stage(number, 0.8, 1.0))
                rnd.summary.certified = rnd.certificate.figures()
                rnd.summary.certified_short_intervals = len(rnd.certificate.short_intervals)
                if not rnd.certificate.accepted:
                    self.margin_level += 1
                    if rnd.certificate.judged_at_risk is not None:
                        # the plan holds in the hedged sample but not on plausible weeks: re-size from the weeks
                        rnd.judged = rnd.certificate.judged_at_risk
            best = self.best()
            certified = best.certificate is not None and best.certificate.accepted
            if number == s.rounds or (certified and number - best.number >= PATIENCE):
                break
            # Trim over-served intervals only once a plan is certified: lowering while others are still being
            # raised moves shifts around and undoes the raises.
            lower = rnd.certificate is not None and rnd.certificate.accepted
            requirement, moved = resize_requirement(self.scenario, requirement, rnd.judged, analytic,
                                                    lower=lower, misses=self.misses)
            rnd.summary.raised, rnd.summary.lowered = moved["raised"], moved["lowered"]
            if not moved["raised"] and not moved["lowered"] and not (rnd.certificate and not lower):
                break
        return self.finish(self.best())

    def finish(self, kept: Round) -> ScheduleResult:
        """Roster the kept round's plan (ccplan loop), certify the roster, and gather the KPIs."""
        s = self.settings
        in_sample, outcome, certificate = kept.sim, kept.outcome, kept.certificate
        if s.loops:
            self.progress(0.86, f"rostering the kept plan ({len(kept.plan.shifts)} shifts)")
            outcome = self.with_activities(self.roster(kept.plan), kept.requirement)
            if shift_keys(outcome.roster) != shift_keys(self.locked.plus(plan_roster(self.scenario, kept.plan))):
                # Some shifts found no agent, or went to another group: the kept round's figures are not the
                # roster's.
                self.progress(0.9, f"simulating the roster ({s.replications} replications)")
                in_sample = self.simulate(outcome.roster, s.seed, s.replications)
                certificate = None
        if s.verify and certificate is None:
            certificate = self.certify(outcome.roster, scaled(self.progress, 0.9, 0.96))
        for r in self.rounds:
            r.summary.kept = r.number == kept.number
        self.note(outcome.warnings + (self.placement.warnings if self.placement else []))
        warnings = list(self.warnings)
        if outcome.unassigned:
            warnings.append(f"{len(outcome.unassigned)} planned shift(s) could not be given to any agent")
        if certificate is not None:
            warnings += unmet_target_warnings(self.scenario, certificate)
            if not certificate.meets_targets:
                warnings += self.shortfall_reasons(certificate, kept.requirement, outcome.roster)
        warnings += self.law_warnings()
        self.progress(0.97, "coverage and KPIs")
        coverage, groups, shortfalls = coverage_tables(self.scenario, outcome.roster, kept.requirement)
        kpis = roster_kpis(self.scenario, outcome.roster, kept.requirement, certificate=certificate,
                           in_sample=in_sample, solve_seconds=self.solve_seconds, shortfalls=shortfalls)
        kpis.unassigned_shifts = len(outcome.unassigned)
        if s.method == "ccplan":
            kpis.paid_hours_lower_bound = _round(paid_hours_lower_bound(self.scenario, kept.requirement,
                                                                        self.limits))
            kpis.bounded = True
        self.progress(1.0, "done")
        return ScheduleResult(s.method, outcome.roster, kept.requirement, coverage, groups, shortfalls, kpis,
                              [r.summary for r in self.rounds], certificate.result if certificate else None,
                              warnings, risk=s.risk if self.hedged else None, activities=self.placement)

    def shortfall_reasons(self, certificate: Certificate, requirement: pd.DataFrame, roster: Roster) -> list[str]:
        """Why the certified roster's short intervals fall short (planning.shortfall_reasons): on plausible weeks
        each interval as in its week at the risk, else on the certification sample."""
        if certificate.judged_at_risk is not None:
            judged, where = certificate.judged_at_risk, f"on {self.settings.risk:.0%} of plausible weeks"
        else:
            judged, where = judge_simulation(self.scenario, certificate.result), "in the certification"
        short = short_intervals_explained(self.scenario, judged, requirement, roster,
                                          self.locked.contracts or self.agents)
        return shortfall_warnings(self.scenario, short, where)

    def law_warnings(self) -> list[str]:
        """When a risk was asked for: what makes the demand's error law unreliable, or that the history forecast
        has none (the forecast is then taken as exact)."""
        if self.settings.risk is None or self.settings.method != "ccplan":
            return []
        if self.law is None:
            if self.scenario.demand.history is None:
                return []
            why = (f"the forecast of {self.scenario.demand.model!r} carries no error law (use model auto or set "
                   f"demand.day_sd)" if self.scenario.demand.model != "auto" else
                   "the demand was given without its error law (planning.week_demand's uncertainty) or the history "
                   "was too short to backtest it (or set demand.day_sd)")
            return [f"{why}: the plan takes the forecast as exact, not at risk {self.settings.risk:.0%}"]
        if self.law.source == BACKTEST_SOURCE and self.law.warnings:
            return [f"planned at risk {self.settings.risk:.0%} with an unreliable error law of the forecast: "
                    + "; ".join(self.law.warnings)]
        return []


def schedule(scenario: Scenario, demand: pd.DataFrame | None = None, agents: list[Agent] | None = None,
             method: str = "ccplan", verify: bool = True, *, rounds: int = 10, replications: int | None = None,
             seed: int | None = None, progress: Progress | None = None, effort: float = DEFAULT_EFFORT,
             time_limit: float | None = DEFAULT_TIME_LIMIT, workers: int = 2,
             certify_replications: int | None = None, locked: Roster | list[Shift] | None = None,
             time_off: list[TimeOff] | None = None, executor: Executor | None = None,
             max_contacts: float | None = None, max_agents: float | None = None,
             max_shift_variables: float | None = None,
             risk: float | None = DEFAULT_RISK, risk_curve: Sequence[float] = (),
             uncertainty: DemandUncertainty | None = None, previous: Roster | None = None) -> ScheduleResult:
    """Schedule and roster the scenario's week.

    demand: expected contacts (default: planning.demand.scenario_demand). agents: the agents to roster
    (scenarios.read_agents; None: generated from the headcounts). verify: simulate the roster (`replications`,
    `seed`); for "ccplan" re-solve with re-sized requirements up to `rounds` times; candidate plans and the roster are certified with
    `certify_replications` replications of fresh customers (seed + CERTIFY_SEED); replications left None follow
    from the demand by the precision rule (planning.precision; the example week: 40 and 100). effort: CP-SAT deterministic
    time per solver stage (shift selection, and again the roster): the same inputs and seed give the same roster
    on any machine. time_limit: the wall-clock safety limit of a stage in seconds (a warning says when it acted).
    workers: solver threads, and simulation processes unless `executor` (planning.execution.open_executor) runs
    the simulations. Running out of budget never raises: the best plan so far
    comes back with a warning. locked: shifts (a Roster, e.g. scenarios.read_locked, or a list) kept exactly as
    they are, the rest scheduled around them (optimizer.locked); InputError when one is not for one of the agents
    in its skill group. time_off: entries (scenarios.read_time_off) added to the agents' unavailable times.
    max_contacts, max_agents, max_shift_variables: the size guards' limits (planning.guard), checked before any work.
    risk: plan against plausible weeks of demand (ccplan): the roster must meet the targets in TARGET_SHARE of
    open intervals on this share of the weeks drawn from the demand's error law; None takes the forecast as exact.
    uncertainty: that law (default: the scenario's, planning.demand.week_demand, when `demand` is None, else
    `demand.day_sd` when set). risk_curve: risks at which to report the hedged requirement's paid hours
    (`result.risk_curve`; e.g. RISK_CURVE). previous: the roster before the horizon (planning.previous): rest,
    days in a row and the rule catalogue's look-back hold across the horizon's start (optimizer.carry_over).
    """
    guard_size(scenario, replications=LOOP_REPLICATIONS if replications is None else replications,
               max_contacts=max_contacts, max_agents=max_agents)
    progress = progress or no_progress
    if method not in METHODS:
        raise InputError([Problem("method", f"unknown method '{method}' (choose {', '.join(METHODS)})")],
                         "invalid schedule method")
    check_rules(scenario)
    problems = []
    if rounds < 1:
        problems.append(Problem("rounds", f"must be at least 1 (got {rounds})"))
    if not effort >= 0 or effort == float("inf"):
        problems.append(Problem("effort", f"must be a finite number >= 0 (got {effort})"))
    if time_limit is not None and not time_limit > 0:
        problems.append(Problem("time_limit", f"must be > 0 seconds (got {time_limit})"))
    if replications is not None and replications < 1:
        problems.append(Problem("replications", f"must be at least 1 (got {replications})"))
    if certify_replications is not None and certify_replications < 2:
        problems.append(Problem("certify_replications", f"must be at least 2 (got {certify_replications})"))
    for name, value in [("risk", risk)] * (risk is not None) + [("risk_curve", r) for r in risk_curve]:
        if not 0 < value < 1:
            problems.append(Problem(name, f"must be a share between 0 and 1, exclusive (got {value})"))
    if problems:
        raise InputError(problems, "invalid schedule settings")
    agents = agents if agents is not None else generate_agents(scenario)
    guard_crew(scenario, agents)
    check_activities(scenario, agents, scenario.activities or [])   # before any solve: who takes part, can it fit
    guard_shift_model(scenario, agents, place_breaks=method == "ccplan", max_variables=max_shift_variables)
    if time_off is not None:
        agents = apply_time_off(agents, time_off, scenario)
    fixed = NO_LOCKS
    if locked is not None:
        shifts = list(locked.shifts if isinstance(locked, Roster) else locked)
        check_locked(shifts, agents)
        fixed = Locked(shifts, list(agents))
    settings = ScheduleSettings(method, verify, rounds, replications,
                                scenario.simulation.seed if seed is None else seed, effort, time_limit, workers,
                                certify_replications, risk)
    if demand is None:
        progress(0.0, "forecasting demand")
        week = week_demand(scenario)
        demand, uncertainty = week.table, uncertainty or week.uncertainty
    elif uncertainty is None:
        uncertainty = setting_uncertainty(scenario)
    with executor_or_local(executor, workers) as run_on:
        loop = ScheduleLoop(scenario, demand, carry_over(scenario, fixed.free_agents(scenario, agents), previous),
                            settings, progress, fixed, run_on, uncertainty=uncertainty)
        result = loop.run()
        result.risk_curve = loop.risk_curve(risk_curve)
        return result


def shift_keys(roster: Roster) -> list[tuple]:
    """The roster's shifts without their agents (group, times, lunch, breaks, activities), sorted: two rosters with
    the same keys simulate identically with one seed (sim sees stretches of work, not names)."""
    return sorted((s.skill_group, s.start_s, s.end_s, s.lunch, tuple(s.breaks),
                   tuple((a.start_s, a.end_s) for a in s.activities)) for s in roster.shifts)


def channel_figures(scenario: Scenario, summary: SimSummary, judged: pd.DataFrame) -> dict[str, TargetFigures]:
    """Per human channel: the week's simulated service level and abandonment, the share of open intervals meeting
    all the channel's targets (`intervals_meeting_target`: service level and max abandonment, each judged in the
    interval) and the share meeting the service level alone (`intervals_meeting_service_level`)."""
    both = meeting_shares(scenario, judged)
    sl_only = meeting_shares(scenario, judged, service_level_only=True)
    out = {}
    for name in scenario.human_channels():
        ch = summary.channels.get(name)
        out[name] = TargetFigures(service_level=_round(ch.service_level if ch else None, 4),
                                  abandon_rate=_round(ch.abandon_rate if ch else None, 4),
                                  intervals_meeting_target=_round(both.get(name), 4),
                                  intervals_meeting_service_level=_round(sl_only.get(name), 4),
                                  target=target_of(scenario, name), max_abandon_rate=max_abandon_of(scenario, name))
    return out


def _round(value, digits: int = 2):
    if value is None:
        return None
    try:
        if np.isnan(value):
            return None
    except TypeError:
        return value
    return round(float(value), digits)


def roster_kpis(scenario: Scenario, roster: Roster, requirement: pd.DataFrame, *, certificate: Certificate | None,
                in_sample: SimResult | None, solve_seconds: float, shortfalls: list[dict]) -> ScheduleKPIs:
    """Paid hours, cost, agents, shifts and short intervals of a roster. When it was simulated: idle and busy hours
    and per-channel figures from the certification (`channels`, `certified`), beside the loop's own sample
    (`in_sample`); else the analytic idle estimate."""
    paid = roster.paid_hours()
    cost = sum(s.paid_seconds / 3600 * scenario.skill_groups[s.skill_group].hourly_cost for s in roster.shifts)
    kpis = ScheduleKPIs(round(paid, 2), round(cost, 2), len(roster.agents), len(roster.shifts),
                        round(solve_seconds, 2), len(shortfalls), idle_hours=None, channels={},
                        simulated=certificate is not None)
    if certificate is not None:
        groups = certificate.result.summary.skill_groups.values()
        kpis.busy_hours = _round(sum(g.busy_hours or 0 for g in groups))
        kpis.idle_hours = _round(sum(g.idle_hours or 0 for g in groups))
        kpis.channels = certificate.channels
        kpis.certified = certificate.figures()
        kpis.certified_short_intervals = certificate.short_intervals
        if in_sample is not None:
            kpis.in_sample = SampleFigures(in_sample.seed, in_sample.replications,
                                           channel_figures(scenario, in_sample.summary,
                                                           judge_simulation(scenario, in_sample)))
    else:
        # Without simulation: idle = available agent-hours beyond the requirement (analytic estimate).
        available = roster.availability(scenario)["agents"].sum() * scenario.interval_minutes / 60
        needed = requirement["agents"].sum() * scenario.interval_minutes / 60
        kpis.idle_hours = round(float(available * (1 - scenario.shrinkage) - needed), 2)
        kpis.channels = {c: TargetFigures(target=target_of(scenario, c)) for c in scenario.human_channels()}
    return kpis


def short_intervals(judged: pd.DataFrame) -> list[dict]:
    """The judged intervals that miss a target, with their simulated figures and by how much they miss."""
    rows = judged[~judged["meets"]].sort_values(["channel", "ds"])
    out = []
    for row in rows.itertuples(index=False):
        item = {"ds": pd.Timestamp(row.ds).isoformat(), "channel": row.channel, "offered": _round(row.offered, 2),
                "service_level": _round(row.service_level, 4), "target": _round(row.target, 4),
                "abandon_rate": _round(row.abandon, 4)}
        if row.max_abandon == row.max_abandon:          # not NaN
            item["max_abandon_rate"] = _round(row.max_abandon, 4)
        item["service_level_short_by"] = _round(max(0.0, row.sl_gap), 4)
        item["abandon_over_by"] = _round(max(0.0, row.abandon_excess), 4)
        out.append(item)
    return out


def unmet_target_warnings(scenario: Scenario, certificate: Certificate) -> list[str]:
    """Plain statements for every channel meeting its targets in fewer than TARGET_SHARE of its open intervals on
    the certification sample, with the simulated figures; on plausible weeks, those missing it at the risk."""
    if certificate.plausible is not None:
        return plausible_warnings(certificate.plausible)
    out = []
    for name, ch in certificate.channels.items():
        share = ch.intervals_meeting_target
        if share is None or share >= TARGET_SHARE:
            continue
        short = [i for i in certificate.short_intervals if i["channel"] == name]
        worst_sl = min((i["service_level"] for i in short if i["service_level"] is not None), default=None)
        worst_ab = max((i["abandon_rate"] for i in short if i["abandon_rate"] is not None), default=None)
        target = f"{ch.target:.0%} service level" + (f", at most {ch.max_abandon_rate:.0%} abandoned"
                                                     if ch.max_abandon_rate is not None else "")
        text = (f"{name}: the targets ({target}) are met in only {share:.1%} of open intervals with this roster "
                f"(certified on {certificate.replications} replications, seed {certificate.seed}; needed "
                f"{TARGET_SHARE:.0%}): simulated service level {ch.service_level:.1%} over the week")
        if worst_sl is not None:
            text += f", {worst_sl:.1%} in the worst interval"
        if ch.max_abandon_rate is not None and worst_ab is not None:
            text += f", abandonment up to {worst_ab:.1%}"
        out.append(text + f"; {len(short)} interval(s) short, listed in the JSON (certified.short_intervals)")
    return out


def plausible_warnings(figures: PlausibleFigures) -> list[str]:
    """Plain statements for every channel whose share of open intervals meeting targets, held on `risk` of the
    plausible weeks, falls short of the target share."""
    return [f"{name}: on {figures.risk:.0%} of {figures.weeks} plausible weeks the targets are met in at least "
            f"{share:.1%} of open intervals (needed {figures.target_share:.0%}); {figures.claimed[name]:.1%} "
            "expected on the real week"
            for name, share in figures.at_risk.items() if share < figures.target_share]
