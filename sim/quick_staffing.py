"""A rough staffing plan from offered load, for simulation studies and benchmarks (not an optimizer).

Per interval and channel: offered load a = contacts x AHT / interval length (bot escalations added to their
target channel; chat load divided by its effective concurrency k / (1 + slowdown (k - 1))); agents needed
= headroom x a + sqrt(a) (square-root staffing); deferred work is spread evenly over the day's open hours
of the scenario. Each channel's agents are split over the groups with that skill in proportion to headcount.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios import Scenario, open_mask, staffing_from_matrix
from scenarios.calendar import week_intervals


def offered_load_staffing(scenario: Scenario, demand: pd.DataFrame, headroom: float = 1.1) -> pd.DataFrame:
    """Long plan (ds, skill_group, agents) sized from the demand's offered load; see the module docstring."""
    length = scenario.interval_minutes * 60.0
    n = scenario.n_intervals
    load = {}
    for name, ch in scenario.channels.items():
        own = demand[demand["channel"] == name]
        load[name] = np.zeros(n)
        load[name][: len(own)] = (own["contacts"] * own["aht_seconds"]).to_numpy(float)[:n] / length
    for name, ch in scenario.channels.items():
        if ch.kind == "ai":
            target = scenario.channels[ch.escalate_to]
            contacts = demand[demand["channel"] == name]["contacts"].to_numpy(float)[:n]
            load[ch.escalate_to] += contacts * (1 - ch.containment) * target.aht_seconds * ch.escalated_aht_factor / length
    need = {}
    day_open = _scenario_open(scenario)
    for name, ch in scenario.channels.items():
        a = load[name]
        if ch.kind == "ai":
            continue
        if ch.kind == "chat":
            a = a * (1 + ch.concurrency_slowdown * (ch.concurrency - 1)) / ch.concurrency
        if ch.kind == "deferred":
            per_day = a.reshape(scenario.days, -1).sum(axis=1)
            hours = day_open.reshape(scenario.days, -1)
            spread = np.where(hours, (per_day / np.maximum(hours.sum(axis=1), 1))[:, None], 0.0)
            need[name] = headroom * spread.reshape(-1)
        else:
            need[name] = np.where(open_mask(scenario, name), headroom * a + np.sqrt(a), 0.0)
    groups = list(scenario.skill_groups.items())
    matrix = np.zeros((n, len(groups)))
    for name, agents in need.items():
        eligible = [(j, g.headcount) for j, (_, g) in enumerate(groups) if name in g.skills]
        total = sum(h for _, h in eligible) or 1
        for j, h in eligible:
            matrix[:, j] += agents * h / total
    return staffing_from_matrix(scenario, np.ceil(matrix))


def _scenario_open(scenario: Scenario) -> np.ndarray:
    idx = week_intervals(scenario)
    minutes = idx.hour * 60 + idx.minute
    return np.array([scenario.open.is_open(d, int(m)) for d, m in zip(idx.dayofweek, minutes)], dtype=bool)
