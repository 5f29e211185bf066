"""Arrival streams: a non-homogeneous Poisson process per channel, rate constant within each interval.

Given the expected contacts of each interval, the count of an interval is Poisson and the arrival times are
uniform within it (the order statistics of a Poisson process with a constant rate). Optional over-dispersion
multiplies each day's rates by a gamma variable with mean 1 and the given coefficient of variation, so the
count of a day is gamma-Poisson (negative binomial) and forecast uncertainty shows in the results.
"""

from __future__ import annotations

import numpy as np


def daily_multipliers(rng: np.random.Generator, days: int, cv: float) -> np.ndarray:
    """One gamma(mean 1, coefficient of variation `cv`) factor per day; all ones when cv is 0."""
    if cv <= 0:
        return np.ones(days)
    shape = 1.0 / cv ** 2
    return rng.gamma(shape, 1.0 / shape, days)


def arrival_times(rng: np.random.Generator, expected: np.ndarray, interval_seconds: float,
                  multiplier: np.ndarray | None = None) -> np.ndarray:
    """Sorted arrival times (seconds from the week start) for the expected contacts of each interval.

    `multiplier` (one factor per interval, e.g. the day's gamma factor) scales the rates. Intervals with an
    expected count of 0 (closed) get no arrivals.
    """
    rate = np.asarray(expected, float)
    if multiplier is not None:
        rate = rate * multiplier
    counts = rng.poisson(np.clip(rate, 0, None))
    starts = np.repeat(np.arange(len(rate)) * float(interval_seconds), counts)
    # Intervals are disjoint, so one global sort orders the uniform times inside each interval.
    return np.sort(starts + rng.random(starts.size) * interval_seconds)
