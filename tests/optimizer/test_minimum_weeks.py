"""Contracted minimums on a horizon of two weeks are checked per calendar week (optimizer.minimum_hours): a
week's miss is not hidden by the other week's hours, and time off counts in the week it falls in. Hand-made
14-day cases; the numbers are worked out in the comments."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer import minimum_checks
from optimizer.minimum_hours import prorated
from optimizer.plan import PlannedShift, to_shift
from optimizer.templates import shift_templates
from scenarios import Agent, Roster, TimeOff, apply_time_off
from schedule_helpers import small_scenario

# 14 days from Monday 2026-01-05: weeks are days 0-6 and 7-13. An 8 h shift has an unpaid 30 min lunch: 7.5 paid h.
SC = small_scenario(days=14)
MON = dt.datetime(2026, 1, 5)


def eight_hours(agent: str, day: int) -> object:
    t = next(t for t in shift_templates(SC, "generalist") if (t.day, t.start_min, t.length_min) == (day, 540, 480))
    return to_shift(agent, PlannedShift("generalist", t, t.lunch_offsets[0], tuple(o[0] for o in t.break_offsets)),
                    SC.shift_rules.paid_lunch)


def test_a_week_without_hours_is_a_miss_even_when_the_other_week_has_them():
    # 4 x 7.5 h = 30 h, all in week 1: the horizon's 30 h equal the 30 h weekly minimum, but week 2 has 0 h.
    agent = Agent("a", "generalist", 30, 40)
    roster = Roster(SC.start, [eight_hours("a", d) for d in range(4)])
    checks = minimum_checks(SC, roster, [agent])
    assert [(c.week, c.rostered_hours, c.met) for c in checks] == [(" in week 1", 30, True),
                                                                    (" in week 2", 0, False)]
    # shifts can still be added to week 2: a miss nothing explains, named by its week
    assert not checks[1].explained
    assert checks[1].describe() == "agent a gets 0 h in week 2, below the contracted minimum 30 h (not explained)"


def test_time_off_counts_in_its_own_week():
    # Leave Monday-Friday of week 2: 5 contracted days of 30 / 5 = 6 h = 30 h off week 2's minimum, nothing off
    # week 1's. Week 1 rostered 4 x 7.5 = 30 h: both weeks met.
    agent = apply_time_off([Agent("a", "generalist", 30, 40)],
                           [TimeOff("a", MON + dt.timedelta(days=7), MON + dt.timedelta(days=12))], SC)[0]
    roster = Roster(SC.start, [eight_hours("a", d) for d in range(4)])
    checks = minimum_checks(SC, roster, [agent])
    assert [(c.time_off_hours, c.required_hours, c.met) for c in checks] == [(0, 30, True), (30, 0, True)]
    # the roster's one weekly minimum asks no week for less than its own: week 1 has no time off, so 30 h
    assert prorated(agent, SC).min_hours == pytest.approx(30)


def test_a_week_the_agent_is_mostly_away_is_explained_by_that_weeks_availability():
    # Free only Saturday and Sunday of week 2 (days 12, 13): at most 2 x 7.5 = 15 h that week < 30 h.
    agent = Agent("a", "generalist", 30, 40, [(d, 0, 1440) for d in range(7, 12)])
    roster = Roster(SC.start, [eight_hours("a", d) for d in range(4)] + [eight_hours("a", 12), eight_hours("a", 13)])
    week2 = minimum_checks(SC, roster, [agent])[1]
    assert week2.rostered_hours == 15 and not week2.met
    assert week2.reason == "their available times hold at most 15 h of shifts in week 2"
