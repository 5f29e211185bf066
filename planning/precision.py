"""How many replications a schedule's simulations need: as many as a stated precision of an interval's figures
asks for, not a fixed count.

An interval is judged on the contacts it is offered over all replications: its service level and abandonment are
pooled ratios (sim.targets), whose standard error falls as 1 / sqrt(replications) and, where contacts come and go
independently, as 1 / sqrt(contacts per interval). A center with k times the example's contacts per interval
then reaches the example's precision with about 1/k of its replications; a longer horizon is no help (each
interval is still judged on its own replications).

Two steps. First a count from the expected contacts (`replications_for`): enough for an open interval of median
volume, on the real-time channel (voice or chat) with the fewest contacts, to be judged on `contacts` contacts in
all, at least MIN_REPLICATIONS and at most `cap`. The caps are the counts chosen on the example week
(planning.schedule's LOOP_REPLICATIONS and CERTIFY_REPLICATIONS), and the contacts targets are set a tenth above
what those counts give the example's chat (about 18 contacts in a median half hour x 40 = 720, x 100 = 1,800), so
the example week keeps its counts even when its forecast moves a little, and a busier center gets proportionally
fewer. Then the precision itself (`simulate_to_precision`): a center staffed near its limit (square-root staffing)
keeps much of an interval's spread between replications however busy it is (its queue, not the count of its
customers, makes the spread), so while the median open interval's standard error of service level or abandonment
on some real-time channel is above the target, more replications are run (the next children of the same seed, so
the first n are the same whatever the final count), up to the cap. The targets are what the caps give the example
week: about 1.0 service-level point on its chat with the loop's 40 replications (LOOP_SE_TARGET) and 0.63 with
certification's 100 (CERTIFY_SE_TARGET).
"""

from __future__ import annotations

import logging
import math
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios import InputError, Problem, Roster, Scenario, interval_index, open_mask, week_intervals
from scenarios.progress import Progress, no_progress
from sim import (Fresh, SimResult, build_result, build_spec, interval_errors, max_abandon_of, open_intervals,
                 replicate)

# Contacts an open interval of median volume is judged on over the replications (the quietest real-time channel).
LOOP_CONTACTS_JUDGED = 800.0          # the loop's own sample (the example's 40 replications give about 720)
CERTIFY_CONTACTS_JUDGED = 2000.0      # certification (the example's 100 replications give about 1,800)
# Fewest replications the rule gives: the margin's standard errors (sim.targets.judge) rest on the spread
# between replications, and with fewer than 5 that spread is itself too uncertain to judge by.
MIN_REPLICATIONS = 5
REALTIME_KINDS = ("voice", "chat")
log = logging.getLogger(__name__)      # each simulation's final count and precision, at INFO (the benchmarks show it)
# Standard errors (shares) of the median open interval's service level and abandonment on every real-time channel.
LOOP_SE_TARGET = 0.010
CERTIFY_SE_TARGET = 0.0063


@dataclass(frozen=True)
class Precision:
    """How many replications a simulation runs: `start`, then more (at most `most`) while `interval_precision`
    is above `se_target` (None: exactly `start`)."""

    start: int
    most: int
    se_target: float | None = None


@dataclass(frozen=True)
class Sampling:
    """The schedule's two samples: the loop's own and the certification's."""

    loop: Precision
    certify: Precision


def sampling(scenario: Scenario, demand: pd.DataFrame, *, loop: int | None, certify: int | None, loop_cap: int,
             certify_cap: int) -> Sampling:
    """The loop's and the certification's replications for `demand`: a count given is run exactly; None: by
    precision (`replications_for`, then `simulate_to_precision` up to the cap)."""
    def one(given: int | None, contacts: float, cap: int, target: float) -> Precision:
        if given is not None:
            return Precision(given, given)
        return Precision(replications_for(scenario, demand, contacts=contacts, cap=cap), cap, target)
    return Sampling(one(loop, LOOP_CONTACTS_JUDGED, loop_cap, LOOP_SE_TARGET),
                    one(certify, CERTIFY_CONTACTS_JUDGED, certify_cap, CERTIFY_SE_TARGET))


def median_interval_contacts(scenario: Scenario, demand: pd.DataFrame) -> float | None:
    """The fewest contacts in a median open interval over the real-time channels (voice, chat) with any: per
    channel the median of the demand's expected contacts (its own arrivals, escalations from a bot not counted)
    over its open intervals with contacts. None when no real-time channel has contacts."""
    medians = []
    for name, channel in scenario.channels.items():
        if channel.kind not in REALTIME_KINDS:
            continue
        rows = demand[demand["channel"] == name]
        at = interval_index(scenario, rows["ds"])
        is_open = open_mask(scenario, name)
        contacts = rows["contacts"].to_numpy(float)
        keep = (at >= 0) & (contacts > 0)
        keep[keep] = is_open[at[keep]]
        if keep.any():
            medians.append(float(np.median(contacts[keep])))
    return min(medians) if medians else None


def replications_for(scenario: Scenario, demand: pd.DataFrame, *, contacts: float, cap: int) -> int:
    """Replications for an open interval of median volume (median_interval_contacts) to be judged on `contacts`
    contacts in all: ceil(contacts / median), within MIN_REPLICATIONS..`cap` (`cap` without real-time demand)."""
    median = median_interval_contacts(scenario, demand)
    if median is None:
        return cap
    return int(min(cap, max(MIN_REPLICATIONS, math.ceil(contacts / median))))


def interval_precision(scenario: Scenario, result: SimResult) -> float:
    """The largest, over the real-time channels, of the median over their open intervals with contacts of the
    standard error (share) of an interval's service level and, where the channel has a max_abandon_rate, of its
    abandonment (sim.interval_errors); 0 with fewer than 2 replications' spread to go by or no real-time interval."""
    if result.replications < 2:
        return 0.0
    rows = open_intervals(scenario, result.intervals)
    rows = rows[rows["offered"] > 0][["ds", "channel"]].merge(interval_errors(result), on=["ds", "channel"])
    worst = 0.0
    for name, channel in scenario.channels.items():
        own = rows[rows["channel"] == name]
        if channel.kind in REALTIME_KINDS and len(own):
            worst = max(worst, float(np.nanmedian(own["service_level_se"])))
            if max_abandon_of(scenario, name) is not None:
                worst = max(worst, float(np.nanmedian(own["abandon_rate_se"])))
    return worst


def simulate_to_precision(scenario: Scenario, staff: Roster | pd.DataFrame, demand: pd.DataFrame, *,
                          precision: Precision, seed: int, executor: Executor | None = None,
                          progress: Progress | None = None) -> SimResult:
    """`staff` simulated on fresh customers (replication k: child k of SeedSequence(seed), as sim.simulate) with
    `precision.start` replications, then more while `interval_precision` is above the target: the count that
    would reach it from the spread so far (replications x (standard error / target)^2), at most `precision.most`.
    With start = most, the same result as sim.simulate with that count."""
    progress = progress or no_progress
    if seed < 0:
        raise InputError([Problem("seed", f"must be >= 0 (got {seed})")], "invalid simulation settings")
    spec = build_spec(scenario, staff, demand)
    children = np.random.SeedSequence(seed).spawn(precision.most)
    ds = week_intervals(scenario)
    records: list = []
    count = precision.start
    while True:
        done = len(records)
        records += replicate([Fresh(spec, child) for child in children[done:count]], executor=executor,
                             progress=lambda fraction, _="", a=done, b=count: progress(
                                 fraction, f"{a + round(fraction * (b - a))}/{b} replications"))
        result = build_result(spec, ds, records, seed)
        if precision.se_target is None:
            return result
        error = interval_precision(scenario, result)
        if error <= precision.se_target or count >= precision.most:
            log.info("%d replications (from %d, at most %d): median interval standard error %.4f, target %.4f",
                     count, precision.start, precision.most, error, precision.se_target)
            return result
        count = min(precision.most, max(count + 1, math.ceil(count * (error / precision.se_target) ** 2)))
