"""A plan that misses its targets says why (planning.shortfall_reasons): per short interval the agents who take the
channel and can work then, those on duty and about how many are needed, so a crew too small is told apart from
agents who were there to be planned; and the loop's re-sizing counts stay JSON-ready."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from forecasting import ForecastErrorModel
from optimizer import resize
from planning import schedule
from planning.demand import SETTING_SOURCE, DemandUncertainty
from planning.shortfall_reasons import short_intervals_explained, shortfall_warnings
from schedule_helpers import small_scenario
from scenarios import Agent, Roster, Shift, week_intervals
from sim.targets import judge

FAST = dict(replications=3, certify_replications=20, effort=1.0, time_limit=None, workers=1)


def _law(scenario, day_sd=0.1) -> DemandUncertainty:
    law = ForecastErrorModel.from_parameters(day_sd=day_sd)
    return DemandUncertainty({name: law for name in scenario.channels}, SETTING_SOURCE)


def _judged(sc, rows):
    """sim.judge of (hour, channel, offered, service_level, abandon_rate) rows of day 0."""
    idx = week_intervals(sc)
    return judge(sc, pd.DataFrame([{"ds": idx[h], "channel": c, "offered": o, "service_level": s,
                                    "abandon_rate": a} for h, c, o, s, a in rows]))


def _crew(n_phone: int, away_09: int) -> list[Agent]:
    """n_phone phone-only agents, the last `away_09` of them away 09:00-10:00 on day 0; one generalist away until
    noon."""
    agents = [Agent(f"p{i}", "phone_only", 0, 40, [(0, 540, 600)] if i >= n_phone - away_09 else [])
              for i in range(n_phone)]
    return agents + [Agent("g0", "generalist", 0, 40, [(0, 0, 720)])]


def test_short_intervals_say_where_the_crew_is_too_small():
    sc = small_scenario(days=1)            # 60-minute intervals, shrinkage 0.2
    idx = week_intervals(sc)
    agents = _crew(6, away_09=5)
    # p0 works 08:00-16:00 without lunch or breaks: one agent on duty 09:00 and 13:00
    roster = Roster(sc.start, [Shift("p0", "phone_only", 8 * 3600.0, 16 * 3600.0, None, [])])
    requirement = pd.DataFrame({"ds": [idx[9], idx[13]], "channel": "phone", "agents": [10.0, 1.0],
                                "offered": [200.0, 20.0], "aht_seconds": 240.0})
    judged = _judged(sc, [(9, "phone", 200, 0.05, 0.0), (13, "phone", 20, 0.70, 0.0), (14, "phone", 20, 0.95, 0)])
    short = {s.ds.hour: s for s in short_intervals_explained(sc, judged, requirement, roster, agents)}
    assert set(short) == {9, 13}
    # 09:00: only p0 can work (five away, the generalist away until noon); the step is capped at MAX_STEP
    assert short[9].can_work == 1 and short[9].on_duty == 1.0
    assert short[9].needed == pytest.approx((10.0 + resize.MAX_STEP) / 0.8, abs=0.05)
    assert short[9].crew_too_small
    # 13:00: all six phone-only agents and the generalist could work; at most 1 + MAX_STEP needed, / 0.8
    assert short[13].can_work == 7 and short[13].on_duty == 1.0
    assert (1.0 + resize.MIN_STEP) / 0.8 - 0.05 <= short[13].needed <= (1.0 + resize.MAX_STEP) / 0.8 + 0.05
    assert not short[13].crew_too_small
    text = shortfall_warnings(sc, list(short.values()), "on 90% of plausible weeks")
    assert len(text) == 2
    assert text[0].startswith("phone: the crew is too small in 1 interval(s) short on 90% of plausible weeks")
    assert "Mon 05 Jan 09:00-10:00: 1 agent(s) taking phone can work, 1 on duty, about 17 needed" in text[0]
    assert "1 interval(s) short on 90% of plausible weeks although more agents" in text[1]
    assert "13:00-14:00: 7 agent(s)" in text[1]


def test_a_crew_too_small_gives_the_best_plan_and_says_where():
    """Two agents for about 4 erlangs of phone calls: no plan can meet the targets; the result is the best plan,
    its short intervals at the risk, and for each the crew that could work (at most 2) against the need."""
    sc = small_scenario(days=1, phone_rate=60.0, chat_rate=2.0, headcounts=(1, 1))
    result = schedule(sc, risk=0.9, uncertainty=_law(sc), rounds=2, **FAST)
    assert result.roster.shifts and not result.kpis.meets_targets
    small = {w.split(":")[0]: w for w in result.warnings if "the crew is too small" in w}
    assert set(small) == {"phone", "chat"}
    assert "2 agent(s) taking phone can work" in small["phone"]      # the generalist and the phone-only agent
    assert "1 agent(s) taking chat can work" in small["chat"]        # the generalist alone


def test_resize_counts_are_plain_integers_for_the_json():
    """A lowered interval is counted as a plain int (the round summaries go to JSON; a numpy bool added to an int
    made an int64 that json.dumps refused)."""
    sc = small_scenario(days=1)
    idx = week_intervals(sc)
    req = pd.DataFrame({"ds": idx, "channel": "phone", "agents": 10.0, "offered": 100.0, "aht_seconds": 240.0})
    _, counts = resize.resize_requirement(sc, req, _judged(sc, [(11, "phone", 100, 1.0, 0.0)]), req)
    assert counts == {"raised": 0, "lowered": 1}
    assert json.loads(json.dumps(counts)) == counts
