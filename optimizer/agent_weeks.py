"""Agent weeks in shift selection: the selected shifts must be shareable into one week per agent that meets the
agent's contracted minimum, or the roster has to add shifts nobody planned (paid, and idle).

A group's shift counts alone do not say whether that holds: with paid lengths 4 h and 7.5 h, an agent with a
24-hour minimum needs 7.5 + 7.5 + 7.5 + 4 = 26.5 h, so a plan of 433 four-hour and 1,534 eight-hour shifts for
518 such agents (13,237 h, 6 % above their 12,432 contracted hours) still leaves 85 of them short. So the week's
model states the agents' weeks themselves (the cutting-stock view): per skill group, calendar week and contract
(weekly minimum and maximum paid minutes), how many agents work each *composition* (paid lengths, one shift a
day, at most max_shifts_per_week, reaching the minimum and within the maximum, none of its shifts droppable
without falling below the minimum); the compositions use no more shifts of each paid length than the plan
selects in that week, and an agent on no composition costs its minimum as if paid for nothing. Shifts beyond
the compositions go to agents with room below their maximum (the group's weekly limits).

Each day is solved on its own (optimizer.shifts), so the week's LP relaxation hands every day its share of each
composition length as soft targets (`day_length_targets`): at least that many shifts of the group and paid
length on the day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations_with_replacement

from .horizon import week_blocks


@dataclass(frozen=True)
class Contract:
    """Agents of a skill group sharing one weekly contract: minimum and maximum paid minutes a week."""

    min_paid_min: int
    max_paid_min: int
    agents: int


def contracts_of(pairs: Sequence[tuple[int, int]]) -> tuple[Contract, ...]:
    """The distinct contracts among (weekly minimum, weekly maximum) paid minutes, one pair per agent."""
    return tuple(Contract(lo, hi, n) for (lo, hi), n in sorted(Counter(pairs).items()))


def compositions(lengths: Sequence[int], max_shifts: int, contract: Contract) -> list[tuple[int, ...]]:
    """Every minimal agent week of `contract`: paid lengths (sorted, one shift a day, at most `max_shifts`) whose
    total reaches the minimum and stays within the maximum, and falls below the minimum without its shortest
    shift. Empty when the minimum is 0 (no week is needed)."""
    if contract.min_paid_min <= 0:
        return []
    out = []
    for n in range(1, max_shifts + 1):
        for week in combinations_with_replacement(sorted(set(lengths)), n):
            total = sum(week)
            if contract.min_paid_min <= total <= contract.max_paid_min and total - week[0] < contract.min_paid_min:
                out.append(week)
    return out


@dataclass
class WeekComposition:
    """The composition variables of one skill group's calendar week (`block`: its days)."""

    group: str
    block: range
    counts: dict[tuple[Contract, tuple[int, ...]], object]   # (contract, composition) -> its agent count variable
    none: dict[Contract, object]                             # agents of the contract on no composition


def day_length_targets(weeks: Sequence[WeekComposition], lp_value, lp_shifts: dict[tuple[str, int, int], float]
                       ) -> dict[tuple[str, int, int], int]:
    """(group, paid minutes, day) -> shifts of that paid length the day should select: the LP relaxation's agent
    weeks rounded to whole agents per contract (largest remainder), their shifts of each length shared out over
    the week's days as the LP selects them. `lp_value(var)`: a variable's LP value; `lp_shifts`: LP shifts per
    (group, paid minutes, day)."""
    from .shift_starts import largest_remainder

    targets: dict[tuple[str, int, int], int] = {}
    for week in weeks:
        per_contract: dict[Contract, dict] = defaultdict(dict)
        for (contract, comp), var in week.counts.items():
            per_contract[contract][comp] = lp_value(var)
        need: Counter = Counter()
        for contract, values in per_contract.items():
            values["none"] = lp_value(week.none[contract])
            whole = largest_remainder(values, contract.agents)
            for comp, n in whole.items():
                if comp != "none":
                    for length in comp:
                        need[length] += n
        for length, total in need.items():
            days = {d: lp_shifts.get((week.group, length, d), 0.0) for d in week.block}
            if sum(days.values()) <= 0:
                continue
            for d, n in largest_remainder(days, int(total)).items():
                if n:
                    targets[(week.group, length, d)] = n
    return targets


def blocks(n_days: int) -> list[range]:
    """The calendar weeks the contracts count in (optimizer.horizon)."""
    return [b for _, b in week_blocks(n_days)]


def agent_compositions(contracts: Sequence[tuple[int, int]], shifts: Mapping[tuple[int, int], int],
                       max_shifts_per_week: int, n_days: int) -> list[Counter]:
    """Per agent (one (weekly minimum, weekly maximum) paid-minute pair each), the shifts to give them first:
    Counter of (week index, paid minutes). `shifts`: the plan's shifts per (week index, paid minutes). Per week,
    the most contracted minutes are covered by compositions using at most the shifts there are, with the least
    paid beyond the minimums (a small CP-SAT model over composition counts); agents of one contract get them in
    order, the rest none."""
    from ortools.sat.python import cp_model

    from .solver import run_cp_sat

    out = [Counter() for _ in contracts]
    for w, block in enumerate(blocks(n_days)):
        lengths = sorted({length for (ww, length), n in shifts.items() if ww == w and n > 0})
        model = cp_model.CpModel()
        chosen: list[tuple[Contract, tuple[int, ...], object]] = []
        use: dict[int, list] = defaultdict(list)
        objective = []
        for contract in contracts_of(contracts):
            row = []
            for comp in compositions(lengths, min(max_shifts_per_week, len(block)), contract):
                var = model.new_int_var(0, contract.agents, "")
                row.append(var)
                chosen.append((contract, comp, var))
                for length, times in Counter(comp).items():
                    use[length].append(times * var)
                # covering a minimum first, then as little beyond it as possible
                objective.append((sum(comp) - 1000 * contract.min_paid_min) * var)
            if row:
                model.add(sum(row) <= contract.agents)
        if not chosen:
            continue
        for length, terms in use.items():
            model.add(sum(terms) <= shifts.get((w, length), 0))
        model.minimize(sum(objective))
        run = run_cp_sat(model, effort=1.0)
        if not run.found:
            continue
        queue: dict[tuple[int, int], list[tuple[int, ...]]] = defaultdict(list)
        for contract, comp, var in chosen:
            queue[(contract.min_paid_min, contract.max_paid_min)] += [comp] * run.solver.value(var)
        for a, pair in enumerate(contracts):
            if queue[pair]:
                for length in queue[pair].pop():
                    out[a][(w, length)] += 1
    return out
