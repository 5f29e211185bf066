"""What a scheduled week reports (planning.schedule): the roster's KPIs, each solve round of the loop and the
per-channel figures against the targets, as dataclasses with one JSON form each (`to_json`: the JSON the CLI's
--json file and the workspace keep; `from_json` reads it back)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from optimizer import ActivityPlacement
from scenarios import Roster
from scenarios.flat import flatten
from sim import SimResult


@dataclass
class TargetFigures:
    """A human channel's simulated week against its targets: service level and abandonment as fractions of
    offered, the share of open intervals meeting every target (service level and max abandonment, each judged in
    the interval) and the service level alone, and the targets. None where it was not simulated."""

    service_level: float | None = None
    abandon_rate: float | None = None
    intervals_meeting_target: float | None = None
    intervals_meeting_service_level: float | None = None
    target: float | None = None
    max_abandon_rate: float | None = None

    def to_json(self) -> dict:
        return {"service_level": self.service_level, "abandon_rate": self.abandon_rate,
                "intervals_meeting_target": self.intervals_meeting_target,
                "intervals_meeting_service_level": self.intervals_meeting_service_level, "target": self.target,
                "max_abandon_rate": self.max_abandon_rate}

    def unsimulated_json(self) -> dict:
        """The JSON of a channel nobody simulated: its target only."""
        return {"service_level": None, "intervals_meeting_target": None, "target": self.target}

    @classmethod
    def from_json(cls, data: Mapping) -> TargetFigures:
        return cls(data.get("service_level"), data.get("abandon_rate"), data.get("intervals_meeting_target"),
                   data.get("intervals_meeting_service_level"), data.get("target"), data.get("max_abandon_rate"))


def _channels_json(channels: dict[str, TargetFigures]) -> dict:
    return {name: figures.to_json() for name, figures in channels.items()}


def _channels_from_json(data: Mapping | None) -> dict[str, TargetFigures]:
    return {name: TargetFigures.from_json(figures) for name, figures in (data or {}).items()}


def worst_share(channels: dict[str, TargetFigures]) -> float:
    """The lowest share of open intervals meeting every target over the channels (1.0 when none is judged)."""
    return min((c.intervals_meeting_target for c in channels.values() if c.intervals_meeting_target is not None),
               default=1.0)


@dataclass
class SampleFigures:
    """Per-channel figures of one simulation sample (seed, replications)."""

    seed: int
    replications: int
    channels: dict[str, TargetFigures]

    def to_json(self) -> dict:
        return {"seed": self.seed, "replications": self.replications, "channels": _channels_json(self.channels)}

    @classmethod
    def from_json(cls, data: Mapping) -> SampleFigures:
        return cls(data["seed"], data["replications"], _channels_from_json(data.get("channels")))


@dataclass
class PlausibleFigures:
    """A plan simulated on `weeks` plausible weeks of demand (planning.plausible), `replications` each, from
    `seed`. Per channel: `weekly` the share of open intervals meeting every target in each week, `claimed` their
    mean (the share expected on the real week), `at_risk` their (1 - risk) lower quantile: the share held on
    `risk` of plausible weeks. The plan meets the targets when every channel's `at_risk` reaches `target_share`."""

    seed: int
    weeks: int
    replications: int
    risk: float
    target_share: float
    claimed: dict[str, float]
    at_risk: dict[str, float]
    weekly: dict[str, list[float]]

    @property
    def meets_targets(self) -> bool:
        return all(v >= self.target_share for v in self.at_risk.values())

    @property
    def worst_at_risk(self) -> float:
        return min(self.at_risk.values(), default=1.0)

    def to_json(self) -> dict:
        return {"seed": self.seed, "weeks": self.weeks, "replications_per_week": self.replications,
                "risk": self.risk, "target_share": self.target_share, "meets_targets": self.meets_targets,
                "claimed": self.claimed, "at_risk": self.at_risk, "weekly": self.weekly}

    @classmethod
    def from_json(cls, data: Mapping) -> PlausibleFigures:
        return cls(data["seed"], data["weeks"], data["replications_per_week"], data["risk"], data["target_share"],
                   dict(data["claimed"]), dict(data["at_risk"]), {c: list(v) for c, v in data["weekly"].items()})


@dataclass
class RiskPoint:
    """Paid hours of the requirement hedged at `risk` (planning.plausible.hedged_demand): one shift selection, no
    simulation or re-sizing (what certainty costs before the loop's corrections)."""

    risk: float
    paid_hours: float

    def to_json(self) -> dict:
        return {"risk": self.risk, "paid_hours": self.paid_hours}

    @classmethod
    def from_json(cls, data: Mapping) -> RiskPoint:
        return cls(data["risk"], data["paid_hours"])


@dataclass
class CertifiedFigures:
    """A plan simulated with the certification sample (fresh customers): whether every channel meets its targets
    in `target_share` of its open intervals, and the per-channel figures. When certified on plausible weeks
    (`plausible`), the channels' `intervals_meeting_target` is the claimed share and `meets_targets` holds at the
    risk setting."""

    seed: int
    replications: int
    meets_targets: bool
    target_share: float
    channels: dict[str, TargetFigures]
    plausible: PlausibleFigures | None = None

    def to_json(self, short_intervals: list[dict] | int) -> dict:
        """The JSON with the intervals missing a target (the list, or in a round's entry their count)."""
        out = {"seed": self.seed, "replications": self.replications, "meets_targets": self.meets_targets,
               "target_share": self.target_share, "channels": _channels_json(self.channels),
               "short_intervals": short_intervals}
        if self.plausible is not None:
            out["plausible"] = self.plausible.to_json()
        return out

    @classmethod
    def from_json(cls, data: Mapping) -> CertifiedFigures:
        plausible = data.get("plausible")
        return cls(data["seed"], data["replications"], data["meets_targets"], data["target_share"],
                   _channels_from_json(data.get("channels")),
                   PlausibleFigures.from_json(plausible) if plausible else None)


@dataclass
class RoundSummary:
    """One solve of the schedule loop: the plan's paid hours, shifts, solve seconds and solver status; when the
    baseline is rostered at once, its unassigned shifts; when verified, the figures in the loop's own sample, the
    intervals missing a target there and the judging margin (z); when certified, the certification and its count
    of intervals missing a target; when re-sized afterwards, the intervals raised and lowered; `kept`: the round
    whose plan became the roster."""

    round: int
    paid_hours: float
    shifts: int
    solve_seconds: float
    status: str
    unassigned_shifts: int | None = None
    channels: dict[str, TargetFigures] | None = None
    intervals_missed: int | None = None
    margin: float | None = None
    certified: CertifiedFigures | None = None
    certified_short_intervals: int = 0
    raised: int | None = None
    lowered: int | None = None
    kept: bool = False

    @property
    def in_sample_worst_share(self) -> float:
        return worst_share(self.channels or {})

    def to_json(self) -> dict:
        out = {"round": self.round, "paid_hours": self.paid_hours, "shifts": self.shifts,
               "solve_seconds": self.solve_seconds, "status": self.status}
        if self.unassigned_shifts is not None:
            out["unassigned_shifts"] = self.unassigned_shifts
        if self.channels is not None:
            out.update(channels=_channels_json(self.channels), intervals_missed=self.intervals_missed,
                       margin=self.margin)
        if self.certified is not None:
            out["certified"] = self.certified.to_json(self.certified_short_intervals)
        if self.raised is not None:
            out.update(raised=self.raised, lowered=self.lowered)
        out["kept"] = self.kept
        return out

    @classmethod
    def from_json(cls, data: Mapping) -> RoundSummary:
        certified = data.get("certified")
        return cls(data["round"], data["paid_hours"], data["shifts"], data["solve_seconds"], data["status"],
                   unassigned_shifts=data.get("unassigned_shifts"),
                   channels=_channels_from_json(data["channels"]) if "channels" in data else None,
                   intervals_missed=data.get("intervals_missed"), margin=data.get("margin"),
                   certified=CertifiedFigures.from_json(certified) if certified else None,
                   certified_short_intervals=certified["short_intervals"] if certified else 0,
                   raised=data.get("raised"), lowered=data.get("lowered"), kept=bool(data.get("kept")))


@dataclass
class ScheduleKPIs:
    """A roster's figures: paid hours, cost (currency units), agents, shifts, solver seconds, intervals short of
    the requirement, unassigned planned shifts, idle hours (simulated, else the analytic estimate), per human
    channel the certified figures (`channels`; only the targets when not simulated). When simulated: busy hours,
    the certification (`certified`, with the intervals missing a target) and the roster in the loop's own sample
    (`in_sample`, when the loop ran). paid_hours_lower_bound: the LP bound of paid hours, None when no plan can
    cover the requirement; `bounded`: whether it was computed (the ccplan method)."""

    paid_hours: float
    cost: float
    agents_rostered: int
    shifts: int
    solve_seconds: float
    short_intervals: int
    idle_hours: float | None
    channels: dict[str, TargetFigures]
    simulated: bool
    busy_hours: float | None = None
    certified: CertifiedFigures | None = None
    certified_short_intervals: list[dict] = field(default_factory=list)
    in_sample: SampleFigures | None = None
    unassigned_shifts: int = 0
    paid_hours_lower_bound: float | None = None
    bounded: bool = False

    @property
    def meets_targets(self) -> bool | None:
        return self.certified.meets_targets if self.certified is not None else None

    @property
    def claimed_shares(self) -> dict[str, float | None]:
        """Per human channel the share of open intervals meeting every target that the roster claims for the real
        week: the mean over plausible weeks when certified on them, else the certified share on the forecast taken
        as exact (None when not simulated)."""
        if self.certified is not None and self.certified.plausible is not None:
            return dict(self.certified.plausible.claimed)
        return {name: figures.intervals_meeting_target for name, figures in self.channels.items()}

    def to_json(self, rounds: list[RoundSummary] | None = None) -> dict:
        """The KPIs' JSON; `rounds` (the schedule's JSON has them) go before the lower bound."""
        out = {"paid_hours": self.paid_hours, "cost": self.cost, "agents_rostered": self.agents_rostered,
               "shifts": self.shifts, "solve_seconds": self.solve_seconds, "short_intervals": self.short_intervals}
        if self.simulated:
            out.update(busy_hours=self.busy_hours, idle_hours=self.idle_hours,
                       channels=_channels_json(self.channels))
            if self.certified is not None:
                out.update(certified=self.certified.to_json(self.certified_short_intervals),
                           meets_targets=self.meets_targets)
            if self.in_sample is not None:
                out["in_sample"] = self.in_sample.to_json()
        else:
            out.update(idle_hours=self.idle_hours,
                       channels={name: f.unsimulated_json() for name, f in self.channels.items()})
        out.update(simulated=self.simulated, unassigned_shifts=self.unassigned_shifts)
        if rounds is not None:
            out["rounds"] = [r.to_json() for r in rounds]
        if self.bounded:
            out["paid_hours_lower_bound"] = self.paid_hours_lower_bound
        return out

    @classmethod
    def from_json(cls, data: Mapping) -> ScheduleKPIs:
        certified, in_sample = data.get("certified"), data.get("in_sample")
        return cls(data["paid_hours"], data["cost"], data["agents_rostered"], data["shifts"], data["solve_seconds"],
                   data["short_intervals"], data.get("idle_hours"), _channels_from_json(data.get("channels")),
                   bool(data.get("simulated")), busy_hours=data.get("busy_hours"),
                   certified=CertifiedFigures.from_json(certified) if certified else None,
                   certified_short_intervals=list(certified["short_intervals"]) if certified else [],
                   in_sample=SampleFigures.from_json(in_sample) if in_sample else None,
                   unassigned_shifts=data.get("unassigned_shifts", 0),
                   paid_hours_lower_bound=data.get("paid_hours_lower_bound"),
                   bounded="paid_hours_lower_bound" in data)


@dataclass
class ScheduleResult:
    """A scheduled week.

    roster: the named agents' shifts. requirement: the final requirement (ds, channel, agents in available agents,
    raised by verification). coverage: ds, channel, required, scheduled (available agents of the groups holding
    the channel: an upper bound of what the channel can get), short (available agents the pooled plan lacks
    for it). groups: ds, skill_group, on_duty, available. shortfalls: intervals short of the requirement
    (ds, channels, short_agents). kpis: the roster's figures; `kpis.channels` are the certified figures (fresh
    customers), `kpis.in_sample` the loop's own. rounds: one summary per solve. sim: the certification
    simulation (sim.SimResult; on plausible weeks, all their replications pooled) or None. risk: the risk setting
    planned at (None: the forecast taken as exact); risk_curve: paid hours against risk, when asked for.
    """

    method: str
    roster: Roster
    requirement: pd.DataFrame
    coverage: pd.DataFrame
    groups: pd.DataFrame
    shortfalls: list[dict]
    kpis: ScheduleKPIs
    rounds: list[RoundSummary]
    sim: SimResult | None = None
    warnings: list[str] = field(default_factory=list)
    risk: float | None = None
    risk_curve: list[RiskPoint] = field(default_factory=list)
    activities: ActivityPlacement | None = None    # the planned activities placed in the roster's shifts

    def to_json(self) -> dict:
        out = {**self.kpis.to_json(self.rounds), "method": self.method, "shortfalls": self.shortfalls,
               "warnings": self.warnings}
        if self.activities is not None:
            out["activities"] = self.activities.to_json()
        if self.risk is not None:
            out["risk"] = self.risk
        if self.risk_curve:
            out["risk_curve"] = [p.to_json() for p in self.risk_curve]
        return out

    def kpi_rows(self) -> dict[str, Any]:
        """The KPIs with the rounds as rows: "channels.phone.service_level" -> value (lists as they are), plain
        Python numbers (a workbook shows 179, not np.int64(179))."""
        from .store import jsonable

        return flatten(jsonable(self.kpis.to_json(self.rounds)))
