"""Simulation verification: where the simulated roster misses a channel's target in an open interval, raise
that interval's requirement for the channel, so the next solve staffs it more.

An interval misses when its mean simulated service level is below target, or, in a channel whose week abandons
more than its max_abandon_rate, when the interval's abandonment is above that maximum. Requirements are in available agents. The raise is proportional to the gap, at
least half an agent and at most three per round: step = clip(requirement x gap, 0.5, 3) with gap the larger of
(target - service level) / target and (abandon rate - max abandon rate).

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
ABANDON_HEADROOM = 0.9


def target_of(scenario: Scenario, channel: str) -> float | None:
    """The channel's service-level target (share), None for channels people do not work."""
    ch = scenario.channels[channel]
    target = getattr(ch, "target", None)
    return None if target is None else float(target.service_level)


def max_abandon_of(scenario: Scenario, channel: str) -> float | None:
    """The channel's max_abandon_rate target, None when it has none."""
    target = getattr(scenario.channels[channel], "target", None)
    value = getattr(target, "max_abandon_rate", None)
    return None if value is None else float(value)


def judge(scenario: Scenario, intervals: pd.DataFrame) -> pd.DataFrame:
    """Simulated intervals (ds, channel, offered, service_level, abandon_rate) of the human channels with contacts
    offered, with `target`, `max_abandon`, `sl_gap` (target - service level), `abandon_excess` (abandon rate
    above the maximum) and `meets` (both targets met)."""
    rows = intervals[intervals["channel"].isin(scenario.human_channels())].copy()
    rows = rows[(rows["offered"] > 0) & rows["service_level"].notna()]
    rows["target"] = rows["channel"].map(lambda c: target_of(scenario, c)).astype(float)
    rows["max_abandon"] = pd.to_numeric(rows["channel"].map(lambda c: max_abandon_of(scenario, c)), errors="coerce")
    abandon = pd.to_numeric(rows["abandon_rate"], errors="coerce").fillna(0.0) if "abandon_rate" in rows else 0.0
    rows["sl_gap"] = rows["target"] - rows["service_level"]
    rows["abandon_excess"] = (abandon - rows["max_abandon"]).fillna(-1.0)
    rows["meets"] = (rows["sl_gap"] <= 1e-12) & (rows["abandon_excess"] <= 1e-12)
    return rows


def meeting_shares(scenario: Scenario, intervals: pd.DataFrame) -> dict[str, float | None]:
    """Per human channel, the share of its judged intervals meeting the service level AND max abandonment."""
    rows = judge(scenario, intervals)
    out = {}
    for c in scenario.human_channels():
        own = rows[rows["channel"] == c]
        out[c] = float(own["meets"].mean()) if len(own) else None
    return out


def missed_intervals(scenario: Scenario, intervals: pd.DataFrame,
                     over_abandon: set[str] | frozenset = frozenset()) -> pd.DataFrame:
    """Judged rows (see `judge`) missing the service level, or, for the channels in `over_abandon` (whose week
    exceeds max_abandon_rate), exceeding the max abandonment; `gap` is the relative service-level gap or the
    absolute abandonment excess, whichever is larger."""
    rows = judge(scenario, intervals)
    abandon_counts = rows["channel"].isin(over_abandon) & (rows["abandon_excess"] > 1e-12)
    rows = rows[(rows["sl_gap"] > 1e-12) | abandon_counts].copy()
    rows.loc[~rows["channel"].isin(over_abandon), "abandon_excess"] = -1.0
    rows["gap"] = np.maximum(rows["sl_gap"] / rows["target"], rows["abandon_excess"])
    return rows


def raise_requirement(scenario: Scenario, requirement: pd.DataFrame, missed: pd.DataFrame) -> pd.DataFrame:
    """A copy of `requirement` (ds, channel, agents, ...) with each missed (interval, channel) raised."""
    out = requirement.copy()
    pos = interval_index(scenario, out["ds"])
    key = {(c, p): i for i, (c, p) in enumerate(zip(out["channel"], pos))}
    agents = out["agents"].to_numpy(float).copy()
    missed_pos = interval_index(scenario, missed["ds"])
    for channel, p, gap in zip(missed["channel"], missed_pos, missed["gap"]):
        i = key.get((channel, p))
        if i is None:
            continue
        step = float(np.clip(agents[i] * gap, MIN_STEP, MAX_STEP))
        agents[i] += step
    out["agents"] = agents
    return out


def slack_intervals(scenario: Scenario, intervals: pd.DataFrame,
                    keep: set[str] | frozenset = frozenset()) -> pd.DataFrame:
    """Rows of the simulation's interval table that beat the target by LOWER_MARGIN with abandonment under
    ABANDON_HEADROOM x the channel's max_abandon_rate (when it has one); channels in `keep` (whose week is
    already close to its max abandonment) are never lowered."""
    rows = intervals[intervals["channel"].isin(set(scenario.human_channels()) - set(keep))].copy()
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
