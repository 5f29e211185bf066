"""Data and forecast: the scenario's (or an uploaded) contact history, the week's forecast per channel with
prediction bands, and the backtest accuracy table."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
import yaml

from app.ui import charts, library, readable, settings, state, uploads
from app.ui import history as hist_ui
from app.ui.errors import show_input_error, user_errors
from scenarios import InputError

UPLOADS = Path(tempfile.gettempdir()) / "ccplan-app-uploads"
HISTORY_WEEKS_SHOWN = 2

sc = settings.page("Data and forecast")
with st.expander("Start here: a week's plan in five steps", expanded=st.session_state.get("week_working") is None):
    st.markdown(
        "1. **Data and forecast** (this page): check the history and the week's forecast; choose which handle time "
        "(AHT) to plan with.\n"
        "2. **Scenario**: opening hours, targets (service level as a share: 0.8 for 80%), skill groups, shift rules.\n"
        "3. **Schedule and roster**: upload your agents and time off, press **Generate roster**, then edit, lock, "
        "save a version and publish. Your work is kept in the workspace: a reload or a restart finds it again.\n"
        "4. **What-if** and **Today**: try changes against the plan; re-plan the rest of a day from its contacts.\n"
        "5. **Versions**: reopen, compare and publish any roster kept.\n\n"
        "A quick answer first? **How many agents (Erlang)** sizes one queue for one interval.")

# --- history source ------------------------------------------------------------------------------------------
source = st.radio("History", ["Scenario's history", "Upload a history CSV"], horizontal=True, key="history_source")
history_path: Path | None = None
if source == "Upload a history CSV":
    up = st.file_uploader("History CSV (long format: ds, channel, contacts[, aht_seconds])", type=["csv"],
                          key="history_upload")
    if up is None:
        st.info("Choose a CSV file; the example's format: `ds,channel,contacts,aht_seconds`, one row per interval "
                "and channel.")
        st.stop()
    content = uploads.content(up, ("csv",))
    # One folder per content, the file under the planner's own name: every message and caption shows that name.
    folder = UPLOADS / hashlib.sha256(content).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    history_path = folder / (Path(up.name).name or "history.csv")
    if not history_path.exists():
        history_path.write_bytes(content)
    try:
        library.read_history(str(history_path), library.file_stamp(history_path), sc.interval_minutes)
    except InputError as exc:
        exc.problems = [type(p)(p.where.replace(str(history_path), up.name), p.message) for p in exc.problems]
        show_input_error(exc)
        st.stop()
    if sc.demand.history is not None and sc.resolve(sc.demand.history) == history_path:
        st.success(f"The scenario forecasts from {up.name}.")
    elif st.button(f"Use {up.name} as the scenario's history", type="primary", key="use_history"):
        data = yaml.safe_load(state.scenario_text())
        demand = {k: v for k, v in (data.get("demand") or {}).items() if k not in ("history", "forecast", "rates")}
        data["demand"] = {"history": str(history_path), **demand}
        state.set_scenario(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110), state.base_dir(),
                           state.source_name())
        st.rerun()
    else:
        st.caption("Preview below; the forecast uses the scenario's history until you switch.")
elif sc.demand.history is not None:
    history_path = sc.resolve(sc.demand.history)

history = None
if history_path is not None:
    with user_errors("Reading the history"):
        history = library.read_history(str(history_path), library.file_stamp(history_path), sc.interval_minutes)
    span = f"{history['ds'].min():%a %d %b %Y} to {history['ds'].max():%a %d %b %Y}"
    st.caption(f"History `{history_path.name}`: {len(history):,} rows, {history['channel'].nunique()} channels, "
               f"{span}.")
    extra, missing = hist_ui.unmatched(sc, history)
    if extra:
        # A bank's call types (IN, NE, PS, ...) rarely carry the scenario's channel names: map them here.
        st.warning(f"The history's channels {', '.join(extra)} are not channels of the scenario "
                   f"({', '.join(sc.channels)}). Map each onto a scenario channel (several may share one: their "
                   "contacts are added) or leave it out.")
        targets = [hist_ui.IGNORE] + list(sc.channels)
        mcols = st.columns(min(len(extra), 4))
        mapping = {c: mcols[i % len(mcols)].selectbox(f"History channel {c}", targets, key=f"map_{c}")
                   for i, c in enumerate(extra)}
        if st.button("Use the history with these channels", key="apply_mapping", type="primary"):
            mapped = hist_ui.write_mapped(history, mapping, history_path.name)
            data = yaml.safe_load(state.scenario_text())
            demand_spec = {k: v for k, v in (data.get("demand") or {}).items()
                           if k not in ("history", "forecast", "rates")}
            data["demand"] = {"history": str(mapped), **demand_spec}
            state.set_scenario(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110), state.base_dir(),
                               state.source_name())
            st.rerun()
    for name in missing:
        st.warning(f"No history for channel **{name}**: its forecast has no contacts from history.")
else:
    st.caption(f"The scenario's demand comes from {'a forecast file' if sc.demand.forecast else 'explicit rates'}, "
               "not from history.")

# --- forecast ------------------------------------------------------------------------------------------------
with user_errors("Forecasting"):
    demand = library.scenario_demand()
bands = None
if history is not None and sc.demand.history is not None and history_path == sc.resolve(sc.demand.history):
    with user_errors("Forecasting the prediction bands"):
        bands = library.forecast_bands(sc, history_path)

# --- handle times: which source the forecast carries -----------------------------------------------------------------
aht_table = hist_ui.aht_summary(sc, history, demand)
if len(aht_table) and aht_table["history mean (s)"].notna().any():
    choice = st.radio("Handle time (AHT) from", ["the history, where it has handle times",
                                                 "the scenario's aht_seconds"],
                      index=0 if hist_ui.aht_source() == "history" else 1, horizontal=True, key="aht_choice",
                      help="The history's handle times win by default; choose the scenario's to plan with the "
                           "values edited on the Scenario page. Every page uses the choice.")
    wanted = "history" if choice.startswith("the history") else "scenario"
    if wanted != hist_ui.aht_source():
        hist_ui.set_aht_source(wanted)
        st.rerun()
    st.dataframe(aht_table, hide_index=True, width="stretch")
elif len(aht_table):
    st.caption("Handle times: the scenario's aht_seconds (the history has none).")

totals = demand.groupby("channel", sort=False)["contacts"].sum()
st.subheader(f"Forecast for the week of {sc.start:%d %b %Y}")
for warning in hist_ui.forecast_warnings(bands):
    st.warning(f"Forecast: {warning}.")
cols = st.columns(len(totals))
for col, (channel, total) in zip(cols, totals.items()):
    col.metric(f"{channel} contacts", f"{total:,.0f}", help="expected contacts in the week (scales applied)")

tabs = st.tabs(list(sc.channels))
for tab, channel in zip(tabs, sc.channels):
    with tab:
        own = demand[demand["channel"] == channel]
        fc = pd.DataFrame({"ds": own["ds"], "yhat": own["contacts"]})
        if bands is not None and channel in set(bands["channel"]):
            b = bands[bands["channel"] == channel][["ds", "yhat_lo", "yhat_hi"]]
            fc = fc.merge(b, on="ds", how="left")
        hist = pd.DataFrame(columns=["ds", "contacts"])
        if history is not None:
            h = history[history["channel"] == channel]
            cutoff = h["ds"].max() - pd.Timedelta(weeks=HISTORY_WEEKS_SHOWN)
            hist = h[h["ds"] > cutoff][["ds", "contacts"]]
        st.altair_chart(charts.history_forecast(hist, fc, f"{channel}: last {HISTORY_WEEKS_SHOWN} weeks and forecast"),
                        width="stretch")
        aht = (own["contacts"] * own["aht_seconds"]).sum() / max(own["contacts"].sum(), 1e-9)
        model = ""
        if bands is not None and channel in set(bands["channel"]):
            model = f" Model: {bands.loc[bands['channel'] == channel, 'model'].iloc[0]}; band: 80% prediction interval."
        st.caption(f"Forecast: {own['contacts'].sum():,.0f} contacts, peak {own['contacts'].max():,.1f} per interval, "
                   f"mean handle time {aht:,.0f} s.{model}")

# --- backtest ------------------------------------------------------------------------------------------------
st.subheader("Backtest accuracy")
if history is None:
    st.caption("No history to backtest.")
else:
    st.caption("Rolling-origin backtest: each of the last weeks of history is forecast from the weeks before it. "
               "WAPE = sum |actual - forecast| / sum actual; coverage80 = share of actuals inside the 80% band.")
    c1, c2 = st.columns([3, 1])
    names = library.model_names()
    models = c1.multiselect("Models", names, default=names, key="backtest_models")
    folds = c2.number_input("Folds (weeks)", 1, 12, 4, key="backtest_folds")
    inputs = (str(history_path), tuple(models), int(folds))
    if models and (st.button("Run backtest", key="run_backtest") or st.session_state.get("backtest_last") == inputs):
        with user_errors("Backtest"):
            table, notes = library.backtest(history_path, tuple(models), int(folds), sc)
        st.session_state["backtest_last"] = inputs
        shown = table[[c for c in ("channel", "model", "chosen", "folds", "wape", "mase", "bias", "daily_mape",
                                   "coverage80", "fit_seconds") if c in table.columns]]
        # Shares in percent, all of them (WAPE, bias, daily MAPE, coverage); MASE is a ratio, fit time seconds.
        percent = {c: st.column_config.NumberColumn(c, format="%.1f%%") for c in ("wape", "bias", "daily_mape",
                                                                                 "coverage80") if c in shown}
        scaled_shown = shown.assign(**{c: shown[c] * 100 for c in percent})
        st.dataframe(scaled_shown, hide_index=True, width="stretch",
                     column_config={**percent, "mase": st.column_config.NumberColumn("mase", format="%.2f"),
                                    "fit_seconds": st.column_config.NumberColumn("fit seconds", format="%.1f")})
        for line in hist_ui.backtest_warnings(table, sc.demand.model):
            st.warning(f"Forecast: {line}.")
        for line in hist_ui.why_chosen(table):
            st.markdown(line)
        for note in notes:
            st.caption(note)

with st.expander("Forecast table"):
    st.dataframe(readable.table(demand), hide_index=True, width="stretch")
    st.download_button("Download forecast CSV", demand.to_csv(index=False), file_name="forecast.csv",
                       mime="text/csv", key="forecast_csv")
