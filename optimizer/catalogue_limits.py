"""What the rule catalogue (scenarios.rules) implies for shift selection: a skill group's shifts can only be worked
when its agents may take them together, so shift selection must not plan more than that. Each implied limit is a
small named function of the group's agents and their hard rules:

- `fixed_days_off_per_day`: on a weekday some agents always have off (`fixed_days_off`), fewer agents are free;
- `evening_shift_caps`: per week, the group's shifts ending after a `max_evening_shifts` threshold are at most
  the sum over its agents of the evening shifts each may take (the rule's limit, else the shifts they may work
  that week);
- `period_shift_caps`: per block of a `shifts_per_period` maximum, the group's shifts are at most the sum over its
  agents of the shifts each may work there (the rule's max, else one a day within max_shifts_per_week).

`with_catalogue` adds them to the groups' limits (optimizer.group_limits); `state_caps` states the caps in the
shift model (one row per cap: the LP relaxation and the day split see them too), `day_caps` shares a weekly cap
out over the days as the week's LP uses them (optimizer.shifts), and the start solutions keep them
(`lower_to_caps`, `over_caps`: optimizer.shift_starts), so a day whose solve finds nothing keeps them too. Soft
rules imply nothing: they may be broken.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from scenarios import Agent, Scenario
from scenarios.rules import FixedDaysOff, MaxEveningShifts, RuleSpec, ShiftsPerPeriod

from .agents import partly_free
from .plan import GroupLimits, ShiftCap

WEEK_DAYS = 7


def with_catalogue(scenario: Scenario, agents: list[Agent], limits: dict[str, GroupLimits]
                   ) -> dict[str, GroupLimits]:
    """The groups' limits with what the scenario's hard catalogue rules imply (the same limits without rules)."""
    if not scenario.rules:
        return limits
    out = {}
    for g, lim in limits.items():
        own = [(a, _hard_rules(scenario, a)) for a in agents if a.skill_group == g]
        out[g] = dataclasses.replace(lim, agents_per_day=fixed_days_off_per_day(scenario, own, lim.agents_per_day),
                                     caps=lim.caps + evening_shift_caps(scenario, own)
                                     + period_shift_caps(scenario, own))
    return out


def _hard_rules(scenario: Scenario, agent: Agent) -> list[RuleSpec]:
    return [r for r in scenario.rules or [] if r.hard and r.applies_to(agent.id, agent.skill_group)]


def fixed_days_off_per_day(scenario: Scenario, own: list[tuple[Agent, list[RuleSpec]]], per_day: list[int]
                           ) -> list[int]:
    """Agents free each day less those free that day whose fixed days off hold its weekday."""
    first = scenario.start.weekday()
    out = list(per_day)
    for d in range(len(out)):
        weekday = (first + d) % WEEK_DAYS
        off = sum(1 for a, rules in own if partly_free(a, d)
                  and any(isinstance(r, FixedDaysOff) and weekday in r.weekdays for r in rules))
        out[d] = max(0, out[d] - off)
    return out


def evening_shift_caps(scenario: Scenario, own: list[tuple[Agent, list[RuleSpec]]]) -> tuple[ShiftCap, ...]:
    """Per week and `max_evening_shifts` threshold some agent is under: the group's shifts ending after it are at
    most the sum of each agent's limit (the lowest of their rules with that threshold or an earlier one: a shift
    ending after a later time ends after the earlier one too), an agent under none counting the shifts they may
    work that week."""
    thresholds = sorted({r.after_min for _, rules in own for r in rules if isinstance(r, MaxEveningShifts)})
    caps = []
    for start in range(0, scenario.days, WEEK_DAYS):
        days = tuple(range(start, min(start + WEEK_DAYS, scenario.days)))
        most = min(scenario.shift_rules.max_shifts_per_week, len(days))
        for after in thresholds:
            limit = sum(min([most] + [r.limit for r in rules if isinstance(r, MaxEveningShifts)
                                      and r.after_min <= after]) for _, rules in own)
            caps.append(ShiftCap("max_evening_shifts", days, after, limit))
    return tuple(caps)


ANY_END = -1     # a cap's `ends_after_min` that counts every shift


def period_shift_caps(scenario: Scenario, own: list[tuple[Agent, list[RuleSpec]]]) -> tuple[ShiftCap, ...]:
    """Per period length of a hard `shifts_per_period` maximum some agent is under, per block of that many days
    from the horizon's start: the group's shifts there are at most the sum of each agent's most (the lowest such
    max; an agent under none, one shift a day and at most max_shifts_per_week in each week the block touches)."""
    periods = sorted({r.per_days for _, rules in own for r in rules
                      if isinstance(r, ShiftsPerPeriod) and r.max is not None})
    weekly = scenario.shift_rules.max_shifts_per_week
    caps = []
    for per in periods:
        for start in range(0, scenario.days, per):
            days = tuple(range(start, min(start + per, scenario.days)))
            weeks = len({d // WEEK_DAYS for d in days})
            most = min(len(days), weekly * weeks)
            limit = sum(min([most] + [r.max for r in rules if isinstance(r, ShiftsPerPeriod) and r.max is not None
                                      and r.per_days == per]) for _, rules in own)
            caps.append(ShiftCap("shifts_per_period", days, ANY_END, limit))
    return tuple(caps)


def state_caps(m) -> None:
    """In the shift model `m` (optimizer.shift_model.ShiftModel): per group and cap, the counts of its templates
    on the cap's days ending after its time sum to at most its limit."""
    for g in m.groups:
        for cap in m.limits[g].caps:
            terms = [(m.var[key], 1) for key in _counted(m, g, cap)]
            if terms:
                m.model.add(terms, hi=cap.limit)


def _counted(m, group: str, cap: ShiftCap) -> list:
    """The group's shift-count keys a cap counts."""
    return [key for key, tpl in m.template.items()
            if key.group == group and tpl.day in cap.days and tpl.end_min > cap.ends_after_min]


def over_caps(m, start: dict, key) -> bool:
    """Whether one more shift of `key` would take a start solution (counts by key) over one of its group's caps."""
    tpl = m.template[key]
    return any(sum(start.get(k, 0) for k in _counted(m, key.group, cap)) >= cap.limit
               for cap in m.limits[key.group].caps if tpl.day in cap.days and tpl.end_min > cap.ends_after_min)


def lower_to_caps(m, start: dict) -> None:
    """Lower a start solution's counts (changed in place; last counted keys first) until every cap holds."""
    for g in m.groups:
        for cap in m.limits[g].caps:
            keys = _counted(m, g, cap)
            over = sum(start.get(k, 0) for k in keys) - cap.limit
            for k in reversed(keys):
                cut = min(max(over, 0), start.get(k, 0))
                start[k] = start.get(k, 0) - cut
                over -= cut


def day_caps(week, lp, group: str, day: int) -> tuple[ShiftCap, ...]:
    """The day's share of the group's caps (`week`: the week's shift model, `lp` its LP relaxation): each cap
    covering the day shared out over its days in proportion to the LP's shifts it counts (largest remainder, so
    the days together use exactly the cap)."""
    from .shift_starts import largest_remainder     # here: shift_starts imports the shift model, which imports us

    out = []
    for cap in week.limits[group].caps:
        if day not in cap.days:
            continue
        use: dict[int, float] = defaultdict(float, {d: 0.0 for d in cap.days})
        for key in _counted(week, group, cap):
            use[key.shift.day] += lp.value_of(week.var[key])
        out.append(ShiftCap(cap.rule, (day,), cap.ends_after_min, largest_remainder(dict(use), cap.limit)[day]))
    return tuple(out)
