"""The week's roster from a scenario and its demand: requirements -> shift selection -> simulation -> re-sizing
(repeated) -> roster -> KPIs. `schedule()` is the entry point; `ScheduleLoop` is the loop it runs.

- "ccplan": Erlang A requirements (patience, max abandonment, chat concurrency, deferred work over its window),
  pooled over skill groups; shifts with lunch and breaks in one CP-SAT model (optimizer.select_shifts); each
  round simulates the plan and re-sizes the requirement where it misses a target (optimizer.resize); the kept
  plan is rostered to named agents (optimizer.build_roster) and simulated again with fresh customers.
- "erlang-c-two-step": optimizer.baseline (Erlang C per interval and channel, shift covering, breaks afterwards),
  simulated once when `verify` is on, never adjusted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer import (Agent, ShiftPlan, baseline_requirement, build_roster, check_rules, coverage_tables,
                       generate_agents, group_limits, paid_hours_lower_bound, plan_roster, read_agents,
                       requirements, requirements_warnings, select_shifts, two_step_shifts)
from optimizer.resize import resize_requirement
from scenarios import InputError, Problem, Roster, Scenario
from scenarios.progress import Progress, no_progress, scaled
from sim import SimResult, simulate
from sim.targets import judge, max_abandon_of, meeting_shares, open_intervals, target_of

from .demand import scenario_demand

TARGET_SHARE = 0.95   # a round "meets targets" when every channel meets its targets in this share of open intervals
PATIENCE = 2          # once a round meets the targets, stop after this many rounds without a cheaper one
HOLDOUT_SEED = 1000   # the kept roster is simulated again with seed + HOLDOUT_SEED: customers the loop never saw

METHODS = ("ccplan", "erlang-c-two-step")


@dataclass
class ScheduleResult:
    """A scheduled week.

    roster: the named agents' shifts. requirement: the final requirement (ds, channel, agents in available agents,
    raised by verification). coverage: ds, channel, required, scheduled (available agents of the groups holding
    the channel: an upper bound of what the channel can get), short (available agents the pooled plan lacks
    for it). groups: ds, skill_group, on_duty, available. shortfalls: intervals short of the requirement
    (ds, channels, short_agents). kpis: JSON-ready figures. rounds: one dict per solve (paid hours, per-channel
    simulated figures when verified). sim: the last simulation (sim.SimResult) or None.
    """

    method: str
    roster: Roster
    requirement: pd.DataFrame
    coverage: pd.DataFrame
    groups: pd.DataFrame
    shortfalls: list[dict]
    kpis: dict
    rounds: list[dict]
    sim: SimResult | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {**self.kpis, "method": self.method, "rounds": self.rounds, "shortfalls": self.shortfalls,
                "warnings": self.warnings}


@dataclass
class ScheduleSettings:
    """How to schedule: `method` (METHODS), `verify` by simulation, at most `rounds` solves of the ccplan loop,
    `replications` and `seed` of each simulation, `time_limit` seconds per CP-SAT solve, `workers` (CP-SAT
    threads and simulation processes)."""

    method: str = "ccplan"
    verify: bool = True
    rounds: int = 10
    replications: int = 20
    seed: int = 1
    time_limit: float = 15.0
    workers: int = 2

    @property
    def loops(self) -> bool:
        """Whether the plan is re-sized from its simulation (ccplan with verification)."""
        return self.verify and self.method == "ccplan"


@dataclass
class Round:
    """One solve of the loop: the requirement it was given, the plan, and what its simulation showed."""

    number: int
    requirement: pd.DataFrame
    plan: ShiftPlan
    solve_seconds: float
    outcome: object | None = None        # the roster (optimizer.RosterOutcome) when a round is rostered at once
    sim: SimResult | None = None
    judged: pd.DataFrame | None = None
    entry: dict = field(default_factory=dict)

    def score(self) -> tuple:
        """Order rounds: those meeting every channel's targets (service level and max abandonment, judged per
        interval) in TARGET_SHARE of its open intervals first, cheapest first; then the rest by their worst
        share. Rounds without simulation rank by being later (more raised)."""
        channels = self.entry.get("channels")
        if not channels:
            return (0, -self.number)
        worst = min(1.0 if c.get("intervals_meeting_target") is None else c["intervals_meeting_target"]
                    for c in channels.values())
        meets = worst >= TARGET_SHARE
        return (0 if meets else 1, self.entry["paid_hours"] if meets else -worst)

    @property
    def meets_targets(self) -> bool:
        return self.score()[0] == 0


class ScheduleLoop:
    """The schedule pipeline for one scenario, demand and set of agents, one named step per stage."""

    def __init__(self, scenario: Scenario, demand: pd.DataFrame, agents: list[Agent], settings: ScheduleSettings,
                 progress: Progress | None = None):
        self.scenario = scenario
        self.demand = demand
        self.agents = agents
        self.settings = settings
        self.progress = progress or no_progress
        self.limits = group_limits(scenario, agents)
        self.rounds: list[Round] = []
        self.misses: dict = {}            # earlier misses per (channel, interval): optimizer.resize's memory
        self.solve_seconds = 0.0
        self.warnings: list[str] = []

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
        if s.method == "ccplan":
            previous = self.rounds[-1].plan if self.rounds else None
            return select_shifts(self.scenario, requirement, self.limits, time_limit=s.time_limit,
                                 workers=s.workers, progress=progress, previous=previous)
        return two_step_shifts(self.scenario, requirement, self.limits, time_limit=s.time_limit, workers=s.workers,
                               progress=progress)

    def roster(self, plan: ShiftPlan):
        t0 = time.perf_counter()
        outcome = build_roster(self.scenario, plan.shifts, self.agents, time_limit=self.settings.time_limit,
                               workers=self.settings.workers)
        self.solve_seconds += time.perf_counter() - t0
        return outcome

    def simulate(self, staff: Roster, seed: int) -> SimResult:
        s = self.settings
        return simulate(self.scenario, staff, demand=self.demand, replications=s.replications, seed=seed,
                        workers=s.workers)

    def figures(self, result: SimResult) -> dict:
        """Per channel: the week's simulated service level and abandonment, the share of open intervals meeting
        all the channel's targets (`intervals_meeting_target`) and the share meeting the service level alone."""
        return channel_figures(self.scenario, result.summary, self.judge(result))

    def judge(self, result: SimResult) -> pd.DataFrame:
        return judge(self.scenario, open_intervals(self.scenario, result.intervals))

    # --- the loop --------------------------------------------------------------------------------------------

    def solve_round(self, number: int, requirement: pd.DataFrame) -> Round:
        """Select shifts for `requirement`; simulate the plan when verifying (the baseline is rostered at once)."""
        s = self.settings
        loops = s.rounds if s.loops else 1
        lo, hi = (number - 1) / loops, number / loops
        at = lambda share: 0.05 + 0.8 * (lo + (hi - lo) * share)  # noqa: E731
        t0 = time.perf_counter()
        plan = self.select_shifts(requirement, scaled(self.progress, at(0.0), at(0.7)))
        outcome = None
        if not s.loops:
            self.progress(at(0.7), f"round {number}: rostering {len(plan.shifts)} shifts")
            outcome = build_roster(self.scenario, plan.shifts, self.agents, time_limit=s.time_limit,
                                   workers=s.workers)
        seconds = time.perf_counter() - t0
        self.solve_seconds += seconds
        rnd = Round(number, requirement, plan, seconds, outcome)
        rnd.entry = {"round": number, "paid_hours": round(plan.paid_hours, 2), "shifts": len(plan.shifts),
                     "solve_seconds": round(seconds, 2)}
        if outcome is not None:
            rnd.entry["unassigned_shifts"] = len(outcome.unassigned)
        if s.verify:
            # Within the loop the plan's shifts are simulated as they stand (one stand-in agent per shift: the
            # same agents on duty per interval as any roster of them); the kept plan is rostered afterwards.
            self.progress(at(0.8), f"round {number}: simulating {s.replications} replications")
            staff = outcome.roster if outcome is not None else plan_roster(self.scenario, plan)
            rnd.sim = self.simulate(staff, s.seed)
            rnd.judged = self.judge(rnd.sim)
            rnd.entry["channels"] = channel_figures(self.scenario, rnd.sim.summary, rnd.judged)
            rnd.entry["intervals_missed"] = int((~rnd.judged["meets"]).sum())
        return rnd

    def best(self) -> Round:
        return min(self.rounds, key=Round.score)

    def run(self) -> ScheduleResult:
        s = self.settings
        requirement = self.requirement()
        analytic = requirement.copy()
        for number in range(1, (s.rounds if s.loops else 1) + 1):
            rnd = self.solve_round(number, requirement)
            self.rounds.append(rnd)
            if not s.loops or number == s.rounds:
                break
            best = self.best()
            if best.meets_targets and number - best.number >= PATIENCE:
                break
            # Trim over-served intervals only once a round meets the targets: lowering while others are still
            # being raised moves shifts around and undoes the raises.
            requirement, moved = resize_requirement(self.scenario, requirement, rnd.judged, analytic,
                                                    lower=rnd.meets_targets, misses=self.misses)
            rnd.entry.update(moved)
            if not moved["raised"] and not moved["lowered"]:
                break
        return self.finish(self.best())

    def finish(self, kept: Round) -> ScheduleResult:
        """Roster the kept round's plan (ccplan loop), simulate it with fresh customers, and gather the KPIs."""
        s = self.settings
        sim_result, outcome, holdout = kept.sim, kept.outcome, None
        if s.loops:
            self.progress(0.86, f"rostering the kept plan ({len(kept.plan.shifts)} shifts)")
            outcome = self.roster(kept.plan)
            if shift_keys(outcome.roster) != shift_keys(plan_roster(self.scenario, kept.plan)):
                # Some shifts found no agent, or went to another group: the kept round's figures are not the
                # roster's.
                self.progress(0.92, f"simulating the roster ({s.replications} replications)")
                sim_result = self.simulate(outcome.roster, s.seed)
            self.progress(0.95, f"simulating the roster with fresh customers (seed {s.seed + HOLDOUT_SEED})")
            fresh = self.simulate(outcome.roster, s.seed + HOLDOUT_SEED)
            holdout = {"seed": s.seed + HOLDOUT_SEED, "channels": self.figures(fresh)}
        history = [r.entry | {"kept": r.number == kept.number} for r in self.rounds]
        warnings = self.warnings + list(outcome.warnings)
        if outcome.unassigned:
            warnings.append(f"{len(outcome.unassigned)} planned shift(s) could not be given to any agent")
        self.progress(0.97, "coverage and KPIs")
        coverage, groups, shortfalls = coverage_tables(self.scenario, outcome.roster, kept.requirement)
        kpis = roster_kpis(self.scenario, outcome.roster, kept.requirement, sim_result, self.solve_seconds,
                           shortfalls)
        kpis["unassigned_shifts"] = len(outcome.unassigned)
        kpis["rounds"] = history
        if holdout is not None:
            kpis["holdout"] = holdout
        if s.method == "ccplan":
            kpis["paid_hours_lower_bound"] = _round(paid_hours_lower_bound(self.scenario, kept.requirement,
                                                                           self.limits))
        self.progress(1.0, "done")
        return ScheduleResult(s.method, outcome.roster, kept.requirement, coverage, groups, shortfalls, kpis,
                              history, sim_result, warnings)


def schedule(scenario: Scenario, demand: pd.DataFrame | None = None, agents: list[Agent] | str | Path | None = None,
             method: str = "ccplan", verify: bool = True, rounds: int = 10, replications: int = 20,
             seed: int | None = None, progress: Progress | None = None, time_limit: float = 15.0,
             workers: int = 2) -> ScheduleResult:
    """Schedule and roster the scenario's week.

    demand: expected contacts (default: planning.demand.scenario_demand). agents: a list, an agents CSV path, or
    None (generated from the headcounts). verify: simulate the roster (`replications`, `seed`); for "ccplan"
    re-solve with re-sized requirements up to `rounds` times until every open interval meets its target.
    time_limit: CP-SAT seconds per solve (shift selection, and again the roster). workers: CP-SAT threads and
    simulation processes.
    """
    progress = progress or no_progress
    if method not in METHODS:
        raise InputError([Problem("method", f"unknown method '{method}' (choose {', '.join(METHODS)})")],
                         "invalid schedule method")
    check_rules(scenario)
    if rounds < 1:
        raise InputError([Problem("rounds", f"must be at least 1 (got {rounds})")], "invalid schedule settings")
    if isinstance(agents, (str, Path)):
        agents = read_agents(agents, scenario)
    agents = agents if agents is not None else generate_agents(scenario)
    settings = ScheduleSettings(method, verify, rounds, replications,
                                scenario.simulation.seed if seed is None else seed, time_limit, workers)
    if demand is None:
        progress(0.0, "forecasting demand")
        demand = scenario_demand(scenario)
    return ScheduleLoop(scenario, demand, agents, settings, progress).run()


def shift_keys(roster: Roster) -> list[tuple]:
    """The roster's shifts without their agents (group, times, lunch, breaks), sorted: two rosters with the same
    keys simulate identically with one seed (sim sees stretches of work, not names)."""
    return sorted((s.skill_group, s.start_s, s.end_s, s.lunch, tuple(s.breaks)) for s in roster.shifts)


def channel_figures(scenario: Scenario, summary: dict, judged: pd.DataFrame) -> dict:
    """Per channel: the week's simulated service level and abandonment, the share of open intervals meeting all
    the channel's targets (`intervals_meeting_target`: service level and max abandonment, each judged in the
    interval) and the share meeting the service level alone (`intervals_meeting_service_level`)."""
    both = meeting_shares(scenario, judged)
    sl_only = meeting_shares(scenario, judged, service_level_only=True)
    out = {}
    for name in scenario.human_channels():
        ch = summary.get("channels", {}).get(name, {})
        out[name] = {"service_level": _round(ch.get("service_level"), 4),
                     "abandon_rate": _round(ch.get("abandon_rate"), 4),
                     "intervals_meeting_target": _round(both.get(name), 4),
                     "intervals_meeting_service_level": _round(sl_only.get(name), 4),
                     "target": target_of(scenario, name),
                     "max_abandon_rate": max_abandon_of(scenario, name)}
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


def roster_kpis(scenario: Scenario, roster: Roster, requirement: pd.DataFrame, sim_result: SimResult | None,
                solve_seconds: float, shortfalls: list[dict]) -> dict:
    """Paid hours, cost, agents, shifts and short intervals of a roster; simulated figures when it was simulated,
    else the analytic idle estimate."""
    paid = roster.paid_hours()
    cost = sum(s.paid_seconds / 3600 * scenario.skill_groups[s.skill_group].hourly_cost for s in roster.shifts)
    out = {"paid_hours": round(paid, 2), "cost": round(cost, 2), "agents_rostered": len(roster.agents),
           "shifts": len(roster.shifts), "solve_seconds": round(solve_seconds, 2),
           "short_intervals": len(shortfalls)}
    if sim_result is not None:
        groups = sim_result.summary.get("skill_groups", {})
        out["busy_hours"] = _round(sum(g.get("busy_hours", 0) or 0 for g in groups.values()))
        out["idle_hours"] = _round(sum(g.get("idle_hours", 0) or 0 for g in groups.values()))
        out["channels"] = channel_figures(scenario, sim_result.summary,
                                          judge(scenario, open_intervals(scenario, sim_result.intervals)))
        out["simulated"] = True
    else:
        # Without simulation: idle = available agent-hours beyond the requirement (analytic estimate).
        available = roster.availability(scenario)["agents"].sum() * scenario.interval_minutes / 60
        needed = requirement["agents"].sum() * scenario.interval_minutes / 60
        out["idle_hours"] = round(float(available * (1 - scenario.shrinkage) - needed), 2)
        out["channels"] = {c: {"service_level": None, "intervals_meeting_target": None,
                               "target": target_of(scenario, c)} for c in scenario.human_channels()}
        out["simulated"] = False
    return out
