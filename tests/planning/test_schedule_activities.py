"""Activities through the schedule: placed in the roster's shifts, in the roster CSV, the workbook, the calendars
and the JSON, and the roster as certified is the roster with its activities (the simulation takes them off the
queues)."""

from __future__ import annotations

import json

import pandas as pd

from optimizer import publish_workbook, write_calendars
from planning import schedule
from planning.schedule import shift_keys
from scenarios import read_roster
from schedule_helpers import small_scenario

COACHING = {"name": "coaching", "minutes": 30, "skill_groups": ["generalist"], "per_week": 1,
            "window": "09:00-18:00"}


def test_the_schedule_places_activities_and_writes_them(tmp_path):
    sc = small_scenario(days=2, phone_rate=30, chat_rate=8, headcounts=(10, 6), activities=[COACHING])
    res = schedule(sc, verify=False, time_limit=None, effort=2, workers=1)
    generalists = {s.agent for s in res.roster.shifts if s.skill_group == "generalist"}
    placed = [(s.agent, a) for s in res.roster.shifts for a in s.activities]
    # one coaching for every generalist who works in the week, none for phone_only agents
    assert sorted(a for a, _ in placed) == sorted(generalists) and res.activities.unplaced == []
    for s in res.roster.shifts:
        for a in s.activities:
            assert a.end_s - a.start_s == 1800 and 9 * 3600 <= a.start_s % 86400 and a.end_s % 86400 <= 18 * 3600
            assert all(not (a.start_s < e and b < a.end_s) for b, e in [s.lunch or (0, 0), *s.breaks])
    payload = res.to_json()
    assert payload["activities"]["placed"] == len(placed) and payload["activities"]["not_placed"] == []
    json.dumps(payload)
    # the app's Schedule page notes say it too
    from app.ui.library import schedule_view

    assert f"activities: {len(placed)} placed" in schedule_view(res, sc)["notes"]
    # the roster CSV carries them and reads back to the same roster
    path = res.roster.write_csv(tmp_path / "roster.csv")
    again = read_roster(path, sc)
    assert shift_keys(again) == shift_keys(res.roster)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert (frame["activities"] != "").sum() == len(placed)
    # the workbook's grid and shift list, and the calendars
    book = publish_workbook(frame, tmp_path / "week.xlsx")
    shifts = pd.read_excel(book, sheet_name="Shifts")
    assert shifts["Activities"].notna().sum() == len(placed)
    week = pd.read_excel(book, sheet_name="Week")
    assert week.astype(str).apply(lambda c: c.str.contains("coaching")).to_numpy().sum() == len(placed)
    ics = write_calendars(frame, tmp_path / "ics")
    text = "".join(p.read_text() for p in ics)
    assert text.count("Activities coaching") == len(placed)


def test_the_certified_roster_is_the_roster_with_its_activities():
    # An activity changes which shifts' time is on the queues: the kept plan's figures are not the roster's, so
    # the roster is simulated again and certified as it stands; the roster's coverage has the activity time off.
    sc = small_scenario(days=2, phone_rate=30, chat_rate=8, headcounts=(10, 6), activities=[COACHING],
                        shrinkage=0.0)
    res = schedule(sc, verify=True, rounds=1, replications=3, certify_replications=2, seed=5, time_limit=None,
                   effort=2, workers=1, risk=None)
    assert res.activities.placed and res.kpis.simulated
    work = sum(sum(b - a for a, b in s.work_periods()) for s in res.roster.shifts
               if s.skill_group == "generalist") / 3600
    coaching = sum(a.end_s - a.start_s for s in res.roster.shifts for a in s.activities) / 3600
    assert coaching == len(res.activities.placed) / 2
    # without shrinkage the certification's agents are on the queues exactly the roster's work periods (lunch,
    # breaks and activities off), plus the overrun of contacts finished after going off
    group = res.sim.summary.skill_groups["generalist"]
    assert abs(group.available_hours - group.overrun_hours - work) < 1e-6
    on_duty = res.groups[res.groups["skill_group"] == "generalist"]["on_duty"].sum()
    assert abs(on_duty * sc.interval_minutes / 60 - work) < 1e-2
