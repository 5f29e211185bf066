"""Horizons longer than a week (`days` up to 28 in one scenario): the weekly rules (max and min shifts per week,
the agents' max and min paid hours per week) count per week, 7-day blocks from the horizon's start (calendar weeks
when it starts on a Monday, as the examples do; a last block shorter than 7 days counts as a week). A horizon of
at most 7 days is one week, as it always was. Rules over rolling windows (optimizer.rule_catalogue) and the
days-in-a-row rule run over the whole horizon.
"""

from __future__ import annotations

from functools import lru_cache

from scenarios import Agent
from scenarios.model import ShiftRules

WEEK_DAYS = 7


@lru_cache(maxsize=64)
def week_blocks(n_days: int) -> tuple[tuple[str, range], ...]:
    """The weeks the weekly rules count in, each with a label for messages ("" for a one-week horizon, else
    " in week 2"). Cached: the rule checker asks for every candidate shift of the greedy roster."""
    if n_days <= WEEK_DAYS:
        return (("", range(n_days)),)
    return tuple((f" in week {w // WEEK_DAYS + 1}", range(w, min(w + WEEK_DAYS, n_days)))
                 for w in range(0, n_days, WEEK_DAYS))


def weekly_caps(rules: ShiftRules, n_days: int) -> tuple[int, int, int]:
    """(max shifts, min shifts, weeks) of one agent over the horizon: the weekly limits summed over its weeks."""
    blocks = [b for _, b in week_blocks(n_days)]
    return (sum(min(rules.max_shifts_per_week, len(b)) for b in blocks),
            rules.min_shifts_per_week * len(blocks), len(blocks))


def limit_per_week(model, taken: list, works: list, agent: Agent, rules: ShiftRules, *, penalties: list,
                   below_weight: float, name: str) -> None:
    """CP-SAT, one agent: in each week at most max_shifts_per_week shifts (at least min_shifts_per_week) and at
    most the agent's max paid hours; below the contracted minimum costs `below_weight` per paid minute.
    `taken`: (variable, ShiftType, paid minutes) of every shift the agent can work; `works`: per day the agent's
    "works that day" expression (0 when they can work nothing)."""
    cap = int(round(agent.max_hours * 60))
    need = int(round(agent.min_hours * 60))
    for w, (_, block) in enumerate(week_blocks(len(works))):
        days = [works[d] for d in block]
        model.add(sum(days) <= rules.max_shifts_per_week)
        if rules.min_shifts_per_week:
            model.add(sum(days) >= rules.min_shifts_per_week)
        mine = [(v, p) for v, k, p in taken if k.day in block]
        minutes = sum(p * v for v, p in mine) if mine else 0
        model.add(minutes <= cap)
        if need > 0:
            below = model.new_int_var(0, need, f"below_{name}_w{w}")
            model.add(minutes + below >= need)
            penalties.append(below_weight * below)
