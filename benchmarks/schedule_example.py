"""The example week scheduled by ccplan (verified by simulation) and by the traditional two-step baseline.

Runs, in one process on the example scenario (`scenarios/examples/insurance_week.yaml`, demand forecast from its
history once and shared): `schedule(method="ccplan", verify=True)` - solve, simulate 20 replications, re-size the
requirement where an open interval misses its targets, up to --rounds rounds, roster the best round, simulate the
roster with the round's customers and with fresh ones - and `schedule(method="erlang-c-two-step", verify=True)`
(Erlang C per interval and channel, shift covering, breaks afterwards; simulated once with the same customers).

A channel's interval meets its targets when its simulated service level reaches the target AND (phone) its
abandonment stays within max_abandon_rate, both in that interval.

Usage: .venv/bin/python benchmarks/schedule_example.py [--rounds 10] [--time-limit 15] [--replications 20]
Prints a table and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planning.demand import scenario_demand  # noqa: E402
from planning import schedule  # noqa: E402
from scenarios import EXAMPLE_SCENARIO, load_scenario  # noqa: E402

TARGET_SHARE = 0.95       # every channel meets its targets in this share of open intervals
TARGET_REDUCTION = 0.15   # ccplan pays at least this much less than the baseline
TARGET_SECONDS = 300      # the whole verified run


def run(method: str, scenario, demand, rounds: int, time_limit: float, replications: int) -> dict:
    t0 = time.perf_counter()
    res = schedule(scenario, demand=demand, method=method, verify=True, rounds=rounds, time_limit=time_limit,
                   replications=replications)
    seconds = time.perf_counter() - t0
    k = res.kpis
    out = {"method": method, "paid_hours": k["paid_hours"], "busy_hours": k.get("busy_hours"),
           "idle_hours": k.get("idle_hours"), "seconds": round(seconds, 1), "rounds": len(res.rounds),
           "kept_round": next((r["round"] for r in res.rounds if r.get("kept")), None),
           "unassigned_shifts": k.get("unassigned_shifts", 0), "short_intervals": k["short_intervals"],
           "channels": {c: {f: v.get(f) for f in ("intervals_meeting_target", "intervals_meeting_service_level",
                                                   "service_level", "abandon_rate")}
                        for c, v in k["channels"].items()},
           "rounds_paid_and_phone_share": [(r["paid_hours"], r["channels"]["phone"]["intervals_meeting_target"])
                                           for r in res.rounds if r.get("channels")]}
    if k.get("holdout"):
        out["holdout_seed"] = k["holdout"]["seed"]
        out["holdout"] = {c: v.get("intervals_meeting_target") for c, v in k["holdout"]["channels"].items()}
    return out


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="most verification rounds for ccplan")
    parser.add_argument("--time-limit", type=float, default=15.0, help="CP-SAT seconds per solve")
    parser.add_argument("--replications", type=int, default=20, help="simulation replications per round")
    args = parser.parse_args()
    sc = load_scenario(EXAMPLE_SCENARIO)
    t0 = time.perf_counter()
    demand = scenario_demand(sc)
    forecast_s = time.perf_counter() - t0
    rows = [run("ccplan", sc, demand, args.rounds, args.time_limit, args.replications),
            run("erlang-c-two-step", sc, demand, 1, args.time_limit, args.replications)]
    channels = list(rows[0]["channels"])
    head = ["method", "paid h", "busy / idle h"] + [f"{c} meeting targets" for c in channels] + \
        ["phone SL alone", "phone abandon (week)", "fresh customers: phone", "rounds (kept)", "seconds"]
    print(" | ".join(head))
    for r in rows:
        ch = r["channels"]
        print(" | ".join([r["method"], f"{r['paid_hours']:.1f}", f"{r['busy_hours']:.0f} / {r['idle_hours']:.0f}",
                          *[_pct(ch[c]["intervals_meeting_target"]) for c in channels],
                          _pct(ch["phone"]["intervals_meeting_service_level"]), _pct(ch["phone"]["abandon_rate"]),
                          _pct(r.get("holdout", {}).get("phone")), f"{r['rounds']} ({r['kept_round']})",
                          f"{r['seconds']:.0f}"]))
    ours, base = rows
    reduction = 1 - ours["paid_hours"] / base["paid_hours"]
    worst = min(v["intervals_meeting_target"] for v in ours["channels"].values()
                if v["intervals_meeting_target"] is not None)
    total = forecast_s + ours["seconds"]
    print(f"ccplan pays {100 * reduction:.1f} % fewer agent-hours than the baseline (target >= "
          f"{100 * TARGET_REDUCTION:.0f} %); worst channel meets its targets in {100 * worst:.1f} % of open "
          f"intervals (target >= {100 * TARGET_SHARE:.0f} %); verified run {total:.0f} s incl. forecast "
          f"(target < {TARGET_SECONDS} s); {os.cpu_count()} cores")
    print(json.dumps({"benchmark": "schedule_example", "rounds": args.rounds, "time_limit": args.time_limit,
                      "replications": args.replications,
                      "forecast_seconds": round(forecast_s, 1), "results": rows,
                      "paid_reduction": round(reduction, 4), "worst_share_meeting_targets": worst,
                      "seconds_ccplan_total": round(total, 1),
                      "meets_targets": bool(reduction >= TARGET_REDUCTION and worst >= TARGET_SHARE
                                            and total < TARGET_SECONDS)}))


if __name__ == "__main__":
    main()
