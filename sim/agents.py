"""Agents, skill groups at run time, and the staffing timetable (when agents come on and go off).

An agent is `on` while it is scheduled and available for contacts. Going off never interrupts work: an agent
still busy when it goes off finishes the contact(s) in hand first, and that overrun is counted.

Two timetables drive `on`:
- a staffing plan (available agents per interval and group): the group's count changes at interval
  boundaries; a fractional count x = n + f keeps n agents for the whole interval and one more for its first
  f of the interval, so agent-hours match the plan exactly;
- a roster: each named agent is on during its work periods (shift less lunch and breaks), except when chosen
  for aux time (shrinkage rotation): at every interval start, round(shrinkage x agents on shift) of the group
  (stochastic rounding), picked at random, are unavailable for that interval.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from .inputs import ModelSpec

IDLE, BUSY, CHAT, OFF = 0, 1, 2, 3


class AgentState:
    """One agent's state during a replication (not the roster's Agent, a person with hours and rules). `state` is
    IDLE/BUSY/CHAT when on or finishing work, OFF when gone."""

    __slots__ = ("group", "realtime", "deferred", "state", "on", "on_shift", "aux", "idle_since", "token",
                 "busy_since", "avail_since", "off_since", "sessions", "chat", "version", "last_update", "done", "due")

    def __init__(self, group: "AgentGroup"):
        self.group = group
        self.realtime = group.realtime      # channel run-time objects in routing order
        self.deferred = group.deferred
        self.state = OFF
        self.on = False
        self.on_shift = False
        self.aux = False
        self.idle_since = 0.0
        self.token = 0                      # bumps whenever the agent leaves the idle queue (lazy deletion)
        self.busy_since = 0.0
        self.avail_since = 0.0
        self.off_since = 0.0
        self.sessions: list[list] = []     # chat: [remaining solo-seconds of work, contact index]
        self.chat = None
        self.version = 0                    # chat: bumps whenever the pending completion event is superseded
        self.last_update = 0.0
        self.done = None                    # callback of a service completion, set by sim.model.Engine
        self.due = (0.0, -1)                # (time, scheduling sequence) of the pending completion, for sim.state


class AgentGroup:
    """A skill group at run time: its agents, the idle queue (longest idle first) and time-span records."""

    def __init__(self, index: int, realtime: list, deferred: list):
        self.index = index
        self.realtime = realtime
        self.deferred = deferred
        self.agents: list[AgentState] = []
        self.idle: deque = deque()          # (agent, token) in order of becoming idle
        self.on_count = 0
        # [start, end) spans in seconds, turned into per-interval hours after the run
        self.avail_starts: list[float] = []
        self.avail_ends: list[float] = []
        self.busy_starts: list[float] = []
        self.busy_ends: list[float] = []
        self.over_starts: list[float] = []
        self.over_ends: list[float] = []

    def head_idle(self) -> AgentState | None:
        """The longest-idle agent of the group (left in the queue), skipping stale entries."""
        idle = self.idle
        while idle:
            agent, token = idle[0]
            if agent.token == token:
                return agent
            idle.popleft()
        return None

    def new_agent(self) -> AgentState:
        agent = AgentState(self)
        self.agents.append(agent)
        return agent


def plan_timetable(plan: np.ndarray, interval_seconds: float) -> list[tuple[float, int, int]]:
    """(time, group, agents on) changes from an (intervals x groups) plan of available agents."""
    changes = []
    for g in range(plan.shape[1]):
        current = 0
        for k, x in enumerate(np.round(plan[:, g], 9)):
            whole = int(np.floor(x))
            frac = float(x - whole)
            t = k * interval_seconds
            first = whole + (1 if frac > 0 else 0)
            if first != current:
                changes.append((t, g, first))
                current = first
            if frac > 0:
                changes.append((t + frac * interval_seconds, g, whole))
                current = whole
    changes.sort(key=lambda c: (c[0], c[1]))
    return changes


def roster_timetable(spec: ModelSpec) -> list[tuple[float, int, int]]:
    """(time, agent index, +1 on shift / 0 off shift) from the roster's work periods."""
    events = []
    for a, agent in enumerate(spec.roster or []):
        for start, end in agent.work_periods:
            start, end = max(start, 0.0), min(end, spec.horizon)
            if end > start:
                events.append((start, a, 1))
                events.append((end, a, 0))
    # Off before on at one instant, so back-to-back periods do not double-count an agent.
    events.sort(key=lambda e: (e[0], e[2], e[1]))
    return events


def stochastic_round(x: float, u: float) -> int:
    """floor(x) plus one with probability frac(x)."""
    whole = int(np.floor(x))
    return whole + (1 if u < x - whole else 0)
