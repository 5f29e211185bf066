"""Today: reforecast the day from the contacts so far and re-plan its rest (planning.intraday.replan_day): the
day's chart (forecast, actual so far, reforecast with its 80 % band; agents on duty before and after) and the
recommended actions, downloadable."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.ui import library, readable, settings, state, uploads, week
from app.ui.errors import show_input_error, user_errors
from scenarios import InputError, read_roster

sc = settings.page("Today")
st.caption("Reforecast the rest of a day from its contacts so far, then recommend overtime, earlier starts, "
           "voluntary time off, moved breaks and lunches and call-ins, checked by simulating the rest of the day "
           "from the state now and certified on fresh replications.")

# --- the roster ------------------------------------------------------------------------------------------------
choice = st.radio("Roster", ["Roster from the Schedule page", "Upload a roster CSV"], horizontal=True,
                  key="today_roster_source")
roster, roster_key = None, None
crew = None
with user_errors("Reading the agents"):
    # Call-ins and overtime go to the agents in use (the uploaded list with its time off), never invented ones.
    crew = week.agents(sc)
if choice == "Roster from the Schedule page":
    edited = st.session_state.get(week.WORKING)
    if edited is None:
        st.info("No roster for these inputs yet: generate it on the Schedule and roster page, or upload one.")
    else:
        roster, breaks, problem = week.check_roster(sc, edited, crew)
        if problem is not None:
            show_input_error(problem)
            st.stop()
        roster_key = "edited:" + hashlib.sha256(edited.to_csv(index=False).encode()).hexdigest()
        st.caption(f"The roster being edited on the Schedule page: {len(roster.shifts)} shifts of "
                   f"{len(roster.agents)} agents.")
else:
    up = st.file_uploader("Roster CSV", type=["csv"], key="today_roster_upload")
    if up is not None:
        try:
            data = uploads.content(up, ("csv",))
            roster = read_roster(pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False), sc)
            roster_key = "upload:" + hashlib.sha256(data).hexdigest()
        except InputError as exc:
            show_input_error(exc)
            st.stop()
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            st.error(f"{up.name} is not a readable CSV ({exc})")
            st.stop()

# --- the day and its contacts so far -------------------------------------------------------------------------------
days = [sc.start + dt.timedelta(days=k) for k in range(sc.days)]
c1, c2 = st.columns(2)
day = c1.selectbox("Day", days, index=min(1, len(days) - 1), format_func=lambda d: f"{d:%a %Y-%m-%d}",
                   key="today_day")
now_t = c2.time_input("Now", value=dt.time(11, 0), step=sc.interval_minutes * 60, key="today_now")
moment = pd.Timestamp.combine(day, now_t)
mode = st.radio("Today's contacts so far", ["Try it: a channel at a multiple of its forecast", "Upload actuals CSV"],
                horizontal=True, key="today_actuals_mode")
demand = library.scenario_demand()
actuals, actuals_key = None, None
if mode.startswith("Try"):
    c3, c4 = st.columns(2)
    channel = c3.selectbox("Channel", [c for c in sc.channels if sc.channels[c].kind != "ai"], key="today_channel")
    factor = c4.slider("Actual / forecast so far", 0.5, 1.5, 1.2, 0.05, key="today_factor")
    from sim import arrival_times

    d0 = pd.Timestamp(day)
    own = demand[(demand["channel"] == channel) & (demand["ds"] >= d0) & (demand["ds"] < moment)]
    step = sc.interval_minutes * 60.0
    # Drawn by the simulator's own arrival model, seeded: the same settings show the same day.
    times = arrival_times(np.random.default_rng(state.seed()), own["contacts"].to_numpy(float) * factor, step)
    counts = np.bincount((times // step).astype(int), minlength=len(own))[:len(own)]
    actuals = pd.DataFrame({"ds": own["ds"].to_numpy(), "channel": channel, "contacts": counts.astype(float)})
    actuals_key = f"try:{channel}:{factor}:{state.seed()}"
else:
    up = st.file_uploader("Actuals CSV (ds, channel, contacts: complete intervals before now)", type=["csv"],
                          key="today_actuals_upload")
    if up is not None:
        try:
            data = uploads.content(up, ("csv",))
            actuals = pd.read_csv(io.BytesIO(data))
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            st.error(f"{up.name} is not a readable CSV ({exc})")
            st.stop()
        actuals_key = "upload:" + hashlib.sha256(data).hexdigest()

if roster is None or actuals is None:
    st.stop()
with user_errors("Checking the actuals"):
    from forecasting import check_actuals

    actuals = check_actuals(actuals, day, moment, list(sc.channels), sc.interval_minutes)

key = ("today", state.scenario_key(), roster_key, actuals_key, str(moment), state.seed(), state.workers(),
       week.inputs_key())
results = st.session_state.setdefault("today_results", {})
if key not in results:
    if not st.button("Re-plan the rest of the day", type="primary", key="today_run"):
        st.stop()
    from planning.intraday import Options, replan_day

    with st.status("Re-planning the rest of the day", expanded=False) as status, user_errors("Re-planning"):
        bar = st.progress(0.0)
        plan = replan_day(sc, roster, demand, actuals, moment, agents=crew,
                          options=Options(seed=state.seed(), workers=state.workers() or 2),
                          progress=lambda f, msg: bar.progress(min(max(f, 0.0), 1.0), text=msg))
        status.update(label=f"Re-planned in {plan.seconds:.0f} s", state="complete")
    results[key] = plan
plan = results[key]

# --- figures -------------------------------------------------------------------------------------------------------
human = sc.human_channels()
cols = st.columns(4)
seen = plan.reforecast.groupby("channel")["factor"].first()
cols[0].metric("Reforecast factor", ", ".join(f"{c} x{f:.2f}" for c, f in seen.items()))
cols[1].metric("Hours added", readable.hours(plan.hours_added))
cols[2].metric("Hours released", readable.hours(plan.hours_released))
first = human[0]
cols[3].metric(f"{first}: rest-of-day intervals on target", readable.pct(plan.shares_after.get(first)),
               readable.pp((plan.shares_after.get(first) or 0) - (plan.shares_before.get(first) or 0)))

refc = plan.reforecast.copy()
for ch in sorted(refc["channel"].unique()):
    own = refc[refc["channel"] == ch]
    rest = own[own["ds"] >= moment]
    layers = [
        alt.Chart(rest).mark_area(opacity=0.25, color="#ff7f0e").encode(x="ds:T", y="yhat_lo:Q", y2="yhat_hi:Q"),
        alt.Chart(own).mark_line(color="#1f77b4").encode(x=alt.X("ds:T", title=None),
                                                        y=alt.Y("forecast:Q", title="contacts per interval")),
        alt.Chart(own.dropna(subset=["actual"])).mark_line(color="#333", point=True).encode(x="ds:T", y="actual:Q"),
        alt.Chart(rest).mark_line(color="#ff7f0e", strokeDash=[4, 3]).encode(x="ds:T", y="yhat:Q"),
    ]
    st.altair_chart(alt.layer(*layers).properties(
        title=f"{ch}: week-ahead forecast (blue), actual so far (black), reforecast with its 80% band (orange)",
        height=220), width="stretch")

from optimizer import on_duty_coverage  # noqa: E402
from planning.intraday import day_roster  # noqa: E402

k = (pd.Timestamp(day) - pd.Timestamp(sc.start)).days
n, step = sc.intervals_per_day, sc.interval_minutes * 60.0
ds = pd.date_range(pd.Timestamp(day), periods=n, freq=f"{sc.interval_minutes}min")
frames = []
for label, r in (("published", roster), ("re-planned", plan.roster)):
    on = sum((on_duty_coverage(s, n, step) for s in day_roster(r, k, day).shifts), np.zeros(n))
    frames.append(pd.DataFrame({"ds": ds, "agents on duty": on, "roster": label}))
staff = pd.concat(frames, ignore_index=True)
st.altair_chart(alt.Chart(staff).mark_line(interpolate="step-after").encode(
    x=alt.X("ds:T", title=None), y="agents on duty:Q", color="roster:N").properties(
    title="agents on duty (shift less lunch and breaks, before shrinkage)", height=220), width="stretch")

figures = pd.DataFrame({"channel": human,
                        "unchanged roster": [plan.shares_before.get(c) for c in human],
                        "re-planned": [plan.shares_after.get(c) for c in human]})
st.subheader("Rest of the day: open intervals meeting every target (certified on fresh replications)")
st.dataframe(figures.style.format({"unchanged roster": "{:.1%}", "re-planned": "{:.1%}"}, na_rep="-"),
             hide_index=True)

actions = plan.action_table(sc)
st.subheader(f"Recommended actions ({len(actions)})")
st.dataframe(readable.table(actions), hide_index=True, width="stretch")
c5, c6 = st.columns(2)
c5.download_button("Actions CSV", actions.to_csv(index=False).encode(), "actions.csv", "text/csv",
                   key="today_dl_actions")
c6.download_button("Re-planned roster CSV", plan.roster.to_frame().to_csv(index=False).encode(),
                   "roster_today.csv", "text/csv", key="today_dl_roster")
