"""`ccplan calibrate` and `ccplan replay` on four days of the bank's real records (tests/fixtures, 3-6 January
1999: calibrated on 3-5 January, replayed on 6 January), and the replay's promise never to read the waits and
abandonments of the days it replays."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from forecasting.calls import call_records
from planning.calibrate import PeriodModel, read_fragment, simulate_period
from planning.replay import replay

sys.path.insert(0, str(Path(__file__).parents[1]))
from calibrate_helpers import synthetic_center as _synthetic_center  # noqa: E402

FIXTURES = Path(__file__).parents[1] / "fixtures"
CALLS = FIXTURES / "anonymous_bank_calls_week.tsv"


def run_cli(*args: str):
    import subprocess

    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cal")
    out = run_cli("calibrate", str(CALLS), "--to", "1999-01-05", "--out", str(folder / "cal.yaml"),
                  "--report", str(folder / "report.json"), "-w", "2", "-r", "4")
    assert out.returncode == 0, out.stderr
    return folder


def test_calibrate_writes_a_fragment_and_a_report(calibrated):
    fragment = yaml.safe_load((calibrated / "cal.yaml").read_text())
    report = json.loads((calibrated / "report.json").read_text())
    assert report["period"] == ["1999-01-03", "1999-01-05"]
    # the busiest call types are channels with a handle-time distribution and a patience
    for name in ("PS", "NW"):
        ch = fragment["channels"][name]
        assert ch["kind"] == "voice" and ch["service"] in ("exponential", "lognormal", "empirical")
        assert ch["patience"] in ("exponential", "weibull") and ch["patience_seconds"] > 0
        cands = {c["kind"] for c in report["channels"][name]["handle"]["candidates"]}
        assert cands == {"exponential", "lognormal", "gamma", "empirical"}
        curve = [s for _, s in report["channels"][name]["patience"]["km_curve"]]
        assert report["channels"][name]["patience"]["km_curve"][0][0] == 0.0
        assert curve[0] <= 1.0 and all(b <= a for a, b in zip(curve, curve[1:]))
    # the patience MLE in the report is abandonments / total time waited of these very records
    rec = call_records(CALLS, end="1999-01-06")
    ps = rec[rec["channel"] == "PS"]
    assert report["channels"]["PS"]["patience"]["exponential_mean_seconds"] == pytest.approx(
        ps["wait_seconds"].sum() / ps["abandoned"].sum())
    avail = fragment["calibration"]["availability_by_hour"]
    assert all(0.2 <= a <= 1.0 for a in avail.values()) and len(avail) == 24
    assert set(fragment["skill_groups"]) >= {"generalist"}
    assert 0 <= fragment["shrinkage"] < 0.8
    # the fragment's channels and skill groups are valid scenario parts
    from scenarios.model import Scenario
    Scenario.model_validate({"start": "2026-01-05", "channels": fragment["channels"],
                             "skill_groups": fragment["skill_groups"], "shrinkage": fragment["shrinkage"],
                             "demand": {"rates": {n: 1.0 for n in fragment["channels"]}}})


def test_replay_cli_reports_per_day_and_interval(calibrated, tmp_path):
    out = run_cli("replay", str(CALLS), "--calibration", str(calibrated / "cal.yaml"), "--from", "1999-01-06",
                  "--json", str(tmp_path / "r.json"), "--out", str(tmp_path / "r.csv"), "-r", "4", "-w", "2")
    assert out.returncode == 0, out.stderr
    result = json.loads((tmp_path / "r.json").read_text())
    for key in ("abandon_mae_pp", "abandon_bias_pp", "sl60_mae_pp", "sl60_bias_pp", "sl20_mae_pp", "asa_mae_s"):
        assert np.isfinite(result[key])
    assert [d["date"] for d in result["days"]] == ["1999-01-06"]
    day = result["days"][0]
    # actual figures of 6 January counted from the records themselves
    rec = call_records(CALLS, start="1999-01-06")
    assert day["offered"] == len(rec)
    assert day["abandon_actual"] == pytest.approx(rec["abandoned"].mean())
    assert day["sl60_actual"] == pytest.approx((rec["served"] & (rec["wait_seconds"] <= 60)).mean())
    # one day: MAE is |error| and bias the error, in points
    assert result["abandon_mae_pp"] == pytest.approx(abs(day["abandon_error_pp"]), abs=1e-3)
    assert result["abandon_bias_pp"] == pytest.approx(day["abandon_error_pp"], abs=1e-3)
    table = pd.read_csv(tmp_path / "r.csv")
    assert {"ds", "channel", "abandon_actual", "abandon_sim", "sl60_actual", "sl60_sim", "on_duty"} <= set(table.columns)
    assert table["offered"].sum() == len(rec)


def test_replay_never_reads_the_replayed_waits_or_abandonments(calibrated):
    fragment = read_fragment(calibrated / "cal.yaml")
    model = PeriodModel.from_fragment(fragment)
    avail = fragment["calibration"]["availability_by_hour"]
    rec = call_records(CALLS, start="1999-01-06")
    rec["channel"] = rec["channel"].replace(fragment["calibration"]["channel_map"])
    a = replay(rec, model, avail, replications=2, seed=3, workers=1)
    scrambled = rec.copy()
    rng = np.random.default_rng(0)
    scrambled["wait_seconds"] = rng.permutation(rec["wait_seconds"].to_numpy())
    scrambled["abandoned"] = rng.permutation(rec["abandoned"].to_numpy())
    b = replay(scrambled, model, avail, replications=2, seed=3, workers=1)
    sim_cols = [c for c in a.days.columns if c.endswith("_sim")]
    pd.testing.assert_frame_equal(a.days[sim_cols], b.days[sim_cols])


def test_replay_of_a_simulated_center_with_its_true_availability_is_unbiased():
    records, stretches, model = _synthetic_center(seed=8, days=6)
    truth = {h: 0.65 for h in range(24)}
    observed = simulate_period(records, model, truth, seed=99, workers=1, stretches=stretches, detail=True)
    # the same on-duty stretches (reading them from answered calls is tested in test_calibrate), other customers
    res = replay(observed, model, truth, replications=8, seed=4, workers=1, stretches=stretches)
    assert abs(res.summary["abandon_bias_pp"]) < 1.5 and res.summary["abandon_mae_pp"] < 2.0
    assert abs(res.summary["sl60_bias_pp"]) < 2.5 and res.summary["sl60_mae_pp"] < 3.0


SCENARIO = """
start: 1999-01-03
days: 7
shrinkage: 0.15
channels:
  phone: {kind: voice, aht_seconds: 200, service: lognormal, service_cv: 1.2, patience_seconds: 450,
          patience: weibull, patience_cv: 1.1, target: {answer_within_seconds: 30, service_level: 0.8}}
demand: {rates: {phone: 1}}
skill_groups:
  agents: {skills: [phone], headcount: 30}
"""


def test_replay_with_a_scenario_maps_call_types_to_its_channels(tmp_path):
    (tmp_path / "s.yaml").write_text(SCENARIO)
    base = ["replay", str(CALLS), "--scenario", str(tmp_path / "s.yaml"), "--from", "1999-01-06", "-r", "2", "-w", "1"]
    out = run_cli(*base)
    assert out.returncode == 2 and "'PS' is not a channel of the model" in out.stderr and "--channel-map" in out.stderr
    out = run_cli(*base, "--channel-map", "PS=phone,NW=phone,NE=phone,TT=phone,IN=phone,PE=phone",
                  "--json", str(tmp_path / "r.json"))
    assert out.returncode == 0, out.stderr
    day = json.loads((tmp_path / "r.json").read_text())["days"][0]
    rec = call_records(CALLS, start="1999-01-06")
    # the scenario's own threshold (30 s) is the channel threshold of the replay
    assert day["sl_threshold_actual"] == pytest.approx((rec["served"] & (rec["wait_seconds"] <= 30)).mean())
