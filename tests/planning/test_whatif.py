"""What-if sweeps: stored runs, KPIs moving the way queueing says they must, CIs of paired differences,
common random numbers, identical results on a Dask cluster, and a sweep killed midway losing nothing it finished."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from conftest import ROOT, run_cli
from scenarios import InputError, scenario_from_dict
from scenarios.overrides import parse_override, parse_sweep
from planning.store import Workspace
from planning.whatif import build_variants, compare, kpis_from_results, run_whatif

REPS = 6


def small_data(hours: int = 8) -> dict:
    """Phone (its own agents) and chat fed by a bot: 1 day, `hours` open hours, 30-minute intervals.

    Phone: 20 calls per 30 min x 240 s on 4 agents (load 2.7 of 4). Chat: 40 bot sessions per 30 min, 60%
    contained, so 16 escalations x 300 s x 1.2 on 3 agents holding 2 chats each.
    """
    return {
        "name": "small omnichannel",
        "start": "2026-01-05",
        "days": 1,
        "interval_minutes": 30,
        "open": f"08:00-{8 + hours:02d}:00",
        "channels": {
            "phone": {"kind": "voice", "aht_seconds": 240, "patience_seconds": 180,
                      "target": {"answer_within_seconds": 20, "service_level": 0.8}},
            "chat": {"kind": "chat", "aht_seconds": 300, "concurrency": 2, "concurrency_slowdown": 0.25,
                     "patience_seconds": 240, "target": {"answer_within_seconds": 60, "service_level": 0.8}},
            "bot": {"kind": "ai", "handle_seconds": 60, "containment": 0.6, "escalate_to": "chat",
                    "escalated_aht_factor": 1.2},
        },
        "demand": {"rates": {"phone": 20, "bot": 40}},
        "skill_groups": {
            "voice": {"skills": ["phone"], "headcount": 4, "constant_agents": 4},
            "digital": {"skills": ["chat"], "headcount": 3, "constant_agents": 3},
        },
        "simulation": {"replications": REPS, "seed": 11},
    }


SWEEP = ["channels.bot.containment=0.4,0.6,0.8", "demand.scale=1.0,1.2"]


def _variants(base):
    return build_variants(base, [], [parse_sweep(s) for s in SWEEP])


@pytest.fixture(scope="module")
def small():
    return scenario_from_dict(small_data())


@pytest.fixture(scope="module")
def sweep_run(small, tmp_path_factory):
    """The containment x scale sweep run in-process and stored in a fresh workspace."""
    path = tmp_path_factory.mktemp("ws") / "ws.sqlite"
    with Workspace(path) as ws:
        result = run_whatif(_variants(small), workspace=ws)
    return result, path


def _row(result, variant: str, kpi: str) -> pd.Series:
    t = result.comparison
    return t[(t["variant"] == variant) & (t["kpi"] == kpi)].iloc[0]


def test_sweep_stores_six_runs_readable_with_their_tables(sweep_run):
    result, path = sweep_run
    assert len(result.results) == 6 and result.results[0].variant.is_base
    assert result.results[0].variant.label == "channels.bot.containment=0.6, demand.scale=1.0"
    with Workspace(path) as ws:
        runs = ws.runs(kind="whatif")
        assert len(runs) == 6 and {r.batch_id for r in runs} == {result.batch_id}
        assert {r.seed for r in runs} == {11} and {r.replications for r in runs} == {REPS}
        for res in result.results:
            stored = ws.run(res.run_id)
            assert stored.label == res.variant.label
            assert stored.results["channels"]["chat"]["offered"] == pytest.approx(
                res.summary.channels["chat"].offered)
            intervals = ws.table(res.run_id, "intervals")
            assert len(intervals) == len(res.intervals)
            assert np.allclose(intervals["offered"], res.intervals["offered"])
        # Different inputs, different hashes.
        assert len({r.inputs_hash for r in runs}) == 6
    # The stored batch compares again from the workspace alone, to the same numbers.
    from typer.testing import CliRunner

    from app.cli import cli

    out = CliRunner().invoke(cli, ["runs", "compare", "--batch", str(result.batch_id), "--workspace", str(path),
                                   "--json", str(path.with_name("again.json"))])
    assert out.exit_code == 0, out.output
    again = pd.DataFrame(json.loads(path.with_name("again.json").read_text()))
    mine = result.comparison.dropna(subset=["diff_lo"])
    assert len(again.dropna(subset=["diff_lo"])) == len(mine)
    assert np.allclose(again.dropna(subset=["diff_lo"])["diff_lo"], mine["diff_lo"])


def test_service_moves_the_way_it_must_at_fixed_staff(sweep_run):
    result, _ = sweep_run
    base = result.results[0].variant.label
    chat_sl = {r.variant.label: r.summary.channels["chat"].service_level for r in result.results}
    for scale in ("1.0", "1.2"):
        # More containment, fewer escalations, better chat service.
        sl = [chat_sl[f"channels.bot.containment={c}, demand.scale={scale}"] for c in ("0.4", "0.6", "0.8")]
        assert sl[0] < sl[1] < sl[2], sl
    # More containment at the same volume: chat gets better, significantly.
    better = _row(result, "channels.bot.containment=0.8, demand.scale=1.0", "channels.chat.service_level")
    assert better.method == "paired" and better.diff_lo > 0
    worse = _row(result, "channels.bot.containment=0.4, demand.scale=1.0", "channels.chat.service_level")
    assert worse.diff_hi < 0
    # 20% more volume everywhere: phone answers fewer within 20 s; offered rises by about 20%.
    busier = _row(result, "channels.bot.containment=0.6, demand.scale=1.2", "channels.phone.service_level")
    assert busier.diff_hi < 0
    offered = _row(result, "channels.bot.containment=0.6, demand.scale=1.2", "channels.phone.offered")
    assert offered.value / offered.base == pytest.approx(1.2, rel=0.1)
    assert _row(result, base, "channels.phone.service_level")["diff"] == 0


def test_requirements_move_the_way_they_must(sweep_run):
    result, _ = sweep_run
    need = {(r.variant.scenario.channels["bot"].containment, r.variant.scenario.demand.scale):
            r.results_json()["requirements_agent_hours"] for r in result.results}
    for scale in (1.0, 1.2):
        chat = [need[(c, scale)]["chat"] for c in (0.4, 0.6, 0.8)]
        assert chat[0] > chat[1] > chat[2], chat
        # The bot does not touch phone demand: phone needs exactly the same.
        assert len({need[(c, scale)]["phone"] for c in (0.4, 0.6, 0.8)}) == 1
    for c in (0.4, 0.6, 0.8):
        assert need[(c, 1.2)]["phone"] > need[(c, 1.0)]["phone"]
        assert need[(c, 1.2)]["chat"] > need[(c, 1.0)]["chat"]
    row = _row(result, "channels.bot.containment=0.8, demand.scale=1.0", "requirements.chat.agent_hours")
    assert row.method == "exact" and row["diff"] < 0 and row.diff_lo == row.diff_hi == row["diff"]


def test_common_random_numbers_leave_untouched_channels_identical(sweep_run):
    """Phone has its own agents and streams: changing the bot's containment must not move one phone call."""
    result, _ = sweep_run
    base = result.results[0]
    for res in result.results:
        if "demand.scale=1.0" in res.variant.label:
            pd.testing.assert_frame_equal(res.intervals[res.intervals["channel"] == "phone"].reset_index(drop=True),
                                          base.intervals[base.intervals["channel"] == "phone"].reset_index(drop=True))
            row = _row(result, res.variant.label, "channels.phone.service_level")
            assert (row["diff"], row.diff_lo, row.diff_hi) == (0, 0, 0)


def test_ci_of_difference_is_the_paired_t_interval(sweep_run):
    result, _ = sweep_run
    base, other = result.results[0], result.results[5]
    x = [r.channels["chat"].service_level for r in other.replication_summaries]
    y = [r.channels["chat"].service_level for r in base.replication_summaries]
    truth = stats.ttest_rel(x, y).confidence_interval(0.95)
    row = _row(result, other.variant.label, "channels.chat.service_level")
    assert row["diff"] == pytest.approx(np.mean(np.subtract(x, y)))
    assert (row.diff_lo, row.diff_hi) == (pytest.approx(truth.low), pytest.approx(truth.high))
    # Independent runs (different seeds) are compared with Welch's interval.
    a = kpis_from_results("a", {**base.results_json(), "seed": 1})
    b = kpis_from_results("b", {**other.results_json(), "seed": 2})
    welch = compare([a, b])
    row = welch[(welch["variant"] == "b") & (welch["kpi"] == "channels.chat.service_level")].iloc[0]
    truth = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    assert row.method == "welch" and (row.diff_lo, row.diff_hi) == (pytest.approx(truth.low), pytest.approx(truth.high))


def test_same_sweep_on_a_dask_cluster_and_a_process_pool_gives_identical_results(small, sweep_run):
    from planning.execution import open_executor

    reference, _ = sweep_run
    for kind, options in (("dask", {"scheduler": "local", "workers": 2, "local_processes": False}),
                          ("local", {"workers": 2})):
        with open_executor(kind, **options) as run_on:
            assert run_on.executor is not None and run_on.workers == 2
            result = run_whatif(_variants(small), executor=run_on.executor, workers=run_on.workers)
        assert [r.variant.label for r in result.results] == [r.variant.label for r in reference.results]
        for mine, ref in zip(result.results, reference.results):
            pd.testing.assert_frame_equal(mine.intervals, ref.intervals)
            assert mine.replication_summaries == ref.replication_summaries
        pd.testing.assert_frame_equal(result.comparison, reference.comparison)


def test_bad_overrides_are_rejected_before_anything_runs(tmp_path, small):
    scenario = tmp_path / "small.yaml"
    scenario.write_text(yaml.safe_dump(small_data()))
    workspace = tmp_path / "ws.sqlite"
    # The second value of the sweep is out of range: the first variant must not run either.
    out = run_cli("whatif", str(scenario), "--sweep", "channels.bot.containment=0.4,1.4", "--set",
                  "channels.bots.containment=0.5", "--workspace", str(workspace))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "channels.bots.containment: unknown channel 'bots'" in out.stderr
    assert not workspace.exists()  # nothing ran, nothing was stored
    out = run_cli("whatif", str(scenario), "--sweep", "channels.bot.containment=0.4,1.4", "--workspace", str(workspace))
    assert out.returncode == 2 and "channels.bot.containment: must be <= 1" in out.stderr
    assert not workspace.exists()
    for sets, sweeps, path in (([], ["channels.bot.containment=0.4,1.4"], "channels.bot.containment"),
                               (["demand.scale=lots"], [], "demand.scale"),
                               (["days=2"], [], "days")):  # fixed staff cannot follow a new calendar
        with pytest.raises(InputError) as info:
            build_variants(small, [parse_override(t) for t in sets], [parse_sweep(t) for t in sweeps])
        assert [p.where for p in info.value.problems] == [path]


def _count_runs(path) -> int:
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def test_sigkill_mid_sweep_keeps_every_finished_run(tmp_path):
    data = small_data(hours=16)
    scenario = tmp_path / "small.yaml"
    scenario.write_text(yaml.safe_dump(data))
    workspace = tmp_path / "ws.sqlite"
    cmd = [sys.executable, "-m", "app.cli", "whatif", str(scenario), "--sweep", "demand.scale=1.0,1.1,1.2,1.3,1.4,1.5",
           "--sweep", "channels.bot.containment=0.5,0.7", "--replications", "10", "--workers", "1",
           "--workspace", str(workspace)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        while _count_runs(workspace) < 2 and proc.poll() is None:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with Workspace(workspace) as ws:
        runs = ws.runs()
        assert 2 <= len(runs) < 12, "the sweep was not killed midway"
        assert ws.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for info in runs:
            run = ws.run(info.id)
            assert run.results["channels"]["phone"]["offered"] > 0
            assert len(ws.table(info.id, "intervals")) > 0
    # The workspace is still usable: list it, and store a new sweep in it.
    out = run_cli("runs", "list", "--workspace", str(workspace))
    assert out.returncode == 0 and f"{len(runs)} runs" in out.stdout
    out = run_cli("whatif", str(scenario), "--set", "demand.scale=1.1", "--replications", "2", "--workers", "1",
                  "--workspace", str(workspace))
    assert out.returncode == 0, out.stderr
    with Workspace(workspace) as ws:
        assert len(ws.runs()) == len(runs) + 2


def test_cli_on_a_dask_scheduler_from_the_environment_matches_the_local_pool(tmp_path):
    """`--executor dask` with CCPLAN_DASK_SCHEDULER: a cluster the test runs (threads, TCP), same numbers."""
    import json

    from distributed import LocalCluster

    scenario = tmp_path / "small.yaml"
    scenario.write_text(yaml.safe_dump(small_data(hours=4)))
    common = ["whatif", str(scenario), "--sweep", "channels.bot.containment=0.4,0.8", "--replications", "3"]
    local = run_cli(*common, "--workspace", str(tmp_path / "a.sqlite"), "--json", str(tmp_path / "local.json"))
    assert local.returncode == 0, local.stderr
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        env = {**os.environ, "CCPLAN_DASK_SCHEDULER": cluster.scheduler_address, "PYTHONUNBUFFERED": "1"}
        out = subprocess.run([sys.executable, "-m", "app.cli", *common, "--executor", "dask",
                              "--workspace", str(tmp_path / "b.sqlite"), "--json", str(tmp_path / "dask.json")],
                             cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "dask (2 workers" in out.stderr
    a, b = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("local", "dask"))
    assert [v["summary"] for v in a["variants"]] == [v["summary"] for v in b["variants"]]
    assert a["comparison"] == b["comparison"]
    # Without an address, --executor dask is an input error naming the option.
    env = {k: v for k, v in os.environ.items() if k != "CCPLAN_DASK_SCHEDULER"}
    out = subprocess.run([sys.executable, "-m", "app.cli", *common, "--executor", "dask",
                          "--workspace", str(tmp_path / "c.sqlite")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 2 and "--scheduler" in out.stderr
    assert not (tmp_path / "c.sqlite").exists()


def rostered_data() -> dict:
    """The small scenario without constant staff: people come from a roster (4- and 8-hour shifts)."""
    data = small_data()
    for group in data["skill_groups"].values():
        del group["constant_agents"]
        group["headcount"] = 14
    data["shift_rules"] = {"lengths_hours": [4, 8], "earliest_start": "08:00", "latest_end": "16:00",
                           "lunch_after_hours": 6}
    return data


def test_fixed_staff_without_constant_agents_uses_one_roster_scheduled_for_the_base(tmp_path):
    base = scenario_from_dict(rostered_data())
    variants = build_variants(base, [], [parse_sweep("channels.bot.containment=0.4,0.8")])
    with Workspace(tmp_path / "ws.sqlite") as ws:
        result = run_whatif(variants, replications=3, verify=False, workspace=ws)
        rosters = {ws.run(r.run_id).roster_csv for r in result.results}
    assert "roster scheduled for the base" in result.notes[0]
    assert len(rosters) == 1 and rosters != {None}  # the same roster for every variant
    sl = [r.summary.channels["chat"].service_level for r in result.results]  # base 0.6, then 0.4, 0.8
    assert sl[1] < sl[0] < sl[2]


def test_reoptimised_sweep_reports_paid_hours_moving_the_way_they_must(tmp_path):
    """Each variant gets its own roster (verified by simulation): more containment needs fewer paid hours,
    more volume more; the stored roster is the one whose hours are reported."""
    base = scenario_from_dict(rostered_data())
    variants = build_variants(base, [], [parse_sweep(s) for s in SWEEP], fixed_staff=False)
    with Workspace(tmp_path / "ws.sqlite") as ws:
        result = run_whatif(variants, reoptimize=True, replications=4, workspace=ws)
        rosters = {r.variant.label: ws.run(r.run_id).roster_frame() for r in result.results}
    paid = {(r.variant.scenario.channels["bot"].containment, r.variant.scenario.demand.scale): r.paid_hours
            for r in result.results}
    for scale in (1.0, 1.2):
        assert paid[(0.4, scale)] > paid[(0.8, scale)], paid
    for c in (0.4, 0.6, 0.8):
        # The loop is a heuristic that keeps its cheapest certified round: a variant's plan can land a shift
        # either way of another's, never a fifth of the volume's worth of hours.
        assert paid[(c, 1.2)] >= 0.98 * paid[(c, 1.0)], paid
    for r in result.results:
        assert rosters[r.variant.label]["paid_hours"].sum() == pytest.approx(r.paid_hours, abs=0.05)
        assert r.summary.skill_groups["voice"].paid_hours + r.summary.skill_groups["digital"].paid_hours \
            == pytest.approx(r.paid_hours, abs=0.05)
    row = _row(result, "channels.bot.containment=0.8, demand.scale=1.0", "paid_hours")
    assert row.method == "exact" and row["diff"] == paid[(0.8, 1.0)] - paid[(0.6, 1.0)]
    # What each variant needs moves strictly with containment and volume (the formulas, exact).
    row = _row(result, "channels.bot.containment=0.8, demand.scale=1.0", "requirements.chat.agent_hours")
    assert row.method == "exact" and row["diff"] < 0


def _history_data(folder) -> dict:
    """rostered_data with its demand forecast (model auto) from 5 weeks of made-up history: the forecast's
    backtest gives an error law of its own, which only reaches a schedule that is handed it."""
    rng = np.random.default_rng(5)
    rows = []
    for day in pd.date_range("2025-12-01", periods=35, freq="D"):
        for k in range(16):                                     # 08:00-16:00, the scenario's opening hours
            ds = day + pd.Timedelta(minutes=480 + 30 * k)
            rows += [(ds, "phone", rng.poisson(20)), (ds, "bot", rng.poisson(40))]
    pd.DataFrame(rows, columns=["ds", "channel", "contacts"]).to_csv(folder / "history.csv", index=False)
    data = rostered_data()
    data["demand"] = {"history": str(folder / "history.csv"), "model": "auto"}
    return data


@pytest.fixture(scope="module")
def history_base(tmp_path_factory):
    return scenario_from_dict(_history_data(tmp_path_factory.mktemp("history")))


def test_reoptimised_variant_plans_as_ccplan_schedule_at_the_same_risk(history_base):
    """A re-optimised variant is the roster planning.schedule makes for the variant at the same risk, seed and
    solver settings (its demand's error law is the forecast's, its expected demand scaled by the variant)."""
    from planning.demand import BACKTEST_SOURCE, week_demand
    from planning.schedule import schedule, shift_keys

    assert week_demand(history_base).uncertainty.source == BACKTEST_SOURCE
    variants = build_variants(history_base, [parse_override("demand.scale=1.2")], fixed_staff=False)
    # Without verification the plan is the requirement hedged at the risk, solved once: quick, and still the
    # risk's whole effect on the roster (verification would add plausible weeks to certify it on).
    result = run_whatif(variants, reoptimize=True, replications=3, risk=0.8, verify=False, effort=2)
    for res in result.results:
        alone = schedule(res.variant.scenario, replications=3, seed=result.seed, workers=1, risk=0.8,
                         verify=False, effort=2)
        assert alone.risk == res.planned_at_risk == 0.8
        assert shift_keys(res.roster) == shift_keys(alone.roster)
        assert res.paid_hours == alone.kpis.paid_hours
    assert result.basis().startswith("Re-optimised at risk 80%")
    assert result.to_json()["risk"] == 0.8
    # the forecast taken as exact needs no more hours than the plan hedged against plausible weeks
    exact = run_whatif(variants, reoptimize=True, replications=3, risk=None, verify=False, effort=2)
    assert exact.basis().startswith("Re-optimised with the forecast taken as exact")
    assert {r.planned_at_risk for r in exact.results} == {None}
    assert exact.results[1].paid_hours < result.results[1].paid_hours


def test_fixed_staff_whatif_says_its_base_roster_risk_and_that_kpis_are_on_the_expected_week(history_base, tmp_path):
    variants = build_variants(history_base, [parse_override("channels.bot.containment=0.8")])
    result = run_whatif(variants, replications=2, risk=0.8, verify=False, effort=2)
    assert result.basis() == "Fixed staff: KPIs simulated on each variant's expected week (the forecast taken as exact)"
    assert "planned at risk 80%" in result.notes[0]
    # the CLI prints the same line above its comparison and takes --risk as `ccplan schedule` does
    path = tmp_path / "base.yaml"
    path.write_text(yaml.safe_dump(small_data()))
    out = run_cli("whatif", str(path), "--set", "demand.scale=1.1", "--replications", "2", "--risk", "0.8",
                  "--workspace", str(tmp_path / "ws.sqlite"))
    assert out.returncode == 0, out.stderr
    assert "Fixed staff: KPIs simulated on each variant's expected week" in " ".join(out.stdout.split())
    bad = run_cli("whatif", str(path), "--set", "demand.scale=1.1", "--risk", "1.5")
    assert bad.returncode == 2 and "--risk" in bad.stderr
