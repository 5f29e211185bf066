"""The traditional two-step method, as a baseline for ccplan.

1. Erlang C per interval and channel (`requirements(..., method="erlang-c")`): no abandonment, chat worked one
   session at a time, email worked in the interval it arrives. No pooling benefit: each channel is covered by its
   own dedicated share of the agents in each interval (a group's agents are split between its channels, never
   counted twice).
2. Shift covering: the cheapest shifts whose full length covers the on-duty requirement, lunch and breaks left
   out of the covering and put in afterwards, staggered over their allowed positions (`select_shifts` with
   `place_breaks=False`), so they cut into the coverage as they do in practice.
"""

from __future__ import annotations

import pandas as pd

from scenarios import Scenario

from .plan import GroupLimits, ShiftPlan
from .requirements import requirements
from .shifts import select_shifts
from .solver import Budget


def baseline_requirement(scenario: Scenario, demand: pd.DataFrame) -> pd.DataFrame:
    """Erlang C available agents per interval and channel (ds, channel, agents, offered, aht_seconds)."""
    return requirements(scenario, demand, method="erlang-c")


def two_step_shifts(scenario: Scenario, requirement: pd.DataFrame, limits: dict[str, GroupLimits], *,
                    budget: Budget = Budget(), progress=None) -> ShiftPlan:
    """Step 2: shift covering of the Erlang C requirement, breaks placed afterwards."""
    return select_shifts(scenario, requirement, limits, budget=budget, place_breaks=False, progress=progress)
