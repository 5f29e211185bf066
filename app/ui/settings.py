"""The sidebar every page shows: the scenario in use and the shared run settings.

Each page draws it (rather than the entry script) and the values live in a plain session entry
(`state.remember`), so they carry across pages and reruns whatever happens to widget state on a page switch.
"""

from __future__ import annotations

import streamlit as st

from app.ui import state
from app.ui.errors import show_input_error
from scenarios import InputError


def sidebar() -> None:
    """The sidebar; also keeps what the last run changed (edits, uploads, settings) in the workspace (app.ui.desk)."""
    from app.ui import desk

    desk.save()
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
        state.remember(state.REPLICATIONS, st.number_input(
            "Replications", min_value=1, max_value=1000, value=state.replications(), step=1, key=state.REPLICATIONS,
            help="Simulation replications per run (fewer = faster, wider intervals)."))
        state.remember(state.SEED, st.number_input("Seed", min_value=0, value=state.seed(default_seed), step=1,
                                                   key=state.SEED, help="Same seed, same numbers."))
        state.remember(state.VERIFY, st.toggle(
            "Verify schedule by simulation", value=state.verify(), key=state.VERIFY,
            help="Off: schedule to the analytic requirement only (fast). On: simulate each plan, re-size the "
                 "requirement where an interval misses its targets (service level and max abandonment) and re-solve."))
        state.remember(state.ROUNDS, st.number_input(
            "Verification rounds", min_value=1, max_value=30, value=state.rounds(), step=1, key=state.ROUNDS,
            disabled=not state.verify(), help="At most this many schedule-simulate rounds when verifying."))
        state.remember(state.RISK, st.number_input(
            "Risk (share of plausible weeks)", min_value=0.0, max_value=0.99, value=state.risk(), step=0.05,
            key=state.RISK, format="%.2f",
            help="The roster must meet the targets on this share of the weeks the forecast's error makes plausible "
                 "(as `ccplan schedule --risk`); 0 takes the forecast as exact."))
        state.remember(state.SOLVER_EFFORT, st.number_input(
            "Solver effort", min_value=0, max_value=600, value=int(state.solver_effort()), step=5,
            key=state.SOLVER_EFFORT, help="Budget per solver stage (shift selection, then the roster) in CP-SAT "
                                          "deterministic time, about a second of one core each. The same settings "
                                          "give the same roster on any machine; out of budget, the best plan so "
                                          "far is kept with a warning."))
        state.remember(state.WORKERS, st.number_input(
            "Worker processes (0 = automatic)", min_value=0, max_value=64, value=state.workers() or 0, step=1,
            key=state.WORKERS))


def page(title: str):
    """Start a page: its title, the sidebar, and the session's scenario (problems shown, page stopped)."""
    from app.ui.errors import user_errors

    st.title(title)
    sidebar()
    with user_errors("Reading the scenario"):
        sc = state.scenario()
    return sc
