"""Schedule and roster: generate the week's roster, compare requirement with scheduled coverage, show the roster
as a table and as a per-agent timeline, download it as CSV or Excel."""

from __future__ import annotations

import math

import streamlit as st

from app.ui import charts, kpis, library, settings, state
from app.ui.errors import user_errors

GANTT_AGENTS = 60  # agents drawn at once; the chart stays readable and quick

sc = settings.page("Schedule and roster")

if state.verify():
    mode = (f"with simulation verification: up to {state.rounds()} rounds of {state.replications()} replications, "
            f"seed {state.seed()}")
else:
    mode = "to the analytic (Erlang A) requirement only, without simulation"
st.caption(f"Schedules {mode}; solver effort {state.solver_effort():g} per stage (sidebar settings).")
result = library.schedule(compute=False)
if st.button("Generate roster", type="primary", key="generate_roster"):
    with user_errors("Scheduling"):
        result = library.schedule()
if result is None:
    st.info("Press **Generate roster** to schedule the week for this scenario.")
    st.stop()

roster = result.roster
frame = roster.to_frame()

# --- KPIs ----------------------------------------------------------------------------------------------------
st.subheader("Plan KPIs")
view = library.schedule_view(result, sc)
cols = st.columns(4)
cols[0].metric("Paid hours", f"{roster.paid_hours():,.1f}")
cols[1].metric("Agents rostered", f"{len(roster.agents):,}")
cols[2].metric("Shifts", f"{len(roster.shifts):,}")
cols[3].metric("Cost", f"{view['cost']:,.1f}" if view["cost"] is not None else "n/a",
               help="paid hours x each skill group's hourly_cost")
if view["summary"]:
    st.markdown("**Simulated service of this roster**")
    kpis.channel_metrics(sc, view["summary"])
if view["extra"]:
    extra_cols = st.columns(min(len(view["extra"]), 4))
    for i, (label, value) in enumerate(view["extra"].items()):
        extra_cols[i % len(extra_cols)].metric(label, value)
if any(str(col).endswith(" on target") for col in view["rounds"].columns):
    with st.expander(f"Verification rounds ({len(view['rounds'])}): share of open intervals meeting each "
                     "channel's targets (service level and max abandonment)"):
        st.dataframe(view["rounds"], hide_index=True, width="stretch")
if view["shortfalls"] is not None and len(view["shortfalls"]):
    st.warning(f"{len(view['shortfalls'])} interval(s) remain short of the requirement; the best plan found is shown.")
    with st.expander("Short intervals"):
        st.dataframe(view["shortfalls"], hide_index=True, width="stretch")
if view["notes"]:
    with st.expander(f"{len(view['notes'])} note{'s' if len(view['notes']) != 1 else ''} from the optimizer"):
        st.markdown("\n".join(f"- {n}" for n in view["notes"]))

# --- coverage ------------------------------------------------------------------------------------------------
st.subheader("Requirement vs scheduled")
cov = view["coverage"]
if cov is None or not len(cov):
    st.caption("The schedule reports no coverage table.")
else:
    keys = [k for k in cov["key"].unique()]
    pick = st.selectbox("Coverage of", keys, key="coverage_of") if len(keys) > 1 else keys[0]
    st.altair_chart(charts.coverage(cov[cov["key"] == pick], f"{pick}: agents per interval"), width="stretch")

# --- roster --------------------------------------------------------------------------------------------------
st.subheader("Roster")
group_filter = st.multiselect("Skill groups", list(sc.skill_groups), default=list(sc.skill_groups), key="roster_groups")
shown = frame[frame["skill_group"].isin(group_filter)]
st.dataframe(shown, hide_index=True, width="stretch", height=320)

st.markdown("**Timeline of the week**")
agents = sorted(shown["agent"].unique())
pages = max(1, math.ceil(len(agents) / GANTT_AGENTS))
page = st.number_input(f"Agents page (of {pages}, {GANTT_AGENTS} each)", 1, pages, 1, key="gantt_page") if pages > 1 else 1
chunk = agents[(page - 1) * GANTT_AGENTS: page * GANTT_AGENTS]
if chunk:
    st.altair_chart(charts.gantt(charts.roster_segments(roster, chunk)), width="stretch")

c1, c2 = st.columns(2)
c1.download_button("Download roster (CSV)", frame.to_csv(index=False), file_name="roster.csv", mime="text/csv",
                   key="roster_csv")
c2.download_button("Download roster (Excel)", library.roster_excel(result, sc), file_name="roster.xlsx",
                   key="roster_xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
