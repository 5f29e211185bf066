"""Saving an edited roster without losing anyone's edits: two planners who opened the same version and both save.

A planner's editor remembers its base (the version it opened) and the newest version id it knew when it opened it
(`seen_up_to`). Saving checks, inside the save's own transaction, whether someone saved an edit of the same base
since: if so, the save is refused (StaleBase) with a message naming the newer version, who saved it, when, and which
shifts it changed; the refused edits are stored anyway as a draft version of the same base, so nothing is lost (the
planner opens the newer version, or the draft, and carries on).
"""

from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scenarios import ROSTER_COLUMNS, InputError, Problem, Roster, Scenario
from sim import SimResult

from . import audit
from .store import Workspace
from .versions import roster_figures


@dataclass(frozen=True)
class EditBase:
    """What an editor started from: the version it opened (`version_id`) and the newest version id in the
    workspace at that moment (`seen_up_to`): saves of edits of the same base after it make this editor stale."""

    version_id: int
    seen_up_to: int


class StaleBase(InputError):
    """A save refused because the base version was edited and saved by someone else meanwhile; `draft_id` is the
    version the refused edits were kept as."""

    def __init__(self, problems: list[Problem], draft_id: int | None = None):
        super().__init__(problems, "not saved: the version changed since you opened it")
        self.draft_id = draft_id


def open_base(version_id: int, workspace: str | Path | None = None) -> EditBase:
    """The base of an editor opening `version_id` now."""
    with Workspace(workspace) as ws:
        ws.get_version(version_id)  # InputError naming the id when there is none
        newest = ws.db.execute("SELECT COALESCE(MAX(id), 0) FROM versions").fetchone()[0]
    return EditBase(int(version_id), int(newest))


def newer_edits(db: sqlite3.Connection, base: EditBase) -> list[int]:
    """Versions saved from `base.version_id` after the editor opened it (drafts excluded: they are someone's
    refused edits, not a change to the line)."""
    rows = db.execute("SELECT id FROM versions WHERE parent_id = ? AND id > ? ORDER BY id",
                      (base.version_id, base.seen_up_to)).fetchall()
    return [r[0] for r in rows if not audit.is_draft(db, r[0])]


def roster_changes(before: str, after: str) -> str:
    """What changed between two rosters (CSV text), in words: '2 shifts added, 1 removed (agents a, b)'."""
    def shifts(text: str) -> set[tuple]:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        frame = frame.reindex(columns=list(ROSTER_COLUMNS)).fillna("")
        return set(frame.itertuples(index=False, name=None))

    old, new = shifts(before), shifts(after)
    added, removed = new - old, old - new
    if not added and not removed:
        return "no shift changed"
    agents = sorted({s[0] for s in added | removed})
    shown = ", ".join(agents[:8]) + (f" and {len(agents) - 8} more" if len(agents) > 8 else "")
    return f"{len(added)} shift(s) added or changed, {len(removed)} removed or changed (agents {shown})"


def save_edit(name: str, scenario: Scenario, roster: Roster, sim_result: SimResult | None, *, base: EditBase | None,
              seed: int | None, agents_csv: str | None = None, user: audit.User | None = None,
              workspace: str | Path | None = None) -> int:
    """Store an edited roster as a version of `base` (None: a new line, from a freshly generated roster) and return
    its id. Raises StaleBase, after keeping the edits as a draft version, when the base was saved over meanwhile."""
    figures = roster_figures(scenario, roster, sim_result)
    tables = {"intervals": sim_result.intervals} if sim_result is not None else None
    parent = base.version_id if base else None
    refusal: list[Problem] = []
    newer: list[int] = []

    def check(db: sqlite3.Connection) -> None:
        newer.extend(newer_edits(db, base) if base else [])
        if not newer:
            return
        base_csv = db.execute("SELECT roster_csv FROM versions WHERE id = ?", (parent,)).fetchone()[0]
        for vid in newer:
            row = db.execute("SELECT name, roster_csv FROM versions WHERE id = ?", (vid,)).fetchone()
            who = audit.last_change(db, ("version", vid))
            by = f"by {who.user} at {who.at.replace('T', ' ')[:16]} UTC" if who else "(no audit record)"
            refusal.append(Problem(f"version {parent}", f"version {vid} '{row[0]}' was saved from it {by} after you "
                                                        f"opened it: {roster_changes(base_csv, row[1])}"))
        raise StaleBase(list(refusal))

    with Workspace(workspace, user=user) as ws:
        # The audit row of the save says what the edit changed against its base.
        note = (roster_changes(ws.get_version(parent).roster_csv, roster.to_frame().to_csv(index=False))
                if parent else "")
        try:
            return ws.add_version(name, scenario, roster, figures, agents=agents_csv, seed=seed, parent_id=parent,
                                  tables=tables, before=check, note=note)
        except StaleBase:
            draft = ws.add_version(f"{name} (draft)", scenario, roster, figures, agents=agents_csv, seed=seed,
                                   parent_id=parent, tables=tables, draft=True,
                                   note=f"refused on stale version {parent}")
            refusal.append(Problem("your edits", f"kept as draft version {draft}: open version {newer[-1]} (the "
                                                 f"newer edit) or your draft {draft} in the editor and save again"))
            raise StaleBase(refusal, draft) from None
