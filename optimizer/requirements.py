"""Agents needed per interval and channel, each channel staffed alone (pooling is in `optimizer.pooling`).

The table is in AVAILABLE agents (shrinkage not applied): `on_duty` turns it into agents on duty.

How each channel is sized (interval length L seconds, offered contacts per interval, AHT seconds):
- voice, method "erlang-a": the fewest agents whose M/M/n+M queue (exponential patience with the channel's mean
  `patience_seconds`) meets the service level within `answer_within_seconds` AND `max_abandon_rate`; Erlang C when
  the channel has no patience. Method "erlang-c": Erlang C on the service level only (no abandonment).
- chat, "erlang-a": an agent is `concurrency` slots. A slot's handle time is the AHT stretched by the slowdown at
  full load, aht * (1 + slowdown * (concurrency - 1)) - conservative, since at lower occupancy an agent holds fewer
  sessions and works faster. The slots form one Erlang A pool (any free slot takes the next chat);
  agents = slots / concurrency. "erlang-c": chats worked one at a time at the solo AHT, Erlang C, no abandonment.
- escalations from an AI channel join its `escalate_to` channel's offered contacts when the bot's `handle_seconds`
  ends (arrivals spread evenly over an interval, so a share lands in the next interval), with AHT
  `escalated_aht_factor` x that channel's AHT; the interval's AHT is the contact-weighted mean. Escalations that
  land while the target channel is closed go where the bot's `after_hours` sends them (`escalation_routes`): to a
  deferred channel in the interval they land (sized with its other work, at its AHT x escalated_aht_factor), to
  the target's next open interval (`next_open`), or nowhere (`lost`). With `queue` (the default), and after the
  week, they are not staffed and are reported in the warnings.
- deferred (email), both methods: fluid work (contacts x AHT agent-seconds) done only in working intervals (the
  union of opening hours of the real-time channels that share a skill group with it, within the shift rules'
  earliest_start..latest_end). "erlang-a": every item answered within `respond_within_hours` of its interval's start
  (a 100 % fluid plan; the target share absorbs randomness), with the smoothest path: at each working interval the
  work rate is the least constant rate that still meets every later deadline from here on (this minimises the peak
  rate). Items whose window holds no working interval, and items arriving in the week's last
  `respond_within_hours`, are due at the first working interval after arrival / by the end of the week.
  "erlang-c" (traditional): work is done in the interval it arrives, or the next working interval.
  Agents = work rate / L (100 % occupancy: no queueing buffer for deferred work).
- AI channels need no agents and have no rows; their capacity is checked (see `bot_capacity`).

Warnings (bot over capacity, escalations into closed hours, unmet targets, unreachable deadlines) are in
`df.attrs["warnings"]` (`requirements_warnings(df)`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scenarios import InputError, Problem, Scenario, interval_index, next_open_interval, open_mask, week_intervals
from scenarios.clock import clock_minutes
from scenarios.model import AFTER_HOURS_LOST, AFTER_HOURS_NEXT_OPEN, AFTER_HOURS_QUEUE

from .erlang import agents_needed, erlang_b

__all__ = ["METHODS", "requirements", "requirements_warnings", "on_duty", "requirement_arrays", "bot_escalations",
           "escalation_routes",
           "bot_capacity", "deferred_envelope", "deferred_work_rate", "working_mask"]

METHODS = ("erlang-a", "erlang-c")
REQUIREMENT_COLUMNS = ["ds", "channel", "agents", "offered", "aht_seconds"]


def requirements(scenario: Scenario, demand: pd.DataFrame, method: str = "erlang-a") -> pd.DataFrame:
    """Fractional AVAILABLE agents needed per interval for each human channel alone.

    `demand`: expected contacts per interval and channel (`ds, channel, contacts`, optional `aht_seconds`), as
    planning.demand.scenario_demand resolves it. Returns long `ds, channel, agents, offered, aht_seconds` (offered
    contacts per interval incl. bot escalations, their mean handle time in seconds), channels in scenario order,
    every interval of the week.
    """
    if method not in METHODS:
        raise InputError([Problem("method", f"unknown method '{method}' (choose {', '.join(METHODS)})")],
                         "invalid requirements method")
    contacts, aht = _demand_matrices(scenario, demand)
    warnings: list[str] = []
    esc, esc_aht = _escalations(scenario, contacts, aht, warnings)
    length = scenario.interval_minutes * 60.0
    idx = week_intervals(scenario)
    frames = []
    for name in scenario.human_channels():
        channel = scenario.channels[name]
        own, own_aht = contacts[name], aht[name]
        offered = own + esc.get(name, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mixed = np.where(offered > 0, (own * own_aht + esc.get(name, 0.0) * esc_aht.get(name, 0.0)) / offered,
                             own_aht)
        if channel.kind == "deferred":
            agents = deferred_work_rate(scenario, name, offered * mixed, method=method, warnings=warnings) / length
        else:
            agents = _realtime_agents(scenario, name, offered, mixed, method, warnings)
        frames.append(pd.DataFrame({"ds": idx, "channel": name, "agents": agents, "offered": offered,
                                    "aht_seconds": mixed}))
    out = pd.concat(frames, ignore_index=True)[REQUIREMENT_COLUMNS] if frames else pd.DataFrame(columns=REQUIREMENT_COLUMNS)
    out.attrs["warnings"] = warnings + bot_capacity(scenario, contacts).attrs["warnings"]
    out.attrs["method"] = method
    return out


def requirements_warnings(table: pd.DataFrame) -> list[str]:
    """The warnings `requirements` attached to its table."""
    return list(table.attrs.get("warnings", []))


def on_duty(requirement_agents, scenario: Scenario):
    """Agents on duty needed for available agents: agents / (1 - shrinkage). Takes a number, an array or a table
    with an `agents` column (a copy is returned)."""
    factor = 1.0 / (1.0 - scenario.shrinkage)
    if isinstance(requirement_agents, pd.DataFrame):
        out = requirement_agents.copy()
        out["agents"] = out["agents"] * factor
        return out
    return np.asarray(requirement_agents, dtype=float) * factor if not np.isscalar(requirement_agents) \
        else float(requirement_agents) * factor


def requirement_arrays(scenario: Scenario, requirement: pd.DataFrame | None) -> dict[str, np.ndarray]:
    """Per human channel, available agents required per interval of the week (0 where the table has no row)."""
    out = {c: np.zeros(scenario.n_intervals) for c in scenario.human_channels()}
    if requirement is None or not len(requirement):
        return out
    pos = interval_index(scenario, requirement["ds"])
    chans = requirement["channel"].to_numpy()
    vals = requirement["agents"].to_numpy(float)
    for c in out:
        sel = (chans == c) & (pos >= 0)
        np.add.at(out[c], pos[sel], np.nan_to_num(vals[sel]))
    return out


# --- demand ----------------------------------------------------------------------------------------------------

def _demand_matrices(scenario: Scenario, demand: pd.DataFrame) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    missing = [c for c in ("ds", "channel", "contacts") if c not in demand.columns]
    if missing:
        raise InputError([Problem("demand", f"missing column(s) {', '.join(missing)}")], "invalid demand table")
    # The table is a finished demand (scales already applied), so it is only pivoted here: a missing interval
    # is 0 contacts, a missing AHT the channel's own.
    idx = week_intervals(scenario)
    pos = interval_index(scenario, demand["ds"])
    values = pd.to_numeric(demand["contacts"], errors="coerce").to_numpy(float)
    bad = (pos >= 0) & ~(values >= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError([Problem(f"demand:row {i + 2}", f"contacts must be a number >= 0 (got {demand['contacts'].iloc[i]})")],
                         "invalid demand table")
    given_aht = pd.to_numeric(demand["aht_seconds"], errors="coerce").to_numpy(float) \
        if "aht_seconds" in demand.columns else np.full(len(demand), np.nan)
    chans = demand["channel"].to_numpy()
    contacts, aht = {}, {}
    for name, channel in scenario.channels.items():
        default = getattr(channel, "aht_seconds", None) or channel.handle_seconds
        sel = (chans == name) & (pos >= 0)
        c = np.zeros(len(idx))
        h = np.full(len(idx), np.nan)
        c[pos[sel]] = values[sel]
        h[pos[sel]] = given_aht[sel]
        contacts[name] = c
        aht[name] = np.where(np.isfinite(h) & (h > 0), h, default)
    return contacts, aht


# --- AI channels -----------------------------------------------------------------------------------------------

def _shift_by(values: np.ndarray, seconds: float, length: float) -> tuple[np.ndarray, float]:
    """Move per-interval volumes (arrivals spread evenly inside each interval) later by `seconds`.

    Returns the shifted series and the volume pushed past the last interval.
    """
    q, r = divmod(seconds, length)
    q = int(q)
    share_next = r / length
    out = np.zeros(len(values) + q + 2)
    out[q:q + len(values)] += values * (1.0 - share_next)
    out[q + 1:q + 1 + len(values)] += values * share_next
    return out[:len(values)], float(out[len(values):].sum())


def escalation_routes(scenario: Scenario, name: str, escalated: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
    """Where AI channel `name`'s escalations are offered, given `escalated` (contacts per interval as the bot time
    ends): {channel: contacts per interval arriving there} and the contacts handed to no one.

    While `escalate_to` is open they arrive there; in its closed intervals `after_hours` decides: a deferred
    channel takes them in the same interval; `next_open` adds them to the first open interval at or after it
    (none left in the week: handed to no one); `lost` hands them to no one; `queue` leaves them on the closed
    channel (`requirements` does not staff them)."""
    bot = scenario.channels[name]
    target = bot.escalate_to
    is_open = open_mask(scenario, target)
    if bot.after_hours == AFTER_HOURS_QUEUE:
        return {target: escalated.copy()}, 0.0
    closed = np.where(is_open, 0.0, escalated)
    routes = {target: np.where(is_open, escalated, 0.0)}
    fallback = bot.after_hours_channel()
    if fallback is not None:
        routes[fallback] = closed
        return routes, 0.0
    if bot.after_hours == AFTER_HOURS_LOST:
        return routes, float(closed.sum())
    nxt = next_open_interval(is_open)
    held = nxt < len(escalated)
    np.add.at(routes[target], nxt[held], closed[held])
    return routes, float(closed[~held].sum())


def bot_escalations(scenario: Scenario, demand: pd.DataFrame) -> pd.DataFrame:
    """Expected escalations per interval and the channel they are offered to: `ds, channel` (the AI channel),
    `lands_on` (its escalate_to, or where `after_hours` routes them while escalate_to is closed), `escalated`
    (contacts arriving there in that interval), `aht_seconds` (their handle time: escalated_aht_factor x that
    channel's AHT). attrs by AI channel: `after_week` (volume whose bot time ends past the week's end) and
    `not_handed_over` (after-hours escalations handed to no one: `lost`, or held past the week's last opening);
    (1 - containment) x sessions = escalated total + after_week + not_handed_over."""
    contacts, aht = _demand_matrices(scenario, demand)
    length = scenario.interval_minutes * 60.0
    idx = week_intervals(scenario)
    frames, after, dropped = [], {}, {}
    for name, channel in scenario.channels.items():
        if channel.kind != "ai":
            continue
        moved, after[name] = _shift_by(contacts[name] * (1.0 - channel.containment), channel.handle_seconds, length)
        routes, dropped[name] = escalation_routes(scenario, name, moved)
        for dest, offered in routes.items():
            frames.append(pd.DataFrame({"ds": idx, "channel": name, "lands_on": dest, "escalated": offered,
                                        "aht_seconds": aht[dest] * channel.escalated_aht_factor}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["ds", "channel", "lands_on", "escalated", "aht_seconds"])
    out.attrs["after_week"] = after
    out.attrs["not_handed_over"] = dropped
    return out


def _escalations(scenario, contacts, aht, warnings) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Escalated contacts arriving per interval on each channel they are routed to (a voice or chat channel only
    while it is open) and their AHT."""
    length = scenario.interval_minutes * 60.0
    esc: dict[str, np.ndarray] = {}
    work: dict[str, np.ndarray] = {}
    for name, channel in scenario.channels.items():
        if channel.kind != "ai":
            continue
        target = channel.escalate_to
        if target not in scenario.channels or scenario.channels[target].kind not in ("voice", "chat"):
            raise InputError([Problem(f"channels.{name}.escalate_to",
                                      f"'{target}' is not a voice or chat channel of the scenario")],
                             "invalid scenario")
        moved, after = _shift_by(contacts[name] * (1.0 - channel.containment), channel.handle_seconds, length)
        routes, dropped = escalation_routes(scenario, name, moved)
        if channel.after_hours == AFTER_HOURS_NEXT_OPEN and dropped > 0.5:
            warnings.append(f"{name}: {dropped:.0f} expected escalations are held for {target}'s opening, which "
                            f"does not come before the week's end; not staffed")
        if after > 0.5:
            warnings.append(f"{name}: {after:.0f} expected escalations land after the week's end; not staffed")
        for dest, offered in routes.items():
            if scenario.channels[dest].kind != "deferred":
                is_open = open_mask(scenario, dest)
                closed = float(offered[~is_open].sum())
                if closed > 0.5:
                    warnings.append(f"{name}: {closed:.0f} expected escalations land while {dest} is closed; not "
                                    f"staffed (channels.{name}.after_hours can send them to a deferred channel, "
                                    f"hold them for the opening (next_open) or count them lost)")
                offered = np.where(is_open, offered, 0.0)
            esc[dest] = esc.get(dest, 0.0) + offered
            work[dest] = work.get(dest, 0.0) + offered * aht[dest] * channel.escalated_aht_factor
    esc_aht = {t: np.divide(work[t], esc[t], out=np.zeros_like(esc[t]), where=esc[t] > 0) for t in esc}
    return esc, esc_aht


def bot_capacity(scenario: Scenario, contacts: dict[str, np.ndarray] | pd.DataFrame, blocking_limit: float = 0.01
                 ) -> pd.DataFrame:
    """Per interval and AI channel: `sessions` (per interval), `concurrent` (mean sessions in progress =
    rate x handle_seconds), `capacity`, `blocking` (Erlang B loss with `capacity_sessions` slots).

    attrs["warnings"] lists each AI channel's intervals where blocking exceeds `blocking_limit` (or the mean load
    exceeds the capacity), with the worst one.
    """
    if isinstance(contacts, pd.DataFrame):
        contacts, _ = _demand_matrices(scenario, contacts)
    length = scenario.interval_minutes * 60.0
    idx = week_intervals(scenario)
    frames, warnings = [], []
    for name, channel in scenario.channels.items():
        if channel.kind != "ai":
            continue
        sessions = contacts[name]
        load = sessions / length * channel.handle_seconds
        blocking = np.asarray(erlang_b(np.full(len(load), channel.capacity_sessions), load), float)
        frames.append(pd.DataFrame({"ds": idx, "channel": name, "sessions": sessions, "concurrent": load,
                                    "capacity": channel.capacity_sessions, "blocking": blocking}))
        bad = (blocking > blocking_limit) | (load > channel.capacity_sessions)
        if bad.any():
            worst = int(np.argmax(load))
            warnings.append(
                f"{name}: sessions exceed capacity_sessions {channel.capacity_sessions} in {int(bad.sum())} "
                f"interval(s); worst {idx[worst]:%a %H:%M} with {load[worst]:.0f} concurrent sessions on average "
                f"(about {100 * blocking[worst]:.1f}% of sessions find the bot full)")
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["ds", "channel", "sessions", "concurrent", "capacity", "blocking"])
    out.attrs["warnings"] = warnings
    return out


# --- real-time channels ----------------------------------------------------------------------------------------

def chat_slots(channel, aht_seconds):
    """(slots per agent, handle seconds of one slot) of a real-time channel for the Erlang A pool: a chat agent
    is `concurrency` slots, each with the AHT stretched by the slowdown at full load; a voice agent is one slot
    at the AHT. `aht_seconds` may be a number or an array."""
    if channel.kind != "chat":
        return 1.0, aht_seconds
    return (float(channel.concurrency),
            aht_seconds * (1.0 + channel.concurrency_slowdown * (channel.concurrency - 1)))


def _realtime_agents(scenario, name, offered, aht, method, warnings) -> np.ndarray:
    channel = scenario.channels[name]
    target = channel.target
    length_h = scenario.interval_minutes / 60.0
    patience = channel.patience_seconds if method == "erlang-a" else None
    max_abandon = target.max_abandon_rate if method == "erlang-a" else None
    per_agent, slot_aht = chat_slots(channel, aht) if method == "erlang-a" else (1.0, aht)
    out = np.zeros(len(offered))
    unmet = []
    for i in np.flatnonzero(offered > 0):
        s = agents_needed(offered[i] / length_h, float(slot_aht[i]), target.answer_within_seconds,
                          target.service_level, patience, max_abandon_rate=max_abandon)
        out[i] = s.fractional / per_agent
        if not s.met:
            unmet.append(i)
    if unmet:
        warnings.append(f"{name}: the target cannot be met in {len(unmet)} interval(s) with any reasonable number "
                        f"of agents (e.g. max_abandon_rate too low); sized at the search cap")
    return out


# --- deferred work ---------------------------------------------------------------------------------------------

def working_mask(scenario: Scenario, channel: str) -> np.ndarray:
    """Intervals in which agents work a deferred channel: open hours of the real-time channels that share a skill
    group with it (its own open hours if none), inside the shift rules' earliest_start..latest_end."""
    related = set()
    for group in scenario.skill_groups.values():
        if channel in group.skills:
            related |= {s for s in group.skills if s in scenario.channels
                        and scenario.channels[s].kind in ("voice", "chat")}
    mask = np.zeros(scenario.n_intervals, dtype=bool)
    for other in sorted(related) or [channel]:
        mask |= open_mask(scenario, other)
    idx = week_intervals(scenario)
    start_min = idx.hour * 60 + idx.minute
    rules = scenario.shift_rules
    lo, hi = clock_minutes(rules.earliest_start), clock_minutes(rules.latest_end)
    in_window = (start_min >= lo) & (start_min + scenario.interval_minutes <= hi)
    return mask & np.asarray(in_window)


def deferred_envelope(scenario: Scenario, channel: str, work_seconds: np.ndarray) -> pd.DataFrame:
    """Cumulative work bounds for a deferred channel, agent-seconds, at the END of each interval:
    `arrived` (work that may have been done: arrived so far) and `due` (work that must be done: items whose deadline
    has passed by then), plus `working` (agents work in the interval).

    An item of interval i is due by the end of the last working interval that ends by its interval's start +
    respond_within_hours (conservative: the earliest arrival in the interval sets the deadline); when that window holds
    no working interval it is due at the first working interval from i on; the last items are due by the end of the
    last working interval of the week.
    """
    n = scenario.n_intervals
    work = np.asarray(work_seconds, float)
    working = working_mask(scenario, channel)
    arrived = np.cumsum(work)
    steps = max(1, int(math.floor(scenario.channels[channel].target.respond_within_hours * 60 / scenario.interval_minutes)))
    # last working interval at or before j, and first working at or after j
    pos = np.arange(n)
    last_working = np.maximum.accumulate(np.where(working, pos, -1))
    nxt = np.where(working, pos, n)
    first_working = np.minimum.accumulate(nxt[::-1])[::-1]
    deadline_end = np.minimum(pos + steps - 1, n - 1)               # last interval ending by start + window
    due_at = last_working[deadline_end]
    late = due_at < pos                                              # no working interval inside the window
    due_at = np.where(late, first_working, due_at)
    due = np.zeros(n)
    has = (work > 0) & (first_working < n)
    np.maximum.at(due, due_at[has], arrived[has])
    due = np.maximum.accumulate(due)
    out = pd.DataFrame({"ds": week_intervals(scenario), "arrived": arrived, "due": due, "working": working})
    out.attrs["late_items"] = float(work[late & has & (first_working < n)].sum())
    out.attrs["unworkable"] = float(work[first_working >= n].sum())
    return out


def deferred_work_rate(scenario: Scenario, channel: str, work_seconds: np.ndarray, method: str = "erlang-a",
                       warnings: list[str] | None = None) -> np.ndarray:
    """Agent-seconds of deferred work to do in each interval (see the module docstring for both methods)."""
    env = deferred_envelope(scenario, channel, work_seconds)
    work = np.asarray(work_seconds, float)
    working = env["working"].to_numpy()
    n = len(work)
    done = np.zeros(n)
    if method == "erlang-c":
        carry = 0.0
        for j in range(n):
            carry += work[j]
            if working[j]:
                done[j], carry = carry, 0.0
    else:
        arrived, due = env["arrived"].to_numpy(), env["due"].to_numpy()
        count = np.cumsum(working)                                   # working intervals up to j
        cum = 0.0
        for j in np.flatnonzero(working):
            need = due[j:] - cum
            if need.max() <= 1e-12:
                continue
            slots = count[j:] - count[j] + 1                          # working intervals j..k
            rate = float(np.max(need / slots))
            rate = min(rate, arrived[j] - cum)                        # only work that has arrived
            done[j] = max(rate, 0.0)
            cum += done[j]
    if warnings is not None:
        if env.attrs["late_items"] > 0:
            warnings.append(f"{channel}: {env.attrs['late_items'] / 3600:.1f} agent-hours of items arrive with no "
                            f"working interval inside respond_within_hours; sized at the next working interval")
        if env.attrs["unworkable"] > 0:
            warnings.append(f"{channel}: {env.attrs['unworkable'] / 3600:.1f} agent-hours arrive after the week's "
                            f"last working interval and are not staffed")
    return done
