"""Re-sizing the requirement from simulated intervals: raise it where the simulated roster misses a channel's
target (or lower it where it beats it by far), so the next solve staffs each interval by what the simulation
showed rather than by the stationary formula alone.

Input: the simulated intervals as judged by `sim.targets.judge` (columns target, max_abandon, sl_gap,
abandon_excess, meets); this module only reads that table, it does not run the simulation.

Re-sizing is sample-average staffing (Atlason, Epelman and Henderson): the verification simulates the same
customers every round (one seed, common random numbers), and each interval's requirement is moved until that
sample meets the target there. The step uses the analytic queue as a local model, calibrated to what the simulation
saw (the Erlang formulas miss what the simulation has: handle times that are not exponential, the queue carried
over from the previous interval, agents shared between channels, breaks and aux time).

- real-time channels: the simulation observed service level s and abandonment a in the interval. On the analytic
  queue's curves (Erlang A, at the interval's offered contacts and AHT) the step is the distance in agents
  between where the curve shows s (and a) and where it shows the aim: a late share of AIM x (1 - target) and
  AIM x the max abandonment (`analytic_step`). A miss raises by at least MIN_STEP (k x MIN_STEP for an interval
  missing for the k-th time: a change elsewhere in the day changes which callers wait, so intervals close to
  the limit can flip back) and at most MAX_STEP agents. Once a round meets the targets, an interval far better
  than its target (`is_slack`, and at least LOWER_ROOM agents above the aim on the curves) is lowered by at most
  LOWER_STEP agents, never below LOWER_FLOOR x its analytic requirement.
- deferred work: a missed interval is raised in proportion to the gap, clip(R x gap, MIN_STEP, MAX_STEP). A
  channel meeting its target in every interval, on average well above it (`deferred_with_slack`), gives back
  DEFERRED_LOWER of its requirement (never below LOWER_FLOOR of the analytic one) while the real-time lines are
  still being raised: its work is done in the time the real-time lines leave idle, which the analytic
  requirement, a fluid plan of its own, does not count.

Because the sample is fixed, what the loop achieves is an in-sample figure; `planning.schedule` also re-simulates
the kept roster with fresh customers and reports that (holdout) figure beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios import Scenario, interval_index

from .erlang import agents_needed
from .requirements import chat_slots

MIN_STEP = 0.5       # agents: smallest raise of a missed interval
MAX_STEP = 3.0       # agents: largest raise in one round
AIM = 0.8            # re-size to this share of the allowed abandonment and of the allowed late share
LOWER_STEP = 0.5     # agents: largest lowering in one round
LOWER_ROOM = 1.0     # agents: lower only intervals the curves say could lose at least this many
LOWER_FLOOR = 0.6    # never below this share of the analytic requirement
SLACK_SL = 0.08      # an interval is slack when its service level beats the target by this much ...
SLACK_ABANDON = 0.5  # ... and its abandonment is under this share of the channel's maximum
DEFERRED_LOWER = 0.4  # share of a deferred channel's requirement given back per round when it has slack


def is_slack(judged: pd.DataFrame) -> pd.Series:
    """Judged rows far better than their target: service level >= target + SLACK_SL and abandonment at most
    SLACK_ABANDON x the channel's maximum (when it has one)."""
    ok_abandon = judged["max_abandon"].isna() | (judged["abandon"] <= SLACK_ABANDON * judged["max_abandon"])
    return (judged["service_level"] >= judged["target"] + SLACK_SL) & ok_abandon


def resize_requirement(scenario: Scenario, requirement: pd.DataFrame, judged: pd.DataFrame,
                       analytic: pd.DataFrame, lower: bool = True, *, misses: dict | None = None,
                       aim: float = AIM) -> tuple[pd.DataFrame, dict[str, int]]:
    """A copy of `requirement` (ds, channel, agents, offered, aht_seconds; available agents) with missed intervals
    raised and slack ones lowered (module docstring), and the counts {"raised": n, "lowered": m}.
    `analytic` is the first requirement, in the same row order (the floor for lowering). `lower` True (once a
    round meets the targets) lowers slack real-time intervals; False only raises them, while deferred channels
    with slack give back (early, while the raises can still make up for the agents that takes from the real-time
    lines; late it would undo a round that met the targets). `misses` counts earlier misses by (channel,
    interval) and is updated: an interval missing for the k-th time is raised by at least k x MIN_STEP."""
    misses = {} if misses is None else misses
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
            if not row.meets:
                gap = max(row.sl_gap / row.target, row.abandon_excess)
                agents[i] = current + float(np.clip(current * gap, MIN_STEP, MAX_STEP))
                counts["raised"] += 1
            continue
        step = analytic_step(scenario, row.channel, offered[i], aht[i], float(row.service_level),
                             observed_abandon=float(row.abandon), aim=aim)
        if not row.meets:
            misses[(row.channel, row.pos)] = misses.get((row.channel, row.pos), 0) + 1
            least = min(MIN_STEP * misses[(row.channel, row.pos)], MAX_STEP)
            agents[i] = current + float(np.clip(step, least, MAX_STEP))
            counts["raised"] += 1
        elif step <= -LOWER_ROOM:
            agents[i] = max(floor[i], current + max(step, -LOWER_STEP))
            counts["lowered"] += int(agents[i] < current)     # a plain int: the counts go to JSON
    for name in ([] if lower else deferred_with_slack(scenario, judged)):
        # Deferred work waits for agents the real-time lines leave idle; a channel answered well inside its
        # deadline everywhere gives back DEFERRED_LOWER of its requirement in every interval.
        own = (out["channel"] == name).to_numpy()
        before = agents[own].copy()
        agents[own] = np.maximum(floor[own], before * (1.0 - DEFERRED_LOWER))
        counts["lowered"] += int((agents[own] < before - 1e-9).sum())
    out["agents"] = agents
    return out, counts


def deferred_with_slack(scenario: Scenario, judged: pd.DataFrame) -> list[str]:
    """Deferred channels meeting the target in every judged interval, with a mean service level over the
    intervals at least SLACK_SL above the target or halfway from it to 100 %, whichever is lower."""
    out = []
    for name in scenario.human_channels():
        if scenario.channels[name].kind != "deferred":
            continue
        own = judged[judged["channel"] == name]
        if len(own) and own["meets"].all() and \
                own["service_level"].mean() >= min(float(own["target"].iloc[0]) + SLACK_SL,
                                                   (1.0 + float(own["target"].iloc[0])) / 2):
            out.append(name)
    return out


def analytic_step(scenario: Scenario, channel: str, offered: float, aht_seconds: float, observed_sl: float,
                  *, observed_abandon: float, aim: float = AIM) -> float:
    """Agents to add (negative: that could go) to a real-time interval so that its simulated service level and
    abandonment reach `aim` (default AIM) of what the targets allow, read off the analytic queue's curves: the
    distance between the agents at which the analytic queue shows what the simulation saw and those at which it
    shows the aim.
    Reading only the curve's slope, not its level, makes the step independent of how many agents actually served
    the channel (pooled groups, breaks, the queue carried over). `offered` is contacts per interval."""
    ch = scenario.channels[channel]
    target = ch.target
    if offered <= 0:
        return 0.0
    per_agent, slot_aht = chat_slots(ch, aht_seconds)
    rate = offered * 60.0 / scenario.interval_minutes
    patience = ch.patience_seconds
    thr = target.answer_within_seconds

    def agents_for(service_level: float, abandon: float | None) -> float:
        return agents_needed(rate, slot_aht, thr, service_level, patience, max_abandon_rate=abandon).fractional

    aim_sl = 1.0 - aim * (1.0 - target.service_level)
    step = agents_for(aim_sl, None) - agents_for(min(observed_sl, aim_sl), None)
    if observed_sl > aim_sl:
        step = -(agents_for(observed_sl, None) - agents_for(aim_sl, None)) if observed_sl < 1.0 else -np.inf
    max_abandon = getattr(target, "max_abandon_rate", None)
    if max_abandon is not None and patience is not None:
        aim_ab = aim * max_abandon
        if observed_abandon > aim_ab:
            ab_step = agents_for(0.0, aim_ab) - agents_for(0.0, observed_abandon)
        elif observed_abandon > 0:
            ab_step = -(agents_for(0.0, observed_abandon) - agents_for(0.0, aim_ab))
        else:
            ab_step = -np.inf
        step = max(step, ab_step)
    return float(step) / per_agent
