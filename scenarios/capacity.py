"""The capacity plan's inputs: the months ahead a planner sizes (hiring classes, attrition, training, moves between
skill groups), as data every package shares, and their readers.

A capacity file (YAML) names the representative week (a scenario file: its channels, targets, skill groups and
shift rules size one week's staff), a weekly history of contacts, and per skill group the supply side. Units are in
the names: `_weeks`, `_monthly` (a share per month), `_share`, `wage_per_week` (money per FTE and week). An FTE is
`hours_per_fte` paid hours a week. Unknown keys are errors; every problem names its field path or `file:row N`.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import bounds as B
from .errors import InputError, Problem, did_you_mean
from .tables import CsvText, parse_datetimes, read_table

WEEKS_PER_YEAR = 52.1775          # 365.2425 / 7
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
TITLE = "invalid capacity input"
WEEK_CONTACTS = B.Limit(1_000_000_000, "contacts per week")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Hiring(_Strict):
    """How a skill group hires: a class starts on a week, trains `lead_time_weeks` (paid, not on the phones), then
    works with its handle time multiplied by `ramp_handle_time[k]` in its k-th week after training (1 after)."""

    lead_time_weeks: int = Field(6, ge=0, le=52)
    min_class: int = Field(1, ge=1, le=1000)
    max_class: int = Field(20, ge=1, le=1000)
    cost_per_class: float = Field(0.0, ge=0, le=1e9)
    cost_per_hire: float = Field(0.0, ge=0, le=1e9)
    ramp_handle_time: list[float] = Field(default_factory=list, max_length=52)
    class_every_weeks: int = Field(1, ge=1, le=52)

    @field_validator("ramp_handle_time")
    @classmethod
    def _ramp(cls, value: list[float]) -> list[float]:
        for v in value:
            if not (math.isfinite(v) and 1.0 <= v <= 10.0):
                raise ValueError(f"each multiplier must be between 1 and 10 (got {v})")
        return value

    @model_validator(mode="after")
    def _sizes(self):
        if self.min_class > self.max_class:
            raise ValueError(f"min_class ({self.min_class}) is above max_class ({self.max_class})")
        return self

    def productivity(self, weeks_working: int) -> float:
        """Share of an experienced agent's work a new hire does in its `weeks_working`-th week after training."""
        ramp = self.ramp_handle_time
        return 1.0 / ramp[weeks_working] if weeks_working < len(ramp) else 1.0


class GroupSupply(_Strict):
    """One skill group's supply side. `headcount`: agents today (default: the agents file, else the scenario).
    `attrition_monthly`: share leaving per month (default: fitted from the leavers file). `wage_per_week`: cost of
    one FTE-week (default: the scenario's hourly_cost x hours_per_fte). Overtime adds up to `overtime_max_share` of
    the group's working FTE at `overtime_cost_factor` x wage; part-timers may add up to `part_time_flex_share` at
    the plain wage."""

    headcount: float | None = Field(None, ge=0, le=B.HEADCOUNT.hi)
    attrition_monthly: float | None = Field(None, ge=0, lt=1)
    wage_per_week: float | None = Field(None, ge=0, le=1e7)
    overtime_max_share: float = Field(0.0, ge=0, le=1)
    overtime_cost_factor: float = Field(1.5, ge=1, le=10)
    part_time_flex_share: float = Field(0.0, ge=0, le=1)
    hiring: Hiring | None = None


class Move(_Strict):
    """Cross-training: agents of `from` trained for `to` (`lead_time_weeks`, at `cost_per_agent`), at most
    `max_per_week` starting a week."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    lead_time_weeks: int = Field(2, ge=0, le=52)
    cost_per_agent: float = Field(0.0, ge=0, le=1e9)
    max_per_week: int = Field(5, ge=0, le=1000)


class PlannedShrinkage(_Strict):
    """Share of paid time planned off the queues, on top of the scenario's shrinkage (vacations, holidays,
    training): `default`, by month (`jul: 0.12`), by week (its Monday: `2026-12-21: 0.3`, wins over the month)."""

    default: float = Field(0.0, ge=0, lt=1)
    months: dict[str, float] = Field(default_factory=dict)
    weeks: dict[dt.date, float] = Field(default_factory=dict)

    @field_validator("months")
    @classmethod
    def _months(cls, value: dict[str, float]) -> dict[str, float]:
        for key, share in value.items():
            if key not in MONTHS:
                raise ValueError(f"unknown month '{key}' (use {', '.join(MONTHS)}){did_you_mean(key, MONTHS)}")
            _check_share(share, key)
        return value

    @field_validator("weeks")
    @classmethod
    def _weeks(cls, value: dict[dt.date, float]) -> dict[dt.date, float]:
        for key, share in value.items():
            if key.weekday() != 0:
                raise ValueError(f"{key} is not a Monday (weeks are named by their Monday)")
            _check_share(share, str(key))
        return value

    def of(self, monday: dt.date) -> float:
        """The planned shrinkage of the week starting `monday`."""
        if monday in self.weeks:
            return self.weeks[monday]
        return self.months.get(MONTHS[(monday + dt.timedelta(days=3)).month - 1], self.default)


def _check_share(share: float, key: str) -> None:
    if not (isinstance(share, (int, float)) and math.isfinite(share) and 0 <= share < 1):
        raise ValueError(f"{key}: a share must be at least 0 and below 1 (got {share})")


class MonteCarlo(_Strict):
    """Risk of the plan: `samples` futures of attrition (each agent leaves at random) and demand (paths drawn from
    the weekly forecast), with `seed`."""

    samples: int = Field(500, ge=1, le=100_000)
    seed: int = Field(1, ge=0)


class CurveSettings(_Strict):
    """The staffing curve: the representative week scheduled by ccplan at each volume `scale` (simulation-verified,
    `rounds`, `replications`, solver `effort`)."""

    scales: list[float] = Field(default_factory=lambda: [0.7, 1.0, 1.4], min_length=2, max_length=12)
    rounds: int = Field(2, ge=1, le=20)
    replications: int = Field(10, ge=2, le=1000)
    effort: float = Field(2.0, ge=0, le=1000)

    @field_validator("scales")
    @classmethod
    def _scales(cls, value: list[float]) -> list[float]:
        if sorted(set(value)) != list(value) or any(not (0 < v <= 100) for v in value):
            raise ValueError("scales must be increasing numbers above 0 and at most 100")
        return value


class CapacityInput(_Strict):
    """The capacity plan's inputs (see the module docstring and README "Capacity plan")."""

    name: str = "capacity plan"
    scenario: str
    history: str
    start: dt.date
    weeks: int = Field(52, ge=1, le=104)
    hours_per_fte: float = Field(37.5, gt=0, le=80)
    holidays: list[dt.date] = Field(default_factory=list)
    holiday_country: str | None = None
    planned_shrinkage: PlannedShrinkage = Field(default_factory=PlannedShrinkage)
    agents: str | None = None
    leavers: str | None = None
    leavers_months: int = Field(12, ge=1, le=120)
    hiring: Hiring = Field(default_factory=Hiring)
    groups: dict[str, GroupSupply] = Field(default_factory=dict)
    cross_training: list[Move] = Field(default_factory=list)
    shortage_penalty_per_fte_week: float = Field(..., ge=0, le=1e9)
    plan_quantile: float = Field(0.9, ge=0.5, lt=1)
    monte_carlo: MonteCarlo = Field(default_factory=MonteCarlo)
    staffing_curve: CurveSettings = Field(default_factory=CurveSettings)
    base_dir: Path | None = Field(None, exclude=True)

    @field_validator("start")
    @classmethod
    def _monday(cls, value: dt.date) -> dt.date:
        if value.weekday() != 0:
            raise ValueError(f"{value} is not a Monday (the plan runs in weeks from Monday)")
        return value

    def path(self, relative: str) -> Path:
        """A file named in the input, resolved against the input file's folder."""
        p = Path(relative)
        return p if p.is_absolute() or self.base_dir is None else self.base_dir / p

    def hiring_of(self, group: str) -> Hiring:
        supply = self.groups.get(group)
        return supply.hiring if supply is not None and supply.hiring is not None else self.hiring

    def mondays(self) -> list[dt.date]:
        return [self.start + dt.timedelta(weeks=k) for k in range(self.weeks)]


def weekly_rate(monthly: float) -> float:
    """A monthly leaving share as the weekly share that compounds to it."""
    return 1.0 - (1.0 - monthly) ** (12.0 / WEEKS_PER_YEAR)


def monthly_rate(weekly: float) -> float:
    """The inverse of `weekly_rate`."""
    return 1.0 - (1.0 - weekly) ** (WEEKS_PER_YEAR / 12.0)


def capacity_from_dict(data: Any, base_dir: Path | None = None, name: str = "capacity input") -> CapacityInput:
    """Validate plain data (as read from YAML) into a CapacityInput, or InputError naming every field."""
    if not isinstance(data, dict):
        raise InputError([Problem(name, "expected a mapping of capacity fields at the top level")], TITLE)
    try:
        plan = CapacityInput.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"] if not (isinstance(p, str) and "[" in p)) or "(top level)"
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field"
            problems.append(Problem(loc, message))
        raise InputError(problems, TITLE) from None
    plan.base_dir = base_dir
    problems = []
    for i, move in enumerate(plan.cross_training):
        if move.source == move.target:
            problems.append(Problem(f"cross_training.{i}", f"moves '{move.source}' to itself"))
    if problems:
        raise InputError(problems, TITLE)
    return plan


def check_groups(plan: CapacityInput, groups: list[str]) -> None:
    """Every group the plan names must be one of the scenario's `groups`; InputError naming the field."""
    problems = [Problem(f"groups.{g}", f"not a skill group of the scenario{did_you_mean(g, groups)}")
                for g in plan.groups if g not in groups]
    for i, move in enumerate(plan.cross_training):
        for field_name, g in (("from", move.source), ("to", move.target)):
            if g not in groups:
                problems.append(Problem(f"cross_training.{i}.{field_name}",
                                        f"unknown skill group '{g}'{did_you_mean(g, groups)}"))
    if problems:
        raise InputError(problems, TITLE)


def load_capacity(path: str | Path) -> CapacityInput:
    """Read a capacity YAML file; relative paths inside it resolve against its folder."""
    from .io import parse_yaml
    from .tables import read_text

    path = Path(path)
    data = parse_yaml(read_text(path, TITLE), str(path))
    return capacity_from_dict(data, base_dir=path.resolve().parent, name=str(path))


# --- tables ---------------------------------------------------------------------------------------------------

def read_weekly_history(source: str | Path | pd.DataFrame | CsvText) -> pd.DataFrame:
    """A weekly history: `week` (its Monday), `channel`, `contacts`, optional `aht_seconds`; sorted, one row per
    week and channel. InputError names the file and row."""
    name = "weekly history" if isinstance(source, pd.DataFrame) else str(source)
    df = read_table(source, ("week", "channel", "contacts"), title="invalid weekly history", name=name,
                    hint="one row per week (its Monday) and channel")
    problems: list[Problem] = []
    where = lambda i: f"{name}:row {i + 2}"  # noqa: E731
    weeks = parse_datetimes(df["week"])
    for i, (raw, stamp) in enumerate(zip(df["week"], weeks)):
        if pd.isna(stamp):
            problems.append(Problem(where(i), f"week '{raw}' is not a date"))
        elif stamp.weekday() != 0:
            problems.append(Problem(where(i), f"week {stamp.date()} is not a Monday"))
        if len(problems) >= 5:
            break
    contacts, bad = B.check_column(df["contacts"], "contacts", WEEK_CONTACTS, where)
    problems += bad
    aht = None
    if "aht_seconds" in df.columns:
        aht, bad = B.check_column(df["aht_seconds"], "aht_seconds", B.HANDLE_SECONDS, where, lo_open=True,
                                  required=False)
        problems += bad
    channel = df["channel"].astype(str).str.strip()
    for i in channel.index[channel.isin(["", "nan"])][:5]:
        problems.append(Problem(where(int(i)), "channel is empty"))
    if problems:
        raise InputError(problems, "invalid weekly history")
    out = pd.DataFrame({"week": weeks.dt.normalize(), "channel": channel, "contacts": contacts})
    if aht is not None:
        out["aht_seconds"] = aht
    dup = out.duplicated(["week", "channel"], keep="first")
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise InputError([Problem(where(i), f"week {out['week'].iloc[i].date()} and channel "
                                            f"'{out['channel'].iloc[i]}' appear twice")], "invalid weekly history")
    return out.sort_values(["channel", "week"]).reset_index(drop=True)


def headcount_from_agents(source: str | Path | pd.DataFrame | CsvText) -> dict[str, int]:
    """Agents per skill group in an agents file (its `agent` and `skill_group` columns)."""
    name = "agents" if isinstance(source, pd.DataFrame) else str(source)
    df = read_table(source, ("skill_group",), title="invalid agents file", text=True, name=name)
    groups = df["skill_group"].astype(str).str.strip()
    empty = groups.index[groups == ""]
    if len(empty):
        raise InputError([Problem(f"{name}:row {int(i) + 2}", "skill_group is empty") for i in empty[:5]],
                         "invalid agents file")
    return {str(g): int(n) for g, n in groups.value_counts().sort_index().items()}


def read_leavers(source: str | Path | pd.DataFrame | CsvText) -> pd.DataFrame:
    """A leavers file: one row per agent who left, `skill_group` and `left` (a date)."""
    name = "leavers" if isinstance(source, pd.DataFrame) else str(source)
    df = read_table(source, ("skill_group", "left"), title="invalid leavers file", text=True, name=name)
    left = parse_datetimes(df["left"])
    problems = [Problem(f"{name}:row {i + 2}", f"left '{raw}' is not a date")
                for i, (raw, stamp) in enumerate(zip(df["left"], left)) if pd.isna(stamp)][:5]
    groups = df["skill_group"].astype(str).str.strip()
    problems += [Problem(f"{name}:row {int(i) + 2}", "skill_group is empty") for i in groups.index[groups == ""]][:5]
    if problems:
        raise InputError(problems, "invalid leavers file")
    return pd.DataFrame({"skill_group": groups, "left": left.dt.normalize()})


def fitted_attrition(leavers: pd.DataFrame, headcount: dict[str, float], end: dt.date, months: int) -> dict[str, float]:
    """Monthly leaving share per group: leavers in the `months` before `end` / (headcount x months). The
    headcount today stands in for the period's average (the file lists leavers, not the staff they left)."""
    since = pd.Timestamp(end) - pd.DateOffset(months=months)
    recent = leavers[(leavers["left"] >= since) & (leavers["left"] < pd.Timestamp(end))]
    counts = recent["skill_group"].value_counts()
    return {g: min(float(counts.get(g, 0)) / (n * months), 0.99) if n > 0 else 0.0 for g, n in headcount.items()}
