"""A bot's escalations while its target channel is closed (`after_hours`), in the requirement: counted by hand.

The tiny scenario (tests/optimizer/test_requirements.py): 60-minute intervals, chat open 09:00-18:00, email open
around the clock, a bot open around the clock with 40 sessions an hour, containment 0.6 and a bot time of 900 s.
So 16 escalations an hour; a quarter of an hour's escalations end in the next hour. Per interval i they land:
12 at 00:00 of the first day (0.75 x 16, nothing before the week), 16 in every later interval, and 4 after the
week's end. Chat is closed in 15 hours a day: 00:00-09:00 and 18:00-24:00.
"""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.requirements import bot_escalations, requirements, requirements_warnings
from planning.demand import scenario_demand
from scenarios import open_mask
from scenarios.errors import ScenarioError

from test_requirements import by_channel, tiny

ESCALATIONS = np.array([12.0] + [16.0] * 23)        # per hour of a one-day week, as they land


def _with(after_hours: str, days: int = 1):
    sc = tiny(days=days)
    bot = sc.channels["bot"].model_copy(update={"after_hours": after_hours})
    return sc.model_copy(update={"channels": {**sc.channels, "bot": bot}})


def _req(sc):
    return requirements(sc, scenario_demand(sc))


def test_escalations_in_closed_chat_hours_become_email_contacts_by_hand():
    sc = _with("email")
    table = _req(sc)
    chat_closed = ~open_mask(sc, "chat")
    assert chat_closed.sum() == 15
    # hand sum over the closed hours: 12 at 00:00 and 16 in each of the other 14 closed hours
    assert ESCALATIONS[chat_closed].sum() == 12 + 14 * 16 == 236
    email = by_channel(table, "email")
    extra = email["offered"].to_numpy() - 6.0        # the email channel's own 6 an hour
    assert extra.sum() == pytest.approx(236.0)
    np.testing.assert_allclose(extra, np.where(chat_closed, ESCALATIONS, 0.0))
    # 03:00: 6 emails at 360 s and 16 web forms at 1.5 x 360 s
    assert email["aht_seconds"][3] == pytest.approx((6 * 360 + 16 * 540) / 22)
    # chat keeps the escalations of its open hours only, exactly as before
    queue = by_channel(_req(_with("queue")), "chat")
    np.testing.assert_allclose(by_channel(table, "chat")["offered"], queue["offered"])
    assert not any("chat is closed" in w for w in requirements_warnings(table))
    assert any("chat is closed" in w for w in requirements_warnings(_req(_with("queue"))))


def test_web_forms_add_their_work_to_the_email_plan():
    sc = _with("email")
    hours = by_channel(_req(sc), "email")["agents"].sum()              # agent-hours: a fluid plan does it all
    before = by_channel(_req(_with("queue")), "email")["agents"].sum()
    # agents work email while phone is open (08:00-20:00): the 4 x 16 web forms of 20:00-24:00 come after the
    # week's last working hour (not staffed, warned), the other 236 - 64 each take 540 s
    assert hours - before == pytest.approx((236 - 64) * 540 / 3600)


def test_next_open_holds_escalations_for_the_opening_by_hand():
    sc = _with("next_open", days=2)
    table = _req(sc)
    chat = by_channel(table, "chat")["offered"].to_numpy()
    own = 30.0
    # day 1, 09:00: its own 16 plus the 12 + 8 x 16 held from 00:00-09:00
    assert chat[9] == pytest.approx(own + 16 + 12 + 8 * 16)
    # day 2, 09:00: its own 16 plus 6 x 16 from 18:00-24:00 of day 1 and 9 x 16 from 00:00-09:00 of day 2
    assert chat[24 + 9] == pytest.approx(own + 16 + 15 * 16)
    assert chat[10] == pytest.approx(own + 16)
    assert (chat[~open_mask(sc, "chat")] == 0).all()
    # day 2's evening has no later opening in the week: not staffed, and the warning says how many
    esc = bot_escalations(sc, scenario_demand(sc))
    assert esc.attrs["not_handed_over"]["bot"] == pytest.approx(6 * 16)
    assert any("96 expected escalations are held" in w for w in requirements_warnings(table))


@pytest.mark.parametrize("after_hours", ["queue", "email", "next_open", "lost"])
def test_every_escalation_is_offered_somewhere_or_counted(after_hours):
    sc = _with(after_hours, days=2)
    esc = bot_escalations(sc, scenario_demand(sc))
    total = esc["escalated"].sum() + esc.attrs["after_week"]["bot"] + esc.attrs["not_handed_over"]["bot"]
    assert total == pytest.approx(0.4 * 40 * sc.n_intervals)


def test_lost_escalations_are_offered_nowhere():
    sc = _with("lost")
    table = _req(sc)
    esc = bot_escalations(sc, scenario_demand(sc))
    assert esc.attrs["not_handed_over"]["bot"] == pytest.approx(236.0)
    assert (by_channel(table, "email")["offered"] == 6.0).all()
    assert not any("closed" in w for w in requirements_warnings(table))


@pytest.mark.parametrize("value, message", [
    ("phone", "channels.bot.after_hours: 'phone' is a voice channel; choose a deferred channel (email), where the "
              "bot leaves a web form, or one of queue, next_open, lost"),
    ("fax", "channels.bot.after_hours: unknown channel or action 'fax'; choose a deferred channel (email)"),
    ("next-open", "(did you mean 'next_open'?)"),
])
def test_after_hours_names_a_deferred_channel_or_an_action(value, message):
    from scenarios import scenario_from_dict, scenario_to_dict

    data = scenario_to_dict(tiny())
    data["channels"]["bot"]["after_hours"] = value
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data)
    assert message in str(err.value)
