"""planning.backtest_plan on a tiny synthetic history: which weeks, what each forecast sees, and the actual share
against a direct simulation of the same roster."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from backtest_helpers import history, tiny_scenario, write_history
from planning import backtest_plan, simulate
from planning.backtest_plan import ACTUAL_SEED
from scenarios import InputError
from sim import judge_simulation, meeting_shares

# Tiny effort: these tests check the plumbing, not the rosters' quality.
FAST = dict(effort=0.2, rounds=2, schedule_replications=4, certify_replications=4, replications=4, workers=1)
LAST_MONDAYS = [dt.date(2026, 2, 2), dt.date(2026, 2, 9)]


@pytest.fixture(scope="module")
def counts() -> pd.DataFrame:
    return history()


@pytest.fixture(scope="module")
def backtest(counts, tmp_path_factory):
    path = write_history(counts, tmp_path_factory.mktemp("backtest") / "history.csv")
    return tiny_scenario(path), backtest_plan(tiny_scenario(path), weeks=2, **FAST)


def test_reports_the_last_n_weeks_with_every_method(backtest):
    _, result = backtest
    assert [w.start for w in result.weeks] == LAST_MONDAYS
    for week in result.weeks:
        assert set(week.plans) == {"ccplan", "erlang-c-two-step", "hindsight"}
        assert week.plans["hindsight"].wape == 0.0
        assert week.plans["ccplan"].wape == pytest.approx(week.forecast_error.wape)
        assert all(p.paid_hours > 0 and 0 <= p.actual <= 1 and 0 <= p.claimed <= 1 for p in week.plans.values())
        assert len(week.forecast_error.day_errors) == 5
    rows = result.rows()
    assert len(rows) == 6 and {"claimed.phone", "actual.phone"} <= set(rows.columns)


def test_actual_share_is_a_direct_simulation_of_the_roster_on_the_actual_counts(backtest, counts):
    scenario, result = backtest
    week = result.weeks[-1]
    plan = week.plans["ccplan"]
    # The truth built here from the generated counts, not through the backtest's own reading of the history.
    moved = scenario.model_copy(update={"start": week.start})
    grid = pd.date_range(pd.Timestamp(week.start), periods=moved.n_intervals, freq="60min")
    contacts = counts.set_index("ds")["contacts"].reindex(grid).fillna(0.0).to_numpy(float)
    demand = pd.DataFrame({"ds": grid, "channel": "phone", "contacts": contacts, "aht_seconds": 240.0})
    sim = simulate(moved, plan.roster, demand=demand, replications=FAST["replications"],
                   seed=scenario.simulation.seed + ACTUAL_SEED, workers=1)
    assert plan.actual_channels == meeting_shares(moved, judge_simulation(moved, sim))
    assert week.forecast_error.actual_contacts == pytest.approx(contacts.sum())


def test_each_forecast_sees_only_the_data_before_its_week(counts, tmp_path):
    """Changing every count from the first backtested week on changes that week's actuals, not its forecast."""
    later = counts["ds"] >= pd.Timestamp(LAST_MONDAYS[0])
    changed = counts.assign(contacts=counts["contacts"].where(~later, counts["contacts"] * 3 + 1))
    runs = []
    for name, frame in (("same", counts), ("changed", changed)):
        scenario = tiny_scenario(write_history(frame, tmp_path / f"{name}.csv"))
        runs.append(backtest_plan(scenario, weeks=2, methods=("erlang-c-two-step",), **FAST))
    same, other = runs
    first, first_changed = same.weeks[0], other.weeks[0]
    assert first_changed.forecast_error.forecast_contacts == first.forecast_error.forecast_contacts
    assert first_changed.plans["erlang-c-two-step"].paid_hours == first.plans["erlang-c-two-step"].paid_hours
    assert first_changed.forecast_error.actual_contacts > 2 * first.forecast_error.actual_contacts
    # The second week's forecast does see the changed first week.
    assert other.weeks[1].forecast_error.forecast_contacts > same.weeks[1].forecast_error.forecast_contacts


def test_too_many_weeks_names_weeks(counts, tmp_path):
    scenario = tiny_scenario(write_history(counts, tmp_path / "history.csv"))
    with pytest.raises(InputError) as err:
        backtest_plan(scenario, weeks=5, **FAST)
    assert [p.where for p in err.value.problems] == ["weeks"]
    assert "4 full week(s)" in str(err.value)


def test_a_week_with_a_day_missing_is_not_full(counts, tmp_path):
    """A weekday without data leaves its week out: the last full weeks are then the ones before it."""
    gap = pd.DatetimeIndex(counts["ds"]).normalize() == pd.Timestamp(LAST_MONDAYS[1] + dt.timedelta(days=2))
    scenario = tiny_scenario(write_history(counts[~gap], tmp_path / "history.csv"))
    from forecasting import read_history
    from planning.backtest_plan import backtest_weeks

    table = read_history(scenario.resolve(scenario.demand.history), 60, allow_gaps=True)
    assert backtest_weeks(scenario, table, 2) == [dt.date(2026, 1, 26), LAST_MONDAYS[0]]
