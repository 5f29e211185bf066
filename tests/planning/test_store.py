"""The SQLite workspace: runs stored whole, read back exactly, schema versioned and migrated, deletes cascade."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from scenarios import InputError, Roster, Shift, load_scenario
from planning.store import (MIGRATIONS, SCHEMA_VERSION, Workspace, compute_inputs_hash, record_run,
                             workspace_path)


def _intervals(example):
    ds = pd.date_range(pd.Timestamp(example.start), periods=4, freq="30min")
    return pd.DataFrame({"ds": ds, "channel": "phone", "offered": [1.5, 2.0, 0.0, 3.25],
                         "service_level": [0.8, 1.0, np.nan, 0.5]})


def test_workspace_location_option_then_env_then_default(monkeypatch, tmp_path):
    monkeypatch.delenv("CCPLAN_WORKSPACE", raising=False)
    assert str(workspace_path()) == ".ccplan/workspace.sqlite"
    monkeypatch.setenv("CCPLAN_WORKSPACE", str(tmp_path / "env.sqlite"))
    assert workspace_path() == tmp_path / "env.sqlite"
    assert workspace_path(tmp_path / "opt.sqlite") == tmp_path / "opt.sqlite"


def test_run_round_trip(example, tmp_path):
    roster = Roster(example.start, [Shift("a1", "generalist", 8 * 3600, 16 * 3600, (12 * 3600, 12.5 * 3600),
                                         [(10 * 3600, 10.25 * 3600)])])
    results = {"seed": 7, "replications": 3, "channels": {"phone": {"service_level": np.float64(0.75),
                                                                    "asa_seconds": float("nan")}}}
    path = tmp_path / "ws.sqlite"
    run_id = record_run("simulate", example, 7, results, roster=roster, intervals=_intervals(example),
                        workspace=path, label="first")
    with Workspace(path) as ws:
        assert ws.version == SCHEMA_VERSION
        [info] = ws.runs()
        assert (info.id, info.kind, info.seed, info.replications, info.label) == (run_id, "simulate", 7, 3, "first")
        run = ws.run(run_id)
        # NaN is stored as null (JSON has no NaN); numpy numbers as plain numbers.
        assert run.results["channels"]["phone"] == {"service_level": 0.75, "asa_seconds": None}
        assert load_scenario_text(run.scenario_yaml, tmp_path, example).channels["bot"].containment == 0.6
        assert run.roster_frame().iloc[0].to_dict()["paid_hours"] == 7.5
        table = ws.table(run_id, "intervals")
        pd.testing.assert_frame_equal(table, _intervals(example), check_freq=False)
        assert run.inputs_hash == compute_inputs_hash(example, 7, 3, roster)


def test_staffing_plan_is_stored_and_hashed(example, tmp_path):
    from scenarios import constant_staffing

    plan = constant_staffing(example)
    plan["agents"] = 3.0
    path = tmp_path / "ws.sqlite"
    a = record_run("simulate", example, 1, {"replications": 2}, staffing=plan, workspace=path)
    plan["agents"] = 4.0
    b = record_run("simulate", example, 1, {"replications": 2}, staffing=plan, workspace=path)
    with Workspace(path) as ws:
        assert ws.table(a, "staffing")["agents"].unique().tolist() == [3.0]
        assert ws.run(a).inputs_hash != ws.run(b).inputs_hash
        assert ws.run(b).inputs_hash == compute_inputs_hash(example, 1, 2, plan)


def load_scenario_text(text, tmp_path, example):
    path = tmp_path / "snapshot.yaml"
    path.write_text(text.replace("data/insurance_history.csv", str(example.resolve(example.demand.history))))
    return load_scenario(path)


def test_inputs_hash_changes_with_every_input(example):
    from scenarios.overrides import apply_overrides, parse_override

    h = compute_inputs_hash(example, 1, 20)
    assert h == compute_inputs_hash(example, 1, 20)
    assert h != compute_inputs_hash(example, 2, 20)
    assert h != compute_inputs_hash(example, 1, 10)
    assert h != compute_inputs_hash(apply_overrides(example, [parse_override("demand.scale=1.01")]), 1, 20)
    assert h != compute_inputs_hash(example, 1, 20, pd.DataFrame({"agents": [1.0]}))


def test_delete_cascades_and_unknown_ids_are_named(example, tmp_path):
    with Workspace(tmp_path / "ws.sqlite") as ws:
        batch = ws.add_batch("whatif", example.name, {"variants": ["a", "b"]})
        ids = [ws.add_run("whatif", example, {"seed": 1}, seed=1, tables={"intervals": _intervals(example)},
                          batch_id=batch, label=f"v{i}") for i in range(2)]
        assert [r.id for r in ws.runs(batch_id=batch)] == ids
        assert ws.delete([ids[0], 999]) == [ids[0]]
        assert ws.db.execute("SELECT COUNT(*) FROM run_tables").fetchone()[0] == 1
        assert ws.batch(batch)["spec"] == {"variants": ["a", "b"]}
        ws.delete([ids[1]])
        # This process opened the batch and still runs: its (now empty) batch stays until its owner is gone.
        assert ws.db.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 1
        ws.db.execute("UPDATE batches SET owner = NULL")
        ws.delete([])
        assert ws.db.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 0
        with pytest.raises(InputError, match="run 999"):
            ws.run(999)


def test_failed_write_leaves_nothing_behind(example, tmp_path):
    with Workspace(tmp_path / "ws.sqlite") as ws:
        ws.add_run("simulate", example, {"seed": 1}, seed=1)
        real = ws.db

        class FailsOnTables:
            """The connection, failing when the run's tables are written (after the run row)."""

            def execute(self, *args):
                return real.execute(*args)

            def executemany(self, *args):
                raise sqlite3.OperationalError("disk I/O error")

        ws.db = FailsOnTables()
        with pytest.raises(sqlite3.OperationalError):
            ws.add_run("simulate", example, {"seed": 2}, tables={"intervals": _intervals(example)})
        ws.db = real
        with pytest.raises(ValueError):
            ws.add_run("bogus", example, {})
        assert [r.seed for r in ws.runs()] == [1]
        assert ws.db.execute("SELECT COUNT(*) FROM run_tables").fetchone()[0] == 0
        ws.add_run("simulate", example, {"seed": 3}, seed=3)  # the workspace is still usable
        assert [r.seed for r in ws.runs()] == [1, 3]


def test_old_workspace_is_migrated_keeping_its_runs(example, tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    MIGRATIONS[0](db)  # a workspace written by schema version 1
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO runs (created_at, kind, label, scenario_name, scenario_yaml, inputs_hash, seed, "
               "replications, results_json) VALUES ('2026-01-01', 'simulate', 'old', 'x', 'name: x', 'h', 3, 2, '{}')")
    db.commit()
    db.close()
    with Workspace(path) as ws:
        assert ws.version == SCHEMA_VERSION == 3
        [old] = ws.runs()
        assert (old.label, old.seed, old.batch_id, old.overrides) == ("old", 3, None, [])
        ws.add_run("simulate", example, {"seed": 1})
        assert len(ws.runs()) == 2


def test_newer_or_foreign_files_are_refused_by_name(tmp_path):
    newer = tmp_path / "newer.sqlite"
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(InputError, match="schema version 99"):
        Workspace(newer)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InputError, match="junk.sqlite"):
        Workspace(junk)


def test_runs_cli_list_show_compare_delete(example, tmp_path):
    from typer.testing import CliRunner

    from app.cli import cli
    from conftest import run_cli

    path = tmp_path / "ws.sqlite"
    reps = [{"channels": {"phone": {"service_level": sl, "offered": 100.0}}} for sl in (0.7, 0.8, 0.9)]
    better = [{"channels": {"phone": {"service_level": sl + 0.05, "offered": 100.0}}} for sl in (0.7, 0.8, 0.9)]
    roster = Roster(example.start, [Shift("a1", "generalist", 8 * 3600, 12 * 3600)])
    a = record_run("simulate", example, 5, {"seed": 5, "replications": 3, "channels": {"phone": {
        "service_level": 0.8, "offered": 100.0}}, "replication_summaries": reps}, roster=roster,
        intervals=_intervals(example), workspace=path)
    b = record_run("simulate", example, 5, {"seed": 5, "replications": 3, "channels": {"phone": {
        "service_level": 0.85, "offered": 100.0}}, "replication_summaries": better}, workspace=path, label="more staff")
    runner = CliRunner()
    ws = ["--workspace", str(path)]
    out = runner.invoke(cli, ["runs", "list", *ws])
    assert out.exit_code == 0 and "2 runs" in out.output and "more staff" in out.output
    out = runner.invoke(cli, ["runs", "show", str(a), *ws, "--roster", str(tmp_path / "r.csv"),
                              "--table", f"intervals={tmp_path / 'i.csv'}", "--scenario", str(tmp_path / "s.yaml")])
    assert out.exit_code == 0, out.output
    assert "phone SL" in out.output and "80.0%" in out.output
    assert pd.read_csv(tmp_path / "r.csv")["agent"].tolist() == ["a1"]
    assert len(pd.read_csv(tmp_path / "i.csv")) == 4
    assert "Insurance service center" in (tmp_path / "s.yaml").read_text()
    out = runner.invoke(cli, ["runs", "compare", str(a), str(b), *ws, "--json", str(tmp_path / "c.json")])
    assert out.exit_code == 0, out.output
    # Paired differences are all +0.05: the interval has no width.
    assert "+5.0 pp *" in out.output and "+5.0 .. +5.0" in out.output
    out = runner.invoke(cli, ["runs", "delete", str(a), *ws])
    assert out.exit_code == 0 and "deleted 1 run" in out.output
    with Workspace(path) as w:
        assert [r.id for r in w.runs()] == [b]
    out = run_cli("runs", "show", str(a), *ws)
    assert out.returncode == 2 and f"run {a}: no such run" in out.stderr


# --- batches of running sweeps (the `runs delete` race) and interrupted sweeps ---------------------------------

SWEEP = """
import sys
from scenarios import load_scenario
from planning.store import Workspace
scenario = load_scenario(sys.argv[2])
with Workspace(sys.argv[1]) as ws:
    batch = ws.add_batch("whatif", scenario.name, {"variants": ["base", "a", "b"]})
    ws.add_run("whatif", scenario, {"seed": 1}, seed=1, batch_id=batch, label="base")
    print(batch, flush=True)
    if sys.argv[3] == "wait":
        sys.stdin.readline()       # the sweep is still at work until told to go on
        for label in ("a", "b"):
            ws.add_run("whatif", scenario, {"seed": 1}, seed=1, batch_id=batch, label=label)
# "stop": the process ends here, as a sweep killed after its first variant
"""


def _sweep(tmp_path, mode: str):
    import subprocess
    import sys

    from scenarios import EXAMPLE_SCENARIO

    script = tmp_path / "sweep.py"
    script.write_text(SWEEP)
    return subprocess.Popen([sys.executable, str(script), str(tmp_path / "ws.sqlite"), str(EXAMPLE_SCENARIO), mode],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_deleting_runs_never_removes_the_batch_a_running_sweep_just_opened(example, tmp_path):
    with Workspace(tmp_path / "ws.sqlite") as ws:
        other = ws.add_run("simulate", example, {"seed": 1})
    sweep = _sweep(tmp_path, "wait")
    try:
        batch = int(sweep.stdout.readline())
        with Workspace(tmp_path / "ws.sqlite") as ws:
            # Delete the sweep's only run so far and another run: its batch is empty but owned by a live sweep.
            first = ws.runs(batch_id=batch)[0].id
            assert sorted(ws.delete([other, first])) == sorted([other, first])
            assert ws.batch(batch)["id"] == batch
            assert [b["state"] for b in ws.batches()] == ["running"]
        sweep.stdin.write("go\n")
        sweep.stdin.flush()
        assert sweep.wait(timeout=60) == 0
    finally:
        sweep.kill()
    with Workspace(tmp_path / "ws.sqlite") as ws:
        assert [r.label for r in ws.runs(batch_id=batch)] == ["a", "b"]


def test_a_sweep_whose_batch_was_removed_anyway_stores_its_runs(example, tmp_path):
    with Workspace(tmp_path / "ws.sqlite") as ws:
        batch = ws.add_batch("whatif", example.name, {"variants": ["a"]})
        ws.db.execute("DELETE FROM batches")           # as an older ccplan's `runs delete` did
        run = ws.add_run("whatif", example, {"seed": 1}, seed=1, batch_id=batch, label="a")
        assert ws.run(run).batch_id == batch
        assert ws.batch(batch)["id"] == batch


def test_interrupted_sweeps_are_listed_as_incomplete(example, tmp_path):
    from typer.testing import CliRunner

    from app.cli import cli

    sweep = _sweep(tmp_path, "stop")
    batch = int(sweep.stdout.readline())
    assert sweep.wait(timeout=60) == 0
    with Workspace(tmp_path / "ws.sqlite") as ws:
        done = ws.add_batch("whatif", example.name, {"variants": ["x"]})
        ws.add_run("whatif", example, {"seed": 1}, seed=1, batch_id=done, label="x")
        states = {b["id"]: (b["state"], b["stored"], b["expected"]) for b in ws.batches()}
    assert states == {batch: ("incomplete", 1, 3), done: ("complete", 1, 1)}
    out = CliRunner().invoke(cli, ["runs", "list", "--workspace", str(tmp_path / "ws.sqlite")])
    assert out.exit_code == 0, out.output
    assert f"batch {batch} (whatif, {example.name}): incomplete, 1 of 3 variants stored" in out.stdout
    assert f"batch {done} (whatif, {example.name}): complete, 1 of 1 variants stored" in out.stdout


def test_concurrent_writers_and_deleters_all_succeed(example, tmp_path):
    import threading

    path = tmp_path / "ws.sqlite"
    with Workspace(path) as ws:
        batch = ws.add_batch("whatif", example.name, {"variants": [f"v{i}" for i in range(40)]})
        doomed = [ws.add_run("simulate", example, {"seed": 1}) for _ in range(20)]
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            with Workspace(path) as mine:
                for i in range(10):
                    mine.add_run("whatif", example, {"seed": 1}, seed=1, batch_id=batch, label=f"v{k * 10 + i}")
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    def delete() -> None:
        try:
            with Workspace(path) as mine:
                for run_id in doomed:
                    mine.delete([run_id])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)] + [threading.Thread(target=delete)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Workspace(path) as ws:
        assert sorted(r.label for r in ws.runs(batch_id=batch)) == sorted(f"v{i}" for i in range(40))
        assert ws.runs(kind="simulate") == []
        assert [b["state"] for b in ws.batches()] == ["complete"]


# --- schedule versions -----------------------------------------------------------------------------------------

def test_versions_are_stored_compared_and_one_is_published(example, tmp_path):
    from planning.store import compare_versions

    roster = Roster(example.start, [Shift("ann", "generalist", 8 * 3600, 16 * 3600, (12 * 3600, 12.5 * 3600))])
    figures = {"paid_hours": 7.5, "channels": {"phone": {"intervals_meeting_target": 0.9}}}
    intervals = _intervals(example)
    with Workspace(tmp_path / "ws.sqlite") as ws:
        first = ws.add_version("Generated", example, roster, figures, seed=4, tables={"intervals": intervals})
        second = ws.add_version("Ann later", example, roster.to_frame(),
                                {"paid_hours": 8.0, "channels": {"phone": {"intervals_meeting_target": 0.95}}},
                                seed=4, parent_id=first, agents="agent,skill_group\nann,generalist\n")
        a, b = ws.get_version(first), ws.get_version(second)
        assert a.roster_frame().iloc[0].to_dict()["start"] == "08:00"
        assert (b.parent_id, b.agents_csv.splitlines()[1], b.seed) == (first, "ann,generalist", 4)
        table = compare_versions(a, b).set_index("figure")
        assert table.loc["paid_hours", "difference"] == pytest.approx(0.5)
        assert table.loc["channels.phone.intervals_meeting_target", "difference"] == pytest.approx(0.05)
        pd.testing.assert_frame_equal(ws.version_table(first, "intervals")[["ds", "offered"]],
                                      intervals[["ds", "offered"]], check_dtype=False)
        ws.publish_version(first)
        ws.publish_version(second)
        assert [v.published_at is not None for v in ws.versions()] == [False, True]
        assert ws.published_version(example.name).id == second
        with pytest.raises(InputError, match="version 99"):
            ws.get_version(99)
        with pytest.raises(InputError, match="name"):
            ws.add_version("  ", example, roster, figures)
