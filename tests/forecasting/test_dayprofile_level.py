"""The coming week's level of `DayProfile` (short-memory level combined with the long mean) against known truths:
simulated day totals with a known level, a known step, a known odd week."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import DayProfile, to_grid

SLOTS = 10
WEEKDAYS = 5
SHAPE = np.linspace(1.0, 2.0, SLOTS) / np.linspace(1.0, 2.0, SLOTS).sum()      # intraday shares
WEEKDAY = np.array([1.2, 1.0, 0.95, 0.95, 0.9])                                 # day total / Monday-free level
BASE = 20_000.0                                                                 # contacts a day at level 0


def _grid(week_shocks: np.ndarray, day_sd: float, seed: int):
    """Day totals BASE x WEEKDAY x exp(week shock + day noise), split by SHAPE without count noise (the level is
    the subject, not Poisson noise). Starts on a Monday in mid-month so few turn-of-month days fall in."""
    rng = np.random.default_rng(seed)
    weeks = len(week_shocks)
    log_day = np.repeat(week_shocks, WEEKDAYS) + rng.normal(0.0, day_sd, weeks * WEEKDAYS)
    totals = BASE * np.tile(WEEKDAY, weeks) * np.exp(log_day)
    values = totals[:, None] * SHAPE[None, :]
    days = pd.bdate_range("2025-01-06", periods=len(values))
    ds = (days.to_numpy()[:, None] + pd.to_timedelta(480 + 30 * np.arange(SLOTS), unit="min").to_numpy()[None, :])
    frame = pd.DataFrame({"ds": ds.ravel(), "channel": "phone", "contacts": values.ravel()})
    return to_grid(frame, "phone", 30)


def _week_ahead_log_error(model: DayProfile, grid) -> float:
    """log(forecast week total / the week total at level 0 (the truth's median week))."""
    return float(np.log(model.fit(grid).predict(WEEKDAYS)[0].sum() / (BASE * WEEKDAY.sum())))


def _combination_weights(decay: float, weeks: int, share: float) -> np.ndarray:
    short = decay ** np.arange(weeks)
    return (1 - share) * short / short.sum() + share * np.full(weeks, 1 / weeks)


def test_a_stationary_level_is_forecast_with_the_variance_of_the_combined_weights():
    # Truth: week levels i.i.d. normal (sd 4%) around 0. A linear estimator with weights w has error variance
    # sd^2 x sum(w^2) (+ the day noise through the week means: day_sd^2 / 5 x sum(w^2)); with the decay fixed at
    # 0.5 the short level alone has sum(w^2) = 1/3, the equal-share combination with the 20-week mean 0.098.
    week_sd, day_sd, weeks = 0.04, 0.01, 20
    errors = {0.0: [], 0.5: []}
    for seed in range(120):
        shocks = np.random.default_rng(1000 + seed).normal(0.0, week_sd, weeks)
        grid = _grid(shocks, day_sd, seed)
        for share in errors:
            errors[share].append(_week_ahead_log_error(
                DayProfile(decays=(0.5,), long_share=share, window_weeks=weeks, smoothing=(0.0,)), grid))
    per_week = week_sd ** 2 + day_sd ** 2 / WEEKDAYS
    for share, e in errors.items():
        expected = per_week * (_combination_weights(0.5, weeks, share) ** 2).sum()
        # the bisquare weights and the regression's weekday effects cost a few percent of efficiency; the
        # sampling error of a variance from 120 draws is about 13%
        assert np.mean(np.square(e)) == pytest.approx(expected, rel=0.3)
    assert np.mean(np.square(errors[0.5])) < 0.5 * np.mean(np.square(errors[0.0]))


def test_a_sustained_step_moves_the_forecast_at_least_half_way():
    # 16 weeks at level 0, then 5 weeks 15% higher (day noise 1%): the forecast goes at least half way at once
    shocks = np.r_[np.zeros(16), np.full(5, np.log(1.15))]
    error = _week_ahead_log_error(DayProfile(), _grid(shocks, 0.01, 5))
    assert np.log(1.15) / 2 <= error <= np.log(1.15) + 0.01


def test_an_odd_week_in_the_window_barely_moves_the_level():
    shocks = np.random.default_rng(8).normal(0.0, 0.03, 20)
    clean = _week_ahead_log_error(DayProfile(), _grid(shocks, 0.01, 9))
    shocks[-9] = np.log(0.6)                             # an outage week two months back
    odd_old = _week_ahead_log_error(DayProfile(), _grid(shocks, 0.01, 9))
    shocks[-9], shocks[-1] = 0.0, np.log(0.6)            # the same week just before the forecast
    odd_last = _week_ahead_log_error(DayProfile(), _grid(shocks, 0.01, 9))
    # the long mean alone would move by log(0.6) / 20 = -2.6%; the bisquare weight leaves the week out
    assert abs(odd_old - clean) < 0.01
    assert abs(odd_last - clean) < 0.02


def test_short_histories_keep_the_short_memory_level():
    # fewer than `long_weeks` week levels: the long mean is not used (a month of a fast-changing series)
    grid = _grid(np.log(np.linspace(1.3, 1.0, 6)), 0.01, 2)
    combined = DayProfile().fit(grid).predict(WEEKDAYS)[0]
    short = DayProfile(long_share=0.0).fit(grid).predict(WEEKDAYS)[0]
    np.testing.assert_allclose(combined, short, rtol=1e-12)
