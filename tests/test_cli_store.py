"""`ccplan simulate` and `ccplan schedule` keep their runs in the workspace (issue 6: every run is stored)."""

from __future__ import annotations

import json

from conftest import one_voice_scenario, run_cli
from schedule_helpers import small_scenario
from scenarios import save_scenario
from planning.store import Workspace


def _runs(path):
    with Workspace(path) as ws:
        return ws.runs()


def test_simulate_stores_its_run_unless_told_not_to(tmp_path):
    scenario = save_scenario(one_voice_scenario(100, 180, 12, 120), tmp_path / "voice.yaml")
    ws = tmp_path / "ws.sqlite"
    out = run_cli("simulate", str(scenario), "-r", "2", "--seed", "5", "-w", "1", "--workspace", str(ws),
                  "--json", str(tmp_path / "s.json"))
    assert out.returncode == 0, out.stderr
    assert "stored run 1" in out.stdout
    (run,) = _runs(ws)
    assert run.kind == "simulate" and run.seed == 5
    summary = json.loads((tmp_path / "s.json").read_text())
    with Workspace(ws) as opened:
        stored = opened.run(run.id)
    assert stored.results["channels"]["phone"]["offered"] == summary["channels"]["phone"]["offered"]
    out = run_cli("simulate", str(scenario), "-r", "2", "-w", "1", "--workspace", str(ws), "--no-store")
    assert out.returncode == 0 and "stored run" not in out.stdout
    assert len(_runs(ws)) == 1


def test_schedule_stores_its_run_with_the_roster(tmp_path):
    scenario = save_scenario(small_scenario(days=2, headcounts=(8, 4), costs=(1.0, 1.0)), tmp_path / "small.yaml")
    ws = tmp_path / "ws.sqlite"
    out = run_cli("schedule", str(scenario), "--out", str(tmp_path / "roster.csv"), "--no-verify",
                  "--effort", "5", "--workspace", str(ws))
    assert out.returncode == 0, out.stderr
    (run,) = _runs(ws)
    assert run.kind == "schedule"
    with Workspace(ws) as opened:
        stored = opened.run(run.id)
    assert stored.roster_csv.splitlines()[1:] == (tmp_path / "roster.csv").read_text().splitlines()[1:]
