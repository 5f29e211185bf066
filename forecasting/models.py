"""Forecast models of contacts per interval, each behind one interface (scikit-learn style).

`model.fit(grid)` learns from a `DayGrid` (open days x intervals of the day; see forecasting.grid) and sets
attributes ending in `_`; `model.predict(days)` returns point forecasts and 80% prediction intervals for future
open days as matrices (days x intervals). Counts are contacts per interval.

Prediction intervals are shared by every model: contacts in a cell are taken as gamma-distributed around the point
forecast mu with variance phi * mu + (c * mu)^2, where phi is the intraday over-dispersion (Poisson = 1) of the
history around its weekday profile and c the relative error of one-week-ahead daily totals seen in the history.
The gamma keeps bounds non-negative and widens them on busy intervals the way count data do.
"""

from __future__ import annotations

import time
import warnings
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from .grid import DayGrid

Z80 = (0.10, 0.90)


class ForecastModel:
    """Base: subclasses implement `_fit(grid)` and `_point(steps)` (steps = open-day offsets after the history)."""

    name: ClassVar[str] = "model"
    #: smallest training history, in weeks of open days, the model can be fit on
    min_weeks: ClassVar[float] = 1.0

    def fit(self, grid: DayGrid) -> "ForecastModel":
        if not self.can_fit(grid):
            raise ValueError(f"{self.name} needs at least {self.min_weeks:g} weeks of history")
        t0 = time.perf_counter()
        self.grid_ = grid
        self.days_per_week_ = grid.days_per_week
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._fit(grid)
        self.phi_, self.c_ = self._calibrate(grid)
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def can_fit(self, grid: DayGrid) -> bool:
        """True when the history holds enough normal days for this model."""
        return int(grid.normal.sum()) >= self.min_weeks * grid.days_per_week and len(grid.days) >= 1

    def predict(self, days: pd.DatetimeIndex | int, closed_dates=()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(yhat, yhat_lo, yhat_hi) for future open `days` (or the next N open days); closed dates are 0."""
        grid = self.grid_
        if isinstance(days, (int, np.integer)):
            steps = np.arange(1, int(days) + 1)
            dates = None
        else:
            dates = pd.DatetimeIndex(days)
            steps = grid.steps_ahead(dates)
        if len(steps) == 0:
            empty = np.zeros((0, grid.n_slots))
            return empty, empty, empty
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean = np.asarray(self._point(steps), float)
        mean = np.clip(np.nan_to_num(mean, nan=0.0), 0.0, None)
        if dates is not None and len(closed_dates):
            shut = np.asarray(dates.normalize().isin(pd.DatetimeIndex(pd.to_datetime(list(closed_dates)))))
            mean[shut] = 0.0
        lo, hi = gamma_interval(mean, self.phi_, self.c_)
        return mean, lo, hi

    # -- pieces subclasses provide ------------------------------------------------------------------------------
    def _fit(self, grid: DayGrid) -> None:
        raise NotImplementedError

    def _point(self, steps: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _daily_forecast_errors(self, grid: DayGrid) -> np.ndarray:
        """Relative errors (forecast - actual) / forecast of one-week-ahead daily totals over the history.

        The default uses the mean of the same weekday over the previous 4 weeks, a proxy for models whose own
        one-week-ahead errors are too costly to replay; the simple models override it with their own.
        """
        return _same_weekday_errors(grid, weeks=4)

    def _calibrate(self, grid: DayGrid) -> tuple[float, float]:
        phi = intraday_dispersion(grid)
        errors = self._daily_forecast_errors(grid)
        errors = errors[np.isfinite(errors)][-12 * grid.days_per_week:]
        c = float(np.sqrt(np.mean(errors ** 2))) if len(errors) >= 3 else 0.10
        return phi, c

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.endswith("_"))
        return f"{type(self).__name__}({params})"


# --- the models ----------------------------------------------------------------------------------------------

class SeasonalNaive(ForecastModel):
    """Weekly seasonal naive: each interval as it was on the same weekday of the last normal week."""

    name = "snaive"
    min_weeks = 1.0

    def _fit(self, grid: DayGrid) -> None:
        self.values_ = grid.values

    def _point(self, steps):
        return np.stack([same_weekday_rows(self.values_, self.days_per_week_, s, 1)[0] for s in steps])

    def _daily_forecast_errors(self, grid):
        return _same_weekday_errors(grid, weeks=1)


class WeekdayMean(ForecastModel):
    """Mean of the same weekday and interval over the last `weeks` normal weeks."""

    name = "weekday_mean"
    min_weeks = 1.0

    def __init__(self, weeks: int = 4):
        self.weeks = weeks

    def can_fit(self, grid: DayGrid) -> bool:
        # The fallback of last resort: weekdays not seen yet borrow the last normal day; no normal day at all
        # (a channel that was always closed) forecasts zeros.
        return len(grid.days) > 0

    def _fit(self, grid: DayGrid) -> None:
        self.values_ = grid.values

    def _point(self, steps):
        return np.stack([same_weekday_rows(self.values_, self.days_per_week_, s, self.weeks).mean(axis=0)
                         for s in steps])

    def _daily_forecast_errors(self, grid):
        return _same_weekday_errors(grid, weeks=self.weeks)


class ETSProfile(ForecastModel):
    """Holt-Winters exponential smoothing (statsmodels ETS) of daily totals, times the weekday's intraday profile.

    Daily totals: additive damped trend and multiplicative weekly seasonality over the open days (a season =
    `days_per_week` days); with under two weeks of history the seasonality is replaced by weekday factors. The
    level's smoothing weight is picked from `alphas` on a `tune_weeks` hold-out (see `_fit`). Profile: each interval's
    share of its day, averaged over the last `profile_weeks` normal days of the same weekday.
    """

    name = "ets"
    min_weeks = 2.0

    def __init__(self, profile_weeks: int = 8, damped: bool = True,
                 alphas: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3, 0.5), tune_weeks: int = 2):
        self.profile_weeks = profile_weeks
        self.damped = damped
        self.alphas = alphas
        self.tune_weeks = tune_weeks

    def _fit(self, grid: DayGrid) -> None:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        m = grid.days_per_week
        daily = impute_days(grid.values, m).sum(axis=1)
        seasonal = m > 1 and len(daily) >= 2 * m + 2 and daily.min() > 0
        trend = len(daily) >= 3 * m + 2
        # Too short for a seasonal ETS: divide out weekday factors (mean by weekday / overall mean), smooth the
        # adjusted totals, multiply the factors back.
        self.weekday_factor_ = np.ones(m)
        if m > 1 and not seasonal:
            pos = np.arange(len(daily)) % m
            overall = daily.mean()
            self.weekday_factor_ = np.array([daily[pos == k].mean() / overall if overall > 0 and (pos == k).any()
                                             else 1.0 for k in range(m)])
            self.weekday_factor_ = np.where(self.weekday_factor_ > 0, self.weekday_factor_, 1.0)
            daily = daily / self.weekday_factor_[pos]
        def ets(series):
            return ETSModel(series, error="add", trend="add" if trend else None, damped_trend=self.damped and trend,
                            seasonal="mul" if seasonal else None, seasonal_periods=m if seasonal else None)

        # Maximum likelihood tunes the smoothing for one-day-ahead errors and chases the last days; the forecast
        # is for the coming week. So the level's smoothing weight is chosen on the last `tune_weeks` weeks held
        # out (forecast from before them), then the model is refit on everything with that weight.
        self.alpha_ = None
        hold = self.tune_weeks * m
        if self.alphas and len(daily) - hold >= (2 * m + 2 if seasonal else m + 2):
            errors = {}
            for a in self.alphas:
                model = ets(daily[:-hold])
                with model.fix_params({"smoothing_level": a}):
                    fit = model.fit(disp=False, maxiter=100)
                errors[a] = float(np.abs(np.asarray(fit.forecast(hold)) - daily[-hold:]).sum())
            self.alpha_ = min(errors, key=errors.get)
        model = ets(daily)
        if self.alpha_ is None:
            self.ets_ = model.fit(disp=False, maxiter=200)
        else:
            with model.fix_params({"smoothing_level": self.alpha_}):
                self.ets_ = model.fit(disp=False, maxiter=200)
        self.profile_ = _weekday_profiles(grid, self.profile_weeks)

    def _point(self, steps):
        daily = np.asarray(self.ets_.forecast(int(steps.max())))[steps - 1]
        n, m = len(self.grid_.days), self.days_per_week_
        return np.stack([daily[i] * self.weekday_factor_[(n - 1 + s) % m] * self.profile_[(n - 1 + s) % m]
                         for i, s in enumerate(steps)])


class MSTLModel(ForecastModel):
    """MSTL (statsmodels) with a daily and a weekly seasonal component, on square roots of the counts.

    The series is the open intervals of the open days end to end (a day = `n_slots` points, a week =
    `days_per_week` days). Forecast = the last daily and weekly seasonal cycles plus the deseasonalised level of
    the last `level_days` days (default 4 weeks). The seasonal smoothers span `seasonal_windows` cycles (101: a
    nearly fixed shape, which forecasts a week ahead better than shapes that follow the last few weeks and
    reproduces a noise-free seasonal series). Square roots stabilise the variance of counts; the back-transform adds the
    residual variance so the forecast is a mean, not a median. Fits on the last `window_weeks` weeks.
    """

    name = "mstl"
    min_weeks = 2.0

    def __init__(self, window_weeks: int = 12, level_days: int | None = None, transform: str | None = "sqrt",
                 seasonal_windows: tuple[int, int] | None = (101, 101), iterate: int = 2):
        # level_days None = 4 weeks of open days
        self.seasonal_windows = seasonal_windows
        self.iterate = iterate
        self.window_weeks = window_weeks
        self.level_days = level_days
        self.transform = transform

    def _fit(self, grid: DayGrid) -> None:
        from statsmodels.tsa.seasonal import MSTL

        m, s = grid.days_per_week, grid.n_slots
        rows = impute_days(grid.values, m)[-self.window_weeks * m:]
        z = _forward(rows, self.transform).ravel()
        periods = [p for p in (s, s * m) if p > 1 and 2 * p < len(z)]
        if not periods:
            raise ValueError("history too short for MSTL")
        windows = list(self.seasonal_windows[:len(periods)]) if self.seasonal_windows else None
        res = MSTL(z, periods=periods, windows=windows, iterate=self.iterate).fit()
        seas = np.asarray(res.seasonal).reshape(len(z), -1)
        self.periods_ = periods
        self.seasonal_ = seas
        deseason = z - seas.sum(axis=1)
        level_days = self.level_days or 4 * m
        self.level_ = float(np.mean(deseason[-level_days * s:]))
        self.resid_var_ = float(np.var(np.asarray(res.resid)))
        self.n_points_ = len(z)

    def _point(self, steps):
        s = self.grid_.n_slots
        out = []
        # The daily period divides the weekly one, so the last week of the summed seasonal components continues
        # both; with only a daily period the last day does.
        p = max(self.periods_)
        seasonal = self.seasonal_.sum(axis=1)
        for step in steps:
            pos = self.n_points_ + (step - 1) * s + np.arange(s)
            back = pos - p * ((pos - self.n_points_) // p + 1)
            out.append(self.level_ + seasonal[back])
        return _backward(np.stack(out), self.transform, self.resid_var_)


class SARIMAXFourier(ForecastModel):
    """Regression on Fourier terms of the day and the week with ARMA errors (statsmodels SARIMAX), on square roots.

    Daily cycle: `daily_harmonics` sine/cosine pairs of period `n_slots`; weekly cycle: `weekly_harmonics` pairs
    of period `days_per_week * n_slots` (harmonics that coincide with daily ones are skipped), plus a constant.
    Fitted in two steps for speed: least squares for the Fourier terms, then ARMA(p, 0, q) by maximum likelihood
    (SARIMAX) on the residuals; the forecast adds both. Fits on the last `window_weeks` weeks; missing days stay
    missing (the Kalman filter steps over them).
    """

    name = "sarimax"
    min_weeks = 2.0

    def __init__(self, daily_harmonics: int = 12, weekly_harmonics: int = 20, order: tuple[int, int, int] = (1, 0, 0),
                 window_weeks: int = 8, transform: str | None = "sqrt"):
        self.daily_harmonics = daily_harmonics
        self.weekly_harmonics = weekly_harmonics
        self.order = order
        self.window_weeks = window_weeks
        self.transform = transform

    def _terms(self, pos: np.ndarray) -> np.ndarray:
        s, m = self.grid_.n_slots, self.days_per_week_
        cols = [np.ones(len(pos))]
        for k in range(1, min(self.daily_harmonics, s // 2) + 1):
            cols += [np.sin(2 * np.pi * k * pos / s), np.cos(2 * np.pi * k * pos / s)]
        if m > 1:
            done = 0
            for k in range(1, 10 * m):
                if done >= self.weekly_harmonics:
                    break
                if k % m == 0:
                    continue
                cols += [np.sin(2 * np.pi * k * pos / (s * m)), np.cos(2 * np.pi * k * pos / (s * m))]
                done += 1
        return np.column_stack(cols)

    def _fit(self, grid: DayGrid) -> None:
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        m, s = grid.days_per_week, grid.n_slots
        rows = grid.values[-self.window_weeks * m:]
        self.offset_ = (len(grid.values) - len(rows)) * s   # keeps the weekly phase of the full history
        z = _forward(rows, self.transform).ravel()
        pos = self.offset_ + np.arange(len(z))
        X = self._terms(pos)
        ok = np.isfinite(z)
        self.coef_, *_ = np.linalg.lstsq(X[ok], z[ok], rcond=None)
        resid = z - X @ self.coef_
        self.arma_ = SARIMAX(resid, order=self.order, trend="n").fit(disp=False, maxiter=50)
        self.resid_var_ = float(np.nanvar(resid - np.asarray(self.arma_.fittedvalues)))
        self.n_points_ = len(z)

    def _point(self, steps):
        s = self.grid_.n_slots
        horizon = int(steps.max()) * s
        pos = self.offset_ + self.n_points_ + np.arange(horizon)
        z = self._terms(pos) @ self.coef_ + np.asarray(self.arma_.forecast(horizon))
        return _backward(z.reshape(-1, s)[steps - 1], self.transform, self.resid_var_)


# --- helpers -------------------------------------------------------------------------------------------------

def same_weekday_rows(values: np.ndarray, m: int, step: int, weeks: int) -> np.ndarray:
    """Up to `weeks` normal rows of the same weekday as open day `len(values) - 1 + step`, newest first."""
    n = len(values)
    target = n - 1 + step
    rows = []
    t = target - m * ((target - n) // m + 1)
    while t >= 0 and len(rows) < weeks:
        if np.isfinite(values[t]).all():
            rows.append(values[t])
        t -= m
    if not rows:
        # no complete day of that weekday: fall back to any normal day (short or patchy histories)
        ok = np.flatnonzero(np.isfinite(values).all(axis=1))
        rows = [values[ok[-1]]] if len(ok) else [np.nan_to_num(values[-1])]
    return np.stack(rows)


def _same_weekday_errors(grid: DayGrid, weeks: int) -> np.ndarray:
    """Relative errors of daily totals forecast as the mean of the same weekday's last `weeks` normal days."""
    m = grid.days_per_week
    daily = np.where(grid.normal, np.nansum(grid.values, axis=1), np.nan)
    errors = np.full(len(daily), np.nan)
    for t in range(m, len(daily)):
        if not np.isfinite(daily[t]):
            continue
        past = daily[t - m::-m][:weeks]
        past = past[np.isfinite(past)]
        if len(past) and past.mean() > 0:
            errors[t] = (past.mean() - daily[t]) / past.mean()
    return errors


def impute_days(values: np.ndarray, m: int) -> np.ndarray:
    """Rows with missing cells filled with the mean of the nearest normal days of the same weekday."""
    out = values.copy()
    ok = np.isfinite(values).all(axis=1)
    if ok.all():
        return out
    fallback = np.nanmean(values[ok], axis=0) if ok.any() else np.zeros(values.shape[1])
    for t in np.flatnonzero(~ok):
        near = [t + k * m for k in (-1, 1, -2, 2, -3, 3) if 0 <= t + k * m < len(values) and ok[t + k * m]][:2]
        fill = np.mean(values[near], axis=0) if near else fallback
        out[t] = np.where(np.isfinite(values[t]), values[t], fill)
    return out


def _weekday_profiles(grid: DayGrid, weeks: int) -> np.ndarray:
    """Share of each interval in its day, per weekday position (row k of the result = rows t with t % m == k)."""
    m, s = grid.days_per_week, grid.n_slots
    daily = np.nansum(grid.values, axis=1)
    ok = grid.normal & (daily > 0)
    shares = np.where(ok[:, None], grid.values / np.where(daily > 0, daily, 1)[:, None], np.nan)
    out = np.zeros((m, s))
    all_mean = np.nanmean(shares[ok], axis=0) if ok.any() else np.full(s, 1.0 / s)
    for k in range(m):
        rows = np.flatnonzero(ok & (np.arange(len(daily)) % m == k))[-weeks:]
        out[k] = shares[rows].mean(axis=0) if len(rows) else all_mean
    return out


def intraday_dispersion(grid: DayGrid, weeks: int = 8) -> float:
    """Variance-to-mean ratio of interval counts around (day total x weekday profile); 1 for Poisson counts."""
    m = grid.days_per_week
    prof = _weekday_profiles(grid, weeks)
    daily = np.nansum(grid.values, axis=1)
    rows = np.flatnonzero(grid.normal & (daily > 0))[-weeks * m:]
    if len(rows) < 2:
        return 1.0
    expected = daily[rows, None] * prof[rows % m]
    y = grid.values[rows]
    keep = expected > 0.5
    if not keep.any():
        return 1.0
    # The profile is estimated from the same days; k/(k-1) undoes the fit's shrinkage of the residuals.
    k = max(len(rows) / m, 2)
    phi = float(np.mean((y[keep] - expected[keep]) ** 2 / expected[keep])) * k / (k - 1)
    return max(phi, 1.0)


def gamma_interval(mean: np.ndarray, phi: float, c: float, levels: tuple[float, float] = Z80) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper quantiles of a gamma with the given mean and variance phi*mean + (c*mean)^2."""
    mean = np.asarray(mean, float)
    var = phi * mean + (c * mean) ** 2
    pos = mean > 0
    shape = np.where(pos, mean ** 2 / np.where(var > 0, var, 1), 1.0)
    scale = np.where(pos, var / np.where(pos, mean, 1), 1.0)
    lo = np.where(pos, stats.gamma.ppf(levels[0], shape, scale=scale), 0.0)
    hi = np.where(pos, stats.gamma.ppf(levels[1], shape, scale=scale), 0.0)
    return lo, hi


def _forward(values: np.ndarray, transform: str | None) -> np.ndarray:
    return np.sqrt(np.clip(values, 0, None)) if transform == "sqrt" else values


def _backward(z: np.ndarray, transform: str | None, resid_var: float) -> np.ndarray:
    if transform == "sqrt":
        # E[z^2] = median^2 + variance: the forecast is a mean; where the model says zero it stays zero
        return np.where(z > 0, z ** 2 + resid_var, 0.0)
    return z
