"""Intraday reforecast on the US bank series: rest-of-day WAPE of the reforecast vs the week-ahead forecast.

For each of the series' last 8 weeks: the week-ahead forecast (MSTL, what `auto` picks on this series) fitted on
the history before that week's Monday; the reforecast's prior learned from the same history
(forecasting.intraday.learn_prior_from_grid); then for every weekday of the week, at 10:00, 12:00 and 14:00, the
rest of the day (from that instant to 21:00) reforecast from the day's actual counts so far. Scores: WAPE of the
rest of the day, pooled over all (day, cutoff) cases; per day, the mean over the three cutoffs; "off days" are
days whose total ran more than 10 % off the week-ahead forecast, and an off day is improved when its mean
rest-of-day WAPE is lower with the reforecast. Also the 80 % band's coverage.

    .venv/bin/python benchmarks/intraday_reforecast.py [--csv tests/fixtures/us_bank_calls_30min.csv] [--weeks 8]

Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecasting import MSTLModel, read_history, to_grid  # noqa: E402
from forecasting import learn_prior_from_grid, reforecast_rest  # noqa: E402

CUTOFFS = ("10:00", "12:00", "14:00")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", default=str(ROOT / "tests/fixtures/us_bank_calls_30min.csv"))
    ap.add_argument("--weeks", type=int, default=8)
    args = ap.parse_args()
    t0 = time.perf_counter()
    hist = read_history(args.csv, allow_gaps=True)
    grid = to_grid(hist, "calls", int(hist.attrs["step_minutes"]))
    m = grid.days_per_week
    cut_slots = {c: int(np.searchsorted(grid.slots, int(c[:2]) * 60 + int(c[3:]))) for c in CUTOFFS}
    mondays = [i for i, d in enumerate(grid.days) if d.dayofweek == 0]
    weeks = mondays[-args.weeks:]
    rows = []
    for origin in weeks:
        train = grid.head(origin)
        model = MSTLModel().fit(train)
        week = np.arange(origin, min(origin + m, len(grid.days)))
        yhat, _, _ = model.predict(grid.days[week], closed_dates=grid.closed_days)
        prior = learn_prior_from_grid(train)
        for r, t in enumerate(week):
            y = grid.values[t]
            if not np.isfinite(y).all():
                continue        # a day missing in the source
            day_off = y.sum() / yhat[r].sum() - 1.0
            for c, k in cut_slots.items():
                mean, lo, hi, factor = reforecast_rest(prior, yhat[r], y, k)
                rest, base = y[k:], yhat[r][k:]
                rows.append({"day": str(grid.days[t].date()), "cutoff": c, "day_off": day_off, "factor": factor,
                             "abs_re": float(np.abs(rest - mean).sum()), "abs_fc": float(np.abs(rest - base).sum()),
                             "volume": float(rest.sum()), "covered": int(((rest >= lo) & (rest <= hi)).sum()),
                             "n": len(rest), "strength": prior.strength, "drift": prior.drift})
    vol = sum(r["volume"] for r in rows)
    re_wape = sum(r["abs_re"] for r in rows) / vol
    fc_wape = sum(r["abs_fc"] for r in rows) / vol
    days = {}
    for r in rows:
        days.setdefault(r["day"], []).append(r)
    per_day = {d: (np.mean([x["abs_re"] / x["volume"] for x in v]), np.mean([x["abs_fc"] / x["volume"] for x in v]),
                   v[0]["day_off"]) for d, v in days.items()}
    off = {d: v for d, v in per_day.items() if abs(v[2]) > 0.10}
    improved = sum(1 for v in off.values() if v[0] < v[1])
    off_rows = [r for r in rows if r["day"] in off]
    off_vol = sum(r["volume"] for r in off_rows)
    cases_off_improved = sum(1 for r in off_rows if r["abs_re"] < r["abs_fc"])
    all_improved = sum(1 for v in per_day.values() if v[0] < v[1])
    print(f"US bank, last {len(weeks)} weeks, {len(per_day)} weekdays x {len(CUTOFFS)} cutoffs "
          f"(week-ahead forecast: MSTL)\n")
    print("| cutoff | reforecast WAPE | week-ahead WAPE | 80% coverage |")
    print("|---|---|---|---|")
    for c in CUTOFFS:
        sub = [r for r in rows if r["cutoff"] == c]
        v = sum(r["volume"] for r in sub)
        print(f"| {c} | {sum(r['abs_re'] for r in sub) / v:.4f} | {sum(r['abs_fc'] for r in sub) / v:.4f} | "
              f"{sum(r['covered'] for r in sub) / sum(r['n'] for r in sub):.1%} |")
    print(f"| all | {re_wape:.4f} | {fc_wape:.4f} | {sum(r['covered'] for r in rows) / sum(r['n'] for r in rows):.1%} |")
    if off_rows:
        print(f"| days >10% off ({len(off)}) | {sum(r['abs_re'] for r in off_rows) / off_vol:.4f} | "
              f"{sum(r['abs_fc'] for r in off_rows) / off_vol:.4f} | |")
    print(f"\noff days improved: {improved}/{len(off)}; (day, cutoff) cases on off days improved: "
          f"{cases_off_improved}/{len(off_rows)}; all days improved: {all_improved}/{len(per_day)}")
    print(f"prior strength (1/var of day factor) {np.mean([r['strength'] for r in rows]):.0f}, "
          f"drift {np.mean([r['drift'] for r in rows]):.4f} (means over weeks); {time.perf_counter() - t0:.1f} s")
    out = {"reforecast_wape": round(re_wape, 4), "forecast_wape": round(fc_wape, 4),
           "off_days": len(off), "off_days_improved": improved,
           "off_days_improved_share": round(improved / len(off), 3) if off else None,
           "off_cases_improved_share": round(cases_off_improved / len(off_rows), 3) if off_rows else None,
           "days_improved_share": round(all_improved / len(per_day), 3), "days": len(per_day),
           "coverage80": round(sum(r["covered"] for r in rows) / sum(r["n"] for r in rows), 3),
           "seconds": round(time.perf_counter() - t0, 1)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
