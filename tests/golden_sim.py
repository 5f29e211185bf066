"""A fixed small scenario, its demand and two staffings, simulated with one seed: the stored output in
tests/fixtures/golden/ was written by the engine before the SimPy-public-API rewrite (`python tests/golden_sim.py
--write` rewrites it; do that only for an intended change of the model's numbers)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios import Roster, Shift, scenario_from_dict, week_intervals

GOLDEN = Path(__file__).parent / "fixtures" / "golden"

SCENARIO = {
    "name": "golden small center",
    "start": "2026-01-05",
    "days": 2,
    "interval_minutes": 30,
    "open": "08:00-20:00",
    "shrinkage": 0.2,
    "channels": {
        "phone": {"kind": "voice", "aht_seconds": 240, "service": "lognormal", "service_cv": 1.2,
                  "patience_seconds": 150,
                  "target": {"answer_within_seconds": 60, "service_level": 0.8, "max_abandon_rate": 0.05}},
        "chat": {"kind": "chat", "aht_seconds": 420, "concurrency": 2, "concurrency_slowdown": 0.25,
                 "patience_seconds": 200, "open": "09:00-18:00",
                 "target": {"answer_within_seconds": 60, "service_level": 0.8}},
        "email": {"kind": "deferred", "aht_seconds": 360, "open": "00:00-24:00",
                  "target": {"respond_within_hours": 8, "service_level": 0.9}},
        "bot": {"kind": "ai", "handle_seconds": 80, "containment": 0.6, "escalate_to": "chat",
                "escalated_aht_factor": 1.2, "capacity_sessions": 5, "open": "00:00-24:00"},
    },
    "demand": {"rates": {"phone": 40, "chat": 12, "email": 6, "bot": 20}},
    "skill_groups": {
        "generalist": {"skills": ["phone", "chat", "email"], "priority": ["phone", "chat", "email"],
                       "headcount": 14, "constant_agents": 7},
        "phone_only": {"skills": ["phone"], "headcount": 6, "constant_agents": 3},
    },
}


def scenario():
    return scenario_from_dict(SCENARIO)


def demand(sc) -> pd.DataFrame:
    """Rates by hand (no forecasting involved): a midday peak on phone, flat elsewhere."""
    from scenarios import open_mask

    idx = week_intervals(sc)
    hours = np.array([t.hour + t.minute / 60 for t in idx])
    frames = []
    for name, base in SCENARIO["demand"]["rates"].items():
        shape = 1.0 + 0.5 * np.exp(-((hours - 12.0) / 2.0) ** 2) if name == "phone" else np.ones(len(idx))
        contacts = np.where(open_mask(sc, name), base * shape, 0.0)
        aht = sc.channels[name].aht_seconds if name != "bot" else sc.channels[name].handle_seconds
        frames.append(pd.DataFrame({"ds": idx, "channel": name, "contacts": contacts, "aht_seconds": float(aht)}))
    return pd.concat(frames, ignore_index=True)


def roster(sc) -> Roster:
    shifts = []
    for day in range(2):
        for k in range(12):
            group = "generalist" if k % 3 else "phone_only"
            start = day * 86400 + (8 + (k % 5)) * 3600
            end = start + (8 if k % 2 else 6) * 3600
            lunch = (start + 4 * 3600, start + 4.5 * 3600) if k % 2 else None
            breaks = [(start + 2 * 3600, start + 2 * 3600 + 900)]
            shifts.append(Shift(f"{group}-{day}-{k:02d}", group, start, end, lunch, breaks))
    return Roster(sc.start, shifts)


def outputs(simulate) -> dict[str, str]:
    """The text of every stored output, produced with `simulate` (sim.simulate, passed in so that this module
    imports nothing above scenarios)."""
    sc = scenario()
    d = demand(sc)
    out = {}
    for name, staffing in (("constant", None), ("roster", roster(sc))):
        res = simulate(sc, staffing, demand=d, replications=3, seed=11)  # in this process: no executor
        out[f"{name}_intervals.csv"] = res.intervals.to_csv(index=False, float_format="%.12g")
        out[f"{name}_summary.json"] = json.dumps(res.summary.to_json(), sort_keys=True, indent=1, default=str) + "\n"
    return out


if __name__ == "__main__":
    from sim import simulate as _simulate

    if "--write" in sys.argv:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for fname, text in outputs(_simulate).items():
            (GOLDEN / fname).write_text(text)
            print("wrote", GOLDEN / fname, len(text))
