"""scenarios.clock: clock times "HH:MM" to minutes or seconds after midnight and back, checked by hand."""

from __future__ import annotations

import pytest

from scenarios import clock_minutes, clock_seconds, format_clock, hours_minutes, is_clock, parse_span


@pytest.mark.parametrize("text, minutes", [("00:00", 0), ("07:30", 450), ("7:05", 425), ("23:59", 1439),
                                           ("24:00", 1440), ("08:15:59", 495)])
def test_clock_minutes_by_hand(text, minutes):
    assert clock_minutes(text) == minutes


@pytest.mark.parametrize("text, seconds", [("00:00", 0), ("07:30", 27000), (" 12:00 ", 43200), ("24:00", 86400),
                                           ("06:45:30", 24300)])
def test_clock_seconds_by_hand(text, seconds):
    assert clock_seconds(text, "start") == seconds


@pytest.mark.parametrize("text", ["", "7", "7h30", "25:00", "07:60", "-1:00", "ab:cd"])
def test_clock_seconds_names_what_is_wrong(text):
    with pytest.raises(ValueError, match=r"^lunch start '.*' is not a clock time HH:MM$"):
        clock_seconds(text, "lunch start")


@pytest.mark.parametrize("seconds, text", [(0, "00:00"), (27000, "07:30"), (27029, "07:30"), (27031, "07:31"),
                                           (86400, "00:00"), (86400 + 3600 * 9.5, "09:30"), (-60, "23:59")])
def test_format_clock_rounds_to_the_minute_and_wraps_at_midnight(seconds, text):
    assert format_clock(seconds) == text


def test_every_minute_of_the_day_round_trips():
    for minute in range(24 * 60):
        text = format_clock(minute * 60)
        assert is_clock(text) and clock_minutes(text) == minute
        assert clock_seconds(text) == minute * 60
        assert format_clock(clock_seconds(text)) == text


@pytest.mark.parametrize("text, ok", [("07:30", True), ("7:30", True), ("24:00", True), ("24:59", True),
                                      ("25:00", False), ("07:60", False), ("7:5", False), ("07:30:00", False),
                                      ("0730", False), (" 07:30", False), ("", False)])
def test_is_clock_takes_the_shape_hh_mm_only(text, ok):
    assert is_clock(text) is ok


def test_hours_minutes_checks_the_shape_not_the_range():
    assert hours_minutes("25:75") == (25, 75)
    assert hours_minutes("7:30") == (7, 30)
    assert hours_minutes("7.30") is None


def test_parse_span_in_minutes_past_midnight():
    assert parse_span("07:00-22:00") == (420, 1320)
    assert parse_span("20:00-02:00") == (1200, 1560)     # past midnight: the end plus a day
    assert parse_span("00:00-24:00") == (0, 1440)
    assert parse_span("closed") is None
    with pytest.raises(ValueError, match="impossible clock time"):
        parse_span("07:00-25:00")
