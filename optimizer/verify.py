"""Simulation verification: judge the simulated roster interval by interval and re-size the requirement where
it misses a channel's target (or beats it by far), so the next solve staffs each interval by what the simulation
showed rather than by the stationary formula alone.

Judging: an open interval of a channel meets its target when its mean simulated service level is at least the
target AND, for channels with `max_abandon_rate`, its simulated abandonment is at most that maximum. Both are
judged per interval (not over the week).

Re-sizing is sample-average staffing (Atlason, Epelman and Henderson): the verification simulates the same
customers every round (one seed, common random numbers), and each interval's requirement is moved until that
sample meets the target there. The step uses the analytic queue as a local model, calibrated to what the simulation
saw (the Erlang formulas miss what the simulation has: handle times that are not exponential, the queue carried
over from the previous interval, agents shared between channels, breaks and aux time):

- real-time channels: at the current requirement R the analytic queue predicts abandonment A(R) and a share
  answered late 1 - SL(R); the simulation observed a and 1 - s. The calibrated model scales the analytic curves by
  a / A(R) and (1 - s) / (1 - SL(R)); the new requirement is the fewest agents for which the scaled curves meet
  AIM x the max abandonment and a late share of AIM x (1 - target). A miss raises by at least MIN_STEP and at
  most MAX_STEP agents; an interval far better than its target (see `is_slack`) is lowered toward that figure
  by at most LOWER_STEP agents, never below LOWER_FLOOR x its analytic requirement.
- deferred work: the step is proportional to the gap, clip(R x gap, MIN_STEP, MAX_STEP).

Because the sample is fixed, what the loop achieves is an in-sample figure; `schedule` also re-simulates the kept
roster with fresh customers and reports that (holdout) figure beside it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scenarios import Scenario, interval_index

from .erlang import agents_needed, metrics

MIN_STEP = 0.5       # agents: smallest raise of a missed interval
MAX_STEP = 3.0       # agents: largest raise in one round
AIM = 0.85           # re-size to this share of the allowed abandonment and of the allowed late share
LOWER_STEP = 0.5     # agents: largest lowering in one round
LOWER_FLOOR = 0.6    # never below this share of the analytic requirement
SLACK_SL = 0.08      # an interval is slack when its service level beats the target by this much ...
SLACK_ABANDON = 0.5  # ... and its abandonment is under this share of the channel's maximum


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
    above the maximum; -1 without a maximum) and `meets` (both targets met)."""
    rows = intervals[intervals["channel"].isin(scenario.human_channels())].copy()
    rows = rows[(rows["offered"] > 0) & rows["service_level"].notna()]
    rows["target"] = rows["channel"].map(lambda c: target_of(scenario, c)).astype(float)
    rows["max_abandon"] = pd.to_numeric(rows["channel"].map(lambda c: max_abandon_of(scenario, c)), errors="coerce")
    abandon = pd.to_numeric(rows["abandon_rate"], errors="coerce").fillna(0.0) if "abandon_rate" in rows else 0.0
    rows["abandon"] = abandon
    rows["sl_gap"] = rows["target"] - rows["service_level"]
    rows["abandon_excess"] = (abandon - rows["max_abandon"]).fillna(-1.0)
    rows["meets"] = (rows["sl_gap"] <= 1e-12) & (rows["abandon_excess"] <= 1e-12)
    return rows


def meeting_shares(scenario: Scenario, judged: pd.DataFrame, service_level_only: bool = False
                   ) -> dict[str, float | None]:
    """Per human channel, the share of its judged intervals (rows of `judge`) meeting the service level AND max
    abandonment (only the service level with `service_level_only`)."""
    out = {}
    for c in scenario.human_channels():
        own = judged[judged["channel"] == c]
        ok = own["sl_gap"] <= 1e-12 if service_level_only else own["meets"]
        out[c] = float(ok.mean()) if len(own) else None
    return out


def missed_intervals(judged: pd.DataFrame) -> pd.DataFrame:
    """Judged rows missing a target."""
    return judged[~judged["meets"]]


def is_slack(judged: pd.DataFrame) -> pd.Series:
    """Judged rows far better than their target: service level >= target + SLACK_SL and abandonment at most
    SLACK_ABANDON x the channel's maximum (when it has one)."""
    ok_abandon = judged["max_abandon"].isna() | (judged["abandon"] <= SLACK_ABANDON * judged["max_abandon"])
    return (judged["service_level"] >= judged["target"] + SLACK_SL) & ok_abandon


def resize_requirement(scenario: Scenario, requirement: pd.DataFrame, judged: pd.DataFrame,
                       analytic: pd.DataFrame, lower: bool = True) -> tuple[pd.DataFrame, dict[str, int]]:
    """A copy of `requirement` (ds, channel, agents, offered, aht_seconds; available agents) with missed intervals
    raised and slack ones lowered (module docstring), and the counts {"raised": n, "lowered": m}.
    `analytic` is the first requirement, in the same row order (the floor for lowering); `lower` False only
    raises."""
    out = requirement.copy()
    pos = interval_index(scenario, out["ds"])
    key = {(c, p): i for i, (c, p) in enumerate(zip(out["channel"], pos))}
    agents = out["agents"].to_numpy(float).copy()
    offered = out["offered"].to_numpy(float)
    aht = out["aht_seconds"].to_numpy(float)
    floor = analytic["agents"].to_numpy(float) * LOWER_FLOOR
    slack = is_slack(judged).to_numpy() & lower
    counts = {"raised": 0, "lowered": 0}
    rows = judged.assign(pos=interval_index(scenario, judged["ds"]))
    for r, row in enumerate(rows.itertuples(index=False)):
        i = key.get((row.channel, row.pos))
        if i is None or (row.meets and not slack[r]):
            continue
        current = agents[i]
        channel = scenario.channels[row.channel]
        if channel.kind == "deferred":
            if row.meets:
                continue
            gap = max(row.sl_gap / row.target, row.abandon_excess)
            agents[i] = current + float(np.clip(current * gap, MIN_STEP, MAX_STEP))
            counts["raised"] += 1
            continue
        wanted = calibrated_agents(scenario, row.channel, current, offered[i], aht[i],
                                   float(row.service_level), float(row.abandon))
        if not row.meets:
            agents[i] = float(np.clip(wanted, current + MIN_STEP, current + MAX_STEP))
            counts["raised"] += 1
        elif wanted < current:
            agents[i] = max(floor[i], wanted, current - LOWER_STEP)
            counts["lowered"] += agents[i] < current
    out["agents"] = agents
    return out, counts


def calibrated_agents(scenario: Scenario, channel: str, current: float, offered: float, aht_seconds: float,
                      observed_sl: float, observed_abandon: float) -> float:
    """Fractional available agents for a real-time interval under the analytic queue calibrated to the
    simulation (module docstring). `offered` is contacts per interval, `current` the requirement that gave the
    observed service level and abandonment (shares)."""
    ch = scenario.channels[channel]
    target = ch.target
    if offered <= 0 or current <= 0:
        return current
    per_agent, slot_aht = 1.0, aht_seconds
    if ch.kind == "chat":
        per_agent = float(ch.concurrency)
        slot_aht = aht_seconds * (1.0 + ch.concurrency_slowdown * (ch.concurrency - 1))
    rate = offered * 60.0 / scenario.interval_minutes
    patience = ch.patience_seconds
    thr = target.answer_within_seconds
    sl_now, ab_now = _interpolated(current * per_agent, rate, slot_aht, thr, patience)
    late_ratio = (1.0 - observed_sl) / max(1.0 - sl_now, 1e-6)
    late_aim = AIM * (1.0 - target.service_level) / max(late_ratio, 1e-6)
    sl_aim = min(1.0 - late_aim, 0.9999)
    max_abandon = getattr(target, "max_abandon_rate", None)
    ab_aim = None
    if max_abandon is not None and patience is not None:
        ab_ratio = observed_abandon / max(ab_now, 1e-6)
        ab_aim = AIM * max_abandon / max(ab_ratio, 1e-6)
    s = agents_needed(rate, slot_aht, thr, sl_aim, patience, ab_aim)
    return s.fractional / per_agent


def _interpolated(slots: float, rate: float, aht: float, thr: float, patience: float | None) -> tuple[float, float]:
    """Service level and abandonment of the analytic queue at a fractional number of agents (linear between the
    whole numbers around it)."""
    lo = int(math.floor(slots))
    w = slots - lo
    a = metrics(lo, rate, aht, thr, patience)
    if w < 1e-9:
        return a.service_level, a.abandon_rate
    b = metrics(lo + 1, rate, aht, thr, patience)
    return ((1 - w) * a.service_level + w * b.service_level, (1 - w) * a.abandon_rate + w * b.abandon_rate)
