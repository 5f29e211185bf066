"""Planned activities inside shifts: meetings, coaching, training, as the scenario's `activities:` list says
(optimizer.place_activities places them in the roster's shifts; the simulation takes an agent in one off the
queues, as in a break).

```yaml
activities:
  - {name: coaching, minutes: 30, skill_groups: [phone_only], per_week: 1, window: "09:00-17:00"}
  - {name: team meeting, minutes: 60, skill_groups: [generalist], per_week: 1, seats: 25, days: [tue, wed, thu]}
  - {name: product training, minutes: 120, agents: [generalist-001, generalist-002], per_week: 1}
```

- `name`: how the roster, the calendars and the summary call it (no ";" and no "-" before a clock time).
- `minutes`: its length; it is placed whole inside one shift, between the shift's lunch and breaks.
- `skill_groups` and/or `agents`: who takes part (an agent takes part when in one of the groups or named; at
  least one of the two must be given).
- `per_week`: how many each of them has per week (7-day blocks from the horizon's start), at most one a day.
- `seats`: a group session: the agents attend together, at most `seats` at once (None: each on their own).
- `days`: the weekdays it may be held on (default every day); `window`: the clock times it must lie within
  (default the whole day).

Planned activities are paid work time off the queues. They are not part of `shrinkage`, the share of the rest
of the work time lost to what is not planned (absence, short coaching on the floor).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .clock import format_clock, parse_span

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ActivitySpec(BaseModel):
    """One entry of the scenario's `activities:` list (module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=60)
    minutes: int = Field(gt=0, le=720)
    skill_groups: list[str] | None = None
    agents: list[str] | None = None
    per_week: int = Field(default=1, ge=1, le=7)
    seats: int | None = Field(default=None, ge=1, le=10_000)
    days: list[str] | None = Field(default=None, min_length=1)
    window: str = "00:00-24:00"

    @field_validator("name")
    @classmethod
    def _plain(cls, value: str) -> str:
        value = value.strip()
        if not value or ";" in value or "," in value:
            raise ValueError(f"name '{value}' must be non-empty text without ';' or ','")
        return value

    @field_validator("days")
    @classmethod
    def _weekdays(cls, value: list[str] | None) -> list[str] | None:
        bad = [d for d in value or [] if d.strip().lower()[:3] not in WEEKDAY_NAMES or not d.strip().isalpha()]
        if bad:
            raise ValueError(f"{bad} are not weekdays (mon..sun)")
        return value

    @model_validator(mode="after")
    def _consistent(self):
        if not self.skill_groups and not self.agents:
            raise ValueError(f"activity '{self.name}': give skill_groups and/or agents (who takes part)")
        span = parse_span(self.window)
        if span is None:
            raise ValueError(f"activity '{self.name}': window '{self.window}' is closed")
        if span[1] - span[0] < self.minutes:
            raise ValueError(f"activity '{self.name}': {self.minutes} minutes do not fit in the window "
                             f"{self.window}")
        return self

    @property
    def weekdays(self) -> frozenset[int]:
        """Weekdays (0 = Monday) it may be held on."""
        if self.days is None:
            return frozenset(range(7))
        return frozenset(WEEKDAY_NAMES.index(d.strip().lower()[:3]) for d in self.days)

    @property
    def window_min(self) -> tuple[int, int]:
        """The window as minutes after midnight (start, end)."""
        return parse_span(self.window)

    @property
    def label(self) -> str:
        """The activity's name as messages call it."""
        return self.name

    def takes_part(self, agent_id: str, skill_group: str) -> bool:
        return (self.skill_groups is not None and skill_group in self.skill_groups) or \
            (self.agents is not None and agent_id in self.agents)


@dataclass(frozen=True)
class Activity:
    """A placed activity inside a shift: its name and times in seconds from the start of the horizon."""

    name: str
    start_s: float
    end_s: float

    def cell(self) -> str:
        """How the roster CSV writes it: "coaching 10:00-10:30"."""
        return f"{self.name} {format_clock(self.start_s)}-{format_clock(self.end_s)}"


def format_activities(activities: list[Activity]) -> str:
    """The roster CSV's `activities` cell: "coaching 10:00-10:30;team meeting 14:00-15:00"."""
    return ";".join(a.cell() for a in activities)
