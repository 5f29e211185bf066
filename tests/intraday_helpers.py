"""Hand-sized intraday cases shared by the action tests (tests/optimizer) and the re-plan tests (tests/planning)."""

from __future__ import annotations

from scenarios import Shift, scenario_from_dict

H = 3600.0
DAY = 86400.0


def intraday_scenario(**rules):
    shift_rules = {"lengths_hours": [4, 8], "start_every_minutes": 30, "earliest_start": "07:00",
                   "latest_end": "22:00", "lunch_after_hours": 6, "lunch_minutes": 30, "lunch_window_hours": [3, 5],
                   "breaks_minutes": 15, "break_every_hours": 4, "max_shifts_per_week": 5, "min_rest_hours": 11,
                   "max_consecutive_days": 5, **rules}
    return scenario_from_dict({
        "name": "intraday rules", "start": "2026-01-05", "days": 7, "interval_minutes": 30, "open": "08:00-20:00",
        "shrinkage": 0.0,
        "channels": {"phone": {"kind": "voice", "aht_seconds": 240, "patience_seconds": 200,
                               "target": {"answer_within_seconds": 60, "service_level": 0.8,
                                          "max_abandon_rate": 0.05}}},
        "demand": {"rates": {"phone": 60}},
        "skill_groups": {"team": {"skills": ["phone"], "headcount": 12, "min_hours_per_week": 0,
                                  "max_hours_per_week": 40}},
        "shift_rules": shift_rules})


def day_shift(agent, day, start_h, hours, lunch_h=None, breaks_h=()):
    s = day * DAY + start_h * H
    return Shift(agent, "team", s, s + hours * H,
                 (day * DAY + lunch_h * H, day * DAY + lunch_h * H + 1800) if lunch_h is not None else None,
                 [(day * DAY + b * H, day * DAY + b * H + 900) for b in breaks_h])
