"""The week's expected contacts per interval and channel, resolved once from whichever source the scenario names
(explicit rates, a forecast file, or the history forecast with forecasting); every later stage takes it as an
argument. `week_demand` also gives the demand's error law (`DemandUncertainty`): how far the real week may fall
from the expected contacts, for planning against plausible weeks (planning.plausible)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from scenarios import InputError, Problem, Scenario, bounds, interval_index, open_mask, week_intervals
from scenarios.progress import Progress
from scenarios.tables import parse_datetimes, read_table

if TYPE_CHECKING:    # forecasting loads only when a history is forecast
    from forecasting import ForecastErrorModel

DEMAND_COLUMNS = ["ds", "channel", "contacts", "aht_seconds"]
SETTING_SOURCE = "scenario demand.day_sd"
BACKTEST_SOURCE = "forecast backtest"


@dataclass(frozen=True)
class DemandUncertainty:
    """The error law of the week's demand per channel (forecasting.ForecastErrorModel: a multiplicative day factor
    with its spread and correlation across the week, plus interval noise beyond Poisson). Channels without a law
    are taken as exact. `source`: SETTING_SOURCE or BACKTEST_SOURCE; `warnings`: when the law is not reliable."""

    laws: dict[str, ForecastErrorModel]
    source: str
    warnings: list[str] = field(default_factory=list)

    def day_factor(self, channel: str, quantile: float) -> float:
        """The `quantile` of a day's factor (actual day total / expected) of `channel`: 1 without a law."""
        law = self.laws.get(channel)
        if law is None:
            return 1.0
        return float(np.exp(law.bias_ + stats.norm.ppf(quantile) * law.day_sd_))


@dataclass(frozen=True)
class WeekDemand:
    """The week's expected demand (`table`, as scenario_demand) and its error law (None: taken as exact)."""

    table: pd.DataFrame
    uncertainty: DemandUncertainty | None


def scenario_demand(scenario: Scenario, progress: Progress | None = None) -> pd.DataFrame:
    """Expected contacts (`contacts`, float) and mean handle time (`aht_seconds`) per interval of the week and channel.

    Every channel of the scenario gets every interval; closed intervals are 0; `demand.scale` and
    `demand.channel_scale` are applied. Sources: explicit rates, a forecast CSV (`yhat` or `contacts`), or a
    history CSV forecast with `demand.model`.
    """
    return week_demand(scenario, progress).table


def week_demand(scenario: Scenario, progress: Progress | None = None) -> WeekDemand:
    """The week's expected demand (scenario_demand) with its error law: `demand.day_sd` when the scenario sets it,
    else, for a history source, each channel's law from the forecast's own backtest (models that carry one:
    `auto`); None when there is none (the demand is taken as exact)."""
    spec = scenario.demand
    laws: dict[str, ForecastErrorModel] = {}
    if spec.rates is not None:
        table = _from_rates(scenario)
    elif spec.forecast is not None:
        table = _from_forecast_file(scenario)
    else:
        table, laws = _from_history(scenario, progress)
    return WeekDemand(finish_demand(scenario, table), _uncertainty(scenario, laws))


def setting_uncertainty(scenario: Scenario) -> DemandUncertainty | None:
    """The error law the scenario sets (`demand.day_sd`, `demand.day_corr`) for every channel, None when unset."""
    spec = scenario.demand
    if spec.day_sd is None:
        return None
    from forecasting import ForecastErrorModel

    law = ForecastErrorModel.from_parameters(day_sd=spec.day_sd, day_corr=spec.day_corr)
    return DemandUncertainty({name: law for name in scenario.channels}, SETTING_SOURCE)


def _uncertainty(scenario: Scenario, laws: dict[str, ForecastErrorModel]) -> DemandUncertainty | None:
    if scenario.demand.day_sd is not None or not laws:
        return setting_uncertainty(scenario)
    warnings = [f"{name}: {w}" for name, law in laws.items() for w in law.warnings_]
    return DemandUncertainty(laws, BACKTEST_SOURCE, warnings)


def _from_history(scenario: Scenario, progress: Progress | None) -> tuple[pd.DataFrame, dict[str, ForecastErrorModel]]:
    """Forecast the scenario's days from its history with `demand.model`; notes go to the log and `attrs`. Also
    the error law of each channel's forecast, where the model carries one."""
    import logging

    from forecasting import Forecaster, model_from_name, read_history

    spec = scenario.demand
    try:
        model = model_from_name(spec.model)
    except InputError as exc:
        raise InputError([Problem("demand.model", p.message) for p in exc.problems], "invalid scenario") from None
    path = scenario.resolve(spec.history)
    forecaster = Forecaster([model], scenario.interval_minutes, scenario.holidays, scenario.holiday_country)
    history = read_history(path, scenario.interval_minutes,
                           closed_dates=forecaster.closures(path, scenario.start + dt.timedelta(days=scenario.days)))
    unknown = sorted(set(history["channel"]) - set(scenario.channels))
    history = history[history["channel"].isin(list(scenario.channels))]
    if history.empty:
        raise InputError([Problem(str(path), f"no history for any channel of the scenario "
                                             f"({', '.join(scenario.channels)}); it has {', '.join(unknown)}")],
                         "invalid history")
    out = forecaster.forecast(history, scenario.days, start=scenario.start, progress=progress)
    notes = out.attrs.get("notes", [])
    if unknown:
        notes.append(f"history channels not in the scenario, ignored: {', '.join(unknown)}")
    missing = [c for c in scenario.channels if c not in set(history["channel"])]
    if missing:
        notes.append(f"no history for {', '.join(missing)}: zero demand")
    for note in notes:
        logging.getLogger("ccplan.forecasting").info(note)
    table = out.rename(columns={"yhat": "contacts"})
    idx = week_intervals(scenario)
    if idx.tz is not None:
        table["ds"] = pd.DatetimeIndex(table["ds"]).tz_localize(idx.tz, ambiguous="NaT", nonexistent="NaT")
    table.attrs["notes"] = notes
    table.attrs["models"] = dict(zip(out["channel"], out["model"]))
    laws = {channel: law for channel, fitted in forecaster.fitted_.items() for model in fitted.values()
            if (law := getattr(model, "error_model_", None)) is not None}
    return table, laws


def finish_demand(scenario: Scenario, table: pd.DataFrame) -> pd.DataFrame:
    """Complete grid, closed intervals zeroed, scales applied, default AHT from the channel where unknown."""
    idx = week_intervals(scenario)
    frames = []
    for name, channel in scenario.channels.items():
        own = table[table["channel"] == name].set_index("ds")
        contacts = own["contacts"].reindex(idx).fillna(0.0).to_numpy(float)
        scale = scenario.demand.factor(name)
        contacts = np.where(open_mask(scenario, name), np.clip(contacts, 0, None) * scale, 0.0)
        default_aht = getattr(channel, "aht_seconds", None) or channel.handle_seconds
        aht = own["aht_seconds"].reindex(idx).to_numpy(float) if "aht_seconds" in own else np.full(len(idx), np.nan)
        frames.append(pd.DataFrame({"ds": idx, "channel": name, "contacts": contacts,
                                    "aht_seconds": np.where(np.isfinite(aht), aht, default_aht)}))
    return pd.concat(frames, ignore_index=True)[DEMAND_COLUMNS]


def _from_rates(scenario: Scenario) -> pd.DataFrame:
    idx = week_intervals(scenario)
    frames = []
    for name, values in (scenario.demand.rates or {}).items():
        contacts = np.full(len(idx), float(values)) if not isinstance(values, list) else np.asarray(values, float)
        frames.append(pd.DataFrame({"ds": idx, "channel": name, "contacts": contacts}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["ds", "channel", "contacts"])


def _from_forecast_file(scenario: Scenario) -> pd.DataFrame:
    """The forecast CSV's rows of the scenario's week, every row checked: a date-time on the week's interval grid,
    a known channel, a finite non-negative `yhat` (or `contacts`) within the bounds of one interval, an optional
    finite positive `aht_seconds`, no (ds, channel) twice. Rows on the grid but outside the week are ignored
    (a forecast may cover more days than the scenario); problems name `file:row N`."""
    path = scenario.resolve(scenario.demand.forecast)
    name = str(path)
    title = "invalid forecast"
    hint = "a forecast needs ds, channel, yhat"
    df = read_table(path, ("ds", "channel"), title=title, text=True, name=name, hint=hint)
    value = "yhat" if "yhat" in df.columns else "contacts"
    df = read_table(df, (value,), title=title, name=name, hint=hint)
    if df.empty:
        raise InputError([Problem(name, "has a header but no rows: a forecast with no rows is not zero demand")],
                         title)

    def row(i: int) -> str:
        return f"{name}:row {i + 2}"

    problems: list[Problem] = []
    ds = parse_datetimes(df["ds"], name)
    for i in np.flatnonzero(ds.isna().to_numpy())[:5]:
        problems.append(Problem(row(i), f"ds '{df['ds'].iloc[i]}' is not a date-time"))
    step = pd.Timedelta(minutes=scenario.interval_minutes)
    off_grid = ds.notna() & ((ds - ds.dt.normalize()) % step != pd.Timedelta(0))
    for i in np.flatnonzero(off_grid.to_numpy())[:5]:
        problems.append(Problem(row(i), f"ds {df['ds'].iloc[i]} is not on the scenario's "
                                        f"{scenario.interval_minutes}-minute grid"))
    channels = df["channel"].str.strip()
    for i in np.flatnonzero((channels == "").to_numpy())[:5]:
        problems.append(Problem(row(i), "channel is empty"))
    unknown = sorted(set(channels[channels != ""]) - set(scenario.channels))
    if unknown:
        problems.append(Problem(name, f"unknown channel(s) {', '.join(map(str, unknown))} "
                                      f"(the scenario has {', '.join(scenario.channels)})"))
    contacts, bad = bounds.check_column(df[value], value, bounds.CONTACTS_PER_INTERVAL, row)
    problems += bad
    aht = np.full(len(df), np.nan)
    if "aht_seconds" in df.columns:
        aht, bad = bounds.check_column(df["aht_seconds"], "aht_seconds", bounds.HANDLE_SECONDS, row,
                                       lo=0.0, lo_open=True, required=False)
        problems += bad
    if problems:
        raise InputError(problems, title)
    out = pd.DataFrame({"ds": ds, "channel": channels, "contacts": contacts, "aht_seconds": aht})
    dup = out.duplicated(["ds", "channel"], keep=False).to_numpy()
    if dup.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(dup)[:10])
        raise InputError([Problem(name, f"rows {rows} give the same interval and channel twice")], title)
    pos = interval_index(scenario, out["ds"])
    if not (pos >= 0).any():
        raise InputError([Problem(name, f"no row falls in the scenario's week {scenario.start} + {scenario.days} "
                                        f"days (rows run from {out['ds'].min()} to {out['ds'].max()})")], title)
    out = out[pos >= 0]
    idx = week_intervals(scenario)
    if idx.tz is not None:
        out = out.assign(ds=idx[pos[pos >= 0]])
    return out.reset_index(drop=True)


def rough_week_contacts(scenario: Scenario) -> float:
    """Contacts the week will bring, estimated cheaply (no forecasting) for the size guard before heavy work.

    Rates: their sum over open intervals; a forecast file: its rows in the week; a history: its mean contacts per
    day times the scenario's days. Scales applied; bot sessions escalated to people counted once more.
    Files that cannot be read give 0 here: the run itself reports them.
    """
    spec = scenario.demand
    per_channel: dict[str, float] = {}
    try:
        if spec.rates is not None:
            for name, values in spec.rates.items():
                if name in scenario.channels:
                    series = np.full(scenario.n_intervals, float(values)) if not isinstance(values, list) \
                        else np.asarray(values, float)
                    per_channel[name] = float(series[open_mask(scenario, name)].sum())
        else:
            path = scenario.resolve(spec.forecast if spec.forecast is not None else spec.history)
            table = read_table(path, ("channel",), text=True)
            column = next((c for c in ("yhat", "contacts") if c in table.columns), None)
            if column is None:
                return 0.0
            values = pd.to_numeric(table[column], errors="coerce").fillna(0.0)
            totals = values.groupby(table["channel"].str.strip()).sum()
            if spec.history is not None:
                days = pd.to_datetime(table["ds"], errors="coerce", format="mixed").dt.normalize().nunique() \
                    if "ds" in table.columns else 1
                totals = totals / max(days, 1) * scenario.days
            per_channel = {k: float(v) for k, v in totals.items() if k in scenario.channels}
    except InputError:
        return 0.0
    total = 0.0
    for name, contacts in per_channel.items():
        contacts *= spec.factor(name)
        channel = scenario.channels[name]
        total += contacts * (1 + (1 - channel.containment if channel.kind == "ai" else 0.0))
    return total
