"""scenarios' readers of agents, time off and locked shifts: typed objects from a path, a DataFrame or an upload
held in memory (CsvText), every bad row named by the file's own name and row."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from optimizer import generate_agents
from schedule_helpers import small_scenario
from scenarios import (Agent, CsvText, InputError, Roster, Shift, TimeOff, apply_time_off, check_locked, read_agents,
                       read_locked, read_time_off)

AGENTS = ("agent,skill_group,min_hours_per_week,max_hours_per_week,unavailable,preferred_start\n"
          "ann,generalist,20,30,sat;wed 12:00-18:00,07:00-09:00\n"
          "bob,phone_only,,,,\n")


def test_agents_come_back_as_typed_contracts_from_a_path_and_from_text(tmp_path):
    sc = small_scenario(days=7)
    path = tmp_path / "agents.csv"
    path.write_text(AGENTS)
    for source in (path, CsvText("agents.csv", AGENTS)):
        ann, bob = read_agents(source, sc)
        assert isinstance(ann, Agent)
        # 2026-01-05 is a Monday: Saturday is day 5, Wednesday day 2; times in minutes of the day.
        assert ann == Agent("ann", "generalist", 20.0, 30.0, [(5, 0, 1440), (2, 720, 1080)], (420, 540))
        assert bob == Agent("bob", "phone_only", 0.0, 40.0, [], None)     # the group's contract fills the blanks


def test_a_bad_agent_row_is_named_by_the_uploaded_file_and_row():
    sc = small_scenario()
    with pytest.raises(InputError) as err:
        read_agents(CsvText("team.csv", AGENTS + "cyd,nowhere,,,,\n"), sc)
    assert "team.csv:row 4" in str(err.value) and "unknown skill group 'nowhere'" in str(err.value)


def test_an_upload_is_checked_like_a_file():
    with pytest.raises(InputError, match="team.csv.*binary file"):
        read_agents(CsvText("team.csv", "agent,skill_group\n\x00\x01"), small_scenario())
    with pytest.raises(InputError, match="team.csv.*is empty"):
        read_agents(CsvText("team.csv", ""), small_scenario())


def test_time_off_entries_are_typed_and_become_unavailable_minutes():
    sc = small_scenario(days=3)
    agents = generate_agents(sc)
    text = ("agent,start,end,reason\ngeneralist-001,2026-01-06,,training\n"
            "generalist-002,2026-01-05 22:00,2026-01-06 01:30,\n")
    entries = read_time_off(CsvText("off.csv", text), sc, agents)
    assert entries == [TimeOff("generalist-001", dt.datetime(2026, 1, 6), dt.datetime(2026, 1, 7), "training"),
                       TimeOff("generalist-002", dt.datetime(2026, 1, 5, 22), dt.datetime(2026, 1, 6, 1, 30), "")]
    away = {a.id: a.unavailable for a in apply_time_off(agents, entries, sc)}
    assert away["generalist-001"] == [(1, 0, 1440)]
    assert away["generalist-002"] == [(0, 1320, 1440), (1, 0, 90)]
    assert away["generalist-003"] == []
    with pytest.raises(InputError) as err:
        read_time_off(CsvText("off.csv", text + "ghost,2026-01-05,,\n"), sc, agents)
    assert "off.csv:row 4, agent" in str(err.value)


def test_locked_shifts_come_back_as_a_roster_checked_against_the_agents():
    sc = small_scenario(days=2)
    agents = generate_agents(sc)
    header = "agent,skill_group,date,start,end,lunch_start,lunch_end,breaks\n"
    roster = read_locked(CsvText("locked.csv", header + "phone_only-001,phone_only,2026-01-06,08:00,12:00,,,\n"),
                         sc, agents)
    assert isinstance(roster, Roster)
    assert roster.shifts == [Shift("phone_only-001", "phone_only", 86400 + 8 * 3600, 86400 + 12 * 3600)]
    with pytest.raises(InputError) as err:
        read_locked(CsvText("locked.csv", header + "nobody,generalist,2026-01-05,08:00,12:00,,,\n"
                                                   "phone_only-001,generalist,2026-01-05,08:00,12:00,,,\n"), sc, agents)
    text = str(err.value)
    assert "locked.csv:row 2" in text and "'nobody' is not among the agents" in text
    assert "locked.csv:row 3" in text and "is in skill group phone_only, not generalist" in text
    with pytest.raises(InputError, match="locked roster:row 2"):
        check_locked([Shift("nobody", "generalist", 0.0, 3600.0)], agents)


def test_a_data_frame_is_read_like_a_file():
    sc = small_scenario()
    frame = pd.DataFrame({"agent": ["ann"], "skill_group": ["generalist"]})
    (ann,) = read_agents(frame, sc)
    assert (ann.id, ann.min_hours, ann.max_hours) == ("ann", 0.0, 40.0)
