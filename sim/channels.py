"""Channels at run time: per-contact records and the waiting line of each channel.

Per-contact data the event loop reads or writes per contact live in plain Python lists indexed by the contact's
number (faster than numpy scalars); the loop writes `start` (when an agent or the bot takes the contact) and, for
chat, `end`. Arrival times and patiences stay numpy arrays: the loop touches them only when a bot escalation
arrives, and the results need them as arrays. Everything else (answered, abandoned, waits) is derived from
arrival, start and patience after the run.

Abandonment is lazy: a waiting real-time contact whose patience ran out is dropped when it reaches the head of
the line. With FIFO lines this gives exactly the outcome of scheduling an abandonment event per contact
(the contact is gone when an agent would have reached it), without one event per waiting contact.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from scenarios import next_open_interval

from .customers import Customers
from .inputs import ChannelSpec

VOICE, CHAT, DEFERRED, AI = "voice", "chat", "deferred", "ai"


class Channel:
    """A voice, chat or deferred channel: line of waiting contacts and per-contact records."""

    def __init__(self, index: int, spec: ChannelSpec, customers: Customers):
        self.index = index
        self.spec = spec
        self.kind = spec.kind
        self.is_chat = spec.kind == CHAT
        self.arrival: np.ndarray = np.array(customers.arrival, float)  # escalations' times are written in during the run
        self.handle: list[float] = customers.handle.tolist()
        self.patience: np.ndarray = np.asarray(customers.patience, float)
        self.deadline: list[float] = (customers.arrival + customers.patience).tolist()
        self.start: list[float] = [float("nan")] * len(self.arrival)
        self.end: list[float] = [float("nan")] * len(self.arrival) if self.is_chat else []  # chat: session ends
        self.line: deque = deque()
        self.groups: list = []              # AgentGroup run-time objects with this skill
        self.concurrency = spec.concurrency
        self.slowdown = spec.slowdown
        # chat: partial[k] holds agents with k open sessions and a free slot, k = 1..concurrency-1 (dicts keep
        # insertion order); index `concurrency` exists but stays empty, so callers need no bounds check
        self.partial: list[dict] = [dict() for _ in range(spec.concurrency + 1)]

    def pop_live(self, now: float) -> int:
        """Index of the oldest waiting contact still waiting at `now`, removed from the line; -1 if none."""
        line, deadline = self.line, self.deadline
        while line:
            i = line.popleft()
            if deadline[i] > now:
                return i
        return -1

    def has_live(self, now: float) -> bool:
        """True when a contact is still waiting at `now` (drops the abandoned ones at the head)."""
        line, deadline = self.line, self.deadline
        while line:
            if deadline[line[0]] > now:
                return True
            line.popleft()
        return False


class BotDesk:
    """The AI assistant: `capacity` concurrent sessions; sessions beyond it wait (FIFO) for a slot."""

    def __init__(self, index: int, spec: ChannelSpec, customers: Customers, interval_seconds: float):
        self.index = index
        self.spec = spec
        self.kind = AI
        self.interval_seconds = interval_seconds
        self.arrival: np.ndarray = np.asarray(customers.arrival, float)
        self.handle: list[float] = customers.handle.tolist()
        self.patience: np.ndarray = np.asarray(customers.patience, float)
        self.start: list[float] = [float("nan")] * len(self.arrival)
        self.contained: list[bool] = customers.contained.tolist()
        self.slot: list[int] = customers.escalation_slot.tolist()
        self.free = spec.capacity
        self.line: deque = deque()
        self.target: Channel | None = None
        # After-hours routing (spec.after_hours): the deferred channel and its slots, or the instant (seconds)
        # the target next opens from each interval (inf when it does not open again within the week).
        self.after_hours_to: Channel | None = None
        self.after_hours_slot: list[int] = ([] if customers.after_hours_slot is None
                                            else customers.after_hours_slot.tolist())
        self.target_open: list[bool] = [] if spec.target_open is None else spec.target_open.tolist()
        self.next_open_at: list[float] = []
        if spec.target_open is not None:
            n = len(spec.target_open)
            nxt = next_open_interval(spec.target_open)
            self.next_open_at = np.where(nxt < n, nxt * interval_seconds, np.inf).tolist()
