"""The week's customers of one replication, drawn before the simulation starts (common random numbers).

Every draw comes from a stream of its own, derived from the replication's SeedSequence in a fixed layout that
does not depend on staffing: [day multipliers, aux rotation, channel 0, channel 1, ...], and per channel
[arrivals, handle times, patience and bot outcomes]. Two staffing plans simulated with one seed therefore see
the same customers: same arrival times, handle times, patiences and bot outcomes.

Bot sessions that are not contained get a slot in their target channel's arrays after the target's own
contacts; their arrival time there is only known when the bot session ends (NaN until then). A bot whose
after-hours escalations go to a deferred channel gives each of them a slot there too (handle time drawn from a
fourth stream of the bot's channel, so the other draws do not move); the run fills in the one it uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrivals import arrival_times, daily_multipliers
from .distributions import draw
from .inputs import ModelSpec

STREAM_DEMAND, STREAM_AUX, FIRST_CHANNEL_STREAM = 0, 1, 2


@dataclass
class Customers:
    """Per-contact arrays of one channel, seconds. Index i < n_direct: the channel's own arrivals."""

    arrival: np.ndarray        # NaN for escalations that have not arrived yet
    handle: np.ndarray
    patience: np.ndarray       # inf: never abandons
    n_direct: int
    contained: np.ndarray | None = None     # bot only: session ends in the bot
    escalation_slot: np.ndarray | None = None  # bot only: index in the target channel's arrays, -1 if contained
    after_hours_slot: np.ndarray | None = None  # bot with a deferred after_hours channel: index in its arrays


def replication_streams(spec: ModelSpec, seed: np.random.SeedSequence) -> list[np.random.SeedSequence]:
    """The fixed stream layout of one replication."""
    return seed.spawn(FIRST_CHANNEL_STREAM + len(spec.channels))


def customers_arriving(spec: ModelSpec, arrivals: tuple[np.ndarray, ...], seed: np.random.SeedSequence
                       ) -> tuple[list[Customers], np.random.SeedSequence]:
    """Customers arriving at given times (per channel of the spec, sorted seconds from the week start), with
    handle times and patience drawn from the spec, and the seed left for the engine (aux rotation).

    Stream layout: seed.spawn(channels + 1); per channel [handle times, patience], the last for the engine.
    """
    gens = seed.spawn(len(spec.channels) + 1)
    length = spec.interval_seconds
    customers = []
    for c, ch in enumerate(spec.channels):
        t = arrivals[c]
        rng_handle, rng_patience = [np.random.default_rng(s) for s in gens[c].spawn(2)]
        iv = np.minimum((t // length).astype(int), spec.n_intervals - 1)
        handle = draw(ch.handle, rng_handle, t.size) * (ch.aht[iv] / ch.handle.mean)
        customers.append(Customers(t, handle, draw(ch.patience, rng_patience, t.size), t.size))
    return customers, gens[-1]


def draw_customers(spec: ModelSpec, streams: list[np.random.SeedSequence]) -> list[Customers]:
    """Arrivals, handle times, patiences and bot outcomes of every channel for one replication."""
    length = spec.interval_seconds
    day_factor = daily_multipliers(np.random.default_rng(streams[STREAM_DEMAND]), spec.days, spec.overdispersion)
    per_interval = np.repeat(day_factor, spec.intervals_per_day)[:spec.n_intervals]
    # Four streams per channel; the first three are those spawn(3) gave before the fourth (a bot's after-hours
    # handle times) was added, so scenarios without after-hours routing draw exactly the same customers.
    gens = [[np.random.default_rng(s) for s in streams[FIRST_CHANNEL_STREAM + c].spawn(4)]
            for c in range(len(spec.channels))]
    own: list[Customers] = []
    for c, ch in enumerate(spec.channels):
        rng_arrival, rng_handle, rng_patience, _ = gens[c]
        t = arrival_times(rng_arrival, ch.expected, length, per_interval)
        iv = np.minimum((t // length).astype(int), spec.n_intervals - 1)
        handle = draw(ch.handle, rng_handle, t.size) * (ch.aht[iv] / ch.handle.mean)
        patience = draw(ch.patience, rng_patience, t.size)
        own.append(Customers(t, handle, patience, t.size))
    escalations: dict[int, list] = {}
    for c, ch in enumerate(spec.channels):
        if ch.kind != "ai":
            continue
        _, rng_handle, rng_patience, rng_after_hours = gens[c]
        bot = own[c]
        n = bot.n_direct
        bot.contained = rng_patience.random(n) < ch.containment
        iv = np.minimum((bot.arrival // length).astype(int), spec.n_intervals - 1)
        out = ~bot.contained
        draws = _escalation_draws(spec, ch, ch.escalate_to, iv, rng_handle, rng_patience)
        bot.escalation_slot = _escalation_slots(spec, own, escalations, ch.escalate_to, out, draws)
        if ch.after_hours_to >= 0:
            # a deferred channel has no patience to draw: one stream serves both
            draws = _escalation_draws(spec, ch, ch.after_hours_to, iv, rng_after_hours, rng_after_hours)
            bot.after_hours_slot = _escalation_slots(spec, own, escalations, ch.after_hours_to, out, draws)
    for c, parts in escalations.items():
        cust = own[c]
        extra = sum(len(h) for h, _ in parts)
        cust.arrival = np.concatenate([cust.arrival, np.full(extra, np.nan)])
        cust.handle = np.concatenate([cust.handle, *[h for h, _ in parts]])
        cust.patience = np.concatenate([cust.patience, *[p for _, p in parts]])
    return own


def _escalation_draws(spec: ModelSpec, bot, to: int, iv: np.ndarray, rng_handle, rng_patience
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Handle times (escalated_aht_factor x channel `to`'s, at the AHT of the bot session's arrival interval)
    and patiences of every bot session, were it escalated to channel `to`."""
    dest = spec.channels[to]
    n = iv.size
    handle = draw(dest.handle, rng_handle, n) * bot.escalated_aht_factor * (dest.aht[iv] / dest.handle.mean)
    return handle, draw(dest.patience, rng_patience, n)


def _escalation_slots(spec: ModelSpec, own: list[Customers], escalations: dict, to: int, out: np.ndarray,
                      draws: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Slots in channel `to`'s arrays (after its own contacts and earlier bots' escalations) for the sessions
    `out` escalates; -1 for the others. The escalations' handle times and patiences join `escalations[to]`."""
    pending = escalations.setdefault(to, [])
    offset = own[to].n_direct + sum(len(h) for h, _ in pending)
    slot = np.full(out.size, -1)
    slot[out] = offset + np.arange(int(out.sum()))
    handle, patience = draws
    pending.append((handle[out], patience[out]))
    return slot
