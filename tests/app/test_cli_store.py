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


def test_schedule_stores_a_named_version_to_list_compare_and_publish(tmp_path):
    """Every generated roster is a version (issue 16): named by the planner or 'generated (method, seed)', with the
    run it came from and the agents file; `versions show --roster` gives back the very roster written; publishing
    marks one version of the scenario."""
    scenario = save_scenario(small_scenario(days=2, headcounts=(8, 4), costs=(1.0, 1.0)), tmp_path / "small.yaml")
    ws = tmp_path / "ws.sqlite"
    agents = tmp_path / "agents.csv"
    agents.write_text("agent,skill_group\n" + "".join(f"g{i},generalist\n" for i in range(8))
                      + "".join(f"p{i},phone_only\n" for i in range(4)))
    first = run_cli("schedule", str(scenario), "--out", str(tmp_path / "a.csv"), "--no-verify", "--effort", "3",
                    "--workspace", str(ws), "--agents", str(agents), "--version-name", "Monday plan")
    assert first.returncode == 0, first.stderr
    assert "stored version 1: Monday plan" in first.stdout
    second = run_cli("schedule", str(scenario), "--out", str(tmp_path / "b.csv"), "--no-verify", "--effort", "3",
                     "--workspace", str(ws), "--seed", "9")
    assert second.returncode == 0, second.stderr
    assert "stored version 2: generated (ccplan, seed 9)" in second.stdout
    with Workspace(ws) as opened:
        v1, v2 = opened.versions()
        runs = opened.runs()
    assert (v1.run_id, v2.run_id) == (runs[0].id, runs[1].id)
    assert v1.agents_csv == agents.read_text() and v2.agents_csv is None
    assert v1.figures["paid_hours"] > 0 and v1.figures["shifts"] == len((tmp_path / "a.csv").read_text().splitlines()) - 1
    listed = run_cli("versions", "list", "--workspace", str(ws))
    assert listed.returncode == 0 and "2 versions" in listed.stdout and "Monday plan" in listed.stdout
    shown = run_cli("versions", "show", "1", "--roster", str(tmp_path / "v1.csv"), "--workspace", str(ws))
    assert shown.returncode == 0, shown.stderr
    assert (tmp_path / "v1.csv").read_text().splitlines()[1:] == (tmp_path / "a.csv").read_text().splitlines()[1:]
    published = run_cli("versions", "publish", "2", "--workspace", str(ws))
    assert published.returncode == 0 and "is the published one" in published.stdout
    listed = run_cli("versions", "list", "--workspace", str(ws))
    assert [line for line in listed.stdout.splitlines() if "PUBLISHED" in line][0].split()[0] == "2"
    compared = run_cli("versions", "compare", "1", "2", "--workspace", str(ws))
    assert compared.returncode == 0 and "paid_hours" in compared.stdout
    missing = run_cli("versions", "show", "7", "--workspace", str(ws))
    assert missing.returncode == 2 and "version 7" in missing.stderr
