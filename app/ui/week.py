"""The planner's week on the Schedule page: agents, time off and locked shifts as inputs; editing and locking the
roster with a labour-rule re-check and a re-simulation beside the old figures; schedule versions; publishing.

Only glue: reading uploads with scenarios' readers (scenarios.CsvText: their messages name the file and row), the
roster rule checker (optimizer.roster_rule_breaks), the simulator, the workspace (planning.store) and optimizer.export.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app.ui import readable
from planning import PublishedWeek
from planning.versions import generated_name, keep_locks, record_version, roster_figures
from scenarios import (ROSTER_COLUMNS, Agent, CsvText, InputError, Problem, Roster, Scenario, TimeOff,
                       apply_time_off, clock_minutes, format_clock, is_clock, read_agents, read_locked,
                       read_time_off)

AGENTS, TIME_OFF, LOCKED = "week_agents", "week_time_off", "week_locked"   # session: (file name, CSV text)
WORKING = "week_working"     # the roster being edited: roster CSV columns + `locked`
WORKING_FROM = "week_working_from"   # what WORKING was last built from (a result or a version), to reset on change
WORKING_FOR = "week_working_for"     # the inputs WORKING was generated for (library.schedule_key), and in words
EDITOR_REV = "week_editor_rev"       # the table editor's key changes whenever WORKING is replaced


# --- inputs ----------------------------------------------------------------------------------------------------

def contracts(sc: Scenario) -> list[Agent]:
    """The agents as contracted: the uploaded list (its messages name the uploaded file and row), else generated
    from the headcounts."""
    from optimizer import generate_agents

    upload = st.session_state.get(AGENTS)
    return read_agents(CsvText(*upload), sc) if upload else generate_agents(sc)


def time_off(sc: Scenario, crew: list[Agent]) -> list[TimeOff]:
    """The uploaded time off of `crew` (none when nothing is uploaded)."""
    off = st.session_state.get(TIME_OFF)
    return read_time_off(CsvText(*off), sc, crew) if off else []


def agents(sc: Scenario) -> list[Agent]:
    """The agents in use: the uploaded list (else generated from the headcounts) with the time off applied."""
    crew = contracts(sc)
    return apply_time_off(crew, time_off(sc, crew), sc)


def inputs_key() -> str:
    """A stamp of the uploaded agents, time off and locked shifts (part of the schedule's cache key)."""
    raw = "|".join(f"{k}:{st.session_state.get(k)}" for k in (AGENTS, TIME_OFF, LOCKED))
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def schedule_inputs(sc: Scenario) -> dict:
    """Keyword arguments of planning.schedule for the uploads, read into objects: agents, time_off, locked."""
    out = {}
    crew = contracts(sc)
    if st.session_state.get(AGENTS):
        out["agents"] = crew
    if st.session_state.get(TIME_OFF):
        out["time_off"] = time_off(sc, crew)
    if st.session_state.get(LOCKED):
        out["locked"] = read_locked(CsvText(*st.session_state[LOCKED]), sc, crew)
    return out


def upload_panel(sc: Scenario) -> None:
    """The agent list and the time-off list: upload a CSV or edit the text; each is checked when applied, every
    bad row named by file and row; a rejected table leaves the one in use unchanged."""
    c1, c2 = st.columns(2)
    with c1:
        _table_input(sc, "Agents CSV (agent, skill_group, min_hours_per_week, max_hours_per_week, unavailable, "
                         "preferred_start)", AGENTS, "agents",
                     lambda name, text: f"{len(read_agents(CsvText(name, text), sc))} agents in use",
                     "Agents generated from the skill groups' headcounts.")
    with c2:
        def check_time_off(name, text):
            entries = read_time_off(CsvText(name, text), sc, agents(sc))
            return (f"{len(entries)} time-off entr{'y' if len(entries) == 1 else 'ies'} for "
                    f"{len({e.agent for e in entries})} agent(s)")

        _table_input(sc, "Time off CSV (agent, start: a date or date-time, end, reason)", TIME_OFF, "time_off",
                     check_time_off, "No time off.")
    if st.session_state.get(LOCKED):
        n = len(pd.read_csv(io.StringIO(st.session_state[LOCKED][1])))
        st.info(f"{n} locked shift(s) are kept exactly as they are when the roster is generated.")
        if st.button("Unlock all shifts", key="unlock_all"):
            st.session_state.pop(LOCKED, None)
            st.rerun()


def _table_input(sc: Scenario, title: str, session_key: str, key: str, check, empty: str) -> None:
    """One input table: uploader, editable text, Apply and Clear; the last check's message stays shown."""
    from app.ui import uploads
    from app.ui.errors import show_input_error

    file = st.file_uploader(title, type=["csv"], key=f"upload_{key}")
    if file is not None and st.session_state.get(f"{key}_seen") != (file.name, file.size):
        st.session_state[f"{key}_seen"] = (file.name, file.size)
        _apply(session_key, key, file.name, uploads.content(file, ("csv",)).decode("utf-8", errors="replace"),
               check)
    current = st.session_state.get(session_key)
    rev = st.session_state.get(f"{key}_rev", 0)
    text = st.text_area("CSV text (edit and apply)", value=current[1] if current else "", height=140,
                        key=f"text_{key}_{rev}")
    b1, b2 = st.columns(2)
    if b1.button("Apply", key=f"apply_{key}"):
        _apply(session_key, key, current[0] if current else f"{key}.csv", text, check)
    if b2.button("Clear", key=f"clear_{key}"):
        st.session_state.pop(session_key, None)
        st.session_state.pop(f"{key}_message", None)
        st.session_state[f"{key}_rev"] = rev + 1
        st.rerun()
    message = st.session_state.get(f"{key}_message")
    if isinstance(message, InputError):
        show_input_error(message)
    elif message:
        st.success(message)
    elif not current:
        st.caption(empty)


def _apply(session_key: str, key: str, name: str, text: str, check) -> None:
    """Check a table; in use when it passes, else its problems shown and the previous table kept."""
    try:
        summary = check(name, text)
    except InputError as exc:
        st.session_state[f"{key}_message"] = exc
        return
    st.session_state[session_key] = (name, text)
    st.session_state[f"{key}_message"] = f"`{name}`: {summary}"
    st.session_state[f"{key}_rev"] = st.session_state.get(f"{key}_rev", 0) + 1


# --- editing and locking -----------------------------------------------------------------------------------------

def working(frame: pd.DataFrame, source: str, made_for: tuple[str, str] | None = None) -> pd.DataFrame:
    """The roster being edited, started from `frame` whenever `source` (a generated result's inputs key, stable
    across reloads) changes; locked rows of the locked-shift input stay ticked. `made_for`: (inputs key, words)
    of the inputs the roster was generated for."""
    if st.session_state.get(WORKING_FROM) != source or WORKING not in st.session_state:
        start = frame[list(ROSTER_COLUMNS)].fillna("").astype(str).reset_index(drop=True)
        locked_rows = set()
        if st.session_state.get(LOCKED):
            locked = pd.read_csv(io.StringIO(st.session_state[LOCKED][1]), dtype=str, keep_default_na=False)
            locked_rows = {tuple(r) for r in locked[list(ROSTER_COLUMNS)].itertuples(index=False)}
        start["locked"] = [tuple(r) in locked_rows for r in start[list(ROSTER_COLUMNS)].itertuples(index=False)]
        if WORKING in st.session_state:
            # The roster edited so far stays one Undo away: a new generation never silently drops edits.
            _remember(st.session_state[WORKING])
        st.session_state[WORKING] = start
        st.session_state[WORKING_FROM] = source
        st.session_state[WORKING_FOR] = list(made_for) if made_for else None
        st.session_state.pop(BASE, None)
        _new_editor()
    return st.session_state[WORKING]


def opened(source: str, words: str) -> None:
    """The roster being edited was opened from `source` (a version, a stored run): it stays until the planner
    generates again (a roster already generated for the current inputs does not replace it)."""
    from app.ui import library

    st.session_state[WORKING_FOR] = [source, words]
    st.session_state[WORKING_FROM] = library.schedule_key()


def take_generated() -> None:
    """The next page run makes the generated roster the one being edited (the one before stays an Undo away)."""
    st.session_state.pop(WORKING_FROM, None)


def editor_key() -> str:
    return f"roster_editor_{st.session_state.get(EDITOR_REV, 0)}"


def _new_editor() -> None:
    """The table editor starts afresh from WORKING (its pending cell edits were taken into WORKING first)."""
    st.session_state[EDITOR_REV] = st.session_state.get(EDITOR_REV, 0) + 1


def same_rows(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    cols = [*ROSTER_COLUMNS, "locked"]
    return len(a) == len(b) and a.reindex(columns=cols).fillna("").astype(str).reset_index(drop=True).equals(
        b.reindex(columns=cols).fillna("").astype(str).reset_index(drop=True))


def take_table_edits(edited: pd.DataFrame) -> bool:
    """Make the table's edits the roster being edited (one step of the edit history, undone like a move);
    True when there were any."""
    if same_rows(edited, st.session_state[WORKING]):
        return False
    rows = edited.reindex(columns=[*ROSTER_COLUMNS, "locked"])
    rows[list(ROSTER_COLUMNS)] = rows[list(ROSTER_COLUMNS)].fillna("").astype(str)
    rows["locked"] = rows["locked"].fillna(False).astype(bool)
    set_working(rows)
    return True


def check_roster(sc: Scenario, frame: pd.DataFrame, crew) -> tuple[Roster | None, list[str], InputError | None]:
    """(roster, broken rules as 'agent: rule: detail', input error) of an edited roster table."""
    from optimizer import roster_rule_breaks
    from scenarios import read_roster

    table = frame[list(ROSTER_COLUMNS)].fillna("").astype(str)
    try:
        roster = read_roster(table, sc)
    except InputError as exc:
        return None, [], exc
    known = {a.id: a for a in crew}
    unknown = sorted({s.agent for s in roster.shifts} - set(known))
    if unknown:
        return None, [], InputError([Problem(f"agent {a}", "is not among the agents in use") for a in unknown],
                                    "unknown agents in the edited roster")
    # A shift given to another agent works with that agent's skills: a stale skill group would route it wrongly.
    wrong_group = [readable.dated(sc.start, f"{s.agent}: skill group: the shift on day {int(s.start_s // 86400)} "
                                            f"says {s.skill_group}, the agent is in {known[s.agent].skill_group}")
                   for s in roster.shifts if s.skill_group != known[s.agent].skill_group]
    return roster, wrong_group + [readable.dated(sc.start, b) for b in roster_rule_breaks(sc, roster, crew)], None


def figures_table(before: dict, after: dict) -> pd.DataFrame:
    """Two figure sets side by side, readable: figure, before, after, change (percent figures in %)."""
    rows = []

    def add(label, a, b, pct=False):
        fmt = (lambda v: "" if v is None else readable.pct(v)) if pct else \
            (lambda v: "" if v is None else f"{v:,.1f}" if isinstance(v, float) else f"{v:,}")
        change = ""
        if a is not None and b is not None and b != a:
            change = readable.pp(b - a) if pct else f"{b - a:+,.1f}"
        rows.append({"figure": label, "before": fmt(a), "after": fmt(b), "change": change})

    add("Paid hours", before.get("paid_hours"), after.get("paid_hours"))
    add("Agents", before.get("agents"), after.get("agents"))
    add("Shifts", before.get("shifts"), after.get("shifts"))
    for c in sorted(set(before.get("channels") or {}) | set(after.get("channels") or {})):
        a, b = (before.get("channels") or {}).get(c, {}), (after.get("channels") or {}).get(c, {})
        add(f"{c}: open intervals meeting targets", a.get("intervals_meeting_target"),
            b.get("intervals_meeting_target"), pct=True)
        add(f"{c}: service level", a.get("service_level"), b.get("service_level"), pct=True)
        add(f"{c}: abandoned", a.get("abandon_rate"), b.get("abandon_rate"), pct=True)
    return pd.DataFrame(rows)


def lock_rows(frame: pd.DataFrame) -> None:
    """Keep the ticked rows of the edited roster as the locked-shift input of the next generation."""
    rows = frame[frame["locked"].astype(bool)][list(ROSTER_COLUMNS)]
    if len(rows):
        st.session_state[LOCKED] = ("locked shifts (edited roster)", rows.to_csv(index=False))
    else:
        st.session_state.pop(LOCKED, None)


# --- versions ------------------------------------------------------------------------------------------------------

BASE = "week_base"   # the version the editor opened (planning.edits.EditBase); absent: a freshly generated roster


def save_version(sc: Scenario, name: str, roster: Roster, sim_result, seed: int, *, edited: bool = False,
                 locked: pd.DataFrame | None = None) -> int:
    """Store `roster` as a version with the agent list in use and its `locked` rows (planning.versions);
    `sim_result` gives its simulated figures (None: not simulated). `edited`: the editor's roster, saved as an edit
    of the version it opened (planning.edits: refused with StaleBase, the edits kept as a draft, when someone saved
    an edit of that version meanwhile); the editor then goes on from the saved version."""
    from planning.edits import open_base, save_edit

    upload = st.session_state.get(AGENTS)
    agents_csv = upload[1] if upload else None
    if not edited:
        return record_version(name, sc, roster, sim_result, seed=seed, agents_csv=agents_csv, locked=locked)
    vid = save_edit(name, sc, roster, sim_result, base=st.session_state.get(BASE), seed=seed, agents_csv=agents_csv)
    keep_locks(vid, locked)
    st.session_state[BASE] = open_base(vid)
    return vid


def open_in_editor(version_id: int) -> None:
    """Remember that the editor now edits `version_id` (its save is checked against later saves of it)."""
    from planning.edits import open_base

    st.session_state[BASE] = open_base(version_id)


def audit_edit(action: str, detail: str) -> None:
    """Record a shift edited or locked in the editor (planning.audit), against the version it edits."""
    from planning.store import Workspace

    base = st.session_state.get(BASE)
    with Workspace() as ws:
        ws.record_edit(action, ("version", base.version_id) if base else ("roster", None), detail)


def version_history(version_id: int) -> list:
    """Who saved, edited, locked and published a version, and when (planning.audit rows, newest first)."""
    from planning.store import Workspace

    with Workspace() as ws:
        return ws.history(("version", version_id))


def version_with_roster(roster: Roster):
    """The newest stored version whose roster is exactly `roster` (same shifts), or None."""
    lines = sorted(roster.to_frame().to_csv(index=False).splitlines()[1:])
    for v in reversed(versions()):
        if sorted(v.roster_csv.splitlines()[1:]) == lines:
            return v
    return None


def target_misses(sc: Scenario, figures: dict) -> list[str]:
    """A sentence per human channel whose share of open intervals meeting its targets is below the share a roster
    must reach (planning's TARGET_SHARE), from a roster's figures (planning.versions.roster_figures)."""
    from planning.schedule import TARGET_SHARE

    out = []
    for name, f in (figures.get("channels") or {}).items():
        share = f.get("intervals_meeting_target")
        if share is not None and share < TARGET_SHARE:
            out.append(f"{name}: this roster meets the targets in {share:.1%} of open intervals (needed "
                       f"{TARGET_SHARE:.0%}); publishing it publishes a week that misses them.")
    return out


def versions() -> list:
    from planning.store import Workspace

    with Workspace() as ws:
        return ws.versions()


def version_intervals(version_id: int) -> pd.DataFrame | None:
    from planning.store import Workspace

    with Workspace() as ws:
        v = ws.get_version(version_id)
        return ws.version_table(version_id, "intervals") if "intervals" in v.tables else None


def publish_version(version_id: int) -> None:
    from planning.store import Workspace

    with Workspace() as ws:
        ws.publish_version(version_id)


# --- publishing ------------------------------------------------------------------------------------------------------

def published_workbook(week: PublishedWeek) -> bytes:
    """The published week (planning.prepare_publish, written by optimizer.export.publish_workbook) as bytes."""
    from optimizer import publish_workbook

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "week.xlsx"
        publish_workbook(week.roster[list(ROSTER_COLUMNS)], path, days=week.days, coverage=week.coverage,
                         figures=week.figures, title=week.title)
        return path.read_bytes()


def calendars_zip(sc: Scenario, frame: pd.DataFrame) -> bytes:
    """One iCalendar file per agent (optimizer.export.write_calendars), zipped."""
    from optimizer import write_calendars

    with tempfile.TemporaryDirectory() as tmp:
        files = write_calendars(frame[list(ROSTER_COLUMNS)], tmp, timezone=sc.timezone)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in files:
                zf.write(f, f.name)
        return buffer.getvalue()


# --- quick edits: lock and move without touching the table ------------------------------------------------------

UNDO = "week_undo"   # earlier states of WORKING as CSV text (kept cheaply, written to the desk as they are), newest last
UNDO_KEPT = 30


def editor_csv(frame: pd.DataFrame) -> str:
    """The roster being edited as CSV text (ROSTER_COLUMNS and `locked`)."""
    return frame.to_csv(index=False)


def editor_frame(text: str) -> pd.DataFrame:
    """The roster being edited from `editor_csv` text: every column text, `locked` a bool."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if "locked" in frame.columns:
        frame["locked"] = frame["locked"].str.lower().eq("true")
    return frame


def _remember(frame: pd.DataFrame) -> None:
    stack = st.session_state.setdefault(UNDO, [])
    stack.append(editor_csv(frame))
    del stack[:-UNDO_KEPT]


def shift_label(row) -> str:
    """'gen-3 · 2026-01-05 · 08:00-14:00': how a shift is named in the quick edits."""
    return f"{row['agent']} · {row['date']} · {row['start']}-{row['end']}"


def set_working(frame: pd.DataFrame) -> None:
    """Replace the roster being edited, keeping the old for undo (callers take the table's pending edits first:
    `take_table_edits`)."""
    if WORKING in st.session_state:
        _remember(st.session_state[WORKING])
    st.session_state[WORKING] = frame.reset_index(drop=True)
    _new_editor()


def undo() -> bool:
    """Back to the roster before the last edit (a table edit, a move, a lock, an opened version); False when there
    is none."""
    stack = st.session_state.get(UNDO) or []
    if not stack:
        return False
    st.session_state[WORKING] = editor_frame(stack.pop())
    _new_editor()
    return True


def lock(frame: pd.DataFrame, labels: list[str], agents_: list[str]) -> pd.DataFrame:
    """The roster with the named shifts and every shift of the named agents ticked locked."""
    out = frame.copy()
    hit = out.apply(shift_label, axis=1).isin(labels) | out["agent"].isin(agents_)
    out.loc[hit, "locked"] = True
    return out


def move(frame: pd.DataFrame, label: str, agent: str, date: str, start: str, *, end: str,
         skill_group: str | None = None) -> pd.DataFrame:
    """The roster with one shift moved: to `agent` (in `skill_group`, the agent's; None keeps the shift's), on
    `date`, from `start` to `end` (HH:MM); its lunch and breaks move with its start, and one that would no longer
    lie inside the shift is left out (the rule check then says the shift lacks it)."""
    out = frame.copy()
    rows = out.index[out.apply(shift_label, axis=1) == label]
    if not len(rows):
        raise InputError([Problem("shift", f"no shift '{label}' in the roster")], "cannot move the shift")
    i = rows[0]
    problems = [Problem(what, f"'{value}' is not a clock time HH:MM") for what, value in (("start", start), ("end", end))
                if not is_clock(str(value).strip())]
    if problems:
        raise InputError(problems, "cannot move the shift")
    shift = clock_minutes(start) - clock_minutes(out.at[i, "start"])

    begin, length = clock_minutes(start), (clock_minutes(end) - clock_minutes(start)) % (24 * 60) or 24 * 60

    def moved(a: str, b: str) -> tuple[str, str] | None:
        """A pause moved with the start, None when it would not lie inside the new shift."""
        a_m, b_m = clock_minutes(a) + shift, clock_minutes(b) + shift
        if (a_m - begin) % (24 * 60) + (b_m - a_m) % (24 * 60) > length:
            return None
        return format_clock(a_m * 60), format_clock(b_m * 60)

    lunch = (moved(out.at[i, "lunch_start"], out.at[i, "lunch_end"])
             if str(out.at[i, "lunch_start"]).strip() and str(out.at[i, "lunch_end"]).strip() else None)
    out.at[i, "lunch_start"], out.at[i, "lunch_end"] = lunch or ("", "")
    pauses = [moved(a, b) for a, _, b in (p.partition("-") for p in str(out.at[i, "breaks"]).split(";") if p.strip())]
    out.at[i, "breaks"] = ";".join(f"{a}-{b}" for a, b in filter(None, pauses))
    out.at[i, "agent"], out.at[i, "date"], out.at[i, "start"], out.at[i, "end"] = agent, date, start, end
    if skill_group is not None:
        out.at[i, "skill_group"] = skill_group
    return out


def keep_generated(sc: Scenario, result, seed: int) -> int | None:
    """Store a freshly generated roster as a version named 'generated <method>, seed <seed>' with its figures
    (paid hours, agents, shifts, and the certified per-channel figures when it was simulated). Returns the
    version id; None when the workspace cannot be written (the roster is still shown)."""
    import sqlite3

    try:
        return save_version(sc, generated_name(result.method, seed, bool(st.session_state.get(LOCKED))),
                            result.roster, getattr(result, "sim", None), seed)
    except (OSError, sqlite3.Error, InputError):
        return None


def schedule_runs() -> list:
    """Stored schedule runs that carry a roster (planning.store), newest first."""
    from planning.store import Workspace

    with Workspace() as ws:
        return [r for r in reversed(ws.runs(kind="schedule"))]


def run_roster(run_id: int) -> pd.DataFrame:
    """A stored run's roster as the editor's table (nothing locked)."""
    from planning.store import Workspace

    with Workspace() as ws:
        run = ws.run(run_id)
    if not run.roster_csv:
        raise InputError([Problem(f"run {run_id}", "has no roster")], "cannot open the run")
    frame = pd.read_csv(io.StringIO(run.roster_csv), dtype=str, keep_default_na=False)
    return frame.reindex(columns=ROSTER_COLUMNS).fillna("").assign(locked=False)
