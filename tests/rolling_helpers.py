"""Plan and roster a small scenario in one step, for the rolling-weeks tests (horizons, rule catalogue)."""

from __future__ import annotations

from optimizer import Budget, build_roster, generate_agents, group_limits, select_shifts
from schedule_helpers import flat_requirement


def plan_and_roster(sc, rates: dict[str, float], effort: float):
    """(agents, roster outcome) of the scenario's generated agents for a flat requirement `rates` (agents per
    channel, 08:00-20:00), each solver stage at `effort` on one worker."""
    agents = generate_agents(sc)
    budget = Budget(effort, workers=1)
    plan = select_shifts(sc, flat_requirement(sc, rates), group_limits(sc, agents), budget=budget)
    return agents, build_roster(sc, plan.shifts, agents, budget=budget)
