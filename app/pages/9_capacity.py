"""Capacity: how many people to hire and train, and when, over the weeks ahead (planning.capacity_plan, the same
steps as `ccplan capacity`): required FTE with its band against the planned supply, ccplan's classes against a
planner's rule of thumb, the Monte Carlo's risk per week, what-ifs, and the workbook."""

from __future__ import annotations

import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from app.ui import library, readable, runs, settings
from app.ui.errors import user_errors
from scenarios import EXAMPLES_DIR

settings.page("Capacity plan")
st.caption("How many agents to hire and train, and when. Demand per week is forecast from a weekly history "
           "(yearly season, trend, holiday weeks); the agents each week needs come from ccplan's own schedule of "
           "the representative week, scaled with volume (the staffing curve, computed once and kept in a file). "
           "The plan is compared with a planner's rule of thumb (each month, hire for that month's peak after "
           "average attrition) on the same futures of leavers and demand.")

c1, c2 = st.columns(2)
capacity_path = Path(c1.text_input("Capacity file (YAML)", str(EXAMPLES_DIR / "capacity_plan.yaml"),
                                   key="cap_path"))
curve_path = Path(c2.text_input("Staffing curve file (reused when it fits, else computed and written)",
                                str(Path(".ccplan") / "capacity_curve.json"), key="cap_curve"))
c3, c4 = st.columns(2)
samples = int(c3.number_input("Monte Carlo samples", 10, 20000, 500, step=50, key="cap_samples"))
effort = float(c4.number_input("Solver effort per plan (CP-SAT deterministic time)", 0.1, 1000.0, 2.0,
                               key="cap_effort"))
inputs = (str(capacity_path), library.file_stamp(capacity_path), str(curve_path), library.file_stamp(curve_path),
          samples, effort)
if not (st.button("Plan", type="primary", key="cap_run") or st.session_state.get("cap_last") == inputs):
    st.stop()


def _run(progress):
    import json

    from optimizer import Budget
    from planning import capacity_plan, curve_key, read_curve, staffing_curve
    from scenarios import load_capacity, load_scenario
    from scenarios.tables import write_text_atomic

    plan = load_capacity(capacity_path)
    scenario = load_scenario(plan.path(plan.scenario))
    curve = read_curve(curve_path) if curve_path.exists() else None
    if curve is None or curve.key != curve_key(scenario, plan):
        curve = staffing_curve(scenario, plan, lambda f, m="": progress(0.7 * f, m))
        curve_path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(curve_path, json.dumps(curve.to_json(), indent=2) + "\n")
    return capacity_plan(plan, curve=curve, samples=samples, budget=Budget(effort=effort, wall_seconds=60.0),
                         progress=lambda f, m="": progress(0.7 + 0.3 * f, m))


with user_errors("Capacity plan"):
    result = runs.cached("capacity", inputs, _run, "Planning capacity")
st.session_state["cap_last"] = inputs

ours, rule = result.plan, result.rule
ratio = result.cost_ratio_vs_rule
st.markdown(f"**{result.name}**: {result.problem.weeks} weeks from {result.problem.mondays[0]:%d %b %Y}. "
            f"ccplan hires **{sum(c.size for c in ours.outcome.plan.classes)}** in "
            f"{len(ours.outcome.plan.classes)} class(es); the rule of thumb "
            f"{sum(c.size for c in rule.outcome.plan.classes)} in {len(rule.outcome.plan.classes)}.")
if ratio is not None:
    st.markdown(f"Expected cost (wages, flex, overtime, hiring, cross-training and shortage, mean over "
                f"{len(ours.risk.weeks_short)} futures): **{ratio:.1%}** of the rule's. Weeks short in 9 futures of "
                f"10 (P90): **{ours.risk.weeks_short_p90:g}** (rule: {rule.risk.weeks_short_p90:g}).")
for warning in result.warnings:
    st.warning(warning)

weekly = result.weekly_table()
groups = ["all groups", *[g.name for g in result.problem.groups]]
group = st.selectbox("Skill group", groups, key="cap_group")
rows = weekly if group == "all groups" else weekly[weekly["skill_group"] == group]
per_week = rows.groupby("week", sort=True)[["required", "required_p10", "required_p90", "required_planned",
                                            "working", "flex", "overtime", "rule_working"]].sum().reset_index()
per_week["ccplan supply"] = per_week["working"] + per_week["flex"] + per_week["overtime"]
per_week["week"] = pd.to_datetime(per_week["week"])
band = alt.Chart(per_week).mark_area(opacity=0.2).encode(
    x=alt.X("week:T", title="week"), y=alt.Y("required_p10:Q", title="FTE"), y2="required_p90:Q")
lines = per_week.melt(id_vars=["week"], value_vars=["required", "required_planned", "ccplan supply", "rule_working"],
                      var_name="series", value_name="FTE").replace(
    {"series": {"required": "required (median demand)", "required_planned": "required, hedged (planned)",
                "rule_working": "rule of thumb supply"}})
line = alt.Chart(lines).mark_line().encode(x="week:T", y="FTE:Q", color=alt.Color("series:N", title=None))
st.altair_chart((band + line).properties(
    title="Required working FTE (band: P10-P90 of demand) vs planned supply"), width="stretch")

risk = pd.DataFrame({"week": pd.to_datetime(result.problem.mondays), "ccplan": ours.risk.p_short,
                     "rule of thumb": rule.risk.p_short}).melt(id_vars=["week"], var_name="plan",
                                                               value_name="chance of being short")
st.altair_chart(alt.Chart(risk).mark_line().encode(
    x="week:T", y=alt.Y("chance of being short:Q", axis=alt.Axis(format="%")), color="plan:N").properties(
    title="Chance of being short, per week (Monte Carlo)"), width="stretch")

st.subheader("Training classes")
st.dataframe(readable.table(result.classes_table()), hide_index=True, width="stretch")
transfers = ours.outcome.plan.transfers
if transfers:
    st.caption("Cross-training: " + "; ".join(f"{t.count} from {t.source} to {t.target} starting "
                                              f"{readable.day(result.problem.mondays[t.week])}" for t in transfers))
st.subheader("What-ifs")
st.caption("The plan as made under each change, and a plan re-made for it, on the same futures.")
st.dataframe(result.whatif_table(), hide_index=True, width="stretch", column_config={
    "expected_cost": st.column_config.NumberColumn(f"expected cost ({readable.COST_UNIT})", format="%.0f")})

with tempfile.TemporaryDirectory() as folder:
    book = result.write_excel(Path(folder) / "capacity.xlsx").read_bytes()
st.download_button("Capacity plan (Excel)", book, file_name="capacity_plan.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="cap_xlsx")
