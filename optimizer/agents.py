"""The named agents as the optimizer sees them: generated from the skill groups' headcounts when no agents file
is given (the agents, their time off and locked shifts are read by scenarios.agents), and what each skill group's
agents can work in the week.
"""

from __future__ import annotations

from scenarios import Agent, Scenario

from .agent_weeks import contracts_of
from .minimum_hours import prorated
from .horizon import weekly_caps
from .plan import GroupLimits


def generate_agents(scenario: Scenario) -> list[Agent]:
    """One agent per head of each skill group, with the group's contract (`generalist-001`, ...)."""
    out = []
    for name, group in scenario.skill_groups.items():
        width = max(3, len(str(group.headcount)))
        for i in range(group.headcount):
            out.append(Agent(f"{name}-{i + 1:0{width}d}", name, group.min_hours_per_week, group.max_hours_per_week))
    return out


MIN_HOURS_PAD = 1.06


def group_limits(scenario: Scenario, agents: list[Agent]) -> dict[str, GroupLimits]:
    """What each skill group's agents can work in the week, for the shift-selection model (contracted minimums
    pro-rated for time off, optimizer.minimum_hours; the limits the rule catalogue implies,
    optimizer.catalogue_limits)."""
    from .catalogue_limits import with_catalogue   # here: that module reads partly_free from this one

    rules = scenario.shift_rules
    max_shifts, min_shifts, weeks = weekly_caps(rules, scenario.days)   # optimizer.horizon: per week
    out = {}
    for name in scenario.skill_groups:
        own = [a for a in agents if a.skill_group == name]
        per_day = [sum(1 for a in own if partly_free(a, d)) for d in range(scenario.days)]
        out[name] = GroupLimits(
            agents_per_day=per_day,
            max_shifts=len(own) * max_shifts,
            min_shifts=len(own) * min_shifts,
            max_paid_min=int(sum(a.max_hours for a in own) * 60 * weeks),
            # A little above the contracted sum: shift lengths are discrete, so the hours must be shareable.
            min_paid_min=int(sum(prorated(a, scenario).min_hours for a in own) * 60 * MIN_HOURS_PAD * weeks),
            contracts=contracts_of([(int(round(prorated(a, scenario).min_hours * 60)), int(round(a.max_hours * 60)))
                                    for a in own]),
        )
    return with_catalogue(scenario, agents, out)     # what the hard catalogue rules let the agents take


def partly_free(agent: Agent, day: int) -> bool:
    """True unless the agent is away for the whole day."""
    return sum(b - a for d, a, b in agent.unavailable if d == day) < 1440
