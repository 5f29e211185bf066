"""The scenario: the week a planner wants to staff, as data every package shares.

Units are in the field names (`_seconds`, `_minutes`, `_hours`). Times of day are local clock times of the
contact center ("HH:MM"); the week starts at 00:00 local time on `start`. Unknown keys are rejected
everywhere, so a typo never passes silently.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import bounds as B
from .bounds import bounded
from .clock import DAY_MINUTES, clock_minutes, hours_minutes, is_clock, parse_span
from .activities import ActivitySpec
from .rules import RuleSpec

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Strict(BaseModel):
    """Base for every schema object: unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# --- opening hours -------------------------------------------------------------------------------------------

class OpeningHours(Strict):
    """Opening hours per weekday: a "HH:MM-HH:MM" span or "closed".

    Written in YAML either as one span for every day (`open: "07:00-22:00"`) or as a mapping by weekday
    with an optional `default` (`open: {default: "07:00-22:00", sat: "09:00-16:00", sun: closed}`).
    """

    default: str = "00:00-24:00"
    mon: str | None = None
    tue: str | None = None
    wed: str | None = None
    thu: str | None = None
    fri: str | None = None
    sat: str | None = None
    sun: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value):
        if isinstance(value, str):
            return {"default": value}
        return value

    @field_validator("default", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
    @classmethod
    def _check_span(cls, value: str | None) -> str | None:
        if value is not None:
            if not value.strip():
                # An empty text would mean closed without saying so (a cleared cell, a lost value).
                raise ValueError("is empty: write the hours as '07:00-22:00', or 'closed'")
            parse_span(value)
        return value

    def span(self, weekday: int) -> tuple[int, int] | None:
        """Open span of a weekday (0 = Monday) in minutes after midnight, or None when closed."""
        text = getattr(self, WEEKDAYS[weekday])
        return parse_span(self.default if text is None else text)

    def is_open(self, weekday: int, minute_of_day: int) -> bool:
        """True when the channel is open at `minute_of_day` (0..1439) of `weekday`, spans past midnight included."""
        today = self.span(weekday)
        if today and today[0] <= minute_of_day < today[1]:
            return True
        yesterday = self.span((weekday - 1) % 7)
        return bool(yesterday and yesterday[1] > 1440 and minute_of_day < yesterday[1] - 1440)

    def compact(self) -> str | dict[str, str]:
        """The shortest YAML form: a plain string when every day has the default span."""
        days = {d: getattr(self, d) for d in WEEKDAYS if getattr(self, d) is not None}
        return self.default if not days else {"default": self.default, **days}


# --- distributions and targets -------------------------------------------------------------------------------

Distribution = Literal["exponential", "lognormal", "weibull", "empirical", "deterministic"]  # weibull: by mean and cv


class VoiceTarget(Strict):
    """Real-time target: `service_level` of offered contacts answered within `answer_within_seconds`.

    Abandoned contacts count in the denominator (abandoned-in-threshold included): the strict convention.
    """

    answer_within_seconds: Annotated[float, Field(gt=0), bounded(B.ANSWER_WITHIN_SECONDS)]
    service_level: float = Field(gt=0, le=1)
    max_abandon_rate: float | None = Field(default=None, ge=0, le=1)


class DeferredTarget(Strict):
    """Deferred work target: `service_level` of items answered within `respond_within_hours` of arrival."""

    respond_within_hours: Annotated[float, Field(gt=0), bounded(B.RESPOND_WITHIN_HOURS)]
    service_level: float = Field(gt=0, le=1)


class _HandledChannel(Strict):
    """Handle time shared by every channel that people work."""

    aht_seconds: Annotated[float, Field(gt=0), bounded(B.HANDLE_SECONDS)] = Field(
        description="mean handle time, seconds")
    service: Distribution = "exponential"
    service_cv: Annotated[float, Field(gt=0), bounded(B.VARIATION)] = Field(
        default=1.0, description="coefficient of variation (lognormal only)")
    service_sample_seconds: list[Annotated[float, Field(gt=0), bounded(B.SAMPLE_HANDLE_SECONDS)]] | None = Field(
        default=None, description="empirical handle times, seconds (service: empirical)")
    open: OpeningHours | None = Field(default=None, description="overrides the scenario's opening hours")

    @model_validator(mode="after")
    def _sample_given(self):
        if self.service == "empirical" and not self.service_sample_seconds:
            raise ValueError("service: empirical needs service_sample_seconds")
        return self


class _RealTimeChannel(_HandledChannel):
    """Patience applies: a contact waiting longer than its patience abandons."""

    patience_seconds: Annotated[float, Field(gt=0), bounded(B.PATIENCE_SECONDS)] | None = Field(
        default=None, description="mean patience, seconds; none = never abandons")
    patience: Distribution = "exponential"
    patience_cv: Annotated[float, Field(gt=0), bounded(B.VARIATION)] = 1.0
    patience_sample_seconds: list[Annotated[float, Field(gt=0), bounded(B.SAMPLE_PATIENCE_SECONDS)]] | None = None
    target: VoiceTarget

    @model_validator(mode="after")
    def _patience_sample_given(self):
        if self.patience == "empirical" and not self.patience_sample_seconds:
            raise ValueError("patience: empirical needs patience_sample_seconds")
        return self


class VoiceChannel(_RealTimeChannel):
    kind: Literal["voice"] = "voice"


class ChatChannel(_RealTimeChannel):
    """An agent holds up to `concurrency` sessions at once.

    Each session's handle time stretches with the sessions held: with k sessions open the work progresses at
    1 / (1 + concurrency_slowdown * (k - 1)) of its solo speed, so `aht_seconds` is the handle time of a
    session worked alone.
    """

    kind: Literal["chat"] = "chat"
    concurrency: int = Field(default=1, ge=1, le=10)
    concurrency_slowdown: float = Field(default=0.25, ge=0, le=2)


class DeferredChannel(_HandledChannel):
    """Email and web forms: worked when an agent with the skill has no real-time work."""

    kind: Literal["deferred"] = "deferred"
    target: DeferredTarget


# What an AI channel does with an escalation that ends while its target is closed (besides a deferred channel).
AFTER_HOURS_QUEUE, AFTER_HOURS_NEXT_OPEN, AFTER_HOURS_LOST = "queue", "next_open", "lost"
AFTER_HOURS_ACTIONS = (AFTER_HOURS_QUEUE, AFTER_HOURS_NEXT_OPEN, AFTER_HOURS_LOST)


class AIChannel(Strict):
    """An AI assistant: sessions take a bot slot for `handle_seconds`; `containment` of them end there.

    The rest escalate to `escalate_to` (a voice or chat channel) when the bot time ends, and take
    `escalated_aht_factor` times that channel's handle time (the customer explains again).

    `after_hours` says what the assistant does with an escalation that ends while `escalate_to` is closed:
    - the name of a deferred channel (e.g. `email`): it offers a web form; the escalation becomes a contact of
      that channel when the bot time ends, with `escalated_aht_factor` times its handle time;
    - `next_open`: it takes a callback request; the escalation reaches `escalate_to` when it next opens;
    - `lost`: no handover; the customer is asked to come back (the contact leaves the model);
    - `queue` (the default, the model before this option existed): it hands over anyway; the escalation waits in
      the closed channel's line, where an agent of that skill on duty may take it, and no agents are planned
      for it (the requirement warns).
    """

    kind: Literal["ai"] = "ai"
    handle_seconds: Annotated[float, Field(gt=0), bounded(B.HANDLE_SECONDS)]
    containment: float = Field(ge=0, le=1)
    escalate_to: str
    escalated_aht_factor: Annotated[float, Field(ge=1), bounded(B.ESCALATED_AHT_FACTOR)] = 1.0
    capacity_sessions: Annotated[int, Field(ge=1), bounded(B.BOT_SESSIONS)] = Field(
        default=10_000, description="concurrent sessions the bot can hold")
    after_hours: str = Field(default=AFTER_HOURS_QUEUE, min_length=1, description=(
        "escalations ending while escalate_to is closed: a deferred channel's name, next_open, lost or queue"))
    open: OpeningHours | None = None

    def after_hours_channel(self) -> str | None:
        """The deferred channel that takes escalations while `escalate_to` is closed; None for the actions
        next_open, lost and queue."""
        return None if self.after_hours in AFTER_HOURS_ACTIONS else self.after_hours


Channel = Annotated[Union[VoiceChannel, ChatChannel, DeferredChannel, AIChannel], Field(discriminator="kind")]
HUMAN_KINDS = ("voice", "chat", "deferred")


# --- demand, skills, shifts ----------------------------------------------------------------------------------

# Contacts per interval: non-negative, finite, and what one interval of a real center could bring.
Rate = Annotated[float, Field(ge=0), bounded(B.CONTACTS_PER_INTERVAL)]


class Demand(Strict):
    """Where the week's contacts come from: exactly one of `history`, `forecast`, `rates`.

    - history: long-format CSV (`ds, channel, contacts[, aht_seconds]`); ccplan forecasts the week from it.
    - forecast: long-format CSV (`ds, channel, yhat` or `contacts`) covering the week.
    - rates: contacts per interval by channel; a list of one value per interval of the week, or one number
      for every open interval.
    `scale` multiplies every channel, `channel_scale` single channels; `overdispersion` is the coefficient of
    variation of a gamma multiplier on each day's rates in simulation (0 = plain Poisson).
    `day_sd` (with `day_corr`): a known error law of the week's demand for planning against plausible weeks: each
    day's total is the expected one times exp(N(0, day_sd)), days of the week correlated by `day_corr`. None: the
    law of the history forecast's backtest when there is one, else the demand is taken as exact.
    """

    history: Path | None = None
    forecast: Path | None = None
    rates: dict[str, Union[Rate, list[Rate]]] | None = None
    model: str = Field(default="auto", description="forecast model used with history")
    scale: Annotated[float, Field(ge=0), bounded(B.DEMAND_SCALE)] = 1.0
    channel_scale: dict[str, Annotated[float, Field(ge=0), bounded(B.DEMAND_SCALE)]] = Field(default_factory=dict)
    overdispersion: float = Field(default=0.0, ge=0, le=2)
    day_sd: float | None = Field(default=None, ge=0, le=2, description="sd of the log day factor of demand")
    day_corr: float = Field(default=0.0, ge=0, le=1, description="correlation of two days' log factors")

    def factor(self, channel: str) -> float:
        """What the channel's expected contacts are multiplied by (a plain factor): `scale` times the channel's
        `channel_scale` (1 when not given)."""
        return self.scale * self.channel_scale.get(channel, 1.0)

    @model_validator(mode="after")
    def _one_source(self):
        given = [k for k in ("history", "forecast", "rates") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of history, forecast, rates (got {', '.join(given) or 'none'})")
        return self


class SkillGroup(Strict):
    """Agents with the same skills. `priority` orders the queues a free agent serves (first = most urgent)."""

    skills: list[str] = Field(min_length=1)
    priority: list[str] | None = None
    headcount: Annotated[int, Field(ge=0), bounded(B.HEADCOUNT)]
    hourly_cost: Annotated[float, Field(gt=0), bounded(B.HOURLY_COST)] = 1.0
    min_hours_per_week: Annotated[float, Field(ge=0), bounded(B.HOURS_PER_WEEK)] = 0
    max_hours_per_week: Annotated[float, Field(gt=0), bounded(B.HOURS_PER_WEEK)] = 40
    constant_agents: Annotated[int, Field(ge=0), bounded(B.AGENTS_PER_INTERVAL)] | None = Field(
        default=None, description="fixed agents on duty in every open interval (simple studies)")

    def routing_order(self) -> list[str]:
        """Skills in the order a free agent serves them."""
        return list(self.priority) if self.priority else list(self.skills)

    @model_validator(mode="after")
    def _consistent(self):
        if self.priority is not None and sorted(self.priority) != sorted(self.skills):
            raise ValueError("priority must list the same channels as skills")
        if len(set(self.skills)) != len(self.skills):
            raise ValueError("skills lists a channel twice")
        if self.min_hours_per_week > self.max_hours_per_week:
            raise ValueError(
                f"min_hours_per_week ({self.min_hours_per_week:g}) is above max_hours_per_week ({self.max_hours_per_week:g})")
        return self


# Hours measured inside one shift: positive, finite, at most the longest shift a day can hold.
ShiftHours = Annotated[float, Field(gt=0), bounded(B.SHIFT_HOURS)]


class ShiftRules(Strict):
    """What a shift may look like and how often an agent may work."""

    lengths_hours: list[ShiftHours] = Field(default_factory=lambda: [8.0], min_length=1, max_length=48)
    start_every_minutes: Annotated[int, Field(gt=0), bounded(B.START_EVERY_MINUTES)] = 30
    earliest_start: str = "06:00"
    latest_end: str = "24:00"
    lunch_after_hours: ShiftHours = Field(default=5.0, description="shifts longer than this get a lunch")
    lunch_minutes: Annotated[int, Field(ge=0), bounded(B.LUNCH_MINUTES)] = 30
    lunch_window_hours: tuple[Annotated[float, Field(ge=0), bounded(B.LUNCH_WINDOW_HOURS)],
                              Annotated[float, Field(ge=0), bounded(B.LUNCH_WINDOW_HOURS)]] = Field(
        default=(3.0, 5.0), description="lunch starts this many hours after shift start")
    breaks_minutes: Annotated[int, Field(ge=0), bounded(B.BREAK_MINUTES)] = 15
    break_every_hours: ShiftHours = Field(default=4.0, description="one paid break per this many hours worked")
    paid_lunch: bool = False
    max_shifts_per_week: int = Field(default=5, ge=1, le=7)
    min_shifts_per_week: int = Field(default=0, ge=0, le=7)
    min_rest_hours: float = Field(default=11.0, ge=0, le=24)
    max_consecutive_days: int = Field(default=5, ge=1, le=7)

    @field_validator("earliest_start", "latest_end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if hours_minutes(value) is None:
            raise ValueError(f"'{value}' is not a clock time HH:MM")
        if not is_clock(value) or clock_minutes(value) > DAY_MINUTES:
            raise ValueError(f"'{value}' is not a clock time between 00:00 and 24:00")
        return value

    @model_validator(mode="after")
    def _consistent(self):
        lo, hi = self.lunch_window_hours
        if lo > hi:
            raise ValueError(f"lunch_window_hours ({lo:g}, {hi:g}) starts after it ends")
        if self.min_shifts_per_week > self.max_shifts_per_week:
            raise ValueError(
                f"min_shifts_per_week ({self.min_shifts_per_week}) is above max_shifts_per_week ({self.max_shifts_per_week})")
        for length in self.lengths_hours:
            # The optimizer places a lunch from lo hours after the start; a window past the shift's end is a typo.
            if length > self.lunch_after_hours and self.lunch_minutes and lo * 60 + self.lunch_minutes > length * 60:
                raise ValueError(f"lunch_window_hours ({lo:g}, {hi:g}): a {self.lunch_minutes}-minute lunch "
                                 f"{lo:g} h after the start ends after the end of a {length:g} h shift")
        for length in self.lengths_hours:
            if self.breaks_minutes and length >= self.break_every_hours and self.breaks_minutes >= length * 60:
                raise ValueError(f"breaks_minutes ({self.breaks_minutes}) is as long as a {length:g} h shift")
        start, end = clock_minutes(self.earliest_start), clock_minutes(self.latest_end)
        if end - start < min(self.lengths_hours) * 60:
            raise ValueError(f"no shift of {min(self.lengths_hours):g} h fits between earliest_start "
                             f"{self.earliest_start} and latest_end {self.latest_end}")
        return self


class SimulationSettings(Strict):
    replications: int = Field(default=20, ge=1, le=1000)
    seed: Annotated[int, Field(ge=0), bounded(B.SEED)] = 1


# --- the scenario --------------------------------------------------------------------------------------------

class Scenario(Strict):
    """One week of a contact center: channels, demand, people, shift rules, targets."""

    name: str = "scenario"
    start: dt.date = Field(description="first day of the week, 00:00 local time")
    days: int = Field(default=7, ge=1, le=42)
    interval_minutes: Literal[5, 10, 15, 30, 60] = 30
    timezone: str = Field(default="local", description="IANA zone of the clock times, or 'local'")
    open: OpeningHours = Field(default_factory=OpeningHours)
    shrinkage: float = Field(default=0.30, ge=0, lt=1, description="share of paid time not available for contacts")
    channels: dict[str, Channel] = Field(min_length=1)
    demand: Demand
    skill_groups: dict[str, SkillGroup] = Field(min_length=1)
    shift_rules: ShiftRules = Field(default_factory=ShiftRules)
    holidays: list[dt.date] = Field(default_factory=list, description="closed or special days of history and the week")
    holiday_country: str | None = None
    simulation: SimulationSettings = Field(default_factory=SimulationSettings)
    rules: list[RuleSpec] | None = Field(default=None, description="the rule catalogue (scenarios.rules)")
    activities: list[ActivitySpec] | None = Field(default=None, description="meetings and training placed inside "
                                                                          "shifts (scenarios.activities)")

    @field_validator("start")
    @classmethod
    def _plausible_year(cls, value: dt.date) -> dt.date:
        # Calendars, holidays and pandas timestamps only exist in a bounded range of years.
        if not B.FIRST_YEAR <= value.year <= B.LAST_YEAR:
            raise ValueError(f"year {value.year} is outside {B.FIRST_YEAR}-{B.LAST_YEAR}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        value = value.strip()
        if value == "local":
            return value
        if not value:
            raise ValueError("is empty: give an IANA time zone such as Europe/Berlin, or 'local'")
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone '{value}' (an IANA name such as Europe/Berlin, or 'local')") from None
        return value

    @field_validator("holiday_country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value is None:
            return value
        import holidays

        supported = holidays.list_supported_countries()
        if value.strip().upper() not in supported:
            from .errors import did_you_mean

            raise ValueError(f"unknown country code '{value}' for public holidays (an ISO code such as US, DE, GB)"
                             f"{did_you_mean(value.upper(), supported)}")
        return value.strip().upper()

    # Set by the loader: the folder relative paths resolve against. Not part of the YAML.
    base_dir: Path | None = Field(default=None, exclude=True, repr=False)

    # -- derived views --
    @property
    def intervals_per_day(self) -> int:
        return 1440 // self.interval_minutes

    @property
    def n_intervals(self) -> int:
        return self.days * self.intervals_per_day

    def human_channels(self) -> list[str]:
        """Channels people work (voice, chat, deferred), in YAML order."""
        return [n for n, c in self.channels.items() if c.kind in HUMAN_KINDS]

    def channel_open(self, channel: str) -> OpeningHours:
        """Opening hours of a channel: its own, else the scenario's."""
        own = getattr(self.channels[channel], "open", None)
        return own if own is not None else self.open

    def resolve(self, path: Path) -> Path:
        """A path from the YAML, resolved against the scenario file's folder."""
        path = Path(path)
        if path.is_absolute() or self.base_dir is None:
            return path
        return (self.base_dir / path).resolve()
