"""schedule(): orchestration, verification rounds, shortfalls, baseline, outputs and the `ccplan schedule` CLI."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pytest

from conftest import run_cli
from planning import schedule
from scenarios import interval_index, open_mask, save_scenario, scenario_from_dict
from schedule_helpers import check_roster_rules, small_scenario


def one_channel(headcount: int, rate: float):
    """One phone queue 08:00-16:00 on one day, one group, 8 h shifts without lunch or breaks, no shrinkage."""
    return scenario_from_dict({
        "name": "one queue", "start": "2026-01-05", "days": 1, "interval_minutes": 60, "open": "08:00-16:00",
        "shrinkage": 0.0,
        "channels": {"phone": {"kind": "voice", "aht_seconds": 300, "patience_seconds": 120,
                               "target": {"answer_within_seconds": 60, "service_level": 0.8}}},
        "demand": {"rates": {"phone": rate}},
        "skill_groups": {"agents": {"skills": ["phone"], "headcount": headcount}},
        "shift_rules": {"lengths_hours": [8], "start_every_minutes": 60, "earliest_start": "08:00",
                        "latest_end": "16:00", "lunch_after_hours": 9, "breaks_minutes": 0},
        "simulation": {"replications": 2, "seed": 3},
    })


def test_unverified_schedule_meets_the_requirement_and_reports():
    sc = small_scenario(days=7, phone_rate=30, chat_rate=8, headcounts=(16, 8))
    res = schedule(sc, verify=False, time_limit=None)
    assert check_roster_rules(sc, res.roster) == []
    assert not res.shortfalls
    cov = res.coverage
    assert set(cov.columns) >= {"ds", "channel", "required", "scheduled", "short"}
    assert (cov["short"] <= 1e-9).all()
    # The coverage table's scheduled agents are recomputed from the roster: shrinkage off the work periods.
    g = res.groups
    assert np.allclose(g["available"], g["on_duty"] * (1 - sc.shrinkage), atol=1e-3)
    payload = res.to_json()
    for key in ("paid_hours", "idle_hours", "solve_seconds", "rounds", "channels"):
        assert key in payload
    assert payload["paid_hours"] == pytest.approx(res.roster.paid_hours(), abs=0.01)
    assert payload["paid_hours_lower_bound"] <= payload["paid_hours"] + 1e-6


def test_short_intervals_match_the_gap():
    """5 calls/min need far more than 2 agents: the plan staffs both and lists every open hour short by the gap."""
    sc = one_channel(headcount=2, rate=60)
    res = schedule(sc, verify=False, time_limit=None)
    assert len(res.roster.shifts) == 2
    req = res.requirement.set_index("ds")["agents"]
    assert len(res.shortfalls) == 8
    for s in res.shortfalls:
        assert s["channels"] == "phone"
        assert s["short_agents"] == pytest.approx(req[np.datetime64(s["ds"])] - 2.0, abs=0.01)


def test_verification_rounds_are_reported():
    sc = small_scenario(days=2, phone_rate=30, chat_rate=8, headcounts=(10, 6))
    res = schedule(sc, verify=True, rounds=2, replications=3, seed=5, time_limit=None, workers=1)
    assert 1 <= len(res.rounds) <= 2
    assert sum(r.kept for r in res.rounds) == 1
    for r in res.rounds:
        assert r.paid_hours > 0
        for c in ("phone", "chat"):
            share = r.channels[c].intervals_meeting_target
            assert share is None or 0 <= share <= 1
    assert res.kpis.simulated and res.kpis.idle_hours is not None
    assert set(res.kpis.channels) == {"phone", "chat"}


def test_baseline_two_step_runs_and_places_breaks_afterwards():
    sc = small_scenario(days=2, phone_rate=30, chat_rate=8, headcounts=(16, 8))
    res = schedule(sc, method="erlang-c-two-step", verify=False, time_limit=None)
    assert res.method == "erlang-c-two-step"
    assert check_roster_rules(sc, res.roster) == []
    assert all(len(s.breaks) >= 1 for s in res.roster.shifts)


def test_cli_writes_csv_excel_json(tmp_path):
    sc = small_scenario(days=2, phone_rate=30, chat_rate=8, headcounts=(10, 6))
    path = save_scenario(sc, tmp_path / "small.yaml")
    out, xlsx, js = tmp_path / "roster.csv", tmp_path / "roster.xlsx", tmp_path / "result.json"
    proc = run_cli("schedule", str(path), "--out", str(out), "--xlsx", str(xlsx), "--json", str(js),
                   "--no-verify", "--effort", "5")
    assert proc.returncode == 0, proc.stderr
    assert "paid" in proc.stdout
    assert out.read_text().startswith("agent,skill_group,date,start,end,lunch_start,lunch_end,breaks,paid_hours")
    assert openpyxl.load_workbook(xlsx).sheetnames == ["roster", "coverage", "groups", "shortfalls", "kpis"]
    payload = json.loads(js.read_text())
    assert payload["paid_hours"] > 0 and isinstance(payload["rounds"], list)


def test_cli_lists_short_intervals(tmp_path):
    path = save_scenario(one_channel(headcount=1, rate=60), tmp_path / "tight.yaml")
    proc = run_cli("schedule", str(path), "--out", str(tmp_path / "r.csv"), "--no-verify", "--effort", "5")
    assert proc.returncode == 0, proc.stderr
    assert "8 interval(s) short" in proc.stdout and "2026-01-05T08:00:00  phone: short" in proc.stdout


def test_cli_names_contradictory_rules(tmp_path):
    sc = small_scenario(rules={"max_shifts_per_week": 2})
    sc.skill_groups["generalist"].min_hours_per_week = 30
    path = save_scenario(sc, tmp_path / "bad.yaml")
    proc = run_cli("schedule", str(path), "--out", str(tmp_path / "r.csv"), "--no-verify")
    assert proc.returncode == 2
    assert "skill_groups.generalist" in proc.stderr and "min_hours_per_week" in proc.stderr and "30" in proc.stderr


def test_cli_rejects_unknown_method(tmp_path):
    path = save_scenario(small_scenario(days=1), tmp_path / "s.yaml")
    proc = run_cli("schedule", str(path), "--out", str(tmp_path / "r.csv"), "--method", "magic")
    assert proc.returncode == 2 and "erlang-c-two-step" in proc.stderr


@pytest.mark.slow
def test_example_roster_rules_and_service(example):
    """The example week, two short rounds: every roster rule holds, the simulated service level is near target,
    the kept round's simulated figures are the roster's (a plan and its roster simulate identically), and the
    roster is certified with fresh customers: its reported figures are recomputed here from the certification's
    own interval table."""
    res = schedule(example, verify=True, rounds=2, replications=4, time_limit=None, risk=None)
    assert check_roster_rules(example, res.roster) == []
    for name, ch in res.kpis.channels.items():
        assert ch.intervals_meeting_service_level >= 0.9, name
        assert ch.intervals_meeting_target <= ch.intervals_meeting_service_level, name
    kept = next(r for r in res.rounds if r.kept)
    # The roster keeps the plan's shifts unless some found no agent, went to another group, were moved to other
    # times, or were lengthened or added for contracted minimums (then it is simulated anew: its figures are its
    # own, not the round's).
    changed = ("went to agents of a group", "moved to the nearest times", "to meet contracted minimums")
    if res.kpis.unassigned_shifts == 0 and not any(c in w for w in res.warnings for c in changed):
        assert kept.channels == res.kpis.in_sample.channels
        assert kept.paid_hours == pytest.approx(res.kpis.paid_hours, abs=0.01)
    cert = res.kpis.certified
    assert cert.seed == example.simulation.seed + 1000 and cert.replications == 100
    assert res.sim.replications == 100 and res.sim.seed == cert.seed
    iv = res.sim.intervals
    phone = iv[(iv["channel"] == "phone") & (iv["offered"] > 0)]
    phone = phone[open_mask(example, "phone")[interval_index(example, phone["ds"])]]
    meets = (phone["service_level"] >= 0.8 - 1e-12) & (phone["abandon_rate"] <= 0.05 + 1e-12)
    assert res.kpis.channels["phone"].intervals_meeting_target == pytest.approx(meets.mean(), abs=1e-4)
    assert len([i for i in res.kpis.certified_short_intervals if i["channel"] == "phone"]) == (~meets).sum()
    assert cert.meets_targets == all(c.intervals_meeting_target >= 0.95 for c in cert.channels.values())
    first = res.rounds[0]
    assert first.intervals_missed == 0 or (first.raised or 0) > 0 or len(res.rounds) == 1
