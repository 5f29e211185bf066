"""The rule catalogue (scenarios.rules, optimizer.rule_catalogue): each rule counted on hand-made horizons, the
look-back over the previous roster, a rule that cannot hold as an input error naming agents and rule, and the
CP-SAT roster keeping the hard rules (judged by the rule checker) while paying for the soft ones."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter

from optimizer import carry_over, generate_agents, roster_rule_breaks
from optimizer.rule_catalogue import bind_rules, rule_counts
from optimizer.templates import ShiftType
from scenarios import Agent, InputError, Roster, Shift
from scenarios.rules import RuleSpec
from rolling_helpers import plan_and_roster
from schedule_helpers import small_scenario

H = 3600


def _with_rules(sc, rules: list[dict]):
    """The scenario with a `rules:` list, validated as the YAML's would be."""
    return sc.model_copy(update={"rules": TypeAdapter(list[RuleSpec]).validate_python(rules)})


def _units(sc_days: int, rules: list[dict], days: list[int], *, start_min=540, length=240, previous=None,
           finished=True) -> list[tuple[str, int]]:
    sc = _with_rules(small_scenario(days=sc_days), rules)
    agent = bind_rules(sc, carry_over(sc, [Agent("x", "generalist", 0, 40)], previous))[0]
    week = [ShiftType(d, start_min if isinstance(start_min, int) else start_min[i], length)
            for i, d in enumerate(days)]
    return [(r.label, n) for r, n, _ in rule_counts(agent, week, sc_days, finished=finished)]


def test_max_weekends_worked_counts_rolling_windows():
    # 28 days from a Monday: weekends start on days 5, 12, 19, 26; worked 5, 12, 19: the windows of 4
    # weekends ending on day 19 (-2..19) and on day 26 (5..26) hold three each > 2
    rule = [{"rule": "max_weekends_worked", "limit": 2, "per_weeks": 4}]
    assert _units(28, rule, [5, 13, 19]) == [("max_weekends_worked", 1)] * 2
    assert _units(28, rule, [5, 13]) == []


def test_max_weekends_worked_looks_back_over_the_previous_roster():
    sc = small_scenario(days=14)
    before = Roster(sc.start - dt.timedelta(days=14),
                    [Shift("x", "generalist", (d * 24 + 9) * H, (d * 24 + 13) * H) for d in (5, 13)])
    rule = [{"rule": "max_weekends_worked", "limit": 2, "per_weeks": 4}]
    # weekends of days -9 and -2 worked before, one more in the horizon (day 5): 3 in the windows ending on
    # day 5 (-16..5) and day 12 (-9..12)
    assert _units(14, rule, [5], previous=before) == [("max_weekends_worked", 1)] * 2
    assert _units(14, rule, [2], previous=before) == []


def test_max_weekends_in_a_row():
    rule = [{"rule": "max_weekends_in_a_row", "limit": 1}]
    assert _units(14, rule, [6, 12]) == [("max_weekends_in_a_row", 1)]
    assert _units(21, rule, [6, 19]) == []


def test_days_off_in_pairs_counts_single_days_off():
    rule = [{"rule": "days_off_in_pairs"}]
    # worked 0, 1, off 2, worked 3, 4, off 5, 6: one single day off (day 2)
    assert _units(7, rule, [0, 1, 3, 4]) == [("days_off_in_pairs", 1)]
    assert _units(7, rule, [0, 1, 4, 5]) == []


def test_max_evening_shifts_per_week():
    rule = [{"rule": "max_evening_shifts", "limit": 1, "ends_after": "18:00"}]
    # 14:00-20:00 ends after 18:00: three in week 1, one in week 2
    assert _units(14, rule, [0, 1, 2, 8], start_min=840, length=360) == [("max_evening_shifts", 2)]


def test_start_band_counts_hours_beyond_the_band():
    rule = [{"rule": "start_band", "hours": 2}]
    # starts 07:00 and 11:30 in one week: 4.5 h apart, 2.5 h beyond the band -> 3 started hours
    assert _units(7, rule, [0, 1], start_min=[420, 690]) == [("start_band", 3)]
    assert _units(7, rule, [0, 1], start_min=[420, 540]) == []


def test_shifts_per_period_min_and_max():
    rule = [{"rule": "shifts_per_period", "min": 2, "max": 3, "per_days": 7}]
    assert _units(14, rule, [0, 1, 2, 3, 8]) == [("shifts_per_period", 1), ("shifts_per_period", 1)]
    assert _units(14, rule, [0, 8], finished=False) == []


def test_fixed_days_off():
    rule = [{"rule": "fixed_days_off", "days": ["wed"], "agents": ["x"]}]
    assert _units(14, rule, [2, 3, 9]) == [("fixed_days_off", 1), ("fixed_days_off", 1)]


def test_a_rule_for_someone_else_does_not_apply():
    assert _units(7, [{"rule": "fixed_days_off", "days": ["wed"], "skill_groups": ["phone_only"]}], [2]) == []


def test_a_rule_that_cannot_hold_names_agents_and_rule():
    sc = _with_rules(small_scenario(days=7, headcounts=(3, 0), rules={"min_shifts_per_week": 4}),
                     [{"rule": "fixed_days_off", "days": ["mon", "tue", "wed", "thu"], "agents": ["generalist-002"]}])
    with pytest.raises(InputError) as err:
        bind_rules(sc, generate_agents(sc))
    text = str(err.value)
    assert "shift_rules.min_shifts_per_week" in text and "generalist-002" in text and "generalist-001" not in text


def test_unknown_names_in_a_rule_are_input_errors():
    sc = _with_rules(small_scenario(days=7), [{"rule": "days_off_in_pairs", "skill_groups": ["backoffice"]}])
    with pytest.raises(InputError, match=r"rules\[0\].skill_groups"):
        bind_rules(sc, generate_agents(sc))


def test_the_roster_keeps_hard_rules_and_the_checker_agrees():
    """Two weeks, hard rules on everyone: the CP-SAT roster breaks none of them (the rule checker, which counts
    them independently of the model, says so) and every planned shift still has an agent."""
    rules = [{"rule": "max_weekends_in_a_row", "limit": 1},
             {"rule": "max_evening_shifts", "limit": 3, "ends_after": "18:00"},
             {"rule": "start_band", "hours": 3},
             {"rule": "fixed_days_off", "days": ["wed"], "agents": ["generalist-001", "generalist-002"]},
             {"rule": "days_off_in_pairs", "hard": False, "weight": 300}]
    sc = _with_rules(small_scenario(days=14, headcounts=(14, 7)), rules)
    agents, out = plan_and_roster(sc, {"phone": 2.5, "chat": 1.0}, 4.0)
    assert roster_rule_breaks(sc, out.roster, agents) == []
    assert not any(s.agent in ("generalist-001", "generalist-002") and int(s.start_s // 86400) % 7 == 2
                   for s in out.roster.shifts)


def test_rules_in_the_scenario_file_are_checked_by_path():
    from scenarios import ScenarioError, scenario_from_dict
    from scenarios.io import scenario_to_dict

    data = scenario_to_dict(small_scenario(days=7))
    data["rules"] = [{"rule": "max_weekend", "limit": 2}, {"rule": "start_band", "hours": -1},
                     {"rule": "fixed_days_off", "days": ["wednesday!"]}]
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data)
    text = str(err.value)
    assert "rules[0]: rule must be one of max_weekends_worked" in text and "(got 'max_weekend')" in text
    assert "rules[1].start_band.hours: must be >= 0" in text and "rules[2].fixed_days_off" in text
