"""The forecast's error law against an independent truth: weeks simulated from a known day-factor law."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import ForecastErrorModel, backtest_residuals, to_grid

DAYS, SLOTS = 5, 20
SD, CORR, CV = 0.08, 0.5, 0.05          # the truth: log day factor spread, its correlation in a week, interval cv


def _forecast(seed: int = 1) -> np.ndarray:
    """A week's point forecast: days x intervals, 40-400 contacts per interval."""
    return np.random.default_rng(seed).uniform(40, 400, size=(DAYS, SLOTS))


def _simulate(weeks: int, rng: np.random.Generator, forecast: np.ndarray) -> np.ndarray:
    """Actual weeks (weeks x days x intervals) from the known law: lognormal day factors sharing a week shock,
    Gamma interval noise of cv CV, Poisson counts."""
    week = rng.normal(0, SD * np.sqrt(CORR), size=(weeks, 1))
    day = rng.normal(0, SD * np.sqrt(1 - CORR), size=(weeks, DAYS))
    rate = forecast[None] * np.exp(week + day)[:, :, None] * rng.gamma(1 / CV ** 2, CV ** 2, size=(weeks, DAYS, SLOTS))
    return rng.poisson(rate).astype(float)


def _residuals(actual: np.ndarray, forecast: np.ndarray) -> pd.DataFrame:
    weeks = len(actual)
    days = pd.bdate_range("2025-01-06", periods=weeks * DAYS).to_numpy().reshape(weeks, DAYS)
    return pd.DataFrame({"fold": np.repeat(np.arange(weeks), DAYS * SLOTS),
                         "day": np.repeat(days.ravel(), SLOTS),
                         "slot": np.tile(480 + 30 * np.arange(SLOTS), weeks * DAYS),
                         "forecast": np.tile(forecast.ravel(), weeks), "actual": actual.ravel()})


@pytest.fixture(scope="module")
def fitted():
    forecast = _forecast()
    actual = _simulate(60, np.random.default_rng(11), forecast)
    return ForecastErrorModel().fit(_residuals(actual, forecast)), forecast


def test_fitted_law_recovers_the_known_spread_correlation_and_interval_noise(fitted):
    model, _ = fitted
    assert model.day_sd_ == pytest.approx(SD, rel=0.2)
    assert model.day_corr_ == pytest.approx(CORR, abs=0.2)
    assert model.interval_cv_ == pytest.approx(CV, abs=0.015)
    assert abs(model.bias_) < 0.03
    assert model.weeks_ == 60 and model.days_ == 60 * DAYS
    assert model.warnings_ == []


def test_one_odd_day_in_the_backtest_does_not_widen_the_spread():
    """A holiday or outage day (actuals at 40% of the forecast) among 12 clean weeks: the spread stays that of the
    clean weeks (within 10%), where the plain standard deviation would grow by half or more."""
    forecast = _forecast()
    actual = _simulate(12, np.random.default_rng(5), forecast)
    clean = ForecastErrorModel().fit(_residuals(actual, forecast))
    odd = actual.copy()
    odd[3, 2] *= 0.4
    spoiled = ForecastErrorModel().fit(_residuals(odd, forecast))
    assert spoiled.day_sd_ == pytest.approx(clean.day_sd_, rel=0.10)
    z = np.log(odd.sum(axis=2) / forecast.sum(axis=1)).ravel()
    assert z.std(ddof=1) > 1.5 * clean.day_sd_


def test_intervals_cover_near_nominal_on_new_simulated_weeks(fitted):
    model, forecast = fitted
    fresh = _simulate(200, np.random.default_rng(99), forecast)
    for level in (0.5, 0.8, 0.95):
        lo, hi = model.interval(forecast, level)
        cover = ((fresh >= lo) & (fresh <= hi)).mean()
        assert cover == pytest.approx(level, abs=0.04), level
    assert 0.75 <= model.coverage80_ <= 0.85          # leave-one-week-out on the fitted residuals


def test_draws_follow_the_law_and_repeat_with_the_seed(fitted):
    model, forecast = fitted
    draws = model.sample(forecast, np.random.default_rng(5), n=400)
    assert draws.shape == (400, DAYS, SLOTS) and (draws >= 0).all() and (draws == np.round(draws)).all()
    factors = np.log(draws.sum(axis=2) / forecast.sum(axis=1))
    assert factors.std() == pytest.approx(model.day_sd_, rel=0.15)
    np.testing.assert_array_equal(draws, model.sample(forecast, np.random.default_rng(5), n=400))
    assert not np.array_equal(draws[:5], model.sample(forecast, np.random.default_rng(6), n=5))
    closed = forecast.copy()
    closed[2] = 0.0
    assert (model.sample(closed, np.random.default_rng(1), n=3)[:, 2] == 0).all()


def test_few_weeks_and_poor_forecasts_are_flagged():
    forecast = _forecast()
    actual = _simulate(2, np.random.default_rng(3), forecast)
    model = ForecastErrorModel().fit(_residuals(actual, forecast))
    assert any("backtest week(s)" in w for w in model.warnings_)
    bad = ForecastErrorModel().fit(_residuals(actual, forecast * 1.6))
    assert any("WAPE" in w for w in bad.warnings_)


def test_backtest_residuals_table_from_a_grid():
    rng = np.random.default_rng(2)
    values = rng.poisson(np.tile(_forecast(), (6, 1)))
    days = pd.bdate_range("2025-11-03", periods=len(values))
    ds = (days.to_numpy()[:, None] + pd.to_timedelta(480 + 30 * np.arange(SLOTS), unit="min").to_numpy()[None, :]).ravel()
    df = pd.DataFrame({"ds": ds, "channel": "phone", "contacts": values.ravel()})
    grid = to_grid(df, "phone", 30)
    from forecasting import WeekdayMean
    table = backtest_residuals(grid, WeekdayMean(), folds=3, horizon_days=7)
    assert list(table.columns) == ["fold", "day", "slot", "forecast", "actual"]
    assert sorted(table["fold"].unique()) == [0, 1, 2] and len(table) == 3 * DAYS * SLOTS
    assert ForecastErrorModel().fit(table).day_sd_ > 0
