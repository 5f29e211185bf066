"""Shift selection with CP-SAT: how many shifts of each template, skill group and day, and where their lunches
and breaks go, in one model.

Units inside the model are whole agent-minutes per interval, so fractional requirements survive to the solver
at one-minute resolution (a requirement of 12.3 available agents in a 30-minute interval with 30% shrinkage is
ceil(12.3 x 30 / 0.7) = 528 on-duty minutes). Each rule is a small function adding its constraints; soft rules
add penalty terms (the style of OR-Tools' shift_scheduling_sat example):

- cover_pooled_requirements: for every pooled subset S of channels, the on-duty minutes of the skill groups that
  hold a skill in S cover the summed requirement of S (Hall's condition, optimizer.pooling); a shortfall is
  allowed but costs SHORT_WEIGHT per minute, so an impossible target still gives the best plan and its gaps.
- place_lunches / place_breaks: every selected shift gets one lunch (when long enough) and its breaks, each at one
  of the template's allowed offsets; the time off is taken out of the coverage.
- limit_headcount: per group and day no more shifts than agents available that day; per week no more than the
  agents' shifts and hours allow, and at least their contracted minimum hours (soft).
- penalise_idle: on-duty minutes above the all-channel requirement cost a little (idle time).

`select_shifts` solves the week day by day (shifts end by midnight): the week's LP relaxation shares the weekly
limits out over the days; each day is solved first over the templates near those the LP uses, from its LP solution
rounded (or, in a verification round, from the previous plan, with every moved shift penalised: stay_near), each
start repaired greedily until no requirement is short (repair_shortfalls).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from scenarios import Scenario, interval_index

from .pooling import coverage_sets
from .templates import Template, minutes_in_intervals, shift_templates

SHORT_WEIGHT = 3000      # per missing on-duty agent-minute: above the cost of the shortest shift
IDLE_WEIGHT = 1          # per on-duty agent-minute above the requirement
COST_SCALE = 10          # objective units per paid minute at hourly_cost 1.0
MIN_HOURS_WEIGHT = 400   # per paid minute below the group's contracted minimum
NEAR_STEPS = 2           # the first, small model of a day: templates this many start steps from the LP's
STAY_WEIGHT = 300        # re-solves: per shift moved from the previous plan (an 8 h shift costs 4800)
SMALL_SHARE = 0.5        # at most this share of a day's time goes to the small model


@dataclass
class GroupLimits:
    """What a skill group's agents can work in the week."""

    agents_per_day: list[int]
    max_shifts: int
    min_shifts: int
    max_paid_min: int
    min_paid_min: int


@dataclass
class PlannedShift:
    """A selected shift not yet given to an agent: group, template, lunch offset, break offsets (minutes)."""

    group: str
    template: Template
    lunch_offset: int | None
    break_offsets: tuple[int, ...]

    def periods_off(self) -> list[tuple[int, int]]:
        """Lunch and breaks as (start, end) minutes from the week start."""
        t0 = self.template.week_start_min
        out = []
        if self.lunch_offset is not None:
            out.append((t0 + self.lunch_offset, t0 + self.lunch_offset + self.template.lunch_min))
        out += [(t0 + o, t0 + o + self.template.break_min) for o in self.break_offsets]
        return sorted(out)


@dataclass
class ShiftPlan:
    """The solved shift selection."""

    shifts: list[PlannedShift]
    status: str
    paid_hours: float
    objective: float
    best_bound: float
    solve_seconds: float
    short_minutes: dict[tuple[frozenset, int], int] = field(default_factory=dict)
    counts: dict[tuple[str, tuple], int] = field(default_factory=dict)


def requirement_arrays(scenario: Scenario, requirement: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per human channel, available agents required per interval of the week (0 where the table has no row)."""
    out = {c: np.zeros(scenario.n_intervals) for c in scenario.human_channels()}
    if requirement is None or not len(requirement):
        return out
    pos = interval_index(scenario, requirement["ds"])
    chans = requirement["channel"].to_numpy()
    vals = requirement["agents"].to_numpy(float)
    for c in out:
        sel = (chans == c) & (pos >= 0)
        np.add.at(out[c], pos[sel], np.nan_to_num(vals[sel]))
    return out


def pooled_subsets(scenario: Scenario, channels: list[str] | None = None) -> list[tuple[frozenset, list[str]]]:
    """Channel subsets worth a coverage constraint, each with the skill groups holding a skill in it
    (optimizer.pooling's Hall subsets, dominated ones pruned)."""
    return coverage_sets(scenario, channels, prune=True)


def on_duty_minutes(scenario: Scenario, required: np.ndarray) -> np.ndarray:
    """Available agents required -> on-duty agent-minutes per interval (shrinkage taken into account)."""
    minutes = required * scenario.interval_minutes / (1.0 - scenario.shrinkage)
    return np.ceil(np.round(minutes, 6)).astype(int)


class ShiftModel:
    """The CP-SAT shift-selection model; `solve()` returns a ShiftPlan."""

    def __init__(self, scenario: Scenario, requirement: pd.DataFrame, limits: dict[str, GroupLimits],
                 place_breaks: bool = True, subset_requirements: dict[frozenset, np.ndarray] | None = None,
                 templates: dict[str, list[Template]] | None = None, intervals: range | None = None,
                 anchor: "ShiftPlan | None" = None):
        self.scenario = scenario
        self.model = cp_model.CpModel()
        self.place_breaks_in_model = place_breaks
        self.groups = [g for g in scenario.skill_groups if limits.get(g) and sum(limits[g].agents_per_day) > 0]
        self.templates = templates or {g: shift_templates(scenario, g) for g in self.groups}
        self.req = requirement_arrays(scenario, requirement)
        self.subset_req = subset_requirements
        self.limits = limits
        self.intervals = intervals if intervals is not None else range(scenario.n_intervals)
        self.x: dict[tuple[str, int], cp_model.IntVar] = {}
        self.ub: dict[tuple[str, int], int] = {}
        self.weekly: dict[tuple[str, str], int] = {}
        self.below: dict[str, tuple] = {}
        self.idle: dict[int, cp_model.IntVar] = {}
        self.lunch: dict[tuple[str, int], dict[int, cp_model.IntVar]] = {}
        self.breaks: dict[tuple[str, int], list[dict[int, cp_model.IntVar]]] = {}
        self.short: dict[tuple[frozenset, int], cp_model.IntVar] = {}
        self.cover: dict[str, dict[int, list[tuple[cp_model.IntVar, int]]]] = {g: defaultdict(list) for g in self.groups}
        self.penalties: list = []
        self.moves: dict[int, tuple] = {}
        self.cost_terms: list = []
        self.paid_terms: list = []
        self._shift_variables()
        if place_breaks:
            self._place_lunches_and_breaks()
        self._limit_headcount()
        self._cover_pooled_requirements()
        self._penalise_idle()
        if anchor is not None:
            self._stay_near(anchor)
        self.model.minimize(sum(self.cost_terms) + sum(self.penalties))

    # -- rules ------------------------------------------------------------------------------------------------
    def _shift_variables(self) -> None:
        for g in self.groups:
            cost = self.scenario.skill_groups[g].hourly_cost
            per_day = self.limits[g].agents_per_day
            for k, tpl in enumerate(self.templates[g]):
                ub = per_day[tpl.day] if tpl.day < len(per_day) else 0
                if ub <= 0:
                    continue
                var = self.model.new_int_var(0, ub, f"x_{g}_{k}")
                self.x[(g, k)] = var
                self.ub[(g, k)] = ub
                self.cost_terms.append(int(round(COST_SCALE * cost * tpl.paid_min)) * var)
                self.paid_terms.append(tpl.paid_min * var)
                for i, m in minutes_in_intervals(self.scenario, tpl.week_start_min, tpl.length_min).items():
                    self.cover[g][i].append((var, m))

    def _place_lunches_and_breaks(self) -> None:
        """Split each template's count over its lunch offsets and, per break, over that break's offsets."""
        for (g, k), var in self.x.items():
            tpl = self.templates[g][k]
            if tpl.has_lunch:
                self.lunch[(g, k)] = self._split(var, g, k, "l", tpl.lunch_offsets, tpl.lunch_min, tpl)
            self.breaks[(g, k)] = [self._split(var, g, k, f"b{j}", offs, tpl.break_min, tpl)
                                   for j, offs in enumerate(tpl.break_offsets)]

    def _split(self, var, g, k, tag, offsets, minutes, tpl) -> dict[int, cp_model.IntVar]:
        ub = self.ub[(g, k)]
        parts = {o: self.model.new_int_var(0, ub, f"{tag}_{g}_{k}_{o}") for o in offsets}
        self.model.add(sum(parts.values()) == var)
        for o, part in parts.items():
            for i, m in minutes_in_intervals(self.scenario, tpl.week_start_min + o, minutes).items():
                self.cover[g][i].append((part, -m))
        return parts

    def _limit_headcount(self) -> None:
        for g in self.groups:
            lim = self.limits[g]
            by_day = defaultdict(list)
            for (gg, k), var in self.x.items():
                if gg == g:
                    by_day[self.templates[g][k].day].append((var, self.templates[g][k].paid_min))
            for day, terms in by_day.items():
                self.model.add(sum(v for v, _ in terms) <= lim.agents_per_day[day])
            every = [(v, p) for terms in by_day.values() for v, p in terms]
            if not every:
                continue
            self.weekly[(g, "shifts")] = self.model.add(sum(v for v, _ in every) <= lim.max_shifts).index
            if lim.min_shifts:
                self.model.add(sum(v for v, _ in every) >= lim.min_shifts)
            paid = sum(p * v for v, p in every)
            self.weekly[(g, "paid")] = self.model.add(paid <= lim.max_paid_min).index
            if lim.min_paid_min > 0:
                below = self.model.new_int_var(0, lim.min_paid_min, f"below_min_{g}")
                self.below[g] = (below, lim.min_paid_min)
                self.weekly[(g, "min_paid")] = self.model.add(paid + below >= lim.min_paid_min).index
                self.penalties.append(MIN_HOURS_WEIGHT * below)

    def _coverage_expr(self, g: str, i: int):
        return sum(c * v for v, c in self.cover[g].get(i, []))

    def subset_minutes(self) -> dict[frozenset, np.ndarray]:
        """On-duty agent-minutes required per interval for every pooled subset."""
        out = {}
        for s, _groups in pooled_subsets(self.scenario):
            if self.subset_req is not None and s in self.subset_req:
                req = np.asarray(self.subset_req[s], float)
            else:
                req = sum(self.req[c] for c in s)
            out[s] = on_duty_minutes(self.scenario, req)
        return out

    def _cover_pooled_requirements(self) -> None:
        self.required = self.subset_minutes()
        serving = dict(pooled_subsets(self.scenario))
        for s, need in self.required.items():
            groups = [g for g in serving[s] if g in self.groups]
            for i in np.flatnonzero(need > 0):
                if i not in self.intervals:
                    continue
                supply = sum(self._coverage_expr(g, i) for g in groups) if groups else 0
                short = self.model.new_int_var(0, int(need[i]), f"short_{'+'.join(sorted(s))}_{i}")
                self.short[(s, int(i))] = short
                self.model.add(supply + short >= int(need[i]))
                self.penalties.append(SHORT_WEIGHT * short)

    def _penalise_idle(self) -> None:
        everything = max(self.required, key=len) if self.required else None
        if everything is None:
            return
        need = self.required[everything]
        for i in self.intervals:
            terms = [self._coverage_expr(g, i) for g in self.groups if self.cover[g].get(i)]
            if not terms:
                continue
            idle = self.model.new_int_var(0, 10**7, f"idle_{i}")
            self.idle[i] = idle
            self.model.add(idle >= sum(terms) - int(need[i]))
            self.penalties.append(IDLE_WEIGHT * idle)

    def _stay_near(self, anchor: "ShiftPlan") -> None:
        """Soft: keep the anchor plan's shift counts (STAY_WEIGHT per shift more or fewer of a template). A
        re-solve after a small change of the requirement then moves only the shifts that pay for the move, and
        intervals the simulation found fine keep their agents."""
        for (g, k), var in self.x.items():
            was = int(anchor.counts.get(("x", (g, self.templates[g][k].key)), 0))
            dev = self.model.new_int_var(0, max(self.ub[(g, k)], was), f"move_{g}_{k}")
            self.model.add(dev >= var - was)
            self.model.add(dev >= was - var)
            self.moves[var.index] = (dev, was)
            self.penalties.append(STAY_WEIGHT * dev)

    # -- solving ----------------------------------------------------------------------------------------------
    def lp_rounding_hint(self, threshold: float = 0.25) -> None:
        """A complete, feasible starting solution from the LP relaxation: counts rounded up from `threshold`
        (within each day's headcount), lunches and breaks split by largest remainder, slacks computed."""
        _, lp_x, _ = lp_solution(self.model)
        value: dict[int, int] = {}
        by_day: dict[tuple[str, int], list] = defaultdict(list)
        for (g, k), var in self.x.items():
            v = lp_x[var.index]
            n = int(np.floor(v + 1e-6)) + (1 if v - np.floor(v + 1e-6) > threshold else 0)
            value[var.index] = min(n, self.ub[(g, k)])
            by_day[(g, self.templates[g][k].day)].append((v - np.floor(v + 1e-6), var))
        for (g, day), items in by_day.items():
            lim = self.limits[g]
            cap = min(lim.agents_per_day[day], lim.max_shifts)
            paid_of = {v.index: self.templates[g][k].paid_min for (gg, k), v in self.x.items() if gg == g}
            # Undo round-ups (smallest fractions first), then whole shifts, until the day's limits hold.
            for _, var in sorted(items, key=lambda t: (lp_x[t[1].index] >= value[t[1].index], t[0])):
                while value[var.index] > 0 and (
                        sum(value[v.index] for _, v in items) > cap
                        or sum(value[v.index] * paid_of[v.index] for _, v in items) > lim.max_paid_min):
                    value[var.index] -= 1
        for key, var in self.x.items():
            n = value[var.index]
            parts = ([self.lunch[key]] if key in self.lunch else []) + list(self.breaks.get(key, []))
            for part in parts:
                for o, cnt in _largest_remainder({o: lp_x[v.index] for o, v in part.items()}, n).items():
                    value[part[o].index] = cnt
        self._complete_and_hint(value)

    def repair_shortfalls(self, value: dict[int, int]) -> None:
        """Add shifts to a starting solution (counts by variable index, changed in place) until no pooled
        requirement is short or no shift the limits allow would shorten it: each time the shift (with the lunch
        and break offsets that take least from short intervals) that removes the most short minutes per paid
        minute, at the interval short the most. A rounded LP solution or the previous round's plan is short here
        and there, and CP-SAT closes such gaps slowly under its heavy shortfall penalty."""
        sc = self.scenario
        serving = {sub: [g for g in groups if g in self.groups] for sub, groups in pooled_subsets(sc)}
        need = {sub: arr for sub, arr in self.required.items() if sub in serving}
        cov = {g: np.zeros(sc.n_intervals) for g in self.groups}
        for g in self.groups:
            for i, terms in self.cover[g].items():
                cov[g][i] = sum(c * value.get(v.index, 0) for v, c in terms)

        def short_at(i: int, extra: dict[str, float] | None = None) -> float:
            total = 0.0
            for sub, groups in serving.items():
                have = sum(cov[g][i] + (extra or {}).get(g, 0.0) for g in groups)
                total += max(0.0, need[sub][i] - have)
            return total

        def pattern(g: str, k: int) -> tuple[dict[int, int], list]:
            """Minutes per interval of one more (g, k) shift, with its least harmful lunch and break offsets."""
            tpl = self.templates[g][k]
            mins = dict(minutes_in_intervals(sc, tpl.week_start_min, tpl.length_min))
            chosen = []
            parts = ([(self.lunch[(g, k)], tpl.lunch_min)] if (g, k) in self.lunch else []) + \
                [(p, tpl.break_min) for p in self.breaks.get((g, k), [])]
            for part, length in parts:
                def loss(o: int) -> float:
                    return sum(m * (short_at(i) > 0) for i, m in
                               minutes_in_intervals(sc, tpl.week_start_min + o, length).items())
                o = min(part, key=lambda o: (loss(o), value.get(part[o].index, 0)))
                chosen.append(part[o])
                for i, m in minutes_in_intervals(sc, tpl.week_start_min + o, length).items():
                    mins[i] = mins.get(i, 0) - m
            return mins, chosen

        day_count = defaultdict(int)
        day_paid = defaultdict(int)
        weekly = defaultdict(lambda: [0, 0])
        for (g, k), var in self.x.items():
            n = value.get(var.index, 0)
            day_count[(g, self.templates[g][k].day)] += n
            weekly[g][0] += n
            weekly[g][1] += n * self.templates[g][k].paid_min
        for _ in range(10_000):
            shorts = [(sum(max(0.0, need[sub][i] - sum(cov[g][i] for g in gs)) for sub, gs in serving.items()), i)
                      for i in self.intervals]
            worst, i = max(shorts, default=(0.0, -1))
            if worst <= 0:
                return
            best = None
            for (g, k), var in self.x.items():
                tpl = self.templates[g][k]
                lim = self.limits[g]
                if i not in self.cover[g] or not any(v is var and c > 0 for v, c in self.cover[g][i]):
                    continue
                if (value.get(var.index, 0) >= self.ub[(g, k)] or day_count[(g, tpl.day)] >= lim.agents_per_day[tpl.day]
                        or weekly[g][0] >= lim.max_shifts or weekly[g][1] + tpl.paid_min > lim.max_paid_min):
                    continue
                mins, chosen = pattern(g, k)
                gain = sum(short_at(j) - short_at(j, {g: m}) for j, m in mins.items() if j in self.intervals)
                score = gain / tpl.paid_min
                if gain > 0 and (best is None or score > best[0]):
                    best = (score, g, k, var, mins, chosen)
            if best is None:
                return
            _, g, k, var, mins, chosen = best
            value[var.index] = value.get(var.index, 0) + 1
            for part in chosen:
                value[part.index] = value.get(part.index, 0) + 1
            for j, m in mins.items():
                cov[g][j] += m
            tpl = self.templates[g][k]
            day_count[(g, tpl.day)] += 1
            weekly[g][0] += 1
            weekly[g][1] += tpl.paid_min

    def _complete_and_hint(self, value: dict[int, int]) -> None:
        """Repair shortfalls, fill the slack variables (shortfall, idle, hours below minimum) for given shift
        counts and hint all."""
        if self.place_breaks_in_model:
            self.repair_shortfalls(value)
        cov = {g: defaultdict(int) for g in self.groups}
        for g in self.groups:
            for i, terms in self.cover[g].items():
                cov[g][i] = sum(c * value.get(v.index, 0) for v, c in terms)
        serving = dict(pooled_subsets(self.scenario))
        for (sub, i), var in self.short.items():
            supply = sum(cov[g][i] for g in serving[sub] if g in cov)
            value[var.index] = int(min(max(0, self.required[sub][i] - supply), self.required[sub][i]))
        everything = max(self.required, key=len)
        for i, var in self.idle.items():
            total = sum(cov[g][i] for g in self.groups)
            value[var.index] = int(max(0, total - self.required[everything][i]))
        for g, (var, need) in self.below.items():
            paid = sum(self.templates[g][k].paid_min * value.get(v.index, 0) for (gg, k), v in self.x.items() if gg == g)
            value[var.index] = int(min(need, max(0, need - paid)))
        for x_index, (dev, was) in self.moves.items():
            value[dev.index] = abs(value.get(x_index, 0) - was)
        self.model.clear_hints()
        for idx, val in value.items():
            self.model.add_hint(self.model.get_int_var_from_proto_index(idx), int(val))

    def previous_plan_hint(self, previous: "ShiftPlan") -> None:
        """Start from a previous plan's counts of shifts, lunches and breaks (what a re-solve after a small change
        of the requirement should mostly keep: fewer shifts move, so the intervals that were fine stay fine)."""
        value: dict[int, int] = {}
        for (g, k), var in self.x.items():
            tk = (g, self.templates[g][k].key)
            value[var.index] = min(int(previous.counts.get(("x", tk), 0)), self.ub[(g, k)])
            if (g, k) in self.lunch:
                for o, v in self.lunch[(g, k)].items():
                    value[v.index] = int(previous.counts.get(("l", tk, o), 0))
            for j, parts in enumerate(self.breaks.get((g, k), [])):
                for o, v in parts.items():
                    value[v.index] = int(previous.counts.get(("b", tk, j, o), 0))
        self._complete_and_hint(value)

    def solve(self, time_limit: float = 20.0, workers: int = 2, gap: float = 0.002) -> ShiftPlan:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = float(time_limit)
        solver.parameters.num_workers = int(workers)
        solver.parameters.relative_gap_limit = float(gap)
        t0 = time.perf_counter()
        status = solver.solve(self.model)
        seconds = time.perf_counter() - t0
        name = solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # Every constraint is soft or trivially satisfiable by the empty plan; this only happens when the
            # time limit is too short to find any plan at all.
            raise RuntimeError(f"shift selection found no plan within {time_limit:g} s (status {name}); "
                               "raise the time limit")
        counts: dict = {}
        shifts: list[PlannedShift] = []
        for (g, k), var in self.x.items():
            n = solver.value(var)
            tpl = self.templates[g][k]
            tk = (g, tpl.key)
            counts[("x", tk)] = n
            if not n:
                continue
            lunches: list[int | None] = [None] * n
            if (g, k) in self.lunch:
                lunches = _expand({o: solver.value(v) for o, v in self.lunch[(g, k)].items()})
                for o, v in self.lunch[(g, k)].items():
                    counts[("l", tk, o)] = solver.value(v)
            if self.place_breaks_in_model:
                slots = []
                for j, parts in enumerate(self.breaks.get((g, k), [])):
                    slots.append(_expand({o: solver.value(v) for o, v in parts.items()}))
                    for o, v in parts.items():
                        counts[("b", tk, j, o)] = solver.value(v)
            else:
                lunches, slots = _afterwards(tpl, n)
            for i in range(n):
                shifts.append(PlannedShift(g, tpl, lunches[i], tuple(sl[i] for sl in slots)))
        short = {key: solver.value(v) for key, v in self.short.items() if solver.value(v) > 0}
        paid = sum(s.template.paid_min for s in shifts) / 60
        return ShiftPlan(shifts, name, paid, solver.objective_value, solver.best_objective_bound, seconds,
                         short, counts)


def select_shifts(scenario: Scenario, requirement: pd.DataFrame, limits: dict[str, GroupLimits], *,
                  time_limit: float = 30.0, workers: int = 2, place_breaks: bool = True,
                  subset_requirements: dict[frozenset, np.ndarray] | None = None,
                  progress=None, previous: ShiftPlan | None = None) -> ShiftPlan:
    """Choose the week's shifts, lunches and breaks.

    Shifts never cross midnight (latest_end <= 24:00), so days only interact through the weekly limits (shifts
    and paid hours per group). The week's LP relaxation (HiGHS, about a second) shares those limits out over
    the days; each day is then solved with CP-SAT, started from its own LP solution rounded (CP-SAT is far
    stronger on a day-sized model with a good first solution than on the whole week from scratch). Each day is
    solved twice: first over the templates near those the LP uses (`_near_templates`: a few hundred variables,
    solved to optimality in about a second, within a fraction of a percent of the full optimum in our
    measurements); only when that small model is not solved to optimality is the day solved again over all its
    templates, started from that plan, with the time left.
    `time_limit` (seconds) is shared by the days. `previous`: a plan for a slightly different requirement
    to start each day from instead (verification rounds), so that a re-solve moves few shifts.
    """
    week = ShiftModel(scenario, requirement, limits, place_breaks, subset_requirements)
    _, lp_x, _ = lp_solution(week.model)
    per_day = scenario.intervals_per_day
    days = [d for d in range(scenario.days) if any(t.day == d for g in week.groups for t in week.templates[g])]
    t0 = time.perf_counter()
    plans: dict[int, ShiftPlan] = {}
    for n, day in enumerate(days):
        templates = {g: [t for t in week.templates[g] if t.day == day] for g in week.groups}
        limits_today = _day_limits(week, lp_x, day)
        intervals = range(day * per_day, (day + 1) * per_day)
        left = max(1.0, (time_limit - (time.perf_counter() - t0)) / (len(days) - n))
        # First the templates the LP uses (and the previous plan's), with their neighbours: a small model CP-SAT
        # solves to optimality in about a second; then the day's full model, started from that plan.
        near = _near_templates(week, lp_x, day, previous)
        small = ShiftModel(scenario, requirement, limits_today, place_breaks, subset_requirements,
                           templates=near, intervals=intervals, anchor=previous)
        if previous is not None and place_breaks:
            small.previous_plan_hint(previous)
        else:
            small.lp_rounding_hint()
        start = time.perf_counter()
        plans[day] = small.solve(time_limit=max(0.5, left * SMALL_SHARE), workers=workers)
        # The small model's optimum is kept as it is: over the day's other templates CP-SAT finds next to nothing
        # more in the time a day gets (measured on the example week: under 0.1 % of the objective).
        if plans[day].status != "OPTIMAL":
            full = ShiftModel(scenario, requirement, limits_today, place_breaks, subset_requirements,
                              templates=templates, intervals=intervals, anchor=previous)
            full.previous_plan_hint(plans[day])
            plans[day] = full.solve(time_limit=max(0.5, left - (time.perf_counter() - start)), workers=workers)
        if progress:
            progress((n + 1) / len(days), f"shifts: day {day + 1} of {scenario.days}")
    shifts = [s for d in sorted(plans) for s in plans[d].shifts]
    short = {k: v for p in plans.values() for k, v in p.short_minutes.items()}
    counts = {}
    for p in plans.values():
        counts.update(p.counts)
    statuses = {p.status for p in plans.values()}
    return ShiftPlan(shifts, "OPTIMAL" if statuses == {"OPTIMAL"} else "FEASIBLE",
                     sum(s.template.paid_min for s in shifts) / 60, sum(p.objective for p in plans.values()),
                     sum(p.best_bound for p in plans.values()), time.perf_counter() - t0, short, counts)


def _near_templates(week: ShiftModel, lp_x: np.ndarray, day: int, previous: ShiftPlan | None
                    ) -> dict[str, list[Template]]:
    """The day's templates within NEAR_STEPS start steps of one of the same group and length that the week's
    LP relaxation uses (or the previous plan has)."""
    step = week.scenario.shift_rules.start_every_minutes
    used: set[tuple[str, int, int]] = set()
    for (g, k), var in week.x.items():
        tpl = week.templates[g][k]
        if tpl.day == day and (lp_x[var.index] > 1e-6
                               or (previous is not None and previous.counts.get(("x", (g, tpl.key)), 0) > 0)):
            used.add((g, tpl.length_min, tpl.start_min))
    out = {}
    for g in week.groups:
        starts = defaultdict(list)
        for gg, length, start in used:
            if gg == g:
                starts[length].append(start)
        out[g] = [t for t in week.templates[g] if t.day == day
                  and any(abs(t.start_min - s0) <= NEAR_STEPS * step for s0 in starts.get(t.length_min, ()))]
    return out


def _day_limits(week: ShiftModel, lp_x: np.ndarray, day: int) -> dict[str, GroupLimits]:
    """One day's share of each group's weekly limits, split as the week's LP relaxation splits them.

    Each weekly maximum is shared out over the days in proportion to the LP's use of each day (largest
    remainder, so the days together use exactly the weekly limit); the weekly minimum of paid hours likewise
    (rounded down; a soft limit).
    """
    out = {}
    for g in week.groups:
        lim = week.limits[g]
        shifts = defaultdict(float)
        paid = defaultdict(float)
        for (gg, k), var in week.x.items():
            if gg == g:
                tpl = week.templates[g][k]
                shifts[tpl.day] += lp_x[var.index]
                paid[tpl.day] += lp_x[var.index] * tpl.paid_min
        agents = [0] * len(lim.agents_per_day)
        agents[day] = lim.agents_per_day[day]
        tot_paid = sum(paid.values())
        share_paid = paid[day] / tot_paid if tot_paid > 1e-9 else 0.0
        out[g] = GroupLimits(agents,
                             max_shifts=_largest_remainder(dict(shifts), lim.max_shifts).get(day, 0) if shifts else 0,
                             min_shifts=0,
                             max_paid_min=_largest_remainder(dict(paid), lim.max_paid_min).get(day, 0) if paid else 0,
                             min_paid_min=int(np.floor(lim.min_paid_min * share_paid)))
    return out


def paid_hours_lower_bound(scenario: Scenario, requirement: pd.DataFrame, limits: dict[str, GroupLimits],
                           subset_requirements: dict[frozenset, np.ndarray] | None = None) -> float | None:
    """Fewest paid hours any plan covering every interval's requirement can have (LP relaxation of the
    week's shift model with breaks); None when headcount or rules make full coverage impossible."""
    week = ShiftModel(scenario, requirement, limits, True, subset_requirements)
    objective = {}
    for (g, k), var in week.x.items():
        objective[var.index] = week.templates[g][k].paid_min
    try:
        value, _, _ = lp_solution(week.model, objective, fixed_zero=tuple(v.index for v in week.short.values()))
    except RuntimeError:
        return None
    return value / 60


def _largest_remainder(parts: dict[int, float], total: int) -> dict[int, int]:
    """Integers summing to `total` in proportion to `parts` (largest remainder first)."""
    keys = list(parts)
    weights = np.array([max(parts[k], 0.0) for k in keys])
    if weights.sum() <= 0:
        weights = np.ones(len(keys))
    share = weights / weights.sum() * total
    base = np.floor(share).astype(int)
    for i in np.argsort(-(share - base))[:total - base.sum()]:
        base[i] += 1
    return dict(zip(keys, (int(b) for b in base)))


def _expand(counts: dict[int, int]) -> list[int]:
    return [o for o, n in sorted(counts.items()) for _ in range(n)]


def _afterwards(tpl: Template, n: int) -> tuple[list[int | None], list[list[int]]]:
    """Traditional practice: lunch and breaks put in afterwards, staggered round-robin over the allowed offsets."""
    lunches: list[int | None] = ([tpl.lunch_offsets[i % len(tpl.lunch_offsets)] for i in range(n)]
                                 if tpl.has_lunch else [None] * n)
    slots = [[offs[i % len(offs)] for i in range(n)] for offs in tpl.break_offsets]
    return lunches, slots


def lp_bound(model: cp_model.CpModel, objective: dict[int, float] | None = None) -> float:
    """Lower bound of a linear CP-SAT model from its LP relaxation (HiGHS via scipy).

    `objective` maps variable index -> coefficient; default: the model's own objective.
    """
    return lp_solution(model, objective)[0]


def lp_solution(model: cp_model.CpModel, objective: dict[int, float] | None = None,
                fixed_zero: tuple[int, ...] = ()) -> tuple[float, np.ndarray, dict[int, float]]:
    """LP relaxation of a linear CP-SAT model: (optimal value, values by variable index, shadow prices of the
    constraints' upper limits by constraint index)."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    proto = model.Proto()
    n = len(proto.variables)
    bounds = [(lambda d: (d[0], d[-1]))(list(v.domain)) for v in proto.variables]
    for v in fixed_zero:
        bounds[v] = (0, 0)
    c = np.zeros(n)
    if objective is None:
        for v, coef in zip(proto.objective.vars, proto.objective.coeffs):
            c[v] += coef
    else:
        for v, coef in objective.items():
            c[v] += coef
    rows, cols, vals, lo, hi, index = [], [], [], [], [], []
    r = 0
    for ct_index, ct in enumerate(proto.constraints):
        if not ct.has_linear():
            continue
        lin = ct.linear
        for v, coef in zip(lin.vars, lin.coeffs):
            rows.append(r)
            cols.append(v)
            vals.append(coef)
        dom = list(lin.domain)
        lo.append(dom[0])
        hi.append(dom[-1])
        index.append(ct_index)
        r += 1
    a = coo_matrix((vals, (rows, cols)), shape=(r, n)).tocsr()
    lo_a, hi_a = np.array(lo, float), np.array(hi, float)
    big = 2 ** 62
    ub_rows = hi_a < big
    lb_rows = lo_a > -big
    from scipy.sparse import vstack
    a_ub = vstack([a[ub_rows], -a[lb_rows]])
    b_ub = np.concatenate([hi_a[ub_rows], -lo_a[lb_rows]])
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"LP relaxation failed: {res.message}")
    # Shadow prices of the <= rows: what one more unit of each upper limit would save.
    upper = np.asarray(index)[ub_rows]
    lower = np.asarray(index)[lb_rows]
    marg = res.ineqlin.marginals
    duals = {int(i): float(-m) for i, m in zip(upper, marg[:len(upper)])}
    # A >= row's price is negative: what one more unit of its lower limit would cost.
    for i, m in zip(lower, marg[len(upper):]):
        duals[int(i)] = duals.get(int(i), 0.0) + float(m)
    return float(res.fun + (proto.objective.offset if objective is None else 0.0)), res.x, duals
