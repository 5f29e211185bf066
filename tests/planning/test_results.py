"""Typed results: their JSON is what is stored and read back, and the one flattener gives the rows by hand."""

from __future__ import annotations

from planning import schedule
from planning.demand import scenario_demand
from planning.schedule_results import RoundSummary, ScheduleKPIs, ScheduleResult
from planning.store import Workspace, jsonable
from scenarios.flat import flatten
from schedule_helpers import small_scenario
from sim import SimSummary, simulate


def test_flatten_gives_dotted_rows_in_order_with_lists_as_leaves():
    nested = {"paid_hours": 120.5,
              "channels": {"phone": {"service_level": 0.8, "ci": {"service_level": [0.7, 0.9]}},
                           "chat": {"service_level": None}},
              "rounds": [{"round": 1}], "empty": {}}
    assert list(flatten(nested).items()) == [
        ("paid_hours", 120.5),
        ("channels.phone.service_level", 0.8),
        ("channels.phone.ci.service_level", [0.7, 0.9]),
        ("channels.chat.service_level", None),
        ("rounds", [{"round": 1}]),
    ]
    assert flatten(None) == {} and flatten({"a": 1}, "x.") == {"x.a": 1}


def test_a_stored_schedule_run_reads_back_into_the_typed_results_and_writes_the_same_json(tmp_path):
    sc = small_scenario(days=1, phone_rate=30, chat_rate=8, headcounts=(10, 6))
    res = schedule(sc, verify=True, rounds=2, replications=3, certify_replications=3, effort=1.0, workers=1)
    with Workspace(tmp_path / "ws.sqlite") as ws:
        stored = ws.run(ws.add_run("schedule", sc, res.to_json(), seed=1)).results
    kpis = ScheduleKPIs.from_json(stored)
    rounds = [RoundSummary.from_json(r) for r in stored["rounds"]]
    again = ScheduleResult(stored["method"], res.roster, res.requirement, res.coverage, res.groups,
                           stored["shortfalls"], kpis, rounds, warnings=stored["warnings"])
    assert jsonable(again.to_json()) == stored
    assert kpis.certified.seed == res.kpis.certified.seed and kpis.channels == res.kpis.channels
    assert rounds == res.rounds


def test_a_stored_simulate_run_reads_back_into_the_summary_and_writes_the_same_json(tmp_path):
    sc = small_scenario(days=1, phone_rate=30, chat_rate=8, headcounts=(10, 6))
    plan = schedule(sc, verify=False, effort=1.0, workers=1).roster
    res = simulate(sc, plan, demand=scenario_demand(sc), replications=2, seed=3)
    with Workspace(tmp_path / "ws.sqlite") as ws:
        stored = ws.run(ws.add_run("simulate", sc, res.to_json(), seed=3)).results
    assert SimSummary.from_json(stored) == res.summary
    assert SimSummary.from_json(stored).to_json() == {k: v for k, v in stored.items() if k != "replication_summaries"}
    assert [SimSummary.from_json(r).to_json() for r in stored["replication_summaries"]] == \
        stored["replication_summaries"]
