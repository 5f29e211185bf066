"""How a simulated interval is judged against its channel's targets: one definition for every caller (schedule,
simulate, what-if, the app and the benchmarks).

An open interval of a human channel with contacts offered meets its target when its service level (contacts
answered within the threshold over contacts offered, pooled over the replications: sum over replications of
answered-within divided by the sum of offered, as the interval table's `service_level`) is at least the target
AND, for channels with `max_abandon_rate`, its abandonment (pooled the same way) is at most that maximum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios import Scenario, interval_index, open_mask

TOLERANCE = 1e-12  # a figure equal to its limit meets it, whatever the last bit of the division


def target_of(scenario: Scenario, channel: str) -> float | None:
    """The channel's service-level target (share), None for channels people do not work."""
    target = getattr(scenario.channels[channel], "target", None)
    return None if target is None else float(target.service_level)


def max_abandon_of(scenario: Scenario, channel: str) -> float | None:
    """The channel's max_abandon_rate target, None when it has none."""
    target = getattr(scenario.channels[channel], "target", None)
    value = getattr(target, "max_abandon_rate", None)
    return None if value is None else float(value)


def open_intervals(scenario: Scenario, intervals: pd.DataFrame) -> pd.DataFrame:
    """Rows of a simulated interval table that belong to open intervals of human channels."""
    is_open = {c: open_mask(scenario, c) for c in scenario.human_channels()}
    rows = intervals[intervals["channel"].isin(is_open)]
    pos = interval_index(scenario, rows["ds"])
    keep = np.array([is_open[c][p] if p >= 0 else False for c, p in zip(rows["channel"], pos)], dtype=bool)
    return rows[keep]


def judge(scenario: Scenario, intervals: pd.DataFrame) -> pd.DataFrame:
    """Simulated intervals (ds, channel, offered, service_level, abandon_rate) of the human channels with contacts
    offered, with `target`, `max_abandon`, `sl_gap` (target - service level), `abandon_excess` (abandon rate
    above the maximum; -1 without a maximum) and `meets` (both targets met)."""
    rows = intervals[intervals["channel"].isin(scenario.human_channels())].copy()
    rows = rows[(rows["offered"] > 0) & rows["service_level"].notna()]
    rows["target"] = rows["channel"].map(lambda c: target_of(scenario, c)).astype(float)
    rows["max_abandon"] = pd.to_numeric(rows["channel"].map(lambda c: max_abandon_of(scenario, c)), errors="coerce")
    abandon = pd.to_numeric(rows["abandon_rate"], errors="coerce").fillna(0.0) if "abandon_rate" in rows else 0.0
    rows["abandon"] = abandon
    rows["sl_gap"] = rows["target"] - rows["service_level"]
    rows["abandon_excess"] = (abandon - rows["max_abandon"]).fillna(-1.0)
    rows["meets"] = (rows["sl_gap"] <= TOLERANCE) & (rows["abandon_excess"] <= TOLERANCE)
    return rows


def meeting_shares(scenario: Scenario, judged: pd.DataFrame, service_level_only: bool = False
                   ) -> dict[str, float | None]:
    """Per human channel, the share of its judged intervals (rows of `judge`) meeting the service level AND max
    abandonment (only the service level with `service_level_only`)."""
    out = {}
    for c in scenario.human_channels():
        own = judged[judged["channel"] == c]
        ok = own["sl_gap"] <= TOLERANCE if service_level_only else own["meets"]
        out[c] = float(ok.mean()) if len(own) else None
    return out
