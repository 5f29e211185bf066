"""The week's roster from a scenario: requirements -> shifts with lunch and breaks -> named agents, verified by
simulation. `schedule()` is the one entry point; `method` picks ccplan or the traditional two-step baseline.

- "ccplan": Erlang A requirements (patience, max abandonment, chat concurrency, deferred work over its window),
  pooled over skill groups; shifts with lunch and breaks placed in one CP-SAT model; roster by CP-SAT; then
  the verification loop (optimizer.verify) raises the requirement where the simulated roster misses a target.
- "erlang-c-two-step": optimizer.baseline (Erlang C per interval and channel, shift covering, breaks afterwards),
  simulated once when `verify` is on, never adjusted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios import InputError, Problem, Roster, Scenario, interval_index, open_mask, week_intervals
from scenarios.progress import Progress, no_progress, scaled

from .baseline import baseline_requirement, two_step_shifts
from .agents import Agent, generate_agents, group_limits, read_agents
from .roster import build_roster, to_shift
from .shifts import ShiftPlan, paid_hours_lower_bound, pooled_subsets, requirement_arrays, select_shifts
from .templates import check_rules
from .verify import judge, max_abandon_of, meeting_shares, resize_requirement, target_of

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
    sim: object | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {**self.kpis, "method": self.method, "rounds": self.rounds, "shortfalls": self.shortfalls,
                "warnings": self.warnings}


def schedule(scenario: Scenario, demand: pd.DataFrame | None = None, agents: list[Agent] | str | Path | None = None,
             method: str = "ccplan", verify: bool = True, rounds: int = 10, replications: int = 20,
             seed: int | None = None, progress: Progress | None = None, time_limit: float = 15.0,
             workers: int = 2) -> ScheduleResult:
    """Schedule and roster the scenario's week.

    demand: expected contacts (default forecasting.scenario_demand). agents: a list, an agents CSV path, or None
    (generated from the headcounts). verify: simulate the roster (`replications`, `seed`); for "ccplan" re-solve
    with raised requirements up to `rounds` times until every open interval meets its target.
    time_limit: CP-SAT seconds per solve (shift selection, and again the roster). workers: CP-SAT
    threads and simulation processes.
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
    seed = scenario.simulation.seed if seed is None else seed
    if demand is None:
        from forecasting import scenario_demand

        progress(0.0, "forecasting demand")
        demand = scenario_demand(scenario)
    from .requirements import requirements, requirements_warnings

    progress(0.02, "requirements")
    requirement = (requirements(scenario, demand, method="erlang-a") if method == "ccplan"
                   else baseline_requirement(scenario, demand))
    warnings = list(requirements_warnings(requirement))
    analytic = requirement.copy()
    limits = group_limits(scenario, agents)
    from sim import simulate

    ccplan_loop = verify and method == "ccplan"
    loops = rounds if ccplan_loop else 1
    history: list[dict] = []
    misses: dict = {}
    solve_seconds = 0.0
    best = None
    sim_result = None
    for r in range(loops):
        lo, hi = r / loops, (r + 1) / loops
        step = scaled(progress, 0.05 + 0.8 * lo, 0.05 + 0.8 * (lo + (hi - lo) * 0.7))
        t0 = time.perf_counter()
        if method == "ccplan":
            plan = select_shifts(scenario, requirement, limits, time_limit=time_limit, workers=workers,
                                 progress=step, previous=plan if history else None)
        else:
            plan = two_step_shifts(scenario, requirement, limits, time_limit=time_limit, workers=workers,
                                   progress=step)
        outcome = None
        if not ccplan_loop:
            progress(0.05 + 0.8 * (lo + (hi - lo) * 0.7), f"round {r + 1}: rostering {len(plan.shifts)} shifts")
            outcome = build_roster(scenario, plan.shifts, agents, time_limit=time_limit, workers=workers)
        seconds = time.perf_counter() - t0
        solve_seconds += seconds
        entry = {"round": r + 1, "paid_hours": round(plan.paid_hours, 2), "shifts": len(plan.shifts),
                 "solve_seconds": round(seconds, 2)}
        if outcome is not None:
            entry["unassigned_shifts"] = len(outcome.unassigned)
        judged = None
        if verify:
            # Within the loop the plan's shifts are simulated as they stand (one stand-in agent per shift: the
            # same agents on duty per interval as any roster of them); the kept plan is rostered afterwards.
            progress(0.05 + 0.8 * (lo + (hi - lo) * 0.8), f"round {r + 1}: simulating {replications} replications")
            staff = outcome.roster if outcome is not None else plan_roster(scenario, plan)
            sim_result = simulate(scenario, staff, demand=demand, replications=replications, seed=seed,
                                  workers=workers)
            judged = judge(scenario, _judged(scenario, sim_result.intervals))
            entry["channels"] = _channel_figures(scenario, sim_result.summary, judged)
            entry["intervals_missed"] = int((~judged["meets"]).sum())
        history.append(entry)
        score = _round_score(entry)
        if best is None or score < best[0]:
            best = (score, (plan, outcome, requirement, sim_result, r + 1))
        if not ccplan_loop or r == loops - 1:
            break
        if best[0][0] == 0 and r + 1 - best[1][4] >= PATIENCE:
            break
        # Trim over-served intervals only once a round meets the targets: lowering while others are still being
        # raised moves shifts around and undoes the raises.
        requirement, moved = resize_requirement(scenario, requirement, judged, analytic,
                                                 lower=score[0] == 0, misses=misses)
        entry.update(moved)
        if not moved["raised"] and not moved["lowered"]:
            break
    plan, outcome, requirement, sim_result, kept = best[1]
    for entry in history:
        entry["kept"] = entry["round"] == kept
    holdout = None
    if ccplan_loop:
        progress(0.86, f"rostering the kept plan ({len(plan.shifts)} shifts)")
        t0 = time.perf_counter()
        outcome = build_roster(scenario, plan.shifts, agents, time_limit=time_limit, workers=workers)
        solve_seconds += time.perf_counter() - t0
        if _shift_keys(outcome.roster) != _shift_keys(plan_roster(scenario, plan)):
            # Some shifts found no agent, or went to another group: the kept round's figures are not the roster's.
            progress(0.92, f"simulating the roster ({replications} replications)")
            sim_result = simulate(scenario, outcome.roster, demand=demand, replications=replications, seed=seed,
                                  workers=workers)
        progress(0.95, f"simulating the roster with fresh customers (seed {seed + HOLDOUT_SEED})")
        fresh = simulate(scenario, outcome.roster, demand=demand, replications=replications,
                         seed=seed + HOLDOUT_SEED, workers=workers)
        holdout = {"seed": seed + HOLDOUT_SEED, "channels": _channel_figures(
            scenario, fresh.summary, judge(scenario, _judged(scenario, fresh.intervals)))}
    warnings += outcome.warnings
    if outcome.unassigned:
        warnings.append(f"{len(outcome.unassigned)} planned shift(s) could not be given to any agent")
    progress(0.97, "coverage and KPIs")
    coverage, groups, shortfalls = coverage_tables(scenario, outcome.roster, requirement)
    kpis = _kpis(scenario, outcome.roster, requirement, sim_result, solve_seconds, shortfalls)
    kpis["unassigned_shifts"] = len(outcome.unassigned)
    kpis["rounds"] = history
    if holdout is not None:
        kpis["holdout"] = holdout
    if method == "ccplan":
        kpis["paid_hours_lower_bound"] = _round(paid_hours_lower_bound(scenario, requirement, limits))
    progress(1.0, "done")
    return ScheduleResult(method, outcome.roster, requirement, coverage, groups, shortfalls, kpis, history,
                          sim_result, warnings)


def _shift_keys(roster: Roster) -> list[tuple]:
    """The roster's shifts without their agents (group, times, lunch, breaks), sorted: two rosters with the same
    keys simulate identically with one seed (sim sees stretches of work, not names)."""
    return sorted((s.skill_group, s.start_s, s.end_s, s.lunch, tuple(s.breaks)) for s in roster.shifts)


def plan_roster(scenario: Scenario, plan: ShiftPlan) -> Roster:
    """The plan's shifts, each worked by a stand-in agent of its group: what the simulation needs to see the
    plan's agents on duty, lunches and breaks, before anyone is named."""
    paid_lunch = scenario.shift_rules.paid_lunch
    return Roster(scenario.start, [to_shift(f"{p.group}-shift-{n:04d}", p, paid_lunch)
                                   for n, p in enumerate(plan.shifts)])


def _round_score(entry: dict) -> tuple:
    """Order rounds: those meeting every channel's targets (service level and max abandonment, judged per
    interval) in TARGET_SHARE of its open intervals first, cheapest first; then the rest by their worst share.
    Rounds without simulation rank by being later (more raised)."""
    channels = entry.get("channels")
    if not channels:
        return (0, -entry["round"])
    worst = min(1.0 if c.get("intervals_meeting_target") is None else c["intervals_meeting_target"]
                for c in channels.values())
    meets = worst >= TARGET_SHARE
    return (0 if meets else 1, entry["paid_hours"] if meets else -worst)


def _judged(scenario: Scenario, intervals: pd.DataFrame) -> pd.DataFrame:
    """Simulated intervals of open channels (verify.judge then keeps those with contacts offered)."""
    rows = intervals.copy()
    is_open = {c: open_mask(scenario, c) for c in scenario.human_channels()}
    rows = rows[rows["channel"].isin(is_open)]
    pos = interval_index(scenario, rows["ds"])
    keep = np.array([is_open[c][p] if p >= 0 else False for c, p in zip(rows["channel"], pos)], dtype=bool)
    return rows[keep]


def _channel_figures(scenario: Scenario, summary: dict, judged: pd.DataFrame) -> dict:
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


def coverage_tables(scenario: Scenario, roster: Roster, requirement: pd.DataFrame):
    """Coverage per interval and channel, per interval and group, and the short intervals of a roster."""
    idx = week_intervals(scenario)
    groups = list(scenario.skill_groups)
    avail = roster.availability(scenario)                   # on-duty agents (lunch and breaks off) per group
    on_duty = avail["agents"].to_numpy(float).reshape(len(idx), len(groups))
    available = on_duty * (1.0 - scenario.shrinkage)
    group_table = pd.DataFrame({"ds": np.repeat(idx, len(groups)), "skill_group": np.tile(groups, len(idx)),
                                "on_duty": on_duty.reshape(-1).round(3), "available": available.reshape(-1).round(3)})
    req = requirement_arrays(scenario, requirement)
    rows = []
    shortfalls = []
    subset_short = {}
    for s, serving in pooled_subsets(scenario):
        supply = sum(available[:, groups.index(g)] for g in serving) if serving else np.zeros(len(idx))
        need = sum(req[c] for c in s)
        subset_short[s] = np.clip(need - supply, 0, None)
    for c in scenario.human_channels():
        supply = sum(available[:, j] for j, g in enumerate(groups) if c in scenario.skill_groups[g].skills)
        short = np.max([v for s, v in subset_short.items() if c in s], axis=0)
        rows.append(pd.DataFrame({"ds": idx, "channel": c, "required": req[c].round(3),
                                  "scheduled": np.asarray(supply, float).round(3), "short": short.round(3)}))
    coverage = pd.concat(rows, ignore_index=True)
    # Report each short interval once, by the smallest channel set that shows the shortfall.
    for i in range(len(idx)):
        best = None
        for s, v in sorted(subset_short.items(), key=lambda t: len(t[0])):
            if v[i] > 0.05 and (best is None or v[i] > best[1] + 0.05):
                best = (s, v[i])
        if best is not None:
            shortfalls.append({"ds": idx[i].isoformat(), "channels": "+".join(sorted(best[0])),
                               "short_agents": round(float(best[1]), 2)})
    return coverage, group_table, shortfalls


def _kpis(scenario: Scenario, roster: Roster, requirement: pd.DataFrame, sim_result, solve_seconds: float,
          shortfalls: list[dict]) -> dict:
    paid = roster.paid_hours()
    cost = sum(s.paid_seconds / 3600 * scenario.skill_groups[s.skill_group].hourly_cost for s in roster.shifts)
    out = {"paid_hours": round(paid, 2), "cost": round(cost, 2), "agents_rostered": len(roster.agents),
           "shifts": len(roster.shifts), "solve_seconds": round(solve_seconds, 2),
           "short_intervals": len(shortfalls)}
    if sim_result is not None:
        groups = sim_result.summary.get("skill_groups", {})
        out["busy_hours"] = _round(sum(g.get("busy_hours", 0) or 0 for g in groups.values()))
        out["idle_hours"] = _round(sum(g.get("idle_hours", 0) or 0 for g in groups.values()))
        out["channels"] = _channel_figures(scenario, sim_result.summary,
                                           judge(scenario, _judged(scenario, sim_result.intervals)))
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
