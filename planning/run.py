"""Simulating a scenario's week with its own demand: the libraries take demand as an argument; this resolves it."""

from __future__ import annotations

import pandas as pd

from scenarios import Roster, Scenario
from scenarios.progress import Progress, no_progress
from sim import SimResult
from sim import simulate as simulate_week

from .demand import scenario_demand


def simulate(scenario: Scenario, staffing: pd.DataFrame | Roster | None = None, *,
             demand: pd.DataFrame | None = None, progress: Progress | None = None, **options) -> SimResult:
    """sim.simulate with `demand` defaulting to the scenario's (planning.demand.scenario_demand); `options` are
    sim.simulate's (replications, seed, executor, workers)."""
    progress = progress or no_progress
    if demand is None:
        progress(0.0, "demand")
        demand = scenario_demand(scenario)
    return simulate_week(scenario, staffing, demand=demand, progress=progress, **options)
