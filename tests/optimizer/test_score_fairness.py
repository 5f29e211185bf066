"""Score analysis and fairness on hand-made rosters: each soft rule's cost is its count times its weight, per
agent; the Gini coefficients are the textbook values."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from optimizer import fairness, score_analysis
from optimizer.fairness import gini
from optimizer.roster import BAND_WEIGHT, MIN_HOURS_WEIGHT, WEEKEND_WEIGHT
from scenarios import Agent, Roster, Shift
from scenarios.rules import RuleSpec
from schedule_helpers import small_scenario

H = 3600


def _shift(agent, day, start_h, end_h, group="generalist"):
    return Shift(agent, group, (day * 24 + start_h) * H, (day * 24 + end_h) * H)


def test_gini_textbook_values():
    assert gini([2, 2, 2]) == 0
    assert gini([0, 0, 3]) == pytest.approx(2 / 3)
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert gini([]) == 0


def test_each_soft_rule_costs_its_count_times_its_weight():
    sc = small_scenario(days=7)
    sc = sc.model_copy(update={"rules": TypeAdapter(list[RuleSpec]).validate_python(
        [{"rule": "days_off_in_pairs", "hard": False, "weight": 700}])})
    # a: Mon, Wed (single day off on Tue), Sat+Sun (both weekend days); starts 08:00 and 14:00: two bands
    roster = Roster(sc.start, [_shift("a", 0, 8, 12), _shift("a", 2, 8, 12), _shift("a", 5, 14, 18),
                               _shift("a", 6, 14, 18)])
    agents = [Agent("a", "generalist", 20, 40), Agent("b", "generalist", 0, 40)]
    report = score_analysis(sc, roster, agents)
    by = {(c.agent, c.rule): (c.units, c.cost) for c in report.costs}
    assert by[("a", "contracted minimum hours (minutes below)")] == (240, 240 * MIN_HOURS_WEIGHT)   # 16 h of 20
    assert by[("a", "both weekend days worked")] == (1, WEEKEND_WEIGHT)
    assert by[("a", "start bands beyond the first")] == (1, BAND_WEIGHT)
    # single days off: Tue (between Mon and Wed); Thu-Fri is a pair
    assert by[("a", "days_off_in_pairs")] == (1, 700)
    assert not [c for c in report.costs if c.agent == "b"]
    assert report.total == pytest.approx(sum(cost for _, cost in by.values()))
    assert list(report.by_agent()) == ["a"]


def test_fairness_per_agent_and_one_figure():
    sc = small_scenario(days=7)
    roster = Roster(sc.start, [_shift("a", 5, 14, 21), _shift("a", 6, 14, 21), _shift("b", 0, 8, 12),
                               _shift("c", 1, 8, 12, "phone_only"), _shift("d", 2, 8, 12, "phone_only")])
    report = fairness(sc, roster)
    shares = {a.agent: (a.shifts, a.evenings, a.weekend_days) for a in report.agents}
    assert shares == {"a": (2, 2, 2), "b": (1, 0, 0), "c": (1, 0, 0), "d": (1, 0, 0)}
    assert report.gini["generalist"] == {"evenings": pytest.approx(0.5), "weekend_days": pytest.approx(0.5)}
    assert report.gini["phone_only"] == {"evenings": 0, "weekend_days": 0}
    # weighted by shifts: generalist 3 shifts, phone_only 2 -> (3 x 0.5 x 2 + 0) / (3 x 2 + 2 x 2)
    assert report.index == pytest.approx(0.3)
