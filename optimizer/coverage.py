"""A roster's coverage of the requirement: per interval and channel, per interval and skill group, and the short
intervals, all in available agents (on-duty agents less shrinkage); the pooling itself is optimizer.pooling's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios import Roster, Scenario, week_intervals

from .pooling import hall_deficiency, subset_shortfalls
from .requirements import requirement_arrays

REPORT_TOLERANCE = 0.05   # available agents: shortfalls below this are not reported, nor a larger set's excess


def coverage_tables(scenario: Scenario, roster: Roster, requirement: pd.DataFrame
                    ) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """(coverage, groups, shortfalls) of a roster against `requirement` (ds, channel, agents).

    coverage: ds, channel, required, scheduled (available agents of the groups holding the channel: an upper bound
    of what the channel can get), short (the largest shortfall of a pooled channel set holding the channel).
    groups: ds, skill_group, on_duty, available. shortfalls: one dict per short interval (ds, channels,
    short_agents), named by the smallest channel set that shows the shortfall.
    """
    idx = week_intervals(scenario)
    groups = list(scenario.skill_groups)
    avail = roster.availability(scenario)                   # on-duty agents (lunch and breaks off) per group
    on_duty = avail["agents"].to_numpy(float).reshape(len(idx), len(groups))
    available = on_duty * (1.0 - scenario.shrinkage)
    group_table = pd.DataFrame({"ds": np.repeat(idx, len(groups)), "skill_group": np.tile(groups, len(idx)),
                                "on_duty": on_duty.reshape(-1).round(3), "available": available.reshape(-1).round(3)})
    by_group = {g: available[:, j] for j, g in enumerate(groups)}
    req = requirement_arrays(scenario, requirement)
    short_of = subset_shortfalls(by_group, req, scenario)
    rows = []
    for c in scenario.human_channels():
        supply = sum(by_group[g] for g in groups if c in scenario.skill_groups[g].skills)
        short = np.max([v for s, v in short_of.items() if c in s], axis=0)
        rows.append(pd.DataFrame({"ds": idx, "channel": c, "required": req[c].round(3),
                                  "scheduled": np.asarray(supply, float).round(3), "short": short.round(3)}))
    coverage = pd.concat(rows, ignore_index=True)
    named = hall_deficiency(by_group, req, scenario, tolerance=REPORT_TOLERANCE)
    named = named[named["subset"] != ""]
    shortfalls = [{"ds": ds.isoformat(), "channels": subset, "short_agents": round(float(short), 2)}
                  for ds, subset, short in zip(named["ds"], named["subset"], named["subset_short"])]
    return coverage, group_table, shortfalls
