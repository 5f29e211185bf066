"""Shift templates from the scenario's shift rules: where a shift may start, how long it runs, and where its
lunch and paid breaks may go.

All times are whole minutes. A template's `start_min` counts from 00:00 of its day; lunch and break offsets
count from the shift start. Lunch and break windows never overlap, so lunch and each break can be placed
independently (the implicit break model of Bechtold and Jacobs / Aykin): any split of a template's shift count
over its lunch positions and, separately, over each break's positions is realisable by real shifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from scenarios import InputError, Problem, Scenario, open_mask
from scenarios.clock import clock_minutes

# Breaks keep clear of the first and last hour of a shift and of the lunch window.
_EDGE_MIN = 60
# A break may move this far either side of its nominal position (evenly spaced through the shift).
_BREAK_SPREAD_MIN = 90


class ShiftType(NamedTuple):
    """A shift by when it runs: day of the week (0 = the scenario's start), start and length in minutes."""

    day: int
    start_min: int
    length_min: int

    @property
    def end_min(self) -> int:
        return self.start_min + self.length_min


@dataclass(frozen=True)
class Template:
    """A shift shape on one day: start, length, and the allowed lunch and break positions."""

    day: int
    start_min: int
    length_min: int
    paid_min: int
    lunch_min: int = 0
    lunch_offsets: tuple[int, ...] = ()
    break_min: int = 0
    break_offsets: tuple[tuple[int, ...], ...] = ()

    @property
    def end_min(self) -> int:
        return self.start_min + self.length_min

    @property
    def week_start_min(self) -> int:
        """Start in minutes from the week start."""
        return self.day * 1440 + self.start_min

    @property
    def has_lunch(self) -> bool:
        return bool(self.lunch_offsets)

    @property
    def key(self) -> ShiftType:
        return ShiftType(self.day, self.start_min, self.length_min)


def check_rules(scenario: Scenario) -> None:
    """Raise InputError naming every shift rule that contradicts another rule or a contract.

    The schema already rejects min above max within one object; these are the contradictions across objects.
    """
    rules = scenario.shift_rules
    problems: list[Problem] = []
    longest = max(rules.lengths_hours)
    shortest = min(rules.lengths_hours)
    lunch_h = 0.0 if rules.paid_lunch else rules.lunch_minutes / 60
    paid_long = longest - (lunch_h if longest > rules.lunch_after_hours else 0)
    for name, group in scenario.skill_groups.items():
        where = f"skill_groups.{name}"
        if group.min_hours_per_week > paid_long * rules.max_shifts_per_week + 1e-9:
            problems.append(Problem(where, f"min_hours_per_week ({group.min_hours_per_week:g}) cannot be reached with "
                                           f"max_shifts_per_week {rules.max_shifts_per_week} of at most "
                                           f"{paid_long:g} paid hours"))
        paid_short = shortest - (lunch_h if shortest > rules.lunch_after_hours else 0)
        if group.max_hours_per_week < paid_short * rules.min_shifts_per_week - 1e-9:
            problems.append(Problem(where, f"max_hours_per_week ({group.max_hours_per_week:g}) is below "
                                           f"min_shifts_per_week {rules.min_shifts_per_week} x the shortest shift "
                                           f"({paid_short:g} paid hours)"))
    if rules.max_shifts_per_week > scenario.days:
        pass  # a week shorter than seven days simply caps the shifts
    if rules.min_shifts_per_week > min(scenario.days, 7) - _min_days_off(rules, scenario.days):
        problems.append(Problem("shift_rules.min_shifts_per_week",
                                f"{rules.min_shifts_per_week} shifts do not fit in {scenario.days} days with "
                                f"max_consecutive_days {rules.max_consecutive_days}"))
    lo, hi = rules.lunch_window_hours
    for length in rules.lengths_hours:
        if length > rules.lunch_after_hours and (lo * 60 + rules.lunch_minutes > length * 60):
            problems.append(Problem("shift_rules.lunch_window_hours",
                                    f"a lunch {lo:g} h after the start does not fit in a {length:g} h shift"))
    if problems:
        raise InputError(problems, "contradictory shift rules")


def _min_days_off(rules, days: int) -> int:
    """Fewest days off that `max_consecutive_days` forces into `days` days."""
    return days // (rules.max_consecutive_days + 1)


def break_count(rules, length_min: int) -> int:
    """Paid breaks of a shift: one per `break_every_hours` worked (a 4 h shift gets one, an 8 h shift two)."""
    if rules.breaks_minutes <= 0:
        return 0
    return int(length_min // round(rules.break_every_hours * 60))


def shape(rules, length_min: int, step_min: int) -> tuple[int, tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """Lunch length, lunch offsets and per-break offsets (minutes from the shift start) of a shift length."""
    lunch_min = rules.lunch_minutes if length_min > rules.lunch_after_hours * 60 and rules.lunch_minutes > 0 else 0
    lunch: tuple[int, ...] = ()
    if lunch_min:
        lo, hi = (round(h * 60) for h in rules.lunch_window_hours)
        hi = min(hi, length_min - lunch_min - _EDGE_MIN)
        lunch = tuple(range(_ceil_to(lo, step_min), hi + 1, step_min)) or (_ceil_to(lo, step_min),)
    n = break_count(rules, length_min)
    b = rules.breaks_minutes
    breaks = []
    low_bound = _EDGE_MIN
    for j in range(1, n + 1):
        nominal = length_min * j / (n + 1)
        lo_b = max(low_bound, nominal - _BREAK_SPREAD_MIN, _EDGE_MIN)
        hi_b = min(nominal + _BREAK_SPREAD_MIN, length_min - _EDGE_MIN - b)
        options = [o for o in range(_ceil_to(lo_b, step_min), int(hi_b) + 1, step_min)
                   if not lunch or o + b <= lunch[0] or o >= lunch[-1] + lunch_min]
        # Keep break windows apart so each break is placed independently of the others.
        if breaks:
            options = [o for o in options if o >= breaks[-1][-1] + b]
        if not options:
            continue
        breaks.append(tuple(options))
        low_bound = options[-1] + b
    return lunch_min, lunch, tuple(breaks)


def _ceil_to(value: float, step: int) -> int:
    return int(-(-int(np.ceil(value)) // step) * step)


def group_open_mask(scenario: Scenario, group: str) -> np.ndarray:
    """Intervals in which at least one channel of the skill group is open."""
    mask = np.zeros(scenario.n_intervals, dtype=bool)
    for skill in scenario.skill_groups[group].skills:
        if skill in scenario.channels:
            mask |= open_mask(scenario, skill)
    return mask


def shift_templates(scenario: Scenario, group: str | None = None) -> list[Template]:
    """Every allowed shift of the week: each day, start (every `start_every_minutes` from `earliest_start`),
    and length that ends by `latest_end`, keeping only shifts that overlap the skill group's opening hours
    (all channels' when `group` is None). Placement steps for lunch and breaks follow the interval length."""
    rules = scenario.shift_rules
    earliest, latest = clock_minutes(rules.earliest_start), clock_minutes(rules.latest_end)
    step = scenario.interval_minutes
    is_open = group_open_mask(scenario, group) if group else np.ones(scenario.n_intervals, dtype=bool)
    per_day = scenario.intervals_per_day
    out = []
    shapes = {}
    for length_h in sorted(set(rules.lengths_hours)):
        length = int(round(length_h * 60))
        shapes[length] = shape(rules, length, step)
    for day in range(scenario.days):
        day_open = is_open[day * per_day:(day + 1) * per_day]
        if not day_open.any():
            continue
        for length, (lunch_min, lunch, breaks) in shapes.items():
            for start in range(earliest, latest - length + 1, rules.start_every_minutes):
                a, b = start // step, -(-(start + length) // step)
                # Shifts must overlap opening hours in at least half their length to be worth offering.
                if day_open[a:min(b, per_day)].sum() * step < length / 2:
                    continue
                paid = length - (0 if rules.paid_lunch else lunch_min)
                out.append(Template(day, start, length, paid, lunch_min, lunch, rules.breaks_minutes if breaks else 0,
                                    breaks))
    return out


def minutes_in_intervals(scenario: Scenario, start_week_min: int, length_min: int) -> dict[int, int]:
    """Minutes of the span [start, start + length) (minutes from the week start) falling in each interval."""
    step = scenario.interval_minutes
    out: dict[int, int] = {}
    t, end = start_week_min, start_week_min + length_min
    while t < end:
        i = t // step
        nxt = min(end, (i + 1) * step)
        if 0 <= i < scenario.n_intervals:
            out[i] = out.get(i, 0) + nxt - t
        t = nxt
    return out
