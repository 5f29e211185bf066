"""The simulation's state at an instant: capture it from a run, start another run from it.

`engine.capture()` after `engine.run(until=t)` records everything the rest of the run depends on: the contacts
waiting in each line (their order, arrival and abandonment deadlines), the email backlog, every agent's state
(idle since when, busy until when, open chat sessions and their remaining work, on shift or in aux, available or
finishing work after going off), bot sessions in progress, the agent spans recorded so far, the next arrival and
timetable instant, and the aux-rotation random stream. `Engine(spec, seed, state=state).run()` continues from
there. With the same spec and seed the resumed run gives exactly the figures of the uninterrupted run: pending
completions are re-scheduled at the same float instants (sim.model.Engine.at) and, for instants that tie, in
the order the uninterrupted run scheduled them (the sequence number recorded with each).

The spec may change after the instant (a roster re-planned for the rest of the day): roster agents are matched
by (name, skill group, first work-period start), so an agent keeps its state when its shift is extended, its
breaks are moved or it leaves early; agents new to the roster start off shift; an agent no longer in the roster
goes off at the instant (finishing any contact in hand). Customers must be the same draw (same spec demand and
seed), since lines hold contact indices.

This module turns the engine's public objects (channels, groups, agents) into that plain data and back; the
engine adds its own bookkeeping of pending wake-ups (Engine.capture, Engine.run).

Times are seconds from the week start.
"""

from __future__ import annotations

import bisect
import copy
from dataclasses import dataclass, field
from typing import Callable

from .agents import BUSY, CHAT
from .channels import AI

AGENT_FIELDS = ("state", "on", "on_shift", "aux", "idle_since", "token", "busy_since", "avail_since", "off_since",
                "version", "last_update", "due")
SPAN_FIELDS = ("avail_starts", "avail_ends", "busy_starts", "busy_ends", "over_starts", "over_ends")


@dataclass
class SimState:
    """Everything the rest of a replication depends on, at `time` seconds (plain, picklable data).

    channels: per channel {arrival, deadline, start, end, line, partial} (bot: {arrival, start, line, free});
    groups: per skill group {agents: [per agent {field: value, sessions, chat, key}], idle: [(agent pos, token)],
    on_count, spans}; arrival/timetable: (due, seq, index, last instant) of the next wake-up or None; bots:
    {(channel, session): (due, seq)}; held: the same for escalations held until their target opens; aux_rng: the aux-rotation generator's state; seq: the scheduling counter.
    """

    time: float
    seq: int
    channels: list[dict]
    groups: list[dict]
    arrival: tuple | None
    timetable: tuple | None
    timetable_time: float | None
    bots: dict
    aux_rng: dict
    roster_keys: list = field(default_factory=list)
    held: dict = field(default_factory=dict)

    def waiting(self, channel: int) -> int:
        """Contacts in a channel's line at `time` whose patience has not run out (the email backlog for email)."""
        ch = self.channels[channel]
        if "deadline" not in ch:
            return len(ch["line"])
        return sum(1 for i in ch["line"] if ch["deadline"][i] > self.time)

    def busy_agents(self, group: int) -> int:
        """Agents of a skill group with work in hand at `time` (available or finishing after going off)."""
        return sum(1 for a in self.groups[group]["agents"] if a["state"] in (BUSY, CHAT))

    def on_agents(self, group: int) -> int:
        """Agents of a skill group available for contacts at `time`."""
        return sum(1 for a in self.groups[group]["agents"] if a["on"])


def roster_key(spec_agent) -> tuple:
    """How a roster agent is recognised across a re-plan: (name, skill group, first work-period start)."""
    return (spec_agent.name, spec_agent.group, spec_agent.work_periods[0][0] if spec_agent.work_periods else 0.0)


@dataclass(frozen=True)
class Pending:
    """The engine's own bookkeeping of its next wake-ups (see SimState): what the objects cannot tell."""

    seq: int
    arrival: tuple | None
    timetable: tuple | None
    timetable_time: float | None
    bots: dict
    held: dict = field(default_factory=dict)


def snapshot(engine, pending: Pending) -> SimState:
    """The SimState of `engine` (its public objects: channels, groups, roster agents, clock, aux stream) with its
    `pending` wake-ups; Engine.capture calls it. The engine is not changed."""
    where = {}
    for j, group in enumerate(engine.groups):
        for pos, agent in enumerate(group.agents):
            where[agent] = (j, pos)
    roster_of = {}
    if engine.spec.roster is not None:
        for r, agent in enumerate(engine.roster_agents):
            roster_of[agent] = roster_key(engine.spec.roster[r])
    channels = []
    for ch in engine.channels:
        if ch.kind == AI:
            channels.append({"arrival": ch.arrival.copy(), "start": list(ch.start), "line": list(ch.line),
                             "free": ch.free})
        else:
            channels.append({"arrival": ch.arrival.copy(), "deadline": list(ch.deadline), "start": list(ch.start),
                             "end": list(ch.end), "line": list(ch.line),
                             "partial": [[where[a] for a in bucket] for bucket in ch.partial]})
    groups = []
    for group in engine.groups:
        agents = []
        for agent in group.agents:
            rec = {f: getattr(agent, f) for f in AGENT_FIELDS}
            rec["sessions"] = copy.deepcopy(agent.sessions)
            rec["chat"] = None if agent.chat is None else agent.chat.index
            rec["key"] = roster_of.get(agent)
            agents.append(rec)
        groups.append({"agents": agents, "idle": [(where[a][1], tok) for a, tok in group.idle],
                       "on_count": group.on_count, "spans": {f: list(getattr(group, f)) for f in SPAN_FIELDS}})
    return SimState(time=float(engine.env.now), seq=pending.seq, channels=channels, groups=groups,
                    arrival=pending.arrival, timetable=pending.timetable, timetable_time=pending.timetable_time,
                    bots=dict(pending.bots), aux_rng=copy.deepcopy(engine.aux_rng.bit_generator.state),
                    roster_keys=[roster_of.get(a) for a in engine.roster_agents] if roster_of else [],
                    held=dict(pending.held))


def restore_objects(engine, state: SimState, hire: Callable) -> list:
    """Put a fresh engine's agents, roster agents, lines and aux stream into `state`; `hire(group)` makes an agent.
    Returns the agents no longer in the roster (the engine turns them off at the instant)."""
    engine.aux_rng.bit_generator.state = copy.deepcopy(state.aux_rng)
    # Agents, group by group in their saved order (routing and aux draws follow that order).
    new_index = {}
    if engine.spec.roster is not None:
        new_index = {roster_key(a): r for r, a in enumerate(engine.spec.roster)}
        engine.roster_agents = [None] * len(engine.spec.roster)
    unmatched = []
    for group, saved in zip(engine.groups, state.groups):
        group.agents = []
        for rec in saved["agents"]:
            agent = hire(group)
            for f in AGENT_FIELDS:
                setattr(agent, f, rec[f])
            agent.sessions = copy.deepcopy(rec["sessions"])
            agent.chat = None if rec["chat"] is None else engine.channels[rec["chat"]]
            if rec["key"] is not None:
                r = new_index.get(rec["key"])
                if r is None or engine.roster_agents[r] is not None:
                    unmatched.append(agent)
                else:
                    engine.roster_agents[r] = agent
        group.idle.clear()
        group.idle.extend((group.agents[pos], tok) for pos, tok in saved["idle"])
        group.on_count = saved["on_count"]
        for f in SPAN_FIELDS:
            setattr(group, f, list(saved["spans"][f]))
    if engine.spec.roster is not None:
        for r, agent in enumerate(engine.roster_agents):
            if agent is None:           # new to the roster: off shift until its first period
                engine.roster_agents[r] = hire(engine.groups[engine.spec.roster[r].group])
    for ch, saved in zip(engine.channels, state.channels):
        ch.arrival = saved["arrival"].copy()
        ch.start = list(saved["start"])
        ch.line.clear()
        ch.line.extend(saved["line"])
        if ch.kind == AI:
            ch.free = saved["free"]
        else:
            ch.deadline = list(saved["deadline"])
            ch.end = list(saved["end"])
            for bucket, refs in zip(ch.partial, saved["partial"]):
                bucket.clear()
                bucket.update((engine.groups[j].agents[pos], None) for j, pos in refs)
    return unmatched


def resumed_timetable(events: list[tuple], state: SimState) -> tuple | None:
    """(due, seq, event index, last instant) of the timetable's next wake-up after `state.time`, or None when the
    timetable has ended. `events` are the resumed engine's (Engine.timetable_events)."""
    k = bisect.bisect_left([e[0] for e in events], state.time)
    if k == len(events):
        return None
    if state.timetable is not None and state.timetable_time == events[k][0]:
        return (state.timetable[0], state.timetable[1], k, state.timetable[3])
    # a changed timetable: its next instant, after everything the captured run had pending
    return (events[k][0], state.seq, k, events[k - 1][0] if k else 0.0)


def pending_work(engine, state: SimState) -> list[tuple]:
    """(due, seq, what, payload) of the completions and the arrival wake-up pending in a restored engine (what:
    "busy"/"chat" with the agent, "bot"/"held" with (bot desk, session), "arrival" with the captured wake-up)."""
    pending = []
    for group in engine.groups:
        for agent in group.agents:
            if agent.state == BUSY:
                pending.append((*agent.due, "busy", agent))
            elif agent.state == CHAT:
                pending.append((*agent.due, "chat", agent))
    for (c, i), (due, seq) in state.bots.items():
        pending.append((due, seq, "bot", (engine.channels[c], i)))
    for (c, i), (due, seq) in state.held.items():
        pending.append((due, seq, "held", (engine.channels[c], i)))
    if state.arrival is not None:
        pending.append((state.arrival[0], state.arrival[1], "arrival", state.arrival))
    return pending
