"""A bot's escalations while chat is closed (`after_hours`) in the simulation: counted against their expectation,
and exactly against the same customers simulated with the other choices.

One day of 30-minute intervals; the bot is open around the clock with 20 sessions an interval, 40 % escalate to
chat after a bot time of 80 s; chat is open 09:00-18:00, so it is closed in 30 intervals (00:00-09:00 and
18:00-24:00). Escalations land 8 an interval, except 8 x (1 - 80/1800) at 00:00 (nothing before the week), so
8 x (1 - 80/1800) + 29 x 8 = 239.64 are expected to land while chat is closed (the share of 23:30's sessions
ending after midnight lands in no interval of the week).
"""

from __future__ import annotations

import numpy as np
import pytest

from planning.demand import scenario_demand
from scenarios import constant_staffing, open_mask, scenario_from_dict
from sim import Engine, build_spec, simulate

REPLICATIONS = 20
BOT_TIME, LENGTH = 80.0, 1800.0
EXPECTED = 8 * (1 - BOT_TIME / LENGTH) + 29 * 8


def _scenario(after_hours: str):
    return scenario_from_dict({
        "name": "after hours", "start": "2026-01-05", "days": 1, "interval_minutes": 30,
        "open": "08:00-20:00",
        "channels": {
            "phone": {"kind": "voice", "aht_seconds": 240, "patience_seconds": 150,
                      "target": {"answer_within_seconds": 60, "service_level": 0.8}},
            "chat": {"kind": "chat", "aht_seconds": 420, "concurrency": 2, "patience_seconds": 200,
                     "open": "09:00-18:00", "target": {"answer_within_seconds": 60, "service_level": 0.8}},
            "email": {"kind": "deferred", "aht_seconds": 360, "open": "00:00-24:00",
                      "target": {"respond_within_hours": 8, "service_level": 0.9}},
            "bot": {"kind": "ai", "handle_seconds": BOT_TIME, "containment": 0.6, "escalate_to": "chat",
                    "escalated_aht_factor": 1.2, "open": "00:00-24:00", "after_hours": after_hours},
        },
        "demand": {"rates": {"phone": 20, "chat": 6, "email": 3, "bot": 20}},
        "skill_groups": {"generalist": {"skills": ["phone", "chat", "email"], "headcount": 10,
                                        "constant_agents": 8}},
    })


def _run(after_hours: str):
    sc = _scenario(after_hours)
    return sc, simulate(sc, demand=scenario_demand(sc), replications=REPLICATIONS, seed=7)


def _per_replication(result, channel: str, field: str) -> np.ndarray:
    c = result.channels.index(channel)
    return np.array([rec["channels"][c][field].sum() for rec in result.records])


@pytest.fixture(scope="module")
def runs():
    return {mode: _run(mode)[1] for mode in ("queue", "email", "lost", "next_open")}


def test_rerouted_escalations_match_the_hand_count(runs):
    rerouted = _per_replication(runs["email"], "bot", "escalated_after_hours")
    # Poisson arrivals thinned by the escalation share: a Poisson count per replication, sd sqrt(EXPECTED)
    assert rerouted.mean() == pytest.approx(EXPECTED, abs=4 * np.sqrt(EXPECTED / REPLICATIONS))
    assert runs["email"].summary.channels["bot"].escalated_after_hours == pytest.approx(rerouted.mean(), abs=1e-6)


def test_rerouted_escalations_move_from_chat_to_email_exactly(runs):
    # Same seed, same customers: the bot's outcomes do not depend on where its escalations go.
    rerouted = _per_replication(runs["email"], "bot", "escalated_after_hours")
    assert rerouted.min() > 0
    np.testing.assert_array_equal(_per_replication(runs["email"], "email", "offered")
                                  - _per_replication(runs["queue"], "email", "offered"), rerouted)
    np.testing.assert_array_equal(_per_replication(runs["queue"], "chat", "offered")
                                  - _per_replication(runs["email"], "chat", "offered"), rerouted)
    # while chat is closed, only the web forms: chat is offered nothing there
    chat = runs["email"].intervals.query("channel == 'chat'")["offered"].to_numpy()
    assert (chat[~open_mask(_scenario("email"), "chat")] == 0).all()
    # lost: chat as with the web form, email as without it
    np.testing.assert_array_equal(_per_replication(runs["lost"], "chat", "offered"),
                                  _per_replication(runs["email"], "chat", "offered"))
    np.testing.assert_array_equal(_per_replication(runs["lost"], "email", "offered"),
                                  _per_replication(runs["queue"], "email", "offered"))
    assert runs["queue"].summary.channels["bot"].escalated_after_hours is None     # queue: not reported


def test_held_escalations_arrive_at_the_opening_instant():
    sc = _scenario("next_open")
    spec = build_spec(sc, constant_staffing(sc), scenario_demand(sc))
    engine = Engine(spec, np.random.SeedSequence(3)).run()
    bot, chat = engine.channels[3], engine.channels[1]
    ends = np.asarray(bot.start) + np.asarray(bot.handle)
    escalated = ~np.asarray(bot.contained) & (ends <= spec.horizon)
    opening, closing = 9 * 3600.0, 18 * 3600.0
    held_morning = int((escalated & (ends < opening)).sum())
    slots = np.asarray(bot.slot)[escalated]
    arrivals = np.asarray(chat.arrival)[slots]
    assert held_morning > 0 and (arrivals[ends[escalated] < opening] == opening).all()
    # the evening's escalations find no later opening in the week: they never reach chat
    assert np.isnan(arrivals[ends[escalated] >= closing]).all()
    assert not np.isnan(arrivals[(ends[escalated] >= opening) & (ends[escalated] < closing)]).any()
