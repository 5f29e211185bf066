"""Replications by precision (planning.precision): hand-computed counts, the example week's counts unchanged, and
the per-interval standard error they give held within the stated target at every volume."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planning import schedule
from planning.demand import scenario_demand, week_demand
from planning.plausible import hedged_demand
from planning.precision import (CERTIFY_CONTACTS_JUDGED, LOOP_CONTACTS_JUDGED, LOOP_SE_TARGET, MIN_REPLICATIONS,
                                Precision, median_interval_contacts, replications_for, sampling,
                                simulate_to_precision)
from planning.schedule import CERTIFY_REPLICATIONS, DEFAULT_RISK, LOOP_REPLICATIONS
from scenarios import EXAMPLE_SCENARIO, InputError, load_scenario, scenario_from_dict
from scenarios.overrides import Override, apply_overrides
from sim import open_intervals, offered_load_staffing, simulate


def center(phone: float, chat: float, days: int = 1):
    """Phone and chat at constant contacts per 30-minute interval, open 08:00-20:00, one skill group."""
    return scenario_from_dict({
        "name": "precision", "start": "2026-01-05", "days": days, "interval_minutes": 30, "open": "08:00-20:00",
        "shrinkage": 0.0,
        "channels": {
            "phone": {"kind": "voice", "aht_seconds": 300, "patience_seconds": 180,
                      "target": {"answer_within_seconds": 60, "service_level": 0.8, "max_abandon_rate": 0.05}},
            "chat": {"kind": "chat", "aht_seconds": 480, "concurrency": 3, "patience_seconds": 240,
                     "target": {"answer_within_seconds": 60, "service_level": 0.8}},
            "email": {"kind": "deferred", "aht_seconds": 420, "target": {"respond_within_hours": 24,
                                                                           "service_level": 0.95}},
        },
        "demand": {"rates": {"phone": phone, "chat": chat, "email": 1.0}},
        "skill_groups": {"all": {"skills": ["phone", "chat", "email"], "headcount": 2000}},
    })


def counts(sc, demand=None, loop=None, certify=None) -> tuple[int, int]:
    """The replications the loop and the certification start with for the scenario's demand."""
    demand = scenario_demand(sc) if demand is None else demand
    s = sampling(sc, demand, loop=loop, certify=certify, loop_cap=LOOP_REPLICATIONS, certify_cap=CERTIFY_REPLICATIONS)
    return s.loop.start, s.certify.start


def test_hand_computed_counts():
    # the quietest real-time channel (chat, 18 contacts a median open half hour; email is not judged per interval)
    sc = center(phone=60, chat=18)
    assert median_interval_contacts(sc, scenario_demand(sc)) == pytest.approx(18)
    # ceil(800 / 18) = 45 and ceil(2,000 / 18) = 112: above the example's counts, which cap them
    assert counts(sc) == (LOOP_REPLICATIONS, CERTIFY_REPLICATIONS) == (40, 100)
    # 7.4 x the contacts: ceil(800 / 133.2) = 7 and ceil(2,000 / 133.2) = 16
    assert counts(center(phone=60 * 7.4, chat=18 * 7.4)) == (7, 16)
    # chat 30: ceil(800 / 30) = 27, ceil(2,000 / 30) = 67; phone 20 is now the quietest: 40 and 100
    assert counts(center(phone=200, chat=30)) == (27, 67)
    assert counts(center(phone=20, chat=30)) == (40, 100)
    # a very busy center never goes below MIN_REPLICATIONS
    assert counts(center(phone=5000, chat=2000)) == (MIN_REPLICATIONS, MIN_REPLICATIONS)
    assert LOOP_CONTACTS_JUDGED / 18 > 40 and CERTIFY_CONTACTS_JUDGED / 18 > 100


def test_no_real_time_demand_keeps_the_caps():
    sc = center(phone=0, chat=0)
    assert replications_for(sc, scenario_demand(sc), contacts=LOOP_CONTACTS_JUDGED, cap=40) == 40


def test_explicit_counts_are_honoured():
    sc = center(phone=60 * 7.4, chat=18 * 7.4)
    assert counts(sc, loop=3, certify=9) == (3, 9)
    res = schedule(sc, verify=True, rounds=1, replications=2, certify_replications=3, effort=0.5, workers=1,
                   time_limit=None, risk=None)
    assert res.kpis.in_sample.replications == 2 and res.kpis.certified.replications == 3


def test_default_schedule_uses_the_rule():
    sc = center(phone=60 * 7.4, chat=18 * 7.4)
    res = schedule(sc, verify=True, rounds=1, effort=0.5, workers=1, time_limit=None, risk=None)
    assert 7 <= res.kpis.in_sample.replications <= LOOP_REPLICATIONS
    assert 16 <= res.kpis.certified.replications <= CERTIFY_REPLICATIONS


def test_the_example_week_keeps_its_counts_and_1000_agents_get_fewer():
    example = load_scenario(EXAMPLE_SCENARIO)
    week = week_demand(example)
    for demand in (week.table, hedged_demand(week.table, week.uncertainty, DEFAULT_RISK)):
        assert counts(example, demand) == (40, 100)
    thousand = apply_overrides(example, [Override("demand.scale", 7.4, "7.4")])
    demand = week_demand(thousand).table
    chat = median_interval_contacts(thousand, demand)
    assert counts(thousand, demand) == (math.ceil(800 / chat), math.ceil(2000 / chat)) == (7, 16)


def interval_service_level_se(result, channel: str, sc) -> np.ndarray:
    """Per open interval with contacts, the standard error of the pooled service level (sum of answered within
    over sum of offered) from the spread of the replications (delta method of a ratio estimator)."""
    c = result.channels.index(channel)
    offered = np.stack([rec["channels"][c]["offered"] for rec in result.records]).astype(float)
    within = np.stack([rec["channels"][c]["answered_within"] for rec in result.records]).astype(float)
    r = len(result.records)
    ratio = within.sum(axis=0) / np.maximum(offered.sum(axis=0), 1)
    spread = ((within - ratio * offered) ** 2).sum(axis=0) / (r * (r - 1))
    se = np.sqrt(spread) / np.maximum(offered.mean(axis=0), 1e-9)
    rows = open_intervals(sc, result.intervals)
    rows = rows[(rows["channel"] == channel) & (rows["offered"] > 0)]
    at = np.searchsorted(result.ds, rows["ds"])
    return se[at]


@pytest.mark.parametrize("scale", [1.0, 3.0, 7.4])
def test_per_interval_standard_error_stays_within_the_target(scale):
    # the example's volumes (phone 60, chat 18 a half hour) scaled, staffed by square-root staffing from offered
    # load (where an interval's spread between replications shrinks little with volume)
    sc = center(phone=60 * scale, chat=18 * scale)
    demand = scenario_demand(sc)
    start, _ = counts(sc)
    assert start == min(40, max(MIN_REPLICATIONS, math.ceil(800 / (18 * scale))))
    precision = Precision(start, LOOP_REPLICATIONS, LOOP_SE_TARGET)
    result = simulate_to_precision(sc, offered_load_staffing(sc, demand), demand, precision=precision, seed=3)
    assert start <= result.replications <= LOOP_REPLICATIONS
    worst = max(float(np.median(interval_service_level_se(result, channel, sc))) for channel in ("phone", "chat"))
    assert worst <= LOOP_SE_TARGET or result.replications == LOOP_REPLICATIONS, (scale, result.replications, worst)
    # the first replications are those a plain simulation with that count gives (the same children of the seed)
    plain = simulate(sc, offered_load_staffing(sc, demand), demand=demand, replications=result.replications, seed=3)
    assert plain.intervals.equals(result.intervals)


@pytest.mark.parametrize("given", [{"replications": 0}, {"certify_replications": 1}])
def test_counts_given_too_small_are_input_errors_naming_the_setting(given):
    """A count given is run exactly, so 0 loop replications (or 1 certification replication) is refused before any
    work, naming the setting; None (by precision) is the default."""
    with pytest.raises(InputError) as err:
        schedule(center(20, 10), verify=True, rounds=1, **given)
    assert next(iter(given)) in str(err.value)
