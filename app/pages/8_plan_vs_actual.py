"""Plan vs actual: each of the last weeks of the scenario's history forecast from the weeks before, scheduled, and
the rosters simulated on what really happened (planning.backtest_plan, the same steps as `ccplan backtest-plan`);
ccplan beside the Erlang C baseline and a roster made with hindsight."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from app.ui import charts, library, settings, state
from app.ui.errors import user_errors
from planning.store import jsonable

# A roster "holds" on a week when at least this share of open intervals met every target on the actual counts.
HOLDS = 0.95
LABELS = {"ccplan": "ccplan", "erlang-c-two-step": "Erlang C baseline", "hindsight": "hindsight"}
SHARES = ("claimed", "actual")

sc = settings.page("Plan vs actual")
st.caption("Would ccplan have held on your own past weeks? Each week is forecast from the history before it, "
           "scheduled, and the roster simulated on the week's actual counts. *Claimed*: the share of open intervals "
           "meeting every target that the schedule certified; *actual*: the same share on what really happened. "
           "The Erlang C baseline is scheduled on the same forecast; *hindsight* on the actual counts.")
if sc.demand.history is None:
    st.info("This page needs the scenario's past contacts: a `demand.history` (CSV: ds, channel, contacts, one row "
            "per interval and channel) with at least three full weeks. Give one on the Data and forecast page or in "
            "the scenario's `demand` section; this scenario's demand comes from "
            f"{'a forecast file' if sc.demand.forecast else 'explicit rates'}.")
    st.stop()

weeks = st.slider("Past weeks", 1, 8, 4, key="pva_weeks", help="How many of the history's last full weeks.")
# The sidebar's settings: its replications serve every simulation here (the loop's, the certification's and the
# actual counts'), so the claimed figure is as precise as the actual one.
replications = max(2, state.replications())
options = dict(replications=replications, schedule_replications=replications, certify_replications=replications,
               seed=state.seed(sc.simulation.seed), effort=state.solver_effort(), rounds=state.rounds())
if state.workers():
    options["workers"] = state.workers()
st.caption(f"{replications} replications per simulation, seed {options['seed']}, solver effort "
           f"{options['effort']:g}, up to {options['rounds']} verification rounds (sidebar). Every week is "
           "scheduled three times: this takes a while.")
inputs = (weeks, tuple(sorted(options.items())))
if not (st.button("Run", type="primary", key="pva_run") or st.session_state.get("pva_last") == inputs):
    st.stop()


def _run(progress):
    from planning import backtest_plan

    return backtest_plan(sc, weeks=weeks, progress=progress, **options)


with user_errors("Plan vs actual"):
    result = library.call("plan_vs_actual", inputs, _run, f"Planning and replaying {weeks} past week(s)")
st.session_state["pva_last"] = inputs

rows = result.rows()
channels = [c.split(".", 1)[1] for c in rows.columns if c.startswith("claimed.")]
per_channel = [f"{s}.{c}" for c in channels for s in SHARES] if len(channels) > 1 else []
table = rows[["week", "method", *SHARES, "paid_hours", "wape", *per_channel]].assign(
    week=pd.to_datetime(rows["week"]).dt.date, method=rows["method"].map(LABELS))
percent = ["claimed", "actual", "wape", *per_channel]
table[percent] = table[percent].astype(float) * 100


def _verdict(rows: pd.DataFrame) -> list[str]:
    """Plain sentences: how often each method held on the actual counts, how far ccplan's claims were off, and
    what its roster paid against hindsight."""
    lines = []
    n = rows["week"].nunique()
    by_method = {m: own.set_index("week") for m, own in rows.groupby("method", sort=False)}
    own = by_method.get("ccplan")
    if own is not None:
        held = int((own["actual"].astype(float) >= HOLDS).sum())
        gap = 100 * float((own["claimed"].astype(float) - own["actual"].astype(float)).mean())
        lines.append(f"On **{held} of {n}** past week{'s' if n != 1 else ''} the ccplan roster met targets in "
                     f"at least {HOLDS:.0%} of intervals on what really happened; its claimed figures were on "
                     f"average **{abs(gap):.1f} pp {'above' if gap >= 0 else 'below'}** the actual.")
        hindsight = by_method.get("hindsight")
        if hindsight is not None:
            ratio = float((own["paid_hours"] / hindsight["paid_hours"]).mean())
            lines.append(f"It paid on average {abs(ratio - 1):.1%} {'more' if ratio >= 1 else 'fewer'} hours than "
                         "a roster made with hindsight of the actual counts.")
    baseline = by_method.get("erlang-c-two-step")
    if baseline is not None:
        held = int((baseline["actual"].astype(float) >= HOLDS).sum())
        lines.append(f"The Erlang C baseline met targets in at least {HOLDS:.0%} of intervals on {held} of {n} "
                     "week(s).")
    return lines


for line in _verdict(rows):
    st.markdown(line)

chart_data = rows.melt(id_vars=["week", "method"], value_vars=list(SHARES), var_name="figure", value_name="share")
chart_data = chart_data.assign(week=pd.to_datetime(chart_data["week"]), method=chart_data["method"].map(LABELS))
st.altair_chart(charts.claimed_vs_actual(chart_data.dropna(subset=["share"]), "Claimed vs actual, per week",
                                         threshold=HOLDS), width="stretch")

st.dataframe(table, hide_index=True, width="stretch", column_config={
    "week": st.column_config.DateColumn("week starting", format="ddd D MMM YYYY"),
    "paid_hours": st.column_config.NumberColumn("paid hours", format="%.1f"),
    "wape": st.column_config.NumberColumn("forecast WAPE", format="%.1f%%"),
    **{c: st.column_config.NumberColumn(c, format="%.1f%%") for c in percent if c != "wape"}})
notes = [f"{w.start:%d %b %Y}, {LABELS[m]}: {note}" for w in result.weeks for m, p in w.plans.items()
         for note in p.warnings]
if notes:
    with st.expander(f"Schedule warnings ({len(notes)})"):
        for note in notes:
            st.caption(note)

c1, c2 = st.columns(2)
c1.download_button("Plan vs actual (JSON)", json.dumps(jsonable({"scenario": sc.name, **result.to_json()}), indent=1,
                                                       allow_nan=False),
                   file_name="plan_vs_actual.json", mime="application/json", key="pva_json")
c2.download_button("Plan vs actual (CSV)", rows.to_csv(index=False), file_name="plan_vs_actual.csv",
                   mime="text/csv", key="pva_csv")
