"""Horizons longer than a week: the weekly rules count per 7-day block (hand-made weeks for the checker), and a
two-week CP-SAT roster keeps them per week while agents work more than one week's maximum over the horizon."""

from __future__ import annotations

from optimizer import roster_rule_breaks
from optimizer.horizon import week_blocks, weekly_caps
from optimizer.roster_rules import rule_breaks
from optimizer.templates import ShiftType
from roster_checker import rest_violations, run_violations
from scenarios import Agent
from rolling_helpers import plan_and_roster
from schedule_helpers import small_scenario


def test_week_blocks():
    assert [(label, list(b)) for label, b in week_blocks(7)] == [("", list(range(7)))]
    assert [(label, (b.start, b.stop)) for label, b in week_blocks(17)] == [
        (" in week 1", (0, 7)), (" in week 2", (7, 14)), (" in week 3", (14, 17))]


def test_weekly_caps_sum_the_weeks():
    rules = small_scenario().shift_rules          # max 5 shifts a week
    assert weekly_caps(rules, 7) == (5, 0, 1)
    assert weekly_caps(rules, 28) == (20, 0, 4)
    assert weekly_caps(rules, 10) == (8, 0, 2)     # 5 + min(5, 3 days)


def test_the_weekly_maximum_counts_per_week():
    rules = small_scenario(days=14).shift_rules
    agent = Agent("x", "generalist", 0, 40)
    week = [ShiftType(d, 540, 240) for d in (0, 1, 2, 4, 5, 7, 8, 9, 11, 12)]   # 5 + 5, never 6 in a row
    paid = {k: 240 for k in week}
    assert list(rule_breaks(agent, week, paid, rules, 14)) == []
    six = week + [ShiftType(3, 540, 240)]
    paid[ShiftType(3, 540, 240)] = 240
    assert [b for b in rule_breaks(agent, six, paid, rules, 14) if b.startswith("max_shifts_per_week")] == [
        "max_shifts_per_week: 6 shifts in week 1 > 5"]


def test_a_two_week_roster_keeps_the_rules_per_week(tmp_path):
    sc = small_scenario(days=14, headcounts=(8, 4))
    agents, out = plan_and_roster(sc, {"phone": 3.0, "chat": 1.0}, 3.0)
    assert roster_rule_breaks(sc, out.roster, agents) == []
    per_agent = {}
    for s in out.roster.shifts:
        per_agent.setdefault(s.agent, []).append(int(s.start_s // 86400))
    # more than one week's maximum over the horizon, never more in one week
    assert max(len(days) for days in per_agent.values()) > sc.shift_rules.max_shifts_per_week
    assert all(sum(1 for d in days if d // 7 == w) <= 5 for days in per_agent.values() for w in (0, 1))
    path = tmp_path / "two_weeks.csv"
    out.roster.write_csv(path)
    assert rest_violations([path], sc.shift_rules.min_rest_hours) == {}
    assert run_violations([path], sc.shift_rules.max_consecutive_days) == {}


def test_six_weeks_is_a_horizon_seven_is_not():
    import pytest

    from scenarios import ScenarioError

    assert len(week_blocks(small_scenario(days=42).days)) == 6
    with pytest.raises(ScenarioError, match="days"):
        small_scenario(days=43)
