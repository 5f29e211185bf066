"""Schedule and roster: agents, time off and locked shifts in; generate the week's roster, compare requirement with
scheduled coverage, show the roster as a table and as a per-agent timeline, download it as CSV or Excel; edit and
lock shifts with a rule re-check and re-simulation; save, compare and publish versions (app.ui.week)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import streamlit as st

from app.ui import auth, charts, kpis, library, settings, state, week
from app.ui.errors import show_input_error, user_errors
from planning import audit
from scenarios import ROSTER_COLUMNS

GANTT_AGENTS = 60  # agents drawn at once; the chart stays readable and quick

sc = settings.page("Schedule and roster")
auth.require_planner()

if state.verify():
    mode = (f"with simulation verification: up to {state.rounds()} rounds of {state.replications()} replications, "
            f"seed {state.seed()}")
else:
    mode = "to the analytic (Erlang A) requirement only, without simulation"
st.caption(f"Schedules {mode}; solver effort {state.solver_effort():g} per stage (sidebar settings).")
with st.expander("Agents, time off and locked shifts", expanded=bool(week.inputs_key() and (
        st.session_state.get(week.AGENTS) or st.session_state.get(week.TIME_OFF)
        or st.session_state.get(week.LOCKED)))):
    week.upload_panel(sc)
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
# Warnings that change the plan (shifts nobody works, contracts short, escalations nobody can take, locked
# shifts moved or breaking rules) are shown in full; the solver's own notes stay folded.
PLAN_CHANGING = ("could not be given", "below the contracted minimum", "escalat", "unassigned", "locked",
                 "are met in only", "no agents")
changing = [n for n in view["notes"] if any(word in n for word in PLAN_CHANGING)]
other_notes = [n for n in view["notes"] if n not in changing]
for note in changing:
    st.warning(note)
if other_notes:
    with st.expander(f"{len(other_notes)} note{'s' if len(other_notes) != 1 else ''} from the optimizer"):
        st.markdown("\n".join(f"- {n}" for n in other_notes))

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

# --- edit and lock, versions, publish --------------------------------------------------------------------------------
st.subheader("Edit, lock, save and publish")
crew = week.agents(sc)
base = week.working(frame, f"result:{id(result)}")
edit_tab, versions_tab, publish_tab = st.tabs(["Edit and lock", "Versions", "Publish"])

with edit_tab:
    st.caption("Change a shift (times, lunch, breaks), give it to another agent, or add and remove rows; tick "
               "**locked** to keep a shift exactly as it is when the roster is generated again.")
    labels = list(base.apply(week.shift_label, axis=1))
    q1, q2 = st.columns(2)
    with q1:
        lock_labels = st.multiselect("Lock shifts", labels, key="lock_shifts")
        lock_agents = st.multiselect("Lock every shift of agents", sorted(base["agent"].unique()), key="lock_agents")
        if st.button("Lock", key="lock_apply", disabled=not (lock_labels or lock_agents)):
            week.set_working(week.lock(base, lock_labels, lock_agents))
            week.audit_edit(audit.SHIFT_LOCKED, "; ".join([*lock_labels, *(f"every shift of {a}" for a in lock_agents)]))
            st.rerun()
        st.caption(f"Shifts locked: {int(base['locked'].sum())} of {len(base)}")
    with q2:
        to_move = st.selectbox("Move a shift", labels, key="move_shift")
        agent_ids = [a.id for a in crew]
        dates = [str(sc.start + dt.timedelta(days=i)) for i in range(sc.days)]
        if to_move in labels and st.session_state.get("move_for") != to_move:
            # A newly picked shift fills the fields with where it is now (same widgets: nothing left stale).
            current = base.iloc[labels.index(to_move)]
            st.session_state["move_for"] = to_move
            st.session_state["move_agent"] = current["agent"] if current["agent"] in agent_ids else agent_ids[0]
            st.session_state["move_date"] = current["date"] if current["date"] in dates else dates[0]
            st.session_state["move_start"], st.session_state["move_end"] = current["start"], current["end"]
        with st.form("move_form", border=False):
            # The new place and times go with the click on Move, together (no rerun between typing and moving).
            m1, m2, m3, m4 = st.columns(4)
            move_agent = m1.selectbox("to agent", agent_ids, key="move_agent")
            move_date = m2.selectbox("on", dates, key="move_date")
            move_start = m3.text_input("from", key="move_start")
            move_end = m4.text_input("to", key="move_end")
            if st.form_submit_button("Move", key="move_apply", disabled=to_move is None):
                with user_errors("Moving the shift"):
                    week.set_working(week.move(base, to_move, move_agent, move_date, move_start, end=move_end))
                    week.audit_edit(audit.SHIFT_EDITED, f"{to_move} moved to {move_agent} · {move_date} · "
                                                        f"{move_start}-{move_end}")
                st.rerun()
        if st.button("Undo the last edit", key="undo_edit", disabled=not st.session_state.get(week.UNDO)):
            week.undo()
            week.audit_edit(audit.SHIFT_EDITED, "the last quick edit undone")
            st.rerun()
    edited = st.data_editor(base, key="roster_editor", hide_index=True, num_rows="dynamic", width="stretch",
                            height=320, column_config={"locked": st.column_config.CheckboxColumn("locked")})
    checked, breaks, problem = week.check_roster(sc, edited, crew)
    if problem is not None:
        show_input_error(problem)
    elif breaks:
        st.error("**Labour rules broken by the edited roster** (agent: rule: detail)\n\n"
                 + "\n".join(f"- {b}" for b in breaks[:40]))
    else:
        st.success("Every labour rule holds for every agent.")
    b1, b2 = st.columns(2)
    if b1.button("Re-simulate the edited roster", key="resimulate", disabled=checked is None):
        with user_errors("Simulating"):
            old = library.simulate(roster, "roster:" + frame.to_csv(index=False))
            new = library.simulate(checked, "roster:" + checked.to_frame().to_csv(index=False))
            st.session_state["week_compare"] = (week.roster_figures(sc, roster, old),
                                                week.roster_figures(sc, checked, new))
    if b2.button("Regenerate keeping the locked shifts", key="regenerate_locked", type="primary"):
        week.lock_rows(edited)
        with user_errors("Scheduling"):
            library.schedule()
        st.rerun()
    if st.session_state.get("week_compare"):
        before, after = st.session_state["week_compare"]
        st.markdown("**The edited roster beside the generated one** (same seed and replications)")
        st.dataframe(week.figures_table(before, after), hide_index=True, width="stretch")

with versions_tab:
    name = st.text_input("Version name", value=f"{sc.name} {len(week.versions()) + 1}", key="version_name")
    if st.button("Save the edited roster as a version", key="save_version", disabled=checked is None):
        with user_errors("Saving the version"):
            sim_result = library.simulate(checked, "roster:" + checked.to_frame().to_csv(index=False))
            vid = week.save_version(sc, name, checked, sim_result, state.seed(), edited=True)
            st.success(f"Saved version {vid}: {name}")
    stored = week.versions()
    if not stored:
        st.info("No versions yet: save the roster as a version to compare and publish it.")
    else:
        listing = [{"id": v.id, "name": v.name, "saved (UTC)": v.created_at.replace("T", " ")[:16],
                    "paid hours": v.figures.get("paid_hours"), "seed": v.seed,
                    "published": "yes" if v.published_at else ""} for v in stored]
        st.dataframe(pd.DataFrame(listing), hide_index=True, width="stretch")
        labels = {f"{v.id}: {v.name}": v for v in stored}
        c1, c2 = st.columns(2)
        first = labels[c1.selectbox("Version", list(labels), index=0, key="version_a")]
        second = labels[c2.selectbox("Compared with", list(labels), index=len(labels) - 1, key="version_b")]
        st.dataframe(week.figures_table(first.figures, second.figures).rename(
            columns={"before": f"{first.id}: {first.name}",
                     "after": f"{second.id}: {second.name}" + (" (the same)" if second.id == first.id else "")}),
            hide_index=True, width="stretch")
        a_int, b_int = week.version_intervals(first.id), week.version_intervals(second.id)
        if a_int is not None and b_int is not None:
            channel = st.selectbox("Per-interval service level of", sc.human_channels(), key="version_channel")
            both = pd.concat([a_int.assign(version=f"{first.id}: {first.name}"),
                              b_int.assign(version=f"{second.id}: {second.name}")])
            both = both[both["channel"] == channel]
            st.altair_chart(charts.interval_line(both, "service_level", f"{channel}: service level per interval",
                                                 color="version", target=sc.channels[channel].target.service_level
                                                 if getattr(sc.channels[channel], "target", None) else None,
                                                 y_format=".0%"), width="stretch")
        with st.expander(f"History of version {first.id}: who saved, edited, locked and published it"):
            st.dataframe(pd.DataFrame([{"when (UTC)": e.at.replace("T", " ")[:19], "who": e.user, "what": e.action,
                                        "detail": e.detail} for e in week.version_history(first.id)]),
                         hide_index=True, width="stretch")
        o1, o2 = st.columns(2)
        if o1.button("Open this version in the editor", key="open_version"):
            st.session_state[week.WORKING] = first.roster_frame().reindex(columns=ROSTER_COLUMNS).fillna("") \
                .assign(locked=False)
            st.session_state[week.WORKING_FROM] = f"result:{id(result)}"
            st.session_state.pop("roster_editor", None)
            week.open_in_editor(first.id)
            st.rerun()
        if o2.button("Mark as published", key="publish_version"):
            week.publish_version(first.id)
            st.success(f"Version {first.id} ({first.name}) is the published one for {sc.name}.")

    # Rosters of stored schedule runs (the CLI's `ccplan schedule`, earlier sessions) open in the editor too.
    stored_runs = week.schedule_runs()
    if stored_runs:
        run_labels = {f"run {r.id}: {r.scenario_name}, seed {r.seed}, {r.created_at[:16].replace('T', ' ')}": r.id
                      for r in stored_runs}
        r1, r2 = st.columns([3, 1])
        run_pick = r1.selectbox("Stored schedule run", list(run_labels), key="open_run_pick")
        if r2.button("Open its roster in the editor", key="open_run"):
            with user_errors("Opening the run"):
                week.set_working(week.run_roster(run_labels[run_pick]))
                st.session_state.pop(week.BASE, None)
            st.rerun()

with publish_tab:
    if checked is None:
        st.warning("Fix the edited roster's problems (Edit and lock) before publishing it.")
    else:
        from planning import prepare_publish

        compared = st.session_state.get("week_compare")
        to_publish = prepare_publish(checked, sc, requirement=result.requirement,
                                   figures=compared[1] if compared else None)
        published = to_publish.roster
        st.caption(f"{len(published)} shifts of {published['agent'].nunique()} agents: an agent x day grid, the "
                   "shift list, coverage against the requirement and the figures; one calendar file per agent.")
        p1, p2 = st.columns(2)
        p1.download_button("Download the published week (Excel)", week.published_workbook(to_publish),
                           file_name="published_week.xlsx", key="publish_xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        p2.download_button("Download calendars (one .ics per agent, zip)", week.calendars_zip(sc, published),
                           file_name="calendars.zip", key="publish_ics", mime="application/zip")
