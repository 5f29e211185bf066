"""Agent weeks (optimizer.agent_weeks): the compositions of paid lengths that meet a contract, the agents' share of
a plan's shifts, and the week's shift model that states them, against brute force and hand-computed optima."""

from __future__ import annotations

from collections import Counter
from itertools import product

import pytest

from optimizer.agent_weeks import Contract, agent_compositions, compositions, contracts_of
from optimizer.agents import MIN_HOURS_PAD, generate_agents, group_limits
from optimizer.linear import lp_relaxation
from optimizer.plan import PlannedShift
from optimizer.roster_repair import greedy_roster
from optimizer.shift_model import ShiftModel
from scenarios import scenario_from_dict
from schedule_helpers import flat_requirement


@pytest.mark.parametrize("lo, hi", [(1440, 2400), (960, 2400), (1440, 1500), (3000, 2400)])
def test_compositions_are_exactly_the_minimal_weeks_brute_force_finds(lo, hi):
    lengths = [240, 360, 450]
    want = set()
    for n in range(1, 6):
        for week in product(lengths, repeat=n):
            total = sum(week)
            if lo <= total <= hi and total - min(week) < lo:
                want.add(tuple(sorted(week)))
    got = compositions(lengths, 5, Contract(lo, hi, 1))
    assert len(got) == len(set(got))
    assert set(got) == want


def test_no_composition_is_needed_without_a_minimum():
    assert compositions([240, 480], 5, Contract(0, 2400, 3)) == []


def test_contracts_group_agents_by_minimum_and_maximum():
    assert contracts_of([(1440, 2400), (960, 2400), (1440, 2400)]) == (Contract(960, 2400, 1), Contract(1440, 2400, 2))


def test_agents_share_nine_long_and_three_short_shifts_into_three_full_weeks():
    # 24 h minimum; 7.5 h x 3 = 22.5 h falls short, so the only way to cover all three agents is 7.5 x 3 + 4
    # (26.5 h) each: the shortest total that uses at most the 9 long and 3 short shifts.
    wants = agent_compositions([(1440, 2400)] * 3, {(0, 450): 9, (0, 240): 3}, 5, 7)
    assert wants == [Counter({(0, 450): 3, (0, 240): 1})] * 3


def test_when_shifts_run_short_the_most_contracted_minutes_are_covered():
    # 16 h and 24 h agents, four 6 h shifts: the 24 h agent (4 x 6 h) covers more contracted minutes than the
    # 16 h one (3 x 6 h); only one of them can be served.
    wants = agent_compositions([(960, 2400), (1440, 2400)], {(0, 360): 4}, 5, 7)
    assert wants == [Counter(), Counter({(0, 360): 4})]


def _minimum_scenario(headcount: int):
    """Phone 08:00-20:00 at one call an hour, one group of `headcount` agents with a 24 h minimum, 4/6/8 h shifts."""
    data = {"name": "minimums", "start": "2026-01-05", "days": 7, "interval_minutes": 60, "open": "08:00-20:00",
            "shrinkage": 0.2,
            "channels": {"phone": {"kind": "voice", "aht_seconds": 240, "patience_seconds": 180,
                                   "target": {"answer_within_seconds": 60, "service_level": 0.8}}},
            "demand": {"rates": {"phone": 1.0}},
            "skill_groups": {"generalist": {"skills": ["phone"], "headcount": headcount, "min_hours_per_week": 24,
                                            "max_hours_per_week": 40}},
            "shift_rules": {"lengths_hours": [4, 6, 8], "start_every_minutes": 60, "earliest_start": "07:00",
                            "latest_end": "21:00", "lunch_after_hours": 6, "lunch_minutes": 30,
                            "lunch_window_hours": [3, 5], "breaks_minutes": 15, "break_every_hours": 4,
                            "max_shifts_per_week": 5, "min_rest_hours": 11, "max_consecutive_days": 5}}
    return scenario_from_dict(data)


def test_the_week_model_pays_exactly_the_contracted_minimum_when_nothing_else_is_needed():
    # No requirement: the cheapest plan whose shifts give each of 3 agents 24 paid hours pays 72 h (4 x 6 h
    # each); the padded total asks 6 % more, and a 4 h + 7.5 h mix can miss an agent.
    sc = _minimum_scenario(3)
    req = flat_requirement(sc, {"phone": 0.0})
    limits = group_limits(sc, generate_agents(sc))
    padded = ShiftModel(sc, req, limits)
    weeks = ShiftModel(sc, req, limits, agent_weeks={"generalist"})
    lp = lp_relaxation(weeks.model)
    assert sum(lp.value_of(weeks.var[k]) * t.paid_min for k, t in weeks.template.items()) == pytest.approx(3 * 1440)
    plan = weeks.solve(effort=20.0)
    assert plan is not None and plan.status == "OPTIMAL"
    assert plan.paid_hours == pytest.approx(72.0)
    by_length = Counter(p.template.paid_min for p in plan.shifts)
    got = agent_compositions([(1440, 2400)] * 3, {(0, k): n for k, n in by_length.items()}, 5, 7)
    assert all(sum(k * n for (_, k), n in c.items()) >= 1440 for c in got)
    old = padded.solve(effort=20.0)
    assert old.paid_hours >= 72.0 * MIN_HOURS_PAD - 1e-9


def test_the_greedy_start_gives_each_agent_its_composition():
    # 3 agents, 24 h minimum, a plan of 9 long and 3 short shifts: each agent's composition (3 x 7.5 h + 4 h) is
    # what the greedy start gives them, every agent at 26.5 h.
    sc = _minimum_scenario(3)
    limits = group_limits(sc, generate_agents(sc))
    m = ShiftModel(sc, flat_requirement(sc, {"phone": 0.0}), limits)
    crew = generate_agents(sc)
    tpl = {(t.day, t.length_min): t for t in m.offered["generalist"] if t.start_min == 8 * 60}
    shifts_of = {}
    for day, length, n in [(0, 480, 3), (1, 480, 3), (2, 480, 3), (3, 240, 3)]:
        t = tpl[(day, length)]
        shifts_of[t.key] = [PlannedShift("generalist", t, t.lunch_offsets[0] if t.has_lunch else None,
                                         tuple(o[0] for o in t.break_offsets))] * n
    wants = agent_compositions([(1440, 2400)] * 3, {(0, 450): 9, (0, 240): 3}, 5, 7)
    chosen = greedy_roster(crew, shifts_of, sc.shift_rules, sc.start, wants)
    paid = Counter()
    for a, k in chosen:
        paid[a] += 450 if k.length_min == 480 else 240
    assert sorted(paid.values()) == [1590, 1590, 1590]
