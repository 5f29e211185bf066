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
from .roster import build_roster
from .shifts import paid_hours_lower_bound, pooled_subsets, requirement_arrays, select_shifts
from .templates import check_rules
from .verify import (ABANDON_HEADROOM, lower_requirement, meeting_shares, missed_intervals, raise_requirement, slack_intervals,
                     target_of)

TARGET_SHARE = 0.95  # a round "meets targets" when every channel meets its target in this share of open intervals

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
             method: str = "ccplan", verify: bool = True, rounds: int = 4, replications: int = 20,
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
    loops = rounds if (verify and method == "ccplan") else 1
    history: list[dict] = []
    solve_seconds = 0.0
    best = None
    sim_result = None
    for r in range(loops):
        lo, hi = r / loops, (r + 1) / loops
        step = scaled(progress, 0.05 + 0.9 * lo, 0.05 + 0.9 * (lo + (hi - lo) * 0.6))
        t0 = time.perf_counter()
        if method == "ccplan":
            plan = select_shifts(scenario, requirement, limits, time_limit=time_limit, workers=workers,
                                 progress=step)
        else:
            plan = two_step_shifts(scenario, requirement, limits, time_limit=time_limit, workers=workers,
                                   progress=step)
        progress(0.05 + 0.9 * (lo + (hi - lo) * 0.6), f"round {r + 1}: rostering {len(plan.shifts)} shifts")
        outcome = build_roster(scenario, plan.shifts, agents, time_limit=time_limit, workers=workers)
        seconds = time.perf_counter() - t0
        solve_seconds += seconds
        entry = {"round": r + 1, "paid_hours": round(outcome.roster.paid_hours(), 2),
                 "shifts": len(outcome.roster.shifts), "solve_seconds": round(seconds, 2),
                 "unassigned_shifts": len(outcome.unassigned)}
        met = None
        if verify:
            from sim import simulate

            progress(0.05 + 0.9 * (lo + (hi - lo) * 0.7), f"round {r + 1}: simulating {replications} replications")
            sim_result = simulate(scenario, outcome.roster, demand=demand, replications=replications, seed=seed,
                                  workers=workers)
            judged = _judged(scenario, sim_result.intervals)
            figures = _channel_figures(scenario, sim_result.summary, meeting_shares(scenario, judged))
            entry["channels"] = figures
            over = {c for c, v in figures.items() if v.get("max_abandon_rate") is not None
                    and (v.get("abandon_rate") or 0.0) > v["max_abandon_rate"]}
            missed = missed_intervals(scenario, judged, over)
            entry["intervals_missed"] = int(len(missed))
            met = len(missed) == 0
        history.append(entry)
        candidate = (plan, outcome, requirement, sim_result)
        score = _round_score(entry)
        if best is None or score < best[0]:
            best = (score, candidate)
        if not verify or r == loops - 1:
            break
        near = {c for c, v in figures.items() if v.get("max_abandon_rate") is not None
                and (v.get("abandon_rate") or 0.0) > ABANDON_HEADROOM * v["max_abandon_rate"]}
        # Agents shared with a channel close to its max abandonment would be taken from it too: keep those.
        near |= {c for g in scenario.skill_groups.values() if near & set(g.skills) for c in g.skills}
        slack = slack_intervals(scenario, judged, near)
        if met and not len(slack):
            break
        requirement = raise_requirement(scenario, requirement, missed)
        requirement = lower_requirement(scenario, requirement, slack, analytic)
    plan, outcome, requirement, sim_result = best[1]
    kept = next(i for i, e in enumerate(history) if _round_score(e) == best[0]) + 1
    for entry in history:
        entry["kept"] = entry["round"] == kept
    warnings += outcome.warnings
    progress(0.97, "coverage and KPIs")
    coverage, groups, shortfalls = coverage_tables(scenario, outcome.roster, requirement)
    kpis = _kpis(scenario, outcome.roster, requirement, sim_result, solve_seconds, shortfalls, history)
    kpis["rounds"] = history
    if method == "ccplan":
        kpis["paid_hours_lower_bound"] = _round(paid_hours_lower_bound(scenario, requirement, limits))
    progress(1.0, "done")
    return ScheduleResult(method, outcome.roster, requirement, coverage, groups, shortfalls, kpis, history,
                          sim_result, warnings)


def _round_score(entry: dict) -> tuple:
    """Order rounds: those meeting every channel's service-level target in TARGET_SHARE of its open intervals
    with the week's abandonment within max_abandon_rate first, cheapest first; then the rest by their worst
    share. Rounds without simulation rank by being later (more raised)."""
    channels = entry.get("channels")
    if not channels:
        return (0, -entry["round"])
    def share(c):
        value = c.get("intervals_meeting_target")
        return 1.0 if value is None else value

    worst = min(share(c) for c in channels.values())
    abandon_ok = all(c.get("max_abandon_rate") is None or (c.get("abandon_rate") or 0.0) <= c["max_abandon_rate"]
                     for c in channels.values())
    meets = worst >= TARGET_SHARE and abandon_ok
    return (0 if meets else 1, entry["paid_hours"] if meets else -worst)


def _judged(scenario: Scenario, intervals: pd.DataFrame) -> pd.DataFrame:
    """Simulated intervals of open channels (verify.judge then keeps those with contacts offered)."""
    rows = intervals.copy()
    is_open = {c: open_mask(scenario, c) for c in scenario.human_channels()}
    rows = rows[rows["channel"].isin(is_open)]
    pos = interval_index(scenario, rows["ds"])
    keep = np.array([is_open[c][p] if p >= 0 else False for c, p in zip(rows["channel"], pos)], dtype=bool)
    return rows[keep]


def _channel_figures(scenario: Scenario, summary: dict, all_targets: dict | None = None) -> dict:
    """Per channel: service level, abandonment, the simulator's share of open intervals meeting the service
    level target (`intervals_meeting_target`) and, when given, the share meeting service level AND max
    abandonment (`intervals_meeting_all_targets`)."""
    out = {}
    for name in scenario.human_channels():
        ch = summary.get("channels", {}).get(name, {})
        out[name] = {"service_level": _round(ch.get("service_level"), 4),
                     "intervals_meeting_target": _round(ch.get("intervals_meeting_target"), 4),
                     "abandon_rate": _round(ch.get("abandon_rate"), 4),
                     "target": target_of(scenario, name)}
        if all_targets is not None:
            out[name]["intervals_meeting_all_targets"] = _round(all_targets.get(name), 4)
            out[name]["max_abandon_rate"] = getattr(scenario.channels[name].target, "max_abandon_rate", None)
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
          shortfalls: list[dict], history: list[dict]) -> dict:
    paid = roster.paid_hours()
    cost = sum(s.paid_seconds / 3600 * scenario.skill_groups[s.skill_group].hourly_cost for s in roster.shifts)
    out = {"paid_hours": round(paid, 2), "cost": round(cost, 2), "agents_rostered": len(roster.agents),
           "shifts": len(roster.shifts), "solve_seconds": round(solve_seconds, 2),
           "short_intervals": len(shortfalls)}
    if sim_result is not None:
        groups = sim_result.summary.get("skill_groups", {})
        out["busy_hours"] = _round(sum(g.get("busy_hours", 0) or 0 for g in groups.values()))
        out["idle_hours"] = _round(sum(g.get("idle_hours", 0) or 0 for g in groups.values()))
        kept = next((e for e in history if e.get("kept")), history[-1] if history else {})
        out["channels"] = kept.get("channels") or _channel_figures(scenario, sim_result.summary)
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
