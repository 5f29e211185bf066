"""Bids honoured in seniority order on hand-made rosters: a senior's day off is met by handing the shift to a
junior; the junior's same wish then cannot be met without undoing the senior's, and says so; a start-time bid is
met by swapping shifts of the same day; the shifts (coverage) never change."""

from __future__ import annotations

from collections import Counter

import pytest

from optimizer import honour_bids, roster_rule_breaks
from scenarios import Agent, InputError, Roster, Shift
from scenarios.bids import Bid, read_bids
from schedule_helpers import small_scenario

H = 3600


def _shift(agent, day, start_h, end_h):
    return Shift(agent, "generalist", (day * 24 + start_h) * H, (day * 24 + end_h) * H)


def _times(roster):
    return Counter((s.start_s, s.end_s) for s in roster.shifts)


def test_a_senior_day_off_is_met_and_a_junior_one_that_would_undo_it_is_not():
    sc = small_scenario(days=7)      # starts on a Monday: day 5 is Saturday
    agents = [Agent("a", "generalist", 0, 40), Agent("b", "generalist", 0, 40)]
    roster = Roster(sc.start, [_shift("a", 5, 9, 13), _shift("b", 0, 9, 13)])
    bids = [Bid("b", 2, 1, days_off=frozenset({5})), Bid("a", 1, 1, days_off=frozenset({5}))]
    out, outcomes = honour_bids(sc, roster, agents, bids)
    by = {o.agent: o for o in outcomes}
    assert [o.agent for o in outcomes] == ["a", "b"]           # seniority order, whatever the file's order
    assert by["a"].honoured and not by["b"].honoured
    assert "more senior" in by["b"].why
    assert sorted((s.agent, int(s.start_s // 86400)) for s in out.shifts) == [("b", 0), ("b", 5)]
    assert _times(out) == _times(roster)
    assert roster_rule_breaks(sc, out, agents) == []


def test_a_start_bid_is_met_by_swapping_shifts_of_the_same_day():
    sc = small_scenario(days=7)
    agents = [Agent("a", "generalist", 0, 40), Agent("b", "generalist", 0, 40)]
    roster = Roster(sc.start, [_shift("a", 1, 12, 16), _shift("b", 1, 8, 12)])
    out, outcomes = honour_bids(sc, roster, agents, [Bid("a", 1, 1, start=(7 * 60, 9 * 60))])
    assert outcomes[0].honoured
    assert {s.agent: s.start_s for s in out.shifts} == {"a": (24 + 8) * H, "b": (24 + 12) * H}
    assert _times(out) == _times(roster)


def test_a_bid_the_rules_forbid_is_not_met():
    sc = small_scenario(days=7)
    # b already works Sunday 13:00-21:00... and Saturday's 13:00-21:00 would leave it no rest: only a works Sat
    agents = [Agent("a", "generalist", 0, 40), Agent("b", "generalist", 0, 8)]
    roster = Roster(sc.start, [_shift("a", 5, 9, 13), _shift("b", 6, 9, 17)])
    _, outcomes = honour_bids(sc, roster, agents, [Bid("a", 1, 1, days_off=frozenset({5}))])
    assert not outcomes[0].honoured and "labour rules" in outcomes[0].why   # b's 8 h weekly maximum


def test_bids_file_errors_name_row_and_field(tmp_path):
    path = tmp_path / "bids.csv"
    path.write_text("agent,seniority,rank,bid\na,1,1,off sat\nzz,1,1,off sat\na,x,2,start 07:00-09:00\n"
                    "a,1,3,lunch early\n")
    with pytest.raises(InputError) as err:
        read_bids(path, {"a"})
    text = str(err.value)
    assert "row 3, agent" in text and "row 4, seniority" in text and "row 5, bid" in text
