"""Split-and-resume: a replication stopped at any instant, captured (sim.state) and resumed from that state gives
exactly the records of the uninterrupted run with the same random streams."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from golden_sim import SCENARIO, demand, roster, scenario
from scenarios import constant_staffing, scenario_from_dict
from sim.inputs import build_spec
from sim.model import Engine
from sim.records import replication_records


def _seed(k: int) -> np.random.SeedSequence:
    # A fresh SeedSequence every time: spawning is stateful, so a reused object would give other streams.
    return np.random.SeedSequence(11).spawn(4)[k]


def _specs():
    sc = scenario()
    d = demand(sc)
    # Deterministic handle times make completions tie at one instant: the resumed run must keep their order.
    tied = copy.deepcopy(SCENARIO)
    tied["channels"]["phone"].update(service="deterministic")
    tied["channels"]["phone"].pop("service_cv")
    tied["channels"]["email"]["aht_seconds"] = 600
    tsc = scenario_from_dict(tied)
    # Escalations ending while chat is closed wait for its opening: pending events of their own.
    held = copy.deepcopy(SCENARIO)
    held["channels"]["bot"]["after_hours"] = "next_open"
    hsc = scenario_from_dict(held)
    return {"constant": build_spec(sc, constant_staffing(sc), d), "roster": build_spec(sc, roster(sc), d),
            "tied": build_spec(tsc, roster(tsc), demand(tsc)), "held": build_spec(hsc, roster(hsc), demand(hsc))}


SPECS = _specs()
FULL = {(name, k): replication_records(Engine(spec, _seed(k)).run()) for name, spec in SPECS.items()
        for k in range(2)}


def _assert_same(a: dict, b: dict) -> None:
    for ca, cb in zip(a["channels"], b["channels"]):
        for key in ca:
            np.testing.assert_array_equal(ca[key], cb[key], err_msg=key)
    for ga, gb in zip(a["groups"], b["groups"]):
        for key in ga:
            np.testing.assert_array_equal(ga[key], gb[key], err_msg=key)
    np.testing.assert_array_equal(a["week_wait_p90"], b["week_wait_p90"])


def _resumed(spec, k: int, *instants: float) -> dict:
    # The uninterrupted figures (FULL) come from untracked engines: tracking must not change them.
    engine = Engine(spec, _seed(k), track=True)
    for t in instants:
        engine.run(until=t)
        engine = Engine(spec, _seed(k), state=engine.capture())
    return replication_records(engine.run())


@settings(max_examples=30, deadline=None, derandomize=True)
@given(name=st.sampled_from(sorted(SPECS)), k=st.integers(0, 1),
       t=st.floats(0.001, 2 * 86400.0, allow_nan=False))
def test_split_anywhere_and_resumed_gives_the_uninterrupted_figures(name, k, t):
    _assert_same(FULL[(name, k)], _resumed(SPECS[name], k, t))


@pytest.mark.parametrize("name", sorted(SPECS))
def test_split_on_event_instants_and_twice(name):
    spec = SPECS[name]
    engine = Engine(spec, _seed(0))
    times, _, _ = engine.arrival_order()
    boundary = 12 * 3600.0                              # shift changes, aux draw and plan counts happen here
    arrival = float(times[len(times) // 3])             # an arrival at exactly the split instant stays pending
    for t in (boundary, arrival):
        _assert_same(FULL[(name, 0)], _resumed(spec, 0, t))
    _assert_same(FULL[(name, 0)], _resumed(spec, 0, 10 * 3600.0 + 0.5, arrival, 86400 + 13 * 3600.0))


def test_escalations_held_for_the_opening_survive_a_split():
    spec = SPECS["held"]
    engine = Engine(spec, _seed(1), track=True)
    engine.run(until=20 * 3600.0)                        # chat closed since 18:00: escalations wait for 09:00
    state = engine.capture()
    assert state.held and all(due == 86400 + 9 * 3600.0 for due, _ in state.held.values())
    _assert_same(FULL[("held", 1)], replication_records(Engine(spec, _seed(1), state=state).run()))


def test_state_reports_lines_backlog_and_busy_agents():
    spec = SPECS["roster"]
    engine = Engine(spec, _seed(0), track=True).run(until=12 * 3600.0 + 60)
    state = engine.capture()
    # Independent count from the engine itself: live contacts in the phone line, the email backlog, busy agents.
    phone, email = engine.channels[0], engine.channels[2]
    assert state.waiting(0) == sum(1 for i in phone.line if phone.deadline[i] > state.time)
    assert state.waiting(2) == len(email.line)
    assert state.busy_agents(0) == sum(1 for a in engine.groups[0].agents if a.state in (1, 2))
    assert state.on_agents(0) == engine.groups[0].on_count


def test_capture_needs_a_tracking_engine():
    spec = SPECS[sorted(SPECS)[0]]
    engine = Engine(spec, _seed(0)).run(until=3600.0)
    with pytest.raises(ValueError, match="track=True"):
        engine.capture()
