"""The Capacity page under streamlit.testing's AppTest, with a staffing curve given: its classes are the library's."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from optimizer import Budget  # noqa: E402
from planning import capacity_plan, read_curve  # noqa: E402
from scenarios import EXAMPLES_DIR, load_capacity  # noqa: E402
from test_capacity_cli import write_curve  # noqa: E402

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"


def test_page_shows_the_librarys_plan(tmp_path, monkeypatch):
    monkeypatch.setenv("CCPLAN_WORKSPACE", str(tmp_path / "workspace.sqlite"))
    curve = tmp_path / "curve.json"
    write_curve(curve)
    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()
    at.switch_page("pages/9_capacity.py").run()
    at.text_input(key="cap_curve").set_value(str(curve))
    at.number_input(key="cap_samples").set_value(30)
    at.number_input(key="cap_effort").set_value(0.3)
    at.button(key="cap_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    truth = capacity_plan(load_capacity(EXAMPLES_DIR / "capacity_plan.yaml"), curve=read_curve(curve), samples=30,
                          budget=Budget(effort=0.3, wall_seconds=60.0), whatifs=False)
    shown = next(d.value for d in at.dataframe if "first_working_week" in d.value.columns)
    expected = truth.classes_table()
    assert shown[["plan", "group", "size"]].values.tolist() == expected[["plan", "group", "size"]].values.tolist()
    assert any("Weeks short" in m.value for m in at.markdown)
