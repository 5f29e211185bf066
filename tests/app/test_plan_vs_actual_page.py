"""The Plan vs actual page and the Data page's forecast warnings under streamlit.testing's AppTest, on the tiny
synthetic history of tests/backtest_helpers.py; the page's figures against a direct planning.backtest_plan call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from backtest_helpers import history, scenario_data, tiny_scenario, write_history  # noqa: E402
from planning import backtest_plan  # noqa: E402

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"
TIMEOUT = 300
# Tiny settings: the test checks that the page shows the library's figures, not the rosters' quality.
SIDEBAR = {"run_replications": 3, "run_seed": 7, "run_solver_effort": 1, "run_rounds": 2, "run_workers": 1}
METHODS = {"ccplan": "ccplan", "erlang-c-two-step": "Erlang C baseline", "hindsight": "hindsight"}


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("CCPLAN_WORKSPACE", str(tmp_path / "workspace.sqlite"))


def write_scenario(tmp_path: Path, monkeypatch, data: dict) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("CCPLAN_SCENARIO", str(path))
    return path


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    for key, value in SIDEBAR.items():
        at.sidebar.number_input(key=key).set_value(value)
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_shows_one_row_per_week_and_method_with_the_library_figures(tmp_path, monkeypatch, workspace):
    path = write_history(history(), tmp_path / "history.csv")
    write_scenario(tmp_path, monkeypatch, scenario_data(path))
    at = open_page("8_plan_vs_actual")
    at.slider(key="pva_weeks").set_value(2)
    at.button(key="pva_run").click().run()
    assert not at.exception, [e.value for e in at.exception]

    truth = backtest_plan(tiny_scenario(path), weeks=2, replications=3, schedule_replications=3,
                          certify_replications=3, seed=7, effort=1.0, rounds=2, workers=1)
    shown = next(d.value for d in at.dataframe if "method" in d.value.columns)
    assert len(shown) == 2 * 3
    assert list(shown["week"]) == [dt.date(2026, 2, 2)] * 3 + [dt.date(2026, 2, 9)] * 3
    expected = {(w.start, METHODS[m]): p for w in truth.weeks for m, p in w.plans.items()}
    for row in shown.to_dict("records"):
        plan = expected[(row["week"], row["method"])]
        # shares and WAPE shown in percent
        assert row["claimed"] == pytest.approx(100 * plan.claimed, rel=1e-12)
        assert row["actual"] == pytest.approx(100 * plan.actual, rel=1e-12)
        assert row["wape"] == pytest.approx(100 * plan.wape, rel=1e-12)
        assert row["paid_hours"] == pytest.approx(plan.paid_hours, rel=1e-12)

    ccplan = [w.plans["ccplan"] for w in truth.weeks]
    held = sum(p.actual >= 0.95 for p in ccplan)
    verdict = "\n".join(m.value for m in at.markdown)
    assert f"On **{held} of 2** past weeks the ccplan roster met targets" in verdict
    gap = 100 * sum(p.claimed - p.actual for p in ccplan) / 2
    assert f"**{abs(gap):.1f} pp {'above' if gap >= 0 else 'below'}**" in verdict
    assert len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) == 1

    downloads = {d.proto.label: d for d in at.get("download_button")}
    assert {"Plan vs actual (JSON)", "Plan vs actual (CSV)"} <= set(downloads)


def test_page_without_history_says_what_it_needs(tmp_path, monkeypatch, workspace):
    data = scenario_data(tmp_path / "unused.csv")
    data["demand"] = {"rates": {"phone": 5.0}}
    write_scenario(tmp_path, monkeypatch, data)
    at = open_page("8_plan_vs_actual")
    assert not at.exception
    assert any("demand.history" in i.value for i in at.info)
    assert not at.button


def test_data_page_warns_when_the_history_is_too_short_for_a_reliable_forecast(tmp_path, monkeypatch, workspace):
    short = history()
    short = short[short["ds"] < "2026-01-26"]            # three weeks
    path = write_history(short, tmp_path / "short.csv")
    data = scenario_data(path)
    data["demand"]["model"] = "auto"
    data["start"] = "2026-01-26"
    write_scenario(tmp_path, monkeypatch, data)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.warning if w.value.startswith("Forecast:")]
    assert warnings and any("phone:" in w for w in warnings), [w.value for w in at.warning]
