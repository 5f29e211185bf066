"""Plan against the real week: for each of the last N full weeks of a history, forecast the week from what came
before, schedule it, and simulate the roster on the week's actual counts.

Per week three rosters are judged on the same actual counts (one seed, so common customers):
- "ccplan": scheduled on the forecast (the scenario's `demand.model` on the history cut at the week's Monday);
- "erlang-c-two-step": the traditional baseline on the same forecast;
- "hindsight": scheduled on the actual counts as demand (what a planner who knew the week could have done).

"claimed" is the schedule's certified share of open intervals meeting every target (simulated on its own
demand); "actual" the same share with the actual counts as the expected contacts (Poisson around them). Shares
are the worst over the human channels, and per channel in `claimed_channels` / `actual_channels`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting import read_history
from scenarios import InputError, Problem, Roster, Scenario, interval_index, open_mask, week_intervals
from scenarios.progress import Progress, no_progress, scaled
from scenarios.tables import parse_datetimes, read_table
from sim import judge_simulation, meeting_shares

from .demand import finish_demand, week_demand
from .execution import executor_or_local
from .run import simulate
from .schedule import DEFAULT_RISK, ScheduleResult, schedule

METHODS = ("ccplan", "erlang-c-two-step", "hindsight")
# Each backtested week needs this much history before it: the forecast models backtest on earlier weeks.
MIN_HISTORY_DAYS = 14
# The actual counts are simulated at seed + ACTUAL_SEED: customers neither the loop (seed) nor the certification
# (seed + 1000) saw.
ACTUAL_SEED = 2000
ACTUAL_REPLICATIONS = 100


@dataclass
class BacktestSettings:
    """How each week is planned and judged: `weeks` backtested; `risk` for the "ccplan" roster, planned against
    plausible weeks drawn from the forecast's own error law (planning.schedule; None: the forecast taken as exact;
    the baseline and the hindsight roster are planned on their demand as exact); `replications` of the actual counts (seed + ACTUAL_SEED); the schedule's
    `seed`, `effort` (CP-SAT deterministic time per stage), `rounds`, `schedule_replications` (the loop's sample)
    and `certify_replications`; `workers` (solver threads, simulation processes); `methods` (of METHODS)."""

    weeks: int
    risk: float | None = DEFAULT_RISK
    replications: int = ACTUAL_REPLICATIONS
    seed: int | None = None
    effort: float = 15.0
    rounds: int = 10
    schedule_replications: int = 40
    certify_replications: int = 100
    workers: int = 2
    methods: tuple[str, ...] = METHODS

    def to_json(self) -> dict:
        return {"weeks": self.weeks, "risk": self.risk, "replications": self.replications, "seed": self.seed,
                "effort": self.effort, "rounds": self.rounds, "schedule_replications": self.schedule_replications,
                "certify_replications": self.certify_replications, "methods": list(self.methods)}


@dataclass
class ForecastError:
    """The forecast against the week's actual counts (both after the scenario's scales): WAPE over every interval
    and channel (sum |forecast - actual| / sum actual), and per open day the day total's error
    (forecast / actual - 1, over all channels)."""

    wape: float
    day_errors: dict[dt.date, float]
    forecast_contacts: float
    actual_contacts: float

    def to_json(self) -> dict:
        return {"wape": self.wape, "day_errors": {d.isoformat(): e for d, e in self.day_errors.items()},
                "forecast_contacts": self.forecast_contacts, "actual_contacts": self.actual_contacts}


@dataclass
class PlanOutcome:
    """One method's roster for the week: paid hours, the claimed (certified) and the actual shares of open
    intervals meeting every target per human channel, the WAPE of the demand it was planned on (0 for
    hindsight), the roster and the schedule's warnings."""

    method: str
    paid_hours: float
    claimed_channels: dict[str, float | None]
    actual_channels: dict[str, float | None]
    wape: float
    roster: Roster
    warnings: list[str] = field(default_factory=list)

    @property
    def claimed(self) -> float | None:
        return _worst(self.claimed_channels)

    @property
    def actual(self) -> float | None:
        return _worst(self.actual_channels)

    def to_json(self) -> dict:
        return {"method": self.method, "paid_hours": self.paid_hours, "claimed": self.claimed,
                "actual": self.actual, "claimed_channels": self.claimed_channels,
                "actual_channels": self.actual_channels, "wape": self.wape, "warnings": self.warnings}


@dataclass
class BacktestWeek:
    """One backtested week (starting Monday `start`): its forecast error and each method's outcome."""

    start: dt.date
    forecast_error: ForecastError
    plans: dict[str, PlanOutcome]

    def to_json(self) -> dict:
        return {"start": self.start.isoformat(), "forecast_error": self.forecast_error.to_json(),
                "plans": {m: p.to_json() for m, p in self.plans.items()}}


@dataclass
class PlanBacktest:
    """The backtest: the weeks in order (oldest first) and the settings it ran with."""

    weeks: list[BacktestWeek]
    settings: BacktestSettings

    def rows(self) -> pd.DataFrame:
        """One row per week and method: week, method, claimed, actual, paid_hours, wape, then per channel
        claimed.<channel> / actual.<channel> (shares 0..1)."""
        records = []
        for week in self.weeks:
            for method, plan in week.plans.items():
                row = {"week": week.start.isoformat(), "method": method, "claimed": plan.claimed,
                       "actual": plan.actual, "paid_hours": plan.paid_hours, "wape": plan.wape}
                row.update({f"claimed.{c}": v for c, v in plan.claimed_channels.items()})
                row.update({f"actual.{c}": v for c, v in plan.actual_channels.items()})
                records.append(row)
        return pd.DataFrame(records)

    def to_json(self) -> dict:
        return {"settings": self.settings.to_json(), "weeks": [w.to_json() for w in self.weeks]}


def _worst(shares: dict[str, float | None]) -> float | None:
    known = [v for v in shares.values() if v is not None]
    return min(known) if known else None


def backtest_plan(scenario: Scenario, history: str | Path | None = None, *, weeks: int,
                  progress: Progress | None = None, executor: Executor | None = None,
                  **options) -> PlanBacktest:
    """Plan each of the last `weeks` full weeks of `history` (default: the scenario's `demand.history`) from the
    data before it, and judge the rosters on the week's actual counts (see the module docstring).

    A full week: Monday plus the scenario's `days`, with history rows on every day the scenario opens (a holiday
    without data leaves its week out). `options`: the other fields of BacktestSettings (risk, replications,
    seed, effort, rounds, schedule_replications, certify_replications, workers, methods). InputError naming
    `weeks` when the history has too few full weeks (each needs MIN_HISTORY_DAYS of history before it), naming
    `risk` when it is not a share between 0 and 1.
    """
    settings = BacktestSettings(weeks, **options)
    _check_settings(settings)
    progress = progress or no_progress
    path = _history_path(scenario, history)
    counts = read_history(path, scenario.interval_minutes, allow_gaps=True)
    mondays = backtest_weeks(scenario, counts, settings.weeks)
    raw = read_table(path, ("ds", "channel"), text=True, title="invalid history")
    raw_ds = parse_datetimes(raw["ds"])
    out = []
    with tempfile.TemporaryDirectory(prefix="ccplan-backtest-") as folder, \
            executor_or_local(executor, settings.workers) as run_on:
        for k, monday in enumerate(mondays):
            cut = Path(folder) / f"history-before-{monday.isoformat()}.csv"
            before = raw[(raw_ds < pd.Timestamp(monday)).to_numpy()]
            before.to_csv(cut, index=False)
            week_progress = scaled(progress, k / len(mondays), (k + 1) / len(mondays))
            out.append(_backtest_week(week_scenario(scenario, monday, cut), counts, settings, run_on,
                                      _labelled(week_progress, f"week of {monday.isoformat()}")))
    progress(1.0, "done")
    return PlanBacktest(out, settings)


def _check_settings(settings: BacktestSettings) -> None:
    problems = []
    if settings.weeks < 1:
        problems.append(Problem("weeks", f"must be at least 1 (got {settings.weeks})"))
    if settings.replications < 2:
        problems.append(Problem("replications", f"must be at least 2 (got {settings.replications})"))
    unknown = [m for m in settings.methods if m not in METHODS]
    if unknown or not settings.methods:
        problems.append(Problem("methods", f"choose among {', '.join(METHODS)} (got {', '.join(unknown) or 'none'})"))
    if settings.risk is not None and not 0 < settings.risk < 1:
        problems.append(Problem("risk", f"must be a share between 0 and 1, exclusive (got {settings.risk})"))
    if problems:
        raise InputError(problems, "invalid backtest settings")


def _history_path(scenario: Scenario, history: str | Path | None) -> Path:
    if history is not None:
        return Path(history)
    if scenario.demand.history is None:
        raise InputError([Problem("demand.history", "the scenario has no history to backtest on: give one")],
                         "no history")
    return scenario.resolve(scenario.demand.history)


def week_scenario(scenario: Scenario, monday: dt.date, history: Path) -> Scenario:
    """The scenario's week moved to `monday`, its demand forecast from `history` with its own `demand.model`."""
    demand = scenario.demand.model_copy(update={"history": history, "forecast": None, "rates": None})
    return scenario.model_copy(update={"start": monday, "demand": demand})


def backtest_weeks(scenario: Scenario, counts: pd.DataFrame, weeks: int) -> list[dt.date]:
    """The Mondays of the last `weeks` full weeks of `counts` (forecasting.read_history's table) that have at
    least MIN_HISTORY_DAYS of history before them, oldest first; InputError naming `weeks` when there are fewer."""
    own = counts[counts["channel"].isin(list(scenario.channels)) & counts["contacts"].notna()]
    if own.empty:
        raise InputError([Problem("demand.history", f"no counts for any channel of the scenario "
                                                    f"({', '.join(scenario.channels)})")], "invalid history")
    days = set(pd.to_datetime(own["ds"]).dt.date)
    first, last = min(days), max(days)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    full = []
    while monday <= last:
        if (monday - first).days >= MIN_HISTORY_DAYS and _is_full(scenario, monday, days):
            full.append(monday)
        monday += dt.timedelta(days=7)
    if len(full) < weeks:
        listed = ", ".join(m.isoformat() for m in full) or "none"
        raise InputError([Problem("weeks", f"asks for {weeks} week(s) but the history ({first} to {last}) has "
                                           f"{len(full)} full week(s) with {MIN_HISTORY_DAYS} days of history "
                                           f"before them ({listed})")], "too few weeks of history")
    return full[len(full) - weeks:]


def _is_full(scenario: Scenario, monday: dt.date, days_with_data: set[dt.date]) -> bool:
    """Whether the history has counts on every day of the week from `monday` that the scenario opens."""
    moved = scenario.model_copy(update={"start": monday})
    per_day = scenario.intervals_per_day
    opened = np.zeros(scenario.days, dtype=bool)
    for channel in scenario.human_channels():
        opened |= open_mask(moved, channel).reshape(scenario.days, per_day).any(axis=1)
    return all(monday + dt.timedelta(days=int(d)) in days_with_data for d in np.flatnonzero(opened))


def actual_demand(scenario: Scenario, counts: pd.DataFrame) -> pd.DataFrame:
    """The week's actual counts as demand (planning.demand's table: scales applied, closed intervals zero)."""
    own = counts[counts["channel"].isin(list(scenario.channels))]
    pos = interval_index(scenario, own["ds"])
    week = own[pos >= 0].assign(ds=week_intervals(scenario)[pos[pos >= 0]])
    return finish_demand(scenario, week.fillna({"contacts": 0.0}))


def forecast_error(forecast: pd.DataFrame, actual: pd.DataFrame) -> ForecastError:
    """The forecast's WAPE over the week and its day totals' errors (see ForecastError)."""
    both = forecast[["ds", "channel", "contacts"]].merge(actual[["ds", "channel", "contacts"]],
                                                         on=["ds", "channel"], suffixes=("_forecast", "_actual"))
    f, a = both["contacts_forecast"].to_numpy(float), both["contacts_actual"].to_numpy(float)
    total = float(a.sum())
    days = both.groupby(pd.DatetimeIndex(both["ds"]).date)[["contacts_forecast", "contacts_actual"]].sum()
    days = days[days["contacts_actual"] > 0]
    return ForecastError(float(np.abs(f - a).sum() / total) if total > 0 else float("nan"),
                         {d: float(r.contacts_forecast / r.contacts_actual - 1) for d, r in days.iterrows()},
                         float(f.sum()), total)


def _backtest_week(scenario: Scenario, counts: pd.DataFrame, settings: BacktestSettings, executor: Executor,
                   progress: Progress) -> BacktestWeek:
    """Forecast, schedule each method, and judge each roster on the actual counts."""
    progress(0.0, "forecasting")
    planned = week_demand(scenario)
    forecast = planned.table
    actual = actual_demand(scenario, counts)
    error = forecast_error(forecast, actual)
    plans = {}
    step = 1 / len(settings.methods)
    for k, method in enumerate(settings.methods):
        part = scaled(progress, 0.05 + 0.95 * k * step, 0.05 + 0.95 * (k + 0.9) * step)
        hindsight = method == "hindsight"
        # Only ccplan hedges against the forecast's error; hindsight knows the week's demand.
        kwargs = {"risk": settings.risk, "uncertainty": planned.uncertainty} if method == "ccplan" else {"risk": None}
        result = schedule(scenario, demand=actual if hindsight else forecast,
                          method="ccplan" if hindsight else method, rounds=settings.rounds,
                          replications=settings.schedule_replications, seed=settings.seed, effort=settings.effort,
                          workers=settings.workers, certify_replications=settings.certify_replications,
                          executor=executor, progress=_labelled(part, method), **kwargs)
        progress(0.05 + 0.95 * (k + 0.9) * step, f"{method}: simulating the actual counts")
        plans[method] = _judge_on_actual(scenario, result, actual, settings, executor,
                                         0.0 if hindsight else error.wape, method)
    return BacktestWeek(scenario.start, error, plans)


def _judge_on_actual(scenario: Scenario, result: ScheduleResult, actual: pd.DataFrame, settings: BacktestSettings,
                     executor: Executor, wape: float, method: str) -> PlanOutcome:
    seed = (scenario.simulation.seed if settings.seed is None else settings.seed) + ACTUAL_SEED
    sim = simulate(scenario, result.roster, demand=actual, replications=settings.replications, seed=seed,
                   executor=executor)
    claimed = dict(result.kpis.claimed_shares)
    return PlanOutcome(method, result.kpis.paid_hours, claimed,
                       meeting_shares(scenario, judge_simulation(scenario, sim)), wape, result.roster,
                       list(result.warnings))


def _labelled(progress: Progress, label: str) -> Progress:
    return lambda fraction, message="": progress(fraction, f"{label}: {message}" if message else label)
