"""Multi-skill pooling: agents of a skill group count toward every channel they hold a skill for.

Available agents per skill group can serve per-channel requirements (both in available agents, per interval) exactly
when Hall's condition holds: for every non-empty subset S of the human channels, the agents of the groups holding
at least one skill in S are at least the summed requirement of S. That is the max-flow/min-cut condition of the
bipartite network groups -> channels, so a fractional assignment exists iff no subset is short, and the largest
subset shortfall max_S (req(S) - avail(groups(S)))+ equals the requirement no assignment can cover.

The shift model states the condition per subset (`coverage_sets`); the coverage report of a roster
(optimizer.coverage) reads the subsets' shortfalls (`subset_shortfalls`) and the intervals' deficiency
(`hall_deficiency`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pandas as pd

from scenarios import Scenario, week_intervals

__all__ = ["coverage_sets", "subset_shortfalls", "hall_deficiency"]


def coverage_sets(scenario: Scenario, channels: list[str] | None = None) -> list[tuple[frozenset[str], list[str]]]:
    """Every non-empty subset S of the human channels worth a condition, with the skill groups holding at least
    one skill in S, smallest subsets first.

    A subset is dropped when a strict superset is served by exactly the same groups (the superset's condition, a
    larger requirement against the same agents, implies it). Subsets no group serves are kept: their requirement
    can only be short. 2^channels subsets are enumerated, fine for the handful of channels a center has.
    """
    channels = list(channels) if channels is not None else scenario.human_channels()
    serving: dict[frozenset[str], list[str]] = {}
    for r in range(1, len(channels) + 1):
        for combo in itertools.combinations(channels, r):
            s = frozenset(combo)
            serving[s] = [g for g, grp in scenario.skill_groups.items() if s & set(grp.skills)]
    return [(s, groups) for s, groups in serving.items()
            if not any(s < t and set(serving[t]) == set(groups) for t in serving)]


def subset_shortfalls(available: Mapping[str, np.ndarray | float], required: Mapping[str, np.ndarray | float],
                      scenario: Scenario) -> dict[frozenset[str], np.ndarray]:
    """Hall's condition subset by subset: per subset of `coverage_sets`, per interval, the requirement of S less
    the available agents of the groups serving S, at least 0 (available agents).

    `available`: per skill group, agents per interval (a number holds for every interval); `required`: per human
    channel, likewise; a missing name is 0.
    """
    channels = scenario.human_channels()
    groups = list(scenario.skill_groups)
    sets = coverage_sets(scenario, channels)
    avail = _columns(available, groups, scenario.n_intervals)
    req = _columns(required, channels, scenario.n_intervals)
    s_mask = np.array([[c in s for c in channels] for s, _ in sets], float)          # subsets x channels
    g_mask = np.array([[g in gs for g in groups] for _, gs in sets], float)         # subsets x groups
    gap = req @ s_mask.T - avail @ g_mask.T                                          # intervals x subsets
    return {s: np.maximum(gap[:, k], 0.0) for k, (s, _) in enumerate(sets)}


def hall_deficiency(available: Mapping[str, np.ndarray | float], required: Mapping[str, np.ndarray | float],
                    scenario: Scenario, tolerance: float = 1e-9) -> pd.DataFrame:
    """Per interval: `deficiency`, the largest subset shortfall (the requirement no assignment of the available
    agents can cover), and the channel set to name for it: `subset` (names sorted and '+'-joined; '' when no
    subset is short by more than `tolerance`) with its own shortfall `subset_short`.

    The named set is the smallest that shows the shortfall: going from the smallest subsets up, a larger set
    replaces the one found so far only when it is short by more than `tolerance` agents more, so a planner reads
    "chat" rather than "phone+chat" when chat alone explains (nearly) all of it. Inputs as `subset_shortfalls`.
    """
    short = subset_shortfalls(available, required, scenario)
    n = scenario.n_intervals
    named = np.full(n, "", dtype=object)
    named_short = np.zeros(n)
    for s, v in short.items():             # smallest subsets first (coverage_sets order)
        larger = v > named_short + tolerance
        named[larger] = "+".join(sorted(s))
        named_short[larger] = v[larger]
    deficiency = np.max(np.column_stack(list(short.values())), axis=1) if short else np.zeros(n)
    return pd.DataFrame({"ds": week_intervals(scenario), "deficiency": deficiency, "subset": named,
                         "subset_short": named_short})


def _columns(values: Mapping[str, np.ndarray | float], names: list[str], n: int) -> np.ndarray:
    """(n x names) from per-name arrays or numbers."""
    return np.column_stack([np.broadcast_to(np.asarray(values.get(name, 0.0), float), (n,)) for name in names])
