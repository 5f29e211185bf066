"""Derive the capacity example's weekly history (a developer tool; the output ships in scenarios/examples/data).

Two years of weekly contacts per channel (2024-01-01 .. 2025-12-29, ending the week before the example week):
- level: the example week's own contacts and handle times per channel (phone, chat, email; the forecast ccplan
  makes from scenarios/examples/data/insurance_history.csv), reached in the first week of 2026;
- trend +5 % a year; a yearly season of an insurer (renewals peak in January and again in November, a summer
  trough), 12 % and 4 % amplitudes;
- holiday weeks (Germany, the `holidays` package): each weekday holiday takes 15 % off the week, the effect of a
  4-day week in the US bank series of the shared data (weeks of 4 days were 10-20 % below their neighbours);
- week-to-week noise measured on that same US bank series (164 weekdays of 2003, weekly totals of its 28 full
  weeks, log detrended): standard deviation 0.044, lag-1 autocorrelation 0.33; drawn with a fixed seed;
- handle time: the example's per channel, +-3 % over the year (longer in the January renewals).

Run: python scripts/derive_capacity_history.py   (needs the project installed; writes the CSV)
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "scenarios" / "examples" / "data" / "capacity_weekly_history.csv"
FIRST, WEEKS = dt.date(2024, 1, 1), 104
PLAN_START = dt.date(2026, 1, 5)
# The example week's contacts and mean handle time per human channel (ccplan's forecast of the example week).
LEVEL = {"phone": (13012.0, 300.7), "chat": (3573.0, 480.0), "email": (3214.1, 420.0)}
TREND_PER_YEAR, SEASON, SEASON2 = 0.05, 0.12, 0.04
HOLIDAY_EFFECT = 0.15
NOISE_SD, NOISE_AR1 = 0.044, 0.33
SEED = 20240101


def main() -> None:
    rng = np.random.default_rng(SEED)
    cal = holidays.country_holidays("DE", years=range(FIRST.year, PLAN_START.year + 1))
    rows = []
    for channel, (level, aht) in LEVEL.items():
        noise = 0.0
        for k in range(WEEKS):
            monday = FIRST + dt.timedelta(weeks=k)
            years_to_plan = (monday - PLAN_START).days / 365.2425
            phase = 2 * math.pi * (monday.timetuple().tm_yday - 5) / 365.2425
            season = (1 + SEASON * math.cos(phase) + SEASON2 * math.cos(2 * phase)) / (1 + SEASON + SEASON2)
            off = sum(1 for d in range(5) if monday + dt.timedelta(days=d) in cal)
            noise = NOISE_AR1 * noise + math.sqrt(1 - NOISE_AR1 ** 2) * rng.normal(0, NOISE_SD)
            mean = level * (1 + TREND_PER_YEAR) ** years_to_plan * season * (1 - HOLIDAY_EFFECT * off)
            rows.append({"week": monday.isoformat(), "channel": channel,
                         "contacts": int(round(mean * math.exp(noise))),
                         "aht_seconds": round(aht * (1 + 0.03 * math.cos(phase)), 1)})
    pd.DataFrame(rows).to_csv(OUT, index=False)
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
