"""Replay: calibrate the model on some days of your call records and replay other days; simulated vs actual per
day (abandonment and share answered within 60 s), with the uncalibrated model (agents available 100% of their
on-duty time) beside it: planning.calibrate_and_replay, the same steps as `ccplan calibrate` and `ccplan replay`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
import yaml

from app.ui import readable, settings, state, uploads
from planning import replay_json
from planning.store import jsonable
from app.ui.errors import user_errors

st.title("Replay a past period")
settings.sidebar()
st.caption("Per-call ACD records in the Anonymous Bank format (whitespace-separated: date, type, vru/queue/service "
           "clock times, outcome, server). The model is calibrated on the first days and replays the others with "
           "their real arrivals and the agents on duty read from the records.")

up = st.file_uploader("Call records", type=["tsv", "txt", "csv"], key="replay_upload")
path = st.text_input("or a file on this machine", key="replay_path")


@st.cache_data(show_spinner="Reading calls", max_entries=4)
def _records(content: bytes | None, file: str) -> pd.DataFrame:
    from forecasting import call_records, read_calls

    if content is not None:
        table = pd.read_csv(io.BytesIO(content), sep=r"\s+", dtype=str, engine="python")
        return call_records(table, name="upload")
    return call_records(read_calls(Path(file)), name=file)


if up is None and not path:
    st.info("Upload call records or give a path to start.")
    st.stop()
with user_errors("Reading the calls"):
    records = _records(uploads.content(up, ("tsv", "txt", "csv")) if up is not None else None, path)
days = sorted(records["arrival"].dt.date.unique())
if len(days) < 2:
    st.error("The records hold fewer than two days: nothing to replay after calibrating.")
    st.stop()
split = st.select_slider("First replayed day (calibration: the days before)", options=days[1:],
                         value=days[min(len(days) - 1, max(1, len(days) // 2))], key="replay_split",
                         format_func=readable.day)
st.caption(f"Calibration {readable.day(days[0])} to {readable.day(days[days.index(split) - 1])}; replay "
           f"{readable.day(split)} to {readable.day(days[-1])}.")

if st.button("Calibrate and replay", type="primary", key="replay_run"):
    from planning import calibrate_and_replay

    with user_errors("Calibrating and replaying"), st.spinner("Calibrating (availability fitted by simulation), "
                                                              "then replaying"):
        st.session_state["replay_result"] = calibrate_and_replay(
            records, split, replications=state.replications(), seed=state.seed(1), workers=state.workers() or None)

if "replay_result" not in st.session_state:
    st.stop()
outcome = st.session_state["replay_result"]
fragment, fitted, full = outcome.calibration.fragment(), outcome.fitted, outcome.full
s, f = fitted.summary, full.summary
cols = st.columns(4)
cols[0].metric("Abandonment MAE (pp)", f"{s['abandon_mae_pp']:.1f}", f"{s['abandon_mae_pp'] - f['abandon_mae_pp']:+.1f} "
               "vs 100% available", delta_color="inverse")
cols[1].metric("Abandonment bias (pp)", f"{s['abandon_bias_pp']:+.1f}")
cols[2].metric("Within 60 s MAE (pp)", f"{s['sl60_mae_pp']:.1f}", f"{s['sl60_mae_pp'] - f['sl60_mae_pp']:+.1f} "
               "vs 100% available", delta_color="inverse")
cols[3].metric("Within 60 s bias (pp)", f"{s['sl60_bias_pp']:+.1f}")

d, u = fitted.days, full.days
long = []
for figure, label in (("abandon", "abandonment"), ("sl60", "answered within 60 s")):
    long.append(pd.DataFrame({"date": pd.to_datetime(d["date"]), "figure": label, "series": "actual",
                              "value": d[f"{figure}_actual"]}))
    long.append(pd.DataFrame({"date": pd.to_datetime(d["date"]), "figure": label, "series": "simulated (calibrated)",
                              "value": d[f"{figure}_sim"]}))
    long.append(pd.DataFrame({"date": pd.to_datetime(u["date"]), "figure": label, "series": "simulated (100% available)",
                              "value": u[f"{figure}_sim"]}))
chart_data = pd.concat(long, ignore_index=True)
for label in ("abandonment", "answered within 60 s"):
    st.altair_chart(alt.Chart(chart_data[chart_data["figure"] == label]).mark_line(point=True).encode(
        x=alt.X("date:T", title=None), y=alt.Y("value:Q", title=label, axis=alt.Axis(format="%")),
        color=alt.Color("series:N", title=None),
        tooltip=[alt.Tooltip("date:T", format="%a %d %b"), "series:N", alt.Tooltip("value:Q", format=".1%")],
    ).properties(title=f"{label} per day: actual vs simulated", height=240), use_container_width=True)

st.subheader("Per day")
shares = ["abandon_actual", "abandon_sim", "sl60_actual", "sl60_sim", "sl20_actual", "sl20_sim"]
st.dataframe(readable.table(d[["date", "offered", *shares, "asa_seconds_actual", "asa_seconds_sim"]].assign(
    date=pd.to_datetime(d["date"]).dt.date), shares=shares), hide_index=True)
st.subheader("Calibration")
avail = fragment["calibration"]["availability_by_hour"]
st.caption("Availability by hour of day (share of on-duty time available for calls): "
           + " · ".join(f"{h:02d}h {a:.0%}" for h, a in avail.items() if 7 <= int(h) <= 23))
c1, c2 = st.columns(2)
c1.download_button("Scenario fragment (YAML)", yaml.safe_dump(fragment, sort_keys=False, default_flow_style=None),
                   file_name="calibration.yaml", key="replay_dl_yaml")
c2.download_button("Replay (JSON)", json.dumps(jsonable(replay_json(fitted)), indent=1, allow_nan=False),
                   file_name="replay.json",
                   key="replay_dl_json")
