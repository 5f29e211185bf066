"""Rolling-origin backtests and the `auto` model that picks, per channel, the lowest backtest WAPE.

Folds are the last `folds` windows of `horizon_days` calendar days of the history, oldest first; each is forecast
from the history before it. Metrics pool every fold's intervals (WAPE, bias, coverage, daily-total MAPE over all
fully observed days); MASE is the mean over folds of each fold's MASE, scaled by the in-sample weekly seasonal
naive of that fold's training history.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.progress import Progress, no_progress

from . import metrics
from .grid import DayGrid
from .error import RESIDUAL_COLUMNS, ForecastErrorModel
from .models import ForecastModel
from .registry import MODELS, make_model

#: the order `auto` tries models in (ties go to the earlier, simpler one)
CANDIDATES = ("weekday_mean", "snaive", "ets", "mstl", "sarimax", "dayprofile")
FALLBACK = ("weekday_mean", "snaive")
METRIC_KEYS = ("wape", "mase", "bias", "daily_mape", "coverage80")


@dataclass
class Fold:
    origin: int                 # rows before this one are training
    rows: np.ndarray            # test rows of the grid
    start: pd.Timestamp         # first calendar day of the window
    end: pd.Timestamp           # last calendar day of the window


def fold_windows(grid: DayGrid, folds: int, horizon_days: int, min_train_weeks: float = 1.0) -> list[Fold]:
    """Up to `folds` last windows whose training part holds at least `min_train_weeks` weeks of normal days."""
    last = grid.days[-1]
    out = []
    for f in range(folds):
        end = last - pd.Timedelta(days=f * horizon_days)
        start = end - pd.Timedelta(days=horizon_days - 1)
        rows = np.flatnonzero((grid.days >= start) & (grid.days <= end))
        if len(rows) == 0 or rows[0] == 0:
            break
        if grid.normal[:rows[0]].sum() < min_train_weeks * grid.days_per_week:
            break
        out.append(Fold(int(rows[0]), rows, start, end))
    return out[::-1]


def fold_forecasts(grid: DayGrid, model: ForecastModel, windows: list[Fold], notes: list[str],
                   tick=None):
    """Per fold a fresh copy of `model` fitted on the history before it: yields (fold, training grid, yhat, lo, hi,
    seconds to fit and forecast). Folds the model cannot be fit on are skipped; failures are added to `notes`."""
    for k, fold in enumerate(windows):
        if tick is not None:
            tick(k)
        train = grid.head(fold.origin)
        fresh = copy.deepcopy(model)
        if not fresh.can_fit(train):
            continue
        t0 = time.perf_counter()
        try:
            fresh.fit(train)
            # holidays of the test window are known in advance, like the scenario's
            yhat, ylo, yhi = fresh.predict(grid.days[fold.rows], closed_dates=grid.closed_days)
        except (ValueError, np.linalg.LinAlgError) as exc:
            notes.append(f"{grid.channel}: {model.name} failed on fold {fold.start.date()} ({exc})")
            continue
        yield fold, train, yhat, ylo, yhi, time.perf_counter() - t0


def backtest_residuals(grid: DayGrid, model: ForecastModel, folds: int = 8, horizon_days: int = 7) -> pd.DataFrame:
    """Rolling-origin forecasts of `model` against the actuals, one row per fold, day and interval: columns fold
    (index of the backtest window, oldest 0), day, slot (minutes after midnight), forecast, actual (contacts; NaN
    where the history has none). Closed days are left out. The input of `ForecastErrorModel.fit`."""
    frames = []
    for k, (fold, _, yhat, _, _, _) in enumerate(fold_forecasts(grid, model, fold_windows(grid, folds, horizon_days), [])):
        days = grid.days[fold.rows]
        open_ = ~np.asarray(days.isin(pd.DatetimeIndex(pd.to_datetime(grid.closed_days))))
        n = int(open_.sum())
        frames.append(pd.DataFrame({"fold": k, "day": np.repeat(days[open_], grid.n_slots),
                                    "slot": np.tile(grid.slots, n), "forecast": yhat[open_].ravel(),
                                    "actual": grid.values[fold.rows][open_].ravel()}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(RESIDUAL_COLUMNS))


def backtest_grid(grid: DayGrid, models: list[ForecastModel], folds: int = 4, horizon_days: int = 7,
                  progress: Progress | None = None) -> tuple[list[dict], list[str]]:
    """Backtest `models` on one channel. Returns (rows per model, notes).

    A row: channel, model, folds (how many folds it ran on), wape, mase, bias, daily_mape, coverage80,
    fit_seconds (mean per fold, fit + forecast), fold_wape (list), fold_starts. Models that cannot be fit on a
    fold's training history skip that fold (`folds` says how many they ran).
    """
    progress = progress or no_progress
    windows = fold_windows(grid, folds, horizon_days)
    notes = []
    if len(windows) < folds:
        notes.append(f"{grid.channel}: history allows {len(windows)} of {folds} backtest folds "
                     f"({len(grid.days)} open days, {horizon_days}-day horizon, at least a week of training)")
    m = grid.days_per_week
    rows = []
    for j, model in enumerate(models):
        actual, pred, lo, hi, mases, fold_wape, secs, starts = [], [], [], [], [], [], [], []
        def tick(k, model=model, j=j):
            progress((j * len(windows) + k) / max(len(models) * len(windows), 1), f"{grid.channel}: {model.name} fold {k + 1}")

        for fold, train, yhat, ylo, yhi, seconds in fold_forecasts(grid, model, windows, notes, tick):
            secs.append(seconds)
            y = grid.values[fold.rows]
            actual.append(y), pred.append(yhat), lo.append(ylo), hi.append(yhi)
            mases.append(metrics.mase(y, yhat, train.values.ravel(), season=m * grid.n_slots))
            fold_wape.append(metrics.wape(y, yhat))
            starts.append(str(fold.start.date()))
        row = {"channel": grid.channel, "model": model.name, "folds": len(actual)}
        if actual:
            a, p = np.concatenate(actual), np.concatenate(pred)
            row.update(wape=metrics.wape(a, p), mase=float(np.nanmean(mases)), bias=metrics.bias(a, p),
                       daily_mape=metrics.daily_mape(a, p), coverage80=metrics.coverage(a, np.concatenate(lo),
                                                                                         np.concatenate(hi)),
                       fit_seconds=float(np.mean(secs)), fold_wape=fold_wape, fold_starts=starts)
        else:
            row.update({k: float("nan") for k in METRIC_KEYS}, fit_seconds=float("nan"), fold_wape=[], fold_starts=[])
        rows.append(row)
    progress(1.0, f"{grid.channel}: backtest done")
    return rows, notes


def choose(rows: list[dict]) -> dict | None:
    """The row `auto` picks: lowest WAPE among models run on the most folds (all compared on the same folds)."""
    ran = [r for r in rows if r["folds"] > 0 and np.isfinite(r["wape"])]
    if not ran:
        return None
    most = max(r["folds"] for r in ran)
    return min((r for r in ran if r["folds"] == most), key=lambda r: r["wape"])


class AutoModel(ForecastModel):
    """Backtests `candidates` on the history (rolling origin, `folds` x `horizon_days`) and refits the one with
    the lowest WAPE on all of it. With too little history for any fold it falls back to the first of
    weekday_mean / snaive that can be fit, and says so in `notes_`.

    Models that need more history than the early folds offer are compared only where every candidate ran: a model
    that could not be fit on some folds is not chosen over models that ran on more.

    The chosen model's error law (`error_model_`, a ForecastErrorModel) is fitted to its own rolling-origin
    residuals over the last `error_folds` weeks; `predict` takes its 80% intervals from it, and `warnings_` (also in
    `notes_`) says when the history does not support a reliable forecast.
    """

    name = "auto"
    min_weeks = 1.0

    def __init__(self, candidates: tuple[str, ...] = CANDIDATES, folds: int = 4, horizon_days: int = 7,
                 error_folds: int = 8):
        self.candidates = tuple(candidates)
        self.folds = folds
        self.error_folds = error_folds
        self.horizon_days = horizon_days
        self.progress: Progress | None = None

    def can_fit(self, grid: DayGrid) -> bool:
        return len(grid.days) > 0          # falls back to what can be fit

    def fit(self, grid: DayGrid) -> "AutoModel":
        t0 = time.perf_counter()
        self.grid_ = grid
        self.notes_: list[str] = []
        models = [make_model(n) for n in self.candidates]
        windows = fold_windows(grid, self.folds, self.horizon_days)
        if windows:
            # a model that cannot be fit on the earliest fold could not be compared on every fold: leave it out
            first = grid.head(windows[0].origin)
            short = [m.name for m in models if not m.can_fit(first)]
            models = [m for m in models if m.can_fit(first)]
            if short:
                self.notes_.append(f"{grid.channel}: {', '.join(short)} left out of auto (need more history than "
                                   f"the {len(windows)} backtest fold(s) leave for training)")
        self.scores_, notes = backtest_grid(grid, models, self.folds, self.horizon_days, progress=self.progress)
        self.notes_ += notes
        best = choose(self.scores_)
        name = best["model"] if best else None
        if name is None:
            name = next((n for n in FALLBACK if MODELS[n]().can_fit(grid)), "weekday_mean")
            self.notes_.append(f"{grid.channel}: too little history to backtest; auto uses {name} without a backtest")
        else:
            skipped = [r["model"] for r in self.scores_ if r["folds"] < best["folds"]]
            if skipped:
                self.notes_.append(f"{grid.channel}: {', '.join(skipped)} need more history than some folds offer; "
                                   f"compared on {best['folds']} fold(s) without them")
        chosen = make_model(name)
        if not chosen.can_fit(grid):
            chosen = make_model("weekday_mean")
        self.chosen_ = chosen.fit(grid)
        self.phi_, self.c_ = self.chosen_.phi_, self.chosen_.c_
        self.days_per_week_ = grid.days_per_week
        residuals = backtest_residuals(grid, make_model(self.chosen_.name), self.error_folds, self.horizon_days)
        self.error_model_ = ForecastErrorModel().fit(residuals) if residuals["actual"].notna().any() else None
        self.warnings_ = ([f"{grid.channel}: {w}" for w in self.error_model_.warnings_] if self.error_model_ else
                          [f"{grid.channel}: no backtest of the forecast was possible (too little history): its "
                           "error is unknown"])
        self.notes_ += self.warnings_
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def predict(self, days, closed_dates=()):
        """The chosen model's forecast; 80% intervals from the error law of its own backtest when there is one."""
        yhat, lo, hi = self.chosen_.predict(days, closed_dates=closed_dates)
        if self.error_model_ is not None:
            lo, hi = self.error_model_.interval(yhat, 0.8)
        return yhat, lo, hi
