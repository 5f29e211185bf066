"""Forecast error as part of the forecast: how far a week, a day and an interval deviate from the point forecast.

Learned from a series' own rolling-origin backtest residuals (`backtest_residuals`), in two layers:
- day factor: actual day total / forecast day total = exp(mu + w + e_d), with w a shock shared by the days of the
  forecast week and e_d one per day, both normal: the log factor has mean `bias_`, standard deviation `day_sd_` and
  correlation `day_corr_` between two days of the same week (one-way random-effects ANOVA over the backtest weeks,
  on log factors winsorized at WINSOR_AT robust standard deviations, so one odd day does not set the spread);
- interval noise: given the day's total, the count of an interval is Poisson around (forecast x day factor x G)
  with G a Gamma of mean 1 and coefficient of variation `interval_cv_` (the profile's own error: counts vary more
  than Poisson, var = mean + (interval_cv_ x mean)^2).
`sample` draws plausible weeks (counts) from that law; `interval` gives prediction intervals from its first two
moments (a gamma matched to each cell's mean and variance). Counts are contacts per interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import metrics

RESIDUAL_COLUMNS = ("fold", "day", "slot", "forecast", "actual")
MIN_WEEKS = 4            # fewer backtest weeks than this: the spread itself is too uncertain to trust
HIGH_WAPE = 0.25         # interval WAPE above this: the forecast is a rough guide only
COVERAGE_OK = (0.70, 0.90)
# Day factors are winsorized at this many robust standard deviations before their spread is estimated; the spread
# is then divided by the winsorized normal's standard deviation (variance E[clip(Z, -c, c)^2] for a standard
# normal Z) so a clean normal sample still gives its own sd.
WINSOR_AT = 2.5
WINSOR_VARIANCE = float((2 * stats.norm.cdf(WINSOR_AT) - 1) - 2 * WINSOR_AT * stats.norm.pdf(WINSOR_AT)
                        + 2 * WINSOR_AT ** 2 * stats.norm.sf(WINSOR_AT))


class ForecastErrorModel:
    """Error law of a forecast, fitted to backtest residuals (scikit-learn style: learned values end in `_`).

    `fit(residuals)` takes a table with columns fold (the backtest week), day, slot, forecast, actual (NaN actuals
    are skipped). After fitting: bias_, day_sd_, day_corr_, interval_cv_, weeks_, days_, wape_, coverage80_
    (leave-one-week-out coverage of the 80% interval, NaN under 3 weeks) and warnings_ (plain sentences saying when
    the history does not support a reliable forecast).
    """

    def __init__(self, level: float = 0.8):
        self.level = level

    def fit(self, residuals: pd.DataFrame) -> "ForecastErrorModel":
        table = residuals.loc[:, list(RESIDUAL_COLUMNS)]
        self._set(*_fit_parameters(table))
        self.weeks_ = int(table["fold"].nunique())
        self.days_ = int(table.groupby(["fold", "day"]).ngroups)
        self.wape_ = metrics.wape(table["actual"], table["forecast"])
        self.coverage80_ = self._held_out_coverage(table)
        self.warnings_ = self._warnings()
        return self

    @classmethod
    def from_parameters(cls, *, day_sd: float, day_corr: float = 0.0, bias: float = 0.0,
                        interval_cv: float = 0.0) -> "ForecastErrorModel":
        """A law given by its parameters (a planner's setting, a known truth) rather than fitted: no backtest
        behind it, so no held-out figures (weeks_ 0, wape_ and coverage80_ NaN) and no warnings."""
        law = cls()
        law._set(float(bias), float(day_sd), float(day_corr), float(interval_cv))
        law.weeks_, law.days_, law.wape_, law.coverage80_, law.warnings_ = 0, 0, float("nan"), float("nan"), []
        return law

    def _set(self, bias: float, day_sd: float, day_corr: float, interval_cv: float) -> None:
        self.bias_, self.day_sd_, self.day_corr_, self.interval_cv_ = bias, day_sd, day_corr, interval_cv

    def _held_out_coverage(self, table: pd.DataFrame) -> float:
        """Coverage of the 80% interval on each backtest week by a law fitted to the other weeks."""
        folds = table["fold"].unique()
        if len(folds) < 3:
            return float("nan")
        inside, count = 0, 0
        for fold in folds:
            held = table["fold"] == fold
            other = ForecastErrorModel(self.level)
            other._set(*_fit_parameters(table[~held]))
            own = table[held & table["actual"].notna()]
            lo, hi = other.interval(own["forecast"].to_numpy(), 0.8)
            inside += int(((own["actual"] >= lo) & (own["actual"] <= hi)).sum())
            count += len(own)
        return inside / count if count else float("nan")

    def _warnings(self) -> list[str]:
        out = []
        if self.weeks_ < MIN_WEEKS:
            out.append(f"only {self.weeks_} backtest week(s) of forecast errors (fewer than {MIN_WEEKS}): the spread "
                       "of the forecast is a rough estimate; plan with a margin")
        if np.isfinite(self.wape_) and self.wape_ > HIGH_WAPE:
            out.append(f"the forecast missed interval counts by {self.wape_:.0%} (WAPE) in the backtest: it is a "
                       "rough guide only")
        if np.isfinite(self.coverage80_) and not COVERAGE_OK[0] <= self.coverage80_ <= COVERAGE_OK[1]:
            out.append(f"the 80% prediction band covered {self.coverage80_:.0%} of held-out backtest counts "
                       f"(outside {COVERAGE_OK[0]:.0%}-{COVERAGE_OK[1]:.0%}): the error law does not fit this history well")
        return out

    # -- use ---------------------------------------------------------------------------------------------------------
    def interval(self, forecast: np.ndarray, level: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) central prediction interval of each cell's count at `level` (default the model's, 0.8)."""
        level = self.level if level is None else level
        mean, var = self._moments(np.asarray(forecast, float))
        pos = mean > 0
        shape = np.where(pos, mean ** 2 / np.where(var > 0, var, 1.0), 1.0)
        scale = np.where(pos, var / np.where(pos, mean, 1.0), 1.0)
        tail = (1 - level) / 2
        lo = np.where(pos, stats.gamma.ppf(tail, shape, scale=scale), 0.0)
        hi = np.where(pos, stats.gamma.ppf(1 - tail, shape, scale=scale), 0.0)
        return lo, hi

    def _moments(self, forecast: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of a cell's count: E f F and E f F + F^2 (E f^2 (1 + cv^2) - (E f)^2)."""
        f1 = np.exp(self.bias_ + self.day_sd_ ** 2 / 2)
        f2 = np.exp(2 * self.bias_ + 2 * self.day_sd_ ** 2)
        mean = forecast * f1
        return mean, mean + forecast ** 2 * (f2 * (1 + self.interval_cv_ ** 2) - f1 ** 2)

    def sample(self, forecast: np.ndarray, rng: np.random.Generator, n: int = 1) -> np.ndarray:
        """`n` plausible weeks of counts, shape (n, days, intervals), around `forecast` (days x intervals of one
        forecast week: its days share the week shock). Same generator state, same draws."""
        forecast = np.atleast_2d(np.asarray(forecast, float))
        days = forecast.shape[0]
        week = rng.normal(0.0, self.day_sd_ * np.sqrt(self.day_corr_), size=(n, 1))
        day = rng.normal(0.0, self.day_sd_ * np.sqrt(1 - self.day_corr_), size=(n, days))
        rate = forecast[None] * np.exp(self.bias_ + week + day)[:, :, None]
        if self.interval_cv_ > 0:
            k = 1 / self.interval_cv_ ** 2
            rate = rate * rng.gamma(k, 1 / k, size=rate.shape)
        return rng.poisson(rate).astype(float)


def _fit_parameters(table: pd.DataFrame) -> tuple[float, float, float, float]:
    """(bias, day_sd, day_corr, interval_cv) from a residual table; see ForecastErrorModel."""
    t = table[table["actual"].notna()]
    days = t.groupby(["fold", "day"]).agg(forecast=("forecast", "sum"), actual=("actual", "sum"))
    days = days[(days["forecast"] > 0) & (days["actual"] > 0)]
    if len(days) < 2:
        return 0.0, 0.10, 0.0, 0.0
    z = np.log(days["actual"] / days["forecast"])
    bias = float(z.mean())
    day_sd, day_corr = _variance_components(_winsorized(z))
    day_sd /= np.sqrt(WINSOR_VARIANCE)
    # interval noise given the day: expected count = forecast x the day's own factor
    factor = (days["actual"] / days["forecast"]).rename("factor")
    cells = t.join(factor, on=["fold", "day"]).dropna(subset=["factor"])
    expected = cells["forecast"].to_numpy() * cells["factor"].to_numpy()
    y = cells["actual"].to_numpy()
    keep = expected > 0.5
    excess = ((y[keep] - expected[keep]) ** 2 - expected[keep]).sum() / max((expected[keep] ** 2).sum(), 1e-12)
    return bias, day_sd, day_corr, float(np.sqrt(max(excess, 0.0)))


def _winsorized(z: pd.Series) -> pd.Series:
    """Log day factors pulled in to median +- WINSOR_AT robust standard deviations (1.4826 MAD): one holiday or
    outage day among the backtest weeks would otherwise widen every band and every hedge (calendar effects and
    listed holidays are the point forecast's job, not the spread's)."""
    median = float(z.median())
    scale = 1.4826 * float(np.median(np.abs(z - median)))
    if scale <= 0:
        return z
    return z.clip(median - WINSOR_AT * scale, median + WINSOR_AT * scale)


def _variance_components(z: pd.Series) -> tuple[float, float]:
    """(sd, correlation within a fold) of log day factors by one-way random-effects ANOVA (moments)."""
    groups = [g.to_numpy() for _, g in z.groupby(level="fold")]
    total = float(np.var(z.to_numpy(), ddof=1))
    sizes = np.array([len(g) for g in groups])
    if len(groups) < 2 or (sizes < 2).all():
        return float(np.sqrt(total)), 0.0
    grand = z.mean()
    ssw = sum(((g - g.mean()) ** 2).sum() for g in groups)
    ssb = sum(len(g) * (g.mean() - grand) ** 2 for g in groups)
    dfw, dfb = sizes.sum() - len(groups), len(groups) - 1
    msw, msb = ssw / max(dfw, 1), ssb / dfb
    n0 = (sizes.sum() - (sizes ** 2).sum() / sizes.sum()) / dfb
    between = max((msb - msw) / n0, 0.0)
    within = msw
    # the variance of a day's factor about the bias includes the between-week part
    return float(np.sqrt(between + within)), float(min(between / (between + within), 0.95)) if between + within > 0 else 0.0
