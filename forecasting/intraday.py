"""Intraday reforecast: the rest of today from the contacts seen so far against the week-ahead forecast.

Model (per channel and day): the day runs at a factor theta of its week-ahead forecast, theta ~ Gamma(a, a)
a priori (mean 1: the forecast is trusted on average; variance 1/a: how far days stray from their forecast).
Given theta, the contacts of an interval forecast at f are counts with mean theta * f. The contacts seen so far,
Y, against their forecast F, update theta conjugately (Gamma-Poisson): theta | Y ~ Gamma(a + Y / d, a + F / d).

d scales the counts to "Poisson-equivalent" units, d = phi + drift * F, because the morning is not a Poisson
sample of the afternoon's rate: interval counts are over-dispersed (phi, variance-to-mean ratio around the day's
profile) and the morning's factor differs from the afternoon's by a relative drift of variance `drift`. With
phi = 1 and drift = 0 this is the textbook Gamma-Poisson update. The posterior mean is a credibility weighting,

    E[theta | Y] = 1 + w (Y / F - 1),   w = (F / d) / (a + F / d) = 1 / (1 + a (phi / F + drift)),

so a few contacts seen move the forecast little and a busy morning moves it a lot, but never fully when the
history shows that mornings and afternoons drift apart (drift > 0).

Learned from history (`learn_prior`): a from the spread of past days' factors (actual / week-ahead forecast of
the day's total; 1 / a = mean (r - 1)^2 less its Poisson part), drift from how far each past day's factor before
a cutoff strayed from its factor after it, phi from the intraday dispersion. The week-ahead forecast of a past
day is the mean of the same weekday over the 4 weeks before (the `weekday_mean` model's, replayed cheaply).

Prediction intervals (80 %): the rest-of-day count of an interval is gamma-distributed with mean
mu = f E[theta | Y] and variance phi mu + mu^2 (1 / shape + drift), the negative-binomial predictive of the
conjugate model (shape = a + Y / d) widened by the afternoon's own drift; the same gamma bands the week-ahead
models use (forecasting.models.gamma_interval).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios import InputError, Problem

from .grid import DayGrid
from .models import Z80, same_weekday_rows, gamma_interval, intraday_dispersion

#: prior used when no history is given: days within about 10 % of their forecast, a little drift
DEFAULT_STRENGTH, DEFAULT_DRIFT = 100.0, 0.002


@dataclass(frozen=True)
class DayFactorPrior:
    """Prior of a channel's day factor and the noise of its intervals (all dimensionless).

    strength: a of Gamma(a, a) (1 / a = variance of a day's factor); drift: variance of the factor after a cutoff
    around the factor before it; dispersion: variance-to-mean ratio of interval counts (1 = Poisson);
    days: how many past days it was learned from (0 = the default prior)."""

    strength: float = DEFAULT_STRENGTH
    drift: float = DEFAULT_DRIFT
    dispersion: float = 1.0
    days: int = 0


def posterior(prior: DayFactorPrior, observed: float, expected: float) -> tuple[float, float]:
    """(shape, rate) of the day factor's Gamma posterior after `observed` contacts against `expected` (forecast)."""
    d = prior.dispersion + prior.drift * max(expected, 0.0)
    return prior.strength + observed / d, prior.strength + expected / d


def reforecast_rest(prior: DayFactorPrior, forecast: np.ndarray, actual: np.ndarray, seen: int,
                    levels: tuple[float, float] = Z80) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Reforecast intervals `seen`.. of one day from the actual counts of intervals ..seen-1.

    `forecast`: the week-ahead forecast of every interval of the day (contacts); `actual`: counts, at least the
    first `seen`. Returns (mean, lo, hi, factor) for intervals seen..end: contacts per interval, the 80 % band,
    and the posterior mean day factor.
    """
    forecast = np.asarray(forecast, float)
    y = float(np.nansum(np.asarray(actual, float)[:seen]))
    f = float(forecast[:seen].sum())
    shape, rate = posterior(prior, y, f)
    factor = shape / rate
    mean = forecast[seen:] * factor
    c = float(np.sqrt(1.0 / shape + prior.drift))
    lo, hi = gamma_interval(mean, prior.dispersion, c, levels)
    return mean, lo, hi, factor


def learn_prior(actual: np.ndarray, forecast: np.ndarray, dispersion: float = 1.0,
                cutoffs: tuple[float, ...] = (0.25, 0.4, 0.55)) -> DayFactorPrior:
    """The prior from past days: `actual` and their week-ahead `forecast` as (days x intervals) matrices.

    Rows with a NaN are left out. `cutoffs`: shares of the day's forecast volume at which the morning/afternoon
    drift is measured (the reforecast's own use: mid-morning to early afternoon)."""
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    ok = np.isfinite(actual).all(axis=1) & np.isfinite(forecast).all(axis=1) & (forecast.sum(axis=1) > 0)
    a_rows, f_rows = actual[ok], forecast[ok]
    if len(a_rows) < 5:
        return DayFactorPrior(dispersion=dispersion)
    total_a, total_f = a_rows.sum(axis=1), f_rows.sum(axis=1)
    r = total_a / total_f
    # Around 1, not around the mean: a biased forecast is part of what the prior has to allow for.
    var_factor = float(np.mean((r - 1.0) ** 2 - dispersion / total_f))
    strength = 1.0 / max(var_factor, 1e-4)
    excess = []
    cum = np.cumsum(f_rows, axis=1) / total_f[:, None]
    for share in cutoffs:
        k = np.argmax(cum >= share, axis=1) + 1                 # intervals seen, per day
        fm = np.array([f_rows[i, :k[i]].sum() for i in range(len(k))])
        am = np.array([a_rows[i, :k[i]].sum() for i in range(len(k))])
        fr, ar = total_f - fm, total_a - am
        good = (fm > 0) & (fr > 0)
        excess.append((am[good] / fm[good] - ar[good] / fr[good]) ** 2
                      - dispersion / fm[good] - dispersion / fr[good])
    # The squared gap holds the drift of both halves; each half carries about half of it.
    drift = max(float(np.mean(np.concatenate(excess))) / 2.0, 0.0) if excess else DEFAULT_DRIFT
    return DayFactorPrior(strength, drift, dispersion, int(len(a_rows)))


def learn_prior_from_grid(grid: DayGrid, weeks: int = 12, forecast_weeks: int = 4) -> DayFactorPrior:
    """The prior of one channel from its history grid: the last `weeks` weeks of normal days, each against the
    mean of its weekday over the `forecast_weeks` weeks before (a replayed week-ahead forecast)."""
    m = grid.days_per_week
    rows = np.arange(max(len(grid.days) - weeks * m, forecast_weeks * m), len(grid.days))
    actual, forecast = [], []
    for t in rows:
        if not np.isfinite(grid.values[t]).all():
            continue
        past = grid.values[:t - m + 1]          # history as it stood a week before day t
        if len(past) == 0:
            continue
        step = t - (len(past) - 1)
        forecast.append(same_weekday_rows(past, m, step, forecast_weeks).mean(axis=0))
        actual.append(grid.values[t])
    if not actual:
        return DayFactorPrior()
    return learn_prior(np.stack(actual), np.stack(forecast), intraday_dispersion(grid))


# --- long-format tables --------------------------------------------------------------------------------------

REFORECAST_COLUMNS = ["ds", "channel", "forecast", "actual", "yhat", "yhat_lo", "yhat_hi", "factor"]


def check_actuals(actuals: pd.DataFrame, day: dt.date, now: pd.Timestamp, channels: list[str],
                  interval_minutes: int, *, name: str = "actuals") -> pd.DataFrame:
    """The day's actual contacts so far, checked: columns ds, channel, contacts; every row on `day`, before `now`,
    for a known channel, on the interval grid, one per channel and interval, no gap between the first row of a
    channel and `now`. Raises InputError listing every problem (row numbers as in the file: header = 1)."""
    problems = []
    missing = [c for c in ("ds", "channel", "contacts") if c not in actuals.columns]
    if missing:
        raise InputError([Problem(name, f"missing column(s) {', '.join(missing)}; the actuals need ds, channel, "
                                        "contacts (like a history)")], "invalid actuals")
    df = actuals.copy()
    df["ds"] = pd.to_datetime(df["ds"], errors="coerce")
    df["contacts"] = pd.to_numeric(df["contacts"], errors="coerce")
    df["channel"] = df["channel"].astype(str)
    for i, row in df.iterrows():
        where = f"{name}:row {int(i) + 2}"
        if pd.isna(row["ds"]):
            problems.append(Problem(where, "ds is not a date-time"))
            continue
        if pd.isna(row["contacts"]) or row["contacts"] < 0:
            problems.append(Problem(where, "contacts must be a number >= 0"))
        if row["ds"].date() != day:
            problems.append(Problem(where, f"{row['ds']} is not on {day} (the day being re-planned)"))
        elif row["ds"] + pd.Timedelta(minutes=interval_minutes) > now:
            problems.append(Problem(where, f"interval {row['ds']:%H:%M} has not ended at --now {now:%H:%M} "
                                           "(actuals must be complete intervals before now)"))
        if (row["ds"] - row["ds"].normalize()) % pd.Timedelta(minutes=interval_minutes):
            problems.append(Problem(where, f"{row['ds']:%H:%M} is not on the {interval_minutes}-minute grid"))
        if row["channel"] not in channels:
            from scenarios.errors import did_you_mean
            problems.append(Problem(where, f"unknown channel '{row['channel']}'"
                                           f"{did_you_mean(row['channel'], channels)}; the scenario has "
                                           f"{', '.join(channels)}"))
    if problems:
        raise InputError(problems, "invalid actuals")
    dup = df.duplicated(["ds", "channel"], keep="first")
    for i in df.index[dup]:
        problems.append(Problem(f"{name}:row {int(i) + 2}", f"a second row for {df.at[i, 'channel']} at "
                                                            f"{df.at[i, 'ds']:%H:%M}"))
    step = pd.Timedelta(minutes=interval_minutes)
    for ch, own in df.groupby("channel"):
        have = set(own["ds"])
        first = min(have)
        expect = pd.date_range(first, now - step, freq=step)
        gaps = [t for t in expect if t not in have]
        if gaps:
            problems.append(Problem(f"{name}: channel {ch}", f"gap: no row for {', '.join(f'{t:%H:%M}' for t in gaps[:8])}"
                                                             f"{' ...' if len(gaps) > 8 else ''} (closed intervals "
                                                             "are zero rows)"))
    if problems:
        raise InputError(problems, "invalid actuals")
    return df.sort_values(["channel", "ds"]).reset_index(drop=True)


def reforecast(forecast: pd.DataFrame, actuals: pd.DataFrame, now: pd.Timestamp,
               priors: dict[str, DayFactorPrior] | DayFactorPrior | None = None) -> pd.DataFrame:
    """The day of `now` per channel: week-ahead forecast, actual so far, reforecast with its 80 % band.

    `forecast`: ds, channel, yhat (the week, or just the day); `actuals`: ds, channel, contacts of complete
    intervals before `now` (check with `check_actuals`); `priors`: per channel (or one for all; default
    DayFactorPrior()). Before `now` yhat is the actual count (band = the count); from `now` on it is the
    reforecast. Columns: REFORECAST_COLUMNS (`factor`: the posterior mean day factor, the same for the day).
    """
    now = pd.Timestamp(now)
    day = now.normalize()
    fc = forecast.copy()
    fc["ds"] = pd.to_datetime(fc["ds"])
    fc = fc[(fc["ds"] >= day) & (fc["ds"] < day + pd.Timedelta(days=1))]
    value = "yhat" if "yhat" in fc.columns else "contacts"
    act = actuals.copy()
    act["ds"] = pd.to_datetime(act["ds"])
    frames = []
    for ch, own in fc.groupby("channel", sort=True):
        own = own.sort_values("ds")
        f = own[value].to_numpy(float)
        seen_mask = (own["ds"] < now).to_numpy()
        seen = int(seen_mask.sum())
        got = act[act["channel"] == ch].set_index("ds")["contacts"]
        y = own["ds"].map(got).to_numpy(float)
        # An interval before now with no actual row counts as forecast (no evidence either way).
        y_seen = np.where(np.isfinite(y[:seen]), y[:seen], f[:seen])
        f_seen = f[:seen].copy()
        prior = priors.get(ch, DayFactorPrior()) if isinstance(priors, dict) else (priors or DayFactorPrior())
        mean, lo, hi, factor = reforecast_rest(prior, np.concatenate([f_seen, f[seen:]]), y_seen, seen)
        frames.append(pd.DataFrame({
            "ds": own["ds"].to_numpy(), "channel": ch, "forecast": f,
            "actual": np.concatenate([y_seen, np.full(len(f) - seen, np.nan)]),
            "yhat": np.concatenate([y_seen, mean]), "yhat_lo": np.concatenate([y_seen, lo]),
            "yhat_hi": np.concatenate([y_seen, hi]), "factor": factor}))
    if not frames:
        return pd.DataFrame(columns=REFORECAST_COLUMNS)
    return pd.concat(frames, ignore_index=True)[REFORECAST_COLUMNS]
