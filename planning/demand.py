"""The week's expected contacts per interval and channel, resolved once from whichever source the scenario names
(explicit rates, a forecast file, or the history forecast with forecasting); every later stage takes it as an
argument."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from scenarios import InputError, Problem, Scenario, open_mask, week_intervals
from scenarios.progress import Progress
from scenarios.tables import read_table

DEMAND_COLUMNS = ["ds", "channel", "contacts", "aht_seconds"]


def scenario_demand(scenario: Scenario, progress: Progress | None = None) -> pd.DataFrame:
    """Expected contacts (`contacts`, float) and mean handle time (`aht_seconds`) per interval of the week and channel.

    Every channel of the scenario gets every interval; closed intervals are 0; `demand.scale` and
    `demand.channel_scale` are applied. Sources: explicit rates, a forecast CSV (`yhat` or `contacts`), or a
    history CSV forecast with `demand.model`.
    """
    spec = scenario.demand
    if spec.rates is not None:
        table = _from_rates(scenario)
    elif spec.forecast is not None:
        table = _from_forecast_file(scenario)
    else:
        table = _from_history(scenario, progress)
    return finish_demand(scenario, table)


def _from_history(scenario: Scenario, progress: Progress | None) -> pd.DataFrame:
    """Forecast the scenario's days from its history with `demand.model`; notes go to the log and `attrs`."""
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
    return table


def finish_demand(scenario: Scenario, table: pd.DataFrame) -> pd.DataFrame:
    """Complete grid, closed intervals zeroed, scales applied, default AHT from the channel where unknown."""
    idx = week_intervals(scenario)
    frames = []
    for name, channel in scenario.channels.items():
        own = table[table["channel"] == name].set_index("ds")
        contacts = own["contacts"].reindex(idx).fillna(0.0).to_numpy(float)
        scale = scenario.demand.scale * scenario.demand.channel_scale.get(name, 1.0)
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
    path = scenario.resolve(scenario.demand.forecast)
    df = read_table(path, ("ds", "channel"), title="invalid forecast", hint="a forecast needs ds, channel, yhat")
    value = "yhat" if "yhat" in df.columns else "contacts"
    df = read_table(df, (value,), title="invalid forecast", name=str(path), hint="a forecast needs ds, channel, yhat")
    df["ds"] = pd.to_datetime(df["ds"], errors="coerce")
    bad = df["ds"].isna() | pd.to_numeric(df[value], errors="coerce").isna() | (pd.to_numeric(df[value], errors="coerce") < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError([Problem(f"{path}:row {i + 2}", f"needs a date-time ds and a non-negative {value}")])
    unknown = sorted(set(df["channel"]) - set(scenario.channels))
    if unknown:
        raise InputError([Problem(str(path), f"unknown channel(s) {', '.join(map(str, unknown))}")])
    out = df.rename(columns={value: "contacts"})
    return out[[c for c in DEMAND_COLUMNS if c in out.columns]]
