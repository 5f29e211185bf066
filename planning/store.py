"""Stored runs: every simulate, schedule and what-if run saved in an embedded SQLite workspace.

A run keeps what is needed to trust and repeat it: the scenario snapshot (YAML), a hash of every input (scenario,
referenced data files, staffing or roster, seed, replications), the seed, the roster (CSV text), the results (JSON)
and its tables (interval KPIs and others, CSV text). Runs of one what-if sweep share a batch.

The workspace file comes from the `path` argument, else the environment variable CCPLAN_WORKSPACE, else
./.ccplan/workspace.sqlite. It runs in WAL mode and writes each run in one transaction, so a process killed
mid-sweep leaves every run it finished readable and the file usable. The schema version is PRAGMA user_version;
opening an older workspace migrates it forward, a newer one is refused.

A batch records its owner (host and process id of the sweep): deleting runs never removes a batch whose sweep still
runs, and a sweep whose batch is gone anyway puts it back under its id before storing a run. `Workspace.batches`
tells complete, running and incomplete (interrupted) batches apart. Schedule versions (`add_version`, `versions`,
`publish_version`, `compare_versions`) keep every generated or edited roster under a name with its scenario,
agents, seed and figures; one version per scenario can be marked published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import os
import socket
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from scenarios import InputError, Problem, Roster, Scenario, dump_yaml
from scenarios.flat import flatten

from . import audit

ENV_VAR = "CCPLAN_WORKSPACE"
DEFAULT_PATH = Path(".ccplan") / "workspace.sqlite"
RUN_KINDS = ("simulate", "schedule", "whatif")


def _v1(db: sqlite3.Connection) -> None:
    db.execute("""CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        scenario_name TEXT NOT NULL,
        scenario_yaml TEXT NOT NULL,
        scenario_dir TEXT,
        inputs_hash TEXT NOT NULL,
        seed INTEGER,
        replications INTEGER,
        roster_csv TEXT,
        results_json TEXT NOT NULL)""")
    db.execute("""CREATE TABLE run_tables (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        csv TEXT NOT NULL,
        PRIMARY KEY (run_id, name))""")


def _v2(db: sqlite3.Connection) -> None:
    """Batches group the runs of one what-if sweep; overrides say how a run's scenario differs from its base."""
    db.execute("""CREATE TABLE batches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        scenario_name TEXT NOT NULL,
        spec_json TEXT NOT NULL)""")
    db.execute("ALTER TABLE runs ADD COLUMN batch_id INTEGER REFERENCES batches(id) ON DELETE SET NULL")
    db.execute("ALTER TABLE runs ADD COLUMN overrides_json TEXT NOT NULL DEFAULT '[]'")
    db.execute("CREATE INDEX runs_batch ON runs(batch_id)")


def _v3(db: sqlite3.Connection) -> None:
    """A batch's owner (host:pid of the sweep writing it), so that deleting runs never removes a batch a running
    sweep still fills; schedule versions: named rosters with their scenario, agents, seed and figures."""
    db.execute("ALTER TABLE batches ADD COLUMN owner TEXT")
    db.execute("""CREATE TABLE versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        name TEXT NOT NULL,
        scenario_name TEXT NOT NULL,
        scenario_yaml TEXT NOT NULL,
        agents_csv TEXT,
        seed INTEGER,
        roster_csv TEXT NOT NULL,
        figures_json TEXT NOT NULL,
        run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        parent_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
        note TEXT NOT NULL DEFAULT '',
        published_at TEXT)""")
    db.execute("CREATE TABLE version_tables (version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE, "
               "name TEXT NOT NULL, csv TEXT NOT NULL, PRIMARY KEY (version_id, name))")


# Migration k brings a workspace from schema version k to k + 1; never edit one that has shipped, add the next.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3]
SCHEMA_VERSION = len(MIGRATIONS)


def workspace_path(path: str | Path | None = None) -> Path:
    """The workspace file: `path`, else $CCPLAN_WORKSPACE, else ./.ccplan/workspace.sqlite."""
    return Path(path or os.environ.get(ENV_VAR) or DEFAULT_PATH)


@dataclass
class RunInfo:
    """A stored run's metadata (what `runs list` shows)."""

    id: int
    created_at: str
    kind: str
    label: str
    scenario_name: str
    inputs_hash: str
    seed: int | None
    replications: int | None
    batch_id: int | None
    overrides: list[str]


@dataclass
class StoredRun(RunInfo):
    """A stored run in full. `results` is the JSON results; tables load on demand with `Workspace.table`."""

    scenario_yaml: str = ""
    scenario_dir: str | None = None
    roster_csv: str | None = None
    results: dict = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)

    def roster_frame(self) -> pd.DataFrame | None:
        return pd.read_csv(io.StringIO(self.roster_csv)) if self.roster_csv else None


# --- schedule versions ---------------------------------------------------------------------------------------

@dataclass
class Version:
    """A named roster of the week: its scenario, agents (CSV text or None: generated), seed, roster (CSV text),
    figures (paid hours, per-channel shares, ...), the run it came from, the version it was edited from, and
    when it was marked published (None: never)."""

    id: int
    created_at: str
    name: str
    scenario_name: str
    scenario_yaml: str
    agents_csv: str | None
    seed: int | None
    roster_csv: str
    figures: dict
    run_id: int | None
    parent_id: int | None
    note: str
    published_at: str | None
    tables: list[str] = field(default_factory=list)

    def roster_frame(self) -> pd.DataFrame:
        return pd.read_csv(io.StringIO(self.roster_csv), dtype=str, keep_default_na=False)


class _Versions:
    """The Workspace's schedule versions (a mixin: `self.db` and `self._transaction` are the Workspace's)."""

    def add_version(self, name: str, scenario: Scenario, roster: Roster | pd.DataFrame | str, figures: dict, *,
                    agents: pd.DataFrame | str | None = None, seed: int | None = None, run_id: int | None = None,
                    parent_id: int | None = None, note: str = "",
                    tables: dict[str, pd.DataFrame] | None = None, draft: bool = False,
                    before: Callable[[sqlite3.Connection], None] | None = None) -> int:
        """Store a generated or edited roster as a named version (one transaction) and return its id. `tables`
        (e.g. "intervals": the per-interval simulated figures) are kept for comparing versions. `draft`: edits kept
        after a refused save (audited as a draft); `before(db)` runs inside the transaction first and may refuse
        the save by raising (planning.edits: a stale base)."""
        name = str(name).strip()
        if not name:
            raise InputError([Problem("name", "a version needs a name")], "invalid version")
        agents_csv = agents.to_csv(index=False) if isinstance(agents, pd.DataFrame) else agents
        rows = [(n, f.to_csv(index=False)) for n, f in (tables or {}).items() if f is not None]
        with self._transaction():
            if before is not None:
                before(self.db)
            cur = self.db.execute(
                "INSERT INTO versions (created_at, name, scenario_name, scenario_yaml, agents_csv, seed, roster_csv, "
                "figures_json, run_id, parent_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (_now(), name, scenario.name, dump_yaml(scenario), agents_csv, None if seed is None else int(seed),
                 _roster_csv(roster), _dumps(figures), run_id, parent_id, note))
            vid = int(cur.lastrowid)
            self.db.executemany("INSERT INTO version_tables (version_id, name, csv) VALUES (?, ?, ?)",
                                [(vid, n, text) for n, text in rows])
            audit.record(self.db, self.user, audit.DRAFT_SAVED if draft else audit.VERSION_SAVED, ("version", vid),
                         f"{name}" + (f" (from version {parent_id})" if parent_id else "") + (f": {note}" if note else ""))
        return vid

    def versions(self) -> list[Version]:
        """Every stored version, oldest first (rosters included: a week's roster is small)."""
        return [self.get_version(r[0]) for r in self.db.execute("SELECT id FROM versions ORDER BY id")]

    def get_version(self, version_id: int) -> Version:
        """One version; InputError naming the id when there is none."""
        row = self.db.execute("SELECT * FROM versions WHERE id = ?", (int(version_id),)).fetchone()
        if row is None:
            raise InputError([Problem(f"version {version_id}", f"no such version in {self.path}")],
                             "unknown version")
        names = [r[0] for r in self.db.execute("SELECT name FROM version_tables WHERE version_id = ? ORDER BY name",
                                               (int(version_id),))]
        data = dict(row)
        data["figures"] = json.loads(data.pop("figures_json"))
        return Version(**data, tables=names)

    def version_table(self, version_id: int, name: str) -> pd.DataFrame:
        """A stored table of a version (e.g. "intervals"), `ds` parsed as date-times."""
        row = self.db.execute("SELECT csv FROM version_tables WHERE version_id = ? AND name = ?",
                              (int(version_id), name)).fetchone()
        return _stored_table(row, f"version {version_id}", name)

    def publish_version(self, version_id: int) -> None:
        """Mark a version published (the one agents see); the mark moves from any other version of its
        scenario."""
        with self._transaction():
            row = self.db.execute("SELECT scenario_name FROM versions WHERE id = ?", (int(version_id),)).fetchone()
            if row is None:
                raise InputError([Problem(f"version {version_id}", "no such version")], "unknown version")
            self.db.execute("UPDATE versions SET published_at = NULL WHERE scenario_name = ?", (row[0],))
            self.db.execute("UPDATE versions SET published_at = ? WHERE id = ?", (_now(), int(version_id)))
            audit.record(self.db, self.user, audit.VERSION_PUBLISHED, ("version", int(version_id)), row[0])

    def published_version(self, scenario_name: str) -> Version | None:
        row = self.db.execute("SELECT id FROM versions WHERE scenario_name = ? AND published_at IS NOT NULL",
                              (scenario_name,)).fetchone()
        return self.get_version(row[0]) if row else None

    def delete_version(self, version_id: int) -> bool:
        with self._transaction():
            cur = self.db.execute("DELETE FROM versions WHERE id = ?", (int(version_id),))
            if cur.rowcount:
                audit.record(self.db, self.user, audit.VERSION_DELETED, ("version", int(version_id)))
        return cur.rowcount > 0

    def record_edit(self, action: str, target: tuple[str, int | None], detail: str) -> None:
        """Audit an edit made outside the stored tables (a shift edited or locked in the app's working roster of
        `target`, e.g. ("version", 3)); refused for a user who may not edit."""
        with self._transaction():
            audit.record(self.db, self.user, action, target, detail)

    def history(self, target: tuple[str, int] | None = None, limit: int | None = None) -> list[audit.AuditEntry]:
        """Who changed what and when, newest first (planning.audit): every change, or one target's."""
        return audit.history(self.db, target, limit)



class Workspace(_Versions):
    """An open workspace. Use as a context manager (`with Workspace(path) as ws:`) or call close(). `user`: who
    makes the changes (audited; a viewer's are refused), default planning.audit.current_actor()."""

    def __init__(self, path: str | Path | None = None, *, user: audit.User | None = None):
        self.path = workspace_path(path)
        self.user = user or audit.current_actor()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: every write below opens its own explicit transaction.
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            if not audit.has_table(self.db):
                with self._transaction():
                    audit.ensure_table(self.db)
        except sqlite3.DatabaseError as exc:
            raise InputError([Problem(str(self.path), f"not a usable ccplan workspace ({exc})")],
                             "cannot open workspace") from None

    # -- lifecycle --
    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @property
    def version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise InputError([Problem(str(self.path), f"schema version {current} is newer than this ccplan "
                                                      f"understands ({SCHEMA_VERSION}); upgrade ccplan")],
                             "cannot open workspace")
        for version in range(current, SCHEMA_VERSION):
            with self._transaction():
                # Re-read inside the lock: another process may have migrated meanwhile.
                if self.version > version:
                    continue
                MIGRATIONS[version](self.db)
                self.db.execute(f"PRAGMA user_version = {version + 1}")

    def _transaction(self):
        return _Transaction(self.db)

    # -- writing --
    def add_batch(self, kind: str, scenario_name: str, spec: dict) -> int:
        """Open a batch (one what-if sweep) owned by this process; its runs are added with `batch_id`. While the
        owner runs, deleting runs never removes the batch (`delete`)."""
        with self._transaction():
            cur = self.db.execute("INSERT INTO batches (created_at, kind, scenario_name, spec_json, owner) "
                                  "VALUES (?, ?, ?, ?, ?)", (_now(), kind, scenario_name, _dumps(spec), _owner()))
            audit.record(self.db, self.user, audit.BATCH_OPENED, ("batch", int(cur.lastrowid)), scenario_name)
        return int(cur.lastrowid)

    def add_run(self, kind: str, scenario: Scenario, results: dict, *, seed: int | None = None,
                replications: int | None = None, roster: Roster | pd.DataFrame | str | None = None,
                tables: dict[str, pd.DataFrame] | None = None, label: str = "", batch_id: int | None = None,
                overrides: Iterable[Any] = (), inputs_hash: str | None = None) -> int:
        """Store one run in a single transaction and return its id.

        `roster` is a Roster, its frame or CSV text; `tables` maps names (e.g. "intervals") to DataFrames.
        `inputs_hash` defaults to `inputs_hash(scenario, seed, replications, roster)`.
        """
        if kind not in RUN_KINDS:
            raise ValueError(f"run kind must be one of {RUN_KINDS}, got {kind!r}")
        roster_csv = _roster_csv(roster)
        if replications is None and isinstance(results, dict):
            replications = results.get("replications")
        digest = inputs_hash or compute_inputs_hash(scenario, seed, replications, roster_csv)
        scenario_yaml = dump_yaml(scenario)
        table_rows = [(name, frame.to_csv(index=False)) for name, frame in (tables or {}).items() if frame is not None]
        with self._transaction():
            if batch_id is not None:
                # The sweep recovers when its batch is gone (removed by an older ccplan's `runs delete` while it
                # ran): the batch comes back under its id, so the run is stored, never lost to a foreign key.
                self.db.execute("INSERT OR IGNORE INTO batches (id, created_at, kind, scenario_name, spec_json, owner) "
                                "VALUES (?, ?, 'whatif', ?, '{}', ?)", (int(batch_id), _now(), scenario.name, _owner()))
            cur = self.db.execute(
                "INSERT INTO runs (created_at, kind, label, scenario_name, scenario_yaml, scenario_dir, inputs_hash, "
                "seed, replications, roster_csv, results_json, batch_id, overrides_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (_now(), kind, label, scenario.name, scenario_yaml,
                 str(scenario.base_dir) if scenario.base_dir else None, digest,
                 None if seed is None else int(seed), None if replications is None else int(replications),
                 roster_csv, _dumps(results), batch_id, _dumps([str(o) for o in overrides])))
            run_id = int(cur.lastrowid)
            self.db.executemany("INSERT INTO run_tables (run_id, name, csv) VALUES (?, ?, ?)",
                                [(run_id, name, text) for name, text in table_rows])
            audit.record(self.db, self.user, audit.RUN_STORED, ("run", run_id), f"{kind}: {scenario.name}")
        return run_id

    def delete(self, run_ids: Iterable[int]) -> list[int]:
        """Delete runs (and their tables) in one transaction; returns the ids that existed."""
        ids = [int(i) for i in run_ids]
        with self._transaction():
            found = [i for i in ids if self.db.execute("SELECT 1 FROM runs WHERE id = ?", (i,)).fetchone()]
            self.db.executemany("DELETE FROM runs WHERE id = ?", [(i,) for i in found])
            for i in found:
                audit.record(self.db, self.user, audit.RUN_DELETED, ("run", i))
            # A batch whose runs are all gone goes too, unless a running sweep owns it: a sweep opens its batch
            # before its first run is stored, and must find it there.
            empty = [(r["id"], r["owner"]) for r in self.db.execute(
                "SELECT id, owner FROM batches WHERE id NOT IN (SELECT batch_id FROM runs WHERE batch_id IS NOT NULL)")]
            self.db.executemany("DELETE FROM batches WHERE id = ?",
                                [(i,) for i, owner in empty if not owner_alive(owner)])
        return found

    def batches(self) -> list[dict]:
        """Every batch with its state: "complete" (every variant stored), "running" (its sweep is still at work)
        or "incomplete" (the sweep stopped before storing every variant: interrupted or failed); `stored` and
        `expected` count the variants."""
        out = []
        for row in self.db.execute("SELECT b.id, b.created_at, b.kind, b.scenario_name, b.spec_json, b.owner, "
                                   "(SELECT COUNT(*) FROM runs r WHERE r.batch_id = b.id) AS stored "
                                   "FROM batches b ORDER BY b.id"):
            spec = json.loads(row["spec_json"] or "{}")
            expected = len(spec.get("variants") or []) or None
            if expected is not None and row["stored"] >= expected:
                state = "complete"
            elif owner_alive(row["owner"]):
                state = "running"
            else:
                state = "incomplete" if expected is not None else "unknown"
            out.append({"id": row["id"], "created_at": row["created_at"], "kind": row["kind"],
                        "scenario_name": row["scenario_name"], "stored": row["stored"], "expected": expected,
                        "state": state})
        return out

    # -- reading --
    def runs(self, kind: str | None = None, batch_id: int | None = None) -> list[RunInfo]:
        """Stored runs, oldest first (optionally one kind or one batch)."""
        sql, args = f"SELECT {_INFO_COLUMNS} FROM runs WHERE 1=1", []
        if kind:
            sql, args = sql + " AND kind = ?", args + [kind]
        if batch_id is not None:
            sql, args = sql + " AND batch_id = ?", args + [batch_id]
        return [_info(row) for row in self.db.execute(sql + " ORDER BY id", args)]

    def run(self, run_id: int) -> StoredRun:
        """One run in full; InputError naming the id when there is no such run."""
        row = self.db.execute(f"SELECT {_INFO_COLUMNS}, scenario_yaml, scenario_dir, roster_csv, results_json "
                              "FROM runs WHERE id = ?", (int(run_id),)).fetchone()
        if row is None:
            raise InputError([Problem(f"run {run_id}", f"no such run in {self.path}")], "unknown run")
        names = [r[0] for r in self.db.execute("SELECT name FROM run_tables WHERE run_id = ? ORDER BY name",
                                               (int(run_id),))]
        info = _info(row)
        return StoredRun(**vars(info), scenario_yaml=row["scenario_yaml"], scenario_dir=row["scenario_dir"],
                         roster_csv=row["roster_csv"], results=json.loads(row["results_json"]), tables=names)

    def table(self, run_id: int, name: str) -> pd.DataFrame:
        """A stored table of a run (e.g. "intervals"), `ds` parsed as date-times."""
        row = self.db.execute("SELECT csv FROM run_tables WHERE run_id = ? AND name = ?", (int(run_id), name)).fetchone()
        return _stored_table(row, f"run {run_id}", name)

    def batch(self, batch_id: int) -> dict:
        row = self.db.execute("SELECT * FROM batches WHERE id = ?", (int(batch_id),)).fetchone()
        if row is None:
            raise InputError([Problem(f"batch {batch_id}", "no such batch")], "unknown batch")
        return {**dict(row), "spec": json.loads(row["spec_json"])}


def _stored_table(row, owner: str, name: str) -> pd.DataFrame:
    """A stored CSV table, `ds` parsed as date-times; InputError naming the run or version when it is missing."""
    if row is None:
        raise InputError([Problem(owner, f"has no table '{name}'")], "unknown table")
    frame = pd.read_csv(io.StringIO(row[0]))
    if "ds" in frame:
        frame["ds"] = pd.to_datetime(frame["ds"])
    return frame


def compare_versions(a: Version, b: Version) -> pd.DataFrame:
    """Figures of two versions side by side: figure, the first's value, the second's, and the difference (numbers
    only; nested figures flattened to dotted names)."""
    fa, fb = ({k: v for k, v in flatten(figures).items() if not isinstance(v, list)}
              for figures in (a.figures, b.figures))
    rows = []
    for key in list(dict.fromkeys([*fa, *fb])):
        va, vb = fa.get(key), fb.get(key)
        diff = vb - va if isinstance(va, (int, float)) and isinstance(vb, (int, float)) \
            and not isinstance(va, bool) and not isinstance(vb, bool) else None
        rows.append({"figure": key, a.name: va, b.name: vb, "difference": diff})
    return pd.DataFrame(rows)


# --- batch owners ---------------------------------------------------------------------------------------------

def _owner() -> str:
    """This process as a batch owner: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_alive(owner: str | None) -> bool:
    """Whether the process that opened a batch (host:pid) still runs; False for another host's sweep only when it
    cannot be told (then the batch is treated as finished: another host's sweep keeps its batch by the recovery in
    `add_run`)."""
    if not owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    # A zombie (exited, not yet reaped) is not running.
    try:
        with open(f"/proc/{int(pid)}/stat") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: a run is stored whole or not at all."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False


_INFO_COLUMNS = ("id, created_at, kind, label, scenario_name, inputs_hash, seed, replications, batch_id, "
                 "overrides_json")


def _info(row: sqlite3.Row) -> RunInfo:
    return RunInfo(id=row["id"], created_at=row["created_at"], kind=row["kind"], label=row["label"],
                   scenario_name=row["scenario_name"], inputs_hash=row["inputs_hash"], seed=row["seed"],
                   replications=row["replications"], batch_id=row["batch_id"],
                   overrides=json.loads(row["overrides_json"]))


def record_run(kind: str, scenario: Scenario, seed: int | None, result_json: dict | str,
               roster: Roster | pd.DataFrame | str | None = None, *, intervals: pd.DataFrame | None = None,
               workspace: str | Path | None = None, staffing: pd.DataFrame | None = None, **extra: Any) -> int:
    """Store one simulate/schedule run in the workspace (see module docstring for where) and return its id.

    `result_json` is the run's JSON payload (dict or text; a simulator summary may carry
    `replication_summaries` so later comparisons get confidence intervals); `intervals` its interval table;
    `staffing` the staffing plan simulated (stored as table "staffing" and part of the inputs hash). Extra
    keywords go to `Workspace.add_run` (e.g. `label`, `replications`, `tables`).
    """
    results = json.loads(result_json) if isinstance(result_json, str) else result_json
    tables = dict(extra.pop("tables", None) or {})
    if intervals is not None:
        tables["intervals"] = intervals
    if staffing is not None:
        tables["staffing"] = staffing
        replications = extra.get("replications", results.get("replications") if isinstance(results, dict) else None)
        extra.setdefault("inputs_hash", compute_inputs_hash(scenario, seed, replications, staffing))
    with Workspace(workspace) as ws:
        return ws.add_run(kind, scenario, results, seed=seed, roster=roster, tables=tables, **extra)


# --- inputs hash ---------------------------------------------------------------------------------------------

def compute_inputs_hash(scenario: Scenario, seed: int | None, replications: int | None,
                        staffing: Roster | pd.DataFrame | str | None = None, extra: Any = None) -> str:
    """SHA-256 over everything a run's numbers depend on: the scenario, the data files it names, the staffing or
    roster, the seed and the replications. Equal hashes mean the run would repeat exactly."""
    h = hashlib.sha256()
    h.update(dump_yaml(scenario).encode())
    for field_name in ("history", "forecast"):
        value = getattr(scenario.demand, field_name)
        if value is not None:
            path = scenario.resolve(value)
            h.update(field_name.encode())
            h.update(path.read_bytes() if path.exists() else b"<missing>")
    text = _roster_csv(staffing) if staffing is not None else ""
    h.update((text or "").encode())
    h.update(_dumps({"seed": seed, "replications": replications, "extra": extra}).encode())
    return h.hexdigest()


def _roster_csv(roster: Roster | pd.DataFrame | str | None) -> str | None:
    if roster is None:
        return None
    if isinstance(roster, str):
        return roster
    frame = roster.to_frame() if isinstance(roster, Roster) else roster
    return frame.to_csv(index=False)


# --- JSON ----------------------------------------------------------------------------------------------------

def jsonable(value: Any) -> Any:
    """Plain JSON data from results holding numpy numbers, dates, tuples; NaN and infinities become None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(jsonable(value), allow_nan=False)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
