"""Simulate: run the week in the simulator with a roster or staffing plan; KPIs per channel against targets and
per-interval service level, waiting, backlog and occupancy."""

from __future__ import annotations

import hashlib
import io
import json

import pandas as pd
import streamlit as st

from app.ui import charts, kpis, library, readable, settings, state, uploads
from planning.store import jsonable
from app.ui.errors import show_input_error, user_errors
from scenarios import InputError, read_roster, read_staffing

sc = settings.page("Simulate")

has_constant = any(g.constant_agents for g in sc.skill_groups.values())
options = ["Roster from the Schedule page", "Upload a roster CSV", "Upload a staffing plan CSV"]
if has_constant:
    options.insert(0, "Scenario's constant agents")
choice = st.radio("Staffing", options, horizontal=True, key="sim_staffing")

staffing, staffing_key = None, None
if choice == "Scenario's constant agents":
    staffing_key = "constant"
elif choice == "Roster from the Schedule page":
    plan = library.schedule(compute=False)
    if plan is None:
        st.info("No roster for these inputs yet: generate it here or on the Schedule and roster page.")
        if st.button("Generate roster", key="sim_generate_roster"):
            with user_errors("Scheduling"):
                plan = library.schedule()
    if plan is not None:
        staffing = plan.roster
        staffing_key = "schedule:" + repr(library.schedule_parts())
        st.caption(f"Roster: {len(staffing.agents)} agents, {len(staffing.shifts)} shifts, "
                   f"{staffing.paid_hours():,.0f} paid hours.")
else:
    is_roster = choice == "Upload a roster CSV"
    up = st.file_uploader("Roster CSV (agent, skill_group, date, start, end, lunch_start, lunch_end, breaks)"
                          if is_roster else "Staffing plan CSV (ds, skill_group, agents)", type=["csv"],
                          key="sim_upload")
    if up is not None:
        content = uploads.content(up, ("csv",))
        try:
            table = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
            staffing = read_roster(table, sc) if is_roster else read_staffing(table, sc)
        except InputError as exc:
            # The readers name a DataFrame source "roster"/"staffing"; the planner knows the file's name.
            prefix = "roster" if is_roster else "staffing"
            exc.problems = [type(p)(up.name + p.where[len(prefix):] if p.where.startswith(prefix) else p.where,
                                    p.message) for p in exc.problems]
            show_input_error(exc)
            st.stop()
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            st.error(f"{up.name} is not a readable CSV ({exc})")
            st.stop()
        staffing_key = f"{'roster' if is_roster else 'plan'}:{hashlib.sha256(content).hexdigest()}"

if staffing_key is None:
    st.stop()

# A result stays on the page across reruns while its inputs are unchanged (it comes from the cache).
inputs = (state.scenario_key(), staffing_key, state.replications(), state.seed())
run = st.button(f"Run simulation ({state.replications()} replications, seed {state.seed()})", type="primary",
                key="sim_run")
if not run and st.session_state.get("sim_last") != inputs:
    st.stop()
with user_errors("Simulation"):
    result = library.simulate(staffing, staffing_key)
st.session_state["sim_last"] = inputs

summary = result.summary
st.subheader("KPIs against targets")
st.caption(f"Means over {summary.replications} replications, seed {summary.seed}. Service level = "
           "answered within the threshold / offered (abandoned contacts count in the denominator).")
kpis.channel_metrics(sc, summary)
st.markdown("**Occupancy by skill group**")
kpis.group_metrics(summary)

st.subheader("Per interval")
iv = result.intervals
tabs = st.tabs([n for n in sc.channels] + ["Occupancy"])
for tab, (name, ch) in zip(tabs, sc.channels.items()):
    with tab:
        own = iv[iv["channel"] == name]
        if ch.kind == "ai":
            melted = own.melt(id_vars="ds", value_vars=[c for c in ("offered", "contained", "escalated") if c in own],
                              var_name="series", value_name="sessions")
            st.altair_chart(charts.interval_line(melted, "sessions", f"{name}: sessions per interval", color="series",
                                                 y_format=".1f"), width="stretch")
            continue
        st.altair_chart(charts.interval_line(own, "service_level", f"{name}: service level per interval",
                                             target=ch.target.service_level, y_title="service level",
                                             y_format=".0%", band=("service_level_lo", "service_level_hi")),
                        width="stretch")
        if ch.kind == "deferred":
            st.altair_chart(charts.interval_line(own, "backlog", f"{name}: backlog at interval end (items)",
                                                 y_title="items waiting", y_format=".1f"), width="stretch")
        else:
            waits = own.melt(id_vars="ds", value_vars=[c for c in ("asa_seconds", "wait_p90_seconds") if c in own],
                             var_name="series", value_name="seconds")
            st.altair_chart(charts.interval_line(waits, "seconds", f"{name}: queue waiting time (seconds)",
                                                 color="series", target=ch.target.answer_within_seconds,
                                                 y_format=".0f"), width="stretch")
with tabs[-1]:
    groups = result.groups
    ceiling = st.number_input("Reference occupancy line", 0.0, 1.0, 0.85, 0.05, key="occupancy_ref")
    st.altair_chart(charts.interval_line(groups, "occupancy", "Occupancy per skill group", color="skill_group",
                                         target=ceiling, y_title="occupancy", y_format=".0%"), width="stretch")

with st.expander("Tables and downloads"):
    st.dataframe(readable.table(kpis.summary_table(sc, summary)), hide_index=True, width="stretch")
    c1, c2, c3 = st.columns(3)
    c1.download_button("Interval KPIs (CSV)", iv.to_csv(index=False), file_name="sim_intervals.csv", mime="text/csv",
                       key="sim_intervals_csv")
    c2.download_button("Summary (JSON)", json.dumps(jsonable(summary.to_json()), indent=2, allow_nan=False),
                       file_name="sim_summary.json",
                       mime="application/json", key="sim_summary_json")
    if c3.button("Save run to the workspace", key="sim_store"):
        with user_errors("Saving the run"):
            run_id = library.store_run("simulate", result.to_json(),
                                       roster=staffing if hasattr(staffing, "shifts") else None,
                                       tables={"intervals": iv, "groups": result.groups}, label=choice)
        st.success(f"Stored as run {run_id}.")
