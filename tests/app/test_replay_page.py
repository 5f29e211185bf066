"""The Replay page under streamlit.testing's AppTest: it calibrates and replays the fixture's records and shows
the library's own figures."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from forecasting.calls import call_records  # noqa: E402
from planning.calibrate import PeriodModel, calibrate  # noqa: E402
from planning.replay import replay  # noqa: E402

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"
CALLS = Path(__file__).parents[1] / "fixtures" / "anonymous_bank_calls_week.tsv"


def test_replay_page_calibrates_replays_and_matches_the_library():
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    at.sidebar.number_input(key="run_replications").set_value(3)
    at.sidebar.number_input(key="run_seed").set_value(5)
    at.run()
    at.switch_page("pages/7_replay.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="replay_path").set_value(str(CALLS)).run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="replay_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = {m.label: m.value for m in at.metric}
    # the library with the same inputs: calibrate on 3-4 January (the default split is the middle day), replay 5-6
    rec = call_records(CALLS)
    train = rec[rec["arrival"] < "1999-01-05"]
    test = rec[rec["arrival"] >= "1999-01-05"]
    cal = calibrate(train, replications=8, seed=7)
    res = replay(test.assign(channel=test["channel"].replace(cal.channel_map)),
                 PeriodModel.from_fragment(cal.fragment()), cal.availability, 3, 5)
    assert shown["Abandonment MAE (pp)"] == f"{res.summary['abandon_mae_pp']:.1f}"
    assert shown["Within 60 s MAE (pp)"] == f"{res.summary['sl60_mae_pp']:.1f}"
    assert len(at.get("arrow_vega_lite_chart")) == 2 or len(at.get("vega_lite_chart")) == 2
