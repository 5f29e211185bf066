"""The roster's greedy start and its repairs, all keeping every hard rule (optimizer.roster_rules.is_legal).

- `greedy_roster`: a quick first roster for CP-SAT to improve, and the one kept when CP-SAT finds none in time.
- `place_missed`: planned shifts CP-SAT left unassigned go to any agent who can legally take them.
- `repair_min_hours`: agents below their contracted minimum take a shift (or a longer one) from agents with
  hours to spare.
- `place_in_other_groups`: shifts no agent of their own group can take go to a group holding all their skills.

A week is a dict day -> ShiftType; paid minutes come from a dict ShiftType -> minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from scenarios import Agent, Scenario, Shift
from scenarios.model import ShiftRules

from .horizon import WEEK_DAYS
from .plan import PlannedShift, to_shift
from .roster_rules import band, has_two_days_off, is_legal, shift_type
from .templates import ShiftType

Week = dict[int, ShiftType]
C = TypeVar("C")


def greedy_roster(crew: list[Agent], shifts_of: Mapping[ShiftType, list[PlannedShift]], rules: ShiftRules,
                  week_start: dt.date, wants: Sequence[Counter] | None = None) -> set[tuple[int, ShiftType]]:
    """Each day's shifts (busiest day first, early starts first) go to the agent who can legally take them,
    preferring an agent whose composition still wants a shift of that paid length that week (`wants`, per agent
    a Counter of (week index, paid minutes), optimizer.agent_weeks), then one still below the contracted minimum,
    one not working the other weekend day, one whose days off stay together, one with fewer shifts so far, one
    already in that start band. Returns the chosen (agent position in `crew`, shift type) pairs."""
    types = sorted(shifts_of)
    earliest = min(k.start_min for k in types)
    paid = {k: shifts_of[k][0].template.paid_min for k in types}
    n_days = max(k.day for k in types) + 1
    saturdays = {d for d in range(n_days) if (week_start.weekday() + d) % 7 == 5}
    weekend = saturdays | {d + 1 for d in saturdays}
    taken: dict[int, Week] = defaultdict(dict)
    load_min = [0] * len(crew)
    bands: dict[int, set] = defaultdict(set)
    per_day: dict[int, int] = defaultdict(int)
    for k in types:
        per_day[k.day] += len(shifts_of[k])
    chosen = set()
    for day in sorted(per_day, key=lambda d: -per_day[d]):
        for k in sorted((k for k in types if k.day == day), key=lambda k: (k.start_min, -k.length_min)):
            here = band(k.start_min, earliest)
            want = (day // WEEK_DAYS, paid[k])
            partner = day + 1 if day in saturdays else day - 1
            for _ in range(len(shifts_of[k])):
                # the best-scored agent who can legally take the shift: score everyone, then check the rules in
                # score order (the rules cost far more than the score)
                scored = sorted(((not (wants and wants[a][want] > 0),
                                  load_min[a] >= agent.min_hours * 60,                 # below the minimum first
                                  day in weekend and partner in taken[a],              # both weekend days
                                  not has_two_days_off([*taken[a], day], n_days),
                                  len(taken[a]),
                                  0 if here in bands[a] or not bands[a] else 1,
                                  load_min[a]), a) for a, agent in enumerate(crew) if day not in taken[a])
                a = next((a for _, a in scored
                          if is_legal(crew[a], [*taken[a].values(), k], paid, rules, n_days, finished=False)), None)
                if a is None:
                    continue
                chosen.add((a, k))
                taken[a][day] = k
                load_min[a] += paid[k]
                bands[a].add(here)
                if wants and wants[a][want] > 0:
                    wants[a][want] -= 1
    return chosen


def first_taker(candidates: Iterable[C], agent_and_week: Callable[[C], tuple[Agent, Week]], k: ShiftType,
                paid: Mapping[ShiftType, float], rules: ShiftRules, *, n_days: int) -> C | None:
    """The first candidate who can legally add shift `k` to their week, preferring one who keeps two days off
    in a row: that is a preference, covering the plan comes first. `agent_and_week` maps a candidate to (Agent,
    its week). None when nobody can."""
    candidates = list(candidates)
    for keep_days_off in (True, False):
        for c in candidates:
            agent, days = agent_and_week(c)
            trial = {**days, k.day: k}
            if k.day not in days and is_legal(agent, trial.values(), paid, rules, n_days) \
                    and (not keep_days_off or keeps_days_off(days, trial, n_days)):
                return c
    return None


def place_missed(crew: list[Agent], assign: dict[int, Week], shifts_of: Mapping[ShiftType, Sequence],
                 paid: Mapping[ShiftType, float], rules: ShiftRules, *, n_days: int) -> None:
    """Give planned shifts the solver left unassigned to any agent who can legally take them (fewest hours
    first; one who keeps two days off in a row if there is one), so the plan's coverage survives a solve stopped
    by its time limit. Changes `assign` (agent position -> week) in place."""
    taken: dict[ShiftType, int] = defaultdict(int)
    for days in assign.values():
        for k in days.values():
            taken[k] += 1
    for k, planned in shifts_of.items():
        for _ in range(len(planned) - taken[k]):
            order = sorted(range(len(crew)), key=lambda a: sum(paid[x] for x in assign[a].values()))
            a = first_taker(order, lambda a: (crew[a], assign[a]), k, paid, rules, n_days=n_days)
            if a is not None:
                assign[a] = {**assign[a], k.day: k}


def repair_min_hours(crew: list[Agent], assign: dict[int, Week], paid: Mapping[ShiftType, float],
                     rules: ShiftRules, n_days: int, *, passes: int = 3) -> None:
    """Local repair for agents left below their contracted minimum: move a shift to them from an agent with
    hours to spare, or swap a shorter shift of theirs for a longer one on the same day, keeping every hard rule
    for both agents. Changes `assign` in place; the planned shifts and coverage stay the same."""
    def hours(a: int) -> float:
        return sum(paid[k] for k in assign[a].values())

    for _ in range(passes):
        changed = False
        for r, agent in enumerate(crew):
            need = agent.min_hours * 60 - hours(r)
            if need <= 0:
                continue
            for d_agent, donor in enumerate(crew):
                if d_agent == r or need <= 0:
                    continue
                for day, k in list(assign[d_agent].items()):
                    if need <= 0:
                        break
                    spare = hours(d_agent) - donor.min_hours * 60
                    mine = assign[r].get(day)
                    if mine is None:
                        if spare < paid[k]:
                            continue
                        trial_r = {**assign[r], day: k}
                        trial_d = {dd: kk for dd, kk in assign[d_agent].items() if dd != day}
                    else:
                        gain = paid[k] - paid[mine]
                        if gain <= 0 or spare < gain:
                            continue
                        trial_r = {**assign[r], day: k}
                        trial_d = {**assign[d_agent], day: mine}
                    if (is_legal(agent, trial_r.values(), paid, rules, n_days)
                            and is_legal(donor, trial_d.values(), paid, rules, n_days)
                            and keeps_days_off(assign[r], trial_r, n_days)):
                        assign[r], assign[d_agent] = trial_r, trial_d
                        need = agent.min_hours * 60 - hours(r)
                        changed = True
        if not changed:
            return


def place_in_other_groups(scenario: Scenario, missed: list[PlannedShift], shifts: list[Shift],
                          agents: list[Agent]) -> tuple[list[PlannedShift], list[tuple[PlannedShift, Shift]]]:
    """Give shifts no agent of their own group could legally take to an agent of a group holding every skill of
    theirs (cheapest group first, fewest hours first), keeping every hard rule (and the days-off pair where
    possible): the plan's coverage of those skills survives. Appends to `shifts`; returns the shifts still missed
    and the moves."""
    rules = scenario.shift_rules
    groups = scenario.skill_groups
    week: dict[str, Week] = defaultdict(dict)
    paid: dict[ShiftType, float] = {}
    for s in shifts:
        k = shift_type(s)
        week[s.agent][k.day] = k
        paid[k] = s.paid_seconds / 60
    left, moved = [], []
    for p in missed:
        k = p.template.key
        paid[k] = p.template.paid_min
        wider = sorted((g for g in groups if g != p.group and set(groups[p.group].skills) <= set(groups[g].skills)),
                       key=lambda g: groups[g].hourly_cost)
        crew = sorted((a for a in agents if a.skill_group in wider),
                      key=lambda a: (wider.index(a.skill_group), sum(paid[x] for x in week[a.id].values())))
        taker = first_taker(crew, lambda a: (a, week[a.id]), k, paid, rules, n_days=scenario.days)
        if taker is None:
            left.append(p)
            continue
        week[taker.id] = {**week[taker.id], k.day: k}
        shift = to_shift(taker.id, p, rules.paid_lunch)
        shift.skill_group = taker.skill_group
        shifts.append(shift)
        moved.append((p, shift))
    return left, moved


def keeps_days_off(before: Week, after: Week, n_days: int) -> bool:
    """A repair move may not take away an agent's two consecutive days off."""
    return n_days < 7 or has_two_days_off(after, n_days) or not has_two_days_off(before, n_days)
