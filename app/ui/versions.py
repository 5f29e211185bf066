"""The stored schedule versions as a planner works with them, on the Versions page and under the Schedule page's
roster: the list, two versions side by side (figures and per-interval service level), opening one in the editor
with its locks, marking one published; and the rosters of stored schedule runs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui import charts, readable, week
from app.ui.errors import user_errors
from scenarios import Scenario


def open_in_editor(version) -> None:
    """Make a version's roster (its locks ticked) the roster being edited: one step of the edit history."""
    from planning.versions import version_for_editing

    week.set_working(version_for_editing(version.id))
    week.opened(f"version:{version.id}", f"version {version.id} ({version.name})")
    week.open_in_editor(version.id)     # a save is checked against later saves of this version (planning.edits)


def panel(sc: Scenario, *, goto_editor: bool = False) -> None:
    """The versions list, comparison, open and publish. `goto_editor`: opening a version switches to the
    Schedule page (from the Versions page)."""
    stored = week.versions()
    if not stored:
        st.info("No versions yet: every generated roster is kept as a version, and the roster being edited can be "
                "saved as one (Schedule and roster page).")
    else:
        listing = [{"id": v.id, "name": v.name, "scenario": v.scenario_name,
                    "saved (UTC)": readable.when(v.created_at),
                    "paid hours": v.figures.get("paid_hours"), "shifts": v.figures.get("shifts"), "seed": v.seed,
                    "published": "yes" if v.published_at else ""} for v in stored]
        st.dataframe(pd.DataFrame(listing), hide_index=True, width="stretch")
        labels = {f"{v.id}: {v.name}": v for v in stored}
        c1, c2 = st.columns(2)
        first = labels[c1.selectbox("Version", list(labels), index=len(labels) - 1, key="version_a")]
        second = labels[c2.selectbox("Compared with", list(labels), index=len(labels) - 1, key="version_b")]
        st.dataframe(week.figures_table(first.figures, second.figures).rename(
            columns={"before": f"{first.id}: {first.name}",
                     "after": f"{second.id}: {second.name}" + (" (the same)" if second.id == first.id else "")}),
            hide_index=True, width="stretch")
        a_int, b_int = week.version_intervals(first.id), week.version_intervals(second.id)
        humans = sc.human_channels()
        if a_int is not None and b_int is not None and humans:
            channel = st.selectbox("Per-interval service level of", humans, key="version_channel")
            both = pd.concat([a_int.assign(version=f"{first.id}: {first.name}"),
                              b_int.assign(version=f"{second.id}: {second.name}")])
            both = both[both["channel"] == channel]
            target = getattr(sc.channels[channel], "target", None)
            st.altair_chart(charts.interval_line(both, "service_level", f"{channel}: service level per interval",
                                                 color="version", target=target.service_level if target else None,
                                                 y_format=".0%"), width="stretch")
        with st.expander(f"History of version {first.id}: who saved, edited, locked and published it"):
            st.dataframe(pd.DataFrame([{"when (UTC)": readable.when(e.at), "who": e.user, "what": e.action,
                                        "detail": e.detail} for e in week.version_history(first.id)]),
                         hide_index=True, width="stretch")
        # Publishing a week that misses its targets is said before the click, not after.
        for line in week.target_misses(sc, first.figures):
            st.warning(f"Version {first.id}: {line}")
        o1, o2 = st.columns(2)
        if o1.button("Open this version in the editor", key="open_version",
                     help="Its roster and its locked shifts become the roster being edited (Undo brings back "
                          "the one before)."):
            with user_errors("Opening the version"):
                open_in_editor(first)
            if goto_editor:
                st.switch_page("pages/4_schedule.py")
            st.rerun()
        if o2.button("Mark as published", key="publish_version"):
            week.publish_version(first.id)
            st.success(f"Version {first.id} ({first.name}) is the published one for {first.scenario_name}.")

    # Rosters of stored schedule runs (the CLI's `ccplan schedule`, earlier sessions) open in the editor too.
    stored_runs = week.schedule_runs()
    if stored_runs:
        run_labels = {f"run {r.id}: {r.scenario_name}, seed {r.seed}, {readable.when(r.created_at)}": r.id
                      for r in stored_runs}
        r1, r2 = st.columns([3, 1])
        run_pick = r1.selectbox("Stored schedule run", list(run_labels), key="open_run_pick")
        if r2.button("Open its roster in the editor", key="open_run"):
            with user_errors("Opening the run"):
                week.set_working(week.run_roster(run_labels[run_pick]))
                week.opened(f"run:{run_labels[run_pick]}", run_pick)
                st.session_state.pop(week.BASE, None)
            if goto_editor:
                st.switch_page("pages/4_schedule.py")
            st.rerun()
