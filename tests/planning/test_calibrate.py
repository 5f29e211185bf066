"""Calibration from call records, against known answers: hand-computed patience estimates, distributions drawn
from known parameters, and an availability fitted back on records ccplan simulated with a known availability."""

from __future__ import annotations

from math import gamma

import numpy as np
import pandas as pd
import pytest
from calibrate_helpers import synthetic_center as _synthetic_center

from forecasting.calls import call_records, history_from_calls
from forecasting.servicefit import (exponential_patience_mle, fit_handle, fit_patience, kaplan_meier,
                                    weibull_censored_mle)
from planning.calibrate import (PeriodModel, fit_availability, on_duty, propose_groups, server_stretches,
                                simulate_period)
from sim.distributions import Dist, draw, weibull_shape

HEADER = ("vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit"
          "\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver")


def _records_frame(rows: list[str]) -> pd.DataFrame:
    return pd.DataFrame([r.split("\t") for r in rows], columns=HEADER.split("\t"))


# --- patience: hand-made censored data ---------------------------------------------------------------------------

def test_exponential_patience_mle_and_kaplan_meier_by_hand():
    # waits 10 (hung up), 20 (answered), 30 (hung up), 40 (answered): 2 abandonments in 100 s waited
    wait, abandoned = np.array([10.0, 20.0, 30.0, 40.0]), np.array([1, 0, 1, 0])
    assert exponential_patience_mle(wait, abandoned) == pytest.approx(50.0)
    km = kaplan_meier(wait, abandoned)
    # at 10 s: 4 at risk, 1 event -> 3/4; at 30 s: 2 at risk (20 censored before), 1 event -> 3/4 * 1/2
    assert list(km.surv_times) == [10.0, 30.0]
    assert list(km.surv_prob) == pytest.approx([0.75, 0.375])


def test_patience_recovered_from_censored_draws():
    rng = np.random.default_rng(11)
    n = 20000
    # exponential patience, mean 120 s, censored by answers after uniform 0-300 s: MLE within 4%
    patience = rng.exponential(120.0, n)
    answer = rng.uniform(0, 300, n)
    fit = fit_patience(np.minimum(patience, answer), patience < answer)
    assert fit.exponential_mean_seconds == pytest.approx(120.0, rel=0.04)
    assert fit.kind == "exponential" or fit.km_distance_weibull < 0.01
    # Weibull shape 0.6 (hazard falling with time), scale 200 s: the censored MLE finds them and is chosen
    patience = 200.0 * rng.weibull(0.6, n)
    fit = fit_patience(np.minimum(patience, answer), patience < answer)
    assert fit.kind == "weibull"
    assert fit.weibull_shape == pytest.approx(0.6, abs=0.03)
    assert fit.weibull_scale_seconds == pytest.approx(200.0, rel=0.08)
    assert fit.mean_seconds == pytest.approx(fit.weibull_scale_seconds * gamma(1 + 1 / fit.weibull_shape), rel=1e-9)
    assert fit.km_distance_weibull < fit.km_distance_exponential


def test_weibull_censored_mle_without_censoring_matches_scipy():
    from scipy import stats

    x = 50.0 * np.random.default_rng(3).weibull(1.7, 3000)
    k, s, _ = weibull_censored_mle(x, np.ones_like(x))
    k_ref, _, s_ref = stats.weibull_min.fit(x, floc=0)
    assert k == pytest.approx(k_ref, rel=2e-3) and s == pytest.approx(s_ref, rel=2e-3)


def test_weibull_distribution_by_mean_and_cv():
    for cv in (0.5, 1.0, 1.8):
        k = weibull_shape(cv)
        # cv^2 = G(1+2/k) / G(1+1/k)^2 - 1, the definition
        assert gamma(1 + 2 / k) / gamma(1 + 1 / k) ** 2 - 1 == pytest.approx(cv ** 2, rel=1e-8)
        x = draw(Dist("weibull", 90.0, cv), np.random.default_rng(5), 200_000)
        assert x.mean() == pytest.approx(90.0, rel=0.015) and x.std() / x.mean() == pytest.approx(cv, rel=0.03)
    assert weibull_shape(1.0) == pytest.approx(1.0)


# --- handle time -------------------------------------------------------------------------------------------------

def test_distribution_choice_on_known_lognormal():
    rng = np.random.default_rng(21)
    sigma = np.sqrt(np.log1p(1.2 ** 2))                       # cv 1.2
    x = rng.lognormal(np.log(180.0) - sigma ** 2 / 2, sigma, 6000)  # mean 180 s
    fit = fit_handle(x, hours=rng.integers(8, 20, x.size))
    assert fit.kind == "lognormal"
    assert fit.mean_seconds == pytest.approx(180.0, rel=0.05) and fit.cv == pytest.approx(1.2, rel=0.1)
    by = {c.kind: c for c in fit.candidates}
    assert by["lognormal"].aic < by["gamma"].aic < by["exponential"].aic
    assert not fit.varies_by_hour                              # hours drawn independently of the times


def test_handle_time_varying_by_hour_is_detected():
    rng = np.random.default_rng(4)
    hours = rng.integers(8, 20, 5000)
    x = rng.exponential(np.where(hours < 14, 150.0, 250.0))
    fit = fit_handle(x, hours)
    assert fit.varies_by_hour and fit.hour_p_value < 1e-6
    assert fit.hourly_mean_seconds[9] == pytest.approx(150, rel=0.15)
    assert fit.hourly_mean_seconds[17] == pytest.approx(250, rel=0.15)


# --- agents from the records ---------------------------------------------------------------------------------------

def test_stretches_split_at_gaps_of_30_minutes_and_groups_from_call_mix():
    t = pd.Timestamp("1999-01-03")
    rows = []
    # A: calls 08:00-08:05, 08:20-08:25 (15 min gap: one stretch), then 09:00-09:10 (35 min gap: a new stretch)
    for server, starts, lengths, channel in (("A", ["08:00", "08:20", "09:00"], [300, 300, 600], "PS"),
                                             ("B", ["08:00", "08:10", "08:40"], [60, 60, 60], "NE")):
        for s, h in zip(starts, lengths):
            st = t + pd.Timedelta(s + ":00")
            rows.append({"arrival": st, "channel": channel, "served": True, "abandoned": False, "wait_seconds": 0.0,
                         "handle_seconds": float(h), "server": server, "service_start": st,
                         "service_end": st + pd.Timedelta(seconds=h)})
    rows.append({**rows[0], "channel": "PS", "server": "A"})   # the busiest channel is PS
    rec = pd.DataFrame(rows)
    st = server_stretches(rec)
    a = st[st["server"] == "A"]
    assert list(zip(a["start"].dt.strftime("%H:%M"), a["end"].dt.strftime("%H:%M"))) == [("08:00", "08:25"),
                                                                                          ("09:00", "09:10")]
    assert len(st[st["server"] == "B"]) == 1                   # 08:11 to 08:40: a gap of 29 minutes
    groups, member = propose_groups(rec, ["PS", "NE"])
    assert member == {"A": "generalist", "B": "NE_only"} and groups["NE_only"] == ["NE"]
    duty = on_duty(st, member, list(groups), t, 1, interval_minutes=30)
    # A covers 08:00-08:25 of the 08:00 interval (25/30) and 09:00-09:10 (10/30)
    g = list(groups).index("generalist")
    assert duty[16, g] == pytest.approx(25 / 30) and duty[18, g] == pytest.approx(10 / 30)


# --- issue 13 fixes in from-calls ------------------------------------------------------------------------------

def test_negative_vru_time_stays_on_its_day_and_no_server_is_not_handled():
    rows = [
        # queue entry 14:50:33, 42 s before the IVR entry (a negative vru_time): 14:30 on 4 January
        "AA0106\t1\t5\t1\tPS\t990104\t14:51:15\t14:50:33\t-42\t14:50:33\t14:51:45\t72\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
        # crossed midnight: entered 23:59:50, queued 00:00:10 -> 5 January 00:00
        "AA0106\t2\t5\t1\tPS\t990104\t23:59:50\t0:00:10\t20\t0:00:10\t0:00:40\t30\tAGENT\t0:00:40\t0:01:40\t60\tDANA",
        # marked served but no agent (NO_SERVER): 14:30 interval, not in the AHT; the agent-served call is
        "AA0106\t3\t0\t0\tPS\t990104\t14:40:00\t14:40:10\t10\t14:40:10\t14:40:20\t10\tAGENT\t14:40:20\t14:40:25\t5\tNO_SERVER",
        "AA0106\t4\t0\t0\tPS\t990104\t14:41:00\t14:41:10\t10\t14:41:10\t14:41:20\t10\tAGENT\t14:41:20\t14:44:40\t200\tDANA",
    ]
    table = history_from_calls(_records_frame(rows), 30)
    at = table.set_index("ds")
    assert at.loc[pd.Timestamp("1999-01-04 14:30"), "contacts"] == 3
    assert at.loc[pd.Timestamp("1999-01-04 14:30"), "aht_seconds"] == pytest.approx(200.0)
    assert at.loc[pd.Timestamp("1999-01-05 00:00"), "contacts"] == 1
    rec = call_records(_records_frame(rows))
    assert rec["served"].tolist() == [False, True, False, True]   # in arrival order: 14:40, 14:41, 14:50, 00:00
    assert rec["arrival"].iloc[2] == pd.Timestamp("1999-01-04 14:50:33")


# --- availability fitted back on records ccplan simulated ----------------------------------------------------------

def test_availability_fitted_back_on_records_simulated_with_a_known_availability():
    records, stretches, model = _synthetic_center(seed=5, days=12)
    truth = {h: (0.6 if h < 14 else 0.75) for h in range(24)}
    # the "real" center: ccplan's simulation of these calls with 12 x truth agents available (seed 99)
    observed = simulate_period(records, model, truth, seed=99, workers=1, stretches=stretches, detail=True)
    assert 0.05 < observed["abandoned"].mean() < 0.3             # a center under pressure: availability matters
    fitted, log, _ = fit_availability(observed, model, replications=4, seed=7, workers=1, stretches=stretches)
    # fitted on other customers (seed 7) than the records were made of (seed 99); one hour of 12 days holds about
    # 1,700 calls, whose own abandonment and 60-s share move by a couple of points from sample to sample, so a
    # single hour is known to about +-0.1 and a block of six hours to a few hundredths
    for h in range(8, 20):
        assert fitted[h] == pytest.approx(truth[h], abs=0.1), (h, fitted[h])
    morning = np.mean([fitted[h] for h in range(8, 14)])
    afternoon = np.mean([fitted[h] for h in range(14, 20)])
    assert morning == pytest.approx(0.6, abs=0.03) and afternoon == pytest.approx(0.75, abs=0.03)
    assert len(log) <= 9


def test_agents_start_when_their_stretch_starts_not_at_the_interval_start():
    # one caller at 19:05 who never hangs up; the only server's stretch starts at 19:15 (30-minute reporting
    # intervals): the caller waits exactly 10 minutes, and the 19:00 interval shows half an agent on duty
    day = pd.Timestamp("1999-01-03")
    records = pd.DataFrame({"arrival": [day + pd.Timedelta("19:05:00")], "channel": ["calls"], "served": [True],
                            "abandoned": [False], "wait_seconds": [0.0], "handle_seconds": [60.0], "server": ["A"],
                            "service_start": [day + pd.Timedelta("19:15:00")],
                            "service_end": [day + pd.Timedelta("19:16:00")]})
    stretches = pd.DataFrame({"server": ["A"], "start": [day + pd.Timedelta("19:15:00")],
                              "end": [day + pd.Timedelta("20:00:00")], "calls": [1]})
    model = PeriodModel(30, {"calls": {"kind": "voice", "aht_seconds": 60.0, "service": "deterministic",
                                       "target": {"answer_within_seconds": 20, "service_level": 0.8}}},
                        {"generalist": ["calls"]}, {"A": "generalist"})
    out = simulate_period(records, model, {h: 1.0 for h in range(24)}, seed=1, workers=1, stretches=stretches,
                          detail=True)
    assert out["served"].tolist() == [True] and out["wait_seconds"].tolist() == [pytest.approx(600.0)]
    table = simulate_period(records, model, {h: 1.0 for h in range(24)}, replications=1, workers=1,
                            stretches=stretches)
    at = table.set_index("ds")
    assert at.loc[day + pd.Timedelta("19:00:00"), "on_duty"] == pytest.approx(0.5)
    assert at.loc[day + pd.Timedelta("19:00:00"), "within_60"] == 0 and at["offered"].sum() == 1


def test_priority_customers_get_channels_of_their_own_routed_first():
    from forecasting.calls import CallColumns

    rows = [
        "AA0106\t1\t5\t2\tPS\t990104\t10:00:00\t10:00:10\t10\t10:00:10\t10:00:20\t10\tAGENT\t10:00:20\t10:02:00\t100\tDANA",
        "AA0106\t2\t0\t0\tPS\t990104\t10:01:00\t10:01:10\t10\t10:01:10\t10:01:20\t10\tAGENT\t10:02:00\t10:03:00\t60\tDANA",
        "AA0106\t3\t0\t1\tNE\t990104\t10:02:00\t10:02:10\t10\t10:02:10\t10:03:00\t50\tAGENT\t10:03:00\t10:04:00\t60\tELI",
        "AA0106\t4\t0\t0\tPS\t990104\t10:05:00\t10:05:10\t10\t10:05:10\t10:05:20\t10\tAGENT\t10:05:20\t10:06:00\t40\tDANA",
    ]
    rec = call_records(_records_frame(rows), CallColumns(priority="priority"))
    assert rec["channel"].tolist() == ["PS_priority", "PS", "NE", "PS"]      # PS is the busiest type
    groups, member = propose_groups(rec, list(rec["channel"].unique()))
    # ELI answers only NE calls, DANA both PS classes: the priority class of a type is routed before every other
    assert member == {"DANA": "generalist", "ELI": "NE_only"}
    assert groups["generalist"][0] == "PS_priority" and groups["NE_only"] == ["NE"]


def test_weibull_patience_in_the_simulator_through_the_scenario_fields():
    # nobody on duty: every caller waits exactly its patience and hangs up, so the simulated waits are draws of
    # the scenario's patience (Weibull, mean 240 s, cv 1.5)
    day = pd.Timestamp("2026-03-02")
    n = 20000
    arrival = day + pd.to_timedelta(np.linspace(8 * 3600, 9 * 3600, n), unit="s")
    records = pd.DataFrame({"arrival": arrival, "channel": "calls", "served": False, "abandoned": True,
                            "wait_seconds": 0.0, "handle_seconds": np.nan, "server": None, "service_start": pd.NaT,
                            "service_end": pd.NaT})
    model = PeriodModel(30, {"calls": {"kind": "voice", "aht_seconds": 100.0, "patience_seconds": 240.0,
                                       "patience": "weibull", "patience_cv": 1.5,
                                       "target": {"answer_within_seconds": 20, "service_level": 0.8}}},
                        {"generalist": ["calls"]}, {})
    empty = pd.DataFrame(columns=["server", "start", "end", "calls"])
    out = simulate_period(records, model, {h: 1.0 for h in range(24)}, seed=2, workers=1, stretches=empty,
                          detail=True)
    w = out["wait_seconds"].to_numpy()
    assert out["abandoned"].all()
    assert w.mean() == pytest.approx(240.0, rel=0.04) and w.std() / w.mean() == pytest.approx(1.5, rel=0.06)
    # the Weibull survival at 60 s: exp(-(60/scale)^k) with k from the cv and scale from the mean
    k = weibull_shape(1.5)
    scale = 240.0 / gamma(1 + 1 / k)
    assert (w > 60).mean() == pytest.approx(np.exp(-(60 / scale) ** k), abs=0.01)
