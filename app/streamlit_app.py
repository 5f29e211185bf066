"""ccplan planner app: `streamlit run app/streamlit_app.py -- --scenario PATH` (or `ccplan app`).

A thin shell: pages call `scenarios`, `forecasting`, `sim` and `optimizer`, cache their results on the inputs
and display them. Each page draws the shared run settings in the sidebar (`app.ui.settings`).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts app/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app.ui import auth, state  # noqa: E402

PAGES_DIR = Path(__file__).parent / "pages"

st.set_page_config(page_title="ccplan", page_icon=":telephone_receiver:", layout="wide")
user = auth.gate()  # a login page (or a refusal) and stop, unless someone who may use the app is here
state.init(state.scenario_path_from_argv())

pages = [
    st.Page(PAGES_DIR / "1_data_forecast.py", title="Data and forecast", icon=":material/show_chart:", default=True),
    st.Page(PAGES_DIR / "2_scenario.py", title="Scenario", icon=":material/tune:"),
    st.Page(PAGES_DIR / "3_simulate.py", title="Simulate", icon=":material/play_circle:"),
    st.Page(PAGES_DIR / "4_schedule.py", title="Schedule and roster", icon=":material/calendar_month:"),
    st.Page(PAGES_DIR / "5_whatif.py", title="What-if", icon=":material/compare_arrows:"),
    st.Page(PAGES_DIR / "6_today.py", title="Today", icon=":material/today:"),
    st.Page(PAGES_DIR / "7_replay.py", title="Replay", icon=":material/history:"),
    st.Page(PAGES_DIR / "8_plan_vs_actual.py", title="Plan vs actual", icon=":material/fact_check:"),
    st.Page(PAGES_DIR / "9_capacity.py", title="Capacity plan", icon=":material/groups:"),
    st.Page(PAGES_DIR / "10_versions.py", title="Versions", icon=":material/inventory_2:"),
    st.Page(PAGES_DIR / "11_erlang.py", title="How many agents (Erlang)", icon=":material/calculate:"),
]
shared = [st.Page(PAGES_DIR / "12_published.py", title="Published roster", icon=":material/verified:",
                  default=not user.can_edit)]
page = st.navigation(auth.pages_for(user, pages, shared))

page.run()
