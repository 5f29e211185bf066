"""A roster a planner can trust: a solver budget running out is never an error, the same inputs give the same roster
file on a quiet or a busy machine, and what is reported as meeting the targets is judged on fresh customers."""

from __future__ import annotations

import multiprocessing
import time

import numpy as np
import pytest

from conftest import run_cli
from optimizer import generate_agents, roster_rule_breaks
from planning import schedule
from planning.schedule import CERTIFY_SEED
from scenarios import interval_index, open_mask, save_scenario
from schedule_helpers import check_roster_rules, small_scenario


def _busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(i * i for i in range(10_000))


def test_every_solver_stage_out_of_budget_still_returns_a_legal_roster():
    """With no solver effort at all, every day keeps its start solution and every group its greedy roster: a
    full, legal roster comes back with warnings naming the budget, never an exception."""
    sc = small_scenario(days=3, phone_rate=30, chat_rate=8, headcounts=(10, 6))
    res = schedule(sc, verify=False, effort=0.0, workers=1)
    assert res.roster.shifts and res.kpis.unassigned_shifts == 0
    assert check_roster_rules(sc, res.roster) == []
    assert any("CP-SAT found no plan within the effort budget 0" in w for w in res.warnings), res.warnings
    assert any("greedy roster is kept" in w for w in res.warnings), res.warnings
    assert res.rounds[0].status == "START"


def test_a_verified_schedule_out_of_budget_still_certifies_its_roster():
    sc = small_scenario(days=2, phone_rate=30, chat_rate=8, headcounts=(10, 6))
    res = schedule(sc, verify=True, rounds=2, replications=3, certify_replications=4, effort=0.0, workers=1)
    assert check_roster_rules(sc, res.roster) == []
    assert res.kpis.certified.replications == 4


def roster_bytes(tmp_path, name: str, busy: int = 0) -> bytes:
    sc = small_scenario(days=3, phone_rate=30, chat_rate=8, headcounts=(10, 6))
    load = [multiprocessing.Process(target=_busy, args=(60.0,)) for _ in range(busy)]
    for p in load:
        p.start()
    try:
        res = schedule(sc, verify=True, rounds=3, replications=3, certify_replications=6, effort=2.0, workers=2)
    finally:
        for p in load:
            p.terminate()
            p.join()
    return res.roster.write_csv(tmp_path / name).read_bytes()


def test_the_same_inputs_give_the_same_roster_file_on_a_quiet_and_a_busy_machine(tmp_path):
    quiet = roster_bytes(tmp_path, "quiet.csv")
    busy = roster_bytes(tmp_path, "busy.csv", busy=3)
    assert quiet == busy and len(quiet.splitlines()) > 10


def test_certified_figures_are_the_certification_samples_own():
    """`kpis.channels` are judged on the certification sample (seed + CERTIFY_SEED, its replications):
    recomputed here from that simulation's interval table; the short intervals are exactly the misses."""
    sc = small_scenario(days=2, phone_rate=30, chat_rate=8, headcounts=(10, 6))
    res = schedule(sc, verify=True, rounds=2, replications=3, certify_replications=5, effort=2.0, workers=1)
    cert = res.kpis.certified
    assert (cert.seed, cert.replications) == (sc.simulation.seed + CERTIFY_SEED, 5)
    assert (res.sim.seed, res.sim.replications) == (cert.seed, 5)
    assert res.kpis.in_sample.replications == 3
    misses = 0
    for channel in ("phone", "chat"):
        iv = res.sim.intervals[(res.sim.intervals["channel"] == channel) & (res.sim.intervals["offered"] > 0)]
        iv = iv[open_mask(sc, channel)[interval_index(sc, iv["ds"])]]
        meets = iv["service_level"] >= 0.8 - 1e-12
        share = res.kpis.channels[channel].intervals_meeting_target
        assert share == pytest.approx(meets.mean(), abs=1e-4)
        misses += int((~meets).sum())
    assert len(res.kpis.certified_short_intervals) == misses
    assert cert.meets_targets == all(c.intervals_meeting_target >= 0.95 for c in cert.channels.values())


def test_an_unreachable_target_is_said_plainly_with_the_simulated_figures():
    """99% of calls answered within 5 s with a handful of agents: the best plan comes back, and the warning says
    the target is not met, in what share of intervals, and what the simulation showed."""
    sc = small_scenario(days=1, phone_rate=60, chat_rate=4, headcounts=(3, 2))
    sc.channels["phone"].target.service_level = 0.99
    sc.channels["phone"].target.answer_within_seconds = 5
    res = schedule(sc, verify=True, rounds=2, replications=3, certify_replications=4, effort=2.0, workers=1)
    assert res.roster.shifts
    text = next(w for w in res.warnings if w.startswith("phone: the targets"))
    share = res.kpis.channels["phone"].intervals_meeting_target
    assert share < 0.95 and f"met in only {share:.1%} of open intervals" in text
    assert f"simulated service level {res.kpis.channels['phone'].service_level:.1%}" in text
    assert not res.kpis.meets_targets
    worst = min(i["service_level"] for i in res.kpis.certified_short_intervals if i["channel"] == "phone")
    assert f"{worst:.1%} in the worst interval" in text


def test_cli_schedule_with_no_effort_exits_0_with_a_full_roster_and_a_warning(tmp_path):
    sc = small_scenario(days=2, phone_rate=30, chat_rate=8, headcounts=(10, 6))
    path = save_scenario(sc, tmp_path / "small.yaml")
    out = tmp_path / "roster.csv"
    proc = run_cli("schedule", str(path), "--out", str(out), "--no-verify", "--effort", "0", "--no-store")
    assert proc.returncode == 0, proc.stderr
    assert "effort budget 0" in proc.stdout
    assert len(out.read_text().splitlines()) > 5


def test_roster_checker_catches_what_the_schedule_never_produces():
    """The one checker of hard rules is not vacuous: a week with an agent working two shifts one day fails it."""
    from scenarios import Roster, Shift

    sc = small_scenario(days=2)
    agents = generate_agents(sc)
    a = agents[0]
    shifts = [Shift(a.id, a.skill_group, 8 * 3600, 12 * 3600), Shift(a.id, a.skill_group, 13 * 3600, 17 * 3600)]
    problems = roster_rule_breaks(sc, Roster(sc.start, shifts), agents)
    assert problems and all(p.startswith(a.id) for p in problems)
    assert np.any(["one shift a day" in p for p in problems])


def test_contradictory_rules_are_an_input_error_naming_them_not_a_lack_of_time():
    """Ten agents who must each work 5 shifts a week, for a plan that needs far fewer: no roster can exist, and
    that is said as an input error naming the group and the rule, not as a budget that ran out."""
    from scenarios import InputError

    sc = small_scenario(days=7, phone_rate=4, chat_rate=1, headcounts=(10, 6), rules={"min_shifts_per_week": 5})
    with pytest.raises(InputError) as err:
        schedule(sc, verify=False, effort=5.0, workers=1)
    text = str(err.value) + " ".join(f"{p.where}: {p.message}" for p in err.value.problems)
    assert "min_shifts_per_week" in text and "skill_groups." in text
