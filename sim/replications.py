"""Replications, the one way the project runs them: `replicate(jobs, executor=...)`; `simulate` runs a scenario's
week on fresh customers through it.

A job is one replication of a ModelSpec (sim.inputs.build_spec) with its own SeedSequence:
- Fresh(spec, seed): customers drawn from the spec (sim.customers); gives the replication's interval records
  (sim.records.replication_records).
- GivenArrivals(spec, seed, arrivals): the contacts arrive at the given times (a past period's real arrivals),
  their handle times and patience drawn from the spec; gives every contact's outcome (ContactOutcomes per channel).
- Resume(spec, seed, at, then): runs `spec` to `at` seconds, captures its state (Engine.capture) and continues from
  it on every spec of `then` with the same customers; gives the interval records of each continuation.

Jobs run on any concurrent.futures.Executor (a process pool, a Dask client's executor: planning.execution makes
them) or, with None, in this process; sim makes no pools of its own. A job's numbers depend only on its spec and
seed: `simulate` gives replication k child k of `np.random.SeedSequence(seed).spawn(R)`, so results are identical
whatever the executor or number of workers.
"""

from __future__ import annotations

from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from scenarios import InputError, Problem, Roster, Scenario, constant_staffing, week_intervals
from scenarios.progress import Progress, no_progress

from .customers import customers_arriving
from .inputs import ModelSpec, build_spec
from .model import Engine
from .records import ContactOutcomes, contact_outcomes, replication_records
from .results import SimResult, build_result


def _unspawned(seed: np.random.SeedSequence) -> np.random.SeedSequence:
    # Spawning is stateful: every engine gets a copy that has spawned nothing, so a job gives the same streams
    # however often it runs (and a resumed run the same customers as the run it resumes).
    return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size)


@dataclass(frozen=True)
class Fresh:
    """One replication of `spec` on customers drawn with `seed`."""

    spec: ModelSpec
    seed: np.random.SeedSequence

    def run(self) -> dict:
        """The replication's interval records (sim.records.replication_records)."""
        return replication_records(Engine(self.spec, _unspawned(self.seed)).run())


@dataclass(frozen=True)
class GivenArrivals:
    """One replication of `spec` whose contacts arrive at `arrivals` (per channel of the spec, sorted seconds from
    the week start); handle times and patience are drawn with `seed` (sim.customers.customers_arriving)."""

    spec: ModelSpec
    seed: np.random.SeedSequence
    arrivals: tuple[np.ndarray, ...]

    def run(self) -> list[ContactOutcomes]:
        """Every contact's outcome, per channel of the spec."""
        customers, engine_seed = customers_arriving(self.spec, self.arrivals, _unspawned(self.seed))
        return contact_outcomes(Engine(self.spec, engine_seed, customers=customers).run())


@dataclass(frozen=True)
class Resume:
    """One replication run on `spec` to `at` seconds, then continued from its state at `at` on each spec of `then`
    (e.g. the published and a re-planned roster for the rest of the day), all on the customers of `seed`."""

    spec: ModelSpec
    seed: np.random.SeedSequence
    at: float
    then: tuple[ModelSpec, ...]

    def run(self) -> list[dict]:
        """The interval records of each continuation, in the order of `then`."""
        state = Engine(self.spec, _unspawned(self.seed), track=True).run(until=self.at).capture()
        return [replication_records(Engine(spec, _unspawned(self.seed), state=state).run()) for spec in self.then]


Job = Fresh | GivenArrivals | Resume


def replicate(jobs: Sequence[Job], *, executor: Executor | None = None, progress: Progress | None = None) -> list:
    """Run every job (on `executor`, or in this process when None) and return their results in job order."""
    progress = progress or no_progress
    r = len(jobs)
    progress(0.0, f"0/{r} replications")
    results: list = [None] * r
    if executor is None:
        for k, job in enumerate(jobs):
            results[k] = job.run()
            progress((k + 1) / r, f"{k + 1}/{r} replications")
        return results
    futures = {executor.submit(_run, job): k for k, job in enumerate(jobs)}
    for done, future in enumerate(as_completed(futures), start=1):
        results[futures[future]] = future.result()
        progress(done / r, f"{done}/{r} replications")
    return results


def _run(job: Job):
    """A job's result (the unit of work sent to worker processes)."""
    return job.run()


def simulate(scenario: Scenario, staffing: pd.DataFrame | Roster | None = None, *,
             demand: pd.DataFrame, replications: int | None = None, seed: int | None = None,
             executor: Executor | None = None, progress: Progress | None = None) -> SimResult:
    """Simulate the scenario's week `replications` times on fresh customers and return means with 95% CIs.

    staffing: a long plan (ds, skill_group, agents = available agents; checked, rows named on error), a Roster
    (shrinkage applied as aux rotation), or None for the scenario's constant staffing.
    demand: expected contacts (float) and mean handle time (aht_seconds) per (ds, channel), e.g. from
    planning.demand.scenario_demand.
    replications, seed: default scenario.simulation. executor: where the replications run (None: in this process).
    """
    progress = progress or no_progress
    replications = scenario.simulation.replications if replications is None else int(replications)
    seed = scenario.simulation.seed if seed is None else int(seed)
    problems = []
    if replications < 1:
        problems.append(Problem("replications", f"must be at least 1 (got {replications})"))
    if seed < 0:
        problems.append(Problem("seed", f"must be >= 0 (got {seed})"))
    if problems:
        raise InputError(problems, "invalid simulation settings")
    if staffing is None:
        staffing = constant_staffing(scenario)
    spec = build_spec(scenario, staffing, demand)
    jobs = [Fresh(spec, child) for child in np.random.SeedSequence(seed).spawn(replications)]
    records = replicate(jobs, executor=executor, progress=progress)
    progress(1.0, "summarising")
    return build_result(spec, week_intervals(scenario), records, seed)
