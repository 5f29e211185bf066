"""How a simulated interval is judged against its channel's targets: one definition for every caller (schedule,
simulate, what-if, the app and the benchmarks).

An open interval of a human channel with contacts offered meets its target when its service level (contacts
answered within the threshold over contacts offered, pooled over the replications: sum over replications of
answered-within divided by the sum of offered, as the interval table's `service_level`) is at least the target
AND, for channels with `max_abandon_rate`, its abandonment (pooled the same way) is at most that maximum.

A margin (`judge(..., margin=z)`) judges an interval by pessimistic figures instead: the service level less z
standard errors and the abandonment plus z standard errors, the standard errors from the spread of the
replications (`interval_errors`, the ratio estimator's). The schedule loop re-sizes with a margin so that it does
not fit intervals to the edge of its own sample; reported figures are always judged without one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios import Scenario, interval_index, open_mask

from .estimates import ratio_ci, t_quantile
from .results import SimResult

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


def interval_errors(result: SimResult) -> pd.DataFrame:
    """Standard errors of each interval's pooled service level and abandonment over the replications
    (ds, channel, service_level_se, abandon_rate_se; NaN with one replication or nothing offered)."""
    r = result.replications
    frames = []
    for c, name in enumerate(result.channels):
        stack = {f: np.stack([rec["channels"][c][f] for rec in result.records])
                 for f in ("offered", "answered_within", "abandoned")}
        scale = t_quantile(r) if r > 1 else np.nan
        sl = ratio_ci(stack["answered_within"], stack["offered"])
        ab = ratio_ci(stack["abandoned"], stack["offered"])
        frames.append(pd.DataFrame({"ds": result.ds, "channel": name,
                                    "service_level_se": (sl.hi - sl.mean) / scale,
                                    "abandon_rate_se": (ab.hi - ab.mean) / scale}))
    return pd.concat(frames, ignore_index=True)


def judge(scenario: Scenario, intervals: pd.DataFrame, errors: pd.DataFrame | None = None,
          margin: float = 0.0) -> pd.DataFrame:
    """Simulated intervals (ds, channel, offered, service_level, abandon_rate) of the human channels with contacts
    offered, with `target`, `max_abandon`, `abandon`, `sl_gap` (target - service level), `abandon_excess`
    (abandon rate above the maximum; -1 without a maximum) and `meets` (both targets met).

    With `margin` z > 0 and `errors` (from `interval_errors`), `service_level` and `abandon` are the pessimistic
    figures (service level - z se, abandonment + z se) and everything is judged on them."""
    rows = intervals[intervals["channel"].isin(scenario.human_channels())].copy()
    rows = rows[(rows["offered"] > 0) & rows["service_level"].notna()]
    rows["target"] = rows["channel"].map(lambda c: target_of(scenario, c)).astype(float)
    rows["max_abandon"] = pd.to_numeric(rows["channel"].map(lambda c: max_abandon_of(scenario, c)), errors="coerce")
    abandon = pd.to_numeric(rows["abandon_rate"], errors="coerce").fillna(0.0) if "abandon_rate" in rows else 0.0
    rows["abandon"] = abandon
    if margin > 0 and errors is not None and len(rows):
        se = rows[["ds", "channel"]].merge(errors, on=["ds", "channel"], how="left")
        sl_se = np.nan_to_num(se["service_level_se"].to_numpy(float))
        ab_se = np.nan_to_num(se["abandon_rate_se"].to_numpy(float))
        rows["service_level"] = np.clip(rows["service_level"].to_numpy(float) - margin * sl_se, 0.0, 1.0)
        rows["abandon"] = np.clip(rows["abandon"].to_numpy(float) + margin * ab_se, 0.0, 1.0)
        abandon = rows["abandon"]
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


def judge_simulation(scenario: Scenario, result: SimResult, margin: float = 0.0) -> pd.DataFrame:
    """A simulation's open intervals judged (`judge`), with `margin` standard errors from its replications."""
    errors = interval_errors(result) if margin > 0 else None
    return judge(scenario, open_intervals(scenario, result.intervals), errors, margin)
