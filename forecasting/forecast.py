"""Forecast contacts per interval and channel from long-format history: one call, any model, any channel set.

`Forecaster(models=[...]).forecast(history, h)` works like statsforecast: a list of model objects, long-format in
(`ds, channel, contacts[, aht_seconds]`), long-format out (`ds, channel, model, yhat, yhat_lo, yhat_hi,
aht_seconds`), every interval of the `h` calendar days after the history (closed intervals and closure days 0).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios import InputError, Problem
from scenarios.progress import Progress, no_progress, scaled

from .backtest import CANDIDATES, AutoModel, backtest_grid
from .grid import DayGrid, closure_dates, to_grid
from .history import read_history
from .models import ForecastModel
from .registry import MODELS

MODEL_NAMES = ("auto", *MODELS)
FORECAST_COLUMNS = ["ds", "channel", "model", "yhat", "yhat_lo", "yhat_hi", "aht_seconds"]


def model_from_name(name: str, folds: int = 4, horizon_days: int = 7) -> ForecastModel:
    """A model object by its CLI name ('auto', 'snaive', 'weekday_mean', 'ets', 'mstl', 'sarimax')."""
    if name == "auto":
        return AutoModel(CANDIDATES, folds=folds, horizon_days=horizon_days)
    if name not in MODELS:
        from scenarios.errors import did_you_mean
        raise InputError([Problem("model", f"unknown model '{name}'{did_you_mean(name, MODEL_NAMES)}; "
                                           f"choose one of {', '.join(MODEL_NAMES)}")], "invalid forecast settings")
    return MODELS[name]()


class Forecaster:
    """Fit every model in `models` to every channel of a history and forecast `h` calendar days.

    `interval_minutes`: resample the history to this interval (default: the history's own). `closed_dates` and
    `holiday_country` (the `holidays` package) name closures: left out of the fit, forecast as 0.
    After `forecast`, `fitted_[channel][model name]` holds the fitted models and `notes_` what was noticed.
    """

    def __init__(self, models: list[ForecastModel], interval_minutes: int | None = None,
                 closed_dates: Iterable[dt.date] = (), holiday_country: str | None = None, allow_gaps: bool = False):
        self.models = list(models)
        self.interval_minutes = interval_minutes
        self.closed_dates = list(closed_dates)
        self.holiday_country = holiday_country
        self.allow_gaps = allow_gaps

    def grids(self, history: pd.DataFrame | str | Path, until: dt.date | None = None) -> dict[str, DayGrid]:
        """Check the history and build each channel's day matrix."""
        if isinstance(history, (str, Path)) or "step_minutes" not in getattr(history, "attrs", {}):
            history = read_history(history, self.interval_minutes, closed_dates=self.closures(history, until),
                                   allow_gaps=self.allow_gaps)
        elif self.interval_minutes and history.attrs.get("step_minutes") != self.interval_minutes:
            from .history import resample_history
            history = resample_history(history, self.interval_minutes)
        step = self.interval_minutes or int(history.attrs.get("step_minutes"))
        self.interval_minutes_ = step
        closed = self.closures(history, until)
        self.closures_ = closed
        self.history_notes_ = [str(p) for p in history.attrs.get("gaps", [])]
        return {ch: to_grid(history, ch, step, closed) for ch in sorted(history["channel"].unique())}

    def closures(self, history: pd.DataFrame | str | Path, until: dt.date | None = None) -> list[dt.date]:
        """Closure dates from the history's first day to `until` (or 60 days past the history): the given dates
        plus the public holidays of `holiday_country`."""
        if isinstance(history, pd.DataFrame) and len(history):
            first = pd.to_datetime(history["ds"]).min().date()
            last = max(pd.to_datetime(history["ds"]).max().date(), until or dt.date.min)
        else:
            first, last = dt.date(1970, 1, 1), until or dt.date(2100, 1, 1)
            if self.holiday_country:
                frame = pd.read_csv(history, usecols=["ds"]) if Path(history).exists() else None
                if frame is not None and len(frame):
                    ds = pd.to_datetime(frame["ds"], errors="coerce").dropna()
                    first, last = ds.min().date(), max(ds.max().date(), until or dt.date.min)
        if self.holiday_country:
            last = max(last, last + dt.timedelta(days=60))
        return closure_dates(first, last, self.closed_dates, self.holiday_country)

    def forecast(self, history: pd.DataFrame | str | Path, h: int = 7, start: dt.date | None = None,
                 progress: Progress | None = None) -> pd.DataFrame:
        """Long-format forecast of the `h` calendar days after the history (or from `start`)."""
        progress = progress or no_progress
        until = (start + dt.timedelta(days=h)) if start else None
        grids = self.grids(history, until)
        self.fitted_: dict[str, dict[str, ForecastModel]] = {}
        self.notes_: list[str] = list(self.history_notes_)
        frames = []
        for i, (channel, grid) in enumerate(grids.items()):
            self.notes_ += grid.notes
            first = (grid.days[-1] + pd.Timedelta(days=1)) if start is None else pd.Timestamp(start)
            calendar = pd.date_range(first, periods=h, freq="D")
            if start is not None and calendar[0] <= grid.days[-1]:
                raise InputError([Problem("start", f"the forecast start {calendar[0].date()} is inside the history "
                                                   f"of channel {channel} (ends {grid.days[-1].date()})")],
                                 "invalid forecast settings")
            # Forecast from the end of history through the last wanted day; keep the wanted days.
            reach = (calendar[-1] - grid.days[-1]).days
            future = grid.future_days(reach)
            future = future[future >= calendar[0]]
            for j, model in enumerate(self.models):
                sub = scaled(progress, (i + j / len(self.models)) / len(grids),
                             (i + (j + 1) / len(self.models)) / len(grids))
                sub(0.0, f"{channel}: fitting {model.name}")
                fitted = copy.deepcopy(model)
                if isinstance(fitted, AutoModel):
                    fitted.progress = sub
                if not fitted.can_fit(grid):
                    raise InputError([Problem(f"channel {channel}", f"{model.name} needs at least "
                                                                    f"{model.min_weeks:g} week{'s' if model.min_weeks != 1 else ''} of normal days; the history has "
                                                                    f"{int(grid.normal.sum())} days (try --model auto)")],
                                     "cannot forecast")
                fitted.fit(grid)
                self.notes_ += getattr(fitted, "notes_", [])
                self.fitted_.setdefault(channel, {})[model.name] = fitted
                yhat, lo, hi = fitted.predict(future, closed_dates=self.closures_)
                label = model.name if not isinstance(fitted, AutoModel) else f"auto:{fitted.chosen_.name}"
                frames.append(_long(grid, calendar, future, yhat, lo, hi, label, aht_profile(grid, future)))
                closed_now = sorted({d for d in self.closures_ if calendar[0].date() <= d <= calendar[-1].date()})
                if closed_now:
                    self.notes_.append(f"{channel}: closed on {', '.join(map(str, closed_now))} (holiday/closure): forecast 0")
        progress(1.0, "forecast done")
        out = pd.concat(frames, ignore_index=True)[FORECAST_COLUMNS]
        out.attrs["notes"] = list(dict.fromkeys(self.notes_))
        # when the history does not support a reliable forecast (auto's error law says so)
        out.attrs["warnings"] = [w for fitted in self.fitted_.values() for m in fitted.values()
                                 for w in getattr(m, "warnings_", [])]
        return out


def _long(grid: DayGrid, calendar: pd.DatetimeIndex, future: pd.DatetimeIndex, yhat, lo, hi, label: str,
          aht: np.ndarray | None) -> pd.DataFrame:
    """Every interval of the calendar days; kept slots of open days get the model's values, the rest 0."""
    step = grid.interval_minutes
    per_day = 1440 // step
    ds = pd.date_range(calendar[0], periods=len(calendar) * per_day, freq=f"{step}min")
    values = np.zeros((4, len(ds)))
    values[3] = np.nan
    col = grid.slots // step
    for r, day in enumerate(future):
        base = (day - calendar[0]).days * per_day
        values[0, base + col], values[1, base + col], values[2, base + col] = yhat[r], lo[r], hi[r]
        if aht is not None:
            values[3, base + col] = aht[r]
    return pd.DataFrame({"ds": ds, "channel": grid.channel, "model": label, "yhat": values[0], "yhat_lo": values[1],
                         "yhat_hi": values[2], "aht_seconds": values[3]})


def aht_profile(grid: DayGrid, future: pd.DatetimeIndex, weeks: int = 8) -> np.ndarray | None:
    """Mean handle time (seconds) per future open day and interval: the contact-weighted mean of the same weekday
    and interval over the last `weeks` weeks, else of that interval on any day, else of the channel. None when the
    history has no handle times."""
    if grid.aht is None or not np.isfinite(grid.aht).any():
        return None
    m = grid.days_per_week
    recent = slice(max(len(grid.days) - weeks * m, 0), None)
    a, w = grid.aht[recent], np.nan_to_num(grid.values[recent])
    w = np.where(np.isfinite(a), w, 0.0)
    a = np.nan_to_num(a)
    pos = (np.arange(len(grid.days))[recent]) % m
    overall = (a * w).sum() / w.sum() if w.sum() > 0 else float(np.nanmean(grid.aht))
    by_slot = np.where(w.sum(axis=0) > 0, (a * w).sum(axis=0) / np.maximum(w.sum(axis=0), 1e-12), overall)
    steps = grid.steps_ahead(future)
    out = []
    for s in steps:
        k = (len(grid.days) - 1 + s) % m
        ww = w[pos == k].sum(axis=0)
        out.append(np.where(ww > 0, (a[pos == k] * w[pos == k]).sum(axis=0) / np.maximum(ww, 1e-12), by_slot))
    return np.stack(out) if out else np.zeros((0, grid.n_slots))


def forecast(history: pd.DataFrame | str | Path, horizon_days: int = 7, model: str = "auto", *,
             interval_minutes: int | None = None, start: dt.date | None = None, closed_dates: Iterable[dt.date] = (),
             holiday_country: str | None = None, allow_gaps: bool = False, folds: int = 4,
             progress: Progress | None = None) -> pd.DataFrame:
    """Forecast every channel of `history` for `horizon_days` with one model (`auto` backtests and picks per channel).

    Returns ds, channel, model (auto shows 'auto:<chosen>'), yhat, yhat_lo, yhat_hi (80%), aht_seconds (NaN
    without handle times in the history); `result.attrs["notes"]` lists what was noticed (gaps, fallbacks).
    """
    f = Forecaster([model_from_name(model, folds, horizon_days)], interval_minutes, closed_dates, holiday_country,
                   allow_gaps)
    out = f.forecast(history, horizon_days, start=start, progress=progress)
    out.attrs["scores"] = {ch: getattr(m["auto"], "scores_", None) for ch, m in f.fitted_.items() if "auto" in m}
    return out


def backtest(history: pd.DataFrame | str | Path, folds: int = 4, horizon_days: int = 7,
             models: Iterable[str] = CANDIDATES, *, interval_minutes: int | None = None,
             closed_dates: Iterable[dt.date] = (), holiday_country: str | None = None, allow_gaps: bool = False,
             progress: Progress | None = None) -> tuple[list[dict], list[str]]:
    """Rolling-origin backtest of `models` on every channel, plus an `auto` row per channel (the lowest WAPE).

    Returns (rows, notes); a row: {channel, model, wape, mase, bias, daily_mape, coverage80, fit_seconds, folds,
    fold_wape, fold_starts} (auto rows add `chosen`).
    """
    from .backtest import choose

    progress = progress or no_progress
    f = Forecaster([], interval_minutes, closed_dates, holiday_country, allow_gaps)
    grids = f.grids(history)
    notes = list(f.history_notes_)
    rows = []
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        model_from_name(unknown[0])
    for i, (channel, grid) in enumerate(grids.items()):
        notes += grid.notes
        own, more = backtest_grid(grid, [MODELS[m]() for m in models], folds, horizon_days,
                                  progress=scaled(progress, i / len(grids), (i + 1) / len(grids)))
        notes += more
        rows += own
        best = choose(own)
        if best is not None:
            rows.append({**best, "model": "auto", "chosen": best["model"]})
    progress(1.0, "backtest done")
    return rows, list(dict.fromkeys(notes))
