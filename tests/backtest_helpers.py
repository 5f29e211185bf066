"""A tiny history for the plan-vs-actual backtest: six weeks of Poisson counts with a known weekday profile, one
phone channel open 08:00-16:00 on weekdays, a handful of agents, and its scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scenarios import scenario_from_dict

FIRST_MONDAY = "2026-01-05"
WEEKS = 6
OPEN_HOURS = range(8, 16)
RATE = 6.0                                      # calls per hour at the weekday's level 1
WEEKDAY_LEVEL = [1.2, 1.0, 1.0, 0.9, 0.8]       # Mon..Fri


def history(seed: int = 3) -> pd.DataFrame:
    """ds, channel, contacts: hourly Poisson counts of the open hours of six weeks' weekdays."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in pd.date_range(FIRST_MONDAY, periods=7 * WEEKS, freq="D"):
        if day.weekday() >= 5:
            continue
        for hour in OPEN_HOURS:
            rows.append((day + pd.Timedelta(hours=hour), "phone",
                         int(rng.poisson(RATE * WEEKDAY_LEVEL[day.weekday()]))))
    return pd.DataFrame(rows, columns=["ds", "channel", "contacts"])


def write_history(frame: pd.DataFrame, path: Path) -> Path:
    frame.assign(ds=frame["ds"].dt.strftime("%Y-%m-%d %H:%M")).to_csv(path, index=False)
    return path


def scenario_data(history_path: Path) -> dict:
    return {
        "name": "tiny backtest",
        "start": FIRST_MONDAY,
        "days": 7,
        "interval_minutes": 60,
        "open": {"default": "08:00-16:00", "sat": "closed", "sun": "closed"},
        "shrinkage": 0.0,
        "channels": {"phone": {"kind": "voice", "aht_seconds": 240, "patience_seconds": 180,
                               "target": {"answer_within_seconds": 60, "service_level": 0.8}}},
        "demand": {"history": str(history_path), "model": "weekday_mean"},
        "skill_groups": {"agents": {"skills": ["phone"], "headcount": 4, "min_hours_per_week": 0,
                                    "max_hours_per_week": 40}},
        "shift_rules": {"lengths_hours": [4, 8], "start_every_minutes": 60, "earliest_start": "08:00",
                        "latest_end": "16:00"},
        "simulation": {"seed": 5},
    }


def tiny_scenario(history_path: Path):
    return scenario_from_dict(scenario_data(history_path))
