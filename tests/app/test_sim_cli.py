"""`ccplan simulate` as a user runs it: KPI table, JSON and CSV outputs, bad input named by row (exit 2)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from planning.demand import scenario_demand
from scenarios import Roster, Shift
from sim.quick_staffing import offered_load_staffing


@pytest.fixture(scope="module")
def plan_csv(example, tmp_path_factory):
    path = tmp_path_factory.mktemp("plans") / "plan.csv"
    offered_load_staffing(example, scenario_demand(example)).to_csv(path, index=False)
    return path


def test_simulate_with_a_staffing_plan_writes_json_and_csv(example_path, plan_csv, tmp_path):
    out_json, out_csv = tmp_path / "summary.json", tmp_path / "intervals.csv"
    done = run_cli("simulate", str(example_path), "--staffing", str(plan_csv), "--replications", "3", "--seed", "5",
                   "--workers", "2", "--json", str(out_json), "--out", str(out_csv))
    assert done.returncode == 0, done.stderr
    for name in ("phone", "chat", "email", "bot", "generalist", "occupancy"):
        assert name in done.stdout
    summary = json.loads(out_json.read_text())
    assert summary["seed"] == 5 and summary["replications"] == 3
    for name, ch in summary["channels"].items():
        for key in ("offered", "answered", "abandoned", "service_level", "abandon_rate", "asa_seconds"):
            assert key in ch, (name, key)
        assert ch["offered"] == pytest.approx(ch["answered"] + ch["abandoned"] + ch["unfinished"])
    lo, hi = summary["channels"]["phone"]["service_level_ci"]
    assert lo <= summary["channels"]["phone"]["service_level"] <= hi
    for g in summary["skill_groups"].values():
        assert {"occupancy", "paid_hours", "idle_hours"} <= set(g)
    table = pd.read_csv(out_csv)
    assert len(table) == 336 * 4
    assert table.groupby("channel")["offered"].sum()["phone"] == pytest.approx(summary["channels"]["phone"]["offered"])


def test_simulate_with_a_roster(example_path, example, tmp_path):
    shifts = [Shift(f"a{k}", "generalist", d * 86400 + 8 * 3600, d * 86400 + 16 * 3600,
                    lunch=(d * 86400 + 12 * 3600, d * 86400 + 12.5 * 3600)) for k in range(20) for d in range(5)]
    path = Roster(example.start, shifts).write_csv(tmp_path / "roster.csv")
    out_json = tmp_path / "s.json"
    done = run_cli("simulate", str(example_path), "--roster", str(path), "-r", "2", "--workers", "1",
                   "--json", str(out_json))
    assert done.returncode == 0, done.stderr
    summary = json.loads(out_json.read_text())
    assert summary["skill_groups"]["generalist"]["paid_hours"] == pytest.approx(20 * 5 * 7.5)
    assert summary["skill_groups"]["phone_only"]["paid_hours"] == 0


@pytest.mark.parametrize("row, message", [
    ("2026-01-05 08:00,generalsit,3", "row 2: unknown skill group 'generalsit' (did you mean 'generalist'?)"),
    ("2026-01-05 08:00,generalist,-2", "row 2: agents must be >= 0 and at most 50000 agents (got -2)"),
    ("2026-01-12 08:00,generalist,3", "row 2: ds 2026-01-12 08:00 is not an interval start of the week"),
])
def test_bad_staffing_rows_exit_2_with_the_row_named(example_path, tmp_path, row, message):
    path = tmp_path / "bad.csv"
    path.write_text(f"ds,skill_group,agents\n{row}\n")
    done = run_cli("simulate", str(example_path), "--staffing", str(path), "-r", "1")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_staffing_and_roster_together_are_refused(example_path, plan_csv):
    done = run_cli("simulate", str(example_path), "--staffing", str(plan_csv), "--roster", str(plan_csv))
    assert done.returncode == 2 and "not both" in done.stderr


def test_overloaded_week_finishes_and_reports_unfinished_work(example_path, tmp_path):
    plan = tmp_path / "thin.csv"
    plan.write_text("ds,skill_group,agents\n" + "".join(
        f"2026-01-{5 + d:02d} {h:02d}:00,generalist,1\n" for d in range(7) for h in range(8, 20)))
    out_json = tmp_path / "s.json"
    done = run_cli("simulate", str(example_path), "--staffing", str(plan), "-r", "2", "--workers", "1",
                   "--json", str(out_json))
    assert done.returncode == 0, done.stderr
    summary = json.loads(out_json.read_text())
    email = summary["channels"]["email"]
    assert email["unfinished"] > 0 and email["backlog_max"] >= email["unfinished"]
    assert summary["channels"]["phone"]["abandon_rate"] > 0.5
    assert np.isclose(summary["skill_groups"]["generalist"]["paid_hours"], 7 * 12 * 0.5)


def test_bad_simulation_settings_exit_2(example_path, plan_csv):
    done = run_cli("simulate", str(example_path), "--staffing", str(plan_csv), "--replications", "0")
    # The option's own range (1..1000, as the scenario's simulation.replications) is checked by the CLI parser.
    assert done.returncode == 2 and "Invalid value for '--replications'" in done.stderr


def test_simulate_without_any_staff_asks_for_it(example_path):
    out = run_cli("simulate", str(example_path), "-r", "1")
    assert out.returncode == 2
    assert "--staffing/--roster: this scenario has no constant_agents" in out.stderr and "Traceback" not in out.stderr
