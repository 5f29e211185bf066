"""Locked shifts and time off: `ccplan schedule --locked` keeps every locked row byte for byte and schedules the rest
around it; `--time-off` keeps every listed agent off work while away."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import run_cli
from optimizer import generate_agents, roster_rule_breaks
from optimizer.locked import Locked
from planning import schedule
from schedule_helpers import flat_requirement, small_scenario
from scenarios import InputError, apply_time_off, read_locked, read_roster, read_time_off, save_scenario

HEADER = "agent,skill_group,date,start,end,lunch_start,lunch_end,breaks,paid_hours"
# Hand-made shifts the optimizer would not choose itself (odd starts, a 5-hour shift, a late break).
LOCKED_ROWS = [
    "generalist-003,generalist,2026-01-05,09:30,14:30,,,13:45-14:00,5.0",
    "generalist-003,generalist,2026-01-06,10:30,15:30,,,11:00-11:15,5.0",
    "phone_only-002,phone_only,2026-01-07,12:30,20:30,16:00,16:30,17:45-18:00,7.5",
]


def _scenario(tmp_path):
    return save_scenario(small_scenario(days=3, headcounts=(8, 4), costs=(1.0, 1.0)), tmp_path / "small.yaml")


def test_locked_rows_come_out_byte_identical_and_the_rest_obeys_the_rules(tmp_path):
    path = _scenario(tmp_path)
    locked = tmp_path / "locked.csv"
    rows = LOCKED_ROWS
    locked.write_text("\n".join([HEADER, *rows]) + "\n")
    out = run_cli("schedule", str(path), "--out", str(tmp_path / "roster.csv"), "--no-verify", "--effort", "2",
                  "--no-store", "--locked", str(locked))
    assert out.returncode == 0, out.stderr
    lines = (tmp_path / "roster.csv").read_text().splitlines()
    for row in rows:
        assert row in lines, row
    sc = small_scenario(days=3, headcounts=(8, 4), costs=(1.0, 1.0))
    roster = read_roster(tmp_path / "roster.csv", sc)
    # The locked agents work nothing else on their locked days, and no agent's week breaks a hard rule.
    days = {(s.agent, int(s.start_s // 86400)) for s in roster.shifts}
    assert len(days) == len(roster.shifts)
    assert roster_rule_breaks(sc, roster, generate_agents(sc)) == []
    assert len(roster.shifts) > len(rows)


def test_locked_rows_survive_the_verified_loop_and_are_simulated(tmp_path):
    sc = small_scenario(days=2, headcounts=(8, 4), costs=(1.0, 1.0))
    locked = read_locked(pd.DataFrame([r.split(",") for r in LOCKED_ROWS[:2]], columns=HEADER.split(",")), sc,
                         generate_agents(sc))
    result = schedule(sc, locked=locked, verify=True, rounds=2, replications=2, certify_replications=2, effort=1.0,
                      workers=1, seed=3)
    frame = result.roster.to_frame().astype(str)
    got = set(frame.apply(lambda r: ",".join(r), axis=1))
    assert set(LOCKED_ROWS[:2]) <= got
    # The certification simulated the roster with the locked shifts in it: generalist hours include them.
    assert result.sim is not None
    assert result.kpis.paid_hours == pytest.approx(result.roster.paid_hours(), abs=0.01)


def test_residual_requirement_takes_off_exactly_what_a_locked_shift_covers():
    sc = small_scenario(days=1, shrinkage=0.25)
    req = flat_requirement(sc, {"phone": 3.0, "chat": 1.0})
    agents = generate_agents(sc)
    rows = pd.DataFrame([["phone_only-001", "phone_only", "2026-01-05", "08:00", "12:00", "", "", ""]],
                        columns=HEADER.split(",")[:-1])
    locked = Locked(read_locked(rows, sc, agents).shifts, agents)
    residual = locked.residual(sc, req)
    phone = residual[residual.channel == "phone"].set_index("ds")["agents"]
    # One phone agent 08:00-12:00, no breaks: 1 x (1 - 0.25) available agents off the phone from 08 to 12 only.
    assert phone[pd.Timestamp("2026-01-05 09:00")] == pytest.approx(3.0 - 0.75)
    assert phone[pd.Timestamp("2026-01-05 13:00")] == pytest.approx(3.0)
    chat = residual[residual.channel == "chat"].set_index("ds")["agents"]
    assert chat[pd.Timestamp("2026-01-05 09:00")] == pytest.approx(1.0)


def test_locked_rows_of_unknown_agents_are_named(tmp_path):
    path = _scenario(tmp_path)
    locked = tmp_path / "locked.csv"
    locked.write_text(HEADER + "\nnobody,generalist,2026-01-05,09:00,13:00,,,,4.0\n"
                               "phone_only-001,generalist,2026-01-05,09:00,13:00,,,,4.0\n")
    out = run_cli("schedule", str(path), "--out", str(tmp_path / "roster.csv"), "--no-verify", "--effort", "1",
                  "--no-store", "--locked", str(locked))
    assert out.returncode == 2
    assert "row 2" in out.stderr and "nobody" in out.stderr
    assert "row 3" in out.stderr and "skill group phone_only" in out.stderr
    assert "Traceback" not in out.stderr


def test_time_off_is_honoured_for_every_agent(tmp_path):
    path = _scenario(tmp_path)
    off = tmp_path / "off.csv"
    sc = small_scenario(days=3, headcounts=(8, 4), costs=(1.0, 1.0))
    # Every agent is away for part of the week: whole days, a two-day range, afternoons.
    entries = []
    for n, agent in enumerate(generate_agents(sc)):
        kind = n % 3
        if kind == 0:
            entries.append((agent.id, "2026-01-05", "", "holiday"))
        elif kind == 1:
            entries.append((agent.id, "2026-01-06", "2026-01-07", "training"))
        else:
            entries.append((agent.id, "2026-01-05 12:00", "2026-01-06 10:00", "appointment"))
    pd.DataFrame(entries, columns=["agent", "start", "end", "reason"]).to_csv(off, index=False)
    out = run_cli("schedule", str(path), "--out", str(tmp_path / "roster.csv"), "--no-verify", "--effort", "2",
                  "--no-store", "--time-off", str(off))
    assert out.returncode == 0, out.stderr
    roster = read_roster(tmp_path / "roster.csv", sc)
    assert roster.shifts
    base = dt.datetime(2026, 1, 5)
    away = {}
    for agent, start, end, _ in entries:
        a = dt.datetime.fromisoformat(start)
        b = (dt.datetime.fromisoformat(end) if " " in end else dt.datetime.fromisoformat(end) + dt.timedelta(days=1)
             ) if end else a + dt.timedelta(days=1)
        away[agent] = ((a - base).total_seconds(), (b - base).total_seconds())
    for s in roster.shifts:
        a, b = away[s.agent]
        assert s.end_s <= a or s.start_s >= b, (s.agent, s.start_s / 3600, s.end_s / 3600)


def test_time_off_rows_are_checked_one_by_one():
    sc = small_scenario(days=3)
    agents = generate_agents(sc)
    bad = pd.DataFrame([["ghost", "2026-01-05", "", ""], ["generalist-001", "2026-13-01", "", ""],
                        ["generalist-002", "2026-01-06 10:00", "2026-01-06 09:00", ""],
                        ["generalist-003", "2026-01-06 10:00", "", ""]], columns=["agent", "start", "end", "reason"])
    with pytest.raises(InputError) as err:
        read_time_off(bad, sc, agents)
    text = str(err.value)
    for where in ("row 2, agent", "row 3, start", "row 4, end", "row 5, end"):
        assert where in text
    good = read_time_off(pd.DataFrame([["generalist-001", "2026-01-06 22:00", "2026-01-07 02:00", "night"]],
                                      columns=["agent", "start", "end", "reason"]), sc, agents)
    (agent,) = [a for a in apply_time_off(agents, good, sc) if a.id == "generalist-001"]
    assert agent.unavailable[-2:] == [(1, 1320, 1440), (2, 0, 120)]
