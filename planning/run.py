"""Simulating a scenario's week with its own demand: the libraries take demand as an argument; this resolves it."""

from __future__ import annotations

import pandas as pd

from scenarios import Roster, Scenario
from scenarios.progress import Progress, no_progress
from sim import SimResult
from sim import simulate as simulate_week

from .demand import scenario_demand
from .guard import guard_size, peak_agents


def simulate(scenario: Scenario, staffing: pd.DataFrame | Roster | None = None, *,
             demand: pd.DataFrame | None = None, progress: Progress | None = None,
             max_contacts: float | None = None, max_agents: float | None = None, **options) -> SimResult:
    """sim.simulate with `demand` defaulting to the scenario's (planning.demand.scenario_demand); `options` are
    sim.simulate's (replications, seed, executor, workers). Refused before any work when larger than the size
    guard's limits `max_contacts` / `max_agents` (planning.guard)."""
    guard_size(scenario, replications=options.get("replications"), workers=options.get("workers"),
               agents=peak_agents(scenario, staffing), max_contacts=max_contacts, max_agents=max_agents)
    progress = progress or no_progress
    if demand is None:
        progress(0.0, "demand")
        demand = scenario_demand(scenario)
    return simulate_week(scenario, staffing, demand=demand, progress=progress, **options)
