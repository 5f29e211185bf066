"""The planner's work kept in the workspace (planning.workspace.Desk), not only in the browser session: the
scenario with its edits, the handle-time source, the run settings, the agents, time off and locked shifts, the
roster being edited (locks included), what it was made for, its edit history, and the version it was opened
from (so a save after a reload is still checked against later saves of that version). A new session (a reload, a
restart) starts from the desk; every page run writes back what changed.

The desk is named after the signed-in user and the scenario file the app was started on, so each planner, and
`ccplan app other.yaml`, has its own.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pandas as pd
import streamlit as st

from scenarios import InputError

_SAVED = "desk_saved"        # session: digest of what was last written, to write only what changed
_NAME = "desk_name"


def _entries() -> dict:
    """The session's work as JSON values (None: absent)."""
    from app.ui import history, state, week

    out = {key: st.session_state.get(key) for key in state.SCENARIO_KEYS}
    out[history.AHT_SOURCE] = st.session_state.get(history.AHT_SOURCE)
    out["run_settings"] = st.session_state.get("run_settings")
    for key in (week.AGENTS, week.TIME_OFF, week.LOCKED):
        value = st.session_state.get(key)
        out[key] = list(value) if value else None
    working = st.session_state.get(week.WORKING)
    out[week.WORKING] = week.editor_csv(working) if isinstance(working, pd.DataFrame) else None
    out[week.WORKING_FROM] = st.session_state.get(week.WORKING_FROM)
    out[week.WORKING_FOR] = st.session_state.get(week.WORKING_FOR)
    out[week.UNDO] = list(st.session_state.get(week.UNDO) or []) or None
    base = st.session_state.get(week.BASE)    # the opened version a save is checked against (planning.edits)
    out[week.BASE] = [base.version_id, base.seen_up_to] if base is not None else None
    return out


def restore(name: str) -> bool:
    """Put the desk `name`'s work into a new session; False when the desk is empty or cannot be read."""
    from app.ui import week
    from planning.edits import EditBase
    from planning.store import Workspace
    from planning.workspace import Desk

    st.session_state[_NAME] = name
    try:
        with Workspace() as ws:
            saved = Desk(ws, name).load()
    except (InputError, OSError, sqlite3.Error, ValueError):
        return False
    if not saved:
        return False
    for key, value in saved.items():
        if key in (week.AGENTS, week.TIME_OFF, week.LOCKED):
            value = tuple(value)
        elif key == week.WORKING:
            value = week.editor_frame(value)
        elif key == week.BASE:
            value = EditBase(*value)
        st.session_state[key] = value
    st.session_state[_SAVED] = _digest(_entries())
    return True


def save() -> None:
    """Write the session's work to the desk when it changed since the last write (a failed write is said once)."""
    from planning.store import Workspace
    from planning.workspace import Desk

    name = st.session_state.get(_NAME)
    if name is None:
        return
    entries = _entries()
    digest = _digest(entries)
    if st.session_state.get(_SAVED) == digest:
        return
    try:
        with Workspace() as ws:
            Desk(ws, name).save(entries)
        st.session_state[_SAVED] = digest
    except (InputError, OSError, sqlite3.Error) as exc:
        st.warning(f"Your work could not be saved in the workspace ({exc}); it stays in this browser tab only.")


def _digest(entries: dict) -> str:
    return hashlib.sha256(json.dumps(entries, sort_keys=True, default=str).encode()).hexdigest()
