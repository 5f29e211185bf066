"""Intraday re-plan: each action's labour-rule checks, the coverage arithmetic, the CP-SAT choice on a hand-sized
case, and one small end-to-end re-plan from the state at now."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer import (ActionMenu, ChoiceSettings, Today, apply_actions, call_in_problems, candidate_actions,
                       choose_actions, cut_windows, move_problems, on_duty_coverage, overtime_problems,
                       start_early_problems, vto_problems, vto_shift)
from planning.intraday import Options, replan_day
from intraday_helpers import DAY, H
from intraday_helpers import day_shift as _shift
from intraday_helpers import intraday_scenario as _scenario
from scenarios import Agent, Roster, Shift

AGENT = Agent("a", "team", 0, 40)


def test_overtime_stops_at_max_hours_min_rest_and_latest_end():
    sc = _scenario()
    # Four 8 h days with 30 min unpaid lunch = 30 h paid; Tuesday's shift 09:00-17:00.
    week = [_shift("a", d, 9, 8, lunch_h=13) for d in range(4)]
    roster = Roster(sc.start, week)
    now = 1 * DAY + 11 * H
    assert overtime_problems(Today(sc, roster, now), 1, AGENT, 120) == []
    tight = Agent("a", "team", 0, 31.0)                 # 30 h paid: one more hour fits, 90 minutes do not
    assert overtime_problems(Today(sc, roster, now), 1, tight, 60) == []
    assert any("max_hours_per_week" in p for p in overtime_problems(Today(sc, roster, now), 1, tight, 90))
    # Wednesday starts at 07:00 after Tuesday's 17:00 end: 14 h rest; ending at 21:00 leaves 10 h < 11 h.
    early = Roster(sc.start, week[:2] + [_shift("a", 2, 7, 8, lunch_h=11)] + week[3:])
    assert overtime_problems(Today(sc, early, now), 1, AGENT, 180) == []
    assert any("min_rest_hours" in p for p in overtime_problems(Today(sc, early, now), 1, AGENT, 240))
    # latest_end 22:00: a shift ending at 21:00 can run 60 more minutes, not 90.
    late = Roster(sc.start, [_shift("a", 1, 13, 8, lunch_h=17)])
    assert overtime_problems(Today(sc, late, now), 0, AGENT, 60) == []
    assert any("outside 07:00-22:00" in p for p in overtime_problems(Today(sc, late, now), 0, AGENT, 90))
    # A shift that already ended cannot be extended.
    assert overtime_problems(Today(sc, Roster(sc.start, [_shift("a", 1, 6.5, 4)]), now), 0, AGENT, 60)


def test_start_early_needs_notice_earliest_start_and_rest():
    sc = _scenario()
    roster = Roster(sc.start, [_shift("a", 0, 13, 8, lunch_h=17), _shift("a", 1, 14, 8, lunch_h=18)])
    now = 1 * DAY + 11 * H
    assert start_early_problems(Today(sc, roster, now, notice_s=1800), 1, AGENT, 120) == []     # 12:00 >= 11:30
    assert start_early_problems(Today(sc, roster, now, notice_s=1800), 1, AGENT, 180)           # 11:00 < 11:30
    # Monday ends 21:00: Tuesday may start at 08:00 (11 h rest), not at 07:30.
    now0 = 1 * DAY + 5 * H
    assert start_early_problems(Today(sc, roster, now0), 1, AGENT, 360) == []
    assert any("min_rest_hours" in p for p in start_early_problems(Today(sc, roster, now0), 1, AGENT, 390))


def test_vto_cuts_after_now_outside_breaks_and_drops_later_breaks():
    s = _shift("a", 1, 9, 8, lunch_h=13, breaks_h=(11, 15.5))
    now = 1 * DAY + 11.5 * H
    sc = _scenario()
    today = Today(sc, Roster(sc.start, [s]), now)
    assert vto_problems(today, s, 1 * DAY + 15 * H) == []
    assert vto_problems(today, s, 1 * DAY + 11 * H)                      # before now
    assert vto_problems(today, s, 1 * DAY + 13.25 * H)                   # inside the lunch
    cut = vto_shift(s, 1 * DAY + 15 * H)
    assert cut.end_s == 1 * DAY + 15 * H and cut.lunch == s.lunch and cut.breaks == s.breaks[:1]
    assert s.paid_seconds - cut.paid_seconds == 2 * H


def test_breaks_and_lunches_move_only_within_their_windows():
    sc = _scenario()
    s = _shift("a", 1, 9, 8, lunch_h=13, breaks_h=(10.5, 15.5))
    lunch_w, break_w = cut_windows(sc, s)
    # By hand from the shift rules: lunch 3-5 h after a 09:00 start, ending an hour before 17:00 at the latest,
    # on the 30-minute grid -> 12:00..14:00; two breaks within 90 minutes of their nominal places (160 and 320
    # minutes in), an hour from the ends, on the grid, clear of the whole lunch window (12:00-14:30):
    # 10:30..11:30 and 14:30..15:30.
    assert [(t - DAY) / H for t in lunch_w] == [12.0, 12.5, 13.0, 13.5, 14.0]
    assert [(t - DAY) / H for t in break_w[0]] == [10.5, 11.0, 11.5]
    assert [(t - DAY) / H for t in break_w[1]] == [14.5, 15.0, 15.5]
    now = 1 * DAY + 10 * H
    roster = Roster(sc.start, [s])
    today = Today(sc, roster, now)
    assert move_problems(today, s, "lunch", 0, 1 * DAY + 12 * H) == []
    assert any("outside its window" in p for p in move_problems(today, s, "lunch", 0, 1 * DAY + 14.5 * H))
    assert any("outside its window" in p for p in move_problems(today, s, "break", 1, 1 * DAY + 16 * H))
    assert move_problems(today, s, "break", 1, 1 * DAY + 15 * H) == []
    assert any("outside its window" in p for p in move_problems(today, s, "break", 0, 1 * DAY + 10 * H))
    late = Today(sc, roster, 1 * DAY + 10.75 * H)       # break 0 (10:30) has started
    assert any("started" in p for p in move_problems(late, s, "break", 0, 1 * DAY + 11 * H))
    # Every move the candidate generator offers keeps its lunch and breaks inside their windows.
    moves = [a for a in candidate_actions(sc, roster, now, ActionMenu()) if a.kind.startswith("move")]
    assert moves
    for a in moves:
        new = a.new_shift
        assert any(abs(new.lunch[0] - w) < 1 for w in lunch_w)
        for j, b in enumerate(new.breaks):
            assert any(abs(b[0] - w) < 1 for w in break_w[j])


def test_call_in_respects_the_week_rules():
    sc = _scenario()
    five = Roster(sc.start, [_shift("a", d, 9, 8, lunch_h=13) for d in (0, 2, 3, 4, 5)])
    now = 1 * DAY + 9 * H
    new = _shift("a", 1, 13, 4, breaks_h=(15,))
    assert any("max_shifts_per_week" in p for p in call_in_problems(Today(sc, five, now), AGENT, new))
    four = Roster(sc.start, [_shift("a", d, 9, 8, lunch_h=13) for d in (0, 3, 4, 5)])
    assert call_in_problems(Today(sc, four, now), AGENT, new) == []
    # Wednesday 07:00 start: a Tuesday call-in ending at 21:00 leaves 10 h rest.
    four_early = Roster(sc.start, [_shift("a", 2, 7, 8, lunch_h=11)])
    late = _shift("a", 1, 17, 4, breaks_h=(19,))
    assert any("min_rest_hours" in p for p in call_in_problems(Today(sc, four_early, now), AGENT, late))
    away = Agent("a", "team", 0, 40, unavailable=[(1, 12 * 60, 18 * 60)])
    assert any("unavailable" in p for p in call_in_problems(Today(sc, four, now), away, new))


def test_no_candidate_breaks_a_rule_and_coverage_changes_are_exact():
    sc = _scenario()
    shifts = [_shift(f"team-{i:03d}", 1, 8 + (i % 4), 8, lunch_h=12 + (i % 4), breaks_h=(10 + (i % 4),))
              for i in range(1, 9)]
    roster = Roster(sc.start, shifts)
    now = 1 * DAY + 11 * H
    cands = candidate_actions(sc, roster, now, ActionMenu())
    assert {"overtime", "voluntary time off", "call in", "move break", "move lunch"} <= {a.kind for a in cands}
    for a in cands:
        s = a.new_shift
        assert 7 * H <= s.start_s - DAY and s.end_s - DAY <= 22 * H
        if a.kind != "call in":
            old = roster.shifts[a.shift]
            # Hours: overtime adds its minutes, VTO releases the paid time cut off, moves change nothing.
            assert a.hours == pytest.approx((s.paid_seconds - old.paid_seconds) / H)
            assert min(s.start_s, old.start_s) >= min(old.start_s, now) - 1e-6
    # Coverage: an 8 h shift 09:00-17:00 with lunch 13:00-13:30 and a break 11:00-11:15, on 30-min intervals.
    cov = on_duty_coverage(_shift("x", 0, 9, 8, lunch_h=13, breaks_h=(11,)), 48, 1800.0)
    expected = np.zeros(48)
    expected[18:34] = 1.0
    expected[22] = 0.5                                  # 11:00-11:30 less 15 minutes
    expected[26] = 0.0                                  # 13:00-13:30 lunch
    np.testing.assert_allclose(cov, expected)


def test_cp_sat_covers_a_shortfall_with_the_cheapest_legal_action():
    sc = _scenario()
    roster = Roster(sc.start, [_shift("b", 1, 8, 8, lunch_h=12), _shift("c", 1, 12, 8, lunch_h=15)])
    now = 1 * DAY + 10 * H
    need = np.zeros(48)

    need[32:34] = 2.0                                   # 16:00-17:00 needs two: b staying an hour covers it
    cands = candidate_actions(sc, roster, now, ActionMenu(vto_minutes=(), move_minutes=()),
                              agents=[Agent("b", "team", 0, 40), Agent("c", "team", 0, 40)])
    choice = choose_actions(sc, roster, now, {"phone": need}, cands, settings=ChoiceSettings())
    chosen = choice.actions
    assert [(a.agent, a.kind, a.hours) for a in chosen] == [("b", "overtime", 1.0)]
    assert choice.shortfall_hours_after == 0
    after = apply_actions(roster, chosen)
    assert after.shifts[0].end_s == 1 * DAY + 17 * H
    assert chosen[0].span == (1 * DAY + 16 * H, 1 * DAY + 17 * H)            # the hour of overtime


def test_replan_adds_hours_on_a_surge_from_the_state_at_now():
    sc = _scenario()
    shifts = [_shift(f"team-{i:03d}", 1, 8 + 4 * (i % 2), 8, lunch_h=12 + 4 * (i % 2)) for i in range(1, 7)]
    roster = Roster(sc.start, shifts)
    from planning.demand import scenario_demand
    demand = scenario_demand(sc)
    ds = pd.date_range("2026-01-06 08:00", "2026-01-06 10:30", freq="30min")
    actuals = pd.DataFrame({"ds": ds, "channel": "phone", "contacts": 90.0})     # 1.5 x forecast
    plan = replan_day(sc, roster, demand, actuals, pd.Timestamp("2026-01-06 11:00"),
                      options=Options(check_replications=4, certify_replications=8, rounds=2, workers=1, effort=1.0))
    assert plan.reforecast["factor"].iloc[0] > 1.3
    assert plan.hours_added > 0 and plan.hours_released == 0
    assert plan.shares_after["phone"] >= plan.shares_before["phone"]
    table = plan.action_table(sc)
    assert list(table.columns) == ["agent", "skill_group", "action", "start", "end", "hours", "detail"]


def test_absent_agents_are_not_called_in_and_unknown_ones_are_named():
    sc = _scenario()
    roster = Roster(sc.start, [_shift("team-001", 1, 9, 8, lunch_h=13), _shift("team-002", 2, 9, 8, lunch_h=13)])
    now = 1 * DAY + 10 * H
    called = {a.agent for a in candidate_actions(sc, roster, now, ActionMenu()) if a.kind == "call in"}
    assert "team-002" in called
    called = {a.agent for a in candidate_actions(sc, roster, now, ActionMenu(), absent=frozenset({"team-002"}))
              if a.kind == "call in"}
    assert "team-002" not in called and "team-003" in called
    from scenarios import InputError
    with pytest.raises(InputError, match="nobody"):
        replan_day(sc, roster, pd.DataFrame(columns=["ds", "channel", "contacts"]), pd.DataFrame(
            columns=["ds", "channel", "contacts"]), pd.Timestamp("2026-01-06 10:00"), absent=["nobody"])
