"""`ccplan capacity`: the example with a staffing curve given, its files, and a bad input named by its field."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import yaml

from conftest import run_cli
from planning import curve_key
from scenarios import EXAMPLES_DIR, load_capacity, load_scenario


def write_curve(path):
    plan = load_capacity(EXAMPLES_DIR / "capacity_plan.yaml")
    key = curve_key(load_scenario(plan.path(plan.scenario)), plan)
    path.write_text(json.dumps({
        "scales": [0.5, 1.0, 2.0], "fte": {"generalist": [30, 50, 90], "phone_only": [20, 32, 60],
                                           "digital": [6, 10, 18]},
        "workload_seconds": {"phone": 3.9e6, "chat": 1.7e6, "email": 1.35e6},
        "aht_seconds": {"phone": 300, "chat": 480, "email": 420}, "hours_per_fte": 37.5, "key": key}))


def test_example_plan_with_a_given_curve_writes_its_files(tmp_path):
    curve = tmp_path / "curve.json"
    write_curve(curve)
    out = run_cli("capacity", str(EXAMPLES_DIR / "capacity_plan.yaml"), "--curve", str(curve), "--samples", "40",
                  "--effort", "0.3", "--no-whatifs", "--json", str(tmp_path / "c.json"), "--csv",
                  str(tmp_path / "c.csv"), "--xlsx", str(tmp_path / "c.xlsx"), timeout=300)
    assert out.returncode == 0, out.stderr
    assert "rule of thumb" in out.stdout and "expected cost vs the rule of thumb" in out.stdout
    data = json.loads((tmp_path / "c.json").read_text())
    assert data["curve"]["fte"]["generalist"] == [30, 50, 90]   # the curve given, not recomputed
    assert data["plan"]["weeks_short_p90"] >= 0 and data["cost_ratio_vs_rule"] > 0
    weekly = pd.read_csv(tmp_path / "c.csv")
    assert len(weekly) == 52 * 3
    # Every week's headcount is the sum of today's staff who stayed and the classes' hires: never negative.
    assert (weekly["headcount"] >= 0).all()
    assert openpyxl.load_workbook(tmp_path / "c.xlsx").sheetnames == ["weekly", "classes", "whatifs", "forecast",
                                                                      "curve"]


def test_a_bad_capacity_input_names_its_field(tmp_path):
    data = yaml.safe_load((EXAMPLES_DIR / "capacity_plan.yaml").read_text())
    data.update(start="2026-01-06", scenario=str(EXAMPLES_DIR / "insurance_week.yaml"),
                history=str(EXAMPLES_DIR / "data" / "capacity_weekly_history.csv"))
    data["groups"]["generalst"] = {"headcount": 3}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    out = run_cli("capacity", str(path), timeout=120)
    assert out.returncode == 2
    assert "start: 2026-01-06 is not a Monday" in out.stderr
    assert "Traceback" not in out.stderr
