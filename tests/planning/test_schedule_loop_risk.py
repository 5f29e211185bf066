"""The schedule loop at a risk setting (planning.schedule.ScheduleLoop): its own sample is plausible weeks drawn
with the loop's seed, each interval judged as in the week at the risk and one rank stricter per level; judgements
merged by the worse row; and a plan that misses says where the crew is too small (planning.shortfall_reasons)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import ForecastErrorModel
from optimizer import generate_agents, resize
from planning import schedule
from planning.demand import SETTING_SOURCE, DemandUncertainty, scenario_demand
from planning.schedule import (PLAUSIBLE_WEEKS, TARGET_SHARE, ScheduleLoop, ScheduleSettings, worse_of)
from planning.shortfall_reasons import short_intervals_explained, shortfall_warnings
from schedule_helpers import small_scenario
from scenarios import Agent, Roster, Shift, week_intervals
from sim.targets import judge

FAST = dict(replications=3, certify_replications=20, effort=1.0, time_limit=None, workers=1)


def _law(scenario, day_sd=0.1, interval_cv=0.0) -> DemandUncertainty:
    law = ForecastErrorModel.from_parameters(day_sd=day_sd, interval_cv=interval_cv)
    return DemandUncertainty({name: law for name in scenario.channels}, SETTING_SOURCE)


def _judged(sc, rows):
    """sim.judge of (hour, channel, offered, service_level, abandon_rate) rows of day 0."""
    idx = week_intervals(sc)
    return judge(sc, pd.DataFrame([{"ds": idx[h], "channel": c, "offered": o, "service_level": s,
                                    "abandon_rate": a} for h, c, o, s, a in rows]))


def test_worse_of_keeps_per_interval_the_row_missing_by_more():
    sc = small_scenario(days=1)
    first = _judged(sc, [(9, "phone", 20, 0.70, 0.0), (10, "phone", 20, 0.90, 0.0), (11, "chat", 5, 0.85, 0.0)])
    second = _judged(sc, [(9, "phone", 20, 0.75, 0.0), (10, "phone", 20, 0.60, 0.0), (11, "chat", 5, 0.85, 0.0)])
    merged = worse_of(first, second).set_index(["channel", "ds"])["service_level"]
    idx = week_intervals(sc)
    assert merged[("phone", idx[9])] == 0.70      # the first misses by 10 points, the second by 5
    assert merged[("phone", idx[10])] == 0.60     # the second misses, the first meets
    assert merged[("chat", idx[11])] == 0.85
    assert len(merged) == 3


def test_the_loop_samples_its_own_weeks_and_tightens_the_rank_per_level():
    sc = small_scenario(days=1)
    settings = ScheduleSettings(risk=0.9, seed=5)
    loop = ScheduleLoop(sc, scenario_demand(sc), generate_agents(sc), settings, uncertainty=_law(sc))
    own, certification = loop.loop_weeks, loop.plausible
    assert own.seed == 5 and certification.seed == settings.certify_seed
    assert len(own) == len(certification) == PLAUSIBLE_WEEKS
    assert not all(a["contacts"].equals(b["contacts"]) for a, b in zip(own.tables, certification.tables))
    ranks = []
    for level in range(4):
        loop.margin_level = level
        ranks.append(loop.week_rank())
    # floor(min(1 - 0.9, 1 - 0.95) x 20) = 1: the second-worst week (twice: the first failed certification adds
    # its own weeks' misses instead), then the worst
    assert ranks == [1, 1, 0, 0]
    loop.settings.risk, loop.margin_level = 0.75, 0
    assert loop.week_rank() == 1              # 1 - TARGET_SHARE is the stricter: floor(0.05 x 20)
    loop.settings.risk = 0.97
    assert loop.week_rank() == 0              # floor(0.03 x 20)
    # without a risk the loop simulates the forecast as before
    plain = ScheduleLoop(sc, scenario_demand(sc), generate_agents(sc), ScheduleSettings(risk=None))
    assert plain.loop_weeks is None


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


def test_the_loop_at_a_risk_reaches_an_accepted_certificate_on_noisy_weeks():
    """Interval noise beyond Poisson (cv 0.3) that the demand hedged at the day factor does not see: the loop,
    judged on its own plausible weeks, keeps a plan certified at the risk within its rounds; each round's
    in-sample share is the (1 - risk) quantile of its weeks' shares."""
    sc = small_scenario(days=1, phone_rate=40.0, chat_rate=8.0, headcounts=(14, 8))
    result = schedule(sc, risk=0.9, uncertainty=_law(sc, day_sd=0.05, interval_cv=0.3), rounds=6, **FAST)
    plausible = result.kpis.certified.plausible
    assert plausible.meets_targets and min(plausible.at_risk.values()) >= TARGET_SHARE
    for channel, weekly in plausible.weekly.items():
        assert plausible.at_risk[channel] == pytest.approx(np.quantile(weekly, 0.1), abs=1e-4)
    kept = next(r for r in result.rounds if r.kept)
    assert kept.certified is not None and kept.certified.plausible.meets_targets


def test_hold_raises_an_interval_between_target_and_aim_by_its_step_to_the_aim():
    """With `hold` an interval meeting its target but not the aim (0.8 of the allowed late share) is raised by the
    Erlang A distance to the aim, with no least step and without counting a miss; without `hold` it stays."""
    sc = small_scenario(days=1)
    idx = week_intervals(sc)
    req = pd.DataFrame({"ds": idx, "channel": "phone", "agents": 10.0, "offered": 100.0, "aht_seconds": 240.0})
    judged = _judged(sc, [(10, "phone", 100, 0.82, 0.0),     # meets 80 %, short of the aim 84 %
                          (11, "phone", 100, 0.86, 0.0)])    # beyond the aim, not slack: stays
    step = resize.analytic_step(sc, "phone", 100.0, 240.0, 0.82, observed_abandon=0.0)
    assert step > 0
    misses: dict = {}
    held, counts = resize.resize_requirement(sc, req, judged, req, lower=False, misses=misses, hold=True)
    assert held["agents"][10] == pytest.approx(10.0 + min(step, resize.MAX_STEP))
    assert held["agents"][11] == 10.0 and counts["raised"] == 1 and misses == {}
    plain, counts = resize.resize_requirement(sc, req, judged, req, lower=False)
    assert plain["agents"][10] == 10.0 and counts["raised"] == 0
