"""Planned activities (scenarios.activities: meetings, coaching, training) placed inside the rostered shifts.

After the roster is made, each participant's activities of each week go into their shifts (whole, between lunch
and breaks, inside the activity's days and window, at most one of an activity a day, never two at once), where
their skill group's coverage has the most surplus over the requirement. One CP-SAT model places them all:

- a candidate is an activity at a start (a 15-minute grid) inside one shift; x = 1 places it there;
- per participant, week and activity at most `per_week` placed; each one left out costs PLACE_WEIGHT (so every
  activity that fits somewhere is placed);
- surplus is Hall's slack of the pooled coverage (optimizer.pooling): for each channel set S and interval, the
  available agents of the groups serving S less the requirement of S; an agent of group g in an activity takes
  from every set g serves. Minutes that push a set below its requirement cost SHORT_WEIGHT each; otherwise each
  minute costs what its group's slack in that interval lies below the week's best (tenths of an agent; so the
  emptiest intervals go first);
- a group session (`seats`): its participants at one start attend together, at most `seats`; each session held
  costs as much as half its seats' minutes short of the requirement (`session_weight`): agents gather in as
  few sessions as their shifts allow unless that leaves the queues shorter than that.

Deterministic: one worker, a fixed seed, an effort budget (EFFORT_SHARE of the stage's; optimizer.solver).
Shift selection makes room for the activities beforehand (`activity_reserve`): their minutes are added to the
requirement, spread over their days and windows, so the roster has the surplus to hold them. `place_activities` raises
InputError naming the activity and agents when an activity cannot fit in any shift an agent could work.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scenarios import (Activity, ActivitySpec, Agent, InputError, Problem, Roster, Scenario, Shift, format_clock,
                       interval_index, week_intervals)

from .pooling import coverage_sets
from .requirements import requirement_arrays
from .rule_catalogue import check_targets
from .solver import Budget, RecordingModel, run_from_partial_hint
from .templates import group_open_mask, shift_templates

GRID_S = 900              # candidate starts every 15 minutes
SHORT_WEIGHT = 1000       # per on-duty agent-minute an activity takes below a channel set's requirement
SESSION_SHARE = 0.5       # a session held costs this share of its seats' minutes short (SHORT_WEIGHT each)
WEEK_DAYS = 7
EFFORT_SHARE = 0.2        # of a solver stage's effort: the placement's (its last percent costs far more than it gives)


@dataclass(frozen=True)
class PlacedActivity:
    agent: str
    activity: str
    date: str
    start: str
    end: str


@dataclass(frozen=True)
class UnplacedActivity:
    """An activity of an agent that found no place in a week, and why."""

    agent: str
    activity: str
    week: int        # 1 = the horizon's first 7 days
    why: str


@dataclass
class ActivityPlacement:
    """The roster with its activities placed, each placed one, each left out with its reason, and warnings."""

    roster: Roster
    placed: list[PlacedActivity] = field(default_factory=list)
    unplaced: list[UnplacedActivity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"activities: {len(self.placed)} placed"
        if self.unplaced:
            text += f", {len(self.unplaced)} could not be: " + "; ".join(
                f"{u.activity} for {u.agent} in week {u.week} ({u.why})" for u in self.unplaced[:5])
            if len(self.unplaced) > 5:
                text += f" and {len(self.unplaced) - 5} more (in the JSON)"
        return text

    def to_json(self) -> dict:
        return {"placed": len(self.placed), "not_placed": [vars(u) for u in self.unplaced],
                "activities": [vars(p) for p in self.placed]}


@dataclass(frozen=True)
class _Candidate:
    spec: int          # index into scenario.activities
    agent: str
    shift: int         # index into the roster's shifts
    start_s: float
    end_s: float
    week: int
    day: int


def place_activities(scenario: Scenario, roster: Roster, requirement: pd.DataFrame, agents: list[Agent], *,
                     budget: Budget = Budget(), kept: Sequence[Shift] = ()) -> ActivityPlacement:
    """The roster with the scenario's activities placed inside its shifts (module docstring); the same roster
    when the scenario has none. `requirement`: available agents per interval and channel (ds, channel, agents),
    the one the roster was planned for. `kept`: shifts of the roster left exactly as they are (locked rows, the
    same objects); the activities they hold count towards their agent's week."""
    specs = list(scenario.activities or [])
    if not specs:
        return ActivityPlacement(roster)
    check_activities(scenario, agents, specs)
    groups = {a.id: a.skill_group for a in agents}
    groups.update({s.agent: s.skill_group for s in roster.shifts if s.agent not in groups})
    fixed = {id(s) for s in kept}
    candidates = [c for c in _candidates(scenario, roster, specs, groups) if id(roster.shifts[c.shift]) not in fixed]
    chosen, status = _solve(scenario, roster, requirement, specs, candidates, groups, budget)
    shifts = [s if id(s) in fixed else copy.copy(s) for s in roster.shifts]
    for s in shifts:
        if id(s) not in fixed:
            s.activities = list(s.activities)
    placed = []
    base = pd.Timestamp(roster.week_start)
    for c in chosen:
        shift = shifts[c.shift]
        shift.activities = sorted([*shift.activities, Activity(specs[c.spec].name, c.start_s, c.end_s)],
                                  key=lambda a: a.start_s)
        day = base + pd.Timedelta(seconds=shift.start_s)
        placed.append(PlacedActivity(c.agent, specs[c.spec].name, day.strftime("%Y-%m-%d"),
                                     format_clock(c.start_s), format_clock(c.end_s)))
    out = ActivityPlacement(Roster(roster.week_start, shifts), sorted(placed, key=lambda p: (p.agent, p.date,
                                                                                            p.start)))
    out.unplaced = _left_out(scenario, roster, specs, groups, candidates, chosen, status)
    out.warnings = _warnings(scenario, out)
    return out


def activity_reserve(scenario: Scenario, agents: list[Agent], requirement: pd.DataFrame) -> pd.DataFrame:
    """The requirement (ds, channel, agents: available agents) with room for the activities, so shift selection
    plans the on-duty time they take: each activity's minutes (per week, times its participants of a group)
    spread evenly over the open intervals of its days and window, added to the first channel the group serves,
    in available agents (an agent in an activity is not on the queues, so shrinkage does not apply to that time).
    The same table when the scenario has no activities."""
    specs = scenario.activities or []
    if not specs:
        return requirement
    idx = week_intervals(scenario)
    minute = (idx.hour * 60 + idx.minute).to_numpy()
    weekday = idx.weekday.to_numpy()
    week = ((idx - idx[0]).days // WEEK_DAYS).to_numpy()
    extra: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(scenario.n_intervals))
    for spec in specs:
        lo, hi = spec.window_min
        inside = np.isin(weekday, list(spec.weekdays)) & (minute >= lo) & (minute < hi)
        for g, group in scenario.skill_groups.items():
            n = sum(1 for a in agents if a.skill_group == g and spec.takes_part(a.id, g))
            where = inside & group_open_mask(scenario, g)
            if not n:
                continue
            for w in np.unique(week[where]):
                here = where & (week == w)
                agents_on = n * spec.per_week * spec.minutes / (here.sum() * scenario.interval_minutes)
                extra[group.routing_order()[0]][here] += agents_on * (1 - scenario.shrinkage)
    out = requirement.copy()
    pos = interval_index(scenario, out["ds"])
    for channel, add in extra.items():
        rows = (out["channel"] == channel).to_numpy() & (pos >= 0)
        out.loc[rows, "agents"] = out.loc[rows, "agents"].to_numpy(float) + add[pos[rows]]
    return out


def check_activities(scenario: Scenario, agents: list[Agent], specs: list[ActivitySpec]) -> None:
    """InputError naming the field for an unknown skill group or agent, and naming the activity and agents for an
    activity longer than any shift the agent could work on its days and in its window."""
    check_targets(scenario, agents, specs, "activities", "invalid activities")
    problems = []
    first = scenario.start.weekday()
    for i, spec in enumerate(specs):
        lo, hi = spec.window_min
        fits_by_group = {}
        for g in scenario.skill_groups:
            fits_by_group[g] = [t for t in shift_templates(scenario, g)
                                if (first + t.day) % WEEK_DAYS in spec.weekdays
                                and min(t.end_min, hi) - max(t.start_min, lo) >= spec.minutes]
        cannot = [a.id for a in agents if spec.takes_part(a.id, a.skill_group)
                  and not any(a.can_work(t.day, t.start_min, t.end_min) for t in fits_by_group[a.skill_group])]
        if cannot:
            problems.append(Problem(f"activities[{i}]", f"'{spec.name}' ({spec.minutes} min, {spec.window}"
                                    f"{', ' + '/'.join(spec.days) if spec.days else ''}) cannot fit in any shift "
                                    f"these agents can work: " + ", ".join(cannot[:20])
                                    + (f" and {len(cannot) - 20} more" if len(cannot) > 20 else "")))
    if problems:
        raise InputError(problems, "activities that cannot fit")


def _candidates(scenario: Scenario, roster: Roster, specs: list[ActivitySpec], groups: dict[str, str]
                ) -> list[_Candidate]:
    first = scenario.start.weekday()
    out = []
    for k, shift in enumerate(roster.shifts):
        day = int(shift.start_s // 86400)
        midnight = day * 86400.0
        spans = shift.work_periods()     # lunch, breaks and activities already there taken out
        for i, spec in enumerate(specs):
            if not spec.takes_part(shift.agent, groups.get(shift.agent, shift.skill_group)):
                continue
            if (first + day) % WEEK_DAYS not in spec.weekdays:
                continue
            lo, hi = spec.window_min
            length = spec.minutes * 60
            for a, b in spans:
                start = np.ceil(max(a, midnight + lo * 60) / GRID_S) * GRID_S
                while start + length <= min(b, midnight + hi * 60) + 1e-9:
                    out.append(_Candidate(i, shift.agent, k, float(start), float(start + length), day // WEEK_DAYS,
                                          day))
                    start += GRID_S
    return out


def _slack(scenario: Scenario, roster: Roster, requirement: pd.DataFrame
           ) -> tuple[list[tuple[frozenset[str], list[str]]], np.ndarray]:
    """Hall's slack per channel set and interval in on-duty agent-minutes: (sets, array sets x intervals)."""
    sets = coverage_sets(scenario)
    groups = list(scenario.skill_groups)
    on_duty = roster.availability(scenario)["agents"].to_numpy(float).reshape(scenario.n_intervals, len(groups))
    keep = 1.0 - scenario.shrinkage
    req = requirement_arrays(scenario, requirement)
    out = np.zeros((len(sets), scenario.n_intervals))
    for j, (s, serving) in enumerate(sets):
        avail = sum(on_duty[:, groups.index(g)] for g in serving) if serving else np.zeros(scenario.n_intervals)
        need = sum(np.asarray(req[c], float) for c in s) / keep
        out[j] = (avail - need) * scenario.interval_minutes
    return sets, out


def _solve(scenario: Scenario, roster: Roster, requirement: pd.DataFrame, specs: list[ActivitySpec],
           candidates: list[_Candidate], groups: dict[str, str], budget: Budget
           ) -> tuple[list[_Candidate], str]:
    if not candidates:
        return [], "NO_CANDIDATES"
    model = RecordingModel()
    x = [model.new_bool_var(f"x{n}") for n in range(len(candidates))]
    cost = []
    held = _held(roster, specs)
    by_need: dict[tuple, list[int]] = defaultdict(list)
    by_day: dict[tuple, list[int]] = defaultdict(list)
    by_slot: dict[tuple, list[int]] = defaultdict(list)
    for n, c in enumerate(candidates):
        by_need[(c.spec, c.agent, c.week)].append(n)
        by_day[(c.spec, c.agent, c.day)].append(n)
        for t in _slots(c):
            by_slot[(c.agent, t)].append(n)
    for (i, agent, week), members in by_need.items():
        room = max(0, specs[i].per_week - held.get((i, agent, week), 0))
        model.add(sum(x[n] for n in members) <= room)
        # each one left out of the week's `room` costs more than any shortfall it could cause
        cost.append(_place_weight(specs[i]) * (room - sum(x[n] for n in members)))
    for members in [*by_day.values(), *by_slot.values()]:
        if len(members) > 1:
            model.add(sum(x[n] for n in members) <= 1)
    _sessions(model, specs, candidates, x, cost)
    load = _coverage(model, scenario, roster, requirement, candidates, x, groups, cost)
    model.minimize(sum(cost))
    start = _greedy(specs, candidates, load, held)
    run = run_from_partial_hint(model, {x[n]: int(n in start) for n in range(len(candidates))},
                                max(budget.effort * EFFORT_SHARE, 0.5), budget.deadline())
    if not run.found:
        return [candidates[n] for n in sorted(start)], f"GREEDY ({run.status})"
    return [c for n, c in enumerate(candidates) if run.solver.value(x[n])], run.status


def _slots(c: _Candidate) -> range:
    """The GRID_S slots of the horizon the candidate takes."""
    return range(int(c.start_s // GRID_S), int(np.ceil(c.end_s / GRID_S)))


def _place_weight(spec: ActivitySpec) -> int:
    return 10 * SHORT_WEIGHT * spec.minutes + 2 * session_weight(spec)


def session_weight(spec: ActivitySpec) -> int:
    """What holding one more session of a group activity costs (0 for one taken alone)."""
    return int(SESSION_SHARE * SHORT_WEIGHT * spec.minutes * spec.seats) if spec.seats else 0


def _held(roster: Roster, specs: list[ActivitySpec]) -> dict[tuple[int, str, int], int]:
    """Activities the roster's shifts already hold (locked rows), per (activity, agent, week)."""
    names = {s.name: i for i, s in enumerate(specs)}
    out: dict[tuple[int, str, int], int] = defaultdict(int)
    for s in roster.shifts:
        for a in s.activities:
            if a.name in names:
                out[(names[a.name], s.agent, int(s.start_s // 86400) // WEEK_DAYS)] += 1
    return out


def _sessions(model, specs: list[ActivitySpec], candidates: list[_Candidate], x: list, cost: list) -> None:
    """Group sessions: participants at one start attend together, at most `seats`; each session held costs."""
    at: dict[tuple[int, float], list[int]] = defaultdict(list)
    for n, c in enumerate(candidates):
        if specs[c.spec].seats is not None:
            at[(c.spec, c.start_s)].append(n)
    for (i, start), members in sorted(at.items()):
        held = model.new_bool_var(f"session_{i}_{int(start)}")
        model.add(sum(x[n] for n in members) <= specs[i].seats * held)
        cost.append(session_weight(specs[i]) * held)


@dataclass
class _Load:
    """What each candidate takes from the coverage: its position cost, its minutes per (channel set, interval),
    and the room (on-duty minutes of slack) of each."""

    position: list[int]
    takes: list[list[tuple[int, int, int]]]      # per candidate: (set, interval, minutes)
    room: dict[tuple[int, int], int]

    def extra(self, n: int, used: dict[tuple[int, int], int]) -> int:
        """The candidate's cost given the minutes `used` so far: position plus SHORT_WEIGHT per new minute short."""
        short = 0
        for j, t, m in self.takes[n]:
            before = used.get((j, t), 0) - self.room[(j, t)]
            short += max(0, before + m) - max(0, before)
        return self.position[n] + SHORT_WEIGHT * short


def _coverage(model, scenario: Scenario, roster: Roster, requirement: pd.DataFrame, candidates: list[_Candidate],
              x: list, groups: dict[str, str], cost: list) -> _Load:
    """Minutes below a channel set's requirement cost SHORT_WEIGHT; other minutes cost their group's slack gap to
    the week's best interval."""
    sets, slack = _slack(scenario, roster, requirement)
    names = list(scenario.skill_groups)
    length = scenario.interval_minutes * 60
    serves = {g: [j for j, (_, serving) in enumerate(sets) if g in serving] for g in names}
    group_slack = {g: np.min(slack[serves[g]], axis=0) if serves[g] else np.zeros(scenario.n_intervals)
                   for g in names}
    best = {g: float(np.max(v)) for g, v in group_slack.items()}
    load = _Load([0] * len(candidates), [[] for _ in candidates], {})
    taken: dict[tuple[int, int], list] = defaultdict(list)
    for n, c in enumerate(candidates):
        g = groups.get(c.agent)
        for t in range(int(c.start_s // length), int(np.ceil(c.end_s / length))):
            minutes = int(round((min(c.end_s, (t + 1) * length) - max(c.start_s, t * length)) / 60))
            if minutes <= 0 or t >= scenario.n_intervals:
                continue
            # tenths of an agent below the group's best interval, per minute
            load.position[n] += int(round(10 * (best[g] - group_slack[g][t]) / scenario.interval_minutes)) * minutes
            for j in serves[g]:
                taken[(j, t)].append(minutes * x[n])
                load.takes[n].append((j, t, minutes))
        cost.append(load.position[n] * x[n])
    for (j, t), terms in taken.items():
        load.room[(j, t)] = room = max(0, int(np.floor(slack[j, t])))
        short = model.new_int_var(0, 100_000, f"short_{j}_{t}")
        model.add(sum(terms) - room <= short)
        cost.append(SHORT_WEIGHT * short)
    return load


def _greedy(specs: list[ActivitySpec], candidates: list[_Candidate], load: _Load,
            held: dict[tuple[int, str, int], int]) -> set[int]:
    """A start for the solve, every rule kept: group sessions first, each at the start that seats the most
    participants still without one (the cheapest first), then the other activities, each at its cheapest place
    given what is placed."""
    chosen: set[int] = set()
    count = defaultdict(int, held)
    days, slots = set(), set()
    used: dict[tuple[int, int], int] = defaultdict(int)

    def fits(n: int) -> bool:
        c = candidates[n]
        return (count[(c.spec, c.agent, c.week)] < specs[c.spec].per_week and (c.spec, c.agent, c.day) not in days
                and not any((c.agent, t) in slots for t in _slots(c)))

    def take(n: int) -> None:
        c = candidates[n]
        chosen.add(n)
        count[(c.spec, c.agent, c.week)] += 1
        days.add((c.spec, c.agent, c.day))
        slots.update((c.agent, t) for t in _slots(c))
        for j, t, m in load.takes[n]:
            used[(j, t)] += m

    at: dict[tuple[int, float], list[int]] = defaultdict(list)
    for n, c in enumerate(candidates):
        if specs[c.spec].seats is not None:
            at[(c.spec, c.start_s)].append(n)
    while True:
        best = None
        for (i, start), members in at.items():
            free = sorted((load.extra(n, used), n) for n in members if fits(n))[:specs[i].seats]
            if free and (best is None or (len(free), -sum(e for e, _ in free)) > best[0]):
                best = ((len(free), -sum(e for e, _ in free)), free)
        if best is None:
            break
        for _, n in best[1]:
            if fits(n):
                take(n)
    alone = [n for n, c in enumerate(candidates) if specs[c.spec].seats is None]
    while True:
        ready = [(load.extra(n, used), n) for n in alone if fits(n)]
        if not ready:
            return chosen
        take(min(ready)[1])


def _left_out(scenario: Scenario, roster: Roster, specs: list[ActivitySpec], groups: dict[str, str],
              candidates: list[_Candidate], chosen: list[_Candidate], status: str) -> list[UnplacedActivity]:
    """Every activity of a participant's week not placed, with the reason."""
    first = scenario.start.weekday()
    weeks = -(-scenario.days // WEEK_DAYS)
    held = _held(roster, specs)
    got: dict[tuple, int] = defaultdict(int)
    for c in chosen:
        got[(c.spec, c.agent, c.week)] += 1
    could = {(c.spec, c.agent, c.week) for c in candidates}
    shifts_in: dict[tuple[str, int], list[Shift]] = defaultdict(list)
    for s in roster.shifts:
        shifts_in[(s.agent, int(s.start_s // 86400) // WEEK_DAYS)].append(s)
    out = []
    for agent in sorted(groups):
        for i, spec in enumerate(specs):
            if not spec.takes_part(agent, groups[agent]):
                continue
            for w in range(weeks):
                missing = spec.per_week - held.get((i, agent, w), 0) - got.get((i, agent, w), 0)
                if missing <= 0:
                    continue
                own = shifts_in.get((agent, w), [])
                allowed = [s for s in own if (first + int(s.start_s // 86400)) % WEEK_DAYS in spec.weekdays]
                if not own:
                    why = "no shift that week"
                elif not allowed:
                    why = f"no shift on its days ({'/'.join(spec.days or [])})"
                elif (i, agent, w) not in could:
                    why = (f"no {spec.minutes} min between lunch and breaks inside {spec.window} in the week's "
                           "shifts")
                elif status not in ("OPTIMAL", "FEASIBLE"):
                    why = f"the placement solver found no solution in its budget ({status})"
                else:
                    why = (f"only {spec.per_week - missing} fit: the week's shifts hold no more room (one a day, "
                           "never two at once" + (", seats" if spec.seats else "") + ")")
                out += [UnplacedActivity(agent, spec.name, w + 1, why)] * missing
    return out


def _warnings(scenario: Scenario, placement: ActivityPlacement) -> list[str]:
    """What was left out, and a note on shrinkage when both are set."""
    out = []
    if placement.unplaced:
        out.append(f"{len(placement.unplaced)} planned activities could not be placed (each with its reason in the "
                   "summary and the JSON: activities.not_placed)")
    minutes = sum(a.end_s - a.start_s for s in placement.roster.shifts for a in s.activities) / 60
    work = sum(sum(b - a for a, b in s.work_periods()) for s in placement.roster.shifts) / 60 + minutes
    if minutes and scenario.shrinkage and work:
        share = minutes / work
        out.append(f"planned activities take {share:.1%} of rostered work time and are taken off the queues as "
                   f"placed; shrinkage ({scenario.shrinkage:.0%}) is applied on top of them: if it already counts "
                   f"these meetings and training, lower it by about {share:.1%} or they count twice")
    return out
