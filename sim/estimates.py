"""Means and 95% confidence intervals over independent replications (Student t).

A count or an hour figure is the mean of its per-replication values. A rate (service level, abandon rate,
ASA, occupancy) is a ratio of means, sum(y) / sum(x), with the ratio estimator's interval: the residuals
y_r - rate * x_r have standard error sd / sqrt(R), divided by mean(x). With one replication there is no
interval (NaN).
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
