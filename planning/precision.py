"""How many replications a schedule's simulations need: as many as a stated precision of an interval's figures
asks for, not a fixed count.

An interval is judged on the contacts it is offered over all replications: its service level and abandonment are
pooled ratios (sim.targets), so their standard error falls as 1 / sqrt(replications x contacts per interval). A
center with k times the example's contacts per interval therefore reaches the example's precision with about 1/k
of its replications; a longer horizon is no help (each interval is still judged on its own replications).

The rule: the replications are enough for an open interval of median volume, on the real-time channel (voice or
chat) with the fewest contacts, to be judged on `contacts` contacts in all, at least MIN_REPLICATIONS and at
most `cap`. The caps are the counts chosen on the example week (planning.schedule's LOOP_REPLICATIONS and
CERTIFY_REPLICATIONS), and the contacts targets are set a tenth above what those counts give the example's chat
(about 18 contacts in a median half hour x 40 = 720, x 100 = 1,800), so the example week keeps its counts even
when its forecast moves a little, and a busier center gets proportionally fewer.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scenarios import Scenario, interval_index, open_mask

# Contacts an open interval of median volume is judged on over the replications (the quietest real-time channel).
LOOP_CONTACTS_JUDGED = 800.0          # the loop's own sample (the example's 40 replications give about 720)
CERTIFY_CONTACTS_JUDGED = 2000.0      # certification (the example's 100 replications give about 1,800)
# Fewest replications the rule gives: the margin's standard errors (sim.targets.judge) rest on the spread
# between replications, and with fewer than 5 that spread is itself too uncertain to judge by.
MIN_REPLICATIONS = 5
REALTIME_KINDS = ("voice", "chat")


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
