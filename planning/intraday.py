"""Re-plan the rest of today: reforecast from the day so far, then choose supervisor actions by CP-SAT over their
effect on coverage and their cost, check them by simulating from the state at `now`, and certify before/after on
fresh customers.

The day is simulated on its own (a one-day scenario from 00:00, the roster's shifts of that day): for each
replication the morning runs once on the published roster with demand = the actual contacts so far (as rates),
its state at `now` is captured (sim.state: lines, backlog, who is busy until when, who is on shift or in aux) and
the rest of the day is resumed from that state on the unchanged roster and on the re-planned one, with the same
customers (common random numbers), the rest of the day's demand being the reforecast.

Candidate actions (each checked against the labour rules before it is offered, see the `*_problems` functions):
- overtime: extend a shift still running (or not started) at its end by 30-120 minutes, up to `latest_end`,
  within the agent's max_hours_per_week and min_rest_hours before the next day's shift;
- start early: bring forward a shift that starts at least `notice` after now, within earliest_start and the
  rest after the previous day's shift;
- voluntary time off (VTO): end a running or later shift early, from a point at least `notice` after now;
- move a lunch or break that has not started to another position of its window (optimizer.templates.shape: the
  windows the shift selection used), after now, clear of the shift's other breaks;
- call in an agent with no shift today for a shift of an allowed length starting at least `notice` after now,
  legal for the agent's week (one shift a day, max shifts, max hours, min rest, max consecutive days,
  unavailability: optimizer.roster_rules).

Choice (CP-SAT, at most one action per shift or called-in agent): per interval of the rest of the day and per set
S of human channels, shortfall_S >= requirement_S - coverage_S (Hall's condition of the pooled requirement, as
the shift model states it), requirement = optimizer.requirements on the reforecast (agents on duty, after
shrinkage), coverage = agents of the groups holding a skill in S on duty (shift less lunch and breaks), each
action adding its own change of coverage. Minimise shortfall_weight x shortfall (agent-hours) + cost of paid
hours (overtime and call-ins at `premium` x hourly_cost, VTO saving hourly_cost) + a small cost per move.

Check: the chosen plan is simulated from the state at now (`check_replications`); rest-of-day intervals missing
a target raise that interval's requirement (`raise_agents` per miss so far), and the choice is solved again,
up to `rounds`; the cheapest plan whose every channel meets its targets in `target_share` of the rest-of-day
intervals is kept (else the one closest). Certified: the unchanged and the re-planned roster simulated from the
state at now on `certify_replications` fresh replications (seed + 1000).

Times are seconds from the scenario week's start unless named otherwise; hours are paid hours.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from forecasting.intraday import DayFactorPrior, learn_prior_from_grid, reforecast
from optimizer.agents import Agent, generate_agents
from optimizer.requirements import on_duty, requirements
from optimizer.roster_rules import rule_breaks, shift_type
from optimizer.solver import run_cp_sat
from optimizer.templates import shape
from scenarios import InputError, Problem, Roster, Scenario, Shift, week_intervals
from scenarios.model import clock_minutes
from scenarios.progress import Progress, no_progress, scaled
from sim import Resume, build_result, build_spec, judge, replicate

from .execution import executor_or_local

DAY = 86400.0
ACTION_COLUMNS = ["agent", "skill_group", "action", "start", "end", "hours", "detail"]


@dataclass(frozen=True)
class Options:
    """Re-planning settings. Minutes are clock minutes; `premium` multiplies hourly_cost for added hours."""

    notice_minutes: int = 30            # earliest a changed start, end or call-in may take effect after now
    overtime_minutes: tuple[int, ...] = (30, 60, 90, 120)
    vto_minutes: tuple[int, ...] = (60, 120, 180, 240)
    move_minutes: tuple[int, ...] = (-60, -30, 30, 60)
    call_in_lengths_hours: tuple[float, ...] = (4.0, 6.0)
    premium: float = 1.5
    shortfall_weight: float = 12.0      # per agent-hour short, in units of hourly cost
    move_cost: float = 0.01
    target_share: float = 0.95
    raise_agents: float = 1.0
    rounds: int = 3
    check_replications: int = 12
    certify_replications: int = 40
    seed: int = 1
    effort: float = 2.0
    gap: float = 0.02                   # stop when within 2 % of the best bound (the simulation decides anyway)
    workers: int | None = None


@dataclass
class Action:
    """One supervisor action: `shift` is the index of the roster shift it changes (None for a call-in) and
    `new_shift` the shift after it; hours > 0 added, < 0 released; cost in hourly-cost units; `span` the time it
    changes (seconds from the week start: the overtime, the hours given back, the new break or the called-in
    shift)."""

    agent: str
    skill_group: str
    kind: str
    shift: int | None
    new_shift: Shift
    hours: float
    cost: float
    detail: str
    span: tuple[float, float] = (0.0, 0.0)


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
    rounds: list[dict] = field(default_factory=list)
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


# --- labour-rule checks of each action ------------------------------------------------------------------------

def _agent_week(roster: Roster, agent: str, replace: int | None = None, new: Shift | None = None) -> list[Shift]:
    week = [s for k, s in enumerate(roster.shifts) if s.agent == agent and k != replace]
    return week + ([new] if new is not None else [])


def week_problems(scenario: Scenario, agent: Agent, week: list[Shift]) -> list[str]:
    """The hard labour rules an agent's week of shifts breaks (one shift a day, max shifts, max hours, min rest,
    max consecutive days, unavailability: optimizer.roster_rules), plus shifts outside earliest_start..latest_end.
    A week still short of min_shifts_per_week is not a problem here (the roster was published with it)."""
    rules = scenario.shift_rules
    types = [shift_type(s) for s in week]
    paid = {k: s.paid_seconds / 60 for k, s in zip(types, week)}
    out = list(rule_breaks(agent, types, paid, rules, scenario.days, finished=False))
    earliest, latest = clock_minutes(rules.earliest_start), clock_minutes(rules.latest_end)
    for k in types:
        if k.start_min < earliest or k.end_min > latest:
            out.append(f"shift hours: day {k.day} {k.start_min // 60:02d}:{k.start_min % 60:02d}, "
                       f"{k.length_min} min, outside {rules.earliest_start}-{rules.latest_end}")
    return out


def overtime_problems(scenario: Scenario, roster: Roster, k: int, agent: Agent, minutes: int, now: float,
                      notice_s: float = 0.0) -> list[str]:
    """Why extending shift `k` by `minutes` at its end is not allowed (empty: allowed)."""
    s = roster.shifts[k]
    if s.end_s < now + notice_s:
        return [f"the shift ends before now + notice"]
    new = dataclasses.replace(s, end_s=s.end_s + minutes * 60)
    return week_problems(scenario, agent, _agent_week(roster, s.agent, k, new))


def start_early_problems(scenario: Scenario, roster: Roster, k: int, agent: Agent, minutes: int, now: float,
                         notice_s: float = 0.0) -> list[str]:
    """Why starting shift `k` `minutes` earlier is not allowed (empty: allowed)."""
    s = roster.shifts[k]
    if s.start_s - minutes * 60 < now + notice_s:
        return ["the new start is before now + notice"]
    new = dataclasses.replace(s, start_s=s.start_s - minutes * 60)
    return week_problems(scenario, agent, _agent_week(roster, s.agent, k, new))


def vto_shift(s: Shift, new_end: float) -> Shift:
    """Shift `s` ended at `new_end`: lunch and breaks after it dropped, one straddling it cut off."""
    lunch = s.lunch if s.lunch and s.lunch[1] <= new_end else None
    breaks = [b for b in s.breaks if b[1] <= new_end]
    return dataclasses.replace(s, end_s=new_end, lunch=lunch, breaks=breaks)


def vto_problems(s: Shift, new_end: float, now: float, notice_s: float = 0.0) -> list[str]:
    """Why ending shift `s` at `new_end` is not allowed: before now + notice, not inside the shift, or in the
    middle of its lunch or a break."""
    out = []
    if new_end < now + notice_s:
        out.append("the new end is before now + notice")
    if not s.start_s < new_end < s.end_s:
        out.append("the new end is not inside the shift")
    for a, b in ([s.lunch] if s.lunch else []) + list(s.breaks):
        if a < new_end < b:
            out.append("the new end falls in a lunch or break")
    return out


def cut_windows(scenario: Scenario, s: Shift) -> tuple[list[float], list[list[float]]]:
    """Allowed starts (seconds from the week start) of the shift's lunch and of each break: the windows the
    shift selection placed them in (optimizer.templates.shape for the shift's length, at the interval step)."""
    length = int(round((s.end_s - s.start_s) / 60))
    _, lunch, breaks = shape(scenario.shift_rules, length, scenario.interval_minutes)
    return [s.start_s + o * 60 for o in lunch], [[s.start_s + o * 60 for o in w] for w in breaks]


def move_problems(scenario: Scenario, s: Shift, which: str, j: int, new_start: float, now: float) -> list[str]:
    """Why moving the shift's lunch (`which` = "lunch") or break j to start at `new_start` is not allowed: it has
    started or would start before now, leaves its window, or overlaps another lunch or break."""
    lunch_w, break_w = cut_windows(scenario, s)
    old = s.lunch if which == "lunch" else (s.breaks[j] if j < len(s.breaks) else None)
    if old is None:
        return [f"the shift has no {which} {j}"]
    out = []
    if old[0] < now or new_start < now:
        out.append(f"the {which} has started or would start before now")
    window = lunch_w if which == "lunch" else (break_w[j] if j < len(break_w) else [])
    if not any(abs(new_start - w) < 1e-6 for w in window):
        out.append(f"{which} at {_clock(new_start)} is outside its window "
                   f"({', '.join(_clock(w) for w in window[:1] + window[-1:]) or 'none'})")
    length = old[1] - old[0]
    others = ([s.lunch] if s.lunch and which != "lunch" else []) + [b for i, b in enumerate(s.breaks)
                                                                    if which == "lunch" or i != j]
    if any(a < new_start + length and new_start < b for a, b in others):
        out.append(f"{which} at {_clock(new_start)} overlaps another lunch or break")
    return out


def call_in_problems(scenario: Scenario, roster: Roster, agent: Agent, new: Shift, now: float,
                     notice_s: float = 0.0) -> list[str]:
    """Why calling `agent` in for shift `new` is not allowed (empty: allowed)."""
    out = []
    if new.start_s < now + notice_s:
        out.append("the shift starts before now + notice")
    return out + week_problems(scenario, agent, _agent_week(roster, agent.id, None, new))


def _clock(t: float) -> str:
    m = int(round(t / 60)) % 1440
    return f"{m // 60:02d}:{m % 60:02d}"


# --- candidates ----------------------------------------------------------------------------------------------

def _contracts(scenario: Scenario, roster: Roster, agents: list[Agent] | None) -> dict[str, Agent]:
    out = {a.id: a for a in (agents or generate_agents(scenario))}
    for s in roster.shifts:
        if s.agent not in out:
            g = scenario.skill_groups[s.skill_group]
            out[s.agent] = Agent(s.agent, s.skill_group, g.min_hours_per_week, g.max_hours_per_week)
    return out


def candidate_actions(scenario: Scenario, roster: Roster, day: int, now: float, options: Options = Options(),
                      agents: list[Agent] | None = None, absent: frozenset[str] = frozenset()) -> list[Action]:
    """Every legal action for the rest of day `day` (0 = the week's first) from `now` (seconds from week start);
    agents in `absent` are not called in."""
    contracts = _contracts(scenario, roster, agents)
    rules = scenario.shift_rules
    notice = options.notice_minutes * 60.0
    day_end = (day + 1) * DAY
    step = scenario.interval_minutes * 60.0
    out: list[Action] = []
    for k, s in enumerate(roster.shifts):
        if not (day * DAY <= s.start_s < day_end) or s.end_s <= now:
            continue
        agent = contracts[s.agent]
        rate = scenario.skill_groups[s.skill_group].hourly_cost
        for m in options.overtime_minutes:
            if not overtime_problems(scenario, roster, k, agent, m, now, notice):
                new = dataclasses.replace(s, end_s=s.end_s + m * 60)
                out.append(Action(s.agent, s.skill_group, "overtime", k, new, m / 60, options.premium * rate * m / 60,
                                  f"work until {_clock(new.end_s)} instead of {_clock(s.end_s)}",
                                  (s.end_s, new.end_s)))
        for m in options.overtime_minutes:
            if not start_early_problems(scenario, roster, k, agent, m, now, notice):
                new = dataclasses.replace(s, start_s=s.start_s - m * 60)
                out.append(Action(s.agent, s.skill_group, "start early", k, new, m / 60,
                                  options.premium * rate * m / 60,
                                  f"start at {_clock(new.start_s)} instead of {_clock(s.start_s)}",
                                  (new.start_s, s.start_s)))
        for m in options.vto_minutes:
            new_end = s.end_s - m * 60
            if not vto_problems(s, new_end, now, notice):
                new = vto_shift(s, new_end)
                saved = (s.paid_seconds - new.paid_seconds) / 3600
                out.append(Action(s.agent, s.skill_group, "voluntary time off", k, new, -saved, -rate * saved,
                                  f"leave at {_clock(new_end)} instead of {_clock(s.end_s)}", (new_end, s.end_s)))
        cuts = ([("lunch", 0, s.lunch)] if s.lunch else []) + [("break", j, b) for j, b in enumerate(s.breaks)]
        for which, j, (a, b) in cuts:
            for m in options.move_minutes:
                t = a + m * 60
                if move_problems(scenario, s, which, j, t, now):
                    continue
                if which == "lunch":
                    new = dataclasses.replace(s, lunch=(t, t + b - a))
                else:
                    br = list(s.breaks)
                    br[j] = (t, t + b - a)
                    new = dataclasses.replace(s, breaks=sorted(br))
                out.append(Action(s.agent, s.skill_group, f"move {which}", k, new, 0.0, options.move_cost,
                                  f"{which} {_clock(a)}-{_clock(b)} -> {_clock(t)}-{_clock(t + b - a)}",
                                  (t, t + b - a)))
    # Call-ins: agents without a shift today, each for one legal shift of an allowed length.
    working_today = {s.agent for s in roster.shifts if day * DAY <= s.start_s < day_end}
    earliest = day * DAY + clock_minutes(rules.earliest_start) * 60
    latest = day * DAY + clock_minutes(rules.latest_end) * 60
    first = max(earliest, np.ceil((now + notice) / step) * step)
    start_step = rules.start_every_minutes * 60.0
    for agent in sorted(contracts.values(), key=lambda a: a.id):
        if agent.id in working_today or agent.id in absent:
            continue
        rate = scenario.skill_groups[agent.skill_group].hourly_cost
        for length_h in options.call_in_lengths_hours:
            for start in np.arange(first, latest - length_h * 3600 + 1, start_step * 2):
                new = _called_shift(scenario, agent, float(start), length_h)
                if call_in_problems(scenario, roster, agent, new, now, notice):
                    continue
                hours = new.paid_seconds / 3600
                out.append(Action(agent.id, agent.skill_group, "call in", None, new, hours,
                                  options.premium * rate * hours,
                                  f"called in {_clock(new.start_s)}-{_clock(new.end_s)}",
                                  (new.start_s, new.end_s)))
    return out


def _called_shift(scenario: Scenario, agent: Agent, start: float, length_h: float) -> Shift:
    """A called-in shift with lunch and breaks at the first positions of their windows."""
    rules = scenario.shift_rules
    length = int(round(length_h * 60))
    lunch_min, lunch, breaks = shape(rules, length, scenario.interval_minutes)
    lunch_span = (start + lunch[0] * 60, start + (lunch[0] + lunch_min) * 60) if lunch_min and lunch else None
    br = [(start + w[len(w) // 2] * 60, start + (w[len(w) // 2] + rules.breaks_minutes) * 60) for w in breaks]
    return Shift(agent.id, agent.skill_group, start, start + length * 60, lunch_span, br, rules.paid_lunch)


# --- coverage and the choice ---------------------------------------------------------------------------------

def on_duty_coverage(shift: Shift, n: int, step: float, offset: float = 0.0) -> np.ndarray:
    """Share of each of `n` intervals (from `offset` seconds) the shift's agent is on duty (work periods)."""
    out = np.zeros(n)
    for a, b in shift.work_periods():
        a, b = a - offset, b - offset
        i = int(max(a // step, 0))
        while i < n and i * step < b:
            out[i] += max(0.0, min(b, (i + 1) * step) - max(a, i * step)) / step
            i += 1
    return out


def _channel_sets(scenario: Scenario) -> list[tuple[str, ...]]:
    human = scenario.human_channels()
    return [c for r in range(1, len(human) + 1) for c in itertools.combinations(human, r)]


def choose_actions(scenario: Scenario, roster: Roster, day: int, now: float, required: dict[str, np.ndarray],
                   candidates: list[Action], options: Options = Options()) -> tuple[list[Action], dict]:
    """CP-SAT over the candidates. `required`: on-duty agents needed per channel per interval of the day.
    Returns the chosen actions and a summary (status, shortfall agent-hours before and after, cost)."""
    step = scenario.interval_minutes * 60.0
    n = scenario.intervals_per_day
    first = int(np.ceil((now - day * DAY) / step - 1e-9))
    offset = day * DAY
    groups = list(scenario.skill_groups)
    skills = {g: set(scenario.skill_groups[g].skills) for g in groups}
    cov = {g: np.zeros(n) for g in groups}
    for s in roster.shifts:
        if s.end_s > offset and s.start_s < offset + DAY:
            cov[s.skill_group] += on_duty_coverage(s, n, step, offset)
    sets = _channel_sets(scenario)
    holding = {S: [g for g in groups if skills[g] & set(S)] for S in sets}
    scale = 100                                         # hundredths of an agent
    deltas = []
    for a in candidates:
        new = on_duty_coverage(a.new_shift, n, step, offset)
        old = on_duty_coverage(roster.shifts[a.shift], n, step, offset) if a.shift is not None else 0.0
        deltas.append(np.round((new - old) * scale).astype(int))
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(candidates))]
    by_owner: dict = {}
    for i, a in enumerate(candidates):
        by_owner.setdefault(a.shift if a.shift is not None else ("call", a.agent), []).append(x[i])
    for members in by_owner.values():
        model.add_at_most_one(members)
    short_terms, before_short = [], 0.0
    for S in sets:
        need = sum(required[c] for c in S)
        have = sum(cov[g] for g in holding[S])
        for t in range(first, n):
            gap = int(np.ceil((need[t] - have[t]) * scale))
            touching = [(i, int(deltas[i][t])) for i, a in enumerate(candidates)
                        if a.skill_group in holding[S] and deltas[i][t] != 0]
            if gap <= 0 and not any(d < 0 for _, d in touching):
                continue
            before_short += max(gap, 0) / scale * step / 3600
            y = model.new_int_var(0, max(gap, 0) + sum(-d for _, d in touching if d < 0), f"s{len(short_terms)}")
            model.add(y + sum(d * x[i] for i, d in touching) >= gap)
            short_terms.append(y)
    weight = options.shortfall_weight * step / 3600     # per hundredth of an agent for one interval, x scale
    objective = sum(int(round(weight * scale)) * y for y in short_terms)
    objective += sum(int(round(a.cost * scale * scale)) * x[i] for i, a in enumerate(candidates))
    model.minimize(objective)
    run = run_cp_sat(model, options.effort, gap=options.gap)
    if not run.found:
        return [], {"status": run.status, "shortfall_hours_before": before_short}
    chosen = [a for i, a in enumerate(candidates) if run.solver.value(x[i])]
    after_short = sum(run.solver.value(y) for y in short_terms) / scale * step / 3600
    return chosen, {"status": run.status, "shortfall_hours_before": round(before_short, 2),
                    "shortfall_hours_after": round(after_short, 2), "cost": round(sum(a.cost for a in chosen), 2)}


def apply_actions(roster: Roster, actions: list[Action]) -> Roster:
    """The roster with the actions applied (changed shifts replaced, called-in shifts added)."""
    shifts = list(roster.shifts)
    for a in actions:
        if a.shift is None:
            shifts.append(a.new_shift)
        else:
            shifts[a.shift] = a.new_shift
    return Roster(roster.week_start, shifts)


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
                  seed: int, executor: Executor | None = None) -> list[pd.DataFrame]:
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


def _shares(day_sc: Scenario, judged: pd.DataFrame) -> dict[str, float | None]:
    from scenarios import open_mask, interval_index
    out = {}
    for c in day_sc.human_channels():
        own = judged[judged["channel"] == c]
        pos = interval_index(day_sc, own["ds"])
        own = own[open_mask(day_sc, c)[pos]]
        out[c] = float(own["meets"].mean()) if len(own) else None
    return out


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


def replan_day(scenario: Scenario, roster: Roster, week_demand: pd.DataFrame, actuals: pd.DataFrame,
               now: pd.Timestamp, options: Options = Options(), agents: list[Agent] | None = None,
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
    now_day_s = now_s - day * DAY
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
    candidates = candidate_actions(scenario, roster, day, now_s, options, agents, absent)
    workers = min(options.certify_replications, os.cpu_count() or 1) if options.workers is None else options.workers
    with executor_or_local(executor, workers) as pool:
        return _replan(scenario, roster, options, progress, now, day, now_day_s, day_sc, demand, refc, required,
                       candidates, pool, t0)


def _replan(scenario, roster, options, progress, now, day, now_day_s, day_sc, demand, refc, required, candidates,
            pool, t0) -> IntradayPlan:
    now_s = now_day_s + day * DAY
    base_day = day_roster(roster, day, day_sc.start)
    raise_by = {c: np.zeros(scenario.intervals_per_day) for c in required}
    misses = {c: np.zeros(scenario.intervals_per_day) for c in required}
    step = scenario.interval_minutes * 60.0
    rounds, best = [], None
    for k in range(options.rounds):
        sub = scaled(progress, 0.1 + 0.6 * k / options.rounds, 0.1 + 0.6 * (k + 1) / options.rounds)
        sub(0.0, f"round {k + 1}: choosing actions")
        chosen, info = choose_actions(scenario, roster, day, now_s, {c: required[c] + raise_by[c] for c in required},
                                      candidates, options)
        new_roster = apply_actions(roster, chosen)
        sub(0.3, f"round {k + 1}: simulating from the state at {now:%H:%M}")
        judged = simulate_rest(day_sc, [base_day, day_roster(new_roster, day, day_sc.start)], demand, now_day_s,
                               options.check_replications, options.seed, pool)[1]
        shares = _shares(day_sc, judged)
        cost = sum(a.cost for a in chosen)
        ok = all(v is None or v >= options.target_share for v in shares.values())
        worst = min((v for v in shares.values() if v is not None), default=1.0)
        rounds.append({"round": k + 1, **info, "actions": len(chosen), "shares": shares, "meets": ok})
        key = (0 if ok else 1, cost if ok else -worst)
        if best is None or key < best[0]:
            best = (key, chosen, new_roster)
        if ok and k > 0 and rounds[-2]["meets"]:
            break
        # Raise the intervals that missed by `raise_agents` available agents per miss so far (growing, as the
        # schedule loop re-sizes): the analytic requirement knows nothing of the queue carried in from the morning.
        for c in required:
            own = judged[(judged["channel"] == c) & ~judged["meets"]]
            for ds in own["ds"]:
                i = int(round((pd.Timestamp(ds) - pd.Timestamp(day_sc.start)).total_seconds() / step))
                misses[c][i] += 1
                raise_by[c][i] += options.raise_agents * misses[c][i] / (1 - scenario.shrinkage)
    _, chosen, new_roster = best
    progress(0.75, f"certifying on {options.certify_replications} fresh replications")
    before, after = simulate_rest(day_sc, [base_day, day_roster(new_roster, day, day_sc.start)], demand, now_day_s,
                                  options.certify_replications, options.seed + 1000, pool)
    progress(1.0, "done")
    return IntradayPlan(chosen, new_roster, refc, before, after, _shares(day_sc, before), _shares(day_sc, after),
                        round(sum(a.hours for a in chosen if a.hours > 0), 2),
                        round(-sum(a.hours for a in chosen if a.hours < 0), 2), rounds, len(candidates),
                        round(time.perf_counter() - t0, 1))
