"""Service and patience distributions fitted to call records: pure statistics, no simulation.

Handle time: exponential, lognormal, gamma (maximum likelihood) and an empirical distribution (a kernel density on
log seconds) are fitted on one half of the served calls and judged by the mean log-likelihood per call on the
other half (alternate calls, so both halves span the period); AIC on all calls is reported for the parametric
ones. The empirical candidate wins only when it beats the best parametric one by more than EMPIRICAL_MARGIN nats
per call (it has no parameters to quote and cannot be extrapolated).

Patience from censored waits: a caller who hung up in the queue shows its patience (an event at its wait); a
served caller shows only that its patience exceeded its wait (right-censored). The exponential MLE is
abandonments / total time waited; the Kaplan-Meier curve (statsmodels SurvfuncRight) is the nonparametric
truth it is judged against; a Weibull fitted by censored maximum likelihood replaces the exponential when a
likelihood-ratio test rejects the exponential (shape 1) and it follows the Kaplan-Meier curve more closely.
All durations are seconds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from math import gamma as gamma_fn

import numpy as np
from scipy import optimize, stats

EMPIRICAL_MARGIN = 0.01     # nats per call the empirical density must gain over the best parametric one
LR_ALPHA = 0.01             # significance of the likelihood-ratio test of Weibull against exponential
EMPIRICAL_SAMPLE = 2000     # handle times kept in an empirical distribution (evenly spaced quantiles)


# --- handle time -----------------------------------------------------------------------------------------------

@dataclass
class Candidate:
    """One fitted distribution: mean (s), cv, held-out mean log-likelihood per call, AIC on all calls."""

    kind: str
    mean_seconds: float
    cv: float
    heldout_loglik_per_call: float
    aic: float | None
    params: dict = field(default_factory=dict)


@dataclass
class HandleFit:
    """The chosen handle-time distribution, every candidate, and the hour-of-day check."""

    kind: str
    mean_seconds: float
    cv: float
    n: int
    candidates: list[Candidate]
    sample_seconds: list[float] = field(default_factory=list)   # empirical only
    varies_by_hour: bool = False
    hour_p_value: float | None = None
    hourly_mean_seconds: dict[int, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = asdict(self)
        out.pop("sample_seconds")
        return out


def _lognormal_logpdf(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    return stats.norm.logpdf(np.log(x), mu, sigma) - np.log(x)


def _fit_parametric(kind: str, fit: np.ndarray) -> tuple[dict, callable, float, float, int]:
    """MLE on `fit`: (params, logpdf, mean, cv, number of parameters)."""
    if kind == "exponential":
        mean = float(fit.mean())
        return {"mean_seconds": mean}, (lambda x: stats.expon.logpdf(x, scale=mean)), mean, 1.0, 1
    if kind == "lognormal":
        logs = np.log(fit)
        mu, sigma = float(logs.mean()), float(logs.std())
        mean = float(np.exp(mu + sigma ** 2 / 2))
        return ({"mu": mu, "sigma": sigma}, (lambda x: _lognormal_logpdf(x, mu, sigma)), mean,
                float(np.sqrt(np.expm1(sigma ** 2))), 2)
    if kind == "gamma":
        shape, _, scale = stats.gamma.fit(fit, floc=0)
        return ({"shape": float(shape), "scale_seconds": float(scale)},
                (lambda x: stats.gamma.logpdf(x, shape, scale=scale)), float(shape * scale),
                float(1 / np.sqrt(shape)), 2)
    raise ValueError(kind)


def fit_handle(seconds: np.ndarray, hours: np.ndarray | None = None) -> HandleFit:
    """Choose the handle-time distribution of positive `seconds` (one per served call, in arrival order).

    Fitted on the even-numbered calls, judged on the odd-numbered ones (held-out log-likelihood per call); the
    chosen distribution is then refitted on all calls. `hours` (hour of day of each call) adds the check whether
    the mean varies by hour: Kruskal-Wallis on the hours with at least 20 calls, p < 0.01 and some hour's mean
    more than 10% from the overall mean.
    """
    x = np.asarray(seconds, float)
    keep = np.isfinite(x) & (x > 0)
    x = x[keep]
    if x.size < 10:
        raise ValueError(f"{x.size} handle times: at least 10 are needed")
    fit, judge = x[0::2], x[1::2]
    cands = []
    for kind in ("exponential", "lognormal", "gamma"):
        _, logpdf, _, _, k = _fit_parametric(kind, fit)
        params_all, logpdf_all, mean_all, cv_all, _ = _fit_parametric(kind, x)
        aic = 2 * k - 2 * float(np.sum(logpdf_all(x)))
        cands.append(Candidate(kind, mean_all, cv_all, float(np.mean(logpdf(judge))), aic, params_all))
    # empirical: a Gaussian kernel density on log seconds (Scott's bandwidth), as a density in seconds
    kde = stats.gaussian_kde(np.log(fit))
    emp_ll = float(np.mean(np.log(np.maximum(kde(np.log(judge)), 1e-300)) - np.log(judge)))
    cands.append(Candidate("empirical", float(x.mean()), float(x.std() / x.mean()), emp_ll, None, {}))
    best_param = max(cands[:3], key=lambda c: c.heldout_loglik_per_call)
    chosen = cands[3] if emp_ll > best_param.heldout_loglik_per_call + EMPIRICAL_MARGIN else best_param
    out = HandleFit(chosen.kind, chosen.mean_seconds, chosen.cv, int(x.size), cands)
    if chosen.kind == "empirical":
        q = (np.arange(min(EMPIRICAL_SAMPLE, x.size)) + 0.5) / min(EMPIRICAL_SAMPLE, x.size)
        out.sample_seconds = [round(float(v), 1) for v in np.quantile(x, q)]
    if hours is not None:
        h = np.asarray(hours)[keep]
        groups = {int(hour): x[h == hour] for hour in np.unique(h) if (h == hour).sum() >= 20}
        out.hourly_mean_seconds = {hour: round(float(v.mean()), 1) for hour, v in sorted(groups.items())}
        if len(groups) >= 2:
            p = float(stats.kruskal(*groups.values()).pvalue)
            spread = max(abs(v.mean() / x.mean() - 1) for v in groups.values())
            out.hour_p_value = p
            out.varies_by_hour = bool(p < 0.01 and spread > 0.10)
    return out


# --- patience --------------------------------------------------------------------------------------------------

@dataclass
class PatienceFit:
    """Patience fitted from censored waits (seconds). `kind` is the chosen model: exponential or weibull."""

    kind: str
    mean_seconds: float
    cv: float
    abandoned: int
    queued: int
    exponential_mean_seconds: float
    weibull_shape: float
    weibull_scale_seconds: float
    lr_p_value: float
    km_distance_exponential: float     # max |S_KM(t) - S_model(t)| over the KM steps up to its 95th percentile wait
    km_distance_weibull: float
    km_curve: list[tuple[float, float]] = field(default_factory=list)   # (seconds, survival) at 15 s steps

    def as_dict(self) -> dict:
        return asdict(self)


def exponential_patience_mle(wait: np.ndarray, abandoned: np.ndarray) -> float:
    """Mean patience (s) of the exponential MLE: total time waited by everyone / abandonments (inf if none)."""
    wait = np.asarray(wait, float)
    events = int(np.sum(abandoned))
    return float(wait.sum() / events) if events else float("inf")


def kaplan_meier(wait: np.ndarray, abandoned: np.ndarray):
    """statsmodels' Kaplan-Meier estimate of the patience survival function (abandonment = event)."""
    from statsmodels.duration.survfunc import SurvfuncRight

    return SurvfuncRight(np.asarray(wait, float), np.asarray(abandoned, int))


def weibull_censored_mle(wait: np.ndarray, abandoned: np.ndarray) -> tuple[float, float, float]:
    """(shape k, scale s, log-likelihood) of a Weibull fitted to right-censored waits.

    log L = sum_events [log k - log s + (k-1) log(t/s)] - sum_all (t/s)^k; only positive waits contribute
    (a wait of 0 is censored at 0 and adds nothing).
    """
    t = np.asarray(wait, float)
    d = np.asarray(abandoned, bool)
    pos = t > 0
    t, d = t[pos], d[pos]

    def nll(theta):
        k, s = np.exp(theta)
        z = t / s
        return -(np.sum(d * (np.log(k) - np.log(s) + (k - 1) * np.log(z))) - np.sum(z ** k))

    start = np.log([1.0, max(exponential_patience_mle(t, d), 1.0)])
    res = optimize.minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 4000})
    k, s = np.exp(res.x)
    return float(k), float(s), float(-res.fun)


def fit_patience(wait: np.ndarray, abandoned: np.ndarray) -> PatienceFit:
    """Patience from the waits (s) of callers who queued or were answered and whether each abandoned."""
    wait = np.asarray(wait, float)
    abandoned = np.asarray(abandoned, bool)
    events = int(abandoned.sum())
    if events < 5:
        raise ValueError(f"{events} abandonments: at least 5 are needed to fit patience")
    theta = exponential_patience_mle(wait, abandoned)
    k, s, ll_w = weibull_censored_mle(wait, abandoned)
    pos = wait > 0
    ll_e = float(-events * np.log(theta) - wait[pos].sum() / theta)
    lr_p = float(stats.chi2.sf(max(2 * (ll_w - ll_e), 0.0), 1))
    km = kaplan_meier(wait, abandoned)
    times, surv = np.asarray(km.surv_times), np.asarray(km.surv_prob)
    horizon = float(np.quantile(wait[pos], 0.95)) if pos.any() else 0.0
    near = times <= horizon
    d_exp = float(np.max(np.abs(surv[near] - np.exp(-times[near] / theta)))) if near.any() else 0.0
    d_wei = float(np.max(np.abs(surv[near] - np.exp(-(times[near] / s) ** k)))) if near.any() else 0.0
    grid = np.arange(0, horizon + 15, 15.0)
    curve = [(float(g), round(float(surv[times <= g][-1]) if (times <= g).any() else 1.0, 4)) for g in grid]
    weibull_mean = s * gamma_fn(1 + 1 / k)
    weibull_cv = float(np.sqrt(gamma_fn(1 + 2 / k) / gamma_fn(1 + 1 / k) ** 2 - 1))
    use_weibull = lr_p < LR_ALPHA and d_wei < d_exp
    return PatienceFit("weibull" if use_weibull else "exponential",
                       float(weibull_mean if use_weibull else theta), weibull_cv if use_weibull else 1.0,
                       events, int(wait.size), theta, k, s, lr_p, d_exp, d_wei, curve)
