"""Coverage of a roster against the requirement, per interval and channel and per interval and skill group, and the
plan's shifts as a roster of stand-in agents (what the simulation needs before anyone is named)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios import Roster, Scenario, week_intervals

from .roster import to_shift
from .shifts import ShiftPlan, pooled_subsets, requirement_arrays


def plan_roster(scenario: Scenario, plan: ShiftPlan) -> Roster:
    """The plan's shifts, each worked by a stand-in agent of its group: what the simulation needs to see the
    plan's agents on duty, lunches and breaks, before anyone is named."""
    paid_lunch = scenario.shift_rules.paid_lunch
    return Roster(scenario.start, [to_shift(f"{p.group}-shift-{n:04d}", p, paid_lunch)
                                   for n, p in enumerate(plan.shifts)])


def coverage_tables(scenario: Scenario, roster: Roster, requirement: pd.DataFrame):
    """Coverage per interval and channel, per interval and group, and the short intervals of a roster."""
    idx = week_intervals(scenario)
    groups = list(scenario.skill_groups)
    avail = roster.availability(scenario)                   # on-duty agents (lunch and breaks off) per group
    on_duty = avail["agents"].to_numpy(float).reshape(len(idx), len(groups))
    available = on_duty * (1.0 - scenario.shrinkage)
    group_table = pd.DataFrame({"ds": np.repeat(idx, len(groups)), "skill_group": np.tile(groups, len(idx)),
                                "on_duty": on_duty.reshape(-1).round(3), "available": available.reshape(-1).round(3)})
    req = requirement_arrays(scenario, requirement)
    rows = []
    shortfalls = []
    subset_short = {}
    for s, serving in pooled_subsets(scenario):
        supply = sum(available[:, groups.index(g)] for g in serving) if serving else np.zeros(len(idx))
        need = sum(req[c] for c in s)
        subset_short[s] = np.clip(need - supply, 0, None)
    for c in scenario.human_channels():
        supply = sum(available[:, j] for j, g in enumerate(groups) if c in scenario.skill_groups[g].skills)
        short = np.max([v for s, v in subset_short.items() if c in s], axis=0)
        rows.append(pd.DataFrame({"ds": idx, "channel": c, "required": req[c].round(3),
                                  "scheduled": np.asarray(supply, float).round(3), "short": short.round(3)}))
    coverage = pd.concat(rows, ignore_index=True)
    # Report each short interval once, by the smallest channel set that shows the shortfall.
    for i in range(len(idx)):
        best = None
        for s, v in sorted(subset_short.items(), key=lambda t: len(t[0])):
            if v[i] > 0.05 and (best is None or v[i] > best[1] + 0.05):
                best = (s, v[i])
        if best is not None:
            shortfalls.append({"ds": idx[i].isoformat(), "channels": "+".join(sorted(best[0])),
                               "short_agents": round(float(best[1]), 2)})
    return coverage, group_table, shortfalls
