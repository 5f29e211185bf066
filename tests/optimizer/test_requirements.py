"""Requirements per interval and channel on tiny scenarios whose answers can be computed independently."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from optimizer.erlang import abandon_rate, agents_needed, service_level
from optimizer.requirements import (bot_capacity, bot_escalations, deferred_envelope, on_duty, requirements,
                                    requirements_warnings, working_mask)
from planning.demand import scenario_demand
from scenarios import InputError, open_mask, scenario_from_dict


def tiny(days: int = 1, email_rates=6.0, respond_within_hours: float = 4.0, bot_capacity_sessions: int = 10_000,
         max_abandon: float | None = 0.05, phone_open: str = "08:00-20:00"):
    """60-minute intervals: phone, chat (concurrency 2), email, and a bot escalating to chat."""
    phone_target = {"answer_within_seconds": 20, "service_level": 0.8}
    if max_abandon is not None:
        phone_target["max_abandon_rate"] = max_abandon
    return scenario_from_dict({
        "name": "tiny", "start": "2026-01-05", "days": days, "interval_minutes": 60, "shrinkage": 0.25,
        "channels": {
            "phone": {"kind": "voice", "aht_seconds": 180, "patience_seconds": 120, "open": phone_open,
                      "target": phone_target},
            "chat": {"kind": "chat", "aht_seconds": 400, "concurrency": 2, "concurrency_slowdown": 0.5,
                     "patience_seconds": 300, "open": "09:00-18:00",
                     "target": {"answer_within_seconds": 60, "service_level": 0.8}},
            "email": {"kind": "deferred", "aht_seconds": 360,
                      "target": {"respond_within_hours": respond_within_hours, "service_level": 0.9}},
            "bot": {"kind": "ai", "handle_seconds": 900, "containment": 0.6, "escalate_to": "chat",
                    "escalated_aht_factor": 1.5, "capacity_sessions": bot_capacity_sessions},
        },
        "demand": {"rates": {"phone": 200.0, "chat": 30.0, "email": email_rates, "bot": 40.0}},
        "skill_groups": {"all": {"skills": ["phone", "chat", "email"], "headcount": 50}},
        "shift_rules": {"start_every_minutes": 60},
    })


def by_channel(table, name):
    return table[table["channel"] == name].reset_index(drop=True)


def test_voice_is_the_brute_force_minimum_in_open_intervals_only():
    sc = tiny()
    req = by_channel(requirements(sc, _demand(sc)), "phone")
    is_open = open_mask(sc, "phone")
    assert (req["agents"][~is_open] == 0).all() and (req["offered"][~is_open] == 0).all()
    brute = next(n for n in range(100) if service_level(n, 200, 180, 20, 120) >= 0.8
                 and abandon_rate(n, 200, 180, 20, 120) <= 0.05)
    assert np.allclose(req["agents"][is_open], agents_needed(200, 180, 20, 0.8, 120, max_abandon_rate=0.05).fractional)
    assert np.ceil(req["agents"][is_open].iloc[0]) == brute
    assert (req["aht_seconds"] == 180).all()


def test_chat_slots_and_escalations_by_hand():
    sc = tiny()
    table = requirements(sc, _demand(sc))
    req = by_channel(table, "chat")
    esc = bot_escalations(sc, _demand(sc))
    # bot: 40 sessions/h, 40 % escalate after 900 s: a quarter of each hour's escalations land in the next hour
    moved = esc["escalated"].to_numpy()
    assert moved[0] == pytest.approx(16 * 0.75) and moved[5] == pytest.approx(16.0)
    i = 12  # 12:00, chat open
    offered = 30 + 16.0
    aht = (30 * 400 + 16 * 400 * 1.5) / offered
    assert req["offered"][i] == pytest.approx(offered)
    assert req["aht_seconds"][i] == pytest.approx(aht)
    slots = agents_needed(offered, aht * 1.5, 60, 0.8, 300).fractional  # 2 sessions: speed 1 / (1 + 0.5)
    assert req["agents"][i] == pytest.approx(slots / 2)
    # the traditional method works chats one at a time at the solo AHT, no abandonment
    trad = by_channel(requirements(sc, _demand(sc), method="erlang-c"), "chat")
    assert trad["agents"][i] == pytest.approx(agents_needed(offered, aht, 60, 0.8).fractional)
    # escalations while chat is closed are not staffed, and the warning says so
    assert (req["offered"][~open_mask(sc, "chat")] == 0).all()
    assert any("chat is closed" in w for w in requirements_warnings(table))


def test_escalations_conserve_volume():
    for days in (1, 2):
        sc = tiny(days=days)
        esc = bot_escalations(sc, _demand(sc))
        sessions = 40.0 * sc.n_intervals
        assert esc["escalated"].sum() + esc.attrs["after_week"]["bot"] == pytest.approx(0.4 * sessions)
        assert esc.attrs["after_week"]["bot"] == pytest.approx(16 * 0.25)


def test_bot_capacity_warning():
    sc = tiny(bot_capacity_sessions=8)  # 40/h x 900 s = 10 sessions in progress on average
    cap = bot_capacity(sc, requirements.__globals__["_demand_matrices"](sc, _demand(sc))[0])
    assert cap["concurrent"].iloc[0] == pytest.approx(10.0)
    assert any("capacity_sessions 8" in w for w in cap.attrs["warnings"])
    assert any("capacity_sessions" in w for w in requirements_warnings(requirements(sc, _demand(sc))))
    plenty = tiny()
    assert not any("capacity_sessions" in w for w in requirements_warnings(requirements(plenty, _demand(plenty))))


def _demand(sc):
    return scenario_demand(sc)


def _check_deferred(sc, work_per_interval):
    req = by_channel(requirements(sc, _demand(sc)), "email")
    done = req["agents"].to_numpy() * 3600          # agent-seconds per interval
    env = deferred_envelope(sc, "email", work_per_interval)
    cum = np.cumsum(done)
    working = working_mask(sc, "email")
    last = np.flatnonzero(working)[-1]                                 # mail after the last working hour waits
    assert cum[-1] == pytest.approx(work_per_interval[:last + 1].sum())  # all work done: agent-hours = work / 3600
    assert env.attrs["unworkable"] == pytest.approx(work_per_interval[last + 1:].sum())
    assert (cum >= env["due"].to_numpy() - 1e-6).all()                 # every deadline met
    assert (cum <= env["arrived"].to_numpy() + 1e-6).all()             # nothing before it arrives
    assert (done[~working] == 0).all()
    # the peak rate is the least possible: LP minimise r s.t. envelope, work only in working intervals
    n = len(done)
    idx = np.flatnonzero(working)
    k = len(idx)
    c = np.zeros(k + 1)
    c[-1] = 1
    lower = np.tril(np.ones((n, n)))[:, idx]
    a_ub = np.vstack([np.hstack([-lower, np.zeros((n, 1))]), np.hstack([lower, np.zeros((n, 1))]),
                      np.hstack([np.eye(k), -np.ones((k, 1))])])
    b_ub = np.concatenate([-env["due"].to_numpy(), env["arrived"].to_numpy(), np.zeros(k)])
    lp = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=[(0, None)] * (k + 1), method="highs")
    assert lp.status == 0
    assert done.max() == pytest.approx(lp.x[-1], rel=1e-6)
    return done


def test_deferred_envelope_constant_arrivals():
    sc = tiny(days=2)
    work = np.full(sc.n_intervals, 6 * 360.0)
    done = _check_deferred(sc, work)
    # the night's mail is due 4 h after arrival but nobody works before 08:00: it is worked from 08:00 on
    assert done[8] > 0 and done[:8].sum() == 0


def test_deferred_envelope_bursty_arrivals():
    rng = np.random.default_rng(7)
    rates = list(rng.gamma(0.7, 10.0, size=48))
    sc = tiny(days=2, email_rates=rates, respond_within_hours=6)
    open_email = open_mask(sc, "email")
    _check_deferred(sc, np.asarray(rates) * 360.0 * open_email)


def test_traditional_deferred_works_mail_as_it_arrives():
    sc = tiny()
    trad = by_channel(requirements(sc, _demand(sc), method="erlang-c"), "email")["agents"].to_numpy() * 3600
    # 08:00 works the night's 9 hours of mail (00:00-08:00 and the 08:00 hour), then each hour's own
    assert trad[8] == pytest.approx(9 * 6 * 360.0) and trad[9] == pytest.approx(6 * 360.0)
    assert trad.sum() == pytest.approx(20 * 6 * 360.0)  # 20:00-24:00 mail is after the last working hour


def test_erlang_c_needs_at_least_erlang_a_when_only_service_level_counts():
    sc = tiny(max_abandon=None)
    a = requirements(sc, _demand(sc), method="erlang-a")
    c = requirements(sc, _demand(sc), method="erlang-c")
    real = a["channel"].isin(["phone", "chat"])
    assert (c["agents"][real].to_numpy() >= a["agents"][real].to_numpy() - 1e-9).all()
    assert (c["agents"][real] > a["agents"][real] + 0.5).any()


def test_on_duty_and_bad_method():
    sc = tiny()
    req = requirements(sc, _demand(sc))
    duty = on_duty(req, sc)
    assert np.allclose(duty["agents"], req["agents"] / 0.75)
    assert on_duty(3.0, sc) == pytest.approx(4.0)
    with pytest.raises(InputError, match="method"):
        requirements(sc, _demand(sc), method="erlang-x")


def test_example_scenario_runs(example):
    # a synthetic week on the example's channels (keeps this test independent of the forecasting models)
    from scenarios import week_intervals
    idx = week_intervals(example)
    hour = idx.hour + idx.minute / 60
    shape = np.exp(-((hour - 11.0) / 4.0) ** 2) + 0.6 * np.exp(-((hour - 16.0) / 3.0) ** 2)
    volume = {"phone": 120.0, "chat": 30.0, "email": 25.0, "bot": 60.0}
    demand = pd.concat([pd.DataFrame({"ds": idx, "channel": c, "contacts": v * shape * open_mask(example, c)})
                        for c, v in volume.items()])
    req = requirements(example, demand)
    assert set(req["channel"]) == {"phone", "chat", "email"}
    assert len(req) == 3 * example.n_intervals
    assert (req["agents"] >= 0).all() and np.isfinite(req["agents"]).all()
    email = by_channel(req, "email")
    work = by_channel(req, "email")["offered"] * by_channel(req, "email")["aht_seconds"]
    assert email["agents"].sum() * 1800 == pytest.approx(work.sum(), rel=1e-9)


# --- pooling ---------------------------------------------------------------------------------------------------

from optimizer.pooling import coverage_sets, hall_deficiency, subset_shortfalls  # noqa: E402


def pool_scenario(groups: dict[str, list[str]], channels=("phone", "chat")):
    chans = {}
    for c in channels:
        kind = "chat" if c.startswith("chat") else "voice"
        chans[c] = {"kind": kind, "aht_seconds": 300, "target": {"answer_within_seconds": 20, "service_level": 0.8}}
    return scenario_from_dict({
        "name": "pool", "start": "2026-01-05", "days": 1, "interval_minutes": 60,
        "channels": chans, "demand": {"rates": {c: 1.0 for c in channels}},
        "skill_groups": {g: {"skills": s, "headcount": 10} for g, s in groups.items()},
        "shift_rules": {"start_every_minutes": 60},
    })


GROUPS = {"generalist": ["phone", "chat"], "phone_only": ["phone"], "chat_only": ["chat"]}


def test_coverage_sets_by_hand():
    sc = pool_scenario(GROUPS)
    sets = {s: set(g) for s, g in coverage_sets(sc)}
    assert sets == {frozenset({"phone"}): {"generalist", "phone_only"}, frozenset({"chat"}): {"generalist", "chat_only"},
                    frozenset({"phone", "chat"}): set(GROUPS)}
    # only generalists: {phone} and {chat} are implied by {phone, chat}
    sc2 = pool_scenario({"generalist": ["phone", "chat"]})
    assert [s for s, _ in coverage_sets(sc2)] == [frozenset({"phone", "chat"})]


def test_hall_deficiency_names_the_smallest_short_set():
    sc = pool_scenario(GROUPS)
    avail = {"generalist": 5.0, "phone_only": 3.0, "chat_only": 2.0}
    # 12 required against 10 agents: only the two channels together are short
    first = hall_deficiency(avail, {"phone": 6.0, "chat": 6.0}, sc).iloc[0]
    assert first["deficiency"] == pytest.approx(2.0) and first["subset"] == "chat+phone"
    # phone too big for its 8 agents: phone alone is 2 short, and so are both channels together (chat is
    # covered), so the smaller set is named
    first = hall_deficiency(avail, {"phone": 10.0, "chat": 1.0}, sc).iloc[0]
    assert first["deficiency"] == pytest.approx(2.0) and first["subset"] == "phone"
    # a larger set replaces a smaller one only when it is short by more than the tolerance more: phone alone is
    # 0.5 short, both channels 0.7 (named: phone) or 0.9 (named: both)
    table = hall_deficiency(avail, {"phone": 8.5, "chat": 2.2}, sc, tolerance=0.25)
    assert table["subset"].iloc[0] == "phone" and table["subset_short"].iloc[0] == pytest.approx(0.5)
    assert table["deficiency"].iloc[0] == pytest.approx(0.7)
    table = hall_deficiency(avail, {"phone": 8.5, "chat": 2.4}, sc, tolerance=0.25)
    assert table["subset"].iloc[0] == "chat+phone" and table["subset_short"].iloc[0] == pytest.approx(0.9)
    assert (hall_deficiency(avail, {"phone": 1.0, "chat": 1.0}, sc)["subset"] == "").all()


def test_pooling_against_brute_force_on_random_cases():
    rng = np.random.default_rng(11)
    channels = ("phone", "chat", "phone2")
    for _ in range(6):
        groups = {}
        for g in range(4):
            skills = [c for c in channels if rng.random() < 0.5] or [channels[rng.integers(3)]]
            groups[f"g{g}"] = skills
        for c in channels:  # the schema wants every channel held by some group
            if not any(c in sk for sk in groups.values()):
                groups[f"g{rng.integers(4)}"].append(c)
        sc = pool_scenario(groups, channels)
        n = sc.n_intervals
        avail = {g: rng.uniform(0, 6, n) for g in groups}
        req = {c: rng.uniform(0, 8, n) for c in channels}
        deficiency = hall_deficiency(avail, req, sc)["deficiency"].to_numpy()
        shortfalls = subset_shortfalls(avail, req, sc)
        for i in range(0, n, 5):
            # independent truth 1: brute-force Hall deficiency over every subset
            worst = 0.0
            for r in range(1, 4):
                for s in itertools.combinations(channels, r):
                    supply = sum(avail[g][i] for g, sk in groups.items() if set(sk) & set(s))
                    short = max(0.0, sum(req[c][i] for c in s) - supply)
                    worst = max(worst, short)
                    if frozenset(s) in shortfalls:
                        assert shortfalls[frozenset(s)][i] == pytest.approx(short, abs=1e-9)
            # independent truth 2: a plain max-flow LP of this interval
            edges = [(g, c) for g, sk in groups.items() for c in sk]
            a_ub = [[1.0 if e[0] == g else 0.0 for e in edges] for g in groups] + \
                   [[1.0 if e[1] == c else 0.0 for e in edges] for c in channels]
            b_ub = [avail[g][i] for g in groups] + [req[c][i] for c in channels]
            lp = linprog(-np.ones(len(edges)), A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
            total_req = sum(req[c][i] for c in channels)
            assert deficiency[i] == pytest.approx(worst, abs=1e-9)
            assert deficiency[i] == pytest.approx(total_req + lp.fun, abs=1e-6)


def test_demand_scale_applied_once():
    sc = tiny()
    sc.demand.scale = 1.5
    req = by_channel(requirements(sc, _demand(sc)), "phone")
    assert req["offered"].max() == pytest.approx(300.0)
