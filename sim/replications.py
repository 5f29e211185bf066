"""`simulate`: R independent replications of the week, in parallel processes, aggregated into a SimResult.

Replication k uses child k of `np.random.SeedSequence(seed).spawn(R)`, so its numbers depend only on the seed
and k: results are identical whatever the executor or number of workers.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed

import numpy as np
import pandas as pd

from scenarios import InputError, Problem, Roster, Scenario, constant_staffing, week_intervals
from scenarios.progress import Progress, no_progress

from .inputs import build_spec
from .records import run_replication
from .results import SimResult, build_result


def simulate(scenario: Scenario, staffing: pd.DataFrame | Roster | None = None, *,
             demand: pd.DataFrame, replications: int | None = None, seed: int | None = None,
             executor: Executor | None = None, workers: int | None = None,
             progress: Progress | None = None) -> SimResult:
    """Simulate the scenario's week `replications` times and return means with 95% CIs.

    staffing: a long plan (ds, skill_group, agents = available agents; checked, rows named on error), a Roster
    (shrinkage applied as aux rotation), or None for the scenario's constant staffing.
    demand: expected contacts (float) and mean handle time (aht_seconds) per (ds, channel), e.g. from
    planning.demand.scenario_demand.
    replications, seed: default scenario.simulation. executor: any concurrent.futures.Executor; else a process
    pool of `workers` (default min(replications, cpu count)); workers=1 runs in this process.
    """
    progress = progress or no_progress
    replications = scenario.simulation.replications if replications is None else int(replications)
    seed = scenario.simulation.seed if seed is None else int(seed)
    problems = []
    if replications < 1:
        problems.append(Problem("replications", f"must be at least 1 (got {replications})"))
    if seed < 0:
        problems.append(Problem("seed", f"must be >= 0 (got {seed})"))
    if workers is not None and workers < 1:
        problems.append(Problem("workers", f"must be at least 1 (got {workers})"))
    if problems:
        raise InputError(problems, "invalid simulation settings")
    if staffing is None:
        staffing = constant_staffing(scenario)
    spec = build_spec(scenario, staffing, demand)
    children = np.random.SeedSequence(seed).spawn(replications)
    records = _run_all(spec, children, executor, workers, progress)
    progress(1.0, "summarising")
    return build_result(spec, week_intervals(scenario), records, seed)


def _run_all(spec, children, executor, workers, progress: Progress) -> list[dict]:
    r = len(children)
    progress(0.0, f"0/{r} replications")
    if executor is None:
        workers = min(r, os.cpu_count() or 1) if workers is None else min(workers, r)
        if workers <= 1:
            records = []
            for k, child in enumerate(children):
                records.append(run_replication(spec, child))
                progress((k + 1) / r, f"{k + 1}/{r} replications")
            return records
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return _collect(pool, spec, children, progress)
    return _collect(executor, spec, children, progress)


def _collect(executor: Executor, spec, children, progress: Progress) -> list[dict]:
    r = len(children)
    futures = {executor.submit(run_replication, spec, child): k for k, child in enumerate(children)}
    records: list = [None] * r
    for done, future in enumerate(as_completed(futures), start=1):
        records[futures[future]] = future.result()
        progress(done / r, f"{done}/{r} replications")
    return records
