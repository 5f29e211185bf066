"""What one replication reports: per-interval counts and sums, derived from the contact records after the run.

Outcomes of a contact that arrived (at its channel; an escalation arrives when its bot session ends):
answered (an agent or the bot took it; in hand at week end counts as answered), abandoned (patience ran out
before the week ended), else unfinished (still waiting at week end). The wait of an answered contact is
start - arrival, of an abandoned one its patience. Every figure is attributed to the contact's arrival interval.
All counts and sums are additive over intervals, so any range of intervals can be totalled afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .agents import BUSY, CHAT, OFF
from .channels import AI, DEFERRED
from .coverage import coverage
from .model import Engine

CHANNEL_FIELDS = ("offered", "answered", "abandoned", "unfinished", "answered_within", "queued",
                  "wait_answered_seconds", "wait_left_seconds", "left", "wait_p90_seconds", "backlog",
                  "contained", "escalated", "escalated_after_hours")
GROUP_FIELDS = ("available_seconds", "busy_seconds", "overrun_seconds")


@dataclass
class ContactOutcomes:
    """Every contact of one channel that arrived, in contact-index order (a channel's own contacts by arrival
    time): arrival and wait in seconds (wait: start - arrival if answered, the patience if abandoned, else NaN)."""

    channel: str
    arrival: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    wait: np.ndarray


def _outcomes(ch, horizon: float) -> tuple[np.ndarray, np.ndarray, ContactOutcomes]:
    """(arrived mask over the channel's arrays, start times of the arrived, their outcomes)."""
    arrival = np.asarray(ch.arrival, float)
    arrived = ~np.isnan(arrival)
    a = arrival[arrived]
    s = np.asarray(ch.start, float)[arrived]
    patience = np.asarray(ch.patience, float)[arrived]
    answered = ~np.isnan(s)
    abandoned = ~answered & (a + patience <= horizon)
    wait = np.where(answered, s - a, np.where(abandoned, patience, np.nan))
    return arrived, s, ContactOutcomes(ch.spec.name, a, answered, abandoned, wait)


def contact_outcomes(engine: Engine) -> list[ContactOutcomes]:
    """Every contact's outcome after the run, per channel of the spec."""
    return [_outcomes(ch, engine.spec.horizon)[2] for ch in engine.channels]


def replication_records(engine: Engine) -> dict:
    """{"channels": [per channel {field: array per interval}], "week_wait_p90": [...], "groups": [...]}."""
    spec = engine.spec
    horizon, length, n = spec.horizon, spec.interval_seconds, spec.n_intervals
    channels, week_p90 = [], []
    for ch in engine.channels:
        arrived, s, out = _outcomes(ch, horizon)
        a, answered, abandoned, wait = out.arrival, out.answered, out.abandoned, out.wait
        unfinished = ~answered & ~abandoned
        left = answered | abandoned
        iv = np.clip((a // length).astype(int), 0, n - 1)
        threshold = ch.spec.threshold_seconds

        def count(mask, weights=None):
            w = None if weights is None else weights[mask]
            return np.bincount(iv[mask], weights=w, minlength=n).astype(float)

        rec = {
            "offered": count(np.ones_like(answered)),
            "answered": count(answered),
            "abandoned": count(abandoned),
            "unfinished": count(unfinished),
            "answered_within": count(answered & (wait <= threshold)),
            "queued": count(~answered | (wait > 0)),
            "wait_answered_seconds": count(answered, wait),
            "wait_left_seconds": count(left, wait),
            "left": count(left),
            "wait_p90_seconds": interval_quantile(iv[left], wait[left], n, 0.9),
            "backlog": np.zeros(n),
            "contained": np.zeros(n),
            "escalated": np.zeros(n),
            "escalated_after_hours": np.zeros(n),
        }
        if ch.kind == DEFERRED:
            edges = np.arange(1, n + 1) * length
            rec["backlog"] = (np.searchsorted(np.sort(a), edges, side="left")
                              - np.searchsorted(np.sort(s[answered]), edges, side="left")).astype(float)
        if ch.kind == AI:
            done = answered & (s + np.asarray(ch.handle, float)[arrived] <= horizon)
            contained = np.asarray(ch.contained, bool)[arrived]
            rec["contained"] = count(done & contained)
            rec["escalated"] = count(done & ~contained)
            if ch.spec.target_open is not None:
                # by the interval the session ends in, as the engine routes it
                ends = np.minimum(((s + np.asarray(ch.handle, float)[arrived]) // length), n - 1)
                closed = ~ch.spec.target_open[np.nan_to_num(ends, nan=0).astype(int)]
                rec["escalated_after_hours"] = count(done & ~contained & closed)
        channels.append(rec)
        week_p90.append(float(np.quantile(wait[left], 0.9)) if left.any() else float("nan"))
    groups = []
    for group in engine.groups:
        avail_s, avail_e = list(group.avail_starts), list(group.avail_ends)
        busy_s, busy_e = list(group.busy_starts), list(group.busy_ends)
        over_s, over_e = list(group.over_starts), list(group.over_ends)
        for agent in group.agents:  # spans still open when the week ends
            if agent.on:
                avail_s.append(agent.avail_since)
                avail_e.append(horizon)
            elif agent.state != OFF:
                over_s.append(agent.off_since)
                over_e.append(horizon)
            if agent.state in (BUSY, CHAT):
                busy_s.append(agent.busy_since)
                busy_e.append(horizon)
        groups.append({
            "available_seconds": coverage(avail_s, avail_e, n, length),
            "busy_seconds": coverage(busy_s, busy_e, n, length),
            "overrun_seconds": coverage(over_s, over_e, n, length),
        })
    return {"channels": channels, "week_wait_p90": week_p90, "groups": groups}


def interval_quantile(iv: np.ndarray, values: np.ndarray, n: int, q: float) -> np.ndarray:
    """The q-quantile (linear interpolation, as numpy's default) of `values` within each interval; NaN if empty."""
    out = np.full(n, np.nan)
    if values.size == 0:
        return out
    order = np.lexsort((values, iv))
    v, k = values[order], iv[order]
    counts = np.bincount(k, minlength=n)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    has = counts > 0
    pos = q * (counts[has] - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, counts[has] - 1)
    base = first[has]
    out[has] = v[base + lo] + (pos - lo) * (v[base + hi] - v[base + lo])
    return out
