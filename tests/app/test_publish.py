"""`ccplan publish`: the workbook's agent x day grid and shift list match the roster row for row, and each agent's
calendar holds their shifts."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from conftest import run_cli
from schedule_helpers import small_scenario
from scenarios import save_scenario

ROSTER = """agent,skill_group,date,start,end,lunch_start,lunch_end,breaks
ann,generalist,2026-01-05,07:00,15:30,11:00,11:30,09:00-09:15;13:30-13:45
ann,generalist,2026-01-06,08:00,16:30,12:00,12:30,10:00-10:15
bob,phone_only,2026-01-06,12:00,18:00,,,15:00-15:15
cy,generalist,2026-01-07,09:00,13:00,,,
"""

# What a planner expects to read in the grid, written out by hand.
EXPECTED_GRID = {
    "ann": ["07:00-15:30, lunch 11:00", "08:00-16:30, lunch 12:00", "off"],
    "bob": ["off", "12:00-18:00", "off"],
    "cy": ["off", "off", "09:00-13:00"],
}


def test_publish_writes_a_grid_whose_cells_match_the_roster(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    out = run_cli("publish", str(roster), "--xlsx", str(tmp_path / "week.xlsx"), "--ics", str(tmp_path / "cal"))
    assert out.returncode == 0, out.stderr
    wb = load_workbook(tmp_path / "week.xlsx")
    grid = wb["Week"]
    header = [c.value for c in grid[1]]
    assert header == ["Agent", "Skill group", "Mon 05 Jan 2026", "Tue 06 Jan 2026", "Wed 07 Jan 2026", "Paid hours"]
    assert grid.freeze_panes == "C2"
    rows = {r[0]: r for r in grid.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(EXPECTED_GRID)
    for agent, cells in EXPECTED_GRID.items():
        assert list(rows[agent][2:5]) == cells
    # Paid hours: ann 8.5 h less two 30-minute unpaid lunches, bob 6 h, cy 4 h.
    assert rows["ann"][5] == 16.0 and rows["bob"][5] == 6.0 and rows["cy"][5] == 4.0
    assert grid.column_dimensions["C"].width >= len("07:00-15:30, lunch 11:00")

    shifts = list(wb["Shifts"].iter_rows(min_row=2, values_only=True))
    assert len(shifts) == 4
    first = shifts[0]
    assert first[:5] == ("ann", "generalist", dt.datetime(2026, 1, 5), dt.datetime(2026, 1, 5, 7),
                         dt.datetime(2026, 1, 5, 15, 30))
    assert first[7] == "09:00-09:15, 13:30-13:45"
    # Nothing in any cell is raw Python (lists, dicts, NaN).
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and (value.startswith(("[", "{")) or value == "nan"))

    cal = Calendar.from_ical((tmp_path / "cal" / "ann.ics").read_bytes())
    events = sorted((e.decoded("dtstart"), e.decoded("dtend")) for e in cal.walk("VEVENT"))
    assert events == [(dt.datetime(2026, 1, 5, 7), dt.datetime(2026, 1, 5, 15, 30)),
                      (dt.datetime(2026, 1, 6, 8), dt.datetime(2026, 1, 6, 16, 30))]
    assert sorted(p.name for p in (tmp_path / "cal").iterdir()) == ["ann.ics", "bob.ics", "cy.ics"]


def test_a_moved_shift_keeps_its_calendar_event(tmp_path):
    """Ann's Monday shift moved from 07:00 to 09:00: her calendar file holds the same event UIDs (one per shift
    day), so a calendar that re-imports it updates the event instead of adding a second one."""
    uids = []
    for k, roster_text in enumerate([ROSTER, ROSTER.replace("2026-01-05,07:00,15:30,11:00,11:30",
                                                             "2026-01-05,09:00,17:30,13:00,13:30")]):
        roster = tmp_path / f"roster{k}.csv"
        roster.write_text(roster_text)
        out = run_cli("publish", str(roster), "--xlsx", str(tmp_path / f"week{k}.xlsx"), "--ics", str(tmp_path / f"cal{k}"))
        assert out.returncode == 0, out.stderr
        cal = Calendar.from_ical((tmp_path / f"cal{k}" / "ann.ics").read_bytes())
        uids.append(sorted(str(e["uid"]) for e in cal.walk("VEVENT")))
    assert uids[0] == uids[1] and len(set(uids[0])) == 2


def test_publish_with_a_scenario_adds_its_week_coverage_and_time_zone(tmp_path):
    scenario = save_scenario(small_scenario(days=3, timezone="Europe/Berlin"), tmp_path / "small.yaml")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    out = run_cli("publish", str(roster), "--xlsx", str(tmp_path / "week.xlsx"), "--ics", str(tmp_path / "cal"),
                  "--scenario", str(scenario))
    assert out.returncode == 0, out.stderr
    wb = load_workbook(tmp_path / "week.xlsx")
    assert wb.sheetnames == ["Week", "Shifts", "Coverage", "Figures"]
    coverage = list(wb["Coverage"].iter_rows(min_row=2, values_only=True))
    # ann works the phone/chat pool 07:00-15:30 on Monday less lunch and breaks: at 08:00 she is on duty all hour.
    at_eight = [r for r in coverage if r[0] == dt.datetime(2026, 1, 5, 8) and r[1] == "phone"]
    assert at_eight and abs(at_eight[0][3] - 1.0 * (1 - 0.2)) < 1e-6
    cal = Calendar.from_ical((tmp_path / "cal" / "bob.ics").read_bytes())
    (event,) = cal.walk("VEVENT")
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Berlin"


def test_publish_names_every_bad_row_and_writes_nothing(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER + "dan,generalist,2026-02-30,7:00,15:60,,,\n")
    out = run_cli("publish", str(roster), "--xlsx", str(tmp_path / "week.xlsx"))
    assert out.returncode == 2
    assert "row 6, date" in out.stderr and "row 6, end" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "week.xlsx").exists()


def test_a_workbook_that_fails_midway_leaves_the_old_file_whole(tmp_path):
    """The schedule workbook is written to a temporary file and renamed in one step: a failure after some sheets
    were written leaves the previous workbook as it was, and no temporary file behind."""
    from types import SimpleNamespace

    import pandas as pd

    from optimizer.export import write_excel
    from scenarios import Roster

    target = tmp_path / "roster.xlsx"
    target.write_bytes(b"the previous workbook")
    coverage = pd.DataFrame({"ds": pd.to_datetime(["2026-01-05 08:00"]), "channel": ["phone"], "required": [1.0],
                             "scheduled": [1.0], "short": [0.0]})
    broken = SimpleNamespace(roster=Roster(dt.date(2026, 1, 5), []), coverage=coverage, groups=None,
                             shortfalls=[], kpis={"paid_hours": 0.0})
    with pytest.raises(AttributeError):
        write_excel(broken, target)
    assert target.read_bytes() == b"the previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["roster.xlsx"]
