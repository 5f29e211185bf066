"""Locked shifts: rows of a roster kept exactly as they are while the rest of the week is scheduled around them.

A locked shift is fixed coverage and a fixed assignment. Shift selection sees the requirement less what the
locked shifts already cover (`Locked.residual`); the roster sees each locked agent's week with the locked days
taken, the rest before and after every locked shift kept free, and the locked paid hours off the contract
(`Locked.free_agents`); every simulation and the final roster hold the locked shifts unchanged (`Locked.plus`,
`Locked.finish`). A locked shift is written back through the same Roster, so a row of a roster ccplan wrote comes
out byte for byte as it went in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scenarios import Agent, Roster, Scenario, Shift, interval_index, split_by_day

from .plan import GroupLimits
from .requirements import requirement_arrays
from .roster_rules import roster_rule_breaks


@dataclass
class LockedAgent(Agent):
    """An agent whose `locked_days` (day indices of the week) are already worked by locked shifts: the roster
    model counts those days as worked for the weekly shift count and the consecutive-days rule."""

    locked_days: frozenset[int] = field(default_factory=frozenset)


@dataclass
class Locked:
    """The locked shifts of a week (possibly none: then every method returns its input unchanged)."""

    shifts: list[Shift] = field(default_factory=list)
    contracts: list[Agent] = field(default_factory=list)   # the agents as contracted (rule checks of `finish`)

    def __bool__(self) -> bool:
        return bool(self.shifts)

    @property
    def agents(self) -> set[str]:
        return {s.agent for s in self.shifts}

    def residual(self, scenario: Scenario, requirement: pd.DataFrame) -> pd.DataFrame:
        """The requirement (ds, channel, agents: available agents) less what the locked shifts cover. A locked
        agent's available time (work periods less shrinkage) is shared over the channels of their skill group in
        proportion to what each still needs, never below zero: a pooled channel set holding all of the group's
        channels gets exactly the locked time off; a smaller set gets at most that (never less covered than
        required)."""
        if not self.shifts or requirement is None or not len(requirement):
            return requirement
        need = requirement_arrays(scenario, requirement)
        avail = Roster(scenario.start, self.shifts).availability(scenario)
        groups = list(scenario.skill_groups)
        matrix = avail["agents"].to_numpy(float).reshape(scenario.n_intervals, len(groups)) * (1 - scenario.shrinkage)
        for j, g in enumerate(groups):
            skills = [c for c in scenario.skill_groups[g].skills if c in need]
            if not skills or not matrix[:, j].any():
                continue
            stack = np.vstack([need[c] for c in skills])
            total = stack.sum(axis=0)
            share = np.divide(stack, total, out=np.zeros_like(stack), where=total > 0)
            taken = np.minimum(stack, share * matrix[:, j])
            for n, c in enumerate(skills):
                need[c] = need[c] - taken[n]
        out = requirement.copy()
        index = interval_index(scenario, out["ds"])
        values = out["agents"].to_numpy(float).copy()
        for row, (c, i) in enumerate(zip(out["channel"].to_numpy(), index)):
            if c in need and i >= 0:
                values[row] = need[c][i]
        out["agents"] = np.maximum(values, 0.0)
        return out

    def free_agents(self, scenario: Scenario, agents: list[Agent]) -> list[Agent]:
        """The agents as the roster of the other shifts sees them: a locked agent's locked days and the rest
        around each locked shift (shift_rules.min_rest_hours) unavailable, the locked paid hours off the
        contract's minimum and maximum."""
        if not self.shifts:
            return agents
        rest = int(round(scenario.shift_rules.min_rest_hours * 60))
        mine: dict[str, list[Shift]] = {}
        for s in self.shifts:
            mine.setdefault(s.agent, []).append(s)
        out = []
        for agent in agents:
            own = mine.get(agent.id)
            if not own:
                out.append(agent)
                continue
            blocked = list(agent.unavailable)
            days = set()
            for s in own:
                start, end = int(round(s.start_s / 60)), int(round(s.end_s / 60))
                days.add(start // 1440)
                blocked.append((start // 1440, 0, 1440))        # one shift a day
                blocked += split_by_day(start - rest, end + rest, scenario.days)
            paid = sum(s.paid_seconds for s in own) / 3600
            out.append(LockedAgent(agent.id, agent.skill_group, max(0.0, agent.min_hours - paid),
                                   max(0.0, agent.max_hours - paid), blocked, agent.preferred_start,
                                   agent.time_off, locked_days=frozenset(days)))
        return out

    def limits(self, scenario: Scenario, limits: dict[str, GroupLimits]) -> dict[str, GroupLimits]:
        """Group limits of the shifts still to select: the locked shifts off the weekly shift counts."""
        if not self.shifts:
            return limits
        out = dict(limits)
        for g, lim in limits.items():
            n = sum(1 for s in self.shifts if s.skill_group == g)
            if n:
                # the locked agents' weeks are partly worked already: the group's totals only (no contracts)
                out[g] = dataclasses.replace(lim, max_shifts=max(0, lim.max_shifts - n),
                                             min_shifts=max(0, lim.min_shifts - n), contracts=())
        return out

    def plus(self, roster: Roster) -> Roster:
        """`roster` with the locked shifts added (what is simulated: the locked coverage is really there)."""
        if not self.shifts:
            return roster
        return Roster(roster.week_start, list(self.shifts) + list(roster.shifts))

    def finish(self, scenario: Scenario, outcome):
        """The roster outcome (optimizer.RosterOutcome) with the locked shifts in it, unchanged. A scheduled shift
        that would make a locked agent's week break a hard rule (the greedy repairs do not see the locked days) is
        taken out again and reported."""
        if not self.shifts:
            return outcome
        agents = self.contracts
        locked_keys = {id(s) for s in self.shifts}
        shifts = list(self.shifts) + list(outcome.roster.shifts)
        dropped = []
        for agent in sorted(self.agents):
            while True:
                own = [s for s in shifts if s.agent == agent]
                breaks = roster_rule_breaks(scenario, Roster(scenario.start, own), agents)
                free = [s for s in own if id(s) not in locked_keys]
                if not breaks or not free:
                    break
                worst = max(free, key=lambda s: s.start_s)
                shifts.remove(worst)
                dropped.append(worst)
        warnings = list(outcome.warnings)
        if dropped:
            warnings.append(f"{len(dropped)} scheduled shift(s) of locked agents were taken out again because, "
                            f"with the locked shifts, they broke a labour rule: "
                            + ", ".join(f"{s.agent} {scenario.start + dt.timedelta(seconds=s.start_s):%a %Y-%m-%d %H:%M}"
                                        for s in dropped[:5]))
        locked_rules = roster_rule_breaks(scenario, Roster(scenario.start, list(self.shifts)), agents)
        if locked_rules:
            warnings.append("the locked shifts themselves break labour rules (kept as locked): "
                            + "; ".join(locked_rules[:5]))
        roster = Roster(scenario.start, shifts)
        return dataclasses.replace(outcome, roster=roster, warnings=warnings)


NO_LOCKS = Locked()
