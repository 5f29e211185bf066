"""How the app writes figures (app.ui.readable), against strings written by hand: shares in %, differences in
points, moments and days with their weekday, hours and cost with their units, rule messages with dates, no temporary
paths, and tables with none of the raw forms (ISO text, fractions) left."""

from __future__ import annotations

import datetime as dt
import math
import tempfile

import numpy as np
import pandas as pd
import pytest

from app.ui import readable


@pytest.mark.parametrize("value, text", [(0.9898, "99.0%"), (1, "100.0%"), (0, "0.0%"), (np.float64(0.8256), "82.6%"),
                                         (None, "n/a"), (math.nan, "n/a"), ("x", "n/a")])
def test_a_share_is_a_percentage(value, text):
    assert readable.pct(value) == text


@pytest.mark.parametrize("diff, text", [(0.015, "+1.5 pp"), (-0.019, "-1.9 pp"), (0.0, "+0.0 pp"), (None, "n/a")])
def test_a_difference_of_shares_is_in_points(diff, text):
    assert readable.pp(diff) == text


def test_hours_and_cost_carry_their_units():
    assert readable.hours(3504.5) == "3,504.5 h"
    assert readable.hours(np.int64(179)) == "179.0 h"
    assert readable.cost(3927) == "3,927.0 hourly_cost units"
    assert readable.cost(None) == "n/a"


@pytest.mark.parametrize("value, text", [
    ("2026-01-05T08:30:00", "Mon 2026-01-05 08:30"),
    ("2026-12-03T16:30:12.512+00:00", "Thu 2026-12-03 16:30"),
    (pd.Timestamp("2026-01-07 21:00"), "Wed 2026-01-07 21:00"),
    (dt.date(2026, 1, 5), "Mon 2026-01-05"),
    (None, ""), ("", "")])
def test_a_moment_shows_its_weekday_date_and_clock(value, text):
    assert readable.when(value) == text


def test_rule_messages_name_dates_not_week_day_numbers():
    start = dt.date(2026, 1, 5)   # a Monday: day 0
    assert readable.dated(start, "ann: unavailable: day 2 08:00 while the agent is away") == \
        "ann: unavailable: Wed 2026-01-07 08:00 while the agent is away"
    assert readable.dated(start, "min_rest_hours: 9 h between day 0 and day 1 < 11 h") == \
        "min_rest_hours: 9 h between Mon 2026-01-05 and Tue 2026-01-06 < 11 h"
    assert readable.dated(start, "a holiday 2 days away") == "a holiday 2 days away"


def test_a_note_names_no_temporary_path():
    tmp = tempfile.gettempdir()
    text = f"history {tmp}/ccplan-app-uploads/3f2a/my_calls.csv: 4 days closed; listed in the JSON (certified.short_intervals)"
    assert readable.note(text) == ("history my_calls.csv: 4 days closed; listed under 'Intervals missing their "
                                   "targets in the certification'")


@pytest.mark.parametrize("kpi, value, signed, text", [
    ("channels.phone.service_level", 0.977, False, "97.7%"),
    ("channels.phone.service_level", -0.019, True, "-1.9 pp"),
    ("channels.phone.intervals_meeting_target", 0.953, False, "95.3%"),
    ("skill_groups.generalist.occupancy", 0.82, False, "82.0%"),
    ("channels.phone.asa_seconds", 12.4, False, "12 s"),
    ("channels.email.asa_seconds", 5400, False, "90.0 min"),
    ("channels.email.asa_seconds", -900, True, "-15.0 min"),
    ("paid_hours", 3504.5, False, "3,504.5 h"),
    ("paid_hours", 42, True, "+42.0 h"),
    ("channels.bot.escalated", 479, False, "479.0"),
    ("channels.phone.service_level", None, False, "n/a")])
def test_a_whatif_figure_is_in_its_unit(kpi, value, signed, text):
    assert readable.figure(kpi, value, signed) == text


def test_a_table_shows_no_iso_text_and_no_raw_fraction():
    frame = pd.DataFrame({
        "ds": pd.to_datetime(["2026-01-05 08:30", "2026-01-05 09:00"]),
        "start": ["2026-01-06 17:00", "2026-01-06 18:00"],
        "week": [dt.date(2026, 1, 5), dt.date(2026, 1, 12)],
        "service_level": [0.9898, np.nan],
        "abandon_actual": [0.031, 0.05],
        "paid hours": [7.123, 8.0],
        "agents": [np.int64(3), np.int64(4)],
        "locked": [True, False],
        "agent": ["ann", "bob"]})
    out = readable.table(frame, shares=["abandon_actual"])
    assert out.to_dict("list") == {
        "ds": ["Mon 2026-01-05 08:30", "Mon 2026-01-05 09:00"],
        "start": ["Tue 2026-01-06 17:00", "Tue 2026-01-06 18:00"],
        "week": ["Mon 2026-01-05", "Mon 2026-01-12"],
        "service_level": ["99.0%", ""],
        "abandon_actual": ["3.1%", "5.0%"],
        "paid hours": [7.12, 8.0],
        "agents": [3, 4],
        "locked": [True, False],
        "agent": ["ann", "bob"]}
    assert frame["service_level"].iloc[0] == 0.9898   # only display: the table itself is unchanged


def test_an_input_error_names_an_upload_by_its_own_name():
    from app.ui.errors import problems_markdown
    from scenarios import Problem

    where = f"{tempfile.gettempdir()}/ccplan-app-uploads/ab12cd/my history.csv:row 3"
    assert problems_markdown([Problem(where, "ds '2026-13-01' is not a date")]) == \
        "- `my history.csv:row 3`: ds '2026-13-01' is not a date"
