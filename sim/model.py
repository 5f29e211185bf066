"""One replication of the week on SimPy's public API: two processes drive it, callbacks do the per-contact work.

The story:
- the arrival stream (a SimPy process) walks the week's pre-drawn arrivals of all channels in time order; a
  contact goes to the longest-idle eligible agent; chat may also go to an agent with a free chat slot (fewest
  sessions first); else it waits in its channel's line (FIFO). A bot session takes a bot slot or waits for one.
- an agent finishes: it takes the oldest contact of its highest-priority real-time line that still has a
  waiting contact; deferred work (email) only when all its real-time lines are empty; else it goes idle.
  New real-time contacts never preempt work in hand.
- chat: an agent holds up to `concurrency` sessions; with k open each progresses at 1 / (1 + slowdown (k-1))
  of solo speed, so the next completion is rescheduled whenever k changes (superseded events are ignored).
  An agent in chat stops taking new chats while a higher-priority line of its skills has someone waiting.
- a bot session ends after its bot time: contained, or escalated to its voice/chat channel as a new contact
  (handle time x escalated_aht_factor). While that channel is closed (its interval's opening hours) the bot's
  after_hours decides: the contact arrives at a deferred channel instead (a web form), arrives at the
  channel's next opening instant (next_open), is lost, or joins the closed channel's line (queue).
- the timetable (a SimPy process over the staffing plan or the roster with aux rotation) turns agents on and
  off at its instants; an agent going off with work in hand finishes it first (overrun).
Contacts still waiting or in the bot when the week ends are unfinished (offered = answered + abandoned +
unfinished). Times are seconds from the week start.

Speed: a contact is no SimPy process. Its service, chat or bot session ends in a `Timeout` carrying one
callback, the agents and lines are plain deques, abandonment is lazy (sim.channels), and the customers are drawn
up front (sim.customers). Event order is SimPy's (time, priority, scheduling order). Everything the story
schedules is a normal-priority timeout, so simultaneous events run in the order they were scheduled; SimPy's
own events (the two processes starting at time 0, the stop at the week's end) are urgent and come first.
"""

from __future__ import annotations

import numpy as np
import simpy

from scenarios.model import AFTER_HOURS_NEXT_OPEN

from .agents import BUSY, CHAT, IDLE, OFF, AgentGroup, AgentState, plan_timetable, roster_timetable, stochastic_round
from .channels import AI, CHAT as CHAT_KIND, DEFERRED, BotDesk, Channel
from .customers import STREAM_AUX, draw_customers, replication_streams
from .inputs import ModelSpec
from .state import Pending, SimState, pending_work, restore_objects, resumed_timetable, snapshot


class Engine:
    """The simulation state of one replication. `run()` returns the raw records used by sim.records."""

    def __init__(self, spec: ModelSpec, seed: np.random.SeedSequence, customers: list | None = None,
                 state=None, track: bool = False):
        """`customers` (one sim.customers.Customers per channel) replaces the random draw, e.g. for hand-checked cases.

        `state` (a SimState from `capture()` of a run of the same customers) starts the run at its instant
        instead of the week start; the spec may differ after that instant (e.g. a roster changed for the rest of
        the day). `track` keeps the bookkeeping `capture()` needs (when each pending completion is due and
        in which order it was scheduled); a resumed run always tracks. Tracking never changes the figures; it is
        off by default because it costs about 5 % of the engine's speed."""
        self.spec = spec
        streams = replication_streams(spec, seed)
        if customers is None:
            customers = draw_customers(spec, streams)
        self.aux_rng = np.random.default_rng(streams[STREAM_AUX])
        self.env = simpy.Environment(initial_time=state.time if state is not None else 0)
        # Pending completions are tracked as (due time, scheduling sequence) so that a state captured mid-run
        # (capture) can re-schedule them at the same instants and in the same tie order.
        self.track = track or state is not None
        self._seq = 0
        self._arrival_due: tuple | None = None      # (due, seq, next arrival index, last drawn time)
        self._timetable_due: tuple | None = None    # (due, seq, next timetable event index, last instant)
        self._bot_due: dict = {}                    # (bot channel index, session index) -> (due, seq)
        self._held_due: dict = {}                   # the same for escalations held until the target opens
        # Bound once: a timeout is made per arrival, completion and bot session.
        self._timeout = self.env.timeout
        self.horizon = spec.horizon
        self.channels: list = [BotDesk(c, ch, customers[c], spec.interval_seconds) if ch.kind == AI
                               else Channel(c, ch, customers[c]) for c, ch in enumerate(spec.channels)]
        self.groups = [AgentGroup(j, [self.channels[c] for c in g.realtime], [self.channels[c] for c in g.deferred])
                       for j, g in enumerate(spec.groups)]
        for ch in self.channels:
            if ch.kind == AI:
                ch.target = self.channels[ch.spec.escalate_to]
                if ch.spec.after_hours_to >= 0:
                    ch.after_hours_to = self.channels[ch.spec.after_hours_to]
            else:
                ch.groups = [g for g in self.groups if ch in g.realtime or ch in g.deferred]
        self._arrive_by_kind = {"voice": self._arrive_single, DEFERRED: self._arrive_single,
                                CHAT_KIND: self._arrive_chat, AI: self._arrive_bot}
        self._customers = customers
        if spec.roster is not None:
            self.roster_agents = [self._hire(self.groups[a.group]) for a in spec.roster]
        self._state = state
        self._started = False
        self.ran = False            # the clock has moved (the engine can be captured)

    # --- the two processes ---------------------------------------------------------------------------------

    def arrival_order(self) -> tuple[list, list, list]:
        """(times, channel, contact index) of every channel's own arrivals, in the order the stream walks them."""
        customers = self._customers
        times = np.concatenate([c.arrival[:c.n_direct] for c in customers])
        which = np.concatenate([np.full(c.n_direct, k) for k, c in enumerate(customers)])
        index = np.concatenate([np.arange(c.n_direct) for c in customers])
        order = np.argsort(times, kind="stable")
        return times[order].tolist(), which[order].tolist(), index[order].tolist()

    def _arrival_stream(self, k: int = 0, now: float = 0.0, first=None):
        """SimPy process: every channel's own arrivals in time order (seconds from the week start); the contacts
        of one instant are handled in one wake-up. A resumed run starts at arrival `k`, the last drawn time `now`,
        its wake-up `first` already scheduled."""
        channels = self.channels
        times, which, index = self.arrival_order()
        handlers = [self._arrive_by_kind[ch.kind] for ch in channels]
        timeout = self._timeout
        env = self.env
        n = len(times)
        while k < n:
            if first is not None:
                yield first
                first = None
            else:
                # From the previous drawn time, not from env.now: the clock then adds up the same delays as it
                # always has, so event times (and ties) stay bit-identical.
                delay = times[k] - now
                if self.track:
                    self._arrival_due = (env.now + delay, self._seq, k, now)
                    self._seq += 1
                yield timeout(delay)
            now = times[k]
            while True:
                c = which[k]
                handlers[c](channels[c], index[k], now)
                k += 1
                if k == n or times[k] != now:
                    break
        self._arrival_due = None

    def timetable_events(self) -> list[tuple]:
        """(time, what, who, value) of the staffing timetable in the order the timetable process walks them."""
        spec = self.spec
        if spec.roster is not None:
            events = [(t, "shift", a, flag) for t, a, flag in roster_timetable(spec)]
            if spec.shrinkage > 0:
                events += [(k * spec.interval_seconds, "aux", None, None) for k in range(spec.n_intervals)]
        else:
            events = [(t, "count", g, n) for t, g, n in plan_timetable(spec.plan, spec.interval_seconds)]
        # Within one instant: shift changes, then plan counts, then the aux draw over who is on shift.
        rank = {"shift": 0, "count": 1, "aux": 2}
        events.sort(key=lambda e: (e[0], rank[e[1]]))
        return events

    def _timetable(self, k: int = 0, now: float = 0.0, first=None):
        """SimPy process: agents come on and go off at the staffing plan's or the roster's instants (seconds from the
        week start), one wake-up per instant. A resumed run starts at event `k` after instant `now`, its wake-up
        `first` already scheduled."""
        events = self.timetable_events()
        env = self.env
        n = len(events)
        while k < n:
            if first is not None:
                yield first
                first = None
            else:
                delay = events[k][0] - now
                if self.track:
                    self._timetable_due = (env.now + delay, self._seq, k, now)
                    self._seq += 1
                yield self._timeout(delay)
            now = events[k][0]
            touched: dict[AgentState, None] = {}     # roster agents whose availability may change now (ordered)
            while k < n and events[k][0] == now:
                _, what, who, value = events[k]
                if what == "count":
                    self._set_count(self.groups[who], value, now)
                elif what == "shift":
                    agent = self.roster_agents[who]
                    agent.on_shift = bool(value)
                    touched[agent] = None
                else:
                    self._draw_aux()
                    touched.update(dict.fromkeys(self.roster_agents))
                k += 1
            for agent in touched:
                want = agent.on_shift and not agent.aux
                if want and not agent.on:
                    self._turn_on(agent, now)
                elif agent.on and not want:
                    self._turn_off(agent, now)
        self._timetable_due = None

    def _hire(self, group: AgentGroup) -> AgentState:
        """A new agent of `group`. Its service completions call back with the agent bound in, so the timeout carries
        no payload to unpack (one per completion, the commonest event)."""
        agent = group.new_agent()
        next_work, env = self._next_work, self.env
        agent.done = lambda _event: next_work(agent, env.now)
        return agent

    def _draw_aux(self) -> None:
        rng, share = self.aux_rng, self.spec.shrinkage
        for group in self.groups:
            working = [a for a in group.agents if a.on_shift]
            for a in group.agents:
                a.aux = False
            n_aux = stochastic_round(share * len(working), rng.random())
            if n_aux:
                for pos in rng.choice(len(working), size=n_aux, replace=False):
                    working[pos].aux = True

    def _set_count(self, group: AgentGroup, target: int, now: float) -> None:
        while group.on_count < target:
            # Call back an agent still finishing work before bringing in a new one.
            agent = next((a for a in group.agents if not a.on and a.state != OFF), None)
            if agent is None:
                agent = next((a for a in group.agents if a.state == OFF), None) or self._hire(group)
            self._turn_on(agent, now)
        if group.on_count > target:
            for agent in [a for a in group.agents if a.on and a.state == IDLE]:
                if group.on_count == target:
                    break
                self._turn_off(agent, now)
            for agent in [a for a in group.agents if a.on]:
                if group.on_count == target:
                    break
                self._turn_off(agent, now)

    def _turn_on(self, agent: AgentState, now: float) -> None:
        group = agent.group
        agent.on = True
        group.on_count += 1
        agent.avail_since = now
        if agent.state != OFF:
            # Was finishing work after going off: the overrun ends here, the agent simply stays.
            group.over_starts.append(agent.off_since)
            group.over_ends.append(now)
            if agent.state == CHAT:
                if len(agent.sessions) < agent.chat.concurrency:
                    agent.chat.partial[len(agent.sessions)][agent] = None
                self._chat_refill(agent, now)
            return
        self._next_work(agent, now)

    def _turn_off(self, agent: AgentState, now: float) -> None:
        group = agent.group
        agent.on = False
        group.on_count -= 1
        group.avail_starts.append(agent.avail_since)
        group.avail_ends.append(now)
        if agent.state == IDLE:
            agent.token += 1
            agent.state = OFF
        else:
            agent.off_since = now
            if agent.state == CHAT:
                agent.chat.partial[len(agent.sessions)].pop(agent, None)

    # --- arrivals ------------------------------------------------------------------------------------------

    def _idle_agent(self, groups: list) -> AgentState | None:
        """Remove and return the longest-idle agent among `groups`, or None."""
        best = None
        for group in groups:
            agent = group.head_idle()
            if agent is not None and (best is None or agent.idle_since < best.idle_since):
                best = agent
        if best is not None:
            best.group.idle.popleft()
            best.token += 1
        return best

    def _arrive_single(self, ch: Channel, i: int, now: float) -> None:
        agent = self._idle_agent(ch.groups)
        if agent is None:
            ch.line.append(i)
        else:
            agent.busy_since = now
            self._serve(agent, ch, i, now)

    def _arrive_chat(self, ch: Channel, i: int, now: float) -> None:
        agent = self._idle_agent(ch.groups)
        if agent is None:
            for bucket in ch.partial[1:]:
                for candidate in bucket:
                    if not self._higher_waiting(candidate, ch, now):
                        agent = candidate
                        break
                if agent is not None:
                    break
            if agent is None:
                ch.line.append(i)
                return
        self._chat_add(agent, ch, i, now)
        self._chat_schedule(agent, now)

    def _arrive_bot(self, bot: BotDesk, i: int, now: float) -> None:
        if bot.free > 0:
            bot.free -= 1
            self._bot_start(bot, i, now)
        else:
            bot.line.append(i)

    def _bot_start(self, bot: BotDesk, i: int, now: float) -> None:
        bot.start[i] = now
        if self.track:
            self._bot_due[(bot.index, i)] = (self.env.now + bot.handle[i], self._seq)
            self._seq += 1
        self._timeout(bot.handle[i], (bot, i)).callbacks.append(self._on_bot_done)

    def _on_bot_done(self, event) -> None:
        bot, i = event.value
        if self.track:
            del self._bot_due[(bot.index, i)]
        now = self.env.now
        if not bot.contained[i]:
            if bot.spec.routes_after_hours() and not bot.target_open[min(int(now // bot.interval_seconds),
                                                                         len(bot.target_open) - 1)]:
                self._after_hours(bot, i, now)
            else:
                self._hand_over(bot.target, bot.slot[i], now)
        if bot.line:
            self._bot_start(bot, bot.line.popleft(), now)
        else:
            bot.free += 1

    def _hand_over(self, ch: Channel, j: int, now: float) -> None:
        """Escalated contact `j` of channel `ch` arrives there now."""
        ch.arrival[j] = now
        ch.deadline[j] = now + float(ch.patience[j])
        self._arrive_by_kind[ch.kind](ch, j, now)

    def _after_hours(self, bot: BotDesk, i: int, now: float) -> None:
        """Session `i` escalates while the target is closed: to the after-hours deferred channel, held until the
        target opens (next_open), or lost."""
        if bot.after_hours_to is not None:
            self._hand_over(bot.after_hours_to, bot.after_hours_slot[i], now)
        elif bot.spec.after_hours == AFTER_HOURS_NEXT_OPEN:
            due = bot.next_open_at[min(int(now // bot.interval_seconds), len(bot.next_open_at) - 1)]
            if due < self.horizon:
                if self.track:
                    self._held_due[(bot.index, i)] = (due, self._seq)
                    self._seq += 1
                self.at(due, (bot, i)).callbacks.append(self._on_target_open)

    def _on_target_open(self, event) -> None:
        """A held escalation reaches its target at the opening."""
        bot, i = event.value
        if self.track:
            del self._held_due[(bot.index, i)]
        self._hand_over(bot.target, bot.slot[i], self.env.now)

    # --- voice and deferred service ------------------------------------------------------------------------

    def _serve(self, agent: AgentState, ch: Channel, i: int, now: float) -> None:
        ch.start[i] = now
        agent.state = BUSY
        if self.track:
            agent.due = (self.env.now + ch.handle[i], self._seq)
            self._seq += 1
        self._timeout(ch.handle[i]).callbacks.append(agent.done)

    def _next_work(self, agent: AgentState, now: float) -> None:
        """The agent has nothing in hand: take the next contact by priority, go idle, or leave if off."""
        group = agent.group
        if not agent.on:
            if agent.state != OFF:
                group.busy_starts.append(agent.busy_since)
                group.busy_ends.append(now)
                group.over_starts.append(agent.off_since)
                group.over_ends.append(now)
                agent.state = OFF
            return
        if agent.state == IDLE or agent.state == OFF:
            agent.busy_since = now
        for ch in agent.realtime:
            i = ch.pop_live(now)
            if i >= 0:
                if ch.is_chat:
                    agent.state = CHAT
                    self._chat_add(agent, ch, i, now)
                    self._chat_refill(agent, now)
                else:
                    self._serve(agent, ch, i, now)
                return
        for ch in agent.deferred:
            if ch.line:
                self._serve(agent, ch, ch.line.popleft(), now)
                return
        if agent.state != IDLE and agent.state != OFF:
            group.busy_starts.append(agent.busy_since)
            group.busy_ends.append(now)
        agent.state = IDLE
        agent.idle_since = now
        agent.token += 1
        group.idle.append((agent, agent.token))

    # --- chat ----------------------------------------------------------------------------------------------

    def _higher_waiting(self, agent: AgentState, ch: Channel, now: float) -> bool:
        """True when a line the agent ranks above `ch` has a contact waiting."""
        for other in agent.realtime:
            if other is ch:
                return False
            if other.has_live(now):
                return True
        return False

    def _chat_add(self, agent: AgentState, ch: Channel, i: int, now: float) -> None:
        sessions = agent.sessions
        if sessions:
            self._chat_advance(agent, now)
            ch.partial[len(sessions)].pop(agent, None)
        else:
            if agent.state == IDLE:
                agent.busy_since = now
            agent.state = CHAT
            agent.chat = ch
            agent.last_update = now
        ch.start[i] = now
        sessions.append([ch.handle[i], i])
        if len(sessions) < ch.concurrency and agent.on:
            ch.partial[len(sessions)][agent] = None

    def _chat_refill(self, agent: AgentState, now: float) -> None:
        """Fill free chat slots from the line unless a higher-priority line waits; reschedule the completion."""
        ch = agent.chat
        if agent.on and not self._higher_waiting(agent, ch, now):
            while len(agent.sessions) < ch.concurrency:
                i = ch.pop_live(now)
                if i < 0:
                    break
                self._chat_add(agent, ch, i, now)
        self._chat_schedule(agent, now)

    def _chat_advance(self, agent: AgentState, now: float) -> None:
        """Bring the open sessions' remaining work up to `now` at the speed of the current session count."""
        elapsed = now - agent.last_update
        if elapsed > 0:
            sessions = agent.sessions
            done = elapsed / (1.0 + agent.chat.slowdown * (len(sessions) - 1))
            for s in sessions:
                s[0] -= done
        agent.last_update = now

    def _chat_schedule(self, agent: AgentState, now: float) -> None:
        self._chat_advance(agent, now)
        sessions = agent.sessions
        agent.version += 1
        remaining = min(s[0] for s in sessions)
        delay = max(remaining, 0.0) * (1.0 + agent.chat.slowdown * (len(sessions) - 1))
        if self.track:
            agent.due = (self.env.now + delay, self._seq)
            self._seq += 1
        self._timeout(delay, (agent, agent.version)).callbacks.append(self._on_chat_done)

    def _on_chat_done(self, event) -> None:
        agent, version = event.value
        if version != agent.version:
            return  # superseded by a later change in the session count
        now = self.env.now
        self._chat_advance(agent, now)
        sessions = agent.sessions
        ch = agent.chat
        ch.partial[len(sessions)].pop(agent, None)
        finished = min(sessions, key=lambda s: s[0])
        sessions.remove(finished)
        ch.end[finished[1]] = now
        if sessions:
            if agent.on:
                ch.partial[len(sessions)][agent] = None
            self._chat_refill(agent, now)
        else:
            agent.chat = None
            self._next_work(agent, now)

    # --- run -----------------------------------------------------------------------------------------------

    def run(self, until: float | None = None) -> "Engine":
        """Simulate to the end of the week (or to `until` seconds, leaving events at that instant pending, so
        `capture()` can record the state there); the records are then read by sim.records."""
        end = self.horizon if until is None else min(float(until), self.horizon)
        if self._started is False:
            self._started = True
            if self._state is not None:
                self._restore(self._state)
            elif self.horizon > 0:
                self.env.process(self._arrival_stream())
                self.env.process(self._timetable())
        if end > self.env.now:
            self.env.run(until=end)
            self.ran = True
        return self

    def capture(self) -> SimState:
        """The state at the current instant (after `run(until=t)`, t after the run's start; see sim.state); the
        engine is not changed. Needs an engine made with `track=True`."""
        if not self.ran:
            raise ValueError("the engine has not run yet: run(until=t) with t after its start time, then capture")
        if not self.track:
            raise ValueError("the engine did not track its pending events: make it with Engine(..., track=True)")
        table = self._timetable_due
        return snapshot(self, Pending(self._seq, self._arrival_due, table,
                                      None if table is None else self.timetable_events()[table[2]][0],
                                      self._bot_due, self._held_due))

    def _restore(self, state: SimState) -> None:
        """Put this fresh engine (its clock at state.time) into `state` and schedule what was pending, in the
        uninterrupted run's order: (instant, scheduling sequence)."""
        t = state.time
        self._seq = state.seq
        unmatched = restore_objects(self, state, self._hire)
        self._bot_due = dict(state.bots)
        self._held_due = dict(state.held)
        self._arrival_due = state.arrival
        pending = pending_work(self, state)
        self._timetable_due = resumed_timetable(self.timetable_events(), state)
        if self._timetable_due is not None:
            due, seq, k, last = self._timetable_due
            pending.append((due, seq, "timetable", (k, last)))
        pending.sort(key=lambda p: (p[0], p[1]))
        for due, _, what, payload in pending:
            if what == "busy":
                self.at(due).callbacks.append(payload.done)
            elif what == "chat":
                self.at(due, (payload, payload.version)).callbacks.append(self._on_chat_done)
            elif what == "bot":
                self.at(due, payload).callbacks.append(self._on_bot_done)
            elif what == "held":
                self.at(due, payload).callbacks.append(self._on_target_open)
            elif what == "arrival":
                _, _, idx, last = payload
                self.env.process(self._arrival_stream(idx, last, first=self.at(due)))
            else:
                idx, last = payload
                self.env.process(self._timetable(idx, last, first=self.at(due)))
        for agent in unmatched:             # no longer rostered: off now, finishing what is in hand
            agent.on_shift = False
            if agent.on:
                self._turn_off(agent, t)

    def at(self, due: float, value=None):
        """A timeout firing exactly at `due` seconds (the float the uninterrupted run scheduled: now + delay is
        nudged by an ulp when the subtraction rounded)."""
        now = self.env.now
        delay = due - now
        for _ in range(64):
            if now + delay == due:
                return self._timeout(delay, value)
            delay = float(np.nextafter(delay, np.inf if now + delay < due else -np.inf))
        raise RuntimeError(f"cannot schedule an event at {due!r} from {now!r}")
