"""Re-plan the rest of today: reforecast from the day so far, then choose supervisor actions by CP-SAT over their
effect on coverage and their cost, check them by simulating from the state at `now`, and certify before/after on
fresh customers.

The day is simulated on its own (a one-day scenario from 00:00, the roster's shifts of that day): for each
replication the morning runs once on the published roster with demand = the actual contacts so far (as rates),
its state at `now` is captured (sim.state: lines, backlog, who is busy until when, who is on shift or in aux) and
the rest of the day is resumed from that state on the unchanged roster and on the re-planned one, with the same
customers (common random numbers), the rest of the day's demand being the reforecast.

The actions (overtime, start early, voluntary time off, moved lunches and breaks, call-ins), their labour-rule
checks and the CP-SAT choice among them are the optimizer's (optimizer.intraday_actions,
optimizer.intraday_choice); the requirement they are chosen against is optimizer.requirements on the reforecast
(agents on duty, after shrinkage).

Check: the chosen plan is simulated from the state at now (`check_replications`); rest-of-day intervals missing
a target raise that interval's requirement (`raise_agents` per miss so far), and the choice is solved again,
up to `rounds`; the cheapest plan whose every channel meets its targets in `target_share` of the rest-of-day
open intervals (sim.targets) is kept (else the one closest). Certified: the unchanged and the re-planned roster
simulated from the state at now on `certify_replications` fresh replications (the schedule's certification
seed, planning.schedule.certification_seed).

Times are seconds from the scenario week's start unless named otherwise; hours are paid hours.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting import DayFactorPrior, learn_prior_from_grid, reforecast
from optimizer import (Action, ActionMenu, ChoiceSettings, apply_actions, candidate_actions, choose_actions,
                       on_duty, requirements)
from scenarios import Agent, InputError, Problem, Roster, Scenario, week_intervals
from scenarios.progress import Progress, no_progress, scaled
from sim import Resume, build_result, build_spec, judge, meeting_shares, open_intervals, replicate

from .execution import executor_or_local
from .schedule import certification_seed

DAY = 86400.0
ACTION_COLUMNS = ["agent", "skill_group", "action", "start", "end", "hours", "detail"]


@dataclass(frozen=True)
class Options(ActionMenu, ChoiceSettings):
    """Re-planning settings: the actions offered (optimizer.ActionMenu), the CP-SAT choice's weights and effort
    (optimizer.ChoiceSettings), and the loop's: `target_share` of the rest-of-day open intervals every channel
    must meet, `raise_agents` available agents added per miss, at most `rounds` choices, the replications of each
    check and of the certification, the seed, and `workers` simulation processes (None: one per core)."""

    target_share: float = 0.95
    raise_agents: float = 1.0
    rounds: int = 3
    check_replications: int = 12
    certify_replications: int = 40
    seed: int = 1
    workers: int | None = None


@dataclass
class RoundRecord:
    """One round of the loop: the choice's CP-SAT status, shortfall agent-hours before and after its actions and
    their cost (None when CP-SAT found no solution), how many actions, the per-channel share of rest-of-day open
    intervals meeting the targets in the check's simulation, and whether every channel met `target_share`."""

    round: int
    status: str
    shortfall_hours_before: float
    shortfall_hours_after: float | None
    cost: float | None
    actions: int
    shares: dict[str, float | None]
    meets: bool

    def to_json(self) -> dict:
        """The fields as plain JSON (after and cost left out when the choice found no solution)."""
        return {k: v for k, v in dataclasses.asdict(self).items()
                if v is not None or k not in ("shortfall_hours_after", "cost")}


@dataclass
class IntradayPlan:
    """The re-plan: chosen actions, the roster after them, reforecast, and rest-of-day figures before and after
    (certified: `before`/`after` interval tables of the rest of the day with `meets`; `shares` per channel)."""

    actions: list[Action]
    roster: Roster
    reforecast: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    shares_before: dict[str, float | None]
    shares_after: dict[str, float | None]
    hours_added: float
    hours_released: float
    rounds: list[RoundRecord] = field(default_factory=list)
    candidates: int = 0
    seconds: float = 0.0

    def action_table(self, scenario: Scenario) -> pd.DataFrame:
        """One row per action: agent, skill_group, action, start, end (local clock of the span it changes), hours
        (added > 0, released < 0), detail."""
        base = pd.Timestamp(scenario.start)
        rows = []
        for a in self.actions:
            s, e = a.span
            rows.append({"agent": a.agent, "skill_group": a.skill_group, "action": a.kind,
                         "start": (base + pd.Timedelta(seconds=s)).strftime("%Y-%m-%d %H:%M"),
                         "end": (base + pd.Timedelta(seconds=e)).strftime("%Y-%m-%d %H:%M"),
                         "hours": round(a.hours, 2), "detail": a.detail})
        return pd.DataFrame(rows, columns=ACTION_COLUMNS)


# --- the day's simulation from the state at now ----------------------------------------------------------------

def day_scenario(scenario: Scenario, day: int) -> Scenario:
    """The scenario reduced to one of its days (00:00 of that day to midnight)."""
    return scenario.model_copy(update={"start": scenario.start + dt.timedelta(days=day), "days": 1,
                                       "holidays": []})


def day_roster(roster: Roster, day: int, start: dt.date) -> Roster:
    """The shifts of `day` (starting that day), with times from that day's 00:00."""
    off = day * DAY
    return Roster(start, [dataclasses.replace(s, start_s=s.start_s - off, end_s=s.end_s - off,
                                              lunch=(s.lunch[0] - off, s.lunch[1] - off) if s.lunch else None,
                                              breaks=[(a - off, b - off) for a, b in s.breaks])
                          for s in roster.shifts if off <= s.start_s < off + DAY])


def simulate_rest(day_sc: Scenario, rosters: list[Roster], demand: pd.DataFrame, now_s: float, replications: int,
                  *, seed: int, executor: Executor | None = None) -> list[pd.DataFrame]:
    """Judged rest-of-day interval tables (sim.targets.judge rows with ds >= now) for each roster, simulated
    from the state at `now_s` (seconds from the day's 00:00) reached on the first roster. Replication r uses
    child r of SeedSequence(seed) whatever the executor (None: in this process)."""
    specs = [build_spec(day_sc, r, demand) for r in rosters]
    jobs = [Resume(specs[0], child, now_s, tuple(specs)) for child in np.random.SeedSequence(seed).spawn(replications)]
    results = replicate(jobs, executor=executor)
    idx = week_intervals(day_sc)
    now_ts = idx[0] + pd.Timedelta(seconds=now_s)
    out = []
    for v in range(len(rosters)):
        res = build_result(specs[v], idx, [rec[v] for rec in results], seed)
        judged = judge(day_sc, res.intervals)
        out.append(judged[judged["ds"] >= now_ts].reset_index(drop=True))
    return out


def target_shares(day_sc: Scenario, judged: pd.DataFrame) -> dict[str, float | None]:
    """Per human channel, the share of its open intervals among the judged rest-of-day rows (simulate_rest) that
    meet the targets (sim.targets.meeting_shares of sim.targets.open_intervals)."""
    return meeting_shares(day_sc, open_intervals(day_sc, judged))


# --- the whole re-plan -----------------------------------------------------------------------------------------

def day_demand(scenario: Scenario, week_demand: pd.DataFrame, refc: pd.DataFrame, day: int) -> pd.DataFrame:
    """The day's demand table (ds, channel, contacts, aht_seconds): the reforecast (actuals before now) where it
    has the channel, else the week's forecast."""
    d0 = pd.Timestamp(scenario.start) + pd.Timedelta(days=day)
    own = week_demand[(week_demand["ds"] >= d0) & (week_demand["ds"] < d0 + pd.Timedelta(days=1))].copy()
    if len(refc):
        key = refc.set_index(["ds", "channel"])["yhat"]
        idx = pd.MultiIndex.from_arrays([own["ds"], own["channel"]])
        new = key.reindex(idx).to_numpy(float)
        own["contacts"] = np.where(np.isfinite(new), new, own["contacts"].to_numpy(float))
    return own.reset_index(drop=True)


def history_priors(scenario: Scenario) -> dict[str, DayFactorPrior]:
    """Day-factor priors per channel learned from the scenario's history (default priors without one)."""
    if scenario.demand.history is None:
        return {}
    from forecasting import read_history, to_grid
    hist = read_history(scenario.resolve(scenario.demand.history), scenario.interval_minutes, allow_gaps=True)
    return {c: learn_prior_from_grid(to_grid(hist, c, scenario.interval_minutes))
            for c in sorted(set(hist["channel"])) if c in scenario.channels}


@dataclass
class DayContext:
    """The day being re-planned: the scenario and the week's roster (the absent agents' shifts of the day
    dropped), `now`, its `day` (0 = the week's first) and the one-day scenario `day_sc`, the day's demand
    (day_demand) and reforecast, `required` on-duty agents per channel per interval of the day, and the legal
    candidate actions."""

    scenario: Scenario
    roster: Roster
    now: pd.Timestamp
    day: int
    day_sc: Scenario
    demand: pd.DataFrame
    refc: pd.DataFrame
    required: dict[str, np.ndarray]
    candidates: list[Action]

    @property
    def now_s(self) -> float:
        """Now in seconds from the week's start."""
        return (self.now - pd.Timestamp(self.scenario.start)).total_seconds()

    @property
    def now_day_s(self) -> float:
        """Now in seconds from the day's 00:00."""
        return self.now_s - self.day * DAY

    def day_rosters(self, roster: Roster) -> list[Roster]:
        """The unchanged and the given roster's shifts of the day, times from the day's 00:00."""
        return [day_roster(r, self.day, self.day_sc.start) for r in (self.roster, roster)]


def replan_day(scenario: Scenario, roster: Roster, week_demand: pd.DataFrame, actuals: pd.DataFrame,
               now: pd.Timestamp, *, options: Options = Options(), agents: list[Agent] | None = None,
               priors: dict[str, DayFactorPrior] | None = None, progress: Progress | None = None,
               absent: list[str] = (), executor: Executor | None = None) -> IntradayPlan:
    """Reforecast the day of `now` from `actuals` (checked: forecasting.intraday.check_actuals) and re-plan its
    rest. `week_demand`: planning.scenario_demand (ds, channel, contacts, aht_seconds); `roster`: the week's;
    `absent`: agents off sick today (their shifts of the day are dropped, before and after, and they are not
    called in). The simulations run on `executor` (planning.execution.open_executor), else on a local process pool
    of options.workers."""
    t0 = time.perf_counter()
    progress = progress or no_progress
    now = pd.Timestamp(now)
    day = (now.normalize() - pd.Timestamp(scenario.start)).days
    if not 0 <= day < scenario.days:
        raise InputError([Problem("now", f"{now.date()} is not a day of the scenario's week "
                                         f"({scenario.start} + {scenario.days} days)")], "invalid intraday input")
    now_s = (now - pd.Timestamp(scenario.start)).total_seconds()
    absent = frozenset(absent)
    unknown = sorted(absent - {s.agent for s in roster.shifts} - {a.id for a in (agents or [])})
    if unknown:
        raise InputError([Problem("absent", f"agent '{a}' is not in the roster") for a in unknown],
                         "invalid intraday input")
    if absent:
        roster = Roster(roster.week_start, [s for s in roster.shifts if not (
            s.agent in absent and day * DAY <= s.start_s < (day + 1) * DAY)])
    progress(0.02, "reforecast")
    priors = history_priors(scenario) if priors is None else priors
    fc = week_demand.rename(columns={"contacts": "yhat"})
    # Channels without actuals run to forecast: only those with counts are reforecast.
    refc = reforecast(fc, actuals, now, priors)
    refc = refc[refc["channel"].isin(set(actuals["channel"]))]
    day_sc = day_scenario(scenario, day)
    demand = day_demand(scenario, week_demand, refc, day)
    req = requirements(day_sc, demand)
    required = {c: on_duty(req[req["channel"] == c]["agents"].to_numpy(float), scenario)
                for c in scenario.human_channels()}
    progress(0.08, "candidate actions")
    candidates = candidate_actions(scenario, roster, now_s, options, agents=agents, absent=absent)
    ctx = DayContext(scenario, roster, now, day, day_sc, demand, refc, required, candidates)
    workers = min(options.certify_replications, os.cpu_count() or 1) if options.workers is None else options.workers
    with executor_or_local(executor, workers) as pool:
        return _replan(ctx, options=options, progress=progress, pool=pool, t0=t0)


def _replan(ctx: DayContext, *, options: Options, progress: Progress, pool: Executor | None,
            t0: float) -> IntradayPlan:
    """The loop (choose, check from the state at now, raise the missed intervals) and the certification."""
    raise_by = {c: np.zeros(ctx.scenario.intervals_per_day) for c in ctx.required}
    misses = {c: np.zeros(ctx.scenario.intervals_per_day) for c in ctx.required}
    rounds: list[RoundRecord] = []
    best = None
    for k in range(options.rounds):
        sub = scaled(progress, 0.1 + 0.6 * k / options.rounds, 0.1 + 0.6 * (k + 1) / options.rounds)
        sub(0.0, f"round {k + 1}: choosing actions")
        choice = choose_actions(ctx.scenario, ctx.roster, ctx.now_s,
                                {c: ctx.required[c] + raise_by[c] for c in ctx.required}, ctx.candidates,
                                settings=options)
        new_roster = apply_actions(ctx.roster, choice.actions)
        sub(0.3, f"round {k + 1}: simulating from the state at {ctx.now:%H:%M}")
        judged = simulate_rest(ctx.day_sc, ctx.day_rosters(new_roster), ctx.demand, ctx.now_day_s,
                               options.check_replications, seed=options.seed, executor=pool)[1]
        shares = target_shares(ctx.day_sc, judged)
        cost = sum(a.cost for a in choice.actions)
        ok = all(v is None or v >= options.target_share for v in shares.values())
        worst = min((v for v in shares.values() if v is not None), default=1.0)
        rounds.append(RoundRecord(k + 1, choice.status, choice.shortfall_hours_before, choice.shortfall_hours_after,
                                  choice.cost, len(choice.actions), shares, ok))
        key = (0 if ok else 1, cost if ok else -worst)
        if best is None or key < best[0]:
            best = (key, choice.actions, new_roster)
        if ok and k > 0 and rounds[-2].meets:
            break
        _raise_missed(ctx, judged, options.raise_agents, misses=misses, raise_by=raise_by)
    _, chosen, new_roster = best
    progress(0.75, f"certifying on {options.certify_replications} fresh replications")
    before, after = simulate_rest(ctx.day_sc, ctx.day_rosters(new_roster), ctx.demand, ctx.now_day_s,
                                  options.certify_replications, seed=certification_seed(options.seed), executor=pool)
    progress(1.0, "done")
    return IntradayPlan(chosen, new_roster, ctx.refc, before, after, target_shares(ctx.day_sc, before),
                        target_shares(ctx.day_sc, after), round(sum(a.hours for a in chosen if a.hours > 0), 2),
                        round(-sum(a.hours for a in chosen if a.hours < 0), 2), rounds, len(ctx.candidates),
                        round(time.perf_counter() - t0, 1))


def _raise_missed(ctx: DayContext, judged: pd.DataFrame, raise_agents: float, *, misses: dict[str, np.ndarray],
                  raise_by: dict[str, np.ndarray]) -> None:
    """Count each judged interval that missed a target in `misses` and raise its requirement in `raise_by` by
    `raise_agents` available agents per miss so far (growing, as the schedule loop re-sizes): the analytic
    requirement knows nothing of the queue carried in from the morning."""
    step = ctx.scenario.interval_minutes * 60.0
    for c in ctx.required:
        own = judged[(judged["channel"] == c) & ~judged["meets"]]
        for ds in own["ds"]:
            i = int(round((pd.Timestamp(ds) - pd.Timestamp(ctx.day_sc.start)).total_seconds() / step))
            misses[c][i] += 1
            raise_by[c][i] += raise_agents * misses[c][i] / (1 - ctx.scenario.shrinkage)
