"""The intraday reforecast against hand-computed Gamma-Poisson posteriors and learned priors on synthetic days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecasting.intraday import DayFactorPrior, check_actuals, learn_prior, posterior, reforecast, reforecast_rest
from scenarios import InputError


def test_poisson_update_matches_the_conjugate_posterior_by_numerical_integration():
    # Prior Gamma(a=50, rate 50); 43 contacts seen against 30 forecast: by hand Gamma(93, 80).
    prior = DayFactorPrior(strength=50.0, drift=0.0, dispersion=1.0)
    forecast = np.array([10.0, 20.0, 30.0, 40.0])
    actual = np.array([15.0, 28.0])
    shape, rate = posterior(prior, 43.0, 30.0)
    assert (shape, rate) == (93.0, 80.0)
    # Independent truth: Bayes' rule on a fine grid of theta (Poisson likelihood x gamma prior density).
    theta = np.linspace(0.3, 3.0, 200_001)
    log_post = stats.gamma.logpdf(theta, 50.0, scale=1 / 50.0) + stats.poisson.logpmf(15, 10 * theta) \
        + stats.poisson.logpmf(28, 20 * theta)
    w = np.exp(log_post - log_post.max())
    post_mean = float((theta * w).sum() / w.sum())
    post_var = float(((theta - post_mean) ** 2 * w).sum() / w.sum())
    assert post_mean == pytest.approx(93 / 80, rel=1e-6)
    assert post_var == pytest.approx(93 / 80 ** 2, rel=1e-4)
    mean, lo, hi, factor = reforecast_rest(prior, forecast, actual, seen=2)
    assert factor == pytest.approx(post_mean, rel=1e-6)
    np.testing.assert_allclose(mean, [30 * 93 / 80, 40 * 93 / 80])
    # The band: the conjugate predictive is negative binomial(r = 93, p = 80 / (80 + f)); the gamma band with its
    # mean and variance lands within one contact of its 10 % and 90 % quantiles.
    for f, l, h in zip([30.0, 40.0], lo, hi):
        nb = stats.nbinom(93, 80 / (80 + f))
        assert abs(l - nb.ppf(0.10)) <= 1.0 and abs(h - nb.ppf(0.90)) <= 1.0


def test_dispersion_and_drift_give_the_credibility_weight():
    prior = DayFactorPrior(strength=200.0, drift=0.001, dispersion=1.5)
    y, f = 1300.0, 1000.0
    shape, rate = posterior(prior, y, f)
    w = 1 / (1 + 200.0 * (1.5 / f + 0.001))                 # by hand: 1 / (1 + 200 * 0.0025) = 2/3
    assert w == pytest.approx(2 / 3)
    assert shape / rate == pytest.approx(1 + w * (y / f - 1))   # 1.2
    # Nothing seen: the forecast itself.
    mean, _, _, factor = reforecast_rest(prior, np.array([5.0, 7.0]), np.array([]), seen=0)
    assert factor == 1.0 and list(mean) == [5.0, 7.0]


def test_learn_prior_recovers_the_day_factor_spread_of_synthetic_days():
    rng = np.random.default_rng(7)
    profile = np.concatenate([np.linspace(20, 120, 10), np.linspace(120, 30, 18)])
    theta = rng.gamma(100.0, 1 / 100.0, size=400)               # sd 10 %, no drift within the day
    actual = rng.poisson(theta[:, None] * profile[None, :]).astype(float)
    forecast = np.tile(profile, (400, 1))
    prior = learn_prior(actual, forecast)
    assert prior.strength == pytest.approx(100.0, rel=0.2)
    assert prior.drift < 0.001
    # Days that drift: afternoon factor independent N(0, 0.1^2) around the morning's -> drift about 0.01 / 2
    late = theta * (1 + rng.normal(0, 0.1, 400))
    shaped = np.where(np.arange(28)[None, :] < 10, theta[:, None], late[:, None]) * profile
    prior2 = learn_prior(rng.poisson(shaped).astype(float), forecast)
    assert 0.002 < prior2.drift < 0.01


def _day(now="11:30"):
    day = dt.date(2026, 1, 6)
    return day, pd.Timestamp(f"{day} {now}")


def test_check_actuals_names_each_problem():
    day, now = _day()
    good = pd.DataFrame({"ds": pd.date_range(f"{day} 08:00", f"{day} 11:00", freq="30min"), "channel": "phone",
                         "contacts": 10})
    assert len(check_actuals(good, day, now, ["phone", "chat"], 30)) == 7
    bad = pd.concat([good, pd.DataFrame({"ds": [pd.Timestamp(f"{day} 11:30"), pd.Timestamp("2026-01-05 09:00"),
                                                 pd.Timestamp(f"{day} 09:00")],
                                         "channel": ["phone", "phone", "fax"], "contacts": [3, 3, 3]})],
                    ignore_index=True)
    with pytest.raises(InputError) as err:
        check_actuals(bad, day, now, ["phone", "chat"], 30)
    text = str(err.value) + " ".join(str(p) for p in err.value.problems)
    assert "has not ended" in text and "row 9" in text                 # 11:30 row, after --now
    assert "not on 2026-01-06" in text
    assert "unknown channel 'fax'" in text
    gap = good.drop(index=3)
    with pytest.raises(InputError) as err:
        check_actuals(gap, day, now, ["phone"], 30)
    assert "09:30" in " ".join(str(p) for p in err.value.problems)


def test_reforecast_table_keeps_actuals_before_now_and_scales_after():
    day, now = _day("10:00")
    ds = pd.date_range(f"{day} 08:00", periods=8, freq="30min")
    fc = pd.DataFrame({"ds": ds, "channel": "phone", "yhat": 100.0})
    act = pd.DataFrame({"ds": ds[:4], "channel": "phone", "contacts": 120.0})
    out = reforecast(fc, act, now, DayFactorPrior(strength=100.0, drift=0.0, dispersion=1.0))
    assert list(out["actual"][:4]) == [120.0] * 4 and out["actual"][4:].isna().all()
    factor = (100 + 480) / (100 + 400)
    np.testing.assert_allclose(out["yhat"][4:], 100 * factor)
    assert (out["yhat_lo"][4:] < out["yhat"][4:]).all() and (out["yhat_hi"][4:] > out["yhat"][4:]).all()
