"""sim.targets and optimizer.resize: judging simulated intervals on every target, and re-sizing the requirement from what the
simulation showed (checked against the Erlang A formulas and hand-made tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer import resize
from optimizer.erlang import metrics
from optimizer.resize import analytic_step, resize_requirement
from schedule_helpers import small_scenario
from scenarios import scenario_from_dict, week_intervals
from sim.targets import judge, meeting_shares


def phone_email_scenario():
    """Phone with a 5 % max abandonment and email, 08:00-20:00, one day of hours."""
    return scenario_from_dict({
        "name": "judge", "start": "2026-01-05", "days": 1, "interval_minutes": 60, "open": "08:00-20:00",
        "shrinkage": 0.0,
        "channels": {
            "phone": {"kind": "voice", "aht_seconds": 300, "patience_seconds": 180,
                      "target": {"answer_within_seconds": 180, "service_level": 0.8, "max_abandon_rate": 0.05}},
            "email": {"kind": "deferred", "aht_seconds": 420,
                      "target": {"respond_within_hours": 24, "service_level": 0.95}},
        },
        "demand": {"rates": {"phone": 1.0, "email": 0.2}},
        "skill_groups": {"team": {"skills": ["phone", "email"], "headcount": 20}},
        "shift_rules": {"lengths_hours": [8], "start_every_minutes": 60, "earliest_start": "08:00",
                        "latest_end": "20:00", "lunch_after_hours": 9, "breaks_minutes": 0},
    })


def intervals(sc, rows):
    """A simulated interval table from (hour, channel, offered, service_level, abandon_rate) tuples."""
    idx = week_intervals(sc)
    return pd.DataFrame([{"ds": idx[h], "channel": c, "offered": o, "service_level": s, "abandon_rate": a}
                         for h, c, o, s, a in rows])


def test_judge_needs_service_level_and_abandonment_in_each_interval():
    sc = phone_email_scenario()
    table = intervals(sc, [
        (9, "phone", 50, 0.90, 0.030),    # meets both
        (10, "phone", 50, 0.90, 0.060),   # service level fine, abandonment over 5 %: a miss
        (11, "phone", 50, 0.75, 0.010),   # abandonment fine, service level short: a miss
        (12, "phone", 50, 0.80, 0.050),   # exactly on both targets: meets
        (13, "phone", 0, np.nan, np.nan),  # nothing offered: not judged
        (9, "email", 10, 1.00, 0.0),
        (10, "email", 10, 0.90, 0.0),     # email has no max abandonment; 90 % < 95 %: a miss
    ])
    judged = judge(sc, table)
    phone = judged[judged["channel"] == "phone"].set_index(judged[judged["channel"] == "phone"]["ds"].dt.hour)
    assert phone["meets"].to_dict() == {9: True, 10: False, 11: False, 12: True}
    assert phone.loc[10, "abandon_excess"] == pytest.approx(0.01)
    assert phone.loc[11, "sl_gap"] == pytest.approx(0.05)
    assert meeting_shares(sc, judged) == {"phone": 0.5, "email": 0.5}
    assert meeting_shares(sc, judged, service_level_only=True) == {"phone": 0.75, "email": 0.5}


@pytest.mark.parametrize("agents", [14, 16, 19])
def test_step_reads_the_distance_to_the_aim_off_the_erlang_a_curve(agents):
    """When the simulation shows exactly what Erlang A shows at n agents, n + step agents are where Erlang A
    reaches the aim (AIM x the allowed abandonment, AIM x the allowed late share), whichever needs more."""
    sc = phone_email_scenario()
    offered, aht = 160.0, 300.0              # per hour: 13.3 erlangs
    q = metrics(agents, offered, aht, 180, 180)
    step = analytic_step(sc, "phone", offered, aht, q.service_level, observed_abandon=q.abandon_rate)
    aim_ab = resize.AIM * 0.05
    aim_sl = 1 - resize.AIM * 0.2
    n = agents + step
    lo, hi = int(np.floor(n + 1e-9)), int(np.floor(n + 1e-9)) + 1
    at_lo, at_hi = metrics(lo, offered, aht, 180, 180), metrics(hi, offered, aht, 180, 180)
    # n lies between the last whole number missing the aim and the first meeting it.
    assert at_hi.abandon_rate <= aim_ab + 1e-12 and at_hi.service_level >= aim_sl - 1e-12
    assert at_lo.abandon_rate > aim_ab or at_lo.service_level < aim_sl
    # The sign follows the analytic abandonment at n against the aim.
    assert (step > 0) == (q.abandon_rate > aim_ab or q.service_level < aim_sl)


def test_resize_raises_misses_within_bounds_and_lowers_slack_gently():
    sc = phone_email_scenario()
    idx = week_intervals(sc)
    req = pd.DataFrame({"ds": np.concatenate([idx, idx]), "channel": ["phone"] * 24 + ["email"] * 24,
                        "agents": np.concatenate([np.full(24, 10.0), np.full(24, 2.0)]),
                        "offered": np.concatenate([np.full(24, 100.0), np.full(24, 12.0)]),
                        "aht_seconds": np.concatenate([np.full(24, 300.0), np.full(24, 420.0)])})
    table = intervals(sc, [
        (9, "phone", 100, 0.85, 0.20),    # far over the abandonment: capped raise
        (10, "phone", 100, 0.90, 0.052),  # just over: at least the minimum raise
        (11, "phone", 100, 0.99, 0.001),  # far better than target: lowered by at most LOWER_STEP
        (12, "phone", 100, 0.85, 0.04),   # meets, not slack: untouched
        (13, "phone", 100, 0.92, 0.024),  # slack, but under one agent above the aim on the curves: untouched
        *[(h, "email", 12, 1.0, 0.0) for h in range(8, 20)],   # every email interval answered: give some back
    ])
    out, counts = resize_requirement(sc, req, judge(sc, table), req, lower=True)
    phone = out[out["channel"] == "phone"]["agents"].to_numpy()
    assert phone[9] == pytest.approx(10 + resize.MAX_STEP)
    assert 10 + resize.MIN_STEP <= phone[10] < 10 + resize.MAX_STEP
    assert phone[11] == pytest.approx(10 - resize.LOWER_STEP)
    assert phone[12] == 10.0 and phone[13] == 10.0 and phone[14] == 10.0
    assert resize.analytic_step(sc, "phone", 100, 300, 0.92, observed_abandon=0.024) > -resize.LOWER_ROOM
    assert np.allclose(out[out["channel"] == "email"]["agents"], 2.0)   # late: deferred work keeps its agents
    assert counts == {"raised": 2, "lowered": 1}
    # Only raising real-time intervals: the slack phone interval stays; deferred work still gives back.
    out, counts = resize_requirement(sc, req, judge(sc, table), req, lower=False)
    assert out[out["channel"] == "phone"]["agents"].to_numpy()[11] == 10.0 and counts["lowered"] == 24
    assert np.allclose(out[out["channel"] == "email"]["agents"], 2.0 * (1 - resize.DEFERRED_LOWER))


def test_an_interval_missing_again_is_raised_further():
    sc = phone_email_scenario()
    idx = week_intervals(sc)
    req = pd.DataFrame({"ds": idx, "channel": "phone", "agents": 10.0, "offered": 100.0, "aht_seconds": 300.0})
    just_over = judge(sc, intervals(sc, [(10, "phone", 100, 0.9, 0.0501)]))
    misses: dict = {}
    first, _ = resize_requirement(sc, req, just_over, req, misses=misses)
    second, _ = resize_requirement(sc, first, just_over, req, misses=misses)
    third, _ = resize_requirement(sc, second, just_over, req, misses=misses)
    steps = np.diff([10.0, first["agents"][10], second["agents"][10], third["agents"][10]])
    assert steps[0] == pytest.approx(resize.MIN_STEP)
    assert steps[1] == pytest.approx(2 * resize.MIN_STEP)
    assert steps[2] == pytest.approx(min(3 * resize.MIN_STEP, resize.MAX_STEP))


def test_lowering_stops_at_the_floor():
    sc = phone_email_scenario()
    idx = week_intervals(sc)
    req = pd.DataFrame({"ds": idx, "channel": "phone", "agents": 10.0, "offered": 100.0, "aht_seconds": 300.0})
    analytic = req.assign(agents=16.0)       # floor LOWER_FLOOR x 16 = 9.6
    out, _ = resize_requirement(sc, req, judge(sc, intervals(sc, [(11, "phone", 100, 1.0, 0.0)])), analytic)
    assert out["agents"].to_numpy()[11] == pytest.approx(resize.LOWER_FLOOR * 16)


def test_a_plan_and_its_roster_simulate_identically():
    """Who works a shift does not change the week: the plan's stand-ins and the named roster give the same
    numbers with one seed, so the loop's figures are the roster's."""
    from optimizer import Budget, build_roster, generate_agents, requirements, select_shifts
    from optimizer.agents import group_limits
    from optimizer import plan_roster
    from planning import scenario_demand, simulate

    sc = small_scenario(days=3, phone_rate=30, chat_rate=8, headcounts=(10, 6))
    agents = generate_agents(sc)
    plan = select_shifts(sc, requirements(sc, scenario_demand(sc)), group_limits(sc, agents), budget=Budget(5))
    roster = build_roster(sc, plan.shifts, agents, budget=Budget(5)).roster
    stand_ins = plan_roster(sc, plan)
    assert len(set(s.agent for s in stand_ins.shifts)) == len(plan.shifts) > len(roster.agents)
    a = simulate(sc, stand_ins, replications=3, seed=4, workers=1)
    b = simulate(sc, roster, replications=3, seed=4, workers=1)
    assert a.summary == b.summary
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
