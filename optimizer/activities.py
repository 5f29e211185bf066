"""Planned activities (scenarios.activities: meetings, coaching, training) placed inside the rostered shifts.

After the roster is made, each participant's activities of each week go into their shifts (whole, between lunch
and breaks, inside the activity's days and window, at most one of an activity a day, never two at once), where
their skill group's coverage has the most surplus over the requirement, group sessions gathering their
participants: one CP-SAT model places them all (optimizer.activity_model). `place_activities` returns the roster
with them, each placed one and each left out with the reason; `check_activities` raises InputError naming the
activity and agents when an activity cannot fit in any shift an agent could work. Shift selection makes room for
the activities beforehand (`activity_reserve`): their minutes are added to the requirement, spread over their
days and windows, so the roster has the surplus to hold them.
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

from .activity_model import WEEK_DAYS, Candidate, held_activities, placement_candidates, solve_placement
from .rule_catalogue import check_targets
from .solver import Budget
from .templates import group_open_mask, shift_templates


@dataclass(frozen=True)
class PlacedActivity:
    """An activity placed for an agent: its date and clock times."""

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
    candidates = [c for c in placement_candidates(scenario, roster, specs, groups)
                  if id(roster.shifts[c.shift]) not in fixed]
    chosen, status = solve_placement(scenario, roster, requirement, specs=specs, candidates=candidates, groups=groups,
                                     budget=budget)
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

def _left_out(scenario: Scenario, roster: Roster, specs: list[ActivitySpec], groups: dict[str, str],
              candidates: list[Candidate], chosen: list[Candidate], status: str) -> list[UnplacedActivity]:
    """Every activity of a participant's week not placed, with the reason."""
    first = scenario.start.weekday()
    weeks = -(-scenario.days // WEEK_DAYS)
    held = held_activities(roster, specs)
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
