"""The weekly roster with CP-SAT: give the selected shifts to named agents, one skill group at a time.

A boolean y[agent, shift type] says the agent works that shift (a type is a start and length on a day; its lunch
and breaks were fixed by shift selection). Hard rules, each a small function below and the same rules
optimizer.roster_rules checks: one shift a day, max shifts per week (and min), max paid hours, min rest between
shifts, max consecutive working days, unavailable times (no variable where the agent is away); the plan's shift
counts hold, except that a shift nobody can take is allowed but costs a lot and is reported. Soft rules (penalty
terms): contracted minimum hours, two consecutive days off, no agent working both weekend days when others can
(fair weekend rotation), one start band through the week, the agent's preferred start times.

The solve starts from the greedy roster (optimizer.roster_repair; each agent given their composition of the plan's
paid lengths first when the plan carries no more than the padded contracted minimum, optimizer.agent_weeks), which
is kept when CP-SAT finds nothing in its time; shifts left unassigned and agents left below their minimum are then
repaired there, and the whole roster is completed across groups (optimizer.roster_complete: swaps, re-timed
shifts, shifts filled up to the minimums).
Contracted minimums are pro-rated for time off (optimizer.minimum_hours) and every miss left is explained.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scenarios import Agent, InputError, Problem, Roster, Scenario, Shift

from .continuity import boundary_rules
from .agent_weeks import agent_compositions, blocks
from .agents import MIN_HOURS_PAD
from .horizon import WEEK_DAYS, limit_per_week
from .minimum_hours import MinimumCheck, minimum_checks, prorated
from .plan import PlannedShift, to_shift
from .roster_complete import complete_roster
from .rule_catalogue import bind_rules, catalogue_rules
from .roster_repair import greedy_roster, place_in_other_groups, place_missed, repair_min_hours
from .roster_rules import band, max_paid_minutes
from .solver import Budget, RecordingModel, run_from_partial_hint
from .templates import ShiftType

MISS_WEIGHT = 2000       # per paid minute of a planned shift nobody works
MIN_HOURS_WEIGHT = 1000  # per paid minute below an agent's contracted minimum (all but hard)
DAYS_OFF_WEIGHT = 3000   # no two consecutive days off in the week
WEEKEND_WEIGHT = 2500    # works both Saturday and Sunday
BAND_WEIGHT = 800        # each start band used beyond the first
PREFERENCE_WEIGHT = 500  # a shift starting outside the agent's preferred start times

Take = tuple[int, ShiftType]   # (agent position in the group's crew, shift type)


@dataclass
class RosterOutcome:
    """The roster, the planned shifts nobody could take, the solver status per group, seconds, warnings, and
    every agent's week against the contracted minimum (pro-rated for time off; misses explained)."""

    roster: Roster
    unassigned: list[PlannedShift]
    status: dict[str, str]
    solve_seconds: float
    warnings: list[str] = field(default_factory=list)
    minimums: list[MinimumCheck] = field(default_factory=list)


def build_roster(scenario: Scenario, planned: list[PlannedShift], agents: list[Agent],
                 budget: Budget = Budget()) -> RosterOutcome:
    """Assign planned shifts to agents, group by group (agents of one group only take that group's shifts; a
    shift none of them can take goes to a group holding all its skills). `budget.effort` (CP-SAT deterministic
    time per week of the horizon) is shared by the groups in proportion to their shifts; groups are solved side by side on
    `budget.workers` threads, one CP-SAT worker each, so the roster does not depend on the machine or its load. A
    group whose solve finds nothing in its share keeps the greedy roster (every hard rule holds there too). The
    groups' rosters are then completed across groups (optimizer.roster_complete), which may re-time or add
    shifts: the roster as assigned, not the plan, is what to simulate."""
    contracts = agents
    # the scenario's rules per agent (optimizer.rule_catalogue), minimums less the time off credited
    agents = [prorated(a, scenario) for a in bind_rules(scenario, agents)]
    shifts: list[Shift] = []
    unassigned: list[PlannedShift] = []
    status: dict[str, str] = {}
    warnings: list[str] = []
    t0 = time.perf_counter()
    deadline = budget.deadline()
    groups = [g for g in scenario.skill_groups if any(p.group == g for p in planned)]
    total = sum(1 for p in planned if p.group in groups) or 1

    def solve_group(g: str):
        own = [p for p in planned if p.group == g]
        crew = [a for a in agents if a.skill_group == g]
        # the effort is per week of the horizon, shared by the groups in proportion to their shifts
        effort = budget.effort * len(blocks(scenario.days)) * len(own) / total
        return _roster_group(scenario, own, crew, budget, effort, deadline)

    with ThreadPoolExecutor(max_workers=max(1, budget.workers)) as pool:
        done_by_group = dict(zip(groups, pool.map(solve_group, groups)))
    for g in groups:                    # in the scenario's group order, whatever finished first
        done, missed, st, warn = done_by_group[g]
        shifts += done
        unassigned += missed
        status[g] = st
        warnings += warn
    if unassigned:
        unassigned, moved = place_in_other_groups(scenario, unassigned, shifts, agents)
        if moved:
            warnings.append(f"{len(moved)} planned shift(s) no agent of their group could take went to agents of "
                            f"a group holding every skill of theirs: " + ", ".join(
                                f"{p.group} -> {s.skill_group}" for p, s in moved[:5]))
    done = complete_roster(scenario, shifts, unassigned, agents)
    roster = Roster(scenario.start, done.shifts)
    warnings += done.notes(scenario.start)
    checks = minimum_checks(scenario, roster, contracts)
    warnings += [c.describe() for c in checks if not c.met]
    credited = [c for c in checks if c.time_off_hours]
    if credited:
        warnings.append("time off counted against contracted minimums: "
                        + ", ".join(f"{c.agent} {c.time_off_hours:g} h of {c.contracted_hours:g} h" for c in credited))
    seconds = time.perf_counter() - t0
    return RosterOutcome(roster, done.unassigned, status, seconds, warnings, checks)


@dataclass
class RosterModel:
    """The CP-SAT roster of one group's crew: `y[(agent position, shift type)]` exists where the agent can work
    the shift; `shifts_of` holds the planned shifts of each type."""

    model: RecordingModel
    y: dict[Take, cp_model.IntVar]
    shifts_of: dict[ShiftType, list[PlannedShift]]


def roster_model(scenario: Scenario, planned: list[PlannedShift], crew: list[Agent]) -> RosterModel:
    """The roster model of a non-empty crew, every rule stated (module docstring)."""
    rules = scenario.shift_rules
    model = RecordingModel()
    shifts_of: dict[ShiftType, list[PlannedShift]] = defaultdict(list)
    for p in planned:
        shifts_of[p.template.key].append(p)
    types = sorted(shifts_of)
    days = range(scenario.days)
    on_day = {d: [k for k in types if k.day == d] for d in days}
    paid = {k: shifts_of[k][0].template.paid_min for k in types}
    y = _only_when_available(model, crew, types)
    works = _one_shift_a_day(model, y, len(crew), on_day)
    for a, agent in enumerate(crew):
        # optimizer.locked: a day a locked shift already works counts for the weekly and consecutive-day rules.
        for d in getattr(agent, "locked_days", ()):
            works[a][d] = 1
    penalties = _plan_counts(model, y, len(crew), shifts_of, paid)
    earliest = min(k.start_min for k in types)
    for a, agent in enumerate(crew):
        if scenario.days > 7:    # optimizer.horizon: the weekly rules per week of a longer horizon
            limit_per_week(model, [(y[(a, k)], k, paid[k]) for k in types if (a, k) in y], works[a], agent, rules,
                           penalties=penalties, below_weight=MIN_HOURS_WEIGHT, name=f"{a}")
        else:
            _limit_shifts_and_hours(model, y, a, agent, types, paid, works[a], rules, penalties)
        _min_rest(model, y, a, on_day, days, rules.min_rest_hours * 60)
        _max_consecutive_days(model, works[a], rules.max_consecutive_days)
        boundary_rules(model, works[a], agent, rules)     # optimizer.continuity: after the previous roster
        catalogue_rules(model, agent, works=works[a], takes=[(y[(a, k)], k) for k in types if (a, k) in y],
                        name=str(a), penalties=penalties)   # optimizer.rule_catalogue
        _two_days_off(model, works[a], a, penalties)
        _weekend_rotation(model, works[a], a, scenario, penalties)
        _same_start_band(model, y, a, types, earliest, penalties)
        _preferred_start(y, a, agent, types, penalties)
    model.minimize(sum(penalties))
    return RosterModel(model, y, shifts_of)


def _roster_group(scenario: Scenario, planned: list[PlannedShift], crew: list[Agent], budget: Budget,
                  effort: float, deadline: float | None) -> tuple[list[Shift], list[PlannedShift], str, list[str]]:
    """(shifts given to the crew, planned shifts left, solver status, warnings)."""
    if not crew:
        return [], planned, "NO_AGENTS", [f"skill group {planned[0].group}: no agents to take {len(planned)} shifts"]
    rules = scenario.shift_rules
    rm = roster_model(scenario, planned, crew)
    shifts_of = rm.shifts_of
    types = sorted(shifts_of)
    paid = {k: shifts_of[k][0].template.paid_min for k in types}
    greedy = greedy_roster(crew, shifts_of, rules, scenario.start, _compositions(scenario, crew, shifts_of, paid))
    # The greedy roster sets the assignments only; the penalty terms follow from them.
    hint = {var: int(key in greedy) for key, var in rm.y.items()}
    run = run_from_partial_hint(rm.model, hint, effort, deadline)
    name = run.status
    if name == "INFEASIBLE":
        # Not a lack of budget: the rules and the agents' availability contradict each other.
        raise InputError(_contradictions(scenario, planned, crew, rm),
                         f"the roster rules cannot hold for skill group {planned[0].group}")
    warnings = []
    if run.wall_stopped:
        warnings.append(f"skill group {planned[0].group}: the wall-clock safety limit ({budget.wall_seconds:g} s) "
                        "stopped the roster solve before its effort budget; this roster may differ from run to run")
    if run.found:
        picked = [key for key, var in rm.y.items() if run.solver.value(var)]
    else:
        # The model always has a solution (a missed shift is only a penalty), so a solver that found none is
        # short of budget: keep the greedy roster, which obeys every hard rule, rather than dropping the group.
        picked = sorted(greedy)
        warnings.append(f"skill group {planned[0].group}: CP-SAT found no roster within its share ({effort:.2g}) "
                        f"of the {budget.describe()}; the greedy roster is kept")
        name = f"GREEDY ({name})"
    assign: dict[int, dict[int, ShiftType]] = defaultdict(dict)
    for a, k in picked:
        assign[a][k.day] = k
    place_missed(crew, assign, shifts_of, paid, rules, n_days=scenario.days)
    repair_min_hours(crew, assign, paid, rules, scenario.days)
    shifts, missed = [], []
    for k in types:
        pool = list(shifts_of[k])
        for a in range(len(crew)):
            if assign[a].get(k.day) == k:
                p = pool.pop()
                shifts.append(to_shift(crew[a].id, p, rules.paid_lunch))
        missed += pool
    return shifts, missed, name, warnings


def _compositions(scenario: Scenario, crew: list[Agent], shifts_of: dict[ShiftType, list[PlannedShift]],
                  paid: dict[ShiftType, int]) -> list[Counter] | None:
    """Each agent's composition of the plan's shifts (optimizer.agent_weeks) when the plan carries no more than
    the crew's padded contracted minimum (shift selection then composed the agents' weeks): the greedy start
    gives them first. None when the plan has hours to spare (the pad leaves room to share them out)."""
    weeks = -(-scenario.days // WEEK_DAYS)
    planned = sum(paid[k] * len(p) for k, p in shifts_of.items())
    if planned >= sum(a.min_hours * 60 for a in crew) * MIN_HOURS_PAD * weeks:
        return None
    lengths = Counter((k.day // WEEK_DAYS, paid[k]) for k, p in shifts_of.items() for _ in p)
    return agent_compositions([(int(round(a.min_hours * 60)), max_paid_minutes(a)) for a in crew], lengths,
                              scenario.shift_rules.max_shifts_per_week, scenario.days)


def _contradictions(scenario: Scenario, planned: list[PlannedShift], crew: list[Agent], rm: RosterModel
                    ) -> list[Problem]:
    """Why a group's roster model has no solution at all, naming the agents or rules (the only hard rule that
    can make it so is a minimum number of shifts per week: every other rule can be met by working less)."""
    need = scenario.shift_rules.min_shifts_per_week
    problems = []
    for a, agent in enumerate(crew):
        days = {k.day for (b, k) in rm.y if b == a}
        if len(days) < need:
            problems.append(Problem(f"agent {agent.id}", f"can work planned shifts on {len(days)} day(s) of the week "
                                                          f"(availability) but shift_rules.min_shifts_per_week is "
                                                          f"{need}"))
    if len(planned) < need * len(crew):
        problems.append(Problem(f"skill_groups.{planned[0].group}",
                                f"{len(crew)} agents must each work shift_rules.min_shifts_per_week = {need} "
                                f"shifts, but the plan needs only {len(planned)} shifts of the group; lower the "
                                f"minimum or the headcount"))
    return problems or [Problem("shift_rules", "the roster rules contradict the agents' availability and contracts "
                                               f"in skill group {planned[0].group}")]


# -- rules ------------------------------------------------------------------------------------------------------

def _only_when_available(model, crew: list[Agent], types: list[ShiftType]) -> dict[Take, cp_model.IntVar]:
    """Unavailable times: a variable only where the agent can work the shift."""
    y = {}
    for a, agent in enumerate(crew):
        for k in types:
            if agent.can_work(k.day, k.start_min, k.end_min):
                y[(a, k)] = model.new_bool_var(f"y_{a}_{tuple(k)}")
    return y


def _one_shift_a_day(model, y, n_agents: int, on_day: dict[int, list[ShiftType]]) -> list[list]:
    """At most one shift per agent and day; returns per agent the days' "works" expressions (0 where the agent
    can work nothing that day)."""
    works = []
    for a in range(n_agents):
        row = []
        for d in on_day:
            here = [y[(a, k)] for k in on_day[d] if (a, k) in y]
            row.append(sum(here) if here else 0)
            if here:
                model.add(sum(here) <= 1)
        works.append(row)
    return works


def _plan_counts(model, y, n_agents: int, shifts_of: dict[ShiftType, list[PlannedShift]], paid) -> list:
    """Each shift type is worked as often as planned; a shift nobody works costs MISS_WEIGHT per paid minute.
    Returns the penalty terms."""
    penalties = []
    for k in sorted(shifts_of):
        takers = [y[(a, k)] for a in range(n_agents) if (a, k) in y]
        miss = model.new_int_var(0, len(shifts_of[k]), f"miss_{tuple(k)}")
        model.add(sum(takers) + miss == len(shifts_of[k]))
        penalties.append(MISS_WEIGHT * paid[k] * miss)
    return penalties


def _limit_shifts_and_hours(model, y, a, agent, types, paid, works, rules, penalties) -> None:
    """Shifts within max (and min) shifts per week; paid minutes within the agent's maximum; below the
    contracted minimum costs MIN_HOURS_WEIGHT per minute."""
    mine = [(y[(a, k)], paid[k]) for k in types if (a, k) in y]
    model.add(sum(works) <= rules.max_shifts_per_week)
    if rules.min_shifts_per_week:
        model.add(sum(works) >= rules.min_shifts_per_week)
    minutes = sum(p * v for v, p in mine) if mine else 0
    model.add(minutes <= max_paid_minutes(agent))
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
        today = [(k, k.end_min) for k in on_day[d] if (a, k) in y]
        tomorrow = [k for k in on_day[d + 1] if (a, k) in y]
        for end in sorted({e for _, e in today}):
            early = [y[(a, k)] for k in tomorrow if k.start_min + 1440 - end < rest_min]
            if not early:
                continue
            late = [y[(a, k)] for k, e in today if e >= end]
            model.add(sum(late) + sum(early) <= 1)


def _max_consecutive_days(model, works, limit: int) -> None:
    """No more than `limit` working days in any window of limit + 1 days."""
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
            bands[band(k.start_min, earliest)].append(y[(a, k)])
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
    """Soft: a shift starting outside the agent's preferred start times costs PREFERENCE_WEIGHT."""
    if agent.preferred_start is None:
        return
    lo, hi = agent.preferred_start
    for k in types:
        if (a, k) in y and not (lo <= k.start_min <= hi):
            penalties.append(PREFERENCE_WEIGHT * y[(a, k)])
