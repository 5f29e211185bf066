"""Models, intervals and metrics with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import (AutoModel, DayProfile, ETSProfile, MSTLModel, SARIMAXFourier, SeasonalNaive, WeekdayMean, forecast,
                         to_grid)
from forecasting import metrics
from forecasting.models import gamma_interval

SLOTS = 20            # 08:00-18:00 at 30 minutes
WEEKDAYS = 5          # Monday-Friday open


def _frame(values: np.ndarray, start="2025-11-03") -> pd.DataFrame:
    """Long history of open days (Mon-Fri) x SLOTS from a (days x SLOTS) matrix."""
    days = pd.bdate_range(start, periods=len(values))
    ds = (days.to_numpy()[:, None] + pd.to_timedelta(480 + 30 * np.arange(SLOTS), unit="min").to_numpy()[None, :]).ravel()
    return pd.DataFrame({"ds": ds, "channel": "phone", "contacts": values.ravel()})


def _grid(values):
    df = _frame(values)
    df.attrs["step_minutes"] = 30
    return to_grid(df, "phone", 30)


def _pattern(seed: int = 7):
    """A fixed week: every weekday its own intraday shape (no noise)."""
    return np.random.default_rng(seed).uniform(20, 200, size=(WEEKDAYS, SLOTS)).round()


@pytest.mark.parametrize("model, rtol", [
    (SeasonalNaive(), 1e-12),
    (WeekdayMean(weeks=4), 1e-12),
    (ETSProfile(), 1e-3),
    (MSTLModel(transform=None), 1e-4),
    (DayProfile(), 1e-9),
])
def test_noise_free_weekly_series_is_forecast_exactly(model, rtol):
    week = _pattern()
    history = np.tile(week, (8, 1))                      # 8 identical weeks
    grid = _grid(history)
    yhat, lo, hi = model.fit(grid).predict(2 * WEEKDAYS)  # two weeks ahead
    np.testing.assert_allclose(yhat, np.tile(week, (2, 1)), rtol=rtol)
    assert (lo >= 0).all() and (lo <= yhat + 1e-9).all() and (hi >= yhat - 1e-9).all()


def test_sarimax_fourier_reproduces_a_series_made_of_its_harmonics():
    n_days = 8 * WEEKDAYS
    t = np.arange(n_days * SLOTS)
    period_day, period_week = SLOTS, SLOTS * WEEKDAYS
    y = 100 + 30 * np.sin(2 * np.pi * t / period_day) + 12 * np.cos(2 * np.pi * 2 * t / period_day) \
        + 10 * np.cos(2 * np.pi * t / period_week)
    grid = _grid(y.reshape(n_days, SLOTS))
    yhat, _, _ = SARIMAXFourier(transform=None, window_weeks=6).fit(grid).predict(WEEKDAYS)
    t_next = np.arange(n_days * SLOTS, (n_days + WEEKDAYS) * SLOTS)
    truth = 100 + 30 * np.sin(2 * np.pi * t_next / period_day) + 12 * np.cos(2 * np.pi * 2 * t_next / period_day) \
        + 10 * np.cos(2 * np.pi * t_next / period_week)
    np.testing.assert_allclose(yhat.ravel(), truth, rtol=1e-5)


def test_weekday_mean_is_the_mean_of_the_last_weeks_and_skips_missing_days():
    rng = np.random.default_rng(3)
    history = rng.uniform(10, 50, size=(6 * WEEKDAYS, SLOTS)).round()
    history[5 * WEEKDAYS] = np.nan                       # last Monday missing (a holiday)
    grid = _grid(history)
    yhat, _, _ = WeekdayMean(weeks=3).fit(grid).predict(1)   # next Monday
    mondays = history[[4 * WEEKDAYS, 3 * WEEKDAYS, 2 * WEEKDAYS]]   # the last three NORMAL Mondays
    np.testing.assert_allclose(yhat[0], mondays.mean(axis=0))
    snaive, _, _ = SeasonalNaive().fit(grid).predict(1)
    np.testing.assert_allclose(snaive[0], history[4 * WEEKDAYS])


def test_closed_days_are_forecast_as_zero():
    grid = _grid(np.tile(_pattern(), (4, 1)))
    future = pd.bdate_range(grid.days[-1] + pd.Timedelta(days=1), periods=5)
    yhat, lo, hi = WeekdayMean().fit(grid).predict(future, closed_dates=[future[2].date()])
    assert (yhat[2] == 0).all() and (hi[2] == 0).all() and (yhat[[0, 1, 3, 4]] > 0).all()


def test_gamma_interval_covers_80_percent_of_poisson_counts():
    rng = np.random.default_rng(11)
    mean = np.full(20000, 400.0)
    lo, hi = gamma_interval(mean, phi=1.0, c=0.0)
    y = rng.poisson(mean)
    assert np.mean((y >= lo) & (y <= hi)) == pytest.approx(0.80, abs=0.015)
    # normal approximation of the bounds: 400 -+ 1.2816 * 20
    assert lo[0] == pytest.approx(400 - 25.63, abs=0.6) and hi[0] == pytest.approx(400 + 25.63, abs=0.6)
    zero_lo, zero_hi = gamma_interval(np.zeros(3), 2.0, 0.1)
    assert (zero_lo == 0).all() and (zero_hi == 0).all()


def test_metrics_match_hand_computed_values():
    actual = np.array([[10.0, 20.0], [30.0, 40.0]])
    fcst = np.array([[12.0, 18.0], [33.0, 40.0]])
    assert metrics.wape(actual, fcst) == pytest.approx(7 / 100)
    assert metrics.bias(actual, fcst) == pytest.approx(3 / 100)
    # in-sample seasonal naive with lag 2 on [1, 2, 3, 4, 6, 8]: |3-1|, |4-2|, |6-3|, |8-4| -> mean 2.75
    assert metrics.mase(actual, fcst, np.array([1, 2, 3, 4, 6, 8.0]), season=2) == pytest.approx((7 / 4) / 2.75)
    # day totals 30 vs 30 and 70 vs 73
    assert metrics.daily_mape(actual, fcst) == pytest.approx((0 + 3 / 70) / 2)
    lo, hi = fcst - 1.5, fcst + 2.5
    # inside: 10 in [10.5, 14.5]? no; 20 in [16.5, 20.5] yes; 30 in [31.5, 35.5] no; 40 in [38.5, 42.5] yes
    assert metrics.coverage(actual, lo, hi) == pytest.approx(0.5)
    with_gap = actual.copy()
    with_gap[0, 0] = np.nan
    assert metrics.wape(with_gap, fcst) == pytest.approx(5 / 90)


def test_short_history_auto_falls_back_and_says_so():
    grid = _grid(np.tile(_pattern(), (1, 1))[:4])          # four days: no backtest fold possible
    auto = AutoModel().fit(grid)
    assert auto.chosen_.name == "weekday_mean"
    assert any("too little history to backtest" in n for n in auto.notes_)
    yhat, _, _ = auto.predict(5)
    assert yhat.shape == (5, SLOTS) and (yhat >= 0).all()


def test_forecast_output_contract_and_aht_profile():
    rng = np.random.default_rng(5)
    week = _pattern()
    values = rng.poisson(np.tile(week, (6, 1))).astype(float)
    df = _frame(values)
    # handle time: 200 s in the morning, 300 s in the afternoon
    df["aht_seconds"] = np.where(pd.DatetimeIndex(df["ds"]).hour < 13, 200.0, 300.0)
    out = forecast(df, horizon_days=7, model="weekday_mean")
    assert list(out.columns) == ["ds", "channel", "model", "yhat", "yhat_lo", "yhat_hi", "aht_seconds"]
    # the seven days after the history (it ends on Friday 2025-12-12)
    assert len(out) == 7 * 48 and out["ds"].iloc[0] == pd.Timestamp("2025-12-13")
    assert (out["yhat_lo"] <= out["yhat"]).all() and (out["yhat"] <= out["yhat_hi"]).all() and (out["yhat_lo"] >= 0).all()
    weekend = pd.DatetimeIndex(out["ds"]).dayofweek >= 5
    assert (out.loc[weekend, "yhat"] == 0).all()
    monday_10 = out[out["ds"] == pd.Timestamp("2025-12-15 10:00")].iloc[0]
    mondays = values[[25, 20, 15, 10], 4]                  # 10:00 is slot 4
    assert monday_10["yhat"] == pytest.approx(mondays.mean())
    assert monday_10["aht_seconds"] == pytest.approx(200.0)
    assert out[out["ds"] == pd.Timestamp("2025-12-15 15:00")]["aht_seconds"].iloc[0] == pytest.approx(300.0)


def test_holidays_are_left_out_of_the_fit_and_forecast_closed():
    rng = np.random.default_rng(9)
    values = rng.poisson(np.tile(_pattern(), (4, 1))).astype(float)
    df = _frame(values, start="2025-06-02")                  # 4 weeks Mon-Fri, Juneteenth (Thu 19 June) inside
    juneteenth = pd.DatetimeIndex(df["ds"]).normalize() == pd.Timestamp("2025-06-19")
    df.loc[juneteenth, "contacts"] = 7 * df.loc[juneteenth, "contacts"]     # an abnormal day
    out = forecast(df, horizon_days=7, model="weekday_mean", holiday_country="US")
    thursday = out[pd.DatetimeIndex(out["ds"]).normalize() == pd.Timestamp("2025-07-03")]
    thursdays = values[[18, 8, 3], :]                        # the other three Thursdays (rows 3, 8, 18)
    np.testing.assert_allclose(thursday["yhat"].to_numpy()[16:36], thursdays.mean(axis=0))
    july4 = out[pd.DatetimeIndex(out["ds"]).normalize() == pd.Timestamp("2025-07-04")]
    assert (july4["yhat"] == 0).all() and (july4["yhat_hi"] == 0).all()
    assert any("2025-07-04" in n and "closed" in n for n in out.attrs["notes"])


def test_a_day_of_zeros_on_an_open_weekday_is_a_closure_not_a_quiet_day():
    values = np.tile(_pattern(), (4, 1))
    values[12] = 0                                           # the third Wednesday: closed
    grid = _grid(values)
    assert grid.closed_days == [grid.days[12].date()] and "closure" in grid.notes[0]
    yhat, _, _ = WeekdayMean().fit(grid).predict(WEEKDAYS)
    np.testing.assert_allclose(yhat[2], _pattern()[2])     # next Wednesday: the mean of the normal Wednesdays


def test_auto_never_crashes_on_a_silent_channel_and_explicit_models_say_what_they_need():
    df = _frame(np.zeros((10, SLOTS)))
    out = forecast(df, horizon_days=7, model="auto")
    assert (out["yhat"] == 0).all() and (out["yhat_hi"] == 0).all()
    short = _frame(np.tile(_pattern(), (1, 1)))
    from scenarios import InputError
    with pytest.raises(InputError, match="mstl needs at least 2 weeks of normal days; the history has 5 days"):
        forecast(short, horizon_days=7, model="mstl")


def _noisy_weeks(weeks: int, seed: int = 3) -> np.ndarray:
    """`weeks` weeks of Poisson counts around the fixed week pattern."""
    return np.random.default_rng(seed).poisson(np.tile(_pattern(), (weeks, 1))).astype(float)


def test_dayprofile_is_robust_to_a_low_week_before_the_target():
    history = _noisy_weeks(12)
    history[-WEEKDAYS:] *= 0.6                            # an outage week right before the forecast
    grid = _grid(history)
    truth = np.tile(_pattern(), (1, 1)).sum()
    robust = DayProfile().fit(grid).predict(WEEKDAYS)[0].sum()
    mean4 = WeekdayMean().fit(grid).predict(WEEKDAYS)[0].sum()
    assert abs(robust / truth - 1) < 0.04                 # the odd week is down-weighted
    assert mean4 / truth < 0.92                           # the 4-week mean loses a quarter of it


def test_dayprofile_learns_a_turn_of_month_effect():
    history = _noisy_weeks(26)
    grid = _grid(history)
    first = np.array([d.day <= 1 or (d.dayofweek == 0 and d.day <= 3) for d in grid.days])   # first open day
    grid.values[first] *= 1.3
    model = DayProfile().fit(grid)
    assert "month_day_1" in [model.effects_names_[i] for i in range(len(model.effects_names_))]
    assert np.exp(model.coef_[model.effects_names_.index("month_day_1")]) == pytest.approx(1.3, abs=0.05)


def test_auto_carries_an_error_law_with_warnings_on_a_short_history():
    auto = AutoModel(folds=2, error_folds=2).fit(_grid(_noisy_weeks(4)))
    assert auto.error_model_ is not None and auto.error_model_.weeks_ == 2
    assert any("backtest week(s)" in w for w in auto.warnings_)
    yhat, lo, hi = auto.predict(WEEKDAYS)
    assert (lo <= yhat).all() and (hi >= yhat).all()
