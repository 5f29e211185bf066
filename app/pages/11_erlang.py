"""How many agents: the quick Erlang view a planner used to commercial WFM expects, for one queue and one interval,
sized by the same requirement code the schedule uses (app.ui.erlang)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui import settings
from app.ui.erlang import quick_sizing
from app.ui.errors import user_errors

settings.page("How many agents (Erlang)")
st.caption("One phone queue with a steady rate over an interval: the agents Erlang C needs (callers wait for ever) "
           "and Erlang A (callers hang up after their patience), the same formulas the schedule starts from. "
           "The schedule then simulates the week and re-sizes where an interval misses its targets.")
c1, c2, c3 = st.columns(3)
contacts = c1.number_input("Calls per interval", min_value=0.0, value=100.0, step=10.0, key="erlang_calls")
aht = c2.number_input("Handle time (AHT, seconds)", min_value=1.0, value=300.0, step=10.0, key="erlang_aht")
minutes = c3.selectbox("Interval (minutes)", [15, 30, 60], index=1, key="erlang_interval")
c4, c5, c6 = st.columns(3)
sl = c4.number_input("Service level target (%)", min_value=1.0, max_value=100.0, value=80.0, step=5.0,
                     key="erlang_sl", help="Share of calls answered within the threshold, in percent (80 for 80%).")
within = c5.number_input("Answered within (seconds)", min_value=1.0, value=20.0, step=5.0, key="erlang_within")
patience = c6.number_input("Caller patience (seconds, 0 = none)", min_value=0.0, value=180.0, step=30.0,
                           key="erlang_patience")
shrinkage = st.slider("Shrinkage (absence, meetings, coaching)", 0.0, 0.6, 0.3, 0.05, key="erlang_shrinkage",
                      format="%.2f")
with user_errors("Sizing"):
    sized = quick_sizing(contacts=contacts, aht_seconds=aht, interval_minutes=int(minutes), service_level=sl / 100,
                         answer_within_seconds=within, patience_seconds=patience or None, shrinkage=shrinkage)
    cols = st.columns(4)
    cols[0].metric("Offered load", f"{sized.load_erlangs:,.2f} Erlangs")
    cols[1].metric("Erlang C: agents answering", f"{sized.erlang_c:,.1f}")
    cols[2].metric("Erlang A: agents answering", f"{sized.erlang_a:,.1f}" if sized.erlang_a is not None else "n/a",
                   help="With the callers' patience: some hang up, so fewer agents meet the same service level.")
    cols[3].metric("Agents to roster", f"{sized.on_duty:,.1f}",
                   help="Erlang A (else C) rounded up, divided by (1 - shrinkage).")
    rows = []
    for factor in (0.8, 0.9, 1.0, 1.1, 1.2, 1.5):
        s = quick_sizing(contacts=contacts * factor, aht_seconds=aht, interval_minutes=int(minutes),
                         service_level=sl / 100, answer_within_seconds=within, patience_seconds=patience or None,
                         shrinkage=shrinkage)
        rows.append({"calls per interval": round(contacts * factor, 1), "Erlang C": round(s.erlang_c, 1),
                     "Erlang A": None if s.erlang_a is None else round(s.erlang_a, 1),
                     "agents to roster": round(s.on_duty, 1)})
    st.markdown("**The same at other volumes**")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
