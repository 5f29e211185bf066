"""Simulating a scenario's week with its own demand: the libraries take demand as an argument; this resolves it."""

from __future__ import annotations

import os
from concurrent.futures import Executor

import pandas as pd

from scenarios import Roster, Scenario
from scenarios.progress import Progress, no_progress
from sim import SimResult
from sim import simulate as simulate_week

from .demand import scenario_demand
from .execution import executor_or_local
from .guard import guard_size, peak_agents


def simulate(scenario: Scenario, staffing: pd.DataFrame | Roster | None = None, *,
             demand: pd.DataFrame | None = None, replications: int | None = None, seed: int | None = None,
             executor: Executor | None = None, workers: int | None = None,
             progress: Progress | None = None, max_contacts: float | None = None,
             max_agents: float | None = None) -> SimResult:
    """sim.simulate with `demand` defaulting to the scenario's (planning.demand.scenario_demand). The replications
    run on `executor` (planning.execution.open_executor), else on a local process pool of `workers` (default
    min(replications, cores); 1: in this process). Refused before any work when larger than the size guard's
    limits `max_contacts` / `max_agents` (planning.guard)."""
    guard_size(scenario, replications=replications, workers=workers, agents=peak_agents(scenario, staffing),
               max_contacts=max_contacts, max_agents=max_agents)
    progress = progress or no_progress
    if demand is None:
        progress(0.0, "demand")
        demand = scenario_demand(scenario)
    if workers is None:
        reps = scenario.simulation.replications if replications is None else int(replications)
        workers = max(1, min(reps, os.cpu_count() or 1))
    with executor_or_local(executor, workers) as run_on:
        return simulate_week(scenario, staffing, demand=demand, replications=replications, seed=seed,
                             executor=run_on, progress=progress)
