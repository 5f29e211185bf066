"""planning.workspace.Desk (the planner's work kept in the workspace), versions with their locks, and what-if
variants at the scenario's handle time (issue 22)."""

from __future__ import annotations


import pytest

from planning.store import Workspace
from planning.workspace import Desk
from scenarios import ROSTER_COLUMNS, Roster, Shift


def test_a_desk_keeps_its_entries_across_connections_and_apart_from_other_desks(tmp_path):
    path = tmp_path / "ws.sqlite"
    with Workspace(path) as ws:
        Desk(ws, "week.yaml").save({"scenario_yaml": "name: x\n", "week_agents": ["a.csv", "agent\nann\n"],
                                    "run_settings": {"run_seed": 3}})
        Desk(ws, "other.yaml").save({"scenario_yaml": "name: y\n"})
    with Workspace(path) as ws:
        desk = Desk(ws, "week.yaml")
        assert desk.load() == {"scenario_yaml": "name: x\n", "week_agents": ["a.csv", "agent\nann\n"],
                               "run_settings": {"run_seed": 3}}
        desk.save({"week_agents": None, "run_settings": {"run_seed": 4}})      # None removes an entry
        assert desk.load() == {"scenario_yaml": "name: x\n", "run_settings": {"run_seed": 4}}
        assert Desk(ws, "other.yaml").load() == {"scenario_yaml": "name: y\n"}
        desk.clear()
        assert desk.load() == {}


def test_a_failed_desk_write_changes_nothing(tmp_path):
    with Workspace(tmp_path / "ws.sqlite") as ws:
        desk = Desk(ws, "d")
        desk.save({"a": 1})
        with pytest.raises(TypeError):
            desk.save({"a": 2, "b": object()})     # not JSON: the whole write is rolled back
        assert desk.load() == {"a": 1}


def test_a_version_keeps_its_locked_shifts(tmp_path, example):
    from planning.versions import record_version, version_for_editing, version_locked

    path = tmp_path / "ws.sqlite"
    day = 86400
    roster = Roster(example.start, [Shift(f"generalist-00{i}", "generalist", i * day + 8 * 3600, i * day + 16 * 3600,
                                          None, [(i * day + 10 * 3600, i * day + 10.25 * 3600)]) for i in range(1, 4)])
    frame = roster.to_frame()
    locked = frame.iloc[[0, 2]]
    vid = record_version("locked two", example, roster, None, seed=1, workspace=path, locked=locked)
    plain = record_version("no locks", example, roster, None, seed=1, workspace=path)
    assert version_locked(vid, path)[list(ROSTER_COLUMNS)].equals(
        locked[list(ROSTER_COLUMNS)].astype(str).reset_index(drop=True))
    opened = version_for_editing(vid, path)
    assert list(opened["locked"]) == [True, False, True]
    assert list(version_for_editing(plain, path)["locked"]) == [False] * 3
    with Workspace(path) as ws:      # deleting a version drops its locks with it
        ws.delete_version(vid)
        assert ws.db.execute("SELECT COUNT(*) FROM version_locks WHERE version_id = ?", (vid,)).fetchone()[0] == 0


def test_whatif_at_the_scenarios_aht_is_simulate_at_that_aht(example_data, tmp_path):
    """Issue 22 item 1: a fixed-staff what-if's base with the scenario's handle time gives what simulate gives at
    that handle time, not the history's figures."""
    from planning import scenario_demand, simulate
    from planning.aht import with_aht_source
    from planning.whatif import build_variants, run_whatif
    from scenarios import EXAMPLE_SCENARIO, scenario_from_dict
    from scenarios.overrides import parse_override

    example_data["demand"]["history"] = str(EXAMPLE_SCENARIO.parent / "data" / "insurance_history.csv")
    example_data["days"] = 1
    example_data["channels"]["phone"]["aht_seconds"] = 360
    for group, agents in (("generalist", 14), ("phone_only", 10), ("digital", 5)):
        example_data["skill_groups"][group]["constant_agents"] = agents
    sc = scenario_from_dict(example_data, base_dir=EXAMPLE_SCENARIO.parent)
    variants = build_variants(sc, sets=[parse_override("demand.scale=1.1")])
    demand = scenario_demand(sc)
    assert (demand[demand["channel"] == "phone"]["aht_seconds"] != 360).any()    # the history's differ
    truth = simulate(sc, None, demand=with_aht_source(sc, demand, "scenario"), replications=2, seed=1).summary
    history = simulate(sc, None, demand=demand, replications=2, seed=1).summary
    got = run_whatif(variants, None, replications=2, seed=1, aht_source="scenario").results[0].summary
    assert got.channels["phone"].service_level == truth.channels["phone"].service_level
    assert got.channels["phone"].service_level != history.channels["phone"].service_level
    assert run_whatif(variants, None, replications=2, seed=1).results[0].summary.channels["phone"].service_level \
        == history.channels["phone"].service_level
