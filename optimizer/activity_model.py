"""The CP-SAT model that places planned activities inside a roster's shifts (optimizer.activities states what it
is for and reports the outcome).

- a candidate is an activity at a start (a GRID_S grid) inside one shift, between its lunch and breaks and the
  activities already there, on the activity's days and in its window; x = 1 places it there;
- per participant, week and activity at most `per_week` placed; each one left out costs more than any shortfall
  it could cause (so every activity that fits somewhere is placed); at most one of an activity a day; never two
  at once;
- surplus is Hall's slack of the pooled coverage (optimizer.pooling): for each channel set S and interval, the
  on-duty agents of the groups serving S less the requirement of S; an agent of group g in an activity takes
  from every set g serves. Minutes that push a set below its requirement cost SHORT_WEIGHT each; otherwise each
  minute costs what its group's slack in that interval lies below the week's best (tenths of an agent; so the
  emptiest intervals go first);
- a group session (`seats`): its participants at one start attend together, at most `seats`; each session held
  costs as much as SESSION_SHARE of its seats' minutes short (`session_weight`): agents gather in as few sessions
  as their shifts allow unless that leaves the queues shorter than that.

The solve starts from a greedy placement (sessions seating the most first, then each activity at its cheapest
place) completed and improved by CP-SAT on one worker with EFFORT_SHARE of the stage's effort
(optimizer.solver): deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios import ActivitySpec, Roster, Scenario

from .pooling import coverage_sets
from .requirements import requirement_arrays
from .solver import Budget, RecordingModel, run_from_partial_hint

GRID_S = 900              # candidate starts every 15 minutes
SHORT_WEIGHT = 1000       # per on-duty agent-minute an activity takes below a channel set's requirement
SESSION_SHARE = 0.5       # a session held costs this share of its seats' minutes short (SHORT_WEIGHT each)
WEEK_DAYS = 7
EFFORT_SHARE = 0.2        # of a solver stage's effort: the placement's (its last percent costs far more than it gives)


@dataclass(frozen=True)
class Candidate:
    """An activity (`spec`: its index in the scenario's list) at a start inside one of the roster's shifts."""

    spec: int          # index into scenario.activities
    agent: str
    shift: int         # index into the roster's shifts
    start_s: float
    end_s: float
    week: int
    day: int

def placement_candidates(scenario: Scenario, roster: Roster, specs: list[ActivitySpec], groups: dict[str, str]
                         ) -> list[Candidate]:
    """Every place each participant's activities could go in the roster's shifts (`groups`: agent -> group)."""
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
                    out.append(Candidate(i, shift.agent, k, float(start), float(start + length), day // WEEK_DAYS,
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


def solve_placement(scenario: Scenario, roster: Roster, requirement: pd.DataFrame, *, specs: list[ActivitySpec],
                    candidates: list[Candidate], groups: dict[str, str], budget: Budget
                    ) -> tuple[list[Candidate], str]:
    """The candidates chosen (module docstring) and the solver's status ("GREEDY (...)" when CP-SAT found
    nothing in its budget and the greedy start is kept)."""
    if not candidates:
        return [], "NO_CANDIDATES"
    model = RecordingModel()
    x = [model.new_bool_var(f"x{n}") for n in range(len(candidates))]
    cost = []
    held = held_activities(roster, specs)
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


def _slots(c: Candidate) -> range:
    """The GRID_S slots of the horizon the candidate takes."""
    return range(int(c.start_s // GRID_S), int(np.ceil(c.end_s / GRID_S)))


def _place_weight(spec: ActivitySpec) -> int:
    return 10 * SHORT_WEIGHT * spec.minutes + 2 * session_weight(spec)


def session_weight(spec: ActivitySpec) -> int:
    """What holding one more session of a group activity costs (0 for one taken alone)."""
    return int(SESSION_SHARE * SHORT_WEIGHT * spec.minutes * spec.seats) if spec.seats else 0


def held_activities(roster: Roster, specs: list[ActivitySpec]) -> dict[tuple[int, str, int], int]:
    """Activities the roster's shifts already hold (locked rows), per (activity, agent, week)."""
    names = {s.name: i for i, s in enumerate(specs)}
    out: dict[tuple[int, str, int], int] = defaultdict(int)
    for s in roster.shifts:
        for a in s.activities:
            if a.name in names:
                out[(names[a.name], s.agent, int(s.start_s // 86400) // WEEK_DAYS)] += 1
    return out


def _sessions(model, specs: list[ActivitySpec], candidates: list[Candidate], x: list, cost: list) -> None:
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


def _coverage(model, scenario: Scenario, roster: Roster, requirement: pd.DataFrame, candidates: list[Candidate],
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


def _greedy(specs: list[ActivitySpec], candidates: list[Candidate], load: _Load,
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
