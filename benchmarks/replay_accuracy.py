"""Replay accuracy on the bank's January 1999 records: calibrate on the first 14 days, replay the rest.

`.venv/bin/python benchmarks/replay_accuracy.py [--calls ../shared/data/anonymous-bank-1999-01.tsv] [--workers 2]`

1. Reads the per-call records ("Anonymous Bank", Technion SEE lab; README "Data credits").
2. Calibrates on 1-14 January (handle times, patience, skill groups, availability by hour fitted by simulating
   those days; 8 replications per evaluation, seed 7).
3. Replays 15-31 January (17 days) with their real arrivals and the on-duty stretches read from their answered
   calls, 20 replications at seed 1, twice: with the calibrated availability, and uncalibrated (agents available
   100% of on-duty time, everything else the same calibration).
4. Prints per day actual vs simulated abandonment and share answered within 60 s, MAE and bias (simulated -
   actual, percentage points, each day counted once) for both, the timings, and a final JSON line.
Targets (issue 14): per-day abandonment MAE <= 3 pp and within-60-s MAE <= 7 pp; calibrate + replay < 60 s.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=Path, default=ROOT.parent / "shared" / "data" / "anonymous-bank-1999-01.tsv")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--split", default="1999-01-15", help="first replayed day (calibration: the days before)")
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    from forecasting import call_records
    from planning.calibrate import PeriodModel, calibrate
    from planning.replay import replay

    t0 = time.perf_counter()
    records = call_records(args.calls)
    t_read = time.perf_counter() - t0
    train = records[records["arrival"] < args.split]
    test = records[records["arrival"] >= args.split]
    t0 = time.perf_counter()
    cal = calibrate(train, replications=8, seed=7, workers=args.workers)
    t_cal = time.perf_counter() - t0
    test = test.assign(channel=test["channel"].replace(cal.channel_map))
    model = PeriodModel.from_fragment(cal.fragment())
    t0 = time.perf_counter()
    fitted = replay(test, model, cal.availability, args.replications, args.seed, workers=args.workers)
    t_replay = time.perf_counter() - t0
    full = replay(test, model, {h: 1.0 for h in range(24)}, args.replications, args.seed, workers=args.workers)

    d, u = fitted.days, full.days
    print(f"calibration {cal.period[0]} .. {cal.period[1]} ({len(train):,} calls); replay "
          f"{test['arrival'].min().date()} .. {test['arrival'].max().date()} ({len(test):,} calls, {len(d)} days)")
    print(f"{'day':<11} {'calls':>6} | {'abandonment':^26} | {'answered within 60 s':^26}")
    print(f"{'':<11} {'':>6} | {'actual':>8} {'calib.':>8} {'100%':>8} | {'actual':>8} {'calib.':>8} {'100%':>8}")
    for i in range(len(d)):
        print(f"{d['date'][i]!s:<11} {int(d['offered'][i]):>6} | {d['abandon_actual'][i]:>8.1%} "
              f"{d['abandon_sim'][i]:>8.1%} {u['abandon_sim'][i]:>8.1%} | {d['sl60_actual'][i]:>8.1%} "
              f"{d['sl60_sim'][i]:>8.1%} {u['sl60_sim'][i]:>8.1%}")
    s, f = fitted.summary, full.summary
    rows = [("abandonment MAE (pp)", "abandon_mae_pp", 3.0), ("abandonment bias (pp)", "abandon_bias_pp", None),
            ("within 60 s MAE (pp)", "sl60_mae_pp", 7.0), ("within 60 s bias (pp)", "sl60_bias_pp", None),
            ("within 20 s MAE (pp)", "sl20_mae_pp", None), ("within 20 s bias (pp)", "sl20_bias_pp", None),
            ("ASA MAE (s)", "asa_mae_s", None), ("ASA bias (s)", "asa_bias_s", None)]
    print(f"\n{'per day, simulated - actual':<28} {'calibrated':>11} {'100% avail.':>12} {'target':>7}")
    for label, key, target in rows:
        print(f"{label:<28} {s[key]:>11.2f} {f[key]:>12.2f} {'' if target is None else f'<= {target:g}':>7}")
    mean_avail = 1 - cal.fragment()["shrinkage"]
    print(f"availability (call-weighted mean over hours): {mean_avail:.1%}; groups: "
          + ", ".join(f"{g} ({sum(1 for m in cal.member.values() if m == g)})" for g in cal.groups))
    print(f"time: read {t_read:.1f} s, calibrate {t_cal:.1f} s, replay {t_replay:.1f} s "
          f"(calibrate + replay {t_cal + t_replay:.1f} s, {args.workers} workers)")
    out = {"calibrated": {k: s[k] for _, k, _ in rows}, "uncalibrated": {k: f[k] for _, k, _ in rows},
           "mean_availability": round(mean_avail, 4), "days": len(d), "calls_replayed": int(len(test)),
           "calibrate_seconds": round(t_cal, 2), "replay_seconds": round(t_replay, 2), "workers": args.workers,
           "meets": bool(s["abandon_mae_pp"] <= 3 and s["sl60_mae_pp"] <= 7 and t_cal + t_replay < 60)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
