"""How much of the share held at the risk is the luck of a few replications? (issue 24, US bank series, the
plan_vs_actual scenario, a validation week before plan_vs_actual's 4 test weeks.)

The week is forecast from the weeks before it (planning.week_demand, model auto, with its error law), the plan
the schedule loop starts from is made (Erlang A requirement on the demand hedged at the risk, one shift
selection, `--effort`), and that plan is simulated `--replications` times on each of 20 plausible weeks drawn
from the law (planning.draw_weeks, the loop's seed). Each week is then judged on subsets of r of its replications
(r = 2, 5, 10 and all), raw (sim.judge_simulation on the mean over the r) and smoothed
(planning.plausible.smoothed_judgements): per r, the claimed share (mean over the weeks) and the share at the
risk (their 10% quantile), averaged over the disjoint subsets. Raw figures creep up with r (noise turns meeting
intervals into misses more often than the reverse); the noise-free value is estimated by extrapolating the raw
figures at r and 2r as a + b / r. Smoothed figures that no longer move with r, near that value, are the aim.

Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/plausible_noise.py [--week 2003-09-15] [--replications 20]
(about 4 minutes on 2 quiet cores). Prints a table and a final JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from optimizer import Budget, generate_agents, group_limits, plan_roster, requirements, select_shifts  # noqa: E402
from plan_vs_actual import BANK, bank_scenario  # noqa: E402
from planning import open_executor, week_demand  # noqa: E402
from planning.backtest_plan import week_scenario  # noqa: E402
from planning.plausible import draw_weeks, hedged_demand, smoothed_judgements  # noqa: E402
from planning.schedule import PLAUSIBLE_WEEKS, certification_seed  # noqa: E402
from scenarios import week_intervals  # noqa: E402
from scenarios.tables import parse_datetimes, read_table  # noqa: E402
from sim import Fresh, build_result, build_spec, judge_simulation, meeting_shares, replicate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--week", default="2003-09-15", help="Monday of the week (before the test weeks)")
    parser.add_argument("--risk", type=float, default=0.9)
    parser.add_argument("--replications", type=int, default=20, help="per plausible week")
    parser.add_argument("--effort", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    monday = dt.date.fromisoformat(args.week)
    raw = read_table(BANK, ("ds", "channel"), text=True)
    with tempfile.TemporaryDirectory() as folder:
        cut = Path(folder) / "history.csv"
        raw[(parse_datetimes(raw["ds"]) < pd.Timestamp(monday)).to_numpy()].to_csv(cut, index=False)
        scenario = week_scenario(bank_scenario(), monday, cut)
        planned = week_demand(scenario)
    requirement = requirements(scenario, hedged_demand(planned.table, planned.uncertainty, args.risk))
    plan = select_shifts(scenario, requirement, group_limits(scenario, generate_agents(scenario)),
                         budget=Budget(args.effort, None, 2))
    staff = plan_roster(scenario, plan)
    seed = certification_seed(args.seed)
    weeks = draw_weeks(scenario, planned.table, planned.uncertainty, weeks=PLAUSIBLE_WEEKS, seed=seed)
    specs = [build_spec(scenario, staff, table) for table in weeks.tables]
    n = args.replications
    children = np.random.SeedSequence(seed).spawn(len(specs) * n)
    with open_executor("local", workers=2) as run_on:
        records = replicate([Fresh(spec, children[k * n + j]) for k, spec in enumerate(specs) for j in range(n)],
                            executor=run_on.executor)
    ds = week_intervals(scenario)
    channel = next(iter(scenario.channels))

    def judged(r: int, first: int) -> list[pd.DataFrame]:
        return [judge_simulation(scenario, build_result(spec, ds, records[k * n + first:k * n + first + r], seed))
                for k, spec in enumerate(specs)]

    def figures(tables: list[pd.DataFrame]) -> tuple[float, float]:
        shares = np.array([meeting_shares(scenario, t)[channel] for t in tables])
        return float(shares.mean()), float(np.quantile(shares, 1 - args.risk))

    out = {"week": args.week, "risk": args.risk, "paid_hours": plan.paid_hours, "weeks": len(specs), "by_r": {}}
    print(f"week of {args.week}: the loop's first plan ({plan.paid_hours:,.1f} paid h, demand hedged at risk "
          f"{args.risk}) on {len(specs)} plausible weeks x {n} replications")
    print(f"{'r':>3} {'raw claimed':>12} {'raw at risk':>12} {'smoothed claimed':>17} {'smoothed at risk':>17}")
    for r in sorted({2, 5, 10, n} & set(range(1, n + 1))):
        subsets = [judged(r, first) for first in range(0, n - r + 1, r)]
        raw_figures = np.mean([figures(t) for t in subsets], axis=0)
        smooth_figures = np.mean([figures(smoothed_judgements(scenario, weeks, t)) for t in subsets], axis=0)
        out["by_r"][r] = {"raw": raw_figures.round(4).tolist(), "smoothed": smooth_figures.round(4).tolist(),
                          "subsets": len(subsets)}
        print(f"{r:>3} {raw_figures[0]:>12.4f} {raw_figures[1]:>12.4f} {smooth_figures[0]:>17.4f} "
              f"{smooth_figures[1]:>17.4f}")
    half = n // 2
    if half in out["by_r"]:
        # a + b / r through the raw figures at r = n / 2 and n: the value without customers' luck
        lo, hi = np.array(out["by_r"][half]["raw"]), np.array(out["by_r"][n]["raw"])
        out["raw_extrapolated"] = (hi + (hi - lo)).round(4).tolist()
        print(f"raw extrapolated to infinitely many replications: claimed {out['raw_extrapolated'][0]:.4f}, "
              f"at risk {out['raw_extrapolated'][1]:.4f}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
