"""Multi-skill pooling: agents of a skill group count toward every channel they hold a skill for.

Available agents per skill group can serve per-channel requirements (both in available agents, per interval) exactly
when Hall's condition holds: for every non-empty subset S of the human channels, the agents of the groups holding
at least one skill in S are at least the summed requirement of S. That is the max-flow/min-cut condition of the
bipartite network groups -> channels, so a fractional assignment exists iff no subset is short, and the largest
subset shortfall max_S (req(S) - avail(groups(S)))+ equals the requirement no assignment can cover.

The shortfall is attributed to channels by routing priority: `assign` finds a maximum fractional assignment
(most requirement covered) and, among those, prefers each group's earlier channels in its `priority`, as a free
agent would pick the next contact. What stays uncovered on a channel is its shortfall, so the lower-priority
channels carry it where agents could have served either; the per-channel shortfalls sum to the largest subset
shortfall.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from scenarios import Scenario, staffing_matrix, week_intervals
from scenarios.calendar import interval_index

__all__ = ["coverage_sets", "hall_deficiency", "pooled_shortfall", "assign"]

PRIORITY_BONUS = 1e-3  # small enough that covering more requirement always wins over routing preference


def coverage_sets(scenario: Scenario, channels: list[str] | None = None, prune: bool = True
                  ) -> list[tuple[frozenset[str], list[str]]]:
    """Every non-empty subset S of the human channels with the skill groups holding at least one skill in S.

    With `prune`, a subset is dropped when a strict superset is served by exactly the same groups (the superset's
    condition, a larger requirement against the same agents, implies it). Subsets no group serves are kept: their
    requirement can only be short. 2^channels subsets are enumerated, fine for the handful of channels a center has.
    """
    channels = list(channels) if channels is not None else scenario.human_channels()
    serving: dict[frozenset[str], list[str]] = {}
    for r in range(1, len(channels) + 1):
        for combo in itertools.combinations(channels, r):
            s = frozenset(combo)
            serving[s] = [g for g, grp in scenario.skill_groups.items() if s & set(grp.skills)]
    if not prune:
        return list(serving.items())
    return [(s, groups) for s, groups in serving.items()
            if not any(s < t and set(serving[t]) == set(groups) for t in serving)]


# --- inputs ----------------------------------------------------------------------------------------------------

def _group_matrix(scenario: Scenario, available) -> np.ndarray:
    """(intervals x groups, scenario order) from a staffing plan, a {group: array} dict or a matrix."""
    if isinstance(available, pd.DataFrame):
        return staffing_matrix(scenario, available)
    if isinstance(available, dict):
        n = scenario.n_intervals
        return np.column_stack([np.broadcast_to(np.asarray(available.get(g, 0.0), float), (n,))
                                for g in scenario.skill_groups])
    return np.atleast_2d(np.asarray(available, float))


def _channel_matrix(scenario: Scenario, required, channels: list[str]) -> np.ndarray:
    """(intervals x channels) from a requirements table (ds, channel, agents), a {channel: array} dict or a matrix."""
    n = scenario.n_intervals
    if isinstance(required, pd.DataFrame):
        out = np.zeros((n, len(channels)))
        pos = interval_index(scenario, required["ds"])
        col = required["channel"].map({c: j for j, c in enumerate(channels)})
        ok = (pos >= 0) & col.notna().to_numpy()
        np.add.at(out, (pos[ok], col[ok].astype(int).to_numpy()), required["agents"].to_numpy(float)[ok])
        return out
    if isinstance(required, dict):
        return np.column_stack([np.broadcast_to(np.asarray(required.get(c, 0.0), float), (n,)) for c in channels])
    return np.atleast_2d(np.asarray(required, float))


# --- Hall condition --------------------------------------------------------------------------------------------

def hall_deficiency(available_by_group, required_by_channel, scenario: Scenario) -> pd.DataFrame:
    """Per interval: `deficiency` = max over channel subsets S of (requirement of S - agents of the groups serving
    S), at least 0, and `subset` (the channels of a worst S, '+'-joined; '' when nothing is short)."""
    channels = scenario.human_channels()
    groups = list(scenario.skill_groups)
    avail = _group_matrix(scenario, available_by_group)
    req = _channel_matrix(scenario, required_by_channel, channels)
    sets = coverage_sets(scenario, channels)
    s_mask = np.array([[c in s for c in channels] for s, _ in sets], float)          # subsets x channels
    g_mask = np.array([[g in gs for g in groups] for _, gs in sets], float)         # subsets x groups
    gap = req @ s_mask.T - avail @ g_mask.T                                          # intervals x subsets
    worst = np.argmax(gap, axis=1)
    value = gap[np.arange(len(gap)), worst]
    names = ["+".join(c for c in channels if c in s) for s, _ in sets]
    return pd.DataFrame({"ds": week_intervals(scenario)[:len(gap)], "deficiency": np.maximum(value, 0.0),
                         "subset": [names[k] if v > 1e-9 else "" for k, v in zip(worst, value)]})


# --- assignment ------------------------------------------------------------------------------------------------

def _edges(scenario: Scenario, channels: list[str]) -> list[tuple[int, int, float]]:
    """(group index, channel index, routing preference in (0, 1]) for every skill a group holds."""
    out = []
    for gi, group in enumerate(scenario.skill_groups.values()):
        order = [c for c in group.routing_order() if c in channels]
        for rank, c in enumerate(order):
            out.append((gi, channels.index(c), (len(order) - rank) / len(order)))
    return out


def _assign_matrix(scenario: Scenario, avail: np.ndarray, req: np.ndarray, channels: list[str]) -> np.ndarray:
    """intervals x edges: agents of each group put on each channel, one LP over the week (blocks per interval)."""
    edges = _edges(scenario, channels)
    n, e = req.shape[0], len(edges)
    if e == 0 or n == 0:
        return np.zeros((n, e))
    g_of = np.array([g for g, _, _ in edges])
    c_of = np.array([c for _, c, _ in edges])
    weight = np.array([1.0 + PRIORITY_BONUS * p for _, _, p in edges])
    n_groups = avail.shape[1]
    var = np.arange(n * e).reshape(n, e)
    rows_g = (np.arange(n)[:, None] * n_groups + g_of[None, :]).ravel()
    rows_c = n * n_groups + (np.arange(n)[:, None] * len(channels) + c_of[None, :]).ravel()
    a_ub = sparse.coo_matrix((np.ones(2 * n * e), (np.concatenate([rows_g, rows_c]),
                                                   np.concatenate([var.ravel(), var.ravel()]))),
                             shape=(n * n_groups + n * len(channels), n * e)).tocsr()
    b_ub = np.concatenate([np.clip(avail, 0, None).ravel(), np.clip(req, 0, None).ravel()])
    lp = linprog(-np.tile(weight, n), A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    if lp.status != 0:  # cannot happen for this bounded, feasible LP; keep the caller safe anyway
        raise RuntimeError(f"assignment LP failed: {lp.message}")
    return lp.x.reshape(n, e)


def assign(available_by_group, required_by_channel, scenario: Scenario) -> pd.DataFrame:
    """A fractional assignment of available agents to channels per interval: long `ds, skill_group, channel,
    agents`. It covers as much requirement as any assignment can and follows each group's routing priority among
    such assignments; a group's agents beyond the requirement they can serve are left out (idle)."""
    channels = scenario.human_channels()
    groups = list(scenario.skill_groups)
    avail = _group_matrix(scenario, available_by_group)
    req = _channel_matrix(scenario, required_by_channel, channels)
    x = _assign_matrix(scenario, avail, req, channels)
    edges = _edges(scenario, channels)
    idx = week_intervals(scenario)[:len(req)]
    return pd.DataFrame({
        "ds": np.repeat(idx, len(edges)),
        "skill_group": np.tile([groups[g] for g, _, _ in edges], len(idx)),
        "channel": np.tile([channels[c] for _, c, _ in edges], len(idx)),
        "agents": x.ravel(),
    })


def pooled_shortfall(available_by_group, required_by_channel, scenario: Scenario) -> pd.DataFrame:
    """Per interval and human channel: `required`, `covered` (by the priority-respecting maximum assignment) and
    `shortfall` = required - covered (available agents). attrs["deficiency"] holds `hall_deficiency` per interval;
    the shortfalls of an interval sum to it."""
    channels = scenario.human_channels()
    avail = _group_matrix(scenario, available_by_group)
    req = _channel_matrix(scenario, required_by_channel, channels)
    x = _assign_matrix(scenario, avail, req, channels)
    covered = np.zeros_like(req)
    for k, (_, c, _) in enumerate(_edges(scenario, channels)):
        covered[:, c] += x[:, k]
    covered = np.minimum(covered, np.clip(req, 0, None))
    idx = week_intervals(scenario)[:len(req)]
    out = pd.DataFrame({
        "ds": np.repeat(idx, len(channels)),
        "channel": np.tile(channels, len(idx)),
        "required": req.ravel(),
        "covered": covered.ravel(),
        "shortfall": np.clip(req - covered, 0, None).ravel(),
    })
    out.attrs["deficiency"] = hall_deficiency(avail, req, scenario)
    return out
