"""The planner's desk: the work in progress a planner expects to find again after a reload or a restart, kept in
the SQLite workspace (planning.store) beside the runs and versions.

A desk is named (by the app: the scenario file it was started on) and holds named entries, each a JSON value:
the current scenario with its edits, the handle-time source, the agents and time-off tables, the locked shifts,
the roster being edited (with its locks) and its edit history. The table is created on first use (CREATE TABLE IF
NOT EXISTS), so a workspace written before it existed opens unchanged and store.py's migrations stay its own.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from typing import Any

from .store import Workspace

_SCHEMA = """CREATE TABLE IF NOT EXISTS desk_entries (
    desk TEXT NOT NULL,
    name TEXT NOT NULL,
    value_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (desk, name))"""


class Desk:
    """The named entries of one desk in an open workspace (`with Workspace() as ws: Desk(ws, name)`)."""

    def __init__(self, workspace: Workspace, name: str):
        self.ws = workspace
        self.name = name
        self.ws.db.execute(_SCHEMA)

    def load(self) -> dict[str, Any]:
        """Every entry of the desk, name -> value."""
        rows = self.ws.db.execute("SELECT name, value_json FROM desk_entries WHERE desk = ?", (self.name,))
        return {r["name"]: json.loads(r["value_json"]) for r in rows}

    def save(self, entries: dict[str, Any]) -> None:
        """Write `entries` (name -> a JSON value; None removes the entry) in one transaction."""
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self._transaction():
            for name, value in entries.items():
                if value is None:
                    self.ws.db.execute("DELETE FROM desk_entries WHERE desk = ? AND name = ?", (self.name, name))
                else:
                    self.ws.db.execute(
                        "INSERT INTO desk_entries (desk, name, value_json, updated_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (desk, name) DO UPDATE SET value_json = excluded.value_json, "
                        "updated_at = excluded.updated_at", (self.name, name, json.dumps(value), now))

    def clear(self) -> None:
        with self._transaction():
            self.ws.db.execute("DELETE FROM desk_entries WHERE desk = ?", (self.name,))

    @contextmanager
    def _transaction(self):
        # The workspace's connection is in autocommit mode: every write opens its own transaction.
        self.ws.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.ws.db.execute("ROLLBACK")
            raise
        self.ws.db.execute("COMMIT")
