"""Who changed the workspace, and when: every change to stored state (a run stored or deleted, a version saved,
published or deleted, a shift edited or locked in the app) is one audit row in the workspace's own `audit` table.

Every write of planning.store goes through `record`, inside the write's own transaction, so a change and its audit
row are stored together or not at all; `record` also refuses a change from a user whose role may not make it (a
viewer), which is the server-side half of the app's roles.

Who acts: the user the caller names (`Workspace(user=...)`), else the one set for this thread with `acting_as`
(the app sets the signed-in user at the top of every script run), else, unless $CCPLAN_REQUIRE_USER is set (`ccplan
app` sets it for its server: a thread there that forgot to say who acts must not write as the machine's owner), the
OS user as a planner (the command line on the planner's own machine).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import getpass
import os
import sqlite3
from dataclasses import dataclass

from scenarios import InputError, Problem

PLANNER, VIEWER = "planner", "viewer"
ROLES = (PLANNER, VIEWER)

# What the audit table's `action` column says for each kind of change.
RUN_STORED, RUN_DELETED, BATCH_OPENED = "run stored", "run deleted", "batch opened"
VERSION_SAVED, DRAFT_SAVED, VERSION_PUBLISHED, VERSION_DELETED = ("version saved", "draft saved", "version published",
                                                                  "version deleted")
SHIFT_EDITED, SHIFT_LOCKED = "shift edited", "shift locked"


@dataclass(frozen=True)
class User:
    """Who acts: a name (an e-mail address when signed in, else the OS user) and a role (planner or viewer)."""

    name: str
    role: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {self.role!r}")

    @property
    def can_edit(self) -> bool:
        return self.role == PLANNER


@dataclass(frozen=True)
class AuditEntry:
    """One audit row: when (UTC, ISO 8601), who and in which role, what was done (`action`), to what (`target`:
    'version 3', 'run 12') and the detail (e.g. the shift moved)."""

    id: int
    at: str
    user: str
    role: str
    action: str
    target: str
    detail: str


class PermissionDenied(InputError):
    """A change refused because the acting user's role may not make it."""


REQUIRE_ENV = "CCPLAN_REQUIRE_USER"
_actor: contextvars.ContextVar[User | None] = contextvars.ContextVar("ccplan_actor", default=None)


def local_user() -> User:
    """The OS user, as a planner: the command line and the app on the planner's own machine without a login."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container without /etc/passwd entry)
        name = "local"
    return User(name, PLANNER)


def acting_as(user: User) -> None:
    """Set who acts for the rest of this thread's work (the app: once per script run, from the login)."""
    _actor.set(user)


def current_actor() -> User | None:
    """The user set with `acting_as`, else the OS user (None when $CCPLAN_REQUIRE_USER is set)."""
    user = _actor.get()
    if user is None and not os.environ.get(REQUIRE_ENV):
        return local_user()
    return user


def ensure_table(db: sqlite3.Connection) -> None:
    """The audit table, created when missing. It lives beside the schema-versioned tables of planning.store, not
    among them: an older workspace gains it on first open without a migration step."""
    if has_table(db):
        return
    db.execute("""CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        target_kind TEXT NOT NULL,
        target_id INTEGER,
        detail TEXT NOT NULL DEFAULT '')""")
    db.execute("CREATE INDEX IF NOT EXISTS audit_target ON audit(target_kind, target_id)")


def has_table(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone() is not None


def check_may_edit(user: User | None, action: str) -> User:
    """`user` when their role may change stored state; PermissionDenied naming the user and the change otherwise."""
    if user is None:
        raise PermissionDenied([Problem("user", f"{action}: nobody is signed in")], "not allowed")
    if not user.can_edit:
        raise PermissionDenied([Problem(f"user {user.name}", f"{action}: a {user.role} may read the published roster "
                                                              "and reports, not change them; ask a planner")],
                               "not allowed")
    return user


def record(db: sqlite3.Connection, user: User | None, action: str, target: tuple[str, int | None],
           detail: str = "") -> None:
    """One audit row for a change by `user` to `target` ("version", 3); call it inside the change's own
    transaction. Refuses (PermissionDenied) a user who may not change stored state."""
    user = check_may_edit(user, action)
    kind, target_id = target
    db.execute("INSERT INTO audit (at, user, role, action, target_kind, target_id, detail) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)", (now(), user.name, user.role, action, kind, target_id, detail))


def history(db: sqlite3.Connection, target: tuple[str, int] | None = None,
            limit: int | None = None) -> list[AuditEntry]:
    """The audit rows, newest first: every one, or those of one target ("version", 3)."""
    sql, args = "SELECT * FROM audit", []
    if target is not None:
        sql, args = sql + " WHERE target_kind = ? AND target_id = ?", [target[0], int(target[1])]
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql, args = sql + " LIMIT ?", args + [int(limit)]
    return [_entry(r) for r in db.execute(sql, args)]


def last_change(db: sqlite3.Connection, target: tuple[str, int]) -> AuditEntry | None:
    """The newest audit row of a target (who saved a version, and when), None when it has none."""
    rows = history(db, target, limit=1)
    return rows[0] if rows else None


def is_draft(db: sqlite3.Connection, version_id: int) -> bool:
    """Whether a version was stored as a draft: edits refused on a stale base, kept so nothing is lost."""
    return db.execute("SELECT 1 FROM audit WHERE target_kind = 'version' AND target_id = ? AND action = ?",
                      (int(version_id), DRAFT_SAVED)).fetchone() is not None


def _entry(row: sqlite3.Row) -> AuditEntry:
    target = row["target_kind"] + (f" {row['target_id']}" if row["target_id"] is not None else "")
    return AuditEntry(id=row["id"], at=row["at"], user=row["user"], role=row["role"], action=row["action"],
                      target=target, detail=row["detail"])


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
