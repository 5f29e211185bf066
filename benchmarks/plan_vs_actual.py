"""Plan vs actual on the US bank series (issue 24): each of the last 4 full weeks forecast from the weeks before,
scheduled, and the roster simulated on the week's actual counts; the same for the Erlang C two-step baseline and
for a roster scheduled with hindsight (on the actual counts).

Data: tests/fixtures/us_bank_calls_30min.csv (../shared/data/us-bank-calls-5min-2003.csv summed to 30 minutes,
Mon-Fri 07:00-21:30), counts x0.125 (`demand.scale`), about 19,000-20,000 calls a week. Scenario (the issue's):
one voice channel, AHT 300 s lognormal cv 1.2, patience 180 s, 80% within 180 s and at most 5% abandoned per
interval, 4/6/8 h shifts starting every 30 min, agents 0-40 h; shrinkage 30% (the example's: the issue does not
state it). Days without data are listed as holidays (the forecast needs no gap filling); a full week has data on
each of its five open days, so the week of 13 Oct (no data on 14 Oct) is not one.

Run: .venv/bin/python benchmarks/plan_vs_actual.py [--weeks 4] [--risk 0.9 0.95] [--effort 2] [--seed 1]
     [--certify-replications 100] [--methods ccplan] [--hindsight-hours H1 H2 H3 H4] (`--methods`: the default
     run's methods; the baseline and hindsight do not depend on the risk nor the forecast, so a rerun of ccplan
     alone can reuse them: `--hindsight-hours` gives the hindsight rosters' paid hours for the ratio column)
Prints a table (per week and method: claimed and actual share of open intervals meeting targets, paid hours,
their ratio to the hindsight roster's, WAPE) and a final JSON line: per setting (the default plan, then each
--risk) the worst actual share, the mean |claimed - actual| in pp, and the paid hours ratio to hindsight per week.
The default settings are modest (see SETTINGS, said in the output) so that the run takes about 10-15 minutes on
2 cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planning import PlanBacktest, backtest_plan  # noqa: E402
from planning.backtest_plan import METHODS  # noqa: E402
from scenarios import InputError, scenario_from_dict  # noqa: E402

BANK = ROOT / "tests" / "fixtures" / "us_bank_calls_30min.csv"
# Weekdays of the series without data (Good Friday and Easter Monday, Memorial Day, 4 July, Labor Day, 14 Oct).
NO_DATA = ["2003-04-04", "2003-04-07", "2003-05-26", "2003-07-04", "2003-09-01", "2003-10-14"]
# Modest effort so the default run fits 10-15 minutes on 2 cores: the loop's sample and the certification are
# smaller than `ccplan schedule`'s defaults (40 and 100 replications, effort 15, 10 rounds).
SETTINGS = dict(replications=100, rounds=4, schedule_replications=20, certify_replications=40)


def bank_scenario():
    return scenario_from_dict({
        "name": "US bank, phone, counts x0.125",
        "start": "2003-10-20", "days": 7, "interval_minutes": 30,
        "open": {"default": "07:00-21:30", "sat": "closed", "sun": "closed"},
        "shrinkage": 0.30,
        "channels": {"calls": {"kind": "voice", "aht_seconds": 300, "service": "lognormal", "service_cv": 1.2,
                               "patience_seconds": 180,
                               "target": {"answer_within_seconds": 180, "service_level": 0.80,
                                          "max_abandon_rate": 0.05}}},
        "demand": {"history": str(BANK), "model": "auto", "scale": 0.125},
        "holidays": NO_DATA,
        "skill_groups": {"agents": {"skills": ["calls"], "headcount": 200, "min_hours_per_week": 0,
                                    "max_hours_per_week": 40}},
        "shift_rules": {"lengths_hours": [4, 6, 8], "start_every_minutes": 30, "earliest_start": "07:00",
                        "latest_end": "21:30"},
        "simulation": {"seed": 1},
    })


def run(scenario, label: str, args, **options) -> PlanBacktest:
    started = time.perf_counter()

    def progress(fraction: float, message: str = "") -> None:
        print(f"\r[{label}] {time.perf_counter() - started:6.0f} s {fraction:4.0%} {message[:90]:<90}", end="",
              file=sys.stderr, flush=True)

    result = backtest_plan(scenario, weeks=args.weeks, seed=args.seed, effort=args.effort, workers=args.workers,
                           progress=progress, **{**SETTINGS, **args.settings}, **options)
    print(f"\n[{label}] {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return result


def summary(result: PlanBacktest, method: str, hindsight: dict[str, float]) -> dict:
    plans = [(w.start.isoformat(), w.plans[method]) for w in result.weeks]
    return {"worst_actual": round(min(p.actual for _, p in plans), 4),
            "mean_abs_claimed_minus_actual_pp": round(100 * sum(abs(p.claimed - p.actual) for _, p in plans)
                                                      / len(plans), 2),
            "paid_hours_vs_hindsight": {week: round(p.paid_hours / hindsight[week], 4) for week, p in plans}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--risk", type=float, nargs="*", default=[],
                        help="further risk settings to plan ccplan with, beside the default run at "
                             "planning.DEFAULT_RISK (0: the forecast taken as exact)")
    parser.add_argument("--effort", type=float, default=2.0, help="CP-SAT deterministic time per solver stage")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--certify-replications", type=int, default=SETTINGS["certify_replications"],
                        help="replications of the certification: shared out over the 20 plausible weeks")
    parser.add_argument("--rounds", type=int, default=SETTINGS["rounds"])
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS,
                        help="methods of the default run (without hindsight the ratio column is empty unless "
                             "--hindsight-hours is given)")
    parser.add_argument("--hindsight-hours", type=float, nargs="+", default=None,
                        help="paid hours of the hindsight rosters of the weeks (from an earlier run: they do not "
                             "depend on the forecast), for the ratio column when hindsight is not run")
    args = parser.parse_args()
    args.settings = {"certify_replications": args.certify_replications, "rounds": args.rounds}
    scenario = bank_scenario()
    print(f"settings: effort {args.effort}, seed {args.seed}, " + ", ".join(f"{k} {v}" for k, v in {**SETTINGS, **args.settings}.items())
          + " (modest, to keep the run near 10-15 minutes on 2 cores)")
    base = run(scenario, "default", args, methods=tuple(args.methods))
    runs = [("default", base, list(base.settings.methods))]
    for risk in args.risk:
        try:
            name = f"risk {risk:g}" if risk else "exact"
            runs.append((name, run(scenario, name, args, risk=risk or None, methods=("ccplan",)), ["ccplan"]))
        except InputError as exc:
            print(f"risk {risk:g} not run: {exc}", file=sys.stderr)
    given = args.hindsight_hours or []
    hindsight = {w.start.isoformat(): w.plans["hindsight"].paid_hours if "hindsight" in w.plans else
                 (given[k] if k < len(given) else float("nan")) for k, w in enumerate(base.weeks)}
    print(f"{'week':<11} {'setting':<11} {'method':<18} {'claimed':>8} {'actual':>8} {'paid h':>9} "
          f"{'vs hind.':>8} {'WAPE':>7}")
    for k, week in enumerate(base.weeks):
        for name, result, methods in runs:
            for method in methods:
                p = result.weeks[k].plans[method]
                print(f"{week.start.isoformat():<11} {name:<11} {method:<18} {p.claimed:>8.1%} {p.actual:>8.1%} "
                      f"{p.paid_hours:>9,.1f} {p.paid_hours / hindsight[week.start.isoformat()]:>8.3f} "
                      f"{p.wape:>7.1%}")
    out = {"weeks": [w.start.isoformat() for w in base.weeks], "settings": {"effort": args.effort, **SETTINGS, **args.settings}}
    for name, result, methods in runs:
        for method in methods:
            out[f"{name} {method}"] = summary(result, method, hindsight)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
