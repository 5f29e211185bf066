"""What-if sweep on 1 vs 2 workers: the containment x demand-scale sweep of the example week.

The example's skill groups get constant staff (so every variant is simulated at fixed staff without scheduling a
roster first); the sweep is channels.bot.containment {0.4, 0.6, 0.8} x demand.scale {1.0, 1.2}, 6 variants.
Runs it in-process (1 worker), on a local process pool of 2, and on a Dask LocalCluster of 2 worker processes,
checks that all three give identical numbers, and prints a table and one JSON line. Workers are started (and
import the simulator) before the clock starts; the time is the sweep's: forecast, simulation, comparison. Every
worker, the in-process one included, uses one BLAS thread, so "1 worker" means one core.

    .venv/bin/python benchmarks/sweep_scaling.py [--replications 4] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import pandas as pd

from scenarios import EXAMPLE_SCENARIO, load_scenario
from planning.execution import one_blas_thread, open_executor
from scenarios.overrides import apply_overrides, parse_override, parse_sweep
from planning.whatif import build_variants, run_whatif

STAFF = ["skill_groups.generalist.constant_agents=15", "skill_groups.phone_only.constant_agents=10",
         "skill_groups.digital.constant_agents=3"]
SWEEP = ["channels.bot.containment=0.4,0.6,0.8", "demand.scale=1.0,1.2"]


def _warm_up(_: int) -> int:
    import sim  # noqa: F401

    return os.getpid()


def run(kind: str, workers: int, variants, replications: int, seed: int, **options):
    if workers == 1:
        one_blas_thread()  # one worker, one core: as the pool's and Dask's workers
    with open_executor(kind, workers=workers, **options) as run_on:
        if run_on.executor is not None:
            # Start the workers and import the simulator in each before timing: a sweep's cost, not start-up.
            list(run_on.executor.map(_warm_up, range(2 * run_on.workers)))
        t0 = time.perf_counter()
        result = run_whatif(variants, replications=replications, seed=seed, executor=run_on.executor,
                            workers=run_on.workers)
        return time.perf_counter() - t0, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per setting; the best is reported")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    base = apply_overrides(load_scenario(EXAMPLE_SCENARIO), [parse_override(t) for t in STAFF])
    variants = build_variants(base, [], [parse_sweep(s) for s in SWEEP])
    settings = [("in-process", "local", 1, {}), ("process pool", "local", 2, {}),
                ("dask LocalCluster", "dask", 2, {"scheduler": "local"})]
    rows, results = [], {}
    # Other work on the machine steals cores from the 2-worker runs: say how busy it was.
    load_before = os.getloadavg()[0]
    for name, kind, workers, options in settings:
        times = []
        for _ in range(args.repeat):
            seconds, result = run(kind, workers, variants, args.replications, args.seed, **options)
            times.append(seconds)
        results[name] = result
        rows.append({"setting": name, "workers": workers, "seconds": min(times)})
    ref = results["in-process"]
    identical = all(
        all(a.replication_summaries == b.replication_summaries and a.intervals.equals(b.intervals)
            for a, b in zip(ref.results, other.results))
        for other in results.values())
    table = pd.DataFrame(rows)
    table["speedup"] = table["seconds"].iloc[0] / table["seconds"]
    table["variants_per_min"] = len(variants) * 60 / table["seconds"]

    chat = ref.comparison[ref.comparison["kpi"] == "channels.chat.service_level"]
    print(f"sweep: {' x '.join(SWEEP)} on the example week ({len(variants)} variants x {args.replications} "
          f"replications, fixed staff {', '.join(STAFF)}); best of {args.repeat}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print("chat service level per variant (identical on every executor: %s):" % identical)
    print(chat[["variant", "value", "diff", "diff_lo", "diff_hi"]].to_string(index=False,
                                                                             float_format=lambda v: f"{v:.3f}"))
    pool = table[table["setting"] == "process pool"].iloc[0]
    dask = table[table["setting"] == "dask LocalCluster"].iloc[0]
    print(json.dumps({"benchmark": "sweep_scaling", "variants": len(variants), "replications": args.replications,
                      "seconds_1_worker": round(float(table["seconds"].iloc[0]), 3),
                      "seconds_2_workers": round(float(pool["seconds"]), 3),
                      "speedup_2_workers": round(float(pool["speedup"]), 3),
                      "seconds_dask_2_workers": round(float(dask["seconds"]), 3),
                      "speedup_dask_2_workers": round(float(dask["speedup"]), 3),
                      "identical_results": bool(identical), "load_average_before": round(load_before, 2),
                      "target_speedup": 1.6,
                      "meets_target": bool(pool["speedup"] >= 1.6)}))


if __name__ == "__main__":
    main()
