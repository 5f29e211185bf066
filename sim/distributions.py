"""Handle-time and patience distributions, drawn in bulk from a seeded numpy Generator.

All values are seconds. A distribution is described by plain data (`Dist`) so a model spec can be pickled to
worker processes; `draw(dist, rng, n)` returns `n` values. Lognormal is parametrised by its mean and its
coefficient of variation (sd / mean), as planners quote handle times; so is Weibull (a cv above 1 is a
shape below 1: a hazard that falls with time, as callers' patience in real queues).
"""

from __future__ import annotations

from dataclasses import dataclass

from functools import lru_cache
from math import gamma, log

import numpy as np
from scipy.optimize import brentq

KINDS = ("exponential", "lognormal", "weibull", "empirical", "deterministic", "none")


@dataclass(frozen=True)
class Dist:
    """A positive duration distribution in seconds. kind "none" means never (infinite patience)."""

    kind: str
    mean_seconds: float = 0.0
    cv: float = 1.0
    sample_seconds: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown distribution '{self.kind}' (use one of {', '.join(KINDS)})")

    @property
    def mean(self) -> float:
        """Mean in seconds (inf for "none"; the sample mean for "empirical")."""
        if self.kind == "none":
            return float("inf")
        if self.kind == "empirical":
            return float(np.mean(self.sample_seconds))
        return float(self.mean_seconds)


def draw(dist: Dist, rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` independent durations in seconds."""
    kind = dist.kind
    if kind == "exponential":
        return rng.exponential(dist.mean_seconds, n)
    if kind == "lognormal":
        sigma2 = np.log1p(dist.cv ** 2)
        return rng.lognormal(np.log(dist.mean_seconds) - sigma2 / 2, np.sqrt(sigma2), n)
    if kind == "weibull":
        shape = weibull_shape(dist.cv)
        return rng.weibull(shape, n) * (dist.mean_seconds / gamma(1 + 1 / shape))
    if kind == "empirical":
        return rng.choice(np.asarray(dist.sample_seconds, float), n)
    if kind == "deterministic":
        return np.full(n, float(dist.mean_seconds))
    return np.full(n, np.inf)


@lru_cache(maxsize=256)
def weibull_shape(cv: float) -> float:
    """The Weibull shape k whose coefficient of variation is `cv`: cv^2 = G(1+2/k) / G(1+1/k)^2 - 1 (decreasing in k)."""
    def gap(log_k: float) -> float:
        k = np.exp(log_k)
        return log(gamma(1 + 2 / k)) - 2 * log(gamma(1 + 1 / k)) - log(1 + cv ** 2)
    # k in [0.1, 60] spans cv from about 0.02 to 1.9e5
    return float(np.exp(brentq(gap, np.log(0.1), np.log(60.0))))


def handle_dist(channel) -> Dist:
    """Handle-time distribution of a voice, chat or deferred channel of the scenario."""
    return Dist(channel.service, channel.aht_seconds, channel.service_cv,
                tuple(channel.service_sample_seconds or ()))


def patience_dist(channel) -> Dist:
    """Patience of a real-time channel; "none" when it has neither a mean patience nor an empirical sample."""
    if channel.patience == "empirical":
        return Dist("empirical", sample_seconds=tuple(channel.patience_sample_seconds))
    if channel.patience_seconds is None:
        return Dist("none")
    return Dist(channel.patience, channel.patience_seconds, channel.patience_cv)
