"""Means and 95% confidence intervals over independent replications (Student t).

A count or an hour figure is the mean of its per-replication values. A rate (service level, abandon rate,
ASA, occupancy) is a ratio of means, sum(y) / sum(x), with the ratio estimator's interval: the residuals
y_r - rate * x_r have standard error sd / sqrt(R), divided by mean(x). With one replication there is no
interval (NaN).

Differences between two runs (what-if variants against their base) are estimated from per-replication values
too: paired when both runs met the same customers (common random numbers: same seed and replication count),
Welch's unequal-variance interval when they are independent.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
from scipy import stats


class Estimate(NamedTuple):
    """A figure's mean over replications and its 95% confidence interval."""

    mean: float
    lo: float
    hi: float


@lru_cache(maxsize=256)
def t_quantile(replications: int, level: float = 0.95) -> float:
    """Two-sided Student t quantile for a `level` interval from `replications` values (NaN for one)."""
    return float(stats.t.ppf(0.5 + level / 2, replications - 1)) if replications > 1 else float("nan")


def mean_ci(values: np.ndarray, level: float = 0.95) -> Estimate:
    """Mean of per-replication values (axis 0) with a t interval."""
    values = np.asarray(values, float)
    r = values.shape[0]
    mean = values.mean(axis=0)
    if r < 2:
        nan = np.full_like(mean, np.nan)
        return Estimate(mean, nan, nan)
    half = t_quantile(r, level) * values.std(axis=0, ddof=1) / np.sqrt(r)
    return Estimate(mean, mean - half, mean + half)


def ratio_ci(y: np.ndarray, x: np.ndarray, level: float = 0.95) -> Estimate:
    """sum(y) / sum(x) over replications (axis 0) with the ratio estimator's t interval; NaN where sum(x) is 0."""
    y, x = np.asarray(y, float), np.asarray(x, float)
    r = y.shape[0]
    sx = x.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(sx > 0, y.sum(axis=0) / np.where(sx > 0, sx, 1), np.nan)
        if r < 2:
            nan = np.full_like(rate, np.nan)
            return Estimate(rate, nan, nan)
        residual = y - np.nan_to_num(rate) * x
        half = (t_quantile(r, level) * residual.std(axis=0, ddof=1) / np.sqrt(r)) / (sx / r)
    half = np.where(sx > 0, half, np.nan)
    return Estimate(rate, rate - half, rate + half)


def paired_difference_ci(x, y, level: float = 0.95) -> Estimate:
    """Mean of the replication-wise differences x_r - y_r with its t interval (replications where both exist);
    NaN bounds with fewer than two pairs."""
    d = np.asarray(x, float) - np.asarray(y, float)
    d = d[np.isfinite(d)]
    if len(d) == 0:
        return Estimate(np.nan, np.nan, np.nan)
    mean = float(d.mean())
    if len(d) < 2:
        return Estimate(mean, np.nan, np.nan)
    half = t_quantile(len(d), level) * float(d.std(ddof=1)) / np.sqrt(len(d))
    return Estimate(mean, mean - half, mean + half)


def welch_difference_ci(x, y, level: float = 0.95) -> Estimate:
    """Difference of the means of two independent samples with Welch's t interval (Welch-Satterthwaite degrees
    of freedom); NaN bounds when either sample has fewer than two values."""
    a, b = np.asarray(x, float), np.asarray(y, float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) == 0 or len(b) == 0:
        return Estimate(np.nan, np.nan, np.nan)
    diff = float(a.mean() - b.mean())
    if len(a) < 2 or len(b) < 2:
        return Estimate(diff, np.nan, np.nan)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    if se == 0:
        return Estimate(diff, diff, diff)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    return Estimate(diff, diff - half, diff + half)
