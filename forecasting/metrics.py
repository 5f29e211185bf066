"""Accuracy of a forecast against actuals: WAPE, MASE, bias, daily-total MAPE, interval coverage.

All take matrices days x intervals (or flat arrays); NaN actuals (holidays, missing data) are left out.
"""

from __future__ import annotations

import numpy as np


def _pair(actual, forecast):
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    keep = np.isfinite(a) & np.isfinite(f)
    return a[keep], f[keep]


def wape(actual, forecast) -> float:
    """Weighted absolute percentage error: sum |forecast - actual| / sum actual (0.06 = 6%)."""
    a, f = _pair(actual, forecast)
    return float(np.abs(f - a).sum() / a.sum()) if a.sum() > 0 else float("nan")


def bias(actual, forecast) -> float:
    """Sum (forecast - actual) / sum actual: > 0 over-forecasts."""
    a, f = _pair(actual, forecast)
    return float((f - a).sum() / a.sum()) if a.sum() > 0 else float("nan")


def mase(actual, forecast, train, season: int) -> float:
    """Mean absolute error over the in-sample mean absolute error of the seasonal naive with lag `season`.

    `train` is the flat training series in time order (NaN where missing); pairs with a NaN are skipped.
    """
    a, f = _pair(actual, forecast)
    train = np.asarray(train, float)
    diffs = np.abs(train[season:] - train[:-season]) if len(train) > season else np.array([])
    diffs = diffs[np.isfinite(diffs)]
    scale = diffs.mean() if len(diffs) else np.nan
    return float(np.abs(f - a).mean() / scale) if len(a) and scale > 0 else float("nan")


def daily_mape(actual, forecast) -> float:
    """Mean over days of |forecast day total - actual day total| / actual day total (fully observed days only)."""
    a, f = np.atleast_2d(np.asarray(actual, float)), np.atleast_2d(np.asarray(forecast, float))
    keep = np.isfinite(a).all(axis=1) & (np.nansum(a, axis=1) > 0)
    if not keep.any():
        return float("nan")
    da, df = a[keep].sum(axis=1), f[keep].sum(axis=1)
    return float(np.mean(np.abs(df - da) / da))


def coverage(actual, lo, hi) -> float:
    """Share of actuals inside [lo, hi]."""
    a, lo, hi = np.asarray(actual, float), np.asarray(lo, float), np.asarray(hi, float)
    keep = np.isfinite(a)
    return float(np.mean((a[keep] >= lo[keep]) & (a[keep] <= hi[keep]))) if keep.any() else float("nan")
