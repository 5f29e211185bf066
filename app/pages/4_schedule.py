"""Schedule and roster: agents, time off and locked shifts in; generate the week's roster, compare requirement with
scheduled coverage, show the roster as a table and as a per-agent timeline, download it as CSV or Excel; edit and
lock shifts with a rule re-check and re-simulation; save, compare and publish versions (app.ui.week)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import streamlit as st

from app.ui import auth, charts, kpis, library, readable, settings, state, week
from app.ui import versions as versions_view
from app.ui.errors import show_input_error, user_errors
from planning import audit

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
key = library.schedule_key()
result = library.schedule(compute=False)
if st.button("Generate roster", type="primary", key="generate_roster"):
    with user_errors("Scheduling"):
        result = library.schedule()
    week.take_generated()
if result is None and st.session_state.get(week.WORKING) is None:
    st.info("Press **Generate roster** to schedule the week for this scenario, or open a stored version on the "
            "**Versions** page.")
    st.stop()


def show_result(result) -> None:
    """The generated plan: KPIs, the risk it was planned at, coverage, the roster as a table and a timeline."""
    roster = result.roster
    frame = roster.to_frame()
    st.subheader("Plan KPIs")
    view = library.schedule_view(result, sc)
    cols = st.columns(4)
    cols[0].metric("Paid hours", readable.hours(roster.paid_hours()))
    cols[1].metric("Agents rostered", f"{len(roster.agents):,}")
    cols[2].metric("Shifts", f"{len(roster.shifts):,}")
    cols[3].metric("Cost", readable.cost(view["cost"]),
                   help="paid hours x each skill group's hourly_cost, in the unit the scenario's hourly_cost uses")
    verdict = view["verdict"]
    if verdict is not None:
        (st.success if verdict[0] else st.warning)(verdict[1])
    if view["summary"]:
        st.markdown("**Simulated service of this roster**")
        kpis.channel_metrics(sc, view["summary"])
    if view["extra"]:
        extra_cols = st.columns(min(len(view["extra"]), 4))
        for i, (label, value) in enumerate(view["extra"].items()):
            extra_cols[i % len(extra_cols)].metric(label, value)
    risk_section(result)
    baseline_section(roster)
    if any(str(col).endswith(" on target") for col in view["rounds"].columns):
        with st.expander(f"Verification rounds ({len(view['rounds'])}): share of open intervals meeting each "
                         "channel's targets (service level and max abandonment)"):
            st.dataframe(readable.table(view["rounds"]), hide_index=True, width="stretch")
    if view["shortfalls"] is not None and len(view["shortfalls"]):
        st.warning(f"{len(view['shortfalls'])} interval(s) have fewer agents rostered than the requirement; the "
                   "best plan found is shown.")
        with st.expander("Intervals below the requirement"):
            st.dataframe(readable.table(view["shortfalls"]), hide_index=True, width="stretch")
    missed = view["missed"]
    if missed is not None and len(missed):
        with st.expander(f"Intervals missing their targets in the certification ({len(missed)})"):
            st.dataframe(readable.table(missed), hide_index=True, width="stretch")
    # Warnings that change the plan (shifts nobody works, contracts short, escalations nobody can take, locked
    # shifts moved or breaking rules) are shown in full; the solver's own notes stay folded.
    plan_changing = ("could not be given", "below the contracted minimum", "escalat", "unassigned", "locked",
                     "are met in only", "no agents", "plausible weeks")
    notes = [readable.note(n) for n in view["notes"]]
    changing = [n for n in notes if any(word in n for word in plan_changing)]
    other_notes = [n for n in notes if n not in changing]
    for note in changing:
        st.warning(note)
    if other_notes:
        with st.expander(f"{len(other_notes)} note{'s' if len(other_notes) != 1 else ''} from the optimizer"):
            st.markdown("\n".join(f"- {n}" for n in other_notes))

    st.subheader("Requirement vs scheduled")
    cov = view["coverage"]
    if cov is None or not len(cov):
        st.caption("The schedule reports no coverage table.")
    else:
        keys = [k for k in cov["key"].unique()]
        pick = st.selectbox("Coverage of", keys, key="coverage_of") if len(keys) > 1 else keys[0]
        st.altair_chart(charts.coverage(cov[cov["key"] == pick], f"{pick}: agents per interval"), width="stretch")

    st.subheader("Roster")
    group_filter = st.multiselect("Skill groups", list(sc.skill_groups), default=list(sc.skill_groups),
                                  key="roster_groups")
    shown = frame[frame["skill_group"].isin(group_filter)]
    st.dataframe(shown, hide_index=True, width="stretch", height=320)
    st.markdown("**Timeline of the week**")
    agents = sorted(shown["agent"].unique())
    pages = max(1, math.ceil(len(agents) / GANTT_AGENTS))
    page = (st.number_input(f"Agents page (of {pages}, {GANTT_AGENTS} each)", 1, pages, 1, key="gantt_page")
            if pages > 1 else 1)
    chunk = agents[(page - 1) * GANTT_AGENTS: page * GANTT_AGENTS]
    if chunk:
        st.altair_chart(charts.gantt(charts.roster_segments(roster, chunk)), width="stretch")
    c1, c2 = st.columns(2)
    c1.download_button("Download roster (CSV)", frame.to_csv(index=False), file_name="roster.csv", mime="text/csv",
                       key="roster_csv")
    c2.download_button("Download roster (Excel)", library.roster_excel(result, sc), file_name="roster.xlsx",
                       key="roster_xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def baseline_section(roster) -> None:
    """The traditional plan beside ccplan's: the Erlang C two-step baseline's paid hours for the same inputs."""
    base = library.baseline(compute=False)
    if base is None:
        if st.button("Compare with the Erlang C two-step baseline", key="baseline_run",
                     help="Erlang C requirement, shifts chosen to cover it, agents rostered: how a traditional WFM "
                          "tool plans the same week (not simulated)."):
            with user_errors("Scheduling the baseline"):
                base = library.baseline()
    if base is not None:
        hours = base.roster.paid_hours()
        saved = hours - roster.paid_hours()
        st.metric("Erlang C two-step baseline: paid hours", f"{hours:,.1f}",
                  f"ccplan pays {saved:,.1f} h fewer" if saved >= 0 else f"ccplan pays {-saved:,.1f} h more",
                  delta_color="off", help="Same scenario, demand, agents and time off; the baseline sizes with "
                                          "Erlang C (no abandonment) and is not verified by simulation.")


def risk_section(result) -> None:
    """What the plan was hedged against: the risk setting, the plausible weeks' figures, and paid hours against
    risk when asked for (as `ccplan schedule --risk-curve`)."""
    certified = result.kpis.certified
    plausible = certified.plausible if certified is not None else None
    if plausible is not None:
        st.caption(f"Planned at risk {plausible.risk:.0%}: certified on {plausible.weeks} plausible weeks of demand "
                   f"({plausible.replications} replications each). Open intervals meeting targets, expected on the "
                   "real week: " + ", ".join(f"{c} {v:.1%}" for c, v in plausible.claimed.items())
                   + f"; held on {plausible.risk:.0%} of the weeks: "
                   + ", ".join(f"{c} {v:.1%}" for c, v in plausible.at_risk.items()) + ".")
    elif result.risk is not None:
        st.caption(f"Planned at risk {result.risk:.0%}: the requirement is sized on each channel's demand at that "
                   "quantile of its plausible weeks (not certified on them: verification is off).")
    elif state.risk():
        st.caption("Planned against the forecast taken as exact: the demand has no error law (no backtest of the "
                   "history, no demand.day_sd).")
    else:
        st.caption("Planned against the forecast taken as exact (risk 0 in the sidebar).")
    if result.risk_curve:
        curve = pd.DataFrame([{"risk": p.risk, "paid hours": p.paid_hours} for p in result.risk_curve])
        st.markdown("**Paid hours against risk** (the hedged requirement's shift selection at each risk, without "
                    "simulation)")
        st.altair_chart(charts.risk_curve(curve), width="stretch")
    st.toggle("Also compute paid hours against risk (50%, 75%, 90%, 95%) when generating", value=state.risk_curve(),
              key="risk_curve_toggle", on_change=lambda: state.remember(
                  state.RISK_CURVE, st.session_state["risk_curve_toggle"]))


if result is not None:
    show_result(result)
    made_for = library.describe_inputs()
    base = week.working(result.roster.to_frame(), key, made_for=(key, made_for))
    opened_from = st.session_state.get(week.WORKING_FOR) or ["", ""]
    if str(opened_from[0]).startswith(("version:", "run:")):
        st.info(f"The roster being edited was opened from {opened_from[1]}; **Generate roster** makes the generated "
                "one the roster being edited again.")
else:
    base = st.session_state[week.WORKING]
    made_for = st.session_state.get(week.WORKING_FOR) or ["", "earlier inputs"]
    if str(made_for[0]).startswith(("version:", "run:")):
        st.info(f"The roster being edited was opened from {made_for[1]}. Generate to plan for the current inputs.")
    elif made_for[0] != key:
        st.warning(f"**The roster below was made for other inputs** ({made_for[1]}): the scenario, the uploads or "
                   "the run settings changed since. It stays here to edit, save and publish; press **Generate "
                   "roster** to plan for the current inputs (it then stays one Undo away).")
    else:
        st.info("The roster being edited, kept in the workspace. Its plan figures (KPIs, coverage) come back with "
                "**Generate roster**: the same inputs give the same roster, and your edits stay.")

# --- edit and lock, versions, publish --------------------------------------------------------------------------------
st.subheader("Edit, lock, save and publish")
with user_errors("Reading the agents"):
    crew = week.agents(sc)
edit_tab, versions_tab, publish_tab = st.tabs(["Edit and lock", "Versions", "Publish"])

with edit_tab:
    st.caption("Change a shift (times, lunch, breaks), give it to another agent, or add and remove rows; tick "
               "**locked** to keep a shift exactly as it is when the roster is generated again. Table edits, "
               "moves, locks and opened versions are one history: **Undo** steps back through all of them.")
    # The table first, so that its edits are part of the roster every quick edit below starts from.
    edited = st.data_editor(base, key=week.editor_key(), hide_index=True, num_rows="dynamic", width="stretch",
                            height=320, column_config={"locked": st.column_config.CheckboxColumn("locked")})
    if week.take_table_edits(edited):
        week.audit_edit(audit.SHIFT_EDITED, "edited in the roster table")
        st.rerun()
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
        groups = {a.id: a.skill_group for a in crew}
        dates = [str(sc.start + dt.timedelta(days=i)) for i in range(sc.days)]
        if to_move in labels and (st.session_state.get("move_for") != to_move
                                  or not st.session_state.get("move_start")):
            # A newly picked shift fills the fields with where it is now (same widgets: nothing left stale); so
            # does coming back from another page, which drops the fields' values.
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
                    week.set_working(week.move(base, to_move, move_agent, move_date, move_start, end=move_end,
                                               skill_group=groups.get(move_agent)))
                    week.audit_edit(audit.SHIFT_EDITED, f"{to_move} moved to {move_agent} · {move_date} · "
                                                        f"{move_start}-{move_end}")
                st.rerun()
        if st.button("Undo the last edit", key="undo_edit", disabled=not st.session_state.get(week.UNDO)):
            week.undo()
            week.audit_edit(audit.SHIFT_EDITED, "the last edit undone")
            st.rerun()
    checked, breaks, problem = week.check_roster(sc, base, crew)
    if problem is not None:
        show_input_error(problem)
    elif breaks:
        st.error("**Labour rules broken by the edited roster** (agent: rule: detail)\n\n"
                 + "\n".join(f"- {b}" for b in breaks[:40]))
    else:
        st.success("Every labour rule holds for every agent.")
    b1, b2 = st.columns(2)
    edited_key = "roster:" + checked.to_frame().to_csv(index=False) if checked is not None else None
    if b1.button("Re-simulate the edited roster", key="resimulate", disabled=checked is None):
        with user_errors("Simulating"):
            before = {}
            if result is not None:
                before = week.roster_figures(sc, result.roster, library.simulate(
                    result.roster, "roster:" + result.roster.to_frame().to_csv(index=False)))
            after = week.roster_figures(sc, checked, library.simulate(checked, edited_key))
            st.session_state["week_compare"] = (edited_key, before, after)
    if b2.button("Regenerate keeping the locked shifts", key="regenerate_locked", type="primary"):
        week.lock_rows(base)
        with user_errors("Scheduling"):
            library.schedule()
        week.take_generated()
        st.rerun()
    compared = st.session_state.get("week_compare")
    if compared and len(compared) == 3 and compared[0] == edited_key:
        st.markdown("**The edited roster beside the generated one** (same seed and replications)")
        st.dataframe(week.figures_table(compared[1], compared[2]), hide_index=True, width="stretch")

with versions_tab:
    name = st.text_input("Version name", value=f"{sc.name} {len(week.versions()) + 1}", key="version_name")
    if st.button("Save the edited roster as a version", key="save_version", disabled=checked is None,
                 help="Simulated first (sidebar replications and seed): the version keeps its figures and locks."):
        with user_errors("Saving the version"):
            sim_result = library.simulate(checked, edited_key)
            vid = week.save_version(sc, name, checked, sim_result, state.seed(), edited=True,
                                    locked=base[base["locked"]])
            st.success(f"Saved version {vid}: {name}")
    versions_view.panel(sc)

with publish_tab:
    if checked is None:
        st.warning("Fix the edited roster's problems (Edit and lock) before publishing it.")
    else:
        from planning import prepare_publish

        # The published figures are those of this very roster: a stored version's own when it is one (unchanged),
        # else this roster simulated now (sidebar replications and seed).
        same = week.version_with_roster(checked)
        sim_result = library.simulate(checked, edited_key, compute=False)
        if same is not None:
            figures, source = same.figures, f"the figures of version {same.id} ({same.name}), this very roster"
        elif sim_result is not None:
            figures = week.roster_figures(sc, checked, sim_result)
            source = (f"this roster simulated with {state.replications()} replications, seed {state.seed()}")
        else:
            figures = None
            st.info("The edited roster is not a stored version: simulate it for the published figures.")
            if st.button("Simulate the roster to publish", key="publish_simulate", type="primary"):
                with user_errors("Simulating"):
                    library.simulate(checked, edited_key)
                st.rerun()
        if figures is not None:
            if breaks:
                st.warning(f"The roster breaks {len(breaks)} labour rule(s) (Edit and lock): publish it only if "
                           "that is meant.")
            for line in week.target_misses(sc, figures):
                st.warning(line)
            to_publish = prepare_publish(checked, sc, requirement=result.requirement if result is not None else None,
                                         figures=figures)
            published = to_publish.roster
            st.caption(f"{len(published)} shifts of {published['agent'].nunique()} agents: an agent x day grid, the "
                       f"shift list, coverage against the requirement and {source}; one calendar file per agent.")
            p1, p2 = st.columns(2)
            p1.download_button("Download the published week (Excel)", week.published_workbook(to_publish),
                               file_name="published_week.xlsx", key="publish_xlsx",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            p2.download_button("Download calendars (one .ics per agent, zip)", week.calendars_zip(sc, published),
                               file_name="calendars.zip", key="publish_ics", mime="application/zip")
