"""SimResult: the week's figures per interval, channel and skill group, as means over replications with 95% CIs.

Conventions (also in the README):
- service level = answered within the threshold / offered; abandoned contacts (also those abandoning within
  the threshold) and unfinished ones count in the denominator. Deferred work: answered within
  respond_within_hours. NaN where nothing was offered.
- asa_seconds: mean time in line of every contact that left it, answered or abandoned (abandoned ones until
  they hung up): the project's convention, as optimizer.erlang.asa and the reference figure (M/M/n+M E[Wq],
  7.4 s for 100 calls/30 min, AHT 180 s, 12 agents, patience 120 s). wait_mean_seconds: mean wait of answered
  contacts only (what a call-center report calls ASA; 6.3 s in that case). wait_p90_seconds: 90th percentile
  of the wait of every contact that left the line.
- p_wait: share of offered contacts that did not get an agent at once.
- Skill groups: available_hours = scheduled availability plus overrun; idle = available - busy; occupancy =
  busy / available. paid_hours is the plan's agent time, or the roster's shift time less unpaid lunches.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from .estimates import Estimate, mean_ci, ratio_ci
from .inputs import ModelSpec
from .records import CHANNEL_FIELDS

WEEK_FIGURES = ("offered", "answered", "abandoned", "unfinished", "service_level", "abandon_rate", "p_wait",
                "asa_seconds", "wait_mean_seconds", "wait_p90_seconds")
DAY_FIGURES = ("offered", "answered", "abandoned", "service_level", "abandon_rate", "asa_seconds")
GROUP_FIGURES = ("paid_hours", "available_hours", "busy_hours", "idle_hours", "overrun_hours", "occupancy")
Interval = list[float | None]     # [lo, hi] of a confidence interval


class _FlatFigures:
    """A dataclass of figures without nesting, read from its JSON by field name."""

    @classmethod
    def from_json(cls, data: Mapping):
        """The figures from their JSON (keys not known are ignored, missing ones are None)."""
        return cls(**{f.name: data.get(f.name) for f in fields(cls)})


@dataclass
class ChannelFigures(_FlatFigures):
    """One channel's week, means over replications: counts in contacts, shares as fractions of offered, waits in
    seconds (module docstring); None where nothing was offered. contained/escalated: AI channels only;
    escalated_after_hours (of the escalated, those whose bot time ended while the target was closed, routed by
    after_hours): AI channels that route them (after_hours other than queue) only;
    backlog_max (items waiting, the week's largest): deferred channels only; the shares of intervals meeting the
    service level / every target: channels with a target only; service_level_ci and ci ([lo, hi] per figure):
    the summary over all replications only."""

    offered: float | None
    answered: float | None
    abandoned: float | None
    unfinished: float | None
    service_level: float | None
    abandon_rate: float | None
    p_wait: float | None
    asa_seconds: float | None
    wait_mean_seconds: float | None
    wait_p90_seconds: float | None
    target_service_level: float | None = None
    contained: float | None = None
    escalated: float | None = None
    escalated_after_hours: float | None = None
    backlog_max: float | None = None
    intervals_meeting_service_level: float | None = None
    intervals_meeting_target: float | None = None
    service_level_ci: Interval | None = None
    ci: dict[str, Interval] | None = None

    def to_json(self) -> dict:
        out = {f: getattr(self, f) for f in WEEK_FIGURES}
        if self.contained is not None:
            out.update(contained=self.contained, escalated=self.escalated)
        if self.escalated_after_hours is not None:
            out["escalated_after_hours"] = self.escalated_after_hours
        if self.backlog_max is not None:
            out["backlog_max"] = self.backlog_max
        out["target_service_level"] = self.target_service_level
        if self.target_service_level is not None:
            out.update(intervals_meeting_service_level=self.intervals_meeting_service_level,
                       intervals_meeting_target=self.intervals_meeting_target)
        if self.ci is not None:
            out.update(service_level_ci=self.service_level_ci, ci=self.ci)
        return out


@dataclass
class GroupFigures(_FlatFigures):
    """One skill group's week in agent-hours (paid, available incl. overrun, busy, idle, overrun) and its
    occupancy (busy / available); ci: [lo, hi] per figure but paid hours, in the summary over all replications."""

    paid_hours: float | None
    available_hours: float | None
    busy_hours: float | None
    idle_hours: float | None
    overrun_hours: float | None
    occupancy: float | None
    ci: dict[str, Interval] | None = None

    def to_json(self) -> dict:
        out = {f: getattr(self, f) for f in GROUP_FIGURES}
        if self.ci is not None:
            out["ci"] = self.ci
        return out


@dataclass
class DayChannelFigures(_FlatFigures):
    """One channel's day: contacts offered, answered and abandoned, service level and abandonment as fractions,
    ASA in seconds."""

    offered: float | None
    answered: float | None
    abandoned: float | None
    service_level: float | None
    abandon_rate: float | None
    asa_seconds: float | None

    def to_json(self) -> dict:
        return {f: getattr(self, f) for f in DAY_FIGURES}


@dataclass
class DayFigures:
    """One day of the week (date YYYY-MM-DD): per channel figures and the paid agent-hours."""

    date: str
    channels: dict[str, DayChannelFigures]
    paid_hours: float | None

    def to_json(self) -> dict:
        return {"date": self.date, "channels": {n: c.to_json() for n, c in self.channels.items()},
                "paid_hours": self.paid_hours}

    @classmethod
    def from_json(cls, data: Mapping) -> DayFigures:
        return cls(data["date"], {n: DayChannelFigures.from_json(c) for n, c in data["channels"].items()},
                   data.get("paid_hours"))


@dataclass
class SimSummary:
    """The week's totals of a simulation: per channel, skill group and day, with the seed and replications;
    `replication` is set on the summary of one replication (SimResult.replication_summaries)."""

    seed: int
    replications: int
    channels: dict[str, ChannelFigures]
    skill_groups: dict[str, GroupFigures]
    days: list[DayFigures]
    replication: int | None = None

    def to_json(self) -> dict:
        """The summary as written to --json files and stored runs (keys in this order)."""
        out = {"seed": self.seed, "replications": self.replications,
               "channels": {n: c.to_json() for n, c in self.channels.items()},
               "skill_groups": {n: g.to_json() for n, g in self.skill_groups.items()},
               "days": [d.to_json() for d in self.days]}
        if self.replication is not None:
            out["replication"] = self.replication
        return out

    @classmethod
    def from_json(cls, data: Mapping) -> SimSummary:
        """A summary from its JSON, e.g. a stored run's results (other keys there are ignored)."""
        return cls(data.get("seed"), data.get("replications"),
                   {n: ChannelFigures.from_json(c) for n, c in (data.get("channels") or {}).items()},
                   {n: GroupFigures.from_json(g) for n, g in (data.get("skill_groups") or {}).items()},
                   [DayFigures.from_json(d) for d in data.get("days") or []], data.get("replication"))


@dataclass
class SimResult:
    """Result of `sim.simulate`; see the module docstring for definitions.

    intervals: one row per (ds, channel); groups: one row per (ds, skill_group); summary: the week's totals;
    replication_summaries: the same totals per replication (no CIs); records: raw per-replication arrays.
    """

    intervals: pd.DataFrame
    groups: pd.DataFrame
    summary: SimSummary
    replication_summaries: list[SimSummary]
    seed: int
    replications: int
    spec: ModelSpec = field(repr=False)
    ds: pd.DatetimeIndex = field(repr=False)
    records: list[dict] = field(repr=False, default_factory=list)

    @property
    def channels(self) -> list[str]:
        return [c.name for c in self.spec.channels]

    def to_json(self) -> dict:
        """The summary with the per-replication summaries under `replication_summaries` (what a stored run keeps:
        later comparisons take confidence intervals from them)."""
        return {**self.summary.to_json(), "replication_summaries": [r.to_json() for r in self.replication_summaries]}

    def figures(self, channel: str, first_interval: int = 0, last_interval: int | None = None,
                level: float = 0.95) -> dict[str, Estimate]:
        """Mean and CI (default 95%) of the week figures of `channel`, counting contacts arriving in intervals
        first_interval .. last_interval - 1 (e.g. to drop a warm-up). wait_p90 is only given for the whole week."""
        c = self.channels.index(channel)
        window = slice(first_interval, last_interval)
        sums = {f: np.array([rec["channels"][c][f][window].sum() for rec in self.records]) for f in CHANNEL_FIELDS}
        out = _channel_figures(sums, level)
        if first_interval == 0 and last_interval is None:
            out["wait_p90_seconds"] = mean_ci(np.array([rec["week_wait_p90"][c] for rec in self.records]), level)
        return out


def build_result(spec: ModelSpec, ds: pd.DatetimeIndex, records: list[dict], seed: int) -> SimResult:
    """Aggregate per-replication records into a SimResult."""
    r = len(records)
    names = [c.name for c in spec.channels]
    stacked = [{f: np.stack([rec["channels"][c][f] for rec in records]) for f in CHANNEL_FIELDS}
               for c in range(len(names))]
    intervals = pd.concat([_interval_table(ds, name, stacked[c], spec.channels[c].kind)
                           for c, name in enumerate(names)], ignore_index=True)
    group_stack = [{f: np.stack([rec["groups"][g][f] for rec in records]) for f in records[0]["groups"][g]}
                   for g in range(len(spec.groups))]
    groups = pd.concat([_group_table(ds, spec.groups[g].name, group_stack[g], spec.paid_seconds[:, g])
                        for g in range(len(spec.groups))], ignore_index=True)
    summary = _summary(spec, ds, stacked, group_stack, records, seed, with_ci=True)
    per_rep = [_summary(spec, ds, [{f: v[k:k + 1] for f, v in s.items()} for s in stacked],
                        [{f: v[k:k + 1] for f, v in s.items()} for s in group_stack], [records[k]],
                        seed, with_ci=False) for k in range(r)]
    for k, rep in enumerate(per_rep):
        rep.replication = k
    return SimResult(intervals, groups, summary, per_rep, seed, r, spec, ds, records)


# --- tables --------------------------------------------------------------------------------------------------

def _interval_table(ds: pd.DatetimeIndex, name: str, s: dict[str, np.ndarray], kind: str) -> pd.DataFrame:
    sl = ratio_ci(s["answered_within"], s["offered"])
    p90_values = np.where(s["left"] > 0, s["wait_p90_seconds"], np.nan)
    seen = (s["left"] > 0).any(axis=0)
    p90 = np.full(len(ds), np.nan)
    p90[seen] = np.nanmean(p90_values[:, seen], axis=0)
    return pd.DataFrame({
        "ds": ds, "channel": name,
        "offered": s["offered"].mean(0), "answered": s["answered"].mean(0), "abandoned": s["abandoned"].mean(0),
        "unfinished": s["unfinished"].mean(0), "answered_within": s["answered_within"].mean(0),
        "service_level": sl.mean, "service_level_lo": np.clip(sl.lo, 0, 1), "service_level_hi": np.clip(sl.hi, 0, 1),
        "abandon_rate": ratio_ci(s["abandoned"], s["offered"]).mean,
        "p_wait": ratio_ci(s["queued"], s["offered"]).mean,
        "asa_seconds": ratio_ci(s["wait_left_seconds"], s["left"]).mean,
        "wait_mean_seconds": ratio_ci(s["wait_answered_seconds"], s["answered"]).mean,
        "wait_p90_seconds": p90,
        "backlog": s["backlog"].mean(0), "contained": s["contained"].mean(0), "escalated": s["escalated"].mean(0),
    })


def _group_table(ds: pd.DatetimeIndex, name: str, g: dict[str, np.ndarray], paid_seconds: np.ndarray) -> pd.DataFrame:
    available = (g["available_seconds"] + g["overrun_seconds"]).mean(0) / 3600
    busy = g["busy_seconds"].mean(0) / 3600
    with np.errstate(invalid="ignore", divide="ignore"):
        occupancy = np.where(available > 0, busy / np.where(available > 0, available, 1), np.nan)
    return pd.DataFrame({
        "ds": ds, "skill_group": name, "paid_hours": paid_seconds / 3600, "available_hours": available,
        "busy_hours": busy, "idle_hours": np.clip(available - busy, 0, None),
        "overrun_hours": g["overrun_seconds"].mean(0) / 3600, "occupancy": occupancy,
    })


# --- summary -------------------------------------------------------------------------------------------------

def _channel_figures(sums: dict[str, np.ndarray], level: float = 0.95) -> dict[str, Estimate]:
    """Week figures from per-replication totals (arrays over replications)."""
    out = {f: mean_ci(sums[f], level)
           for f in ("offered", "answered", "abandoned", "unfinished", "contained", "escalated",
                     "escalated_after_hours")}
    out["service_level"] = ratio_ci(sums["answered_within"], sums["offered"], level)
    out["abandon_rate"] = ratio_ci(sums["abandoned"], sums["offered"], level)
    out["p_wait"] = ratio_ci(sums["queued"], sums["offered"], level)
    out["asa_seconds"] = ratio_ci(sums["wait_left_seconds"], sums["left"], level)
    out["wait_mean_seconds"] = ratio_ci(sums["wait_answered_seconds"], sums["answered"], level)
    return out


# Figures that are shares of something: their confidence intervals stop at 0 and 1 (a Student-t interval
# around 96.8% can reach 102%, which no week can).
SHARES = ("service_level", "abandon_rate", "p_wait", "occupancy")


def _ci(name: str, estimate: Estimate) -> list[float | None]:
    """[lo, hi] of an estimate for the summary, clipped to what the figure can be: [0, 1] for shares, >= 0 for
    counts, seconds and hours."""
    hi_cap = 1.0 if name in SHARES else np.inf
    return [_plain(np.clip(estimate.lo, 0.0, hi_cap)), _plain(np.clip(estimate.hi, 0.0, hi_cap))]


def _plain(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else round(x, 6)


def _summary(spec: ModelSpec, ds, stacked, group_stack, records, seed, with_ci: bool) -> SimSummary:
    r = len(records)
    channels = {}
    for c, ch in enumerate(spec.channels):
        s = stacked[c]
        figs = _channel_figures({f: v.sum(axis=1) for f, v in s.items()})
        figs["wait_p90_seconds"] = mean_ci(np.array([rec["week_wait_p90"][c] for rec in records]))
        keep = list(WEEK_FIGURES)
        if ch.kind == "ai":
            keep += ["contained", "escalated"]
        if ch.routes_after_hours():
            keep.append("escalated_after_hours")
        entry = ChannelFigures(**{f: _plain(figs[f].mean) for f in keep},
                               target_service_level=ch.target_service_level)
        if ch.kind == "deferred":
            entry.backlog_max = _plain(s["backlog"].max(axis=1).mean())
        if ch.target_service_level is not None:
            offered = s["offered"].sum(axis=0)
            judged = (offered > 0) & (ch.expected > 0)
            level = s["answered_within"].sum(axis=0)[judged] / offered[judged]
            meets = level >= ch.target_service_level - 1e-12
            entry.intervals_meeting_service_level = _plain(np.mean(meets)) if judged.any() else None
            if ch.max_abandon_rate is not None:
                # A channel's target includes its max abandonment, judged in each interval like the service level.
                abandon = s["abandoned"].sum(axis=0)[judged] / offered[judged]
                meets = meets & (abandon <= ch.max_abandon_rate + 1e-12)
            entry.intervals_meeting_target = _plain(np.mean(meets)) if judged.any() else None
        if with_ci:
            entry.service_level_ci = _ci("service_level", figs["service_level"])
            entry.ci = {f: _ci(f, figs[f]) for f in keep}
        channels[ch.name] = entry
    groups = {}
    for g, gs in enumerate(spec.groups):
        x = group_stack[g]
        available = (x["available_seconds"] + x["overrun_seconds"]).sum(axis=1) / 3600
        busy = x["busy_seconds"].sum(axis=1) / 3600
        figs = {"available_hours": mean_ci(available), "busy_hours": mean_ci(busy),
                "idle_hours": mean_ci(np.clip(available - busy, 0, None)),
                "overrun_hours": mean_ci(x["overrun_seconds"].sum(axis=1) / 3600),
                "occupancy": ratio_ci(busy, available)}
        groups[gs.name] = GroupFigures(paid_hours=_plain(spec.paid_seconds[:, g].sum() / 3600),
                                       **{f: _plain(e.mean) for f, e in figs.items()},
                                       ci={f: _ci(f, e) for f, e in figs.items()} if with_ci else None)
    days = []
    per_day = spec.intervals_per_day
    for d in range(spec.days):
        window = slice(d * per_day, (d + 1) * per_day)
        day_channels = {}
        for c, ch in enumerate(spec.channels):
            s = stacked[c]
            figs = _channel_figures({f: v[:, window].sum(axis=1) for f, v in s.items()})
            day_channels[ch.name] = DayChannelFigures(**{f: _plain(figs[f].mean) for f in DAY_FIGURES})
        days.append(DayFigures(ds[d * per_day].strftime("%Y-%m-%d"), day_channels,
                               _plain(spec.paid_seconds[window].sum() / 3600)))
    return SimSummary(seed, r, channels, groups, days)
