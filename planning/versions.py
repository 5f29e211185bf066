"""Schedule versions: a generated or edited roster kept in the workspace (planning.store) under a name, with the
figures a planner compares versions by, and the shifts locked in it (kept in `version_locks`, created on first
use beside store.py's tables), so a version reopens with its locks. The CLI and the app store them the same way."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from scenarios import ROSTER_COLUMNS, Roster, Scenario
from sim import SimResult
from sim import judge_simulation, meeting_shares

from .store import Workspace


def roster_figures(scenario: Scenario, roster: Roster, sim_result: SimResult | None) -> dict:
    """Paid hours, agents, shifts and, when simulated, per human channel the week's service level, abandonment
    and the share of open intervals meeting every target (sim.targets), all as fractions."""
    out = {"paid_hours": round(roster.paid_hours(), 2), "agents": len(roster.agents), "shifts": len(roster.shifts)}
    if sim_result is not None:
        shares = meeting_shares(scenario, judge_simulation(scenario, sim_result))
        out["channels"] = {c: {"service_level": v.service_level, "abandon_rate": v.abandon_rate,
                               "intervals_meeting_target": shares.get(c)}
                           for c, v in sim_result.summary.channels.items()
                           if c in scenario.human_channels()}
    return out


def generated_name(method: str, seed: int, locked: bool = False) -> str:
    """How a freshly generated roster's version is named: 'generated (ccplan, seed 1)'."""
    return f"generated ({method}, seed {seed})" + (" with locked shifts" if locked else "")


def record_version(name: str, scenario: Scenario, roster: Roster, sim_result: SimResult | None, *,
                   seed: int | None, agents_csv: str | None = None, run_id: int | None = None,
                   workspace: str | Path | None = None, locked: pd.DataFrame | None = None,
                   figures: dict | None = None) -> int:
    """Store `roster` as a version named `name` with its figures (`figures`, else computed from `sim_result`), the
    simulated per-interval table when there is one (for comparing versions) and its `locked` shifts (roster rows,
    ROSTER_COLUMNS); returns the version id."""
    tables: dict[str, pd.DataFrame] = {}
    if sim_result is not None:
        tables["intervals"] = sim_result.intervals
    with Workspace(workspace) as ws:
        vid = ws.add_version(name, scenario, roster, figures or roster_figures(scenario, roster, sim_result),
                             agents=agents_csv, seed=seed, run_id=run_id, tables=tables or None)
    keep_locks(vid, locked, workspace)
    return vid


def keep_locks(version_id: int, locked: pd.DataFrame | None, workspace: str | Path | None = None) -> None:
    """Keep the shifts locked in a version (roster rows, ROSTER_COLUMNS; None or none: nothing kept)."""
    if locked is None or not len(locked):
        return
    with Workspace(workspace) as ws:
        ws.db.execute(_LOCKS)
        ws.db.execute("INSERT OR REPLACE INTO version_locks (version_id, locked_csv) VALUES (?, ?)",
                      (int(version_id), _rows(locked).to_csv(index=False)))


_LOCKS = ("CREATE TABLE IF NOT EXISTS version_locks (version_id INTEGER PRIMARY KEY REFERENCES versions(id) "
          "ON DELETE CASCADE, locked_csv TEXT NOT NULL)")


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reindex(columns=list(ROSTER_COLUMNS)).fillna("").astype(str)


def version_locked(version_id: int, workspace: str | Path | None = None) -> pd.DataFrame:
    """The shifts locked in a version (roster rows, ROSTER_COLUMNS as text; empty when none were)."""
    with Workspace(workspace) as ws:
        ws.db.execute(_LOCKS)
        row = ws.db.execute("SELECT locked_csv FROM version_locks WHERE version_id = ?", (int(version_id),)).fetchone()
    if row is None:
        return pd.DataFrame(columns=list(ROSTER_COLUMNS))
    return _rows(pd.read_csv(io.StringIO(row[0]), dtype=str, keep_default_na=False))


def version_for_editing(version_id: int, workspace: str | Path | None = None) -> pd.DataFrame:
    """A version's roster as the editor's table: ROSTER_COLUMNS as text plus `locked` (its locks ticked)."""
    with Workspace(workspace) as ws:
        frame = _rows(ws.get_version(version_id).roster_frame())
    locked = {tuple(r) for r in version_locked(version_id, workspace).itertuples(index=False)}
    return frame.assign(locked=[tuple(r) in locked for r in frame.itertuples(index=False)])
