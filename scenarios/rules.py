"""The rule catalogue's configuration: the scenario's `rules:` list, each entry one rule of the catalogue
(optimizer.rule_catalogue states and checks them), hard or soft with a weight, for every agent or only some
skill groups or agents.

```yaml
rules:
  - {rule: max_weekends_worked, limit: 2, per_weeks: 4}          # at most 2 weekends worked in any 4 in a row
  - {rule: max_weekends_in_a_row, limit: 2}
  - {rule: days_off_in_pairs, hard: false, weight: 500}          # no single day off between two working days
  - {rule: max_evening_shifts, limit: 2, ends_after: "20:00"}    # per week
  - {rule: start_band, hours: 2, skill_groups: [phone_only]}     # starts within 2 h of each other in a week
  - {rule: shifts_per_period, min: 3, max: 4, per_days: 7}
  - {rule: fixed_days_off, days: [wed], agents: [generalist-001]}
```

A weekend is a Saturday and the Sunday after it; it is worked when either day is. "Per week" counts 7-day
blocks from the horizon's start (optimizer.horizon). Soft rules cost `weight` per unit the rule is broken by
(a weekend, a day, a shift, an hour), in the roster's penalty units (a planned shift nobody works costs 2,000 per
paid minute, an agent working both weekend days 2,500).
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .clock import clock_minutes, is_clock

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WEIGHT = 2000.0


class _Rule(BaseModel):
    """What every rule has: hard (must hold) or soft (costs `weight` per unit broken), and whom it applies to
    (None: everyone)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hard: bool = True
    weight: float = Field(default=DEFAULT_WEIGHT, gt=0, le=1e6)
    skill_groups: list[str] | None = None
    agents: list[str] | None = None

    def applies_to(self, agent_id: str, skill_group: str) -> bool:
        return ((self.skill_groups is None or skill_group in self.skill_groups)
                and (self.agents is None or agent_id in self.agents))

    @property
    def label(self) -> str:
        """The rule's name as messages and reports call it."""
        return self.rule    # type: ignore[attr-defined]


class MaxWeekendsWorked(_Rule):
    """At most `limit` weekends worked in any `per_weeks` weekends in a row (before the horizon included)."""

    rule: Literal["max_weekends_worked"]
    limit: int = Field(ge=0, le=6)
    per_weeks: int = Field(default=4, ge=1, le=8)

    @model_validator(mode="after")
    def _fits(self):
        if self.limit >= self.per_weeks:
            raise ValueError(f"limit {self.limit} of {self.per_weeks} weekends limits nothing")
        return self


class MaxWeekendsInARow(_Rule):
    """At most `limit` weekends worked one after the other."""

    rule: Literal["max_weekends_in_a_row"]
    limit: int = Field(ge=0, le=6)


class DaysOffInPairs(_Rule):
    """No single day off between two working days: days off come at least two together."""

    rule: Literal["days_off_in_pairs"]


class MaxEveningShifts(_Rule):
    """At most `limit` evening shifts (ending after `ends_after`) per week."""

    rule: Literal["max_evening_shifts"]
    limit: int = Field(ge=0, le=7)
    ends_after: str = "20:00"

    @model_validator(mode="after")
    def _clock(self):
        if not is_clock(self.ends_after):
            raise ValueError(f"ends_after '{self.ends_after}' is not a clock time HH:MM")
        return self

    @property
    def after_min(self) -> int:
        return clock_minutes(self.ends_after)


class StartBand(_Rule):
    """Stable hours: an agent's shift starts within `hours` of each other in each week."""

    rule: Literal["start_band"]
    hours: float = Field(ge=0, le=24)


class ShiftsPerPeriod(_Rule):
    """Between `min` and `max` shifts in each block of `per_days` days from the horizon's start."""

    rule: Literal["shifts_per_period"]
    min: int = Field(default=0, ge=0, le=42)
    max: int | None = Field(default=None, ge=0, le=42)
    per_days: int = Field(default=7, ge=1, le=42)

    @model_validator(mode="after")
    def _order(self):
        if self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        if self.min > self.per_days:
            raise ValueError(f"min {self.min} shifts do not fit in {self.per_days} days")
        return self


class FixedDaysOff(_Rule):
    """A fixed pattern: always off on these weekdays (e.g. "always off Wednesday")."""

    rule: Literal["fixed_days_off"]
    days: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _weekdays(self):
        bad = [d for d in self.days if d.strip().lower()[:3] not in WEEKDAY_NAMES or not d.isalpha()]
        if bad:
            raise ValueError(f"days {bad} are not weekdays (mon..sun)")
        return self

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(WEEKDAY_NAMES.index(d.strip().lower()[:3]) for d in self.days)


RuleSpec = Annotated[Union[MaxWeekendsWorked, MaxWeekendsInARow, DaysOffInPairs, MaxEveningShifts, StartBand,
                           ShiftsPerPeriod, FixedDaysOff], Field(discriminator="rule")]
RULE_NAMES = ("max_weekends_worked", "max_weekends_in_a_row", "days_off_in_pairs", "max_evening_shifts", "start_band",
              "shifts_per_period", "fixed_days_off")
