"""Scenario: edit channels, targets, bot containment, skill groups and shift rules; load and save YAML.

Edits are validated by the scenario schema on every change; problems appear under the field they concern.
Valid edits become the session's scenario at once; while any problem remains, the last valid scenario stays
in use, so nothing is lost.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st
import yaml

from app.ui import history as hist_ui
from app.ui import settings, state, uploads
from app.ui.errors import problems_markdown
from app.ui.form import ScenarioForm
from scenarios import InputError, Problem
from scenarios.io import scenario_from_dict

DISTRIBUTIONS = ["exponential", "lognormal", "deterministic", "empirical"]
GROUP_COLUMNS = ["skill_group", "skills", "priority", "headcount", "hourly_cost", "min_hours_per_week",
                 "max_hours_per_week"]

st.title("Scenario")
settings.sidebar()
st.caption(f"Editing **{state.source_name()}**. Relative file paths resolve against `{state.base_dir()}`.")

try:
    raw = yaml.safe_load(state.scenario_text())
    if not isinstance(raw, dict):
        raise yaml.YAMLError("not a mapping")
except yaml.YAMLError:
    raw = None

# --- load / save ---------------------------------------------------------------------------------------------
with st.expander("Load and save YAML", expanded=raw is None):
    col_up, col_down = st.columns(2)
    upload = col_up.file_uploader("Load a scenario YAML", type=["yaml", "yml"], key="scenario_upload")
    if upload is not None:
        content = uploads.content(upload, ("yaml", "yml"))
        digest = hashlib.sha256(content).hexdigest()
        if st.session_state.get("scenario_upload_digest") != digest:
            text = content.decode("utf-8", errors="replace")
            try:
                state.parse(text, str(state.base_dir()))
            except InputError as exc:
                col_up.error(f"**{upload.name}: {exc.title}**\n\n{problems_markdown(exc.problems)}\n\n"
                             "The current scenario is unchanged.")
            else:
                st.session_state["scenario_upload_digest"] = digest
                state.set_scenario(text, state.base_dir(), upload.name)
                st.rerun()
    safe_name = "".join(c if c.isalnum() or c in "-_" else "_" for c in state.source_name().rsplit(".", 1)[0])
    col_down.download_button("Download scenario YAML", state.scenario_text(), file_name=f"{safe_name or 'scenario'}.yaml",
                             mime="application/x-yaml", key="scenario_download")
    text = st.text_area("YAML", state.scenario_text(), height=320, key=f"yaml_text:{state.revision()}")
    if st.button("Apply YAML", key="apply_yaml"):
        try:
            state.parse(text, str(state.base_dir()))
        except InputError as exc:
            st.error(f"**{exc.title}**\n\n{problems_markdown(exc.problems)}\n\nThe current scenario is unchanged.")
        else:
            state.set_scenario(text, state.base_dir(), state.source_name())
            st.rerun()

if raw is None:
    st.error("The scenario YAML cannot be read; fix it in the YAML box above.")
    st.stop()

form = ScenarioForm(raw, state.revision())

tab_general, tab_channels, tab_groups, tab_shifts = st.tabs(["General", "Channels", "Skill groups", "Shift rules"])

with tab_general:
    c1, c2, c3 = st.columns(3)
    form.text("name", "Name", c1)
    form.date("start", "Week start (first day)", c2)
    form.number("days", "Days", c3, integer=True)
    c1, c2, c3 = st.columns(3)
    form.choice("interval_minutes", "Interval (minutes)", [5, 10, 15, 30, 60], c1)
    form.number("shrinkage", "Shrinkage (share of paid time)", c2, help="0.30 = 30% of rostered time unavailable")
    form.yaml_value("open", "Opening hours", c3, help='"07:00-22:00" or {default: "07:00-22:00", sun: closed}')
    st.markdown("**Demand**")
    c1, c2, c3 = st.columns(3)
    form.number("demand.scale", "Demand scale (all channels)", c1, optional=True)
    form.yaml_value("demand.channel_scale", "Scale per channel", c2, help="e.g. {phone: 1.1, chat: 0.9}")
    form.text("demand.model", "Forecast model", c3)
    st.markdown("**Simulation defaults**")
    c1, c2 = st.columns(2)
    form.number("simulation.replications", "Replications", c1, optional=True, integer=True)
    form.number("simulation.seed", "Seed", c2, optional=True, integer=True)

with tab_channels:
    channels = raw.get("channels") or {}
    human = [n for n, ch in channels.items() if isinstance(ch, dict) and ch.get("kind") in ("voice", "chat")]
    for name, ch in channels.items():
        kind = ch.get("kind") if isinstance(ch, dict) else None
        p = f"channels.{name}"
        with st.expander(f"{name} ({kind})", expanded=False):
            form.slots[p] = st.empty()
            if kind in ("voice", "chat", "deferred"):
                c1, c2, c3 = st.columns(3)
                form.number(f"{p}.aht_seconds", "AHT (seconds)", c1)
                form.choice(f"{p}.service", "Handle-time distribution", DISTRIBUTIONS, c2)
                form.number(f"{p}.service_cv", "Handle-time CV (lognormal)", c3, optional=True)
            if kind in ("voice", "chat"):
                c1, c2, c3 = st.columns(3)
                form.number(f"{p}.target.answer_within_seconds", "Answer within (seconds)", c1)
                form.number(f"{p}.target.service_level", "Service level target", c2, help="share, e.g. 0.80")
                form.number(f"{p}.target.max_abandon_rate", "Max abandon rate", c3, optional=True)
                c1, c2, c3 = st.columns(3)
                form.number(f"{p}.patience_seconds", "Mean patience (seconds)", c1, optional=True,
                            help="empty = customers never abandon")
                if kind == "chat":
                    form.number(f"{p}.concurrency", "Concurrent sessions per agent", c2, integer=True)
                    form.number(f"{p}.concurrency_slowdown", "Slowdown per extra session", c3, optional=True)
            if kind == "deferred":
                c1, c2 = st.columns(2)
                form.number(f"{p}.target.respond_within_hours", "Respond within (hours)", c1)
                form.number(f"{p}.target.service_level", "Service level target", c2)
            if kind == "ai":
                c1, c2, c3 = st.columns(3)
                form.number(f"{p}.containment", "Containment (share resolved by the bot)", c1)
                form.number(f"{p}.handle_seconds", "Bot session (seconds)", c2)
                form.choice(f"{p}.escalate_to", "Escalates to", human or [ch.get("escalate_to")], c3)
                c1, c2 = st.columns(2)
                form.number(f"{p}.escalated_aht_factor", "Escalated AHT factor", c1, optional=True)
                form.number(f"{p}.capacity_sessions", "Bot capacity (sessions)", c2, optional=True, integer=True)
            form.yaml_value(f"{p}.open", "Opening hours (empty = the scenario's)")
    st.caption("Add or remove channels in the YAML box (Load and save YAML).")

with tab_groups:
    groups = raw.get("skill_groups") or {}
    rows = []
    for gname, g in groups.items():
        g = g if isinstance(g, dict) else {}
        rows.append({"skill_group": gname, "skills": ", ".join(map(str, g.get("skills") or [])),
                     "priority": ", ".join(map(str, g.get("priority") or [])), "headcount": g.get("headcount"),
                     "hourly_cost": g.get("hourly_cost"), "min_hours_per_week": g.get("min_hours_per_week"),
                     "max_hours_per_week": g.get("max_hours_per_week")})
    table = st.data_editor(pd.DataFrame(rows, columns=GROUP_COLUMNS), num_rows="dynamic", hide_index=True,
                           key=form.key("skill_groups"),
                           column_config={"skills": st.column_config.TextColumn(help="channels, comma-separated"),
                                          "priority": st.column_config.TextColumn(help="order a free agent serves; empty = skills order")})
    edited_groups = {}
    for i, row in enumerate(table.to_dict("records")):
        gname = str(row.get("skill_group") or "").strip()
        if not gname:
            form.local.append(Problem(f"skill_groups[row {i + 1}]", "needs a skill_group name"))
            continue
        g = dict(groups.get(gname) or {})
        g["skills"] = [s.strip() for s in str(row.get("skills") or "").split(",") if s.strip()]
        prio = [s.strip() for s in str(row.get("priority") or "").split(",") if s.strip()]
        if prio:
            g["priority"] = prio
        else:
            g.pop("priority", None)
        for col in ("headcount", "hourly_cost", "min_hours_per_week", "max_hours_per_week"):
            value = row.get(col)
            if value is None or (isinstance(value, float) and pd.isna(value)):
                g.pop(col, None)
            else:
                g[col] = int(value) if col == "headcount" and float(value).is_integer() else float(value)
        edited_groups[gname] = g
    form.data["skill_groups"] = edited_groups
    form.slots["skill_groups"] = st.empty()

with tab_shifts:
    c1, c2, c3 = st.columns(3)
    form.yaml_value("shift_rules.lengths_hours", "Shift lengths (hours)", c1, help="e.g. [4, 6, 8]")
    form.number("shift_rules.start_every_minutes", "Start every (minutes)", c2, integer=True)
    form.number("shift_rules.max_shifts_per_week", "Max shifts per week", c3, integer=True)
    c1, c2, c3 = st.columns(3)
    form.text("shift_rules.earliest_start", "Earliest start (HH:MM)", c1)
    form.text("shift_rules.latest_end", "Latest end (HH:MM)", c2)
    form.number("shift_rules.min_rest_hours", "Min rest between shifts (hours)", c3)
    c1, c2, c3 = st.columns(3)
    form.number("shift_rules.lunch_after_hours", "Lunch for shifts longer than (hours)", c1)
    form.number("shift_rules.lunch_minutes", "Lunch (minutes)", c2, integer=True)
    form.yaml_value("shift_rules.lunch_window_hours", "Lunch starts after (hours, from-to)", c3)
    c1, c2, c3 = st.columns(3)
    form.number("shift_rules.breaks_minutes", "Break (minutes)", c1, integer=True)
    form.number("shift_rules.break_every_hours", "One break per (hours)", c2)
    form.number("shift_rules.max_consecutive_days", "Max consecutive days", c3, integer=True)

# --- validate and apply --------------------------------------------------------------------------------------
problems = list(form.local)
if not problems:
    try:
        scenario_from_dict(form.data, base_dir=state.base_dir())
    except InputError as exc:
        problems = exc.problems
unplaced = form.show_problems(problems)
status = st.container()
if problems:
    status.error(f"**{len(problems)} problem{'s' if len(problems) != 1 else ''}**: the last valid scenario stays in "
                 "use until they are fixed." + ("\n\n" + problems_markdown(unplaced) if unplaced else ""))
elif form.data != raw:
    note = ""
    aht_changed = [name for name, ch in (form.data.get("channels") or {}).items()
                   if (ch or {}).get("aht_seconds") != ((raw.get("channels") or {}).get(name) or {}).get("aht_seconds")]
    if aht_changed and hist_ui.aht_source() == "history" and hist_ui.history_has_aht(state.scenario()):
        # An edited handle time is meant to be used: the history's would otherwise win silently.
        hist_ui.set_aht_source("scenario")
        note = (f" The handle time you changed ({', '.join(aht_changed)}) is now used: every channel takes its "
                "handle time from the scenario's aht_seconds instead of the history's (switch back on the Data page).")
    state.set_scenario(yaml.safe_dump(form.data, sort_keys=False, allow_unicode=True, width=110),
                       state.base_dir(), state.source_name(), reset_widgets=False)
    st.session_state["scenario_applied"] = "Changes applied: every page now uses the edited scenario." + note
    st.rerun()  # the sidebar, drawn before this page, shows the new scenario too
elif st.session_state.get("scenario_applied"):
    status.success(st.session_state.pop("scenario_applied"))
else:
    status.success("The scenario is valid.")
