"""Published roster: the version of each scenario marked published (what agents see), its figures, its roster, its
simulated service per interval, and who saved, edited and published it. Read-only: the one page a viewer opens;
planners also see the workspace's whole change history here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui import auth, charts, readable, week
from planning.store import Workspace

st.title("Published roster")
with Workspace() as ws:
    published = [v for v in ws.versions() if v.published_at]
if not published:
    st.info("No roster is published yet." + (" Publish a version on the Schedule and roster page (Versions)."
                                                if auth.can_edit() else " A planner publishes it."))
    st.stop()

by_label = {f"{v.scenario_name}: {v.name} (version {v.id})": v for v in published}
version = by_label[st.selectbox("Scenario", list(by_label), key="published_pick")]
st.caption(f"Version {version.id}, {version.name}: saved {readable.when(version.created_at)} UTC, published "
           f"{readable.when(version.published_at)} UTC, seed {version.seed}.")

figures = version.figures
cols = st.columns(3)
cols[0].metric("Paid hours", readable.hours(figures.get("paid_hours")))
cols[1].metric("Agents rostered", f"{figures.get('agents', 0):,}")
cols[2].metric("Shifts", f"{figures.get('shifts', 0):,}")
channels = figures.get("channels") or {}
if channels:
    st.markdown("**Simulated service of this roster**")
    st.dataframe(pd.DataFrame([{"channel": c, "service level": f.get("service_level"),
                                "abandoned": f.get("abandon_rate"),
                                "open intervals meeting targets": f.get("intervals_meeting_target")}
                               for c, f in channels.items()]),
                 hide_index=True, width="stretch",
                 column_config={k: st.column_config.NumberColumn(k, format="percent")
                                for k in ("service level", "abandoned", "open intervals meeting targets")})

st.subheader("Roster")
frame = version.roster_frame()
groups = sorted(frame["skill_group"].unique()) if "skill_group" in frame else []
chosen = st.multiselect("Skill groups", groups, default=groups, key="published_groups")
st.dataframe(frame[frame["skill_group"].isin(chosen)] if groups else frame, hide_index=True, width="stretch",
             height=360)
st.download_button("Download the published roster (CSV)", version.roster_csv, file_name="published_roster.csv",
                   mime="text/csv", key="published_csv")

intervals = week.version_intervals(version.id)
if intervals is not None and "service_level" in intervals:
    channel = st.selectbox("Per-interval service level of", sorted(intervals["channel"].unique()),
                           key="published_channel")
    st.altair_chart(charts.interval_line(intervals[intervals["channel"] == channel], "service_level",
                                         f"{channel}: simulated service level per interval", y_format=".0%"),
                    width="stretch")

st.subheader("History")
with Workspace() as ws:
    rows = ws.history(("version", version.id))
    everything = ws.history(limit=500) if auth.can_edit() else []


def _table(entries) -> pd.DataFrame:
    return pd.DataFrame([{"when (UTC)": readable.when(e.at), "who": e.user, "role": e.role,
                          "what": e.action, "of": e.target, "detail": e.detail} for e in entries])


st.dataframe(_table(rows), hide_index=True, width="stretch")
if everything:
    with st.expander(f"Every change to the workspace (newest {len(everything)})"):
        st.dataframe(_table(everything), hide_index=True, width="stretch")
