"""Continuity: a horizon after a previous roster keeps rest and days in a row across the boundary, in the rule
checker (hand-made weeks) and in the CP-SAT roster (judged by the outside checker, tests/roster_checker.py,
which reads the two roster CSVs only)."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer import build_roster, carry_over, generate_agents, group_limits, roster_rule_breaks, select_shifts
from optimizer import Budget
from optimizer.roster_rules import rule_breaks
from optimizer.templates import ShiftType
from roster_checker import rest_violations, run_violations
from scenarios import Agent, Roster, Shift
from schedule_helpers import flat_requirement, small_scenario

H = 3600


def _previous(sc, spans: dict[str, list[tuple[int, int, int]]]) -> Roster:
    """A roster of the week before `sc`: per agent (day of that week, start hour, end hour)."""
    shifts = [Shift(agent, "generalist", (d * 24 + a) * H, (d * 24 + b) * H)
              for agent, days in spans.items() for d, a, b in days]
    return Roster(sc.start - dt.timedelta(days=7), shifts)


def test_rest_across_the_boundary_is_named_by_the_checker():
    sc = small_scenario(days=7)
    agent = carry_over(sc, [Agent("x", "generalist", 0, 40)], _previous(sc, {"x": [(6, 13, 21)]}))[0]
    paid = {ShiftType(0, 7 * 60, 480): 450, ShiftType(0, 8 * 60, 480): 450}
    # Sunday 21:00 -> Monday 07:00 is 10 h < 11 h; Monday 08:00 is 11 h: legal
    early = list(rule_breaks(agent, [ShiftType(0, 7 * 60, 480)], paid, sc.shift_rules, 7))
    assert any(b.startswith("min_rest_hours: 10 h between the previous roster") for b in early), early
    assert not list(rule_breaks(agent, [ShiftType(0, 8 * 60, 480)], paid, sc.shift_rules, 7))


def test_days_in_a_row_count_the_previous_week():
    sc = small_scenario(days=7)
    # worked Wednesday to Sunday of the week before: 5 days in a row (the limit)
    agent = carry_over(sc, [Agent("x", "generalist", 0, 40)],
                       _previous(sc, {"x": [(d, 8, 12) for d in range(2, 7)]}))[0]
    paid = {ShiftType(d, 9 * 60, 240): 240 for d in range(7)}
    monday = list(rule_breaks(agent, [ShiftType(0, 9 * 60, 240)], paid, sc.shift_rules, 7))
    assert any("max_consecutive_days: 6 days in a row" in b for b in monday), monday
    assert not list(rule_breaks(agent, [ShiftType(1, 9 * 60, 240)], paid, sc.shift_rules, 7))


def test_nothing_before_changes_nothing():
    sc = small_scenario(days=7)
    agents = generate_agents(sc)
    assert carry_over(sc, agents, None) is agents
    assert carry_over(sc, agents, Roster(sc.start, [])) is agents


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory):
    """Half the generalists worked the last five days of the week before, the last one until 21:00 on Sunday;
    the next week needs agents from 07:00 every day."""
    sc = small_scenario(days=7, headcounts=(12, 6))
    agents = generate_agents(sc)
    tired = [a.id for a in agents if a.skill_group == "generalist"][:6]
    week1 = _previous(sc, {a: [(d, 13, 21) for d in range(2, 7)] for a in tired})
    req = flat_requirement(sc, {"phone": 3.0, "chat": 1.0}, hours=(7, 20))
    budget = Budget(3.0, workers=1)
    plan = select_shifts(sc, req, group_limits(sc, agents), budget=budget)
    carried = carry_over(sc, agents, week1)
    week2 = build_roster(sc, plan.shifts, carried, budget=budget)
    alone = build_roster(sc, plan.shifts, agents, budget=budget).roster
    folder = tmp_path_factory.mktemp("rolling")
    paths = {name: folder / f"{name}.csv" for name in ("week1", "week2", "alone")}
    week1.write_csv(paths["week1"])
    week2.roster.write_csv(paths["week2"])
    alone.write_csv(paths["alone"])
    return sc, carried, week2, paths


def test_the_next_week_keeps_rest_and_days_in_a_row_across_the_files(two_weeks):
    sc, carried, week2, paths = two_weeks
    rules = sc.shift_rules
    assert rest_violations([paths["week1"], paths["week2"]], rules.min_rest_hours) == {}
    assert run_violations([paths["week1"], paths["week2"]], rules.max_consecutive_days) == {}
    assert roster_rule_breaks(sc, week2.roster, carried) == []


def test_the_outside_checker_sees_what_planning_alone_breaks(two_weeks):
    """Planned without the previous week, the same shifts break a rule across the files: the checker is not
    blind (and the continuity above is what keeps them)."""
    sc, _, _, paths = two_weeks
    rules = sc.shift_rules
    pair = [paths["week1"], paths["alone"]]
    assert rest_violations(pair, rules.min_rest_hours) or run_violations(pair, rules.max_consecutive_days)
