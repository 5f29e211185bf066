"""Planning against plausible weeks (planning.plausible, the schedule loop's `risk`): weeks drawn from a known
day-factor law, common random numbers, risk None as the forecast taken as exact, paid hours monotone in risk, and
the claimed share as the mean of the weekly shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planning import schedule
from planning.demand import SETTING_SOURCE, week_demand
from planning.plausible import draw_weeks, plausible_figures, risk_rank
from planning.schedule_results import ScheduleKPIs
from schedule_helpers import small_scenario
from sim import meeting_shares

FAST = dict(rounds=2, replications=3, certify_replications=20, effort=1.0, time_limit=None, workers=1)


def _scenario(day_sd: float | None = 0.15, day_corr: float = 0.0, days: int = 2, **rates):
    demand = {"rates": {"phone": rates.get("phone", 20.0), "chat": rates.get("chat", 6.0)}}
    if day_sd is not None:
        demand.update(day_sd=day_sd, day_corr=day_corr)
    return small_scenario(days=days, demand=demand)


def _day_totals(scenario, table: pd.DataFrame, channel: str) -> np.ndarray:
    own = table[table["channel"] == channel]
    return own.groupby(pd.DatetimeIndex(own["ds"]).date)["contacts"].sum().to_numpy()


def test_a_set_day_sd_is_the_law_of_every_channel():
    week = week_demand(_scenario(day_sd=0.2))
    assert week.uncertainty.source == SETTING_SOURCE and set(week.uncertainty.laws) == {"phone", "chat"}
    assert week.uncertainty.day_factor("phone", 0.5) == pytest.approx(1.0)
    assert week.uncertainty.day_factor("phone", 0.9) == pytest.approx(np.exp(1.2815516 * 0.2))
    assert week_demand(_scenario(day_sd=None)).uncertainty is None


def test_plausible_weeks_have_the_spread_and_correlation_of_the_law():
    """Rates large enough that Poisson noise is negligible: log day factors have the law's sd and correlation."""
    sc = _scenario(day_sd=0.2, day_corr=0.5, days=7, phone=2000.0, chat=2000.0)
    week = week_demand(sc)
    weeks = draw_weeks(sc, week.table, week.uncertainty, weeks=400, seed=3)
    expected = _day_totals(sc, week.table, "phone")
    logs = np.log(np.stack([_day_totals(sc, t, "phone") for t in weeks.tables]) / expected)
    assert logs.std() == pytest.approx(0.2, rel=0.1)
    assert abs(logs.mean()) < 0.03
    corr = np.corrcoef(logs[:, 0], logs[:, 1])[0, 1]
    assert corr == pytest.approx(0.5, abs=0.12)


def test_same_seed_same_weeks():
    sc = _scenario()
    week = week_demand(sc)
    a = draw_weeks(sc, week.table, week.uncertainty, weeks=5, seed=11)
    b = draw_weeks(sc, week.table, week.uncertainty, weeks=5, seed=11)
    c = draw_weeks(sc, week.table, week.uncertainty, weeks=5, seed=12)
    for x, y in zip(a.tables, b.tables):
        pd.testing.assert_frame_equal(x, y)
    assert not all(x.equals(y) for x, y in zip(a.tables, c.tables))
    # closed intervals stay closed
    closed = week.table["contacts"] == 0
    assert all((t.loc[closed, "contacts"] == 0).all() for t in a.tables)


def _comparable(result) -> dict:
    out = result.to_json()
    out.pop("solve_seconds")
    for r in out["rounds"]:
        r.pop("solve_seconds")
    return out


def test_risk_none_is_the_forecast_taken_as_exact():
    """With risk None a known law changes nothing: the same roster and figures as without any law."""
    with_law = schedule(_scenario(day_sd=0.2), risk=None, **FAST)
    without = schedule(_scenario(day_sd=None), **FAST)
    assert with_law.roster.shifts == without.roster.shifts
    assert _comparable(with_law) == _comparable(without)
    assert with_law.risk is None and with_law.kpis.certified.plausible is None
    assert with_law.kpis.claimed_shares == {c: f.intervals_meeting_target for c, f in with_law.kpis.channels.items()}


def test_higher_risk_never_fewer_paid_hours():
    sc = _scenario(day_sd=0.25, days=1)
    hours = [schedule(sc, verify=False, risk=r, effort=5.0, time_limit=None, workers=1).kpis.paid_hours
             for r in (0.5, 0.75, 0.9, 0.95)]
    assert hours == sorted(hours) and hours[-1] > hours[0]
    curve = schedule(sc, verify=False, risk=None, effort=5.0, time_limit=None, workers=1,
                     risk_curve=(0.5, 0.75, 0.9, 0.95)).risk_curve
    assert [p.risk for p in curve] == [0.5, 0.75, 0.9, 0.95]
    assert [p.paid_hours for p in curve] == sorted(p.paid_hours for p in curve)


def test_claimed_share_is_the_mean_of_weekly_shares_on_stub_judged_tables():
    sc = _scenario()

    def judged(phone_meets: list[bool], chat_meets: list[bool]) -> pd.DataFrame:
        rows = [("phone", m) for m in phone_meets] + [("chat", m) for m in chat_meets]
        return pd.DataFrame({"channel": [c for c, _ in rows], "meets": [m for _, m in rows],
                             "sl_gap": [-0.1 if m else 0.1 for _, m in rows]})

    weeks = [judged([True] * 9 + [False], [True] * 4), judged([True] * 10, [True, True, True, False]),
             judged([True] * 8 + [False] * 2, [True] * 4), judged([True] * 7 + [False] * 3, [True, False] * 2)]
    shares = [meeting_shares(sc, w) for w in weeks]
    figures = plausible_figures(shares, risk=0.75, target_share=0.95, seed=1, replications=5)
    assert figures.weekly == {"phone": [0.9, 1.0, 0.8, 0.7], "chat": [1.0, 0.75, 1.0, 0.5]}
    assert figures.claimed == {"phone": 0.85, "chat": 0.8125}
    # the 25% lower quantile (linear): phone sorted 0.7, 0.8, 0.9, 1.0 -> 0.775; chat 0.5, 0.75, 1, 1 -> 0.6875
    assert figures.at_risk == {"phone": pytest.approx(0.775), "chat": pytest.approx(0.6875)}
    assert not figures.meets_targets


def test_a_plan_at_risk_is_certified_on_plausible_weeks_and_claims_their_mean():
    result = schedule(_scenario(day_sd=0.15, days=1), risk=0.9, risk_curve=(0.5, 0.9), **FAST)
    plausible = result.kpis.certified.plausible
    assert result.risk == 0.9 and plausible.risk == 0.9 and plausible.weeks == 20
    assert plausible.seed == result.kpis.certified.seed
    for channel, weekly in plausible.weekly.items():
        assert len(weekly) == 20
        assert result.kpis.claimed_shares[channel] == pytest.approx(np.mean(weekly), abs=1e-4)
        assert plausible.at_risk[channel] == pytest.approx(np.quantile(weekly, 0.1), abs=1e-4)
    assert result.kpis.meets_targets == plausible.meets_targets
    for figures in result.kpis.channels.values():
        assert figures.intervals_meeting_target <= figures.intervals_meeting_service_level
    data = result.to_json()
    assert data["risk"] == 0.9 and [p["risk"] for p in data["risk_curve"]] == [0.5, 0.9]
    assert ScheduleKPIs.from_json(data).certified.plausible == plausible


def test_smoothed_judgements_recover_the_true_weekly_shares_from_noisy_figures():
    """A known truth: each interval's service level falls linearly with the week's contacts in it, around its own
    level (some intervals near the 80 % target); the simulated figure adds noise (sd 0.03, as a few replications
    give). Judged on the noisy figures the weekly shares come out about 3.5 points low (5 at their 10 % quantile);
    judged on the figures fitted across the 40 weeks, their mean and 10 % quantile are within a point or two of the
    true ones and each week's share is more than twice as close."""
    from planning.plausible import smoothed_judgements
    from sim import judge

    sc = _scenario(day_sd=0.05, day_corr=0.5, days=5, phone=400.0, chat=200.0)
    week = week_demand(sc)
    weeks = draw_weeks(sc, week.table, week.uncertainty, weeks=40, seed=5)
    rng = np.random.default_rng(9)
    open_rows = week.table["contacts"].to_numpy() > 0
    expected = week.table["contacts"].to_numpy()[open_rows]
    level = rng.uniform(0.0, 0.15, size=expected.size)
    true_shares, noisy = [], []
    for table in weeks.tables:
        contacts = table["contacts"].to_numpy()[open_rows]
        truth = 0.80 + level - 0.3 * (contacts / expected - 1)
        rows = table.loc[open_rows, ["ds", "channel"]].assign(offered=contacts, abandon_rate=0.0)
        true_shares.append(float((truth >= 0.80).mean()))
        noisy.append(judge(sc, rows.assign(service_level=np.clip(truth + rng.normal(0, 0.03, truth.size), 0, 1))))
    true_shares = np.array(true_shares)

    def shares(judged):
        return np.array([j["meets"].mean() for j in judged])

    raw, smooth = shares(noisy), shares(smoothed_judgements(sc, weeks, noisy))
    assert true_shares.mean() - raw.mean() > 0.025                     # the noise's pessimism
    assert abs(smooth.mean() - true_shares.mean()) < 0.015
    assert abs(np.quantile(smooth, 0.1) - np.quantile(true_shares, 0.1)) < 0.03
    assert np.abs(smooth - true_shares).mean() < 0.5 * np.abs(raw - true_shares).mean()


def test_risk_rank_is_the_lower_neighbour_of_the_acceptance_quantile():
    """Hand cases (0.1 x 19 = 1.9 -> week 2 from the worst, index 1; 0.25 x 19 = 4.75 -> index 4), and the property:
    the week read is never better than np.quantile's (1 - risk) quantile, the next one never worse."""
    assert [risk_rank(r, 20) for r in (0.9, 0.75, 0.95, 0.5)] == [1, 4, 0, 9]
    assert risk_rank(0.9, 11) == 1          # 0.1 x 10 = 1.0 exactly, though (1 - 0.9) x 10 < 1 in floating point
    rng = np.random.default_rng(7)
    for weeks in (2, 5, 11, 20, 37):
        values = np.sort(rng.normal(size=weeks))
        for risk in (0.5, 0.6, 0.75, 0.8, 0.9, 0.95, 0.99):
            rank, q = risk_rank(risk, weeks), np.quantile(values, 1 - risk)
            assert values[rank] <= q + 1e-12
            assert rank == weeks - 1 or values[rank + 1] >= q - 1e-12
