"""The Today page renders in the app (AppTest) and asks for a roster before anything runs. The full re-plan is
covered by tests/test_intraday_replan.py and the CLI test; on the example it takes about a minute in the app."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"


def test_today_page_renders_and_asks_for_a_roster():
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("pages/6_today.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("No roster for these inputs yet" in i.value for i in at.info)
    assert at.selectbox(key="today_day").value.isoformat() == "2026-01-06"
