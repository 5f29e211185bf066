"""The capacity plan on a year of weekly demand: ccplan's hiring plan against a planner's rule of thumb.

Input: scenarios/examples/capacity_plan.yaml, the example center (insurance_week.yaml, 3 skill groups) over the 52
weeks of 2026. Its weekly history (2024-2025, 104 weeks) is derived from the example week's volumes and handle
times with an insurer's yearly season, trend and German holiday weeks; its week-to-week noise (sd 0.044, lag-1
autocorrelation 0.33 in logs) and the size of a holiday week's dip are measured on the US bank series of the
shared data (scripts/derive_capacity_history.py). ccplan forecasts the year of weekly demand from it.

Both plans are judged on the same Monte Carlo futures (the input's 500 samples, seed 1): attrition drawn agent by
agent, demand paths drawn from the weekly forecast. Rule of thumb (optimizer.rule_of_thumb): each month, a class
at the fixed lead time sized to cover the month's peak requirement of the median forecast after average attrition.
ccplan (optimizer.plan_hiring, CP-SAT): the cheapest classes and cross-training covering each week's requirement at
the input's quantile (0.9) of demand and leavers, ramp-up, flex and overtime counted, shortage at its penalty.
Expected cost = wages + flex + overtime + hiring + cross-training + shortage penalty, the mean over the futures.

The staffing curve (ccplan's schedule of the representative week at 3 volume scales) is computed once, or read
with --curve (written there when the file does not exist); its time is reported apart from the plan's.

Usage: .venv/bin/python benchmarks/capacity_plan.py [--curve FILE] [--effort UNITS]
Prints a table and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optimizer import Budget  # noqa: E402
from planning import capacity_plan, curve_key, read_curve, staffing_curve  # noqa: E402
from scenarios import EXAMPLES_DIR, load_capacity, load_scenario  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--curve", type=Path, default=None, help="staffing curve file to reuse or write")
    parser.add_argument("--effort", type=float, default=2.0, help="CP-SAT deterministic time of the plan")
    args = parser.parse_args()
    plan = load_capacity(EXAMPLES_DIR / "capacity_plan.yaml")
    scenario = load_scenario(plan.path(plan.scenario))
    curve, curve_seconds = None, None
    if args.curve is not None and args.curve.exists():
        curve = read_curve(args.curve)
        if curve.key != curve_key(scenario, plan):
            curve = None
    if curve is None:
        t0 = time.perf_counter()
        curve = staffing_curve(scenario, plan)
        curve_seconds = time.perf_counter() - t0
        if args.curve is not None:
            args.curve.write_text(json.dumps(curve.to_json(), indent=2) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    result = capacity_plan(plan, curve=curve, budget=Budget(effort=args.effort, wall_seconds=120.0), whatifs=False)
    total = time.perf_counter() - t0
    print(f"{plan.name}: {result.problem.weeks} weeks, {len(result.problem.groups)} skill groups, "
          f"{len(result.plan.risk.weeks_short)} futures")
    print("staffing curve (FTE at scales " + ", ".join(f"{s:g}" for s in curve.scales) + "): "
          + "; ".join(f"{g} " + "/".join(f"{v:.1f}" for v in f) for g, f in curve.fte.items())
          + (f"  [{curve_seconds:.0f} s]" if curve_seconds is not None else "  [read from file]"))
    print(f"{'plan':<15}{'expected cost':>15}{'hires':>7}{'short wks (median)':>20}{'P50':>6}{'P90':>6}")
    for figures in (result.plan, result.rule):
        risk = figures.risk.summary()
        print(f"{figures.label:<15}{figures.expected_cost:>15,.0f}{sum(c.size for c in figures.outcome.plan.classes):>7}"
              f"{figures.outcome.weeks_short:>20}{risk['weeks_short_p50']:>6g}{risk['weeks_short_p90']:>6g}")
    print("classes (ccplan): " + ", ".join(f"{c.group} {result.problem.mondays[c.week]} x{c.size}"
                                           for c in result.plan.outcome.plan.classes))
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(f"solver status {result.plan.outcome.status}; seconds: plan {result.seconds['plan']:.1f}, "
          f"forecast + plan + Monte Carlo {total:.1f}")
    print(json.dumps({"cost_ratio_vs_rule": round(result.cost_ratio_vs_rule, 4),
                      "weeks_short_p90": result.plan.risk.weeks_short_p90,
                      "weeks_short_p90_rule": result.rule.risk.weeks_short_p90,
                      "seconds": round(result.seconds["plan"], 2), "seconds_total": round(total, 2),
                      "curve_seconds": None if curve_seconds is None else round(curve_seconds, 1)}))


if __name__ == "__main__":
    main()
