"""Shift templates and CP-SAT shift selection, checked against hand-computed cases and recomputed coverage.

Every solve runs on one worker with a limit in CP-SAT's deterministic time, so the plans do not depend on the
machine's speed."""

from __future__ import annotations

import numpy as np
import pytest
from ortools.sat.python import cp_model

from optimizer.agents import generate_agents, group_limits
from optimizer.linear import lp_relaxation
from optimizer.plan import GroupShift
from optimizer.shift_model import ShiftModel, on_duty_minutes
from optimizer.shift_starts import repair_shortfalls
from optimizer.shifts import paid_hours_lower_bound, select_shifts
from optimizer.solver import Budget
from optimizer.templates import check_rules, shift_templates
from scenarios import InputError
from schedule_helpers import flat_requirement, small_scenario

WORK = 20.0   # CP-SAT deterministic time per select_shifts call: far more than these small weeks take


def _plan(sc, req, limits=None, **kw):
    limits = limits or group_limits(sc, generate_agents(sc))
    return select_shifts(sc, req, limits, budget=Budget(WORK, workers=1), **kw)


def _worked_minutes(sc, shifts, group=None):
    """On-duty minutes per interval recomputed from the planned shifts' start, length, lunch and breaks."""
    step = sc.interval_minutes
    out = np.zeros(sc.n_intervals)
    for p in shifts:
        if group and p.group != group:
            continue
        t0 = p.template.week_start_min
        minute = np.zeros(sc.n_intervals * step)
        minute[t0:t0 + p.template.length_min] = 1
        for a, b in p.periods_off():
            minute[a:b] = 0
        out += minute.reshape(sc.n_intervals, step).sum(axis=1)
    return out


def test_templates_follow_the_rules():
    sc = small_scenario()
    rules = sc.shift_rules
    tpls = shift_templates(sc, "generalist")
    assert {t.length_min for t in tpls} == {240, 360, 480}
    for t in tpls:
        assert t.start_min >= 7 * 60 and t.end_min <= 21 * 60
        assert t.start_min % rules.start_every_minutes == 0
        # Lunch only for shifts longer than lunch_after_hours, inside its window.
        assert t.has_lunch == (t.length_min > 6 * 60)
        for o in t.lunch_offsets:
            assert 180 <= o <= 300
        # One break per 4 hours: 4 h and 6 h shifts get one, 8 h shifts two.
        assert len(t.break_offsets) == t.length_min // 240
        # Break windows never overlap the lunch window, so the two can be placed independently.
        for offs in t.break_offsets:
            for o in offs:
                for lo in t.lunch_offsets:
                    assert o + 15 <= lo or o >= lo + 30 or not t.has_lunch


def test_exact_cover_of_a_flat_requirement():
    """No lunch, no breaks, no shrinkage: 5 agents 08:00-16:00 need exactly five 8 h shifts starting 08:00."""
    sc = small_scenario(days=1, shrinkage=0.0, rules={"lengths_hours": [8], "lunch_after_hours": 9,
                                                       "breaks_minutes": 0})
    req = flat_requirement(sc, {"phone": 5.0, "chat": 0.0}, hours=(8, 16))
    plan = _plan(sc, req)
    assert not plan.short_minutes
    assert len(plan.shifts) == 5
    assert all(p.template.start_min == 8 * 60 for p in plan.shifts)
    assert plan.paid_hours == pytest.approx(40.0)


def test_lunch_and_breaks_are_covered_and_coverage_holds():
    """With lunch, breaks and shrinkage the recomputed on-duty minutes still cover every pooled requirement."""
    sc = small_scenario(days=2)
    req = flat_requirement(sc, {"phone": 4.0, "chat": 1.5})
    plan = _plan(sc, req)
    assert not plan.short_minutes
    gen, ph = _worked_minutes(sc, plan.shifts, "generalist"), _worked_minutes(sc, plan.shifts, "phone_only")
    need_phone = on_duty_minutes(sc, flat_requirement(sc, {"phone": 4.0})["agents"].to_numpy())
    need_chat = on_duty_minutes(sc, flat_requirement(sc, {"chat": 1.5})["agents"].to_numpy())
    assert np.all(gen + ph >= need_phone + need_chat)     # both channels together: all groups
    assert np.all(gen >= need_chat)                        # chat only: only generalists hold it
    assert np.all(gen + ph >= need_phone)
    # Every 8 h shift got a lunch, every shift its breaks.
    for p in plan.shifts:
        assert (p.lunch_offset is not None) == (p.template.length_min > 360)
        assert len(p.break_offsets) == p.template.length_min // 240


def test_paid_hours_close_to_the_lp_bound():
    sc = small_scenario(days=3)
    req = flat_requirement(sc, {"phone": 4.3, "chat": 1.7})
    limits = group_limits(sc, generate_agents(sc))
    plan = _plan(sc, req, limits)
    bound = paid_hours_lower_bound(sc, req, limits)
    assert bound is not None and bound <= plan.paid_hours + 1e-6
    assert plan.paid_hours <= bound * 1.10


def test_too_few_agents_gives_best_plan_and_shortfall():
    """Headcount 2 + 1 against 6 phone agents 08:00-20:00: every open interval is short, the plan still staffs."""
    sc = small_scenario(days=1, headcounts=(2, 1), shrinkage=0.0)
    req = flat_requirement(sc, {"phone": 6.0, "chat": 0.0})
    plan = _plan(sc, req)
    assert len(plan.shifts) == 3                          # every agent works
    assert plan.short_minutes                             # and the gap is reported
    worked = _worked_minutes(sc, plan.shifts)
    need = on_duty_minutes(sc, req[req.channel == "phone"]["agents"].to_numpy())
    short = {i: v for (s, i), v in plan.short_minutes.items() if s == frozenset({"phone"})}
    for i, v in short.items():
        assert v == pytest.approx(need[i] - worked[i])


def test_contradictory_rules_are_named():
    sc = small_scenario(rules={"max_shifts_per_week": 2})
    sc.skill_groups["generalist"].min_hours_per_week = 30
    with pytest.raises(InputError) as err:
        check_rules(sc)
    assert "skill_groups.generalist" in str(err.value) and "min_hours_per_week" in str(err.value)


def test_repair_fills_every_pooled_requirement_from_nothing():
    """The greedy repair alone, from no shifts at all, reaches a plan whose recomputed on-duty minutes cover every
    pooled requirement (the start CP-SAT gets when a rounded LP or the previous round's plan falls short)."""
    sc = small_scenario(days=1)
    req = flat_requirement(sc, {"phone": 3.2, "chat": 1.4})
    model = ShiftModel(sc, req, group_limits(sc, generate_agents(sc)))
    start: dict = {}
    repair_shortfalls(model, start)
    for key in model.template:                 # each shift added got its lunch and each of its breaks
        for _, slots in model.parts[key]:
            assert sum(start.get(slot, 0) for slot in slots) == start.get(key, 0)
    shifts = model.planned_shifts(lambda key: start.get(key, 0))
    gen, ph = _worked_minutes(sc, shifts, "generalist"), _worked_minutes(sc, shifts, "phone_only")
    need_phone = on_duty_minutes(sc, flat_requirement(sc, {"phone": 3.2})["agents"].to_numpy())
    need_chat = on_duty_minutes(sc, flat_requirement(sc, {"chat": 1.4})["agents"].to_numpy())
    assert np.all(gen + ph >= need_phone + need_chat)
    assert np.all(gen >= need_chat)


def test_the_lp_relaxation_is_the_model_cp_sat_solves():
    """The rows the model keeps for its LP relaxation hold for the solution CP-SAT finds, and the relaxation's
    optimum is no more than CP-SAT's: the LP is built from the model itself, row for row."""
    sc = small_scenario(days=1)
    model = ShiftModel(sc, flat_requirement(sc, {"phone": 3.2, "chat": 1.4}), group_limits(sc, generate_agents(sc)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = WORK
    assert solver.solve(model.model.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = [solver.value(v) for v in model.model.variables]
    assert len(model.model.rows) > 100
    for row in model.model.rows:
        total = sum(c * values[i] for i, c in zip(row.columns, row.coefficients))
        assert (row.lo is None or total >= row.lo) and (row.hi is None or total <= row.hi)
    lp = lp_relaxation(model.model)
    assert lp.value <= solver.objective_value + 1e-6
    assert lp.value >= 0.9 * solver.objective_value      # and close: these are tight covering rows


def test_a_re_solve_moves_only_the_shifts_the_change_needs():
    """Raising the requirement by 2 available agents in one afternoon hour (2.5 on duty with 20 % shrinkage, so 3
    more shifts over that hour: each added, or a shift swapped for a longer one, 2 changes) keeps most of the
    plan in the anchored re-solve of verification rounds: fewer template counts change than half the plan's
    shifts (a re-solve from scratch changes about 25 of 15 here), and the plan still covers everything."""
    sc = small_scenario(days=1)
    req = flat_requirement(sc, {"phone": 4.0, "chat": 1.5})
    first = _plan(sc, req)
    raised = req.copy()
    afternoon = (raised["channel"] == "phone") & (raised["ds"].dt.hour == 15)
    raised.loc[afternoon, "agents"] += 2.0
    second = _plan(sc, raised, previous=first)
    assert not second.short_minutes
    before = {k: v for k, v in first.counts().items() if isinstance(k, GroupShift)}
    after = {k: v for k, v in second.counts().items() if isinstance(k, GroupShift)}
    moved = sum(abs(before.get(k, 0) - after.get(k, 0)) for k in set(before) | set(after))
    assert 1 <= moved < len(first.shifts) / 2
    assert second.paid_hours >= first.paid_hours
