"""`ccplan forecast`, `ccplan backtest`, `ccplan history from-calls`, run as a user would."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from conftest import FIXTURES, run_cli
from forecasting import history_from_calls, read_history

BANK = FIXTURES / "us_bank_calls_30min.csv"
CALLS = FIXTURES / "anonymous_bank_calls_sample.tsv"


def _hand_count(day: str, call_type: str, start: str):
    """Calls of `call_type` on `day` asking for an agent in the 30 minutes from `start` (H:MM), counted by hand."""
    h0, m0 = map(int, start.split(":"))
    lo, n, served = h0 * 3600 + m0 * 60, 0, []
    with open(CALLS, newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["date"] != day or row["type"] != call_type or row["outcome"] == "PHANTOM":
                continue
            if row["q_start"] == "0:00:00" and row["outcome"] != "AGENT":
                continue                                      # hung up in the IVR: never asked for an agent
            clock = row["q_start"] if row["q_start"] != "0:00:00" else row["vru_exit"]
            h, m, s = map(int, clock.split(":"))
            if lo <= h * 3600 + m * 60 + s < lo + 1800:
                n += 1
                if row["outcome"] == "AGENT" and int(row["ser_time"]) > 0:
                    served.append(int(row["ser_time"]))
    return n, sum(served) / len(served)


def test_history_from_calls_counts_like_a_hand_count():
    table = history_from_calls(CALLS, 30)
    for day, kind, start in (("990104", "PS", "10:00"), ("990103", "NW", "14:30")):
        n, aht = _hand_count(day, kind, start)
        ds = pd.Timestamp(f"19{day[:2]}-{day[2:4]}-{day[4:]} {start}")
        row = table[(table["channel"] == kind) & (table["ds"] == ds)].iloc[0]
        assert row["contacts"] == n and n >= 5
        assert row["aht_seconds"] == pytest.approx(aht, abs=0.05)
    # a complete grid: every channel has every 30 minutes of both days, up to the last call (23:5x on 4 January;
    # a call whose queue clock is a minute before its IVR entry, a negative vru_time, stays on its day: issue 13)
    last = table["ds"][table["contacts"] > 0].max()
    assert last == pd.Timestamp("1999-01-04 23:30") and table["ds"].max() == last
    assert (table.groupby("channel").size() == 96).all()
    assert read_history(table).attrs["gaps"] == []


def test_cli_from_calls_then_forecast(tmp_path):
    hist = tmp_path / "calls.csv"
    out = run_cli("history", "from-calls", str(CALLS), "--interval", "60", "--out", str(hist),
                  "--channel-map", "PS=retail,PE=english")
    assert out.returncode == 0, out.stderr
    table = pd.read_csv(hist)
    assert {"retail", "english", "NW"} <= set(table["channel"]) and "PS" not in set(table["channel"])
    assert list(table.columns) == ["ds", "channel", "contacts", "aht_seconds"] and len(table) % 48 == 0


def test_cli_from_calls_names_a_missing_column(tmp_path):
    out = run_cli("history", "from-calls", str(CALLS), "--handle-column", "talk_time", "--out", str(tmp_path / "x.csv"))
    assert out.returncode == 2 and "missing column talk_time" in out.stderr and "Traceback" not in out.stderr


def test_cli_forecast_writes_the_week(tmp_path):
    target = tmp_path / "fc.csv"
    out = run_cli("forecast", str(BANK), "--horizon-days", "7", "--model", "weekday_mean", "--interval", "60",
                  "--allow-gaps", "--out", str(target))
    assert out.returncode == 0, out.stderr
    fc = pd.read_csv(target, parse_dates=["ds"])
    assert list(fc.columns) == ["ds", "channel", "model", "yhat", "yhat_lo", "yhat_hi", "aht_seconds"]
    assert len(fc) == 7 * 24 and fc["ds"].iloc[0] == pd.Timestamp("2003-10-25")   # Saturday after the history
    assert (fc["yhat_lo"] <= fc["yhat"] + 1e-6).all() and (fc["yhat"] <= fc["yhat_hi"] + 1e-6).all()
    weekend = fc["ds"].dt.dayofweek >= 5
    assert fc.loc[weekend, "yhat"].sum() == 0 and fc.loc[~weekend, "yhat"].sum() > 100_000
    assert "2003-10-14" in out.stderr                     # the gap is reported


def test_cli_forecast_stops_on_gaps_without_allow_gaps(tmp_path):
    out = run_cli("forecast", str(BANK), "--out", str(tmp_path / "fc.csv"))
    assert out.returncode == 2 and "history has gaps" in out.stderr and "--allow-gaps" in out.stderr
    assert not (tmp_path / "fc.csv").exists()


def test_cli_forecast_unknown_model(tmp_path):
    out = run_cli("forecast", str(BANK), "--model", "etz", "--allow-gaps", "--out", str(tmp_path / "fc.csv"))
    assert out.returncode == 2 and "unknown model 'etz'" in out.stderr and "did you mean 'ets'" in out.stderr


def test_cli_backtest_json(tmp_path):
    target = tmp_path / "bt.json"
    out = run_cli("backtest", str(BANK), "--folds", "4", "--horizon-days", "7", "--models", "weekday_mean,snaive",
                  "--allow-gaps", "--json", str(target))
    assert out.returncode == 0, out.stderr
    rows = json.loads(target.read_text())
    assert [r["model"] for r in rows] == ["weekday_mean", "snaive", "auto"]
    for r in rows:
        assert {"channel", "model", "wape", "mase", "bias", "daily_mape", "coverage80", "fit_seconds"} <= set(r)
    assert rows[2]["chosen"] == "weekday_mean" and rows[0]["wape"] < rows[1]["wape"]
    assert "WAPE" in out.stdout and "auto" in out.stdout


def test_forecast_file_feeds_a_scenario_directly(tmp_path, example, example_data):
    from planning.demand import scenario_demand
    from scenarios import scenario_from_dict

    target = tmp_path / "week.csv"
    out = run_cli("forecast", str(example.resolve(example.demand.history)), "--model", "weekday_mean",
                  "--start", "2026-01-05", "--out", str(target))
    assert out.returncode == 0, out.stderr
    example_data["demand"] = {"forecast": str(target)}
    demand = scenario_demand(scenario_from_dict(example_data))
    fc = pd.read_csv(target, parse_dates=["ds"])
    merged = demand.merge(fc, on=["ds", "channel"])
    assert len(merged) == len(demand) == 4 * 7 * 48
    open_ = merged["contacts"] > 0
    assert open_.sum() > 1000
    assert (merged.loc[open_, "contacts"] - merged.loc[open_, "yhat"]).abs().max() < 1e-3
    phone = merged[(merged["channel"] == "phone") & open_]
    assert (phone["aht_seconds_x"] - phone["aht_seconds_y"]).abs().max() < 1e-3   # the AHT profile carries over
