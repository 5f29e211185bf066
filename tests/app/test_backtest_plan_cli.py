"""`ccplan backtest-plan`: a bad input is refused naming the option."""

from __future__ import annotations

import yaml

from backtest_helpers import history, scenario_data, write_history
from conftest import run_cli


def test_more_weeks_than_the_history_holds_names_weeks(tmp_path):
    path = write_history(history(), tmp_path / "history.csv")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(scenario_data(path)), encoding="utf-8")
    out = run_cli("backtest-plan", str(scenario), "--weeks", "9", timeout=120)
    assert out.returncode == 2
    assert "--weeks" in out.stderr and "4 full week(s)" in out.stderr
