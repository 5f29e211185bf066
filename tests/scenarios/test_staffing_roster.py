"""Staffing plans and rosters as data: readers name bad rows; availability is computed by hand-checkable rules."""

from __future__ import annotations

import pandas as pd
import pytest

from scenarios import InputError, Roster, Shift, constant_staffing, read_roster, read_staffing, staffing_matrix


def test_read_staffing_fills_the_grid(example, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("ds,skill_group,agents\n2026-01-05 08:00,generalist,12\n2026-01-05 08:30,digital,3.5\n")
    plan = read_staffing(path, example)
    assert len(plan) == example.n_intervals * len(example.skill_groups)
    m = staffing_matrix(example, plan)
    assert m[16, 0] == 12 and m[17, 2] == 3.5 and m.sum() == 15.5


@pytest.mark.parametrize("row, message", [
    ("2026-01-05 08:00,generalsit,3", "plan.csv:row 2: unknown skill group 'generalsit' (did you mean 'generalist'?)"),
    ("2026-01-05 08:00,generalist,-1", "plan.csv:row 2: agents must be >= 0 and at most 50000 agents (got -1)"),
    ("2026-01-05 08:00,generalist,inf", "plan.csv:row 2: agents must be finite, >= 0 and at most 50000 agents (got inf)"),
    ("2026-01-05 08:00,generalist,100000", "plan.csv:row 2: agents must be at most 50000 agents (got 100000)"),
    ("2026-01-12 08:00,generalist,1", "plan.csv:row 2: ds 2026-01-12 08:00 is not an interval start of the week"),
    ("2026-01-05 08:10,generalist,1", "plan.csv:row 2: ds 2026-01-05 08:10 is not an interval start"),
    ("yesterday,generalist,1", "plan.csv:row 2: ds 'yesterday' is not a date-time"),
    ("2026-01-05 08:00,generalist,many", "plan.csv:row 2: agents 'many' is not a number"),
])
def test_read_staffing_names_bad_rows(example, tmp_path, row, message):
    path = tmp_path / "plan.csv"
    path.write_text(f"ds,skill_group,agents\n{row}\n")
    with pytest.raises(InputError) as info:
        read_staffing(path, example)
    assert any(message in str(p) for p in info.value.problems), info.value.problems


def test_read_staffing_missing_column(example, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("ds,group,agents\n")
    with pytest.raises(InputError, match="missing column skill_group"):
        read_staffing(path, example)


def test_constant_staffing_follows_opening_hours(example_data):
    from scenarios import scenario_from_dict
    example_data["skill_groups"]["phone_only"]["constant_agents"] = 7
    sc = scenario_from_dict(example_data, check_files=False)
    m = staffing_matrix(sc, constant_staffing(sc))
    # phone_only only works phone: Mon-Fri 07-24 (34 intervals), Sat 07-14 (14), Sun 20-24 (8).
    assert m[:, 1].sum() == 7 * (5 * 34 + 14 + 8)
    assert m[:, 0].sum() == 0


def test_shift_work_periods_and_paid_time():
    s = Shift("a1", "g", start_s=8 * 3600, end_s=16.5 * 3600, lunch=(12 * 3600, 12.5 * 3600),
              breaks=[(10 * 3600, 10.25 * 3600), (14.5 * 3600, 14.75 * 3600)])
    assert s.work_periods() == [(8 * 3600, 10 * 3600), (10.25 * 3600, 12 * 3600), (12.5 * 3600, 14.5 * 3600),
                                (14.75 * 3600, 16.5 * 3600)]
    assert s.paid_seconds == 8 * 3600  # 8.5 h less an unpaid 30-minute lunch; breaks are paid


def test_roster_round_trip_and_availability(example, tmp_path):
    shifts = [
        Shift("a1", "generalist", 8 * 3600, 16.5 * 3600, (12 * 3600, 12.5 * 3600), [(10 * 3600, 10.25 * 3600)]),
        Shift("a2", "phone_only", 86400 + 18 * 3600, 86400 + 24 * 3600),  # Tuesday 18:00-24:00
    ]
    roster = Roster(example.start, shifts)
    path = roster.write_csv(tmp_path / "roster.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.iloc[1][["agent", "date", "start", "end"]]) == ["a2", "2026-01-06", "18:00", "00:00"]
    again = read_roster(path, example)
    assert [(s.agent, s.start_s, s.end_s, s.lunch, s.breaks) for s in again.shifts] == \
           [(s.agent, s.start_s, s.end_s, s.lunch, s.breaks) for s in shifts]
    m = staffing_matrix(example, again.availability(example))
    # 08:00-10:00 full, 10:00-10:30 half (break 10:00-10:15), lunch 12:00-12:30 empty, 16:00-16:30 full.
    assert list(m[16:20, 0]) == [1, 1, 1, 1] and m[20, 0] == 0.5 and m[24, 0] == 0 and m[32, 0] == 1 and m[33, 0] == 0
    assert m[:, 0].sum() * 0.5 == pytest.approx(8.5 - 0.5 - 0.25)  # agent-hours available
    assert m[48 + 36: 48 + 48, 1].sum() == 12 and roster.paid_hours() == pytest.approx(8 + 6)


def test_read_roster_names_bad_rows(example, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("agent,skill_group,date,start,end,lunch_start,lunch_end,breaks\n"
                    "a1,generalist,2026-01-05,08:00,16:00,17:00,17:30,\n"
                    "a2,nobody,2026-01-05,08:00,16:00,,,\n"
                    "a3,generalist,2026-02-05,08:00,16:00,,,\n"
                    "a4,generalist,2026-01-05,8h,16:00,,,\n")
    with pytest.raises(InputError) as info:
        read_roster(path, example)
    msgs = [str(p) for p in info.value.problems]
    assert any(m.startswith("roster.csv:row 2: lunch 17:00-17:30 is not inside the shift") for m in msgs[:1]) or \
        any("row 2: lunch 17:00-17:30 is not inside the shift" in m for m in msgs)
    assert any("row 3: unknown skill group 'nobody'" in m for m in msgs)
    assert any("row 4: shift on 2026-02-05 08:00 is outside the week" in m for m in msgs)
    assert any("row 5: start '8h' is not a clock time HH:MM" in m for m in msgs)


def test_read_roster_rejects_overlaps(example, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("agent,skill_group,date,start,end\n"
                    "a1,generalist,2026-01-05,08:00,16:00\n"
                    "a1,generalist,2026-01-05,15:00,20:00\n")
    with pytest.raises(InputError, match="agent a1 has overlapping shifts"):
        read_roster(path, example)


def test_empty_or_unreadable_staffing_file_is_named(example, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("")
    with pytest.raises(InputError, match=r"plan.csv: is empty \(not even a header row\)"):
        read_staffing(path, example)
    with pytest.raises(InputError, match=r"gone.csv: file not found"):
        read_staffing(tmp_path / "gone.csv", example)
