"""The quick "how many agents do I need" view: one voice queue with a steady rate, sized by the same requirement
code the schedule uses (optimizer.requirements: Erlang C, and Erlang A when callers have a patience)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scenarios import scenario_from_dict

QUICK_START = "2026-01-05"


@dataclass(frozen=True)
class QuickSizing:
    """Agents needed for one interval: `erlang_c` and `erlang_a` (None without patience) available agents
    (fractional, as the optimizer sizes), `on_duty` the Erlang A (else C) figure rounded up and divided by
    (1 - shrinkage), and the offered load in Erlangs."""

    load_erlangs: float
    erlang_c: float
    erlang_a: float | None
    on_duty: float


def quick_sizing(*, contacts: float, aht_seconds: float, interval_minutes: int, service_level: float,
                 answer_within_seconds: float, patience_seconds: float | None = None,
                 max_abandon_rate: float | None = None, shrinkage: float = 0.0) -> QuickSizing:
    """Agents needed for `contacts` calls per interval of `interval_minutes`, each `aht_seconds` long, to answer
    `service_level` (a share) within `answer_within_seconds`; InputError naming the field for a bad value."""
    from planning import scenario_demand
    from optimizer import requirements

    target = {"answer_within_seconds": answer_within_seconds, "service_level": service_level}
    if max_abandon_rate is not None:
        target["max_abandon_rate"] = max_abandon_rate
    phone = {"kind": "voice", "aht_seconds": aht_seconds, "target": target}
    if patience_seconds:
        phone["patience_seconds"] = patience_seconds
    sc = scenario_from_dict({
        "name": "quick sizing", "start": QUICK_START, "days": 1, "interval_minutes": interval_minutes,
        "open": "00:00-24:00", "shrinkage": shrinkage, "channels": {"phone": phone},
        "demand": {"rates": {"phone": contacts}},
        "skill_groups": {"agents": {"skills": ["phone"], "headcount": 1}}})
    demand = scenario_demand(sc)

    def first(method: str) -> float:
        return float(requirements(sc, demand, method)["agents"].iloc[0])

    erlang_c = first("erlang-c")
    erlang_a = first("erlang-a") if patience_seconds else None
    needed = erlang_a if erlang_a is not None else erlang_c
    return QuickSizing(contacts * aht_seconds / (interval_minutes * 60.0), erlang_c, erlang_a,
                       math.ceil(needed - 1e-9) / (1 - shrinkage))
