"""Simulation speed: ccplan's full model vs Ciw and a plain SimPy model on one M/M/n+M workload, plus the example week.

Workload: one phone queue, Poisson arrivals at 600 calls per 30 minutes for 7 days (about 201,600 calls),
exponential handle times (mean 180 s), 63 agents, exponential patience (mean 120 s). Each engine simulates it
once in this process; throughput = simulated calls / wall-clock seconds (best of --repeat runs).
- ccplan: `sim.simulate` end to end (demand table, spec, customer draws, event loop, per-interval results and
  summary).
- Ciw: the same queue as a one-node network with reneging.
- plain SimPy: the textbook model, one process per caller, a Resource, `yield request | timeout(patience)`.
Then the example week (scenarios/examples/insurance_week.yaml, all channels, demand from its forecast, a plan
sized by hand from offered load) with 20 replications on 2 worker processes.

`--thousand` measures instead one replication of the 1,000-agent example (demand.scale 7.4, headcounts 518 /
333 / 148) on its round-1 plan (the Erlang A requirement at risk 0.9, shift selection at effort 20, one stand-in
agent per shift, as the schedule loop simulates it): CPU seconds per replication for drawing the customers, the
event loop, and a whole replication with its interval records, in this process (best of --repeat).

Usage: .venv/bin/python benchmarks/sim_throughput.py [--repeat 3] [--skip-ciw] [--thousand]
Prints a table and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import simpy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenarios import EXAMPLE_SCENARIO, load_scenario, scenario_from_dict  # noqa: E402

CALLS_PER_INTERVAL, AHT, AGENTS, PATIENCE, DAYS = 600, 180.0, 63, 120.0, 7
HORIZON = DAYS * 86400.0
RATE = CALLS_PER_INTERVAL / 1800.0


def workload_scenario():
    return scenario_from_dict({
        "name": "M/M/n+M benchmark", "start": "2026-01-05", "days": DAYS, "interval_minutes": 30,
        "channels": {"phone": {"kind": "voice", "aht_seconds": AHT, "patience_seconds": PATIENCE,
                               "target": {"answer_within_seconds": 20, "service_level": 0.8}}},
        "demand": {"rates": {"phone": CALLS_PER_INTERVAL}},
        "skill_groups": {"agents": {"skills": ["phone"], "headcount": AGENTS, "constant_agents": AGENTS}},
    })


def run_ccplan(seed: int) -> tuple[int, dict]:
    from planning.demand import scenario_demand
    from sim import simulate
    sc = workload_scenario()
    res = simulate(sc, demand=scenario_demand(sc), replications=1, seed=seed)
    phone = res.summary.channels["phone"]
    return int(phone.offered), {"service_level": phone.service_level, "abandon_rate": phone.abandon_rate}


def run_simpy(seed: int) -> tuple[int, dict]:
    """The plain SimPy M/M/n+M model: a process per caller."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    stats = {"offered": 0, "answered": 0, "abandoned": 0, "within": 0}

    def caller(env):
        arrived = env.now
        stats["offered"] += 1
        with agents.request() as req:
            result = yield req | env.timeout(rng.exponential(PATIENCE))
            if req in result:
                stats["answered"] += 1
                stats["within"] += env.now - arrived <= 20
                yield env.timeout(rng.exponential(AHT))
            else:
                stats["abandoned"] += 1

    def source(env):
        while True:
            yield env.timeout(rng.exponential(1 / RATE))
            env.process(caller(env))

    env.process(source(env))
    env.run(until=HORIZON)
    n = stats["offered"]
    return n, {"service_level": stats["within"] / n, "abandon_rate": stats["abandoned"] / n}


def run_ciw(seed: int) -> tuple[int, dict]:
    import ciw
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / PATIENCE)],
    )
    q = ciw.Simulation(network)
    q.simulate_until_max_time(HORIZON)
    records = q.get_all_records()
    served = [r for r in records if r.record_type == "service"]
    reneged = [r for r in records if r.record_type == "renege"]
    waiting = len(q.nodes[1].all_individuals)
    n = len(served) + len(reneged) + waiting
    within = sum(r.waiting_time <= 20 for r in served)
    return n, {"service_level": within / n, "abandon_rate": len(reneged) / n}


def timed(fn, repeat: int, seed: int = 1):
    best, out = float("inf"), None
    for k in range(repeat):
        t0 = time.perf_counter()
        out = fn(seed + k)
        best = min(best, time.perf_counter() - t0)
    return best, out


def example_week(replications: int = 20, workers: int = 2) -> dict:
    from planning import simulate
    from planning.demand import scenario_demand
    from sim import offered_load_staffing
    sc = load_scenario(EXAMPLE_SCENARIO)
    t0 = time.perf_counter()
    demand = scenario_demand(sc)
    t_demand = time.perf_counter() - t0
    plan = offered_load_staffing(sc, demand)
    t0 = time.perf_counter()
    res = simulate(sc, plan, demand=demand, replications=replications, seed=1, workers=workers)
    t_sim = time.perf_counter() - t0
    contacts = sum(ch.offered for ch in res.summary.channels.values()) * replications
    return {"replications": replications, "workers": workers, "demand_seconds": round(t_demand, 2),
            "simulate_seconds": round(t_sim, 2), "contacts_simulated": int(contacts),
            "contacts_per_second": round(contacts / t_sim),
            "phone_service_level": res.summary.channels["phone"].service_level}


def thousand_week(repeat: int) -> dict:
    """CPU seconds of one replication of the 1,000-agent example on its round-1 plan, by part."""
    from optimizer import Budget, generate_agents, group_limits, plan_roster, requirements, select_shifts
    from planning.demand import week_demand
    from planning.plausible import hedged_demand
    from scenarios.overrides import Override, apply_overrides
    from sim import Engine, Fresh, build_spec
    from schedule_scale import THOUSAND        # the same 1,000-agent example (benchmarks/ is on the path)
    sc = apply_overrides(load_scenario(EXAMPLE_SCENARIO), [Override(k, v, str(v)) for k, v in THOUSAND.items()])
    week = week_demand(sc)
    demand = hedged_demand(week.table, week.uncertainty, 0.9)
    plan = select_shifts(sc, requirements(sc, demand, method="erlang-a"), group_limits(sc, generate_agents(sc)),
                         budget=Budget(20.0, None, 2))
    spec = build_spec(sc, plan_roster(sc, plan), demand)
    best = None
    for k in range(repeat):
        seed = np.random.SeedSequence(1).spawn(k + 1)[k]
        t0 = time.process_time()
        engine = Engine(spec, seed)
        t1 = time.process_time()
        engine.run()
        t2 = time.process_time()
        records = Fresh(spec, seed).run()          # the whole replication again, interval records included
        t3 = time.process_time()
        parts = {"customers": t1 - t0, "event_loop": t2 - t1, "whole_replication": t3 - t2}
        if best is None or parts["whole_replication"] < best["whole_replication"]:
            best = parts
    contacts = int(sum(ch["offered"].sum() for ch in records["channels"]))
    total = best["whole_replication"]
    return {"shifts": len(plan.shifts), "contacts": contacts, "cpu_seconds": round(total, 3),
            "cpu_seconds_by_part": {k: round(v, 3) for k, v in best.items()},
            "contacts_per_cpu_second": round(contacts / total)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-ciw", action="store_true")
    parser.add_argument("--thousand", action="store_true", help="one replication of the 1,000-agent example, by part")
    args = parser.parse_args()
    if args.thousand:
        row = thousand_week(args.repeat)
        print(f"1,000-agent example, one replication on its round-1 plan ({row['shifts']} shifts, "
              f"{row['contacts']:,} contacts): {row['cpu_seconds']:.2f} CPU s "
              f"({', '.join(f'{k} {v:.2f}' for k, v in row['cpu_seconds_by_part'].items())}), "
              f"{row['contacts_per_cpu_second']:,} contacts per CPU second")
        print(json.dumps({"benchmark": "sim_throughput", "thousand": row}))
        return

    rows = {}
    engines = [("ccplan sim (full model)", run_ccplan), ("plain SimPy M/M/n+M", run_simpy)]
    if not args.skip_ciw:
        engines.append(("Ciw", run_ciw))
    for name, fn in engines:
        repeat = 1 if name == "Ciw" else args.repeat
        seconds, (n, figures) = timed(fn, repeat)
        rows[name] = {"contacts": n, "seconds": round(seconds, 3), "contacts_per_second": round(n / seconds),
                      "service_level": round(figures["service_level"], 4),
                      "abandon_rate": round(figures["abandon_rate"], 4)}
    week = example_week()

    print(f"M/M/n+M workload: {CALLS_PER_INTERVAL} calls/30 min x {DAYS} days, AHT {AHT:g} s, {AGENTS} agents, "
          f"patience {PATIENCE:g} s   ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)")
    print(f"{'engine':<26}{'contacts':>10}{'seconds':>10}{'contacts/s':>12}{'SL@20s':>9}{'abandon':>9}")
    for name, r in rows.items():
        print(f"{name:<26}{r['contacts']:>10,}{r['seconds']:>10.2f}{r['contacts_per_second']:>12,}"
              f"{r['service_level']:>9.4f}{r['abandon_rate']:>9.4f}")
    ours = rows["ccplan sim (full model)"]["contacts_per_second"]
    ratios = {"vs_plain_simpy": round(ours / rows["plain SimPy M/M/n+M"]["contacts_per_second"], 2)}
    if "Ciw" in rows:
        ratios["vs_ciw"] = round(ours / rows["Ciw"]["contacts_per_second"], 2)
    print("ccplan throughput ratios: " + ", ".join(f"{k} {v}x" for k, v in ratios.items())
          + "   (targets: >= 0.6x plain SimPy, >= 10x Ciw)")
    print(f"example week, all channels, {week['replications']} replications on {week['workers']} workers: "
          f"{week['simulate_seconds']:.1f} s simulate (+ {week['demand_seconds']:.2f} s demand), "
          f"{week['contacts_simulated']:,} contacts, {week['contacts_per_second']:,}/s   (target < 60 s)")
    print(json.dumps({"benchmark": "sim_throughput", "workload": {"calls_per_30min": CALLS_PER_INTERVAL, "days": DAYS,
                      "aht_seconds": AHT, "agents": AGENTS, "patience_seconds": PATIENCE},
                      "engines": rows, "ratios": ratios, "example_week": week}))


if __name__ == "__main__":
    main()
