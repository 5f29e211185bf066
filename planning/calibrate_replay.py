"""Calibrate, then replay: the center as a replay simulates it (from a fresh calibration, a fragment written by
`ccplan calibrate`, or a scenario), and the replay of call records with it.

`ccplan replay` builds a ReplayModel from a fragment or a scenario and calls `replay_with`; the app's Replay page
calibrates on the first days and replays the others with `calibrate_and_replay`, which goes through the same two
steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from scenarios import Scenario

from .calibrate import Calibration, PeriodModel, calibrate, server_mix
from .replay import ReplayResult, replay


@dataclass
class ReplayModel:
    """The center as replay simulates it.

    period: channels, skill groups and the group of each server; availability: hour of day (0-23) -> share of
    on-duty time available for calls (0..1); channel_map: call types merged into channels (applied to the replayed
    records); priority: the calibration's {"column", "high"} when high-priority customers have channels of their
    own; members_from_records: the servers' groups come from the replayed records (a scenario names no servers).
    """

    period: PeriodModel
    availability: dict[int, float]
    channel_map: dict[str, str] = field(default_factory=dict)
    priority: dict | None = None
    members_from_records: bool = False

    @classmethod
    def from_calibration(cls, cal: Calibration) -> "ReplayModel":
        """A calibration just fitted (its availability at full precision, not rounded as in the fragment)."""
        return cls(PeriodModel.from_fragment(cal.fragment()), cal.availability, dict(cal.channel_map), cal.priority)

    @classmethod
    def from_fragment(cls, fragment: dict) -> "ReplayModel":
        """A fragment written by `ccplan calibrate` (planning.calibrate.read_fragment)."""
        block = fragment["calibration"]
        return cls(PeriodModel.from_fragment(fragment),
                   {int(h): float(a) for h, a in block["availability_by_hour"].items()},
                   dict(block.get("channel_map", {})), block.get("priority"))

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> "ReplayModel":
        """A scenario's voice and chat channels and skill groups; availability 1 - shrinkage at every hour."""
        channels = {n: c.model_dump(exclude_none=True, mode="json") for n, c in scenario.channels.items()
                    if c.kind in ("voice", "chat")}
        groups = {g: [s for s in grp.routing_order() if s in channels] for g, grp in scenario.skill_groups.items()}
        groups = {g: s for g, s in groups.items() if s}
        return cls(PeriodModel(scenario.interval_minutes, channels, groups, {}),
                   {h: 1.0 - scenario.shrinkage for h in range(24)}, members_from_records=True)

    def fully_available(self) -> "ReplayModel":
        """The same center with agents available 100% of their on-duty time (the uncalibrated model)."""
        return replace(self, availability={h: 1.0 for h in range(24)})


def replay_with(records: pd.DataFrame, model: ReplayModel, *, replications: int = 20, seed: int = 1,
                workers: int | None = None, executor=None) -> ReplayResult:
    """Replay the records' period with `model` (planning.replay.replay), after merging their call types into the
    model's channels."""
    records = records.assign(channel=records["channel"].replace(model.channel_map))
    period = model.period
    if model.members_from_records:
        period = replace(period, member=members_for_groups(records, period.groups))
    return replay(records, period, model.availability, replications, seed, workers=workers, executor=executor)


def members_for_groups(records: pd.DataFrame, groups: dict[str, list[str]]) -> dict[str, str]:
    """Each server in the group whose skills hold most of its answered calls (ties: the first group)."""
    mix = server_mix(records)
    return {str(server): max(groups, key=lambda g: float(shares.reindex(groups[g]).fillna(0).sum()))
            for server, shares in mix.iterrows()}


@dataclass
class CalibratedReplay:
    """A calibration fitted on the first days and the replay of the others: `fitted` with the calibrated
    availability, `full` with agents available 100% of their on-duty time (what calibrating gains)."""

    calibration: Calibration
    fitted: ReplayResult
    full: ReplayResult


def calibrate_and_replay(records: pd.DataFrame, first_replayed: dt.date, *, replications: int = 20, seed: int = 1,
                         workers: int | None = None, calibration_replications: int = 8,
                         calibration_seed: int = 7) -> CalibratedReplay:
    """Calibrate on the records' days before `first_replayed` (planning.calibrate.calibrate with
    `calibration_replications`, `calibration_seed`), then replay the days from it on."""
    days = records["arrival"].dt.date
    cal = calibrate(records[days < first_replayed], replications=calibration_replications, seed=calibration_seed,
                    workers=workers)
    model = ReplayModel.from_calibration(cal)
    replayed = records[days >= first_replayed]
    options = dict(replications=replications, seed=seed, workers=workers)
    return CalibratedReplay(cal, replay_with(replayed, model, **options),
                            replay_with(replayed, model.fully_available(), **options))


def replay_json(result: ReplayResult) -> dict:
    """A replay as JSON: its summary (MAE, bias, totals) and one row per day (dates as YYYY-MM-DD)."""
    payload = dict(result.summary)
    payload["days"] = [{k: (str(v) if k == "date" else v) for k, v in r.items()}
                       for r in result.days.to_dict("records")]
    return payload
