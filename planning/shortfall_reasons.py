"""Why a roster's intervals fall short: for each open interval that misses a target, how many agents who take the
channel could work then (their unavailable times and time off counted), how many the roster has on duty there and
about how many the targets need on duty, so a plan that misses says whether the crew is too small at those times
or the agents were there to be planned.

"Needed on duty" is the requirement of the interval raised as the schedule loop would raise it next
(optimizer.resize_requirement on the judged interval), divided by (1 - shrinkage); it counts the channel alone, so
when agents also serve other channels then it is a lower bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer import resize_requirement
from scenarios import Agent, Roster, Scenario, interval_index

LISTED = 5     # intervals named in a warning per channel and kind; the rest are counted


@dataclass(frozen=True)
class ShortInterval:
    """An open interval missing a target: `channel`, `ds` (start), the agents who take the channel and could work
    in it (`can_work`), those the roster has on duty (`on_duty`, lunch and breaks off) and about how many the
    targets need on duty (`needed`)."""

    channel: str
    ds: pd.Timestamp
    can_work: int
    on_duty: float
    needed: float

    @property
    def crew_too_small(self) -> bool:
        return self.can_work < self.needed

    def describe(self, scenario: Scenario) -> str:
        end = self.ds + pd.Timedelta(minutes=scenario.interval_minutes)
        return (f"{self.ds:%a %d %b %H:%M}-{end:%H:%M}: {self.can_work} agent(s) taking {self.channel} can work, "
                f"{self.on_duty:g} on duty, about {math.ceil(self.needed - 1e-9)} needed")


def short_intervals_explained(scenario: Scenario, judged: pd.DataFrame, requirement: pd.DataFrame,
                              roster: Roster, agents: list[Agent]) -> list[ShortInterval]:
    """The intervals of `judged` (sim.judge's columns) that miss a target, each with its crew (module docstring).
    `requirement` is the plan's (ds, channel, agents in available agents, offered, aht_seconds); `agents` the
    agents with their time off applied."""
    missed = judged[~judged["meets"]]
    if missed.empty:
        return []
    raised, _ = resize_requirement(scenario, requirement, missed, requirement, lower=False)
    need = {(c, p): a for c, p, a in zip(raised["channel"], interval_index(scenario, raised["ds"]), raised["agents"])}
    per_day = 1440 // scenario.interval_minutes
    minutes = scenario.interval_minutes
    avail = roster.availability(scenario)
    groups = list(scenario.skill_groups)
    on_duty = avail["agents"].to_numpy(float).reshape(-1, len(groups))
    out = []
    for channel, ds, pos in zip(missed["channel"], missed["ds"], interval_index(scenario, missed["ds"])):
        holding = [j for j, g in enumerate(groups) if channel in scenario.skill_groups[g].skills]
        day, start = divmod(int(pos), per_day)
        crew = sum(1 for a in agents if channel in scenario.skill_groups[a.skill_group].skills
                   and a.can_work(day, start * minutes, (start + 1) * minutes))
        needed = float(need.get((channel, int(pos)), 0.0)) / (1.0 - scenario.shrinkage)
        out.append(ShortInterval(channel, pd.Timestamp(ds), crew, round(float(np.sum(on_duty[pos, holding])), 1),
                                 needed))
    return out


def shortfall_warnings(scenario: Scenario, short: list[ShortInterval], where: str) -> list[str]:
    """Per channel, plain statements of the short intervals `where` they were judged (e.g. "on 90% of plausible
    weeks"): those where the crew is too small, and those where agents could have been planned."""
    out = []
    for channel in dict.fromkeys(s.channel for s in short):
        own = [s for s in short if s.channel == channel]
        small = [s for s in own if s.crew_too_small]
        room = [s for s in own if not s.crew_too_small]
        if small:
            out.append(f"{channel}: the crew is too small in {len(small)} interval(s) short {where} (agents who take "
                       f"{channel} and can work then fewer than needed on duty): "
                       + "; ".join(s.describe(scenario) for s in small[:LISTED])
                       + (f"; and {len(small) - LISTED} more" if len(small) > LISTED else ""))
        if room:
            out.append(f"{channel}: {len(room)} interval(s) short {where} although more agents who take {channel} "
                       "could work then (the loop ran out of rounds, or their weekly hours and shifts went "
                       "elsewhere): " + "; ".join(s.describe(scenario) for s in room[:LISTED])
                       + (f"; and {len(room) - LISTED} more" if len(room) > LISTED else ""))
    return out
