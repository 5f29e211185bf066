"""Simulation verification: where the simulated roster misses a channel's target in an open interval, raise
that interval's requirement for the channel, so the next solve staffs it more.

Requirements are in available agents. The raise is proportional to the gap, at least half an agent and at most
three per round: step = clip(requirement x (target - service level) / target, 0.5, 3).

Simulation-based staffing works both ways: where an interval beats its target by a wide margin
(service level >= target + LOWER_MARGIN, and abandonment well under the channel's maximum), its requirement is
lowered by half an agent, never below LOWER_FLOOR of the analytic requirement. The schedule keeps the cheapest
round that meets the targets, so a lowering that overshoots costs a round, not the result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios import Scenario, interval_index

MIN_STEP = 0.5
MAX_STEP = 3.0
LOWER_MARGIN = 0.10
LOWER_STEP = 0.5
LOWER_FLOOR = 0.6
ABANDON_HEADROOM = 0.7


def target_of(scenario: Scenario, channel: str) -> float | None:
    """The channel's service-level target (share), None for channels people do not work."""
    ch = scenario.channels[channel]
    target = getattr(ch, "target", None)
    return None if target is None else float(target.service_level)


def missed_intervals(scenario: Scenario, intervals: pd.DataFrame) -> pd.DataFrame:
    """Rows of the simulation's interval table (ds, channel, offered, service_level) whose mean service level is
    below the channel's target, among intervals with contacts offered; adds `target` and `gap` columns."""
    rows = intervals[intervals["channel"].isin(scenario.human_channels())].copy()
    rows["target"] = rows["channel"].map(lambda c: target_of(scenario, c))
    rows = rows[(rows["offered"] > 0) & rows["service_level"].notna()]
    rows["gap"] = rows["target"] - rows["service_level"]
    return rows[rows["gap"] > 1e-12]


def raise_requirement(scenario: Scenario, requirement: pd.DataFrame, missed: pd.DataFrame) -> pd.DataFrame:
    """A copy of `requirement` (ds, channel, agents, ...) with each missed (interval, channel) raised."""
    out = requirement.copy()
    pos = interval_index(scenario, out["ds"])
    key = {(c, p): i for i, (c, p) in enumerate(zip(out["channel"], pos))}
    agents = out["agents"].to_numpy(float).copy()
    missed_pos = interval_index(scenario, missed["ds"])
    for channel, p, gap, target in zip(missed["channel"], missed_pos, missed["gap"], missed["target"]):
        i = key.get((channel, p))
        if i is None:
            continue
        step = float(np.clip(agents[i] * gap / target, MIN_STEP, MAX_STEP))
        agents[i] += step
    out["agents"] = agents
    return out


def channel_figures(summary: dict) -> dict[str, dict]:
    """Per channel people work: service level and share of open intervals meeting target, from a sim summary."""
    out = {}
    for name, ch in summary.get("channels", {}).items():
        if ch.get("intervals_meeting_target") is None and ch.get("service_level") is None:
            continue
        out[name] = {"service_level": ch.get("service_level"),
                     "intervals_meeting_target": ch.get("intervals_meeting_target"),
                     "abandon_rate": ch.get("abandon_rate")}
    return out


def slack_intervals(scenario: Scenario, intervals: pd.DataFrame) -> pd.DataFrame:
    """Rows of the simulation's interval table that beat the target by LOWER_MARGIN with abandonment under
    ABANDON_HEADROOM x the channel's max_abandon_rate (when it has one)."""
    rows = intervals[intervals["channel"].isin(scenario.human_channels())].copy()
    rows["target"] = rows["channel"].map(lambda c: target_of(scenario, c))
    limit = pd.to_numeric(rows["channel"].map(
        lambda c: getattr(scenario.channels[c].target, "max_abandon_rate", None)), errors="coerce")
    rows = rows[(rows["offered"] > 0) & rows["service_level"].notna()]
    limit = limit.loc[rows.index]
    abandon = pd.to_numeric(rows["abandon_rate"], errors="coerce").fillna(0.0) if "abandon_rate" in rows else 0.0
    ok_abandon = limit.isna() | (abandon <= ABANDON_HEADROOM * limit.fillna(1.0))
    return rows[(rows["service_level"] >= rows["target"] + LOWER_MARGIN) & ok_abandon]


def lower_requirement(scenario: Scenario, requirement: pd.DataFrame, slack: pd.DataFrame,
                      analytic: pd.DataFrame) -> pd.DataFrame:
    """A copy of `requirement` with each over-served (interval, channel) lowered by LOWER_STEP agents, floored at
    LOWER_FLOOR x the analytic requirement (same row order as `requirement`)."""
    out = requirement.copy()
    pos = interval_index(scenario, out["ds"])
    key = {(c, p): i for i, (c, p) in enumerate(zip(out["channel"], pos))}
    agents = out["agents"].to_numpy(float).copy()
    floor = analytic["agents"].to_numpy(float) * LOWER_FLOOR
    for channel, p in zip(slack["channel"], interval_index(scenario, slack["ds"])):
        i = key.get((channel, p))
        if i is not None:
            agents[i] = max(floor[i], agents[i] - LOWER_STEP)
    out["agents"] = agents
    return out
