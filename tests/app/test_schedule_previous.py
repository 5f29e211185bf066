"""`ccplan schedule --previous`: the next week continues the last one, judged by the outside checker on the two
roster CSVs; by default the last published version that ends on the day before is used; a previous roster that
is not before the horizon is an input error naming its row."""

from __future__ import annotations

import datetime as dt
import json

from conftest import run_cli
from roster_checker import rest_violations, run_violations
from scenarios import save_scenario
from schedule_helpers import small_scenario

FAST = ("--no-verify", "--effort", "2", "--risk", "0")


def _weeks(tmp_path):
    sc = small_scenario(days=7, headcounts=(10, 5), phone_rate=14.0, chat_rate=5.0)
    nxt = sc.model_copy(update={"start": sc.start + dt.timedelta(days=7), "name": "small center, next week"})
    return save_scenario(sc, tmp_path / "week1.yaml"), save_scenario(nxt, tmp_path / "week2.yaml"), sc.shift_rules


def test_next_week_with_previous_keeps_rest_and_days_in_a_row(tmp_path):
    week1, week2, rules = _weeks(tmp_path)
    r1, r2 = tmp_path / "r1.csv", tmp_path / "r2.csv"
    first = run_cli("schedule", str(week1), "--out", str(r1), "--no-store", *FAST)
    assert first.returncode == 0, first.stderr
    out = run_cli("schedule", str(week2), "--out", str(r2), "--previous", str(r1), "--no-store",
                  "--json", str(tmp_path / "p2.json"), *FAST)
    assert out.returncode == 0, out.stderr
    assert f"continuing from {r1}" in out.stdout
    assert rest_violations([r1, r2], rules.min_rest_hours) == {}
    assert run_violations([r1, r2], rules.max_consecutive_days) == {}
    plan = json.loads((tmp_path / "p2.json").read_text())
    assert plan["score"]["total"] >= 0 and 0 <= plan["fairness"]["index"] <= 1
    assert "fairness" in out.stdout


def test_the_last_published_version_is_the_default_previous(tmp_path):
    week1, week2, rules = _weeks(tmp_path)
    ws = tmp_path / "ws.sqlite"
    r1, r2 = tmp_path / "r1.csv", tmp_path / "r2.csv"
    first = run_cli("schedule", str(week1), "--out", str(r1), "--workspace", str(ws), *FAST)
    assert first.returncode == 0, first.stderr
    assert run_cli("versions", "publish", "1", "--workspace", str(ws)).returncode == 0
    out = run_cli("schedule", str(week2), "--out", str(r2), "--workspace", str(ws), *FAST)
    assert out.returncode == 0, out.stderr
    assert "continuing from published version 1" in out.stdout
    assert rest_violations([r1, r2], rules.min_rest_hours) == {}
    assert run_violations([r1, r2], rules.max_consecutive_days) == {}
    # the same week again does not continue from itself
    again = run_cli("schedule", str(week1), "--out", str(tmp_path / "r1b.csv"), "--workspace", str(ws), *FAST)
    assert "continuing from" not in again.stdout


def test_a_previous_roster_inside_the_horizon_is_an_input_error(tmp_path):
    week1, _, _ = _weeks(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("agent,skill_group,date,start,end\ngeneralist-001,generalist,2026-01-04,08:00,16:00\n"
                   "generalist-002,generalist,2026-01-05,08:00,16:00\n")
    out = run_cli("schedule", str(week1), "--out", str(tmp_path / "r.csv"), "--previous", str(bad), "--no-store",
                  *FAST)
    assert out.returncode == 2
    assert "row 3" in out.stderr + out.stdout and "not before the horizon" in out.stderr + out.stdout


def test_bids_are_reported_per_agent(tmp_path):
    week1, _, _ = _weeks(tmp_path)
    bids = tmp_path / "bids.csv"
    bids.write_text("agent,seniority,rank,bid\ngeneralist-001,1,1,off sat;sun\ngeneralist-002,2,1,start 07:00-08:00\n")
    out = run_cli("schedule", str(week1), "--out", str(tmp_path / "r.csv"), "--bids", str(bids), "--no-store",
                  "--json", str(tmp_path / "p.json"), *FAST)
    assert out.returncode == 0, out.stderr
    plan = json.loads((tmp_path / "p.json").read_text())
    outcomes = {o["agent"]: o for o in plan["bids"]}
    assert set(outcomes) == {"generalist-001", "generalist-002"}
    assert all(o["why"] for o in outcomes.values())
    assert "bids:" in out.stdout and "honoured (seniority order)" in out.stdout
    if outcomes["generalist-001"]["honoured"]:
        rows = (tmp_path / "r.csv").read_text().splitlines()
        assert not [r for r in rows if r.startswith("generalist-001,") and ("2026-01-10" in r or "2026-01-11" in r)]
