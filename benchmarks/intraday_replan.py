"""Intraday re-plan on the example week: a surge day (phone +20 %) and a quiet day (phone -20 %), re-planned at 11:00.

For each day the phone's actual contacts from opening to 11:00 are drawn by ccplan's own arrival model
(sim.arrivals.arrival_times: Poisson counts, seeded) at 1.2 (surge, Tuesday) or 0.8 (quiet, Thursday) times the
week-ahead forecast; the other channels run to forecast (no actuals given). `planning.intraday.replan_day`
reforecasts the day, chooses actions and certifies them on its own fresh replications. Then the benchmark judges
the unchanged and the re-planned roster once more against the TRUE rest of the day (phone at 1.2 / 0.8 x the
forecast all day, which the re-plan never saw), simulated from the state at 11:00 on 100 fresh replications
(seed 7001), sharing customers between the two rosters. Share = rest-of-day open phone intervals meeting every
target (service level and max abandonment, sim.targets.judge).

    .venv/bin/python benchmarks/intraday_replan.py [--roster ROSTER.csv] [--workers 2]

Without --roster a roster is scheduled first (planning.schedule, verified by simulation; about 4 minutes).
Prints a table and one JSON line; `--notes FILE` also writes them as Markdown.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planning.demand import scenario_demand  # noqa: E402
from planning.execution import open_executor  # noqa: E402
from planning.intraday import (Options, day_demand, day_roster, day_scenario, replan_day,  # noqa: E402
                               simulate_rest, target_shares)
from scenarios import load_scenario, read_roster  # noqa: E402
from sim import arrival_times  # noqa: E402

CASES = (("surge", 1, 1.2), ("quiet", 3, 0.8))


def drawn_actuals(week_demand: pd.DataFrame, start, day: int, factor: float, now_h: float, seed: int) -> pd.DataFrame:
    """Phone contacts per interval from 00:00 to `now_h` of `day`, drawn by the simulator's arrival model."""
    d0 = pd.Timestamp(start) + pd.Timedelta(days=day)
    own = week_demand[(week_demand["channel"] == "phone") & (week_demand["ds"] >= d0)
                      & (week_demand["ds"] < d0 + pd.Timedelta(hours=now_h))]
    times = arrival_times(np.random.default_rng(seed), own["contacts"].to_numpy(float) * factor, 1800.0)
    counts = np.bincount((times // 1800).astype(int), minlength=len(own))
    return pd.DataFrame({"ds": own["ds"].to_numpy(), "channel": "phone", "contacts": counts.astype(float)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--roster")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--now", default="11:00")
    ap.add_argument("--notes", help="write the table and JSON as Markdown to this file")
    args = ap.parse_args()
    sc = load_scenario(ROOT / "scenarios/examples/insurance_week.yaml")
    demand = scenario_demand(sc)
    if args.roster:
        roster = read_roster(args.roster, sc)
    else:
        from planning import schedule
        roster = schedule(sc, demand=demand, workers=args.workers).roster
    now_h = int(args.now[:2]) + int(args.now[3:]) / 60
    out, lines = {}, []
    for name, day, factor in CASES:
        actuals = drawn_actuals(demand, sc.start, day, factor, now_h, seed=100 + day)
        now = pd.Timestamp(sc.start) + pd.Timedelta(days=day, hours=now_h)
        t0 = time.perf_counter()
        plan = replan_day(sc, roster, demand, actuals, now, options=Options(workers=args.workers))
        seconds = time.perf_counter() - t0
        # The true rest of the day: phone at `factor` x forecast all day.
        day_sc = day_scenario(sc, day)
        truth = day_demand(sc, demand, pd.DataFrame(columns=["ds", "channel", "yhat"]), day)
        truth.loc[truth["channel"] == "phone", "contacts"] *= factor
        with open_executor("local", workers=args.workers) as run_on:
            before, after = simulate_rest(day_sc, [day_roster(roster, day, day_sc.start),
                                                   day_roster(plan.roster, day, day_sc.start)],
                                          truth, now_h * 3600, 100, seed=7001, executor=run_on.executor)
        sb, sa = target_shares(day_sc, before), target_shares(day_sc, after)
        factor_hat = float(plan.reforecast.loc[plan.reforecast["channel"] == "phone", "factor"].iloc[0])
        kinds = pd.Series([a.kind for a in plan.actions]).value_counts().to_dict()
        out[name] = {"day": str(now.date()), "seen_factor": round(float(actuals["contacts"].sum()) / float(
            demand[(demand["channel"] == "phone") & demand["ds"].isin(actuals["ds"])]["contacts"].sum()), 3),
            "reforecast_factor": round(factor_hat, 3), "unchanged_share": sb, "replan_share": sa,
            "planner_certified_unchanged": plan.shares_before, "planner_certified_replan": plan.shares_after,
            "hours_added": plan.hours_added, "hours_released": plan.hours_released, "actions": kinds,
            "candidates": plan.candidates, "rounds": [r.to_json() for r in plan.rounds], "seconds": round(seconds, 1)}
        lines.append(f"| {name} ({now:%a %Y-%m-%d}, phone x{factor}) | {out[name]['seen_factor']:.3f} | "
                     f"{factor_hat:.3f} | {sb['phone']:.1%} | {sa['phone']:.1%} | {sb['chat']:.0%} / {sa['chat']:.0%}"
                     f" | {sb['email']:.0%} / {sa['email']:.0%} | +{plan.hours_added:g} / -{plan.hours_released:g} | "
                     f"{len(plan.actions)} | {seconds:.1f} |")
    head = ("| day | seen/forecast to 11:00 | reforecast factor | phone unchanged | phone re-planned | chat before / "
            "after | email before / after | hours added / released | actions | seconds |\n"
            "|---|---|---|---|---|---|---|---|---|---|")
    table = head + "\n" + "\n".join(lines)
    print(table)
    result = {"surge_replan_share": round(out["surge"]["replan_share"]["phone"], 3),
              "surge_unchanged_share": round(out["surge"]["unchanged_share"]["phone"], 3),
              "surge_hours_added": out["surge"]["hours_added"],
              "quiet_replan_share": round(out["quiet"]["replan_share"]["phone"], 3),
              "quiet_unchanged_share": round(out["quiet"]["unchanged_share"]["phone"], 3),
              "quiet_hours_released": out["quiet"]["hours_released"],
              "surge_seconds": out["surge"]["seconds"], "quiet_seconds": out["quiet"]["seconds"]}
    for name in out:
        print(f"{name}: actions {out[name]['actions']}; planner's own certification (reforecast demand, 40 "
              f"replications) phone {out[name]['planner_certified_unchanged']['phone']:.1%} -> "
              f"{out[name]['planner_certified_replan']['phone']:.1%}; rounds "
              + "; ".join(f"{r['round']}: {r['actions']} actions, phone {r['shares']['phone']:.0%}" for r in out[name]["rounds"]))
    print(json.dumps(result))
    if args.notes:
        Path(args.notes).write_text(
            "# Issue 15 benchmarks\n\n## intraday_replan.py\n\n" + table + "\n\n```json\n" + json.dumps(out, indent=1,
                                                                                                     default=str)
            + "\n" + json.dumps(result) + "\n```\n")


if __name__ == "__main__":
    main()
