"""Each intraday action kind's labour-rule check on hand-made cases (optimizer.intraday_actions), and the
catalogue offering only what its check allows."""

from __future__ import annotations

from optimizer import (ActionMenu, Today, call_in_problems, candidate_actions, move_problems,
                       overtime_problems, start_early_problems, vto_problems)
from scenarios import Agent, Roster
from intraday_helpers import DAY, H
from intraday_helpers import day_shift as _shift
from intraday_helpers import intraday_scenario as _scenario


def test_overtime_past_max_weekly_hours_is_refused():
    sc = _scenario()
    # Five 8 h days with an unpaid 30 min lunch: 37.5 paid hours; the contract allows 38.
    roster = Roster(sc.start, [_shift("a", d, 9, 8, lunch_h=13) for d in range(5)])
    today = Today(sc, roster, now=2 * DAY + 10 * H)
    agent = Agent("a", "team", 0, 38.0)
    assert overtime_problems(today, 2, agent, 30) == []
    assert any("max_hours_per_week" in p for p in overtime_problems(today, 2, agent, 60))
    # The catalogue offers Wednesday's 30 minutes and nothing longer.
    offered = [a for a in candidate_actions(sc, roster, today.now, ActionMenu(), agents=[agent])
               if a.kind == "overtime"]
    assert [(a.shift, a.hours) for a in offered] == [(2, 0.5)]


def test_vto_ending_before_now_plus_notice_is_refused():
    sc = _scenario()
    s = _shift("a", 1, 9, 8, lunch_h=13)
    today = Today(sc, Roster(sc.start, [s]), now=1 * DAY + 14 * H, notice_s=1800)
    assert vto_problems(today, s, 1 * DAY + 14.5 * H) == []
    assert vto_problems(today, s, 1 * DAY + 14 * H) == ["the new end is before now + notice"]
    assert "the new end is before now + notice" in vto_problems(today, s, 1 * DAY + 12 * H)
    assert vto_problems(today, s, 1 * DAY + 18 * H) == ["the new end is not inside the shift"]


def test_start_early_before_now_plus_notice_is_refused():
    sc = _scenario()
    roster = Roster(sc.start, [_shift("a", 1, 13, 8, lunch_h=17)])
    today = Today(sc, roster, now=1 * DAY + 11 * H, notice_s=1800)
    agent = Agent("a", "team", 0, 40)
    assert start_early_problems(today, 0, agent, 90) == []             # 11:30: just on notice
    assert start_early_problems(today, 0, agent, 120) == ["the new start is before now + notice"]


def test_call_in_on_a_day_with_a_shift_or_before_notice_is_refused():
    sc = _scenario()
    roster = Roster(sc.start, [_shift("a", 1, 8, 4)])
    today = Today(sc, roster, now=1 * DAY + 9 * H, notice_s=1800)
    agent = Agent("a", "team", 0, 40)
    second = _shift("a", 1, 14, 4, breaks_h=(16,))
    assert any("one shift a day" in p for p in call_in_problems(today, agent, second))
    free = Today(sc, Roster(sc.start, []), now=today.now, notice_s=1800)
    assert call_in_problems(free, agent, second) == []
    soon = _shift("a", 1, 9, 4, breaks_h=(11,))
    assert call_in_problems(free, agent, soon) == ["the shift starts before now + notice"]


def test_a_lunch_moved_onto_a_break_is_refused():
    sc = _scenario()
    # A 09:00-17:00 shift's lunch may start 12:00..14:00; this one's break was put at 12:00 by hand.
    s = _shift("a", 1, 9, 8, lunch_h=13, breaks_h=(12,))
    today = Today(sc, Roster(sc.start, [s]), now=1 * DAY + 9.5 * H)
    assert move_problems(today, s, "lunch", 0, 1 * DAY + 12.5 * H) == []
    assert move_problems(today, s, "lunch", 0, 1 * DAY + 12 * H) == ["lunch at 12:00 overlaps another lunch or break"]
