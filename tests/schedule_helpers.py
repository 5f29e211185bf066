"""Small synthetic scenarios and model-independent checks of roster rules for the optimizer tests."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from scenarios import scenario_from_dict, week_intervals


def small_scenario(days: int = 7, interval_minutes: int = 60, phone_rate: float = 20.0, chat_rate: float = 6.0,
                   headcounts=(12, 6), rules: dict | None = None, shrinkage: float = 0.2, costs=(1.0, 0.9),
                   **extra):
    """Phone and chat 08:00-20:00, a generalist and a phone-only group, 4/6/8 h shifts."""
    data = {
        "name": "small center",
        "start": "2026-01-05",
        "days": days,
        "interval_minutes": interval_minutes,
        "open": "08:00-20:00",
        "shrinkage": shrinkage,
        "channels": {
            "phone": {"kind": "voice", "aht_seconds": 240, "patience_seconds": 180,
                      "target": {"answer_within_seconds": 60, "service_level": 0.8}},
            "chat": {"kind": "chat", "aht_seconds": 300, "concurrency": 2, "patience_seconds": 300,
                     "target": {"answer_within_seconds": 60, "service_level": 0.8}},
        },
        "demand": {"rates": {"phone": phone_rate, "chat": chat_rate}},
        "skill_groups": {
            "generalist": {"skills": ["phone", "chat"], "headcount": headcounts[0], "hourly_cost": costs[0],
                           "min_hours_per_week": 0,
                           "max_hours_per_week": 40},
            "phone_only": {"skills": ["phone"], "headcount": headcounts[1], "hourly_cost": costs[1],
                           "min_hours_per_week": 0, "max_hours_per_week": 40},
        },
        "shift_rules": {"lengths_hours": [4, 6, 8], "start_every_minutes": 60, "earliest_start": "07:00",
                        "latest_end": "21:00", "lunch_after_hours": 6, "lunch_minutes": 30,
                        "lunch_window_hours": [3, 5], "breaks_minutes": 15, "break_every_hours": 4,
                        "max_shifts_per_week": 5, "min_rest_hours": 11, "max_consecutive_days": 5,
                        **(rules or {})},
        "simulation": {"replications": 3, "seed": 7},
        **extra,
    }
    return scenario_from_dict(data)


def flat_requirement(scenario, agents: dict[str, float], hours=(8, 20)) -> pd.DataFrame:
    """Available agents required per channel, constant within `hours` of every day, zero outside."""
    idx = week_intervals(scenario)
    inside = (idx.hour >= hours[0]) & (idx.hour < hours[1])
    frames = [pd.DataFrame({"ds": idx, "channel": c, "agents": np.where(inside, a, 0.0)}) for c, a in agents.items()]
    return pd.concat(frames, ignore_index=True)


def on_duty_minutes_by_group(scenario, shifts) -> dict[str, np.ndarray]:
    """Worked minutes per interval and group, from the shifts' work periods (lunch and breaks excluded)."""
    step = scenario.interval_minutes * 60
    out = defaultdict(lambda: np.zeros(scenario.n_intervals))
    for s in shifts:
        for a, b in s.work_periods():
            t = a
            while t < b - 1e-9:
                i = int(t // step)
                nxt = min(b, (i + 1) * step)
                out[s.skill_group][i] += (nxt - t) / 60
                t = nxt
    return out


def check_roster_rules(scenario, roster, agents=None) -> list[str]:
    """Every hard roster rule (optimizer.roster_rule_breaks, the one checker the greedy start and the repairs use;
    agents generated from the headcounts when not given) and the shape of every shift (an allowed length, lunch
    and breaks inside it and apart). Returns the violations found (empty = all hold)."""
    from optimizer import generate_agents, roster_rule_breaks

    rules = scenario.shift_rules
    problems = roster_rule_breaks(scenario, roster, agents if agents is not None else generate_agents(scenario))
    for s in roster.shifts:
        length_h = (s.end_s - s.start_s) / 3600
        if all(abs(length_h - L) > 1e-9 for L in rules.lengths_hours):
            problems.append(f"{s.agent}: shift of {length_h} h is not an allowed length")
        if s.lunch and not (s.start_s <= s.lunch[0] < s.lunch[1] <= s.end_s):
            problems.append(f"{s.agent}: lunch outside the shift")
        for b in s.breaks:
            if not (s.start_s <= b[0] < b[1] <= s.end_s):
                problems.append(f"{s.agent}: break outside the shift")
        cuts = sorted(([s.lunch] if s.lunch else []) + list(s.breaks))
        if any(x[1] > y[0] for x, y in zip(cuts, cuts[1:])):
            problems.append(f"{s.agent}: lunch and breaks overlap")
    return problems


def days_off_pairs(scenario, roster) -> dict[str, bool]:
    """Per rostered agent: True when the week holds two consecutive days off."""
    out = {}
    worked = defaultdict(set)
    for s in roster.shifts:
        worked[s.agent].add(int(s.start_s // 86400))
    for agent, days in worked.items():
        out[agent] = any(d not in days and d + 1 not in days for d in range(scenario.days - 1))
    return out
