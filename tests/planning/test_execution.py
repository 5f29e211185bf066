"""Where replications run never changes the numbers: the three replication uses of sim.replicate (fresh customers,
given arrivals, resumed from a captured state) in this process and on a 2-process pool, and a what-if sweep and a
schedule in this process, on a local process pool and on a Dask LocalCluster of 2 worker processes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from golden_sim import demand, roster, scenario
from planning import open_executor, run_whatif, schedule, scenario_demand
from schedule_helpers import small_scenario
from scenarios import Roster, constant_staffing, scenario_from_dict
from sim import Fresh, GivenArrivals, Resume, arrival_times, build_spec, replicate
from test_whatif import _variants, small_data


def _seeds(n: int = 3) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(21).spawn(n)


def _jobs() -> dict[str, list]:
    """A few jobs of each use: the golden scenario (2 days: phone, chat, email, a bot) on its roster, and phone and
    chat without a bot (given arrivals are a past period's contacts, which asked for an agent)."""
    sc = scenario()
    d = demand(sc)
    week = roster(sc)
    spec = build_spec(sc, week, d)
    # the rest of the day after 13:00 on the roster less its last shift
    shorter = build_spec(sc, Roster(week.week_start, week.shifts[:-1]), d)
    data = small_data(hours=4)
    del data["channels"]["bot"]
    data["demand"]["rates"] = {"phone": 20, "chat": 16}
    human = scenario_from_dict(data)
    human_spec = build_spec(human, constant_staffing(human), scenario_demand(human))
    rng = np.random.default_rng(3)
    arrivals = tuple(arrival_times(rng, ch.expected, human_spec.interval_seconds) for ch in human_spec.channels)
    return {"fresh": [Fresh(spec, s) for s in _seeds()],
            "given arrivals": [GivenArrivals(human_spec, s, arrivals) for s in _seeds()],
            "resume": [Resume(spec, s, 13 * 3600.0, (spec, shorter)) for s in _seeds()]}


def _flat(result) -> list[np.ndarray]:
    """Every array of a job's result, in a fixed order."""
    if isinstance(result, dict):
        return ([a for ch in result["channels"] for a in ch.values()] + [np.asarray(result["week_wait_p90"])]
                + [a for g in result["groups"] for a in g.values()])
    if isinstance(result, list):
        return [a for part in result for a in _flat(part)]
    return [result.arrival, result.answered, result.abandoned, result.wait]


def test_the_three_replication_uses_give_the_same_numbers_in_process_and_on_a_pool():
    jobs = _jobs()
    here = {use: replicate(js) for use, js in jobs.items()}
    with open_executor("local", workers=2) as run_on:
        assert run_on.executor is not None
        pooled = {use: replicate(js, executor=run_on.executor) for use, js in jobs.items()}
    for use in jobs:
        for a, b in zip(here[use], pooled[use]):
            for x, y in zip(_flat(a), _flat(b), strict=True):
                np.testing.assert_array_equal(x, y, err_msg=use)
    # the jobs are data: running one again gives the same numbers (each engine gets an unspawned seed)
    for x, y in zip(_flat(replicate(jobs["resume"][:1])[0]), _flat(here["resume"][0]), strict=True):
        np.testing.assert_array_equal(x, y)
    # a resumed run on the unchanged roster is the uninterrupted run
    for x, y in zip(_flat(here["resume"][0][0]), _flat(here["fresh"][0]), strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.fixture(scope="module")
def dask_cluster():
    with open_executor("dask", scheduler="local", workers=2) as run_on:
        assert run_on.executor is not None and run_on.workers == 2
        yield run_on


def test_a_whatif_sweep_gives_the_same_numbers_on_dask_a_pool_and_in_process(dask_cluster):
    small = scenario_from_dict({**small_data(hours=4), "simulation": {"replications": 3, "seed": 11}})
    here = run_whatif(_variants(small))
    with open_executor("local", workers=2) as pool:
        pooled = run_whatif(_variants(small), executor=pool.executor, workers=pool.workers)
    on_dask = run_whatif(_variants(small), executor=dask_cluster.executor, workers=dask_cluster.workers)
    for other in (pooled, on_dask):
        for mine, ref in zip(other.results, here.results, strict=True):
            assert mine.variant.label == ref.variant.label
            pd.testing.assert_frame_equal(mine.intervals, ref.intervals)
            assert mine.replication_summaries == ref.replication_summaries
        pd.testing.assert_frame_equal(other.comparison, here.comparison)


def test_a_schedule_gives_the_same_roster_and_numbers_on_dask_a_pool_and_in_process(dask_cluster):
    sc = small_scenario(days=2, headcounts=(6, 3), phone_rate=12.0, chat_rate=4.0)
    options = dict(verify=True, rounds=2, replications=2, certify_replications=2, seed=5, effort=1.0,
                   time_limit=None, workers=1)
    here = schedule(sc, **options)
    with open_executor("local", workers=2) as pool:
        pooled = schedule(sc, executor=pool.executor, **options)
    on_dask = schedule(sc, executor=dask_cluster.executor, **options)
    for other in (pooled, on_dask):
        assert other.roster.shifts == here.roster.shifts
        assert other.sim.summary == here.sim.summary
        pd.testing.assert_frame_equal(other.sim.intervals, here.sim.intervals)
