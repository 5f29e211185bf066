"""Fairness: how evenly evenings, weekends and holidays are spread over the agents of each skill group.

Per agent: shifts, evening shifts (ending after EVENING_ENDS_AFTER, or a max_evening_shifts rule's time), weekend
days and holidays worked. Per skill group and measure, the Gini coefficient of the per-agent counts over the
group's agents who work (0 = perfectly even, towards 1 = all on a few). The run's one figure is the mean of those
Gini coefficients weighted by each group's shifts (evenings and weekends; holidays too when the horizon has any).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from scenarios import Roster, Scenario
from scenarios.clock import clock_minutes
from scenarios.rules import MaxEveningShifts

EVENING_ENDS_AFTER = "20:00"


@dataclass
class AgentShare:
    """One agent's share of the unpopular shifts."""

    agent: str
    skill_group: str
    shifts: int
    evenings: int
    weekend_days: int
    holidays: int


@dataclass
class FairnessReport:
    """Per agent counts, per group and measure the Gini coefficient, and the run's one figure (`index`)."""

    agents: list[AgentShare]
    gini: dict[str, dict[str, float]]
    index: float

    def to_json(self) -> dict:
        return {"index": round(self.index, 4), "gini": {g: {m: round(v, 4) for m, v in by.items()}
                                                       for g, by in self.gini.items()},
                "agents": [vars(a) for a in self.agents]}


def gini(values) -> float:
    """The Gini coefficient of non-negative counts (0 when all are equal or all zero)."""
    x = np.sort(np.asarray(values, dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return 0.0
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


def fairness(scenario: Scenario, roster: Roster) -> FairnessReport:
    """Spread of evenings, weekend days and holidays over each group's working agents."""
    evening = min([r.after_min for r in scenario.rules or [] if isinstance(r, MaxEveningShifts)]
                  or [clock_minutes(EVENING_ENDS_AFTER)])
    holidays = {(d - scenario.start).days for d in scenario.holidays}
    first = scenario.start.weekday()
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for s in roster.shifts:
        day, start = int(s.start_s // 86400), s.start_s / 60 - int(s.start_s // 86400) * 1440
        c = counts[(s.agent, s.skill_group)]
        c[0] += 1
        c[1] += start + (s.end_s - s.start_s) / 60 > evening
        c[2] += (first + day) % 7 >= 5
        c[3] += day in holidays
    agents = [AgentShare(a, g, *c) for (a, g), c in sorted(counts.items())]
    measures = ["evenings", "weekend_days"] + (["holidays"] if holidays else [])
    table: dict[str, dict[str, float]] = {}
    weights, figures = [], []
    for g in scenario.skill_groups:
        own = [a for a in agents if a.skill_group == g]
        if not own:
            continue
        table[g] = {m: gini([getattr(a, m) for a in own]) for m in measures}
        weights += [sum(a.shifts for a in own)] * len(measures)
        figures += list(table[g].values())
    index = float(np.average(figures, weights=weights)) if figures else 0.0
    return FairnessReport(agents, table, index)
