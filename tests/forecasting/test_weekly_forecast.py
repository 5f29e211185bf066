"""The weekly forecast (forecasting.weekly_forecast) against series whose truth is known."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from forecasting import weekly_forecast
from scenarios import InputError

FIRST = dt.date(2024, 1, 1)
START = dt.date(2026, 1, 5)
PERIOD = 52.1775


def truth(weeks: pd.DatetimeIndex, holidays=()) -> np.ndarray:
    """log contacts: level, trend 8 % a year, a yearly wave, -20 % per weekday holiday."""
    t = (weeks - pd.Timestamp(FIRST)).days.to_numpy() / 7.0
    off = np.array([sum(1 for d in holidays if 0 <= (d - w.date()).days < 5) for w in weeks])
    return math.log(1000) + 0.08 * t / PERIOD + 0.1 * np.sin(2 * np.pi * t / PERIOD) + math.log(0.8) * off


def history(n: int = 104, holidays=(), noise: float = 0.0, seed: int = 1) -> pd.DataFrame:
    weeks = pd.date_range(pd.Timestamp(FIRST), periods=n, freq="7D")
    rng = np.random.default_rng(seed)
    y = truth(weeks, holidays) + rng.normal(0, noise, n)
    return pd.DataFrame({"week": weeks, "channel": "phone", "contacts": np.exp(y), "aht_seconds": 300.0})


def test_a_noise_free_series_is_forecast_exactly():
    hol = [dt.date(2024, 5, 1), dt.date(2025, 5, 1), dt.date(2024, 12, 25), dt.date(2025, 12, 25),
           dt.date(2026, 5, 1)]
    f = weekly_forecast(history(holidays=hol), START, 26, holidays=hol)
    weeks = pd.date_range(pd.Timestamp(START), periods=26, freq="7D")
    np.testing.assert_allclose(f.table["yhat"].to_numpy(), np.exp(truth(weeks, hol)), rtol=1e-5)
    np.testing.assert_allclose(f.table["aht_seconds"].to_numpy(), 300.0, rtol=1e-6)
    assert f.warnings == []


def test_band_holds_the_median_and_widens_with_the_horizon():
    f = weekly_forecast(history(noise=0.05), START, 52)
    t = f.table
    assert (t["yhat_lo"] < t["yhat"]).all() and (t["yhat"] < t["yhat_hi"]).all()
    width = np.log(t["yhat_hi"] / t["yhat_lo"]).to_numpy()
    assert width[-1] > width[0]


def test_draws_centre_on_the_forecast_and_repeat_with_the_seed():
    f = weekly_forecast(history(noise=0.05), START, 13)
    a = f.draw(4000, np.random.default_rng(7))
    b = f.draw(4000, np.random.default_rng(7))
    assert a.shape == (4000, 13, 1)
    np.testing.assert_array_equal(a, b)
    # The median of log draws is the log forecast (the model is Gaussian in logs).
    np.testing.assert_allclose(np.median(a[:, :, 0], axis=0), f.table["yhat"], rtol=0.01)
    # ... and 80 % of the draws fall inside the 80 % band.
    inside = ((a[:, :, 0] >= f.table["yhat_lo"].to_numpy()) & (a[:, :, 0] <= f.table["yhat_hi"].to_numpy())).mean()
    assert inside == pytest.approx(0.8, abs=0.02)


def test_short_histories():
    f = weekly_forecast(history(n=30), dt.date(2024, 7, 29), 8)
    assert any("less than a year" in w for w in f.warnings)
    with pytest.raises(InputError, match="at least 13"):
        weekly_forecast(history(n=10), dt.date(2024, 3, 11), 8)
    with pytest.raises(InputError, match="not before the plan's start"):
        weekly_forecast(history(n=30), dt.date(2024, 1, 8), 8)
