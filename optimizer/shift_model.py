"""The CP-SAT shift-selection model: how many shifts of each template and skill group, and where their lunches and
breaks go, in one model (of the week, or of one day).

Units inside the model are whole agent-minutes per interval, so fractional requirements survive to the solver
at one-minute resolution (a requirement of 12.3 available agents in a 30-minute interval with 30% shrinkage is
ceil(12.3 x 30 / 0.7) = 528 on-duty minutes). Each rule is a small function adding its rows; soft rules return
penalty terms (the style of OR-Tools' shift_scheduling_sat example):

- add_shift_counts: a count per template and group, at most the group's agents free that day, costing
  hourly_cost x paid minutes.
- place_lunches_and_breaks: every selected shift gets one lunch (when long enough) and its breaks, each at one
  of the template's allowed offsets; the time off is taken out of the coverage.
- limit_headcount: per group and day no more shifts than agents available that day; per week no more than the
  agents' shifts and hours allow, and at least their contracted minimum hours (soft).
- cover_pooled_requirements: for every pooled subset S of channels, the on-duty minutes of the skill groups that
  hold a skill in S cover the summed requirement of S (Hall's condition, optimizer.pooling); a shortfall is
  allowed but costs SHORT_WEIGHT per minute, so an impossible target still gives the best plan and its gaps.
- compose_agent_weeks (the week's model, groups whose contracted minimum decides their hours): the shifts are
  shareable into agent weeks meeting each contract (optimizer.agent_weeks), instead of the padded minimum.
- meet_length_targets (a day's model): at least the day's share of those weeks' shifts of each paid length
  (soft, MIN_HOURS_WEIGHT per paid minute missing).
- penalise_idle: on-duty minutes above the all-channel requirement cost a little (idle time).
- stay_near: in a re-solve, every shift more or fewer than the previous plan's costs STAY_WEIGHT.

The rows are kept (optimizer.linear) for the model's LP relaxation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from scenarios import Scenario

from .agent_weeks import WeekComposition, blocks, compositions
from .catalogue_limits import state_caps
from .linear import LinearModel
from .plan import BreakSlot, GroupLimits, GroupShift, LunchSlot, PlannedShift, ShiftPlan, SubsetInterval
from .pooling import coverage_sets
from .requirements import requirement_arrays
from .solver import run_cp_sat
from .templates import Template, minutes_in_intervals, shift_templates

SHORT_WEIGHT = 3000      # per missing on-duty agent-minute: above the cost of the shortest shift
IDLE_WEIGHT = 1          # per on-duty agent-minute above the requirement
COST_SCALE = 10          # objective units per paid minute at hourly_cost 1.0
MIN_HOURS_WEIGHT = 400   # per paid minute below the group's contracted minimum
STAY_WEIGHT = 300        # re-solves: per shift moved from the previous plan (an 8 h shift costs 4800)
IDLE_MAX = 10 ** 7       # on-duty agent-minutes: far above any interval's

SlotKey = LunchSlot | BreakSlot
Penalties = list[tuple[cp_model.IntVar, int]]


def on_duty_minutes(scenario: Scenario, required: np.ndarray) -> np.ndarray:
    """Available agents required -> on-duty agent-minutes per interval (shrinkage taken into account)."""
    minutes = required * scenario.interval_minutes / (1.0 - scenario.shrinkage)
    return np.ceil(np.round(minutes, 6)).astype(int)


class ShiftModel:
    """The model's data and variables; the rules below add its rows. `solve()` returns a ShiftPlan.

    templates: per group, the templates offered (default: all of the scenario's); intervals: the intervals whose
    coverage counts (default: the week); anchor: a previous plan's counts (ShiftPlan.counts) to stay near.
    agent_weeks: the groups (with contracts) whose agents' weeks are stated (compose_agent_weeks; the whole
    horizon's model); length_targets: (group, paid minutes, day) -> shifts of that paid length to select at
    least (soft). Either replaces the group's padded minimum of paid hours.
    """

    def __init__(self, scenario: Scenario, requirement: pd.DataFrame, limits: dict[str, GroupLimits],
                 place_breaks: bool = True, templates: dict[str, list[Template]] | None = None,
                 intervals: range | None = None, anchor: Mapping[GroupShift, int] | None = None, *,
                 agent_weeks: Collection[str] = (),
                 length_targets: Mapping[tuple[str, int, int], int] | None = None):
        self.scenario = scenario
        self.model = LinearModel()
        self.place_breaks = place_breaks
        self.limits = limits
        self.groups = [g for g in scenario.skill_groups if limits.get(g) and sum(limits[g].agents_per_day) > 0]
        self.offered = templates or {g: shift_templates(scenario, g) for g in self.groups}
        self.intervals = intervals if intervals is not None else range(scenario.n_intervals)
        self.required = required_minutes(scenario, requirement_arrays(scenario, requirement))
        self.serving = {s: [g for g in groups if g in self.groups] for s, groups in coverage_sets(scenario)}
        # Decision variables by typed key: shift counts (GroupShift) and lunch and break positions (SlotKey).
        self.var: dict[GroupShift | SlotKey, cp_model.IntVar] = {}
        self.template: dict[GroupShift, Template] = {}      # the shift counts, in the order they were made
        self.ub: dict[GroupShift, int] = {}
        self.span: dict[GroupShift, dict[int, int]] = {}     # minutes of the shift in each interval
        self.parts: dict[GroupShift, list[tuple[int, list[SlotKey]]]] = {}   # (minutes, positions) per lunch/break
        self.cover: dict[str, dict[int, list[tuple[GroupShift | SlotKey, int]]]] = {
            g: defaultdict(list) for g in self.groups}       # on-duty minutes of each variable, per interval
        self.below: dict[str, tuple[cp_model.IntVar, int]] = {}
        self.short: dict[SubsetInterval, cp_model.IntVar] = {}
        self.idle: dict[int, cp_model.IntVar] = {}
        self.moves: dict[GroupShift, tuple[cp_model.IntVar, int]] = {}
        self.weeks: list[WeekComposition] = []                 # compose_agent_weeks' variables
        self.length_short: dict[tuple[str, int, int], tuple[cp_model.IntVar, int]] = {}   # meet_length_targets'
        # groups whose contracts replace the padded minimum of paid hours
        self.composed = {g for g in self.groups if limits[g].contracts
                         and (g in agent_weeks or any(key[0] == g for key in length_targets or ()))}
        self.work = 0.0             # deterministic time the last solve spent
        self.wall_stopped = False   # whether the wall-clock safety limit stopped it
        self.label: dict[GroupShift, str] = {}     # CP-SAT variable names: group and template position

        costs = add_shift_counts(self)
        if place_breaks:
            place_lunches_and_breaks(self)
        penalties = limit_headcount(self)
        state_caps(self)     # optimizer.catalogue_limits: what the hard rule catalogue lets the agents take
        if agent_weeks:
            penalties += compose_agent_weeks(self, agent_weeks)
        if length_targets:
            penalties += meet_length_targets(self, length_targets)
        penalties += cover_pooled_requirements(self)
        penalties += penalise_idle(self)
        if anchor is not None:
            penalties += stay_near(self, anchor)
        self.model.minimize(costs + penalties)

    def coverage_terms(self, group: str, interval: int) -> list[tuple[cp_model.IntVar, int]]:
        """On-duty minutes of the group in the interval, as (variable, minutes per unit)."""
        return [(self.var[key], m) for key, m in self.cover[group].get(interval, [])]

    @property
    def all_channels(self) -> frozenset[str] | None:
        """The pooled set of every channel (the largest), whose requirement idle time is measured against."""
        return max(self.required, key=len) if self.required else None

    def solve(self, effort: float, deadline: float | None = None, gap: float = 0.002) -> ShiftPlan | None:
        """Solve with CP-SAT on one worker within `effort` (deterministic time; optimizer.solver) and the wall-clock
        `deadline`, stopping within relative `gap` of the optimum. None when CP-SAT found no solution in its
        budget (the caller keeps its start solution). `work` holds the deterministic time spent, `wall_stopped`
        whether the safety deadline, not the effort budget, stopped it."""
        run = run_cp_sat(self.model.cp, effort, deadline, gap)
        self.work, self.wall_stopped = run.work, run.wall_stopped
        if not run.found:
            return None
        solver = run.solver
        shifts = self.planned_shifts(lambda key: solver.value(self.var[key]))
        short = {key: solver.value(v) for key, v in self.short.items() if solver.value(v) > 0}
        return ShiftPlan(shifts, run.status, run.seconds, short)

    def planned_shifts(self, count: Callable[[GroupShift | SlotKey], int]) -> list[PlannedShift]:
        """The shifts a solution (`count` of each decision key) selects, each with its lunch and break offsets
        (put in afterwards, round-robin, when the model does not place them)."""
        shifts: list[PlannedShift] = []
        for key, tpl in self.template.items():
            n = count(key)
            if not n:
                continue
            if self.place_breaks:
                placed = [_expand({slot.offset: count(slot) for slot in slots}) for _, slots in self.parts[key]]
                lunches = placed.pop(0) if tpl.has_lunch else [None] * n
                slots = placed
            else:
                lunches, slots = _afterwards(tpl, n)
            for i in range(n):
                shifts.append(PlannedShift(key.group, tpl, lunches[i], tuple(sl[i] for sl in slots)))
        return shifts


def required_minutes(scenario: Scenario, required: dict[str, np.ndarray]) -> dict[frozenset[str], np.ndarray]:
    """On-duty agent-minutes required per interval for every pooled subset (available agents per channel in)."""
    channels = scenario.human_channels()
    return {s: on_duty_minutes(scenario, sum(required[c] for c in channels if c in s))
            for s, _ in coverage_sets(scenario)}


# -- rules ------------------------------------------------------------------------------------------------------

def add_shift_counts(m: ShiftModel) -> Penalties:
    """A count per template and group, 0..agents free that day; returns the cost terms (paid minutes)."""
    costs = []
    for g in m.groups:
        hourly = m.scenario.skill_groups[g].hourly_cost
        per_day = m.limits[g].agents_per_day
        for k, tpl in enumerate(m.offered[g]):
            ub = per_day[tpl.day] if tpl.day < len(per_day) else 0
            if ub <= 0:
                continue
            key = GroupShift(g, tpl.key)
            m.label[key] = f"{g}_{k}"
            m.var[key] = var = m.model.int_var(0, ub, f"x_{g}_{k}")
            m.template[key] = tpl
            m.ub[key] = ub
            m.span[key] = minutes_in_intervals(m.scenario, tpl.week_start_min, tpl.length_min)
            costs.append((var, int(round(COST_SCALE * hourly * tpl.paid_min))))
            for i, minutes in m.span[key].items():
                m.cover[g][i].append((key, minutes))
    return costs


def place_lunches_and_breaks(m: ShiftModel) -> None:
    """Split each template's count over its lunch offsets and, per break, over that break's offsets; the
    minutes off come out of the coverage."""
    for key, tpl in m.template.items():
        parts = []
        if tpl.has_lunch:
            slots = [LunchSlot(key.group, key.shift, o) for o in tpl.lunch_offsets]
            parts.append((tpl.lunch_min, _split(m, key, "l", slots, tpl.lunch_min)))
        for j, offsets in enumerate(tpl.break_offsets):
            slots = [BreakSlot(key.group, key.shift, j, o) for o in offsets]
            parts.append((tpl.break_min, _split(m, key, f"b{j}", slots, tpl.break_min)))
        m.parts[key] = parts


def _split(m: ShiftModel, key: GroupShift, tag: str, slots: list[SlotKey], minutes: int) -> list[SlotKey]:
    tpl = m.template[key]
    for slot in slots:
        m.var[slot] = m.model.int_var(0, m.ub[key], f"{tag}_{m.label[key]}_{slot.offset}")
    m.model.add([(m.var[s], 1) for s in slots] + [(m.var[key], -1)], lo=0, hi=0)
    for slot in slots:
        for i, off in minutes_in_intervals(m.scenario, tpl.week_start_min + slot.offset, minutes).items():
            m.cover[key.group][i].append((slot, -off))
    return slots


def limit_headcount(m: ShiftModel) -> Penalties:
    """Per group: shifts per day <= agents free that day; the week's shifts within the group's maximum (and
    minimum); paid minutes <= the maximum; below the contracted minimum costs MIN_HOURS_WEIGHT per minute."""
    penalties = []
    for g in m.groups:
        lim = m.limits[g]
        by_day: dict[int, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        for key, tpl in m.template.items():
            if key.group == g:
                by_day[tpl.day].append((m.var[key], tpl.paid_min))
        for day, terms in by_day.items():
            m.model.add([(v, 1) for v, _ in terms], hi=lim.agents_per_day[day])
        every = [t for terms in by_day.values() for t in terms]
        if not every:
            continue
        m.model.add([(v, 1) for v, _ in every], hi=lim.max_shifts)
        if lim.min_shifts:
            m.model.add([(v, 1) for v, _ in every], lo=lim.min_shifts)
        m.model.add(every, hi=lim.max_paid_min)
        if lim.min_paid_min > 0 and g not in m.composed:
            below = m.model.int_var(0, lim.min_paid_min, f"below_min_{g}")
            m.below[g] = (below, lim.min_paid_min)
            m.model.add(every + [(below, 1)], lo=lim.min_paid_min)
            penalties.append((below, MIN_HOURS_WEIGHT))
    return penalties


def compose_agent_weeks(m: ShiftModel, groups: Collection[str]) -> Penalties:
    """Per group with contracts, calendar week and contract: agents per composition (optimizer.agent_weeks) plus
    agents on none = the contract's agents, an agent on none costing MIN_HOURS_WEIGHT x its minimum; the
    compositions use at most the week's selected shifts of each paid length."""
    penalties = []
    max_per_week = m.scenario.shift_rules.max_shifts_per_week
    for g in sorted(m.composed & set(groups)):
        for w, block in enumerate(blocks(m.scenario.days)):
            by_length: dict[int, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
            for key, tpl in m.template.items():
                if key.group == g and tpl.day in block:
                    by_length[tpl.paid_min].append((m.var[key], -1))
            week = WeekComposition(g, block, {}, {})
            uses: dict[int, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
            for c, contract in enumerate(m.limits[g].contracts):
                if contract.min_paid_min <= 0:
                    continue
                mine = []
                for n, comp in enumerate(compositions(list(by_length), min(max_per_week, len(block)), contract)):
                    var = m.model.int_var(0, contract.agents, f"week_{g}_{w}_{c}_{n}")
                    week.counts[(contract, comp)] = var
                    mine.append((var, 1))
                    for length, times in Counter(comp).items():
                        uses[length].append((var, times))
                none = m.model.int_var(0, contract.agents, f"no_week_{g}_{w}_{c}")
                week.none[contract] = none
                m.model.add(mine + [(none, 1)], lo=contract.agents, hi=contract.agents)
                penalties.append((none, MIN_HOURS_WEIGHT * contract.min_paid_min))
            for length, terms in uses.items():
                m.model.add(terms + by_length[length], hi=0)
            m.weeks.append(week)
    return penalties


def meet_length_targets(m: ShiftModel, targets: Mapping[tuple[str, int, int], int]) -> Penalties:
    """Soft: at least `targets[(group, paid minutes, day)]` shifts of the group and paid length on the day (the
    day's share of the agent weeks); each paid minute missing costs MIN_HOURS_WEIGHT."""
    penalties = []
    for (g, length, day), need in targets.items():
        if g not in m.groups:
            continue
        terms = [(m.var[key], 1) for key, tpl in m.template.items()
                 if key.group == g and tpl.day == day and tpl.paid_min == length]
        short = m.model.int_var(0, need, f"short_len_{g}_{length}_{day}")
        m.length_short[(g, length, day)] = (short, need)
        m.model.add(terms + [(short, 1)], lo=need)
        penalties.append((short, MIN_HOURS_WEIGHT * length))
    return penalties


def cover_pooled_requirements(m: ShiftModel) -> Penalties:
    """Per pooled subset and interval of the model: on-duty minutes of the groups serving the subset + shortfall
    >= the subset's requirement; each minute short costs SHORT_WEIGHT."""
    penalties = []
    for s, need in m.required.items():
        for i in np.flatnonzero(need > 0):
            if i not in m.intervals:
                continue
            supply = [t for g in m.serving[s] for t in m.coverage_terms(g, i)]
            short = m.model.int_var(0, int(need[i]), f"short_{'+'.join(sorted(s))}_{i}")
            m.short[SubsetInterval(s, int(i))] = short
            m.model.add(supply + [(short, 1)], lo=int(need[i]))
            penalties.append((short, SHORT_WEIGHT))
    return penalties


def penalise_idle(m: ShiftModel) -> Penalties:
    """Per interval: idle >= on-duty minutes of all groups - the all-channel requirement; IDLE_WEIGHT a minute."""
    everything = m.all_channels
    if everything is None:
        return []
    need = m.required[everything]
    penalties = []
    for i in m.intervals:
        on_duty = [t for g in m.groups if m.cover[g].get(i) for t in m.coverage_terms(g, i)]
        if not on_duty:
            continue
        idle = m.model.int_var(0, IDLE_MAX, f"idle_{i}")
        m.idle[i] = idle
        m.model.add([(idle, 1)] + [(v, -c) for v, c in on_duty], lo=-int(need[i]))
        penalties.append((idle, IDLE_WEIGHT))
    return penalties


def stay_near(m: ShiftModel, anchor: Mapping[GroupShift, int]) -> Penalties:
    """Soft: keep the anchor plan's shift counts (STAY_WEIGHT per shift more or fewer of a template). A
    re-solve after a small change of the requirement then moves only the shifts that pay for the move, and
    intervals the simulation found fine keep their agents."""
    penalties = []
    for key in m.template:
        var = m.var[key]
        was = int(anchor.get(key, 0))
        dev = m.model.int_var(0, max(m.ub[key], was), f"move_{m.label[key]}")
        m.model.add([(dev, 1), (var, -1)], lo=-was)
        m.model.add([(dev, 1), (var, 1)], lo=was)
        m.moves[key] = (dev, was)
        penalties.append((dev, STAY_WEIGHT))
    return penalties


# -- reading the solution ---------------------------------------------------------------------------------------

def _expand(counts: dict[int, int]) -> list[int]:
    return [o for o, n in sorted(counts.items()) for _ in range(n)]


def _afterwards(tpl: Template, n: int) -> tuple[list[int | None], list[list[int]]]:
    """Traditional practice: lunch and breaks put in afterwards, staggered round-robin over the allowed offsets."""
    lunches: list[int | None] = ([tpl.lunch_offsets[i % len(tpl.lunch_offsets)] for i in range(n)]
                                 if tpl.has_lunch else [None] * n)
    slots = [[offs[i % len(offs)] for i in range(n)] for offs in tpl.break_offsets]
    return lunches, slots
