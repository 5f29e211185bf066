"""Score analysis: what each soft rule costs in a chosen roster, per agent and per rule ("which rule costs what").

The costs are the CP-SAT roster's own penalty terms (optimizer.roster's weights) counted on the finished roster:
contracted minimum hours (per paid minute below, per week of a longer horizon), no two days off in a row,
both weekend days worked, each start band beyond the first, shifts outside the preferred start times, and the
rule catalogue's soft rules (weight x units broken, optimizer.rule_catalogue); planned shifts nobody works cost
MISS_WEIGHT per paid minute (agent "-"). Hard rules cost nothing: they hold (optimizer.roster_rules).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from scenarios import Agent, Roster, Scenario

from .horizon import week_blocks
from .plan import PlannedShift
from .roster import BAND_WEIGHT, DAYS_OFF_WEIGHT, MIN_HOURS_WEIGHT, MISS_WEIGHT, PREFERENCE_WEIGHT, WEEKEND_WEIGHT
from .roster_rules import band, has_two_days_off, shift_type
from .rule_catalogue import bind_rules, rule_counts
from .templates import ShiftType

UNASSIGNED = "-"


@dataclass
class RuleCost:
    """What one soft rule costs for one agent: `units` broken (minutes, weekends, bands, shifts, ...) and the
    penalty (units x weight, the roster's penalty units)."""

    agent: str
    rule: str
    units: float
    cost: float


@dataclass
class ScoreReport:
    """Every soft rule's cost in a roster, per agent and rule."""

    costs: list[RuleCost] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(c.cost for c in self.costs)

    def by_rule(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for c in self.costs:
            out[c.rule] += c.cost
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def by_agent(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for c in self.costs:
            out[c.agent] += c.cost
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def to_json(self) -> dict:
        return {"total": round(self.total, 1),
                "by_rule": {r: round(v, 1) for r, v in self.by_rule().items()},
                "by_agent": {a: round(v, 1) for a, v in self.by_agent().items()},
                "costs": [{"agent": c.agent, "rule": c.rule, "units": round(c.units, 2), "cost": round(c.cost, 1)}
                          for c in self.costs]}


def score_analysis(scenario: Scenario, roster: Roster, agents: list[Agent],
                   unassigned: list[PlannedShift] = ()) -> ScoreReport:
    """The soft rules' costs in `roster` for `agents` (as rostered: time off applied, carried over from a previous
    roster, optimizer.carry_over); `unassigned`: the planned shifts nobody works."""
    weeks: dict[str, list[ShiftType]] = defaultdict(list)
    for s in roster.shifts:
        weeks[s.agent].append(shift_type(s))
    paid = {(s.agent, shift_type(s)): s.paid_seconds / 60 for s in roster.shifts}
    earliest = min((k.start_min for week in weeks.values() for k in week), default=0)
    report = ScoreReport()
    for agent in bind_rules(scenario, agents):
        week = sorted(weeks.get(agent.id, []))
        for rule, units, weight in _built_in(scenario, agent, week, paid, earliest):
            if units > 0:
                report.costs.append(RuleCost(agent.id, rule, units, units * weight))
        for rule, units, _ in rule_counts(agent, week, scenario.days):
            if not rule.hard:
                report.costs.append(RuleCost(agent.id, rule.label, units, units * rule.weight))
    for p in unassigned:
        report.costs.append(RuleCost(UNASSIGNED, "planned shift without an agent", p.template.paid_min,
                                     p.template.paid_min * MISS_WEIGHT))
    return report


def _built_in(scenario: Scenario, agent: Agent, week: list[ShiftType], paid: dict, earliest: int):
    """(rule, units, weight) of the roster's built-in soft rules for one agent."""
    need = int(round(agent.min_hours * 60))
    for _, block in week_blocks(scenario.days):
        minutes = sum(paid[(agent.id, k)] for k in week if k.day in block)
        yield "contracted minimum hours (minutes below)", max(0, need - round(minutes)), MIN_HOURS_WEIGHT
    if scenario.days >= 7:
        yield "two days off in a row", int(not has_two_days_off({k.day for k in week}, scenario.days)), \
            DAYS_OFF_WEIGHT
    days = {k.day for k in week}
    both = sum(1 for d in range(scenario.days - 1)
               if (scenario.start.weekday() + d) % 7 == 5 and d in days and d + 1 in days)
    yield "both weekend days worked", both, WEEKEND_WEIGHT
    yield "start bands beyond the first", max(0, len({band(k.start_min, earliest) for k in week}) - 1), BAND_WEIGHT
    if agent.preferred_start is not None:
        lo, hi = agent.preferred_start
        yield "start outside the preferred times", sum(1 for k in week if not lo <= k.start_min <= hi), \
            PREFERENCE_WEIGHT
