"""A synthetic call center with known staffing, shared by the calibrate tests (tests/planning) and the replay CLI
tests (tests/app)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planning.calibrate import PeriodModel

def synthetic_center(seed: int, days: int = 3):
    """One channel, Poisson arrivals 08:00-20:00 (70 per 30 min), 12 servers on duty 08:00-20:00 each day."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-03-02")
    arrivals = []
    for d in range(days):
        for k in range(16, 40):
            n = rng.poisson(70)
            arrivals.append(start + pd.Timedelta(days=d, minutes=30 * k)
                            + pd.to_timedelta(np.sort(rng.uniform(0, 1800, n)), unit="s"))
    arrival = pd.DatetimeIndex(np.concatenate([a.to_numpy() for a in arrivals]))
    records = pd.DataFrame({"arrival": arrival, "channel": "calls", "served": False, "abandoned": False,
                            "wait_seconds": 0.0, "handle_seconds": np.nan, "server": None,
                            "service_start": pd.NaT, "service_end": pd.NaT})
    stretches = pd.DataFrame([(f"S{i}", start + pd.Timedelta(days=d, hours=8), start + pd.Timedelta(days=d, hours=20), 1)
                              for d in range(days) for i in range(12)], columns=["server", "start", "end", "calls"])
    model = PeriodModel(30, {"calls": {"kind": "voice", "aht_seconds": 180.0, "service": "exponential",
                                       "patience_seconds": 300.0, "patience": "exponential",
                                       "target": {"answer_within_seconds": 20, "service_level": 0.8}}},
                        {"generalist": ["calls"]}, {})
    return records, stretches, model
