"""The weekly roster with CP-SAT: give the selected shifts to named agents, one skill group at a time.

A boolean y[agent, day, shift type] says the agent works that shift (a type is a start and length on a day; its
lunch and breaks were fixed by shift selection). Hard rules: one shift per day, the shift counts of the plan
(a shift nobody can take is allowed but costs a lot and is reported), max shifts per week, max paid hours,
min rest between shifts, max consecutive working days, unavailable times. Soft rules (penalties): contracted
minimum hours, two consecutive days off, no agent working both weekend days when others can (fair weekend
rotation), one start band through the week, the agent's preferred start times.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scenarios import Roster, Scenario, Shift

from .agents import Agent
from .shifts import PlannedShift

MISS_WEIGHT = 2000       # per paid minute of a planned shift nobody works
MIN_HOURS_WEIGHT = 1000  # per paid minute below an agent's contracted minimum (all but hard)
DAYS_OFF_WEIGHT = 3000   # no two consecutive days off in the week
WEEKEND_WEIGHT = 2500    # works both Saturday and Sunday
BAND_WEIGHT = 800        # each start band used beyond the first
PREFERENCE_WEIGHT = 500  # a shift starting outside the agent's preferred start times
BAND_MINUTES = 180       # start times within the same 3 hours form one start band


@dataclass
class RosterOutcome:
    roster: Roster
    unassigned: list[PlannedShift]
    status: dict[str, str]
    solve_seconds: float
    warnings: list[str] = field(default_factory=list)


def build_roster(scenario: Scenario, planned: list[PlannedShift], agents: list[Agent], time_limit: float = 20.0,
                 workers: int = 2) -> RosterOutcome:
    """Assign planned shifts to agents, group by group (agents of one group only take that group's shifts)."""
    shifts: list[Shift] = []
    unassigned: list[PlannedShift] = []
    status: dict[str, str] = {}
    warnings: list[str] = []
    t0 = time.perf_counter()
    groups = [g for g in scenario.skill_groups if any(p.group == g for p in planned)]
    total = sum(1 for p in planned if p.group in groups) or 1
    for g in groups:
        own = [p for p in planned if p.group == g]
        crew = [a for a in agents if a.skill_group == g]
        # Each group gets a share of the time limit in proportion to its shifts.
        limit = max(2.0, time_limit * len(own) / total)
        done, missed, st, warn = _roster_group(scenario, own, crew, limit, workers)
        shifts += done
        unassigned += missed
        status[g] = st
        warnings += warn
    if unassigned:
        unassigned, moved = _place_in_other_groups(scenario, unassigned, shifts, agents)
        if moved:
            warnings.append(f"{len(moved)} planned shift(s) no agent of their group could take went to agents of "
                            f"a group holding every skill of theirs: " + ", ".join(
                                f"{p.group} -> {s.skill_group}" for p, s in moved[:5]))
    seconds = time.perf_counter() - t0
    return RosterOutcome(Roster(scenario.start, shifts), unassigned, status, seconds, warnings)


def _place_in_other_groups(scenario: Scenario, missed: list[PlannedShift], shifts: list[Shift], agents: list[Agent]
                           ) -> tuple[list[PlannedShift], list[tuple[PlannedShift, Shift]]]:
    """Give shifts no agent of their own group could legally take to an agent of a group holding every skill of
    theirs (cheapest group first, fewest hours first), keeping every hard rule (and the days-off pair where
    possible): the plan's coverage of those skills survives. Appends to `shifts`; returns the shifts still missed
    and the moves."""
    rules = scenario.shift_rules
    groups = scenario.skill_groups
    week: dict[str, dict[int, tuple]] = defaultdict(dict)
    paid: dict[tuple, float] = {}
    for s in shifts:
        k = _type_of(s)
        week[s.agent][k[0]] = k
        paid[k] = s.paid_seconds / 60
    left, moved = [], []
    for p in missed:
        k = p.template.key
        paid[k] = p.template.paid_min
        wider = sorted((g for g in groups if g != p.group and set(groups[p.group].skills) <= set(groups[g].skills)),
                       key=lambda g: groups[g].hourly_cost)
        crew = sorted((a for a in agents if a.skill_group in wider),
                      key=lambda a: (wider.index(a.skill_group), sum(paid[x] for x in week[a.id].values())))
        taker = _first_taker(crew, lambda a: (a, week[a.id]), k, paid, rules, scenario.days)
        if taker is None:
            left.append(p)
            continue
        week[taker.id] = {**week[taker.id], k[0]: k}
        shift = to_shift(taker.id, p, rules.paid_lunch)
        shift.skill_group = taker.skill_group
        shifts.append(shift)
        moved.append((p, shift))
    return left, moved


def _type_of(shift: Shift) -> tuple[int, int, int]:
    """(day, start minute of the day, length in minutes) of a rostered shift."""
    start = int(round(shift.start_s / 60))
    return (start // 1440, start % 1440, int(round((shift.end_s - shift.start_s) / 60)))


def _band(start_min: int, earliest: int) -> int:
    return max(0, start_min - earliest) // BAND_MINUTES


def _roster_group(scenario: Scenario, planned: list[PlannedShift], crew: list[Agent], time_limit: float,
                  workers: int):
    rules = scenario.shift_rules
    model = cp_model.CpModel()
    by_type: dict[tuple[int, int, int], list[PlannedShift]] = defaultdict(list)
    for p in planned:
        by_type[p.template.key].append(p)
    types = sorted(by_type)                       # (day, start_min, length_min)
    days = range(scenario.days)
    on_day = {d: [k for k in types if k[0] == d] for d in days}
    paid = {k: by_type[k][0].template.paid_min for k in types}
    if not crew:
        return [], planned, "NO_AGENTS", [f"skill group {planned[0].group}: no agents to take {len(planned)} shifts"]

    y: dict[tuple[int, tuple], cp_model.IntVar] = {}
    for a, agent in enumerate(crew):
        for k in types:
            if agent.can_work(k[0], k[1], k[1] + k[2]):
                y[(a, k)] = model.new_bool_var(f"y_{a}_{k}")
    work = {}
    for a in range(len(crew)):
        for d in days:
            here = [y[(a, k)] for k in on_day[d] if (a, k) in y]
            work[(a, d)] = sum(here) if here else 0
            if here:
                model.add(sum(here) <= 1)                                   # one shift per day
    penalties = []
    miss = {}
    for k in types:
        takers = [y[(a, k)] for a in range(len(crew)) if (a, k) in y]
        miss[k] = model.new_int_var(0, len(by_type[k]), f"miss_{k}")
        model.add(sum(takers) + miss[k] == len(by_type[k]))                 # the plan's shift counts
        penalties.append(MISS_WEIGHT * paid[k] * miss[k])
    earliest = min(k[1] for k in types)
    for a, agent in enumerate(crew):
        works = [work[(a, d)] for d in days]
        _limit_shifts_and_hours(model, y, a, agent, types, paid, works, rules, penalties)
        _min_rest(model, y, a, on_day, days, rules.min_rest_hours * 60)
        _max_consecutive_days(model, works, rules.max_consecutive_days)
        _two_days_off(model, works, a, penalties)
        _weekend_rotation(model, works, a, scenario, penalties)
        _same_start_band(model, y, a, types, earliest, penalties)
        _preferred_start(y, a, agent, types, penalties)
    model.minimize(sum(penalties))
    greedy = _greedy_hint(model, y, crew, types, by_type, rules, scenario.start)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(workers)
    st = solver.solve(model)
    name = solver.status_name(st)
    warnings = []
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        picked = [key for key, var in y.items() if solver.value(var)]
    else:
        # The model always has a solution (a missed shift is only a penalty), so a solver that found none in
        # its time limit is short of time: keep the greedy roster, which obeys every hard rule, rather than
        # dropping the whole group.
        picked = sorted(greedy)
        warnings.append(f"skill group {planned[0].group}: the solver found no roster within {time_limit:g} s "
                        f"({name}); the greedy roster is kept")
        name = f"GREEDY ({name})"
    assign: dict[int, dict[int, tuple]] = defaultdict(dict)
    for a, k in picked:
        assign[a][k[0]] = k
    _place_missed(crew, assign, by_type, paid, rules, scenario.days)
    _repair_min_hours(crew, assign, paid, rules, scenario.days)
    shifts, missed = [], []
    for k in types:
        pool = list(by_type[k])
        for a in range(len(crew)):
            if assign[a].get(k[0]) == k:
                p = pool.pop()
                shifts.append(to_shift(crew[a].id, p, rules.paid_lunch))
        missed += pool
    for a, agent in enumerate(crew):
        hours = sum(s.paid_seconds for s in shifts if s.agent == agent.id) / 3600
        if hours + 1e-6 < agent.min_hours:
            warnings.append(f"agent {agent.id} gets {hours:g} h, below the contracted minimum {agent.min_hours:g} h")
    if missed:
        warnings.append(f"skill group {planned[0].group}: {len(missed)} planned shifts could not be given to an agent of the group")
    return shifts, missed, name, warnings


# -- rules ------------------------------------------------------------------------------------------------------

def _limit_shifts_and_hours(model, y, a, agent, types, paid, works, rules, penalties) -> None:
    mine = [(y[(a, k)], paid[k]) for k in types if (a, k) in y]
    model.add(sum(works) <= rules.max_shifts_per_week)
    if rules.min_shifts_per_week:
        model.add(sum(works) >= rules.min_shifts_per_week)
    minutes = sum(p * v for v, p in mine) if mine else 0
    model.add(minutes <= int(round(agent.max_hours * 60)))
    need = int(round(agent.min_hours * 60))
    if need > 0:
        below = model.new_int_var(0, need, f"below_{a}")
        model.add(minutes + below >= need)
        penalties.append(MIN_HOURS_WEIGHT * below)


def _min_rest(model, y, a, on_day, days, rest_min: float) -> None:
    """A shift ending at E on day d excludes next-day shifts starting before E + rest (minutes, clock of day d+1)."""
    for d in days:
        if d + 1 not in on_day:
            continue
        today = [(k, k[1] + k[2]) for k in on_day[d] if (a, k) in y]
        tomorrow = [k for k in on_day[d + 1] if (a, k) in y]
        for end in sorted({e for _, e in today}):
            early = [y[(a, k)] for k in tomorrow if k[1] + 1440 - end < rest_min]
            if not early:
                continue
            late = [y[(a, k)] for k, e in today if e >= end]
            model.add(sum(late) + sum(early) <= 1)


def _max_consecutive_days(model, works, limit: int) -> None:
    for d in range(len(works) - limit):
        window = works[d:d + limit + 1]
        if any(not isinstance(w, int) for w in window):
            model.add(sum(window) <= limit)


def _two_days_off(model, works, a, penalties) -> None:
    """Soft: at least one pair of consecutive days off within the week."""
    if len(works) < 7:
        return
    pairs = []
    for d in range(len(works) - 1):
        if isinstance(works[d], int) and isinstance(works[d + 1], int):
            return  # the agent cannot work two days in a row anyway
        both = model.new_bool_var(f"off2_{a}_{d}")
        model.add(works[d] + works[d + 1] == 0).only_enforce_if(both)
        pairs.append(both)
    has = model.new_bool_var(f"has_off2_{a}")
    model.add_bool_or(pairs).only_enforce_if(has)
    penalties.append(DAYS_OFF_WEIGHT * (1 - has))


def _weekend_rotation(model, works, a, scenario, penalties) -> None:
    """Soft: Saturday and Sunday are shared out, so as few agents as possible work both."""
    sat = [d for d in range(len(works)) if (scenario.start.weekday() + d) % 7 == 5]
    for d in sat:
        if d + 1 < len(works) and not (isinstance(works[d], int) or isinstance(works[d + 1], int)):
            both = model.new_bool_var(f"weekend_{a}_{d}")
            model.add(works[d] + works[d + 1] <= 1 + both)
            penalties.append(WEEKEND_WEIGHT * both)


def _same_start_band(model, y, a, types, earliest, penalties) -> None:
    """Soft: start in one band (3-hour span of start times) through the week; each extra band costs."""
    bands: dict[int, list] = defaultdict(list)
    for k in types:
        if (a, k) in y:
            bands[_band(k[1], earliest)].append(y[(a, k)])
    if len(bands) <= 1:
        return
    used = []
    for b, members in bands.items():
        u = model.new_bool_var(f"band_{a}_{b}")
        for m in members:
            model.add_implication(m, u)
        used.append(u)
    extra = model.new_int_var(0, len(used), f"extra_bands_{a}")
    model.add(extra >= sum(used) - 1)
    penalties.append(BAND_WEIGHT * extra)


def _preferred_start(y, a, agent: Agent, types, penalties) -> None:
    if agent.preferred_start is None:
        return
    lo, hi = agent.preferred_start
    for k in types:
        if (a, k) in y and not (lo <= k[1] <= hi):
            penalties.append(PREFERENCE_WEIGHT * y[(a, k)])


def _greedy_hint(model, y, crew, types, by_type, rules, week_start) -> set:
    """A quick first roster for the solver to improve: each day's shifts (busiest day first, early starts
    first) go to the agent who can legally take it with the fewest shifts so far, preferring an agent already
    working that start band and one whose days off stay together. Returns the chosen (agent, shift type) pairs."""
    earliest = min(k[1] for k in types)
    taken: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)   # agent -> day -> (start, end) minutes
    load_min = [0] * len(crew)
    bands: dict[int, set] = defaultdict(set)
    per_day = defaultdict(int)
    for k in types:
        per_day[k[0]] += len(by_type[k])
    chosen = set()
    rest = rules.min_rest_hours * 60
    n_days = max(k[0] for k in types) + 1
    sat = {d for d in range(n_days) if (week_start.weekday() + d) % 7 == 5}
    weekend = sat | {d + 1 for d in sat}
    for day in sorted(per_day, key=lambda d: -per_day[d]):
        for k in sorted((k for k in types if k[0] == day), key=lambda k: (k[1], -k[2])):
            paid = by_type[k][0].template.paid_min
            start, end = k[1], k[1] + k[2]
            band = _band(start, earliest)
            for _ in range(len(by_type[k])):
                best = None
                for a, agent in enumerate(crew):
                    days = taken[a]
                    if (a, k) not in y or day in days or len(days) >= rules.max_shifts_per_week:
                        continue
                    if load_min[a] + paid > agent.max_hours * 60:
                        continue
                    if day - 1 in days and start + 1440 - days[day - 1][1] < rest:
                        continue
                    if day + 1 in days and days[day + 1][0] + 1440 - end < rest:
                        continue
                    run = 1
                    d = day - 1
                    while d in days:
                        run, d = run + 1, d - 1
                    d = day + 1
                    while d in days:
                        run, d = run + 1, d + 1
                    if run > rules.max_consecutive_days:
                        continue
                    after = set(days) | {day}
                    pair_left = any(d not in after and d + 1 not in after for d in range(n_days - 1))
                    double = any(day in pair and (day + 1 if day in sat else day - 1) in days for pair in [weekend]
                                 if pair)
                    below_min = load_min[a] < agent.min_hours * 60
                    score = (not below_min, double, not pair_left, len(days),
                             0 if band in bands[a] or not bands[a] else 1, load_min[a])
                    if best is None or score < best[0]:
                        best = (score, a)
                if best is None:
                    continue
                a = best[1]
                chosen.add((a, k))
                taken[a][day] = (start, end)
                load_min[a] += paid
                bands[a].add(band)
    for key, var in y.items():
        model.add_hint(var, 1 if key in chosen else 0)
    return chosen


def _off_pair(days: dict[int, tuple], n_days: int) -> bool:
    return any(d not in days and d + 1 not in days for d in range(n_days - 1))


def _keeps(before: dict[int, tuple], after: dict[int, tuple], n_days: int) -> bool:
    """A repair move may not take away an agent's two consecutive days off."""
    return n_days < 7 or _off_pair(after, n_days) or not _off_pair(before, n_days)


def _legal(agent: Agent, days: dict[int, tuple], paid: dict, rules, n_days: int) -> bool:
    """Every hard rule for one agent's week (day -> shift type (day, start_min, length_min))."""
    if len(days) > rules.max_shifts_per_week or len(days) < rules.min_shifts_per_week:
        return False
    if sum(paid[k] for k in days.values()) > agent.max_hours * 60 + 1e-6:
        return False
    run = 0
    for d in range(n_days):
        run = run + 1 if d in days else 0
        if run > rules.max_consecutive_days:
            return False
        if d in days and d + 1 in days:
            k1, k2 = days[d], days[d + 1]
            if k2[1] + 1440 - (k1[1] + k1[2]) < rules.min_rest_hours * 60:
                return False
    return all(agent.can_work(k[0], k[1], k[1] + k[2]) for k in days.values())


def _place_missed(crew: list[Agent], assign: dict[int, dict[int, tuple]], by_type: dict, paid: dict, rules,
                  n_days: int) -> None:
    """Give planned shifts the solver left unassigned to any agent who can legally take them (fewest hours
    first; one who keeps two days off in a row if there is one), so the plan's coverage survives a solve stopped
    by its time limit."""
    taken = defaultdict(int)
    for days in assign.values():
        for k in days.values():
            taken[k] += 1
    for k, planned in by_type.items():
        for _ in range(len(planned) - taken[k]):
            order = sorted(range(len(crew)), key=lambda a: sum(paid[x] for x in assign[a].values()))
            a = _first_taker(order, lambda a: (crew[a], assign[a]), k, paid, rules, n_days)
            if a is not None:
                assign[a] = {**assign[a], k[0]: k}


def _first_taker(candidates, agent_and_week, k: tuple, paid: dict, rules, n_days: int):
    """The first candidate who can legally add shift type `k` (day, start, length) to their week, preferring one
    who keeps two days off in a row: that is a preference, covering the plan comes first. `agent_and_week` maps a
    candidate to (Agent, its week: day -> shift type). None when nobody can."""
    for keep_days_off in (True, False):
        for c in candidates:
            agent, days = agent_and_week(c)
            trial = {**days, k[0]: k}
            if k[0] not in days and _legal(agent, trial, paid, rules, n_days) \
                    and (not keep_days_off or _keeps(days, trial, n_days)):
                return c
    return None


def _repair_min_hours(crew: list[Agent], assign: dict[int, dict[int, tuple]], paid: dict, rules, n_days: int,
                      passes: int = 3) -> None:
    """Local repair for agents left below their contracted minimum: move a shift to them from an agent with
    hours to spare, or swap a shorter shift of theirs for a longer one on the same day, keeping every hard rule
    for both agents. Changes `assign` in place; the planned shifts and coverage stay the same."""
    def hours(a):
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
                    if (_legal(agent, trial_r, paid, rules, n_days) and _legal(donor, trial_d, paid, rules, n_days)
                            and _keeps(assign[r], trial_r, n_days)):
                        assign[r], assign[d_agent] = trial_r, trial_d
                        need = agent.min_hours * 60 - hours(r)
                        changed = True
        if not changed:
            return


def to_shift(agent_id: str, p: PlannedShift, paid_lunch: bool) -> Shift:
    """The planned shift as worked by `agent_id` (times in seconds from the week start)."""
    t0 = p.template.week_start_min
    lunch = None
    if p.lunch_offset is not None:
        lunch = ((t0 + p.lunch_offset) * 60.0, (t0 + p.lunch_offset + p.template.lunch_min) * 60.0)
    breaks = [((t0 + o) * 60.0, (t0 + o + p.template.break_min) * 60.0) for o in p.break_offsets]
    return Shift(agent_id, p.group, t0 * 60.0, (t0 + p.template.length_min) * 60.0, lunch, breaks,
                 paid_lunch=paid_lunch)
