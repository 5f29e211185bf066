"""Start solutions for the shift model: CP-SAT is far stronger on a day-sized model from a good, complete first
solution than from scratch, and closes gaps slowly under its heavy shortfall penalty.

A start is a count per typed key of the model (ShiftModel.var): shifts per group and type, and shifts per lunch
and break position. It comes from the LP relaxation rounded (`lp_rounding_start`) or from a previous plan
(`previous_plan_start`); `hint` repairs it greedily until no pooled requirement is short (`repair_shortfalls`),
works out the slack variables it implies and hands the whole solution to CP-SAT as a hint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import numpy as np

from .catalogue_limits import lower_to_caps, over_caps
from .linear import lp_relaxation
from .plan import GroupShift, ShiftPlan, SubsetInterval
from .shift_model import ShiftModel, SlotKey
from .templates import minutes_in_intervals

Start = dict[GroupShift | SlotKey, int]
REPAIR_STEPS = 10_000    # at most this many shifts added by the repair (it stops long before)


def lp_rounding_start(m: ShiftModel, threshold: float = 0.25) -> Start:
    """The model's LP relaxation rounded: counts rounded up from `threshold` (then lowered, smallest fractions
    first, until each day's headcount and paid-hours limits hold), lunches and breaks split by largest remainder."""
    lp = lp_relaxation(m.model)
    start: Start = {}
    by_day: dict[tuple[str, int], list[tuple[float, GroupShift]]] = defaultdict(list)
    lp_count = {key: lp.value_of(m.var[key]) for key in m.template}
    for key, tpl in m.template.items():
        v = lp_count[key]
        n = int(np.floor(v + 1e-6)) + (1 if v - np.floor(v + 1e-6) > threshold else 0)
        start[key] = min(n, m.ub[key])
        by_day[(key.group, tpl.day)].append((v - np.floor(v + 1e-6), key))
    for (g, day), items in by_day.items():
        lim = m.limits[g]
        cap = min(lim.agents_per_day[day], lim.max_shifts)
        # Undo round-ups (smallest fractions first), then whole shifts, until the day's limits hold.
        for _, key in sorted(items, key=lambda t: (lp_count[t[1]] >= start[t[1]], t[0])):
            while start[key] > 0 and (
                    sum(start[k] for _, k in items) > cap
                    or sum(start[k] * m.template[k].paid_min for _, k in items) > lim.max_paid_min):
                start[key] -= 1
    lower_to_caps(m, start)      # optimizer.catalogue_limits
    for key in m.template:
        for _, slots in m.parts.get(key, []):
            start.update(largest_remainder({s: lp.value_of(m.var[s]) for s in slots}, start[key]))
    return start


def previous_plan_start(m: ShiftModel, counts: Mapping[GroupShift | SlotKey, int]) -> Start:
    """A previous plan's counts of shifts, lunches and breaks (ShiftPlan.counts): what a re-solve after a small
    change of the requirement should mostly keep (fewer shifts move, so the intervals that were fine stay fine)."""
    start: Start = {}
    for key in m.template:
        start[key] = min(int(counts.get(key, 0)), m.ub[key])
        for _, slots in m.parts.get(key, []):
            for slot in slots:
                start[slot] = int(counts.get(slot, 0))
    return start


def coverage_minutes(m: ShiftModel, start: Start) -> dict[str, np.ndarray]:
    """On-duty agent-minutes per group and interval of a start."""
    cov = {g: np.zeros(m.scenario.n_intervals) for g in m.groups}
    for g in m.groups:
        for i, terms in m.cover[g].items():
            cov[g][i] = sum(c * start.get(key, 0) for key, c in terms)
    return cov


def repair_shortfalls(m: ShiftModel, start: Start) -> None:
    """Add shifts to a start (changed in place) until no pooled requirement is short or no shift the limits allow
    would shorten it: each time the shift (with the lunch and break offsets that take least from short intervals)
    that removes the most short minutes per paid minute, at the interval short the most."""
    sc = m.scenario
    cov = coverage_minutes(m, start)

    def short_at(i: int, extra: dict[str, float] | None = None) -> float:
        total = 0.0
        for sub, groups in m.serving.items():
            have = sum(cov[g][i] + (extra or {}).get(g, 0.0) for g in groups)
            total += max(0.0, m.required[sub][i] - have)
        return total

    def one_more(key: GroupShift) -> tuple[dict[int, int], list[SlotKey]]:
        """Minutes per interval of one more shift of `key`, with its least harmful lunch and break offsets."""
        tpl = m.template[key]
        mins = dict(m.span[key])
        chosen = []
        for length, slots in m.parts.get(key, []):
            def loss(slot: SlotKey) -> float:
                return sum(mm * (short_at(i) > 0) for i, mm in
                           minutes_in_intervals(sc, tpl.week_start_min + slot.offset, length).items())
            slot = min(slots, key=lambda s: (loss(s), start.get(s, 0)))
            chosen.append(slot)
            for i, mm in minutes_in_intervals(sc, tpl.week_start_min + slot.offset, length).items():
                mins[i] = mins.get(i, 0) - mm
        return mins, chosen

    day_count: dict[tuple[str, int], int] = defaultdict(int)
    week_shifts: dict[str, int] = defaultdict(int)
    week_paid: dict[str, int] = defaultdict(int)
    for key, tpl in m.template.items():
        n = start.get(key, 0)
        day_count[(key.group, tpl.day)] += n
        week_shifts[key.group] += n
        week_paid[key.group] += n * tpl.paid_min
    for _ in range(REPAIR_STEPS):
        worst, i = max(((short_at(j), j) for j in m.intervals), default=(0.0, -1))
        if worst <= 0:
            return
        best = None
        for key, tpl in m.template.items():
            g, lim = key.group, m.limits[key.group]
            if i not in m.span[key]:
                continue
            if (start.get(key, 0) >= m.ub[key] or day_count[(g, tpl.day)] >= lim.agents_per_day[tpl.day]
                    or week_shifts[g] >= lim.max_shifts or week_paid[g] + tpl.paid_min > lim.max_paid_min
                    or over_caps(m, start, key)):
                continue
            mins, chosen = one_more(key)
            gain = sum(short_at(j) - short_at(j, {g: mm}) for j, mm in mins.items() if j in m.intervals)
            score = gain / tpl.paid_min
            if gain > 0 and (best is None or score > best[0]):
                best = (score, key, mins, chosen)
        if best is None:
            return
        _, key, mins, chosen = best
        for k in [key, *chosen]:
            start[k] = start.get(k, 0) + 1
        for j, mm in mins.items():
            cov[key.group][j] += mm
        tpl = m.template[key]
        day_count[(key.group, tpl.day)] += 1
        week_shifts[key.group] += 1
        week_paid[key.group] += tpl.paid_min


def short_of(m: ShiftModel, start: Start) -> dict[SubsetInterval, int]:
    """On-duty agent-minutes a start leaves missing per pooled channel set and interval."""
    cov = coverage_minutes(m, start)
    out = {}
    for key in m.short:
        sub, i = key
        supply = sum(cov[g][i] for g in m.serving[sub])
        out[key] = int(min(max(0, m.required[sub][i] - supply), m.required[sub][i]))
    return out


def start_plan(m: ShiftModel, start: Start) -> ShiftPlan:
    """The start solution as a plan (status "START"): what a day keeps when CP-SAT found nothing in its budget."""
    short = {key: v for key, v in short_of(m, start).items() if v > 0}
    return ShiftPlan(m.planned_shifts(lambda key: int(start.get(key, 0))), "START", 0.0, short)


def hint(m: ShiftModel, start: Start) -> None:
    """Repair the start (changed in place, when lunches and breaks are in the model), fill the slack variables it
    implies (shortfall, idle, hours below the minimum, moves from the anchor) and hint the whole solution to
    CP-SAT."""
    if m.place_breaks:
        repair_shortfalls(m, start)
    cov = coverage_minutes(m, start)
    values = [(m.var[key], n) for key, n in start.items()]
    short = short_of(m, start)
    for key, var in m.short.items():
        values.append((var, short[key]))
    everything = m.all_channels
    for i, var in m.idle.items():
        total = sum(cov[g][i] for g in m.groups)
        values.append((var, int(max(0, total - m.required[everything][i]))))
    for g, (var, need) in m.below.items():
        paid = sum(tpl.paid_min * start.get(key, 0) for key, tpl in m.template.items() if key.group == g)
        values.append((var, int(min(need, max(0, need - paid)))))
    for (g, length, day), (var, need) in m.length_short.items():
        have = sum(start.get(key, 0) for key, tpl in m.template.items()
                   if key.group == g and tpl.day == day and tpl.paid_min == length)
        values.append((var, max(0, need - have)))
    for key, (dev, was) in m.moves.items():
        values.append((dev, abs(start.get(key, 0) - was)))
    m.model.hint(values)


def largest_remainder(parts: Mapping, total: int) -> dict:
    """Integers summing to `total` in proportion to `parts` (key -> weight), largest remainder first."""
    keys = list(parts)
    weights = np.array([max(parts[k], 0.0) for k in keys])
    if weights.sum() <= 0:
        weights = np.ones(len(keys))
    share = weights / weights.sum() * total
    base = np.floor(share).astype(int)
    for i in np.argsort(-(share - base))[:total - base.sum()]:
        base[i] += 1
    return dict(zip(keys, (int(b) for b in base)))
