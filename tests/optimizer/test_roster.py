"""Roster of named agents: each rule checked on the output by optimizer.roster_rules (which the CP-SAT roster
must agree with, checked here too); agents CSV errors.

Every solve runs on one worker with a limit in CP-SAT's deterministic time, so the rosters do not depend on the
machine's speed."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from ortools.sat.python import cp_model

from optimizer.agents import generate_agents, group_limits
from optimizer.plan import PlannedShift
from optimizer.roster import build_roster, roster_model
from optimizer.roster_rules import roster_rule_breaks, rule_breaks
from optimizer.shifts import select_shifts
from optimizer.solver import Budget, RecordingModel, run_cp_sat, run_from_partial_hint
from optimizer.templates import ShiftType, shift_templates
from scenarios import Agent, InputError, read_agents
from schedule_helpers import days_off_pairs, flat_requirement, small_scenario

WORK = 20.0   # CP-SAT deterministic time per call


def _plan(sc, req, agents):
    return select_shifts(sc, req, group_limits(sc, agents), budget=Budget(WORK, workers=1))


def _roster(sc, shifts, agents):
    return build_roster(sc, shifts, agents, budget=Budget(WORK, workers=1))


@pytest.fixture(scope="module")
def week():
    """A week, two groups, 24 agents with some slack, so the soft rules can all be met."""
    sc = small_scenario(days=7, headcounts=(16, 8), costs=(1.0, 1.0))
    req = flat_requirement(sc, {"phone": 3.2, "chat": 1.2})
    agents = generate_agents(sc)
    plan = _plan(sc, req, agents)
    return sc, agents, plan, _roster(sc, plan.shifts, agents)


def test_every_planned_shift_goes_to_an_agent(week):
    sc, agents, plan, out = week
    assert not out.unassigned
    planned = Counter((p.group, p.template.week_start_min * 60, p.template.length_min) for p in plan.shifts)
    rostered = Counter((s.skill_group, s.start_s, (s.end_s - s.start_s) / 60) for s in out.roster.shifts)
    assert planned == rostered
    # Agents only take their own group's shifts.
    group_of = {a.id: a.skill_group for a in agents}
    assert all(group_of[s.agent] == s.skill_group for s in out.roster.shifts)


def test_hard_rules_hold_on_every_agent(week):
    sc, agents, _, out = week
    assert roster_rule_breaks(sc, out.roster, agents) == []


def test_soft_rules_two_days_off_and_weekend_rotation(week):
    sc, agents, _, out = week
    pairs = days_off_pairs(sc, out.roster)
    assert all(pairs.values()), [a for a, ok in pairs.items() if not ok]
    # Fair weekend rotation: hardly more agents work both Saturday and Sunday than the weekend counts force
    # (a soft rule: it may trade a little against one start band per agent).
    for group in sc.skill_groups:
        crew = [a.id for a in agents if a.skill_group == group]
        sat = {s.agent for s in out.roster.shifts if s.skill_group == group and s.start_s // 86400 == 5}
        sun = {s.agent for s in out.roster.shifts if s.skill_group == group and s.start_s // 86400 == 6}
        forced = max(0, len(sat) + len(sun) - len(crew))
        assert forced <= len(sat & sun) <= forced + max(2, len(crew) // 6)


def test_agents_csv_rules_hold(tmp_path):
    sc = small_scenario(days=7, headcounts=(4, 0))
    path = tmp_path / "agents.csv"
    path.write_text("agent,skill_group,min_hours_per_week,max_hours_per_week,unavailable,preferred_start\n"
                    "ann,generalist,20,30,sat;sun,07:00-09:00\n"
                    "bob,generalist,,24,wed 12:00-21:00,\n"
                    "cyd,generalist,10,40,2026-01-05,\n"
                    "dan,generalist,,,,\n")
    agents = read_agents(path, sc)
    assert [a.id for a in agents] == ["ann", "bob", "cyd", "dan"]
    assert agents[1].min_hours == 0 and agents[3].max_hours == 40   # group contract fills the blanks
    req = flat_requirement(sc, {"phone": 1.0, "chat": 0.5}, hours=(8, 16))
    plan = _plan(sc, req, agents)
    out = _roster(sc, plan.shifts, agents)
    assert roster_rule_breaks(sc, out.roster, agents) == []
    hours = Counter()
    for s in out.roster.shifts:
        hours[s.agent] += s.paid_seconds / 3600
    assert hours["ann"] >= 20 and hours["cyd"] >= 10
    ann_days = {int(s.start_s // 86400) for s in out.roster.shifts if s.agent == "ann"}
    assert not ann_days & {5, 6}


def test_agents_csv_errors_name_rows(tmp_path):
    sc = small_scenario()
    path = tmp_path / "agents.csv"
    path.write_text("agent,skill_group,min_hours_per_week,max_hours_per_week,unavailable\n"
                    "ann,generalst,,,\n"
                    "bob,generalist,30,20,\n"
                    "cyd,phone_only,,,someday\n")
    with pytest.raises(InputError) as err:
        read_agents(path, sc)
    text = str(err.value)
    assert "row 2" in text and "did you mean 'generalist'" in text
    assert "row 3" in text and "min_hours_per_week (30) is above max_hours_per_week (20)" in text
    assert "row 4" in text and "someday" in text


def test_missing_agent_columns(tmp_path):
    sc = small_scenario()
    with pytest.raises(InputError, match="missing column skill_group"):
        read_agents(pd.DataFrame({"agent": ["a"]}), sc)


def test_solver_without_a_solution_in_its_budget_keeps_the_greedy_roster(week):
    """A roster solve with no effort left ends UNKNOWN before a first solution; it must not drop the group: the
    greedy roster, which obeys every hard rule, is kept and the planner is told."""
    sc, agents, plan, _ = week
    out = build_roster(sc, plan.shifts, agents, budget=Budget(0.0))
    assert set(out.status.values()) == {"GREEDY (UNKNOWN)"}
    assert any("greedy roster is kept" in w for w in out.warnings)
    assert len(out.roster.shifts) + len(out.unassigned) == len(plan.shifts)
    assert len(out.roster.shifts) >= 0.95 * len(plan.shifts)
    assert roster_rule_breaks(sc, out.roster, agents) == []


def test_shifts_their_group_cannot_take_go_to_a_group_holding_their_skills():
    """Two phone-only agents, three phone-only shifts on Monday: the third goes to a generalist (who holds phone
    too) and every rule still holds. A generalist shift never goes to a phone-only agent (no chat skill)."""
    def monday(sc):
        tpl = next(t for t in shift_templates(sc, "phone_only") if t.day == 0 and t.start_min == 8 * 60
                   and t.length_min == 480)
        return lambda group, n: [PlannedShift(group, tpl, None, ()) for _ in range(n)]

    rules = {"breaks_minutes": 0, "lunch_after_hours": 9}
    sc = small_scenario(days=7, headcounts=(5, 2), rules=rules)
    agents = generate_agents(sc)
    out = _roster(sc, monday(sc)("phone_only", 3) + monday(sc)("generalist", 4), agents)
    assert Counter(s.skill_group for s in out.roster.shifts) == {"phone_only": 2, "generalist": 5}
    assert not out.unassigned
    assert any("phone_only -> generalist" in w for w in out.warnings)
    assert roster_rule_breaks(sc, out.roster, agents) == []

    sc = small_scenario(days=7, headcounts=(3, 4), rules=rules)
    out = _roster(sc, monday(sc)("generalist", 4), generate_agents(sc))
    assert Counter(s.skill_group for s in out.roster.shifts) == {"generalist": 3}
    assert [p.group for p in out.unassigned] == ["generalist"]


# -- the checker and the CP-SAT roster agree ----------------------------------------------------------------------

def _model_takes(sc, agent: Agent, week: list[ShiftType]) -> bool:
    """Whether the CP-SAT roster lets `agent` (alone in the crew) work exactly `week` (the plan is that week)."""
    by_type = {t.key: t for t in shift_templates(sc, agent.skill_group)}
    planned = [PlannedShift(agent.skill_group, by_type[k], None, ()) for k in week]
    rm = roster_model(sc, planned, [agent])
    if any((0, k) not in rm.y for k in week):
        return False                                   # the model has no variable for an unavailable time
    for k in week:
        rm.model.add(rm.y[(0, k)] == 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(rm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _shift(day: int, start_h: int, length_h: int) -> ShiftType:
    return ShiftType(day, start_h * 60, length_h * 60)


ILLEGAL_WEEKS = [
    # (rule named, shift rules, agent's max hours, unavailable, the week)
    ("one shift a day", {}, 40, [], [_shift(0, 7, 4), _shift(0, 13, 4)]),
    ("max_shifts_per_week", {}, 40, [], [_shift(d, 8, 4) for d in (0, 1, 2, 4, 5, 6)]),
    ("min_shifts_per_week", {"min_shifts_per_week": 3}, 40, [], [_shift(0, 8, 8), _shift(1, 8, 8)]),
    ("max_hours_per_week", {}, 20, [], [_shift(d, 8, 8) for d in (0, 1, 2)]),
    ("min_rest_hours", {}, 40, [], [_shift(0, 13, 8), _shift(1, 7, 8)]),
    ("max_consecutive_days", {"max_consecutive_days": 3}, 40, [], [_shift(d, 8, 4) for d in (0, 1, 2, 3)]),
    ("unavailable", {}, 40, [(2, 0, 1440)], [_shift(2, 8, 8)]),
]


@pytest.mark.parametrize("rule, rules, max_hours, away, week", ILLEGAL_WEEKS, ids=[w[0] for w in ILLEGAL_WEEKS])
def test_a_hand_made_illegal_week_fails_the_checker_and_the_model_by_its_rule(rule, rules, max_hours, away, week):
    sc = small_scenario(days=7, rules=rules)
    agent = Agent("ann", "generalist", 0, max_hours, away)
    paid = {k: next(t.paid_min for t in shift_templates(sc, "generalist") if t.key == k) for k in week}
    broken = list(rule_breaks(agent, week, paid, sc.shift_rules, sc.days))
    assert [b.split(":")[0] for b in broken] == [rule], broken
    assert not _model_takes(sc, agent, week)
    # one shift less (or the day off it needs) and both take the week again
    legal = {"one shift a day": week[:1], "max_shifts_per_week": week[:5],
             "min_shifts_per_week": week + [_shift(3, 8, 8)], "max_hours_per_week": week[:2],
             "min_rest_hours": [week[0], _shift(1, 10, 8)], "max_consecutive_days": week[:3],
             "unavailable": [_shift(3, 8, 8)]}[rule]
    paid.update({k: next(t.paid_min for t in shift_templates(sc, "generalist") if t.key == k) for k in legal})
    assert list(rule_breaks(agent, legal, paid, sc.shift_rules, sc.days)) == []
    assert _model_takes(sc, agent, legal)


def test_every_roster_build_roster_returns_passes_the_checker(week):
    """Agreement on the model's own answers: every agent's week in the solved rosters (the fixture's, and one
    with contracts, times off and a crew too small for the plan) is legal for the checker."""
    sc, agents, _, out = week
    assert out.roster.shifts and roster_rule_breaks(sc, out.roster, agents) == []
    small = small_scenario(days=7, headcounts=(6, 3), rules={"min_rest_hours": 12, "max_consecutive_days": 4})
    crew = [Agent(a.id, a.skill_group, 16, 32 if i % 2 else 40, [(i % 7, 0, 720)] if i % 3 == 0 else [])
            for i, a in enumerate(generate_agents(small))]
    plan = _plan(small, flat_requirement(small, {"phone": 4.0, "chat": 1.5}), generate_agents(small))
    tight = _roster(small, plan.shifts, crew)
    assert tight.roster.shifts
    assert roster_rule_breaks(small, tight.roster, crew) == []


def test_a_partial_hint_is_completed_into_a_full_first_solution():
    """run_from_partial_hint: the hint sets the decisions only; the completion finds the penalty terms that follow
    from them, so the search starts from a whole solution and ends no worse than the hinted decisions."""
    model = RecordingModel()
    x = [model.new_bool_var(f"x{i}") for i in range(12)]
    over = model.new_int_var(0, 12, "over")
    model.add(over >= sum(x) - 4)
    model.add(sum(x) >= 3)
    model.minimize(10 * over + sum((i % 3) * v for i, v in enumerate(x)))
    hint = {v: int(i < 8) for i, v in enumerate(x)}       # legal, costs 10 * 4 + 7 = 47
    run = run_from_partial_hint(model, hint, effort=5.0)
    assert run.found and run.work > 0
    assert run.solver.objective_value <= 47
    assert run.solver.objective_value == 0 + 0 + 0 or run.status == "FEASIBLE"   # optimum: x0, x3, x6 -> 0
    illegal = {v: 0 for v in x}                            # breaks sum(x) >= 3: the search starts from it as is
    run = run_from_partial_hint(model, illegal, effort=5.0)
    assert run.found and sum(run.solver.value(v) for v in x) >= 3


ROSTER_UNDER_A_CLOCK = """
import sys
sys.path.insert(0, {tests!r})
from optimizer.agents import generate_agents, group_limits
from optimizer.roster import build_roster
from optimizer.roster_rules import roster_rule_breaks
from optimizer.shifts import select_shifts
from optimizer.solver import Budget
from schedule_helpers import flat_requirement, small_scenario
sc = small_scenario(days=7, headcounts=(16, 8), costs=(1.0, 1.0))
agents = generate_agents(sc)
plan = select_shifts(sc, flat_requirement(sc, {{"phone": 3.2, "chat": 1.2}}), group_limits(sc, agents),
                     budget=Budget(5.0, workers=1))
for k in range(12):
    out = build_roster(sc, plan.shifts, agents, budget=Budget(5.0, wall_seconds=0.005 + 0.02 * k, workers=2))
    assert roster_rule_breaks(sc, out.roster, agents) == [], k
print("ok")
"""


def test_a_roster_solve_stopped_by_the_clock_never_takes_the_process_down():
    """OR-Tools 9.15 aborts the whole process (`Check failed: heuristics.fixed_search != nullptr`) when a time
    limit falls while CP-SAT repairs a partial hint; the roster completes its hint itself instead. Roster solves
    cut short by a range of wall-clock limits, in a child process so that an abort fails this test and not the
    test run: every one ends, and with a legal roster (whatever the clock stopped, the rules hold)."""
    script = ROSTER_UNDER_A_CLOCK.format(tests=str(Path(__file__).parents[1]))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=Path(__file__).parents[2])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok"


def test_the_roster_search_starts_from_the_greedy_roster_and_never_ends_worse(week):
    """The completed greedy hint is the search's first solution (presolve's symmetry breaking would cut it off
    for identical agents, and one worker would then find nothing in a small budget): whatever the budget, the
    CP-SAT roster costs at most what the greedy roster costs under the same penalties."""
    from optimizer.roster_repair import greedy_roster

    sc, agents, plan, _ = week
    for group in ("generalist", "phone_only"):
        own = [p for p in plan.shifts if p.group == group]
        crew = [a for a in agents if a.skill_group == group]
        rm = roster_model(sc, own, crew)
        greedy = greedy_roster(crew, rm.shifts_of, sc.shift_rules, sc.start)
        hint = {var: int(key in greedy) for key, var in rm.y.items()}
        for var, value in hint.items():
            rm.model.add_hint(var, value)
        fixed = run_cp_sat(rm.model, 5.0, fix_hinted=True)      # the greedy roster's own cost
        assert fixed.status == "OPTIMAL"
        for effort in (0.05, 0.3, 2.0):
            run = run_from_partial_hint(rm.model, hint, effort)
            assert run.found, (group, effort, run.status)
            assert run.solver.objective_value <= fixed.solver.objective_value + 1e-9, (group, effort)
