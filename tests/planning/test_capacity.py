"""The capacity use case (planning.capacity): staffing curve arithmetic, Monte Carlo against the expected path, and
the whole plan on the example with a given curve (the curve's own schedule runs are the schedule loop's, tested
there)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from optimizer import (Budget, CapacityGroup, CapacityProblem, HiringPlan, TrainingClass, Transfer,
                       evaluate_capacity)
from planning import StaffingCurve, capacity_plan
from planning.capacity import monte_carlo
from scenarios import EXAMPLES_DIR, InputError, load_capacity
from scenarios.capacity import Hiring, Move, capacity_from_dict, fitted_attrition

MONDAYS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(12)]


def curve(**kw) -> StaffingCurve:
    data = dict(scales=[0.5, 1.0, 2.0], fte={"generalist": [30.0, 50.0, 90.0], "phone_only": [20.0, 32.0, 60.0],
                                            "digital": [6.0, 10.0, 18.0]},
                workload_seconds={"phone": 3.9e6, "chat": 1.7e6, "email": 1.35e6},
                aht_seconds={"phone": 300.0, "chat": 480.0, "email": 420.0}, hours_per_fte=37.5)
    return StaffingCurve(**{**data, **kw})


def test_curve_interpolates_and_extends_its_end_segments():
    c = curve()
    out = c.at(np.array([0.5, 0.75, 1.5, 2.5, 0.25]))
    np.testing.assert_allclose(out[0], [30, 40, 70, 110, 20])
    np.testing.assert_allclose(out[2], [6, 8, 14, 22, 4])


def small_problem() -> CapacityProblem:
    hiring = Hiring(lead_time_weeks=2, min_class=1, max_class=10, ramp_handle_time=[1.5])
    groups = [CapacityGroup("a", 30, 0.01, 1.0, hiring, overtime_max_share=0.05, part_time_flex_share=0.02),
              CapacityGroup("b", 20, 0.02, 0.9, hiring, overtime_max_share=0.05)]
    required = np.vstack([np.linspace(28, 34, 12), np.linspace(18, 22, 12)])
    move = Move.model_validate({"from": "b", "to": "a", "lead_time_weeks": 1})
    return CapacityProblem(MONDAYS, groups, required, [move], 50.0)


def test_monte_carlo_without_variance_is_the_expected_path():
    p = small_problem()
    plan = HiringPlan([TrainingClass("a", 1, 3), TrainingClass("b", 4, 2)], [Transfer(0, "b", "a", 3, 2)])
    exact = evaluate_capacity(p, plan)
    draws = np.broadcast_to(p.required, (3, *p.required.shape))
    risk = monte_carlo(p, plan, draws, seed=1, random_attrition=False)
    gap = (p.required - exact.working - exact.flex - exact.overtime).sum(axis=0)
    for q in (risk.gap_p10, risk.gap_p50, risk.gap_p90):
        np.testing.assert_allclose(q, gap, atol=1e-9)
    supply = (exact.working + exact.flex + exact.overtime).sum(axis=0)
    np.testing.assert_allclose(risk.supply_p10, supply, atol=1e-9)
    assert risk.weeks_short.tolist() == [exact.weeks_short] * 3
    np.testing.assert_allclose(risk.cost, exact.total_cost)
    np.testing.assert_array_equal(risk.p_short, (exact.short > 0.05).any(axis=0).astype(float))


def test_monte_carlo_attrition_averages_to_the_expected_headcount():
    # Binomial leavers: over many samples the mean supply is the expected one (no demand variance here).
    p = small_problem()
    plan = HiringPlan([TrainingClass("a", 1, 3)])
    draws = np.broadcast_to(p.required * 0, (4000, *p.required.shape))
    risk = monte_carlo(p, plan, draws, seed=3)
    exact = evaluate_capacity(p, plan)
    # With no requirement the gap is minus the working FTE: its median sits on the expected path within a few
    # agents' worth of binomial spread.
    np.testing.assert_allclose(-risk.gap_p50, exact.working.sum(axis=0), atol=1.0)


def test_fitted_attrition_is_leavers_over_exposure():
    leavers = pd.DataFrame({"skill_group": ["a"] * 6 + ["b"], "left": pd.to_datetime(
        ["2025-02-01", "2025-05-01", "2025-08-01", "2025-11-01", "2025-12-31", "2024-06-01", "2025-03-03"])})
    rates = fitted_attrition(leavers, {"a": 50, "b": 10}, dt.date(2026, 1, 5), 12)
    assert rates == pytest.approx({"a": 5 / (50 * 12), "b": 1 / (10 * 12)})


def test_bad_capacity_input_names_the_field():
    with pytest.raises(InputError) as err:
        capacity_from_dict({"scenario": "s.yaml", "history": "h.csv", "start": "2026-01-06",
                            "shortage_penalty_per_fte_week": 1, "hiring": {"min_class": 9, "max_class": 3},
                            "groups": {"a": {"attrition_monthly": 1.5, "headcout": 3}}})
    text = str(err.value)
    assert "start: 2026-01-06 is not a Monday" in text
    assert "hiring: min_class (9) is above max_class (3)" in text
    assert "groups.a.attrition_monthly" in text and "groups.a.headcout: unknown field" in text


def test_example_plan_is_cheaper_than_the_rule_and_no_shorter():
    plan = load_capacity(EXAMPLES_DIR / "capacity_plan.yaml")
    result = capacity_plan(plan, curve=curve(key="test"), samples=40, budget=Budget(effort=0.5, wall_seconds=60),
                           whatifs=True)
    assert result.problem.required.shape == (3, 52)
    assert any("another scenario" in w for w in result.warnings)
    # The plan covers more than the median requirement: the hedge against demand and leavers.
    assert (result.planned_required > result.problem.required).all()
    table = result.weekly_table()
    assert len(table) == 3 * 52
    labels = [w.label for w in result.whatifs]
    assert labels[0].startswith("attrition +5 points") and any(lbl.startswith("class cancelled") for lbl in labels)
    # Demand +10 % on the plan as made needs 10 % more: its required FTE is the base's times 1.1.
    assert (result.whatifs[2].outcome.short >= result.plan.outcome.short - 1e-9).all()
