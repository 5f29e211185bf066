"""Exact queueing formulas for real-time channels: Erlang B, Erlang C (M/M/n) and Erlang A (M/M/n+M).

Units: arrival rates in contacts per hour (`rate_per_hour`), times in seconds (`aht_seconds`,
`threshold_seconds`, `patience_seconds` = mean of an exponential patience), agents as a count.
Internally time is measured in mean handle times, so the offered load is `erlangs = rate * aht`.

Definitions (the ccplan convention, see DESIGN.md):
- service level = P(answered within threshold) over OFFERED contacts: a contact that abandons counts in the
  denominator and never as "within", whether it abandoned before or after the threshold.
- abandon rate = abandoned / offered.
- ASA (`asa_seconds`) = mean time in queue of ALL offered contacts, abandoned ones until they leave
  (= E[queue] / rate by Little's law); this is the figure pyworkforce reports and that DESIGN.md's 7.4 s is.
- `answered_wait_seconds` = mean wait of ANSWERED contacts only (6.3 s in the reference case).
  For Erlang C nobody abandons and the two are equal.
Reference (DESIGN.md): 200 calls/h, AHT 180 s, 12 agents, patience 120 s -> SL@20 s 0.8256, abandon 6.16 %, ASA 7.4 s.

Erlang A is computed exactly on the birth-death chain (states n+m, m waiting, truncated where the remaining
probability is below 1e-20 of the mass). A contact arriving behind m waiting ones passes m+1 exponential phases of
rates n*mu + j*theta (j = 1..m+1) - each phase ends by a service completion, an abandonment ahead, or its own
abandonment - so it is answered with probability n*mu / (n*mu + (m+1)*theta) (the product telescopes), and its wait
given an answer is that sum of phases, whose CDF is the regularised incomplete beta I_x(m+1, n*mu/theta + 1),
x = 1 - exp(-theta t) (the (m+1)-th order statistic of n*mu/theta + m + 1 exponential(theta) clocks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special, stats

__all__ = [
    "QueueMetrics", "Staffing", "erlang_b", "erlang_c", "metrics", "p_wait", "service_level", "asa",
    "abandon_rate", "occupancy", "square_root_staffing", "agents_needed",
]


# --- Erlang B and C --------------------------------------------------------------------------------------------

def erlang_b(agents, erlangs):
    """Blocking probability of M/M/n/n (Erlang B), vectorised; exact via log Poisson terms.

    B(n, a) = (a^n / n!) / sum_{k<=n} a^k / k! = pmf(n) / cdf(n) of a Poisson(a).
    """
    n = np.asarray(agents, dtype=float)
    a = np.asarray(erlangs, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.exp(stats.poisson.logpmf(n, a) - stats.poisson.logcdf(n, a))
    out = np.where(a <= 0, np.where(n <= 0, 1.0, 0.0), out)
    return out[()] if out.ndim == 0 else out


def erlang_c(agents, erlangs):
    """Probability of waiting in M/M/n (Erlang C), vectorised; 1 when agents <= erlangs (unstable queue)."""
    n = np.asarray(agents, dtype=float)
    a = np.asarray(erlangs, dtype=float)
    b = erlang_b(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - a * (1.0 - b))
    out = np.where(n > a, np.clip(c, 0.0, 1.0), 1.0)
    out = np.where(a <= 0, 0.0, out)
    return out[()] if out.ndim == 0 else out


# --- metrics ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state performance of one queue. Shares are 0..1, times seconds."""

    agents: float
    erlangs: float
    p_wait: float
    service_level: float
    abandon_rate: float
    asa_seconds: float
    answered_wait_seconds: float
    occupancy: float


def _erlang_c_metrics(n: int, a: float, tau: float, aht: float) -> QueueMetrics:
    if a <= 0:
        return QueueMetrics(n, a, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    if n <= a:
        return QueueMetrics(n, a, 1.0, 0.0, 0.0, math.inf, math.inf, 1.0 if n > 0 else 0.0)
    c = float(erlang_c(n, a))
    sl = 1.0 - c * math.exp(-(n - a) * tau)
    wait = c / (n - a) * aht
    return QueueMetrics(n, a, c, sl, 0.0, wait, wait, a / n)  # nobody abandons: answered = offered


@lru_cache(maxsize=200_000)
def _erlang_a_core(n: int, a: float, g: float, tau: float) -> tuple[float, float, float, float, float]:
    """(p_wait, service level, abandon rate, mean wait of answered, mean wait of all offered), times in AHTs.

    n agents, a = offered erlangs, g = theta/mu (AHT / mean patience), tau = threshold / AHT.
    """
    if a <= 0:
        return 0.0, 1.0, 0.0, 0.0, 0.0
    # Queue lengths m with non-negligible probability: the terms a/(n + j g) grow until j ~ (a - n)/g, then the
    # log-probability falls roughly like (m - peak)^2 g / (2a).
    peak = max(0.0, (a - n) / g)
    m_max = int(math.ceil(peak + 14.0 * math.sqrt(a / g + 1.0) + 60.0))
    m = np.arange(m_max + 1, dtype=float)
    log_ratio = np.log(a) - np.log(n + g * m[1:])               # pi_{n+j} / pi_{n+j-1}, j >= 1
    log_queue = np.concatenate(([0.0], np.cumsum(log_ratio)))    # log pi_{n+m} / pi_n
    if n > 0:
        log_below = float(stats.poisson.logcdf(n - 1, a) - stats.poisson.logpmf(n, a))  # log sum_{k<n} pi_k / pi_n
    else:
        log_below = -math.inf
    top = max(log_below, float(log_queue.max()))
    w_queue = np.exp(log_queue - top)
    w_below = math.exp(log_below - top) if log_below > -math.inf else 0.0
    total = w_below + w_queue.sum()
    w_queue /= total
    w_below /= total
    served = n / (n + g * (m + 1.0))                            # P(answered | m waiting ahead)
    if tau > 0 and n > 0:
        x = -math.expm1(-g * tau)
        within = special.betainc(m + 1.0, n / g + 1.0, x)
    else:
        within = np.zeros_like(m)
    p_wait = float(w_queue.sum())
    abandon = float((w_queue * (1.0 - served)).sum())
    sl = w_below + float((w_queue * served * within).sum())
    phase_means = np.cumsum(1.0 / (n + g * (m + 1.0)))          # E[wait | m] = sum_{j=1}^{m+1} 1/(n + j g)
    answered_wait = float((w_queue * served * phase_means).sum())
    answered = 1.0 - abandon
    asa = answered_wait / answered if answered > 0 else math.inf
    mean_wait = float((w_queue * m).sum()) / a                  # Little: E[Q] / lambda
    return p_wait, min(max(float(sl), 0.0), 1.0), abandon, asa, mean_wait


def _erlang_a_metrics(n: int, a: float, tau: float, g: float, aht: float) -> QueueMetrics:
    p, sl, ab, asa_, w = _erlang_a_core(int(n), float(a), float(g), float(tau))
    occ = a * (1.0 - ab) / n if n > 0 else 0.0
    return QueueMetrics(n, a, p, sl, ab, w * aht, asa_ * aht, occ)


def metrics(agents: int, rate_per_hour: float, aht_seconds: float, threshold_seconds: float = 20.0,
            patience_seconds: float | None = None) -> QueueMetrics:
    """Every metric of one queue: Erlang A with exponential patience of mean `patience_seconds`, Erlang C when None.

    `agents` must be a whole number >= 0.
    """
    n = int(round(agents))
    if n < 0 or abs(n - agents) > 1e-9:
        raise ValueError(f"agents must be a whole number >= 0 (got {agents})")
    if aht_seconds <= 0 or rate_per_hour < 0 or threshold_seconds < 0:
        raise ValueError("aht_seconds must be > 0, rate_per_hour and threshold_seconds >= 0")
    a = rate_per_hour * aht_seconds / 3600.0
    tau = threshold_seconds / aht_seconds
    if patience_seconds is None or math.isinf(patience_seconds):
        return _erlang_c_metrics(n, a, tau, aht_seconds)
    if patience_seconds <= 0:
        raise ValueError("patience_seconds must be > 0")
    if aht_seconds / patience_seconds < 1e-7:
        # Patience above ten million handle times: abandonment is nil, and the chain would need ~(a-n)/g states.
        return _erlang_c_metrics(n, a, tau, aht_seconds)
    return _erlang_a_metrics(n, a, tau, aht_seconds / patience_seconds, aht_seconds)


def _vectorised(attr: str, doc: str):
    def fn(agents, rate_per_hour, aht_seconds, threshold_seconds=20.0, patience_seconds=None):
        args = np.broadcast_arrays(np.asarray(agents, float), np.asarray(rate_per_hour, float),
                                   np.asarray(aht_seconds, float), np.asarray(threshold_seconds, float),
                                   np.asarray(np.nan if patience_seconds is None else patience_seconds, float))
        out = np.empty(args[0].shape)
        for idx in np.ndindex(out.shape):
            n, r, h, t, p = (float(x[idx]) for x in args)
            out[idx] = getattr(metrics(n, r, h, t, None if np.isnan(p) else p), attr)
        return out[()] if out.ndim == 0 else out
    fn.__name__ = attr
    fn.__doc__ = doc
    return fn


p_wait = _vectorised("p_wait", "Probability an arriving contact waits (all agents busy). Erlang C when patience is None.")
service_level = _vectorised(
    "service_level", "Share of offered contacts answered within threshold_seconds (abandoned count as not answered).")
abandon_rate = _vectorised("abandon_rate", "Share of offered contacts that abandon (0 for Erlang C).")
asa = _vectorised("asa_seconds", "Mean time in queue of all offered contacts (abandoned until they leave), seconds.")
occupancy = _vectorised("occupancy", "Share of agents' time busy: answered load / agents.")


# --- staffing --------------------------------------------------------------------------------------------------

def square_root_staffing(erlangs, beta: float = 1.0):
    """Square-root staffing n = a + beta * sqrt(a) (Halfin-Whitt), a starting point; vectorised, fractional."""
    a = np.asarray(erlangs, dtype=float)
    out = a + beta * np.sqrt(a)
    return out[()] if out.ndim == 0 else out


@dataclass(frozen=True)
class Staffing:
    """Result of `agents_needed`.

    agents: the minimal whole number meeting every target (or `max_agents` when none does, `met` False);
    fractional: a continuous requirement for solvers - for each target the linear interpolation of the metric
    between the last failing and first meeting whole number, the largest of those (agents - 1 < fractional <= agents);
    metrics: the queue at `agents`.
    """

    agents: int
    fractional: float
    met: bool
    metrics: QueueMetrics


def agents_needed(rate_per_hour: float, aht_seconds: float, threshold_seconds: float, service_level: float,
                  patience_seconds: float | None = None, *, max_abandon_rate: float | None = None,
                  max_agents: int | None = None) -> Staffing:
    """Fewest agents whose queue meets `service_level` within `threshold_seconds` and `max_abandon_rate`.

    Erlang A when `patience_seconds` is given, else Erlang C (no abandonment; the abandon target is then met).
    Both metrics are monotone in the agents, so each target's minimal agents is found by doubling then bisection.
    """
    a = rate_per_hour * aht_seconds / 3600.0
    if a <= 0:
        m = metrics(0, 0.0, aht_seconds, threshold_seconds, patience_seconds)
        return Staffing(0, 0.0, True, m)
    cap = int(max_agents) if max_agents is not None else int(math.ceil(a + 40.0 * math.sqrt(a) + 60.0))

    def at(n: int) -> QueueMetrics:
        return metrics(n, rate_per_hour, aht_seconds, threshold_seconds, patience_seconds)

    checks = [(lambda q: q.service_level, service_level, True)]
    if max_abandon_rate is not None and patience_seconds is not None:
        checks.append((lambda q: q.abandon_rate, max_abandon_rate, False))

    found: list[tuple[int, float]] = [(0, 0.0)]
    met = True
    for value, target, higher_is_better in checks:
        def ok(n: int) -> bool:
            v = value(at(n))
            return v >= target - 1e-12 if higher_is_better else v <= target + 1e-12

        if ok(0):
            continue
        if not ok(cap):
            found.append((cap, float(cap)))
            met = False
            continue
        lo = 0  # a failing number of agents
        if patience_seconds is None and a > 1 and not ok(int(math.floor(a))):
            lo = int(math.floor(a))  # Erlang C fails for n <= a anyway
        hi = max(lo + 1, int(math.ceil(float(square_root_staffing(a, 1.0)))))
        while not ok(hi):
            lo, hi = hi, min(cap, hi + max(1, hi - lo) * 2)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if ok(mid) else (mid, hi)
        v_lo, v_hi = value(at(hi - 1)), value(at(hi))
        frac = float(hi) if v_hi == v_lo else (hi - 1) + (target - v_lo) / (v_hi - v_lo)
        found.append((hi, min(float(hi), max(float(hi - 1), frac))))
    best_n = max(n for n, _ in found)
    best_frac = max(f for _, f in found)
    return Staffing(best_n, best_frac, met, at(best_n))
