"""Weekly contacts for the months ahead: yearly seasonality, trend and holiday weeks, with an uncertainty band.

Each channel's log weekly contacts are a regression on a linear trend, yearly Fourier terms (period 52.18 weeks)
and the number of weekday holidays in the week, with AR(1) errors (feasible GLS, statsmodels GLSAR). Logs make the seasonality
and the band multiplicative and keep every figure positive; `yhat` is the median (exp of the log forecast).
The band is the model's prediction interval (the coefficients' uncertainty and the AR(1) errors); `draw` simulates
whole future paths (coefficients drawn from their law, errors carried from week to week), which is what a Monte
Carlo of the plan needs. The handle time per week gets the
same regression (no logs) when the history has `aht_seconds`.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

from scenarios import InputError, Problem

from .grid import closure_dates

PERIOD_WEEKS = 52.1775
MIN_WEEKS = 13                 # below a quarter of weekly history there is no trend to speak of
YEAR_WEEKS = 52                # a yearly season needs at least a year of history
MAX_HARMONICS = 4              # Fourier pairs: enough for a summer dip and a December peak, few enough for 2 years


@dataclass
class _Regression:
    """A regression with AR(1) errors, fitted by feasible GLS (statsmodels GLSAR): coefficients `beta` with their
    covariance, the error's autocorrelation `rho` and innovation variance `sigma2`, the last residual."""

    beta: np.ndarray
    cov: np.ndarray
    rho: float
    sigma2: float
    last_residual: float

    def mean(self, exog: np.ndarray) -> np.ndarray:
        h = np.arange(1, len(exog) + 1)
        return exog @ self.beta + self.rho ** h * self.last_residual

    def sd(self, exog: np.ndarray) -> np.ndarray:
        """Forecast standard deviation: the coefficients' uncertainty plus the AR(1) errors accumulated."""
        h = np.arange(1, len(exog) + 1)
        ar = self.sigma2 * (1 - self.rho ** (2 * h)) / (1 - self.rho ** 2)
        return np.sqrt(np.einsum("ij,jk,ik->i", exog, self.cov, exog) + ar)

    def paths(self, exog: np.ndarray, samples: int, rng: np.random.Generator) -> np.ndarray:
        """Future paths (samples, weeks): coefficients drawn from their law, errors run forward from the last one."""
        beta = rng.multivariate_normal(self.beta, self.cov, size=samples, method="eigh")
        shocks = rng.normal(0.0, math.sqrt(self.sigma2), size=(samples, len(exog)))
        errors = np.empty_like(shocks)
        previous = np.full(samples, self.last_residual)
        for k in range(len(exog)):
            previous = self.rho * previous + shocks[:, k]
            errors[:, k] = previous
        return beta @ exog.T + errors


@dataclass
class _ChannelFit:
    """One channel's fitted model of log contacts and its future regressors."""

    contacts: _Regression
    future: np.ndarray


@dataclass
class WeeklyForecast:
    """The weekly forecast. `table`: week (Monday), channel, yhat (median contacts), yhat_lo, yhat_hi (`level`
    band), aht_seconds (NaN when the history has none). `warnings`: what the fit could not do (say, no yearly season
    with less than a year of history)."""

    table: pd.DataFrame
    level: float
    warnings: list[str] = field(default_factory=list)
    fits: dict[str, _ChannelFit] = field(default_factory=dict, repr=False)

    @property
    def channels(self) -> list[str]:
        return list(self.fits)

    def draw(self, samples: int, rng: np.random.Generator) -> np.ndarray:
        """`samples` future paths of weekly contacts, shape (samples, weeks, channels) in `channels` order."""
        weeks = self.table["week"].nunique()
        out = np.empty((samples, weeks, len(self.fits)))
        for c, fit in enumerate(self.fits.values()):
            out[:, :, c] = np.exp(fit.contacts.paths(fit.future, samples, rng))
        return out


def weekly_forecast(history: pd.DataFrame, start: dt.date, weeks: int, *, holidays: Iterable[dt.date] = (),
                    holiday_country: str | None = None, level: float = 0.8) -> WeeklyForecast:
    """Forecast `weeks` weeks from the Monday `start`, per channel, from a weekly history (scenarios.capacity
    `read_weekly_history`: week, channel, contacts[, aht_seconds]). Weeks with zero contacts are closures and are
    left out of the fit. InputError when a channel has fewer than MIN_WEEKS weeks or the history does not end
    before `start`."""
    future_weeks = pd.date_range(pd.Timestamp(start), periods=weeks, freq="7D")
    rows, notes, fits = [], [], {}
    for channel, data in history.groupby("channel", sort=True):
        data = data[data["contacts"] > 0].sort_values("week")
        if len(data) < MIN_WEEKS:
            raise InputError([Problem(f"history, channel {channel}", f"has {len(data)} weeks with contacts; the "
                                                                     f"weekly forecast needs at least {MIN_WEEKS}")],
                             "invalid weekly history")
        if data["week"].iloc[-1] >= pd.Timestamp(start):
            raise InputError([Problem(f"history, channel {channel}", f"runs to {data['week'].iloc[-1].date()}, "
                                                                     f"not before the plan's start {start}")],
                             "invalid weekly history")
        first = data["week"].iloc[0]
        harmonics = 0 if len(data) < YEAR_WEEKS else min(MAX_HARMONICS, len(data) // 26)
        if harmonics == 0:
            notes.append(f"{channel}: {len(data)} weeks of history, less than a year: no yearly season fitted")
        days = closure_dates(first.date(), future_weeks[-1].date() + dt.timedelta(days=6), holidays,
                             holiday_country)
        exog_past = _design(data["week"], first, harmonics, days)
        exog_future = _design(pd.Series(future_weeks), first, harmonics, days)
        if not exog_past[:, -1].any():
            exog_past, exog_future = exog_past[:, :-1], exog_future[:, :-1]
        contacts = _fit(np.log(data["contacts"].to_numpy(float)), exog_past)
        mean, lo, hi = _predict(contacts, exog_future, level)
        aht = np.full(weeks, np.nan)
        if "aht_seconds" in data and data["aht_seconds"].notna().sum() >= MIN_WEEKS:
            known = data["aht_seconds"].notna().to_numpy()
            aht_fit = _fit(data["aht_seconds"].to_numpy(float)[known], exog_past[known])
            aht = np.maximum(aht_fit.mean(np.column_stack([np.ones(weeks), exog_future])), 1.0)
        fits[str(channel)] = _ChannelFit(contacts, np.column_stack([np.ones(weeks), exog_future]))
        rows.append(pd.DataFrame({"week": future_weeks, "channel": channel, "yhat": np.exp(mean),
                                  "yhat_lo": np.exp(lo), "yhat_hi": np.exp(hi), "aht_seconds": aht}))
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["week", "channel", "yhat", "yhat_lo", "yhat_hi", "aht_seconds"])
    return WeeklyForecast(table, level, notes, fits)


def _design(weeks: pd.Series, first: pd.Timestamp, harmonics: int, closures: list[dt.date]) -> np.ndarray:
    """Regressors per week: trend (years since the first week), Fourier terms of the week of the year, and the
    number of weekday holidays in the week (last column)."""
    t = ((pd.to_datetime(weeks) - first).dt.days.to_numpy() / 7.0)
    cols = [t / PERIOD_WEEKS]
    for k in range(1, harmonics + 1):
        angle = 2 * math.pi * k * t / PERIOD_WEEKS
        cols += [np.sin(angle), np.cos(angle)]
    closed = pd.to_datetime(pd.Series([d for d in closures if d.weekday() < 5], dtype="datetime64[ns]"))
    monday = closed - pd.to_timedelta(closed.dt.weekday, unit="D")
    counts = monday.value_counts()
    cols.append(np.array([float(counts.get(pd.Timestamp(w), 0)) for w in pd.to_datetime(weeks)]))
    return np.column_stack(cols)


def _fit(y: np.ndarray, exog: np.ndarray) -> _Regression:
    from statsmodels.regression.linear_model import GLSAR

    design = np.column_stack([np.ones(len(y)), exog])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # short series: the iteration may stop before it settles; still the best
        fit = GLSAR(y, design, rho=1).iterative_fit(maxiter=20)
    rho = float(np.clip(np.asarray(fit.model.rho).ravel()[0], -0.95, 0.95))
    residual = y - design @ fit.params
    innovations = residual[1:] - rho * residual[:-1]
    sigma2 = float(np.sum(innovations ** 2) / max(len(innovations) - design.shape[1], 1))
    return _Regression(np.asarray(fit.params), np.asarray(fit.cov_params()), rho, sigma2, float(residual[-1]))


def _predict(fit: _Regression, exog: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from scipy.stats import norm

    design = np.column_stack([np.ones(len(exog)), exog])
    mean, sd = fit.mean(design), fit.sd(design)
    z = norm.ppf(0.5 + level / 2)
    return mean, mean - z * sd, mean + z * sd
