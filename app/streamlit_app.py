"""ccplan planner app: `streamlit run app/streamlit_app.py -- --scenario PATH` (or `ccplan app`).

A thin shell: pages call `scenarios`, `forecasting`, `sim` and `optimizer`, cache their results on the inputs
and display them. The sidebar holds the run settings every page shares.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts app/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app.ui import state  # noqa: E402
from app.ui.errors import show_input_error  # noqa: E402
from scenarios import InputError  # noqa: E402

PAGES_DIR = Path(__file__).parent / "pages"

st.set_page_config(page_title="ccplan", page_icon=":telephone_receiver:", layout="wide")
state.init(state.scenario_path_from_argv())

pages = [
    st.Page(PAGES_DIR / "1_data_forecast.py", title="Data and forecast", icon=":material/show_chart:", default=True),
    st.Page(PAGES_DIR / "2_scenario.py", title="Scenario", icon=":material/tune:"),
    st.Page(PAGES_DIR / "3_simulate.py", title="Simulate", icon=":material/play_circle:"),
    st.Page(PAGES_DIR / "4_schedule.py", title="Schedule and roster", icon=":material/calendar_month:"),
    st.Page(PAGES_DIR / "5_whatif.py", title="What-if", icon=":material/compare_arrows:"),
]
page = st.navigation(pages)

with st.sidebar:
    st.caption(f"Scenario: **{state.source_name()}**")
    try:
        sc = state.scenario()
        st.caption(f"{sc.name} · {sc.start} + {sc.days} days · {sc.interval_minutes}-min intervals")
        default_seed = sc.simulation.seed
    except InputError as exc:
        show_input_error(exc)
        default_seed = 1
    st.subheader("Run settings")
    st.number_input("Replications", min_value=1, max_value=1000, value=state.DEFAULT_REPLICATIONS, step=1,
                    key=state.REPLICATIONS, help="Simulation replications per run (fewer = faster, wider intervals).")
    st.number_input("Seed", min_value=0, value=default_seed, step=1, key=state.SEED,
                    help="Same seed, same numbers.")
    st.toggle("Verify schedule by simulation", value=True, key=state.VERIFY,
              help="Off: schedule to the analytic requirement only (fast). On: simulate the roster and raise "
                   "requirements where service falls short.")
    st.number_input("Worker processes (0 = automatic)", min_value=0, max_value=64, value=0, step=1,
                    key=state.WORKERS)

page.run()
