"""The hiring plan (optimizer.capacity) against hand-computed cases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from optimizer import (CapacityGroup, CapacityProblem, HiringPlan, TrainingClass, evaluate_capacity, plan_hiring,
                       rule_of_thumb)
from scenarios.capacity import Hiring, Move

MONDAYS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(8)]


def problem(required, *, headcount=10.0, attrition=0.0, lead=2, ramp=(), penalty=1000.0, moves=(), groups=None):
    hiring = Hiring(lead_time_weeks=lead, min_class=1, max_class=5, cost_per_class=100, cost_per_hire=10,
                    ramp_handle_time=list(ramp))
    groups = groups or [CapacityGroup("a", headcount, attrition, 1.0, hiring)]
    weeks = len(np.atleast_2d(required)[0])
    return CapacityProblem(MONDAYS[:weeks] if weeks <= 8 else
                           [dt.date(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(weeks)],
                           groups, np.atleast_2d(np.asarray(required, float)), list(moves), penalty)


def test_no_attrition_one_class_exact_path_and_cost():
    # 10 agents; from week 4 the center needs 12. A class starting at week 2 (lead time 2) is the latest that is
    # working on week 4, and the cheapest: 2 hires, paid from their first week.
    p = problem([10, 10, 10, 10, 12, 12, 12, 12])
    out = plan_hiring(p)
    assert out.plan.classes == [TrainingClass("a", 2, 2)]
    assert out.headcount[0].tolist() == [10, 10, 12, 12, 12, 12, 12, 12]
    assert out.working[0].tolist() == [10, 10, 10, 10, 12, 12, 12, 12]
    # wages 10 x 8 weeks + 2 x 6 weeks at 1 a week; the class 100 + 2 hires x 10
    assert out.costs["wages"] == pytest.approx(92.0)
    assert out.costs["hiring"] == pytest.approx(120.0)
    assert out.total_cost == pytest.approx(212.0)
    assert out.weeks_short == 0 and out.status == "OPTIMAL"


def test_unavoidable_shortage_is_reported_with_its_weeks():
    # Need 12 from week 2, but a class needs 6 weeks: weeks 2-5 are short by 2 whatever the plan.
    p = problem([10, 10, 12, 12, 12, 12, 12, 12], lead=6)
    out = plan_hiring(p)
    assert out.status == "OPTIMAL"
    assert out.plan.classes == [TrainingClass("a", 0, 2)]
    assert out.short[0].tolist() == [0, 0, 2, 2, 2, 2, 0, 0]
    assert out.weeks_short == 4 and out.short_weeks() == [2, 3, 4, 5]
    assert any("4 week(s) stay short" in w and "2026-01-19" in w and "2026-02-09" in w for w in out.warnings)
    assert out.costs["shortage_penalty"] == pytest.approx(8 * 1000.0)


def test_attrition_and_ramp_follow_the_formulas():
    a = 0.01
    p = problem([0.0] * 8, headcount=50, attrition=a, lead=1, ramp=(2.0, 1.25))
    out = evaluate_capacity(p, HiringPlan([TrainingClass("a", 2, 4)]))
    t = np.arange(8)
    hires = np.where(t >= 2, 4 * (1 - a) ** (t - 2), 0.0)
    productivity = np.array([0, 0, 0, 0.5, 0.8, 1, 1, 1])
    np.testing.assert_allclose(out.headcount[0], 50 * (1 - a) ** t + hires)
    np.testing.assert_allclose(out.working[0], 50 * (1 - a) ** t + hires * productivity)


def test_flex_and_overtime_cover_before_shortage():
    hiring = Hiring(lead_time_weeks=8, min_class=1, max_class=5)
    g = CapacityGroup("a", 10, 0.0, 1.0, hiring, overtime_max_share=0.1, overtime_cost_factor=1.5,
                      part_time_flex_share=0.05)
    p = problem([11.0] * 4, groups=[g])
    out = evaluate_capacity(p, HiringPlan())
    np.testing.assert_allclose(out.flex[0], 0.5)
    np.testing.assert_allclose(out.overtime[0], 0.5)
    np.testing.assert_allclose(out.short[0], 0.0)
    assert out.costs["overtime"] == pytest.approx(4 * 0.5 * 1.5)


def test_cross_training_moves_surplus_to_the_short_group():
    slow = Hiring(lead_time_weeks=8, min_class=1, max_class=5)
    groups = [CapacityGroup("a", 12, 0.0, 1.0, slow), CapacityGroup("b", 8, 0.0, 1.0, slow)]
    move = Move.model_validate({"from": "a", "to": "b", "lead_time_weeks": 0, "cost_per_agent": 5, "max_per_week": 5})
    p = problem([[10] * 4, [10] * 4], groups=groups, moves=[move])
    out = plan_hiring(p)
    assert [(t.source, t.target, t.week, t.count) for t in out.plan.transfers] == [("a", "b", 0, 2)]
    assert out.short.sum() == 0
    assert out.total_cost == pytest.approx(20 * 4 + 10)


def test_rule_of_thumb_covers_each_months_peak_after_attrition():
    # Weeks of January (4 from the 5th) and February (4): February's peak 14 needs a class 2 weeks before its first
    # week; January cannot be reached (its first week is week 0).
    p = problem([10, 10, 10, 10, 13, 14, 12, 12])
    assert rule_of_thumb(p).classes == [TrainingClass("a", 2, 4)]


def test_same_inputs_same_plan():
    p = problem([10, 11, 12, 12, 13, 14, 12, 12], attrition=0.02, ramp=(1.5,))
    first, second = plan_hiring(p), plan_hiring(p)
    assert first.plan == second.plan and first.total_cost == second.total_cost
