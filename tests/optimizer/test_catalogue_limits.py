"""Shift selection under the rule catalogue (optimizer.catalogue_limits): it plans no more evening shifts, nor
shifts on a weekday, than the agents may take together, so every planned shift finds an agent. Hand-made cases."""

from __future__ import annotations

import dataclasses

from pydantic import TypeAdapter

from optimizer import Budget, build_roster, group_limits, select_shifts
from scenarios import Agent
from scenarios.rules import RuleSpec
from schedule_helpers import flat_requirement, small_scenario

EVENING = 19 * 60


def with_rules(sc, rules: list[dict]):
    return sc.model_copy(update={"rules": TypeAdapter(list[RuleSpec]).validate_python(rules)})


def limits_without_caps(limits):
    return {g: dataclasses.replace(lim, caps=()) for g, lim in limits.items()}


def evening(plan) -> int:
    return sum(1 for p in plan.shifts if p.template.end_min > EVENING)


def test_evening_shifts_are_planned_only_as_many_as_the_agents_may_take():
    # One day, phone 16:00-20:00 needs 1.0 available = 1.25 on duty (shrinkage 0.2): two agents, to 20:00.
    # a may work evenings; b, under a hard max_evening_shifts of 0 after 19:00, may not. The agents may take 1
    # shift ending after 19:00 together (a's 1 + b's 0).
    sc = with_rules(small_scenario(days=1, headcounts=(2, 0)),
                    [{"rule": "max_evening_shifts", "limit": 0, "ends_after": "19:00", "agents": ["b"]}])
    crew = [Agent("a", "generalist", 0, 40), Agent("b", "generalist", 0, 40)]
    req = flat_requirement(sc, {"phone": 1.0, "chat": 0.0}, hours=(16, 20))
    limits = group_limits(sc, crew)
    assert [(c.rule, c.days, c.ends_after_min, c.limit) for c in limits["generalist"].caps] == \
        [("max_evening_shifts", (0,), EVENING, 1)]
    budget = Budget(5, None, 1)
    # Without the cap: two shifts run into the evening, and b cannot take one: it is left without an agent or
    # moved to times b may work.
    loose = select_shifts(sc, req, limits_without_caps(limits), budget=budget)
    assert evening(loose) == 2
    out = build_roster(sc, loose.shifts, crew, budget=budget)
    moved = [w for w in out.warnings if "moved to the nearest times" in w]
    assert out.unassigned or moved
    # With it: one evening shift; every planned shift goes to an agent as planned.
    plan = select_shifts(sc, req, limits, budget=budget)
    assert evening(plan) == 1
    out = build_roster(sc, plan.shifts, crew, budget=budget)
    assert out.unassigned == [] and not any("moved to the nearest times" in w for w in out.warnings)
    assert sorted((s.agent, s.end_s / 3600 > 19) for s in out.roster.shifts) == [("a", True), ("b", False)]


def test_a_weekly_cap_counts_each_agents_limit_and_every_week():
    # 14 days, 3 agents: x under "at most 2 evening shifts a week after 20:00", y under "at most 1 after 18:00"
    # (a shift ending after 20:00 ends after 18:00 too: y counts 1 at 20:00 as well), z under none (5 shifts a week).
    sc = with_rules(small_scenario(days=14, headcounts=(3, 0)), [
        {"rule": "max_evening_shifts", "limit": 2, "ends_after": "20:00", "agents": ["x"]},
        {"rule": "max_evening_shifts", "limit": 1, "ends_after": "18:00", "agents": ["y"]},
        {"rule": "max_evening_shifts", "limit": 0, "ends_after": "18:00", "hard": False, "agents": ["z"]}])
    crew = [Agent(n, "generalist", 0, 40) for n in "xyz"]
    caps = [(c.days[0], c.ends_after_min, c.limit) for c in group_limits(sc, crew)["generalist"].caps]
    # after 18:00: x 5 (no rule with a threshold at or before 18:00), y 1, z 5 (a soft rule implies nothing)
    # after 20:00: x 2, y 1, z 5
    assert caps == [(0, 1080, 11), (0, 1200, 8), (7, 1080, 11), (7, 1200, 8)]


def test_fixed_days_off_leave_fewer_agents_free_that_weekday():
    # Monday 2026-01-05 start; two of three agents always off on Wednesday (day 2): one agent free that day.
    sc = with_rules(small_scenario(days=7, headcounts=(3, 0)),
                    [{"rule": "fixed_days_off", "days": ["wed"], "agents": ["p", "q"]}])
    crew = [Agent(n, "generalist", 0, 40) for n in "pqr"]
    assert group_limits(sc, crew)["generalist"].agents_per_day == [3, 3, 1, 3, 3, 3, 3]


def test_a_shifts_per_period_maximum_caps_the_groups_shifts_in_each_block():
    # 7 days, blocks of 3 days (0-2, 3-5, 6): u may work at most 1 shift per 3 days, v is under no such rule (one
    # a day: 3, 3 and 1; within the 5 a week).
    sc = with_rules(small_scenario(days=7, headcounts=(2, 0)),
                    [{"rule": "shifts_per_period", "max": 1, "per_days": 3, "agents": ["u"]}])
    crew = [Agent(n, "generalist", 0, 40) for n in "uv"]
    caps = [(c.rule, c.days, c.ends_after_min, c.limit) for c in group_limits(sc, crew)["generalist"].caps]
    assert caps == [("shifts_per_period", (0, 1, 2), -1, 4), ("shifts_per_period", (3, 4, 5), -1, 4),
                    ("shifts_per_period", (6,), -1, 2)]
    # and shift selection keeps them: 2 agents on duty 08:00-16:00 every day would take 14 shifts; the week's 10
    # (2 x 5) can only go 4 + 4 + 2 over the blocks (without the caps the solver put 6 on days 0-2, more than u
    # and v may work there)
    req = flat_requirement(sc, {"phone": 1.6, "chat": 0.0}, hours=(8, 16))
    plan = select_shifts(sc, req, group_limits(sc, crew), budget=Budget(5, None, 1))
    assert [sum(1 for p in plan.shifts if p.template.day in block) for block in ((0, 1, 2), (3, 4, 5), (6,))] \
        == [4, 4, 2]
