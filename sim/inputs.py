"""The model spec: everything one replication needs, as plain picklable data (no pandas, no pydantic).

Built once per `simulate` call from the scenario, the demand table and the staffing plan or roster, then sent
to every replication (possibly in another process). Times are seconds from 00:00 local on the week's first day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scenarios import InputError, Problem, Roster, Scenario, open_mask, read_staffing, staffing_matrix
from scenarios.calendar import interval_index
from scenarios.errors import did_you_mean
from scenarios.model import AFTER_HOURS_QUEUE

from .coverage import coverage
from .distributions import Dist, handle_dist, patience_dist


@dataclass
class ChannelSpec:
    """One channel. `expected` is contacts per interval (0 when closed); `aht` the mean handle seconds per interval."""

    name: str
    kind: str                       # voice | chat | deferred | ai
    expected: np.ndarray
    aht: np.ndarray
    handle: Dist                    # handle time with the channel's base mean (ai: deterministic bot time)
    patience: Dist
    threshold_seconds: float        # answer within (voice/chat), respond within (deferred), 0 for the bot
    target_service_level: float | None
    max_abandon_rate: float | None = None
    concurrency: int = 1
    slowdown: float = 0.0
    containment: float = 1.0        # ai only
    escalate_to: int = -1           # ai only: index of the voice/chat channel
    escalated_aht_factor: float = 1.0
    capacity: int = 0
    after_hours: str = AFTER_HOURS_QUEUE   # ai only: the scenario's after_hours (an action or a deferred channel)
    after_hours_to: int = -1        # ai only: index of the deferred channel taking them while the target is closed
    target_open: np.ndarray | None = None  # ai only: per interval, True when escalate_to is open

    def routes_after_hours(self) -> bool:
        """True for a bot whose escalations while the target is closed do not simply join its line."""
        return self.kind == "ai" and self.after_hours != AFTER_HOURS_QUEUE


@dataclass
class GroupSpec:
    """A skill group: real-time channels in routing order, then deferred channels in routing order."""

    name: str
    realtime: tuple[int, ...]
    deferred: tuple[int, ...]


MERGE_GAP_SECONDS = 3600.0  # a named agent's shifts closer than this are one stretch of work in the simulation


@dataclass
class RosterAgent:
    name: str
    group: int
    work_periods: list[tuple[float, float]]


@dataclass
class ModelSpec:
    """All inputs of one replication. Exactly one of `plan` (intervals x groups, available agents) or `roster`."""

    interval_seconds: float
    n_intervals: int
    days: int
    channels: list[ChannelSpec]
    groups: list[GroupSpec]
    overdispersion: float
    plan: np.ndarray | None = None
    roster: list[RosterAgent] | None = None
    shrinkage: float = 0.0          # applied as aux rotation with a roster only
    paid_seconds: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # intervals x groups

    @property
    def horizon(self) -> float:
        return self.n_intervals * self.interval_seconds

    @property
    def intervals_per_day(self) -> int:
        return int(round(86400 / self.interval_seconds))


def build_spec(scenario: Scenario, staffing: pd.DataFrame | Roster | None, demand: pd.DataFrame) -> ModelSpec:
    """Check the inputs against the scenario and gather them into a ModelSpec (raises InputError)."""
    interval_s = scenario.interval_minutes * 60.0
    names = list(scenario.channels)
    channels = [_channel_spec(scenario, name, _demand_columns(scenario, demand, name), names) for name in names]
    groups = []
    for gname, group in scenario.skill_groups.items():
        order = group.routing_order()
        for skill in order:
            if skill not in scenario.channels or scenario.channels[skill].kind == "ai":
                raise InputError([Problem(f"skill_groups.{gname}.skills",
                                          f"'{skill}' is not a voice, chat or deferred channel")])
        realtime = tuple(names.index(s) for s in order if scenario.channels[s].kind in ("voice", "chat"))
        deferred = tuple(names.index(s) for s in order if scenario.channels[s].kind == "deferred")
        groups.append(GroupSpec(gname, realtime, deferred))
    spec = ModelSpec(interval_s, scenario.n_intervals, scenario.days, channels, groups,
                     scenario.demand.overdispersion)
    if isinstance(staffing, Roster):
        spec.roster = _roster_agents(scenario, staffing)
        spec.shrinkage = scenario.shrinkage
        spec.paid_seconds = _roster_paid(scenario, staffing)
    else:
        plan = read_staffing(staffing, scenario)
        spec.plan = staffing_matrix(scenario, plan)
        spec.paid_seconds = spec.plan * interval_s
    return spec


def _demand_columns(scenario: Scenario, demand: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    missing = [c for c in ("ds", "channel", "contacts") if c not in demand.columns]
    if missing:
        raise InputError([Problem("demand", f"missing column {', '.join(missing)} (needs ds, channel, contacts)")])
    unknown = sorted(set(demand["channel"].astype(str)) - set(scenario.channels))
    if unknown:
        raise InputError([Problem("demand", f"unknown channel '{u}'{did_you_mean(u, scenario.channels)}")
                          for u in unknown])
    own = demand[demand["channel"] == name]
    pos = interval_index(scenario, own["ds"])
    contacts = pd.to_numeric(own["contacts"], errors="coerce").to_numpy(float)
    bad = (pos < 0) | ~np.isfinite(contacts) | (contacts < 0)
    if bad.any():
        row = own.iloc[int(np.flatnonzero(bad)[0])]
        raise InputError([Problem(f"demand:{name}", f"interval {row['ds']} is outside the week or has a bad "
                                                    f"contacts value ({row['contacts']})")])
    expected = np.zeros(scenario.n_intervals)
    expected[pos] = contacts
    channel = scenario.channels[name]
    base = getattr(channel, "aht_seconds", None) or channel.handle_seconds
    aht = np.full(scenario.n_intervals, float(base))
    if "aht_seconds" in own.columns:
        given = pd.to_numeric(own["aht_seconds"], errors="coerce").to_numpy(float)
        ok = np.isfinite(given) & (given > 0)
        aht[pos[ok]] = given[ok]
    # Closed intervals get no arrivals whatever the table says.
    return np.where(open_mask(scenario, name), expected, 0.0), aht


def _channel_spec(scenario: Scenario, name: str, columns, names: list[str]) -> ChannelSpec:
    expected, aht = columns
    ch = scenario.channels[name]
    if ch.kind == "ai":
        fallback = ch.after_hours_channel()
        return ChannelSpec(name, "ai", expected, aht, Dist("deterministic", ch.handle_seconds), Dist("none"),
                           0.0, None, containment=ch.containment, escalate_to=names.index(ch.escalate_to),
                           escalated_aht_factor=ch.escalated_aht_factor, capacity=ch.capacity_sessions,
                           after_hours=ch.after_hours,
                           after_hours_to=-1 if fallback is None else names.index(fallback),
                           target_open=open_mask(scenario, ch.escalate_to))
    if ch.kind == "deferred":
        return ChannelSpec(name, "deferred", expected, aht, handle_dist(ch), Dist("none"),
                           ch.target.respond_within_hours * 3600.0, ch.target.service_level)
    spec = ChannelSpec(name, ch.kind, expected, aht, handle_dist(ch), patience_dist(ch),
                       ch.target.answer_within_seconds, ch.target.service_level,
                       max_abandon_rate=ch.target.max_abandon_rate)
    if ch.kind == "chat":
        spec.concurrency, spec.slowdown = ch.concurrency, ch.concurrency_slowdown
    return spec


def _roster_agents(scenario: Scenario, roster: Roster) -> list[RosterAgent]:
    """The roster as the simulation sees it: one stand-in per stretch of work of a named agent (its shifts,
    merged where one starts less than MERGE_GAP_SECONDS after the previous one ends, so an overrun never
    overlaps the same person's next shift), in a canonical order by group and work periods.

    Who works a shift does not change how the week plays out, so a plan's shifts and any roster of them simulate
    identically with one seed, and so does the same roster listed in another order (e.g. after a CSV round trip).
    """
    groups = list(scenario.skill_groups)
    problems, by_agent = [], {}
    for k, shift in enumerate(roster.shifts):
        if shift.skill_group not in scenario.skill_groups:
            problems.append(Problem(f"roster:shift {k + 1} ({shift.agent})", f"unknown skill group "
                                    f"'{shift.skill_group}'{did_you_mean(shift.skill_group, groups)}"))
            continue
        by_agent.setdefault((shift.agent, shift.skill_group), []).append(shift)
    if problems:
        raise InputError(problems[:50], "invalid roster")
    out = []
    for (name, group), shifts in by_agent.items():
        shifts.sort(key=lambda s: s.start_s)
        stretch, end = None, -np.inf
        for shift in shifts:
            if stretch is None or shift.start_s - end >= MERGE_GAP_SECONDS:
                stretch = RosterAgent(name, groups.index(group), [])
                out.append(stretch)
            stretch.work_periods.extend(shift.work_periods())
            end = max(end, shift.end_s)
    for agent in out:
        agent.work_periods.sort()
    # Stand-ins with the same group and periods are interchangeable, so this order is canonical.
    return sorted(out, key=lambda a: (a.group, a.work_periods))


def _roster_paid(scenario: Scenario, roster: Roster) -> np.ndarray:
    """Paid seconds per interval and group: shift time less unpaid lunches."""
    groups = list(scenario.skill_groups)
    paid = np.zeros((scenario.n_intervals, len(groups)))
    length = scenario.interval_minutes * 60.0
    for j, g in enumerate(groups):
        own = [s for s in roster.shifts if s.skill_group == g]
        starts = [s.start_s for s in own]
        ends = [s.end_s for s in own]
        lunches = [s.lunch for s in own if s.lunch and not s.paid_lunch]
        paid[:, j] = coverage(starts, ends, scenario.n_intervals, length)
        if lunches:
            paid[:, j] -= coverage([a for a, _ in lunches], [b for _, b in lunches], scenario.n_intervals, length)
    return paid
