"""The size guard: refuse a run too large for the machine before any forecasting or simulation starts.

planning.simulate, planning.schedule and planning.run_whatif call it at entry, so the CLI and the app are guarded
alike; the limits come from the caller (the CLI's --max-contacts / --max-agents), else $CCPLAN_MAX_CONTACTS /
$CCPLAN_MAX_AGENTS, else scenarios.bounds' defaults.
"""

from __future__ import annotations

import math
import os
from typing import Iterable

import pandas as pd

from scenarios import InputError, Problem, Roster, Scenario, staffing_matrix
from scenarios.bounds import SizeEstimate, check_size

from .demand import rough_week_contacts

# What a use case that has checked its size at entry passes to the entry points it calls inside (what-if
# scheduling a roster per variant): the caller's limits were applied once, the defaults must not apply again.
ALREADY_GUARDED = {"max_contacts": math.inf, "max_agents": math.inf}


def peak_agents(scenario: Scenario, plan: pd.DataFrame | Roster | None) -> float:
    """Most agents on duty at once: a staffing plan's busiest interval, a roster's agents, else the skill groups'
    constant_agents (when any) or headcounts."""
    if isinstance(plan, Roster):
        return float(len(plan.agents))
    if isinstance(plan, pd.DataFrame):
        return float(staffing_matrix(scenario, plan).sum(axis=1).max(initial=0.0))
    constant = sum(g.constant_agents or 0 for g in scenario.skill_groups.values())
    return float(constant or sum(g.headcount for g in scenario.skill_groups.values()))


def guard_size(scenario: Scenario, *, replications: int | None = None, workers: int | None = None,
               agents: float | None = None, max_contacts: float | None = None,
               max_agents: float | None = None) -> None:
    """Estimate the week's contacts per replication (without forecasting) and the agents on duty at once (default:
    every head of every skill group), and raise InputError with the estimate and the override when they are above
    the limits (scenarios.bounds.check_size). `workers`: replications in memory at once (default: min(replications,
    cores))."""
    reps = replications or scenario.simulation.replications
    if agents is None:
        agents = sum(g.headcount for g in scenario.skill_groups.values())
    estimate = SizeEstimate(rough_week_contacts(scenario), float(agents), int(reps),
                            int(workers or min(reps, os.cpu_count() or 1)))
    check_size(estimate, max_contacts=max_contacts, max_agents=max_agents)


def guard_crew(scenario: Scenario, agents: list) -> None:
    """Refuse to schedule nobody: every skill group's headcount 0 and no agents given (the solver would return an
    empty roster that misses every target, without saying why)."""
    if not agents:
        counts = ", ".join(f"{name} {g.headcount}" for name, g in scenario.skill_groups.items())
        raise InputError([Problem("skill_groups", f"every headcount is 0 ({counts}) and no agents are given: "
                                                  "nothing can be scheduled; give a group a headcount or pass an "
                                                  "agents file")], "nothing to schedule")


def guard_variants(variants: Iterable, staffing: pd.DataFrame | Roster | None = None, *,
                   replications: int | None = None, workers: int | None = None, max_contacts: float | None = None,
                   max_agents: float | None = None) -> None:
    """The size guard for every what-if variant (planning.whatif.Variant) before any runs; each problem names its
    variant. `staffing`: the fixed staff every variant gets (None: each variant's headcounts)."""
    for variant in variants:
        try:
            guard_size(variant.scenario, replications=replications, workers=workers, max_contacts=max_contacts,
                       max_agents=max_agents,
                       agents=peak_agents(variant.scenario, staffing) if staffing is not None else None)
        except InputError as exc:
            raise InputError([Problem(f"variant {variant.label}", p.message) for p in exc.problems],
                             exc.title) from None
