"""Rostering at scale: a week of 30-minute intervals, 3 skill groups, 300 named agents (`--case synthetic`, the
default); the whole `ccplan schedule` of the 1,000-agent example (`--case example-1000`: the example with
`demand.scale: 7.4` and headcounts 518 / 333 / 148) and of the example's 4-week horizon (`--case example-4weeks`:
scenarios/examples/insurance_4weeks.yaml), each timed by stage (where the time goes) with the roster's gap to its
lower bound.

Times shift selection (CP-SAT, lunch and breaks in the model) plus the roster (CP-SAT, named agents, all rules)
on 2 cores, and compares the roster's paid hours with the shift-level lower bound (LP relaxation of the week's
shift model: no plan covering every interval can pay fewer hours). Peer: the traditional two-step (Erlang C,
shift covering, breaks afterwards) on the same week, timed the same way.

Usage: .venv/bin/python benchmarks/schedule_scale.py [--effort UNITS] [--case synthetic|example-1000|example-4weeks]
       [--no-verify]
Prints a table and ends with one JSON line. The example cases also print CPU seconds (the process and its
simulation workers, in total and per stage) and the load average, and log each stage to stderr as it starts.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import re
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optimizer import (Budget, baseline_requirement, build_roster, generate_agents, group_limits,  # noqa: E402
                       paid_hours_lower_bound, requirements, select_shifts, two_step_shifts)
from planning import schedule  # noqa: E402
from planning.demand import scenario_demand  # noqa: E402
from scenarios import EXAMPLES_DIR, EXAMPLE_SCENARIO, load_scenario, scenario_from_dict  # noqa: E402
from scenarios.overrides import Override, apply_overrides  # noqa: E402

THOUSAND = {"demand.scale": 7.4, "skill_groups.generalist.headcount": 518, "skill_groups.phone_only.headcount": 333,
            "skill_groups.digital.headcount": 148}


def profile(per_day: list[float], peak: float) -> list[float]:
    """Contacts per 30-minute interval for the week: a two-hump intraday curve scaled by each day's level."""
    hours = np.arange(48) / 2
    shape = np.exp(-((hours - 10.5) / 2.5) ** 2) + 0.8 * np.exp(-((hours - 16) / 3) ** 2)
    shape = np.where((hours >= 7) & (hours < 22), shape + 0.15, 0.0)
    shape = shape / shape.max()
    return [float(round(peak * level * v, 2)) for level in per_day for v in shape]


def scale_scenario():
    week = [1.0, 0.95, 0.9, 0.9, 0.85, 0.45, 0.3]
    return scenario_from_dict({
        "name": "scale benchmark: 300 agents, 3 groups",
        "start": "2026-01-05",
        "days": 7,
        "interval_minutes": 30,
        "open": "07:00-22:00",
        "shrinkage": 0.3,
        "channels": {
            "phone": {"kind": "voice", "aht_seconds": 300, "patience_seconds": 180,
                      "target": {"answer_within_seconds": 60, "service_level": 0.8, "max_abandon_rate": 0.05}},
            "chat": {"kind": "chat", "aht_seconds": 480, "concurrency": 2, "patience_seconds": 240,
                     "target": {"answer_within_seconds": 60, "service_level": 0.8}},
            "email": {"kind": "deferred", "aht_seconds": 420, "target": {"respond_within_hours": 24,
                                                                           "service_level": 0.95}},
        },
        "demand": {"rates": {"phone": profile(week, 330), "chat": profile(week, 90), "email": profile(week, 60)}},
        "skill_groups": {
            "phone_only": {"skills": ["phone"], "headcount": 130, "min_hours_per_week": 0, "max_hours_per_week": 40},
            "generalist": {"skills": ["phone", "chat", "email"], "headcount": 110, "min_hours_per_week": 0,
                           "max_hours_per_week": 40},
            "digital": {"skills": ["chat", "email"], "headcount": 60, "min_hours_per_week": 0,
                        "max_hours_per_week": 40},
        },
        "shift_rules": {"lengths_hours": [4, 6, 8], "start_every_minutes": 30, "earliest_start": "07:00",
                        "latest_end": "22:00", "lunch_after_hours": 6, "lunch_minutes": 30,
                        "lunch_window_hours": [3, 5], "breaks_minutes": 15, "break_every_hours": 4,
                        "max_shifts_per_week": 5, "min_rest_hours": 11, "max_consecutive_days": 5},
    })


def run(method: str, sc, effort: float) -> dict:
    agents = generate_agents(sc)
    limits = group_limits(sc, agents)
    t0 = time.perf_counter()
    demand = scenario_demand(sc)
    if method == "ccplan":
        req = requirements(sc, demand, method="erlang-a")
        t_req = time.perf_counter()
        plan = select_shifts(sc, req, limits, budget=Budget(effort))
    else:
        req = baseline_requirement(sc, demand)
        t_req = time.perf_counter()
        plan = two_step_shifts(sc, req, limits, budget=Budget(effort))
    t_shift = time.perf_counter()
    out = build_roster(sc, plan.shifts, agents, budget=Budget(effort))
    t_end = time.perf_counter()
    bound = paid_hours_lower_bound(sc, req, limits) if method == "ccplan" else None
    paid = out.roster.paid_hours()
    return {"method": method, "agents": len(agents), "rostered": len(out.roster.agents),
            "shifts": len(out.roster.shifts), "unassigned": len(out.unassigned),
            "short_minutes": int(sum(plan.short_minutes.values())),
            "paid_hours": round(paid, 1), "lower_bound_hours": None if bound is None else round(bound, 1),
            "gap_to_bound": None if bound is None else round(paid / bound - 1, 4),
            "seconds_requirements": round(t_req - t0, 2), "seconds_shifts": round(t_shift - t_req, 2),
            "seconds_roster": round(t_end - t_shift, 2), "seconds_total": round(t_end - t0, 2)}


class StageClock:
    """A schedule progress callback that adds the seconds between two messages to the stage the first one names
    ("round 3: simulating 40 replications" -> "simulating"; numbers and the round dropped), in wall-clock time and
    in CPU time (this process and its live child processes, the simulation pool's: what a quiet machine would
    take); each new message is logged to stderr with both, so a run stopped early still says where time went."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.stage, self.since, self.cpu_since = "start", time.perf_counter(), cpu_now()
        self.t0, self.cpu0 = self.since, self.cpu_since

    def __call__(self, fraction: float, message: str = "") -> None:
        now, cpu = time.perf_counter(), cpu_now()
        self.seconds[self.stage] += now - self.since
        self.cpu[self.stage] += cpu - self.cpu_since
        self.since, self.cpu_since = now, cpu
        if message:
            stage = re.sub(r"^round \d+: ", "", message)
            stage = " ".join(re.sub(r"\(.*\)|[\d,.]+", "", stage).split(":")[0].split()) or self.stage
            if stage != self.stage:
                print(f"[{now - self.t0:7.1f} s wall, {cpu - self.cpu0:7.1f} s cpu] {message}", file=sys.stderr,
                      flush=True)
            self.stage = stage

    def table(self) -> dict[str, float]:
        return {k: round(v, 1) for k, v in sorted(self.seconds.items(), key=lambda kv: -kv[1]) if v >= 0.05}

    def cpu_table(self) -> dict[str, float]:
        return {k: round(v, 1) for k, v in sorted(self.cpu.items(), key=lambda kv: -kv[1]) if v >= 0.05}


def cpu_now() -> float:
    """CPU seconds (user + system) of this process and its live child processes (Linux /proc; the process alone
    elsewhere)."""
    total = time.process_time()
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for child in multiprocessing.active_children():
        try:
            fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def example_case(case: str, effort: float, verify: bool) -> dict:
    """The whole `ccplan schedule` (forecast, loop, certification, roster) of an example case, timed by stage."""
    if case == "example-1000":
        sc = apply_overrides(load_scenario(EXAMPLE_SCENARIO),
                             [Override(path, value, str(value)) for path, value in THOUSAND.items()])
    else:
        sc = load_scenario(EXAMPLES_DIR / "insurance_4weeks.yaml")
    # each simulation's replications and precision (planning.precision) to stderr beside the stages
    logging.basicConfig(stream=sys.stderr, format="    %(message)s")
    logging.getLogger("planning.precision").setLevel(logging.INFO)
    clock = StageClock()
    t0 = time.perf_counter()
    load0 = os.getloadavg()[0]
    res = schedule(sc, effort=effort, verify=verify, progress=clock, max_agents=50_000)
    clock(1.0)
    k = res.kpis
    cert = k.certified
    return {"case": case, "days": sc.days, "agents": len(res.roster.agents), "shifts": k.shifts,
            "unassigned": k.unassigned_shifts, "paid_hours": k.paid_hours, "lower_bound_hours": k.paid_hours_lower_bound,
            "gap_to_bound": round(k.paid_hours / k.paid_hours_lower_bound - 1, 4) if k.paid_hours_lower_bound else None,
            "rounds": len(res.rounds), "certified": None if cert is None else cert.meets_targets,
            "replications": None if k.in_sample is None else k.in_sample.replications,
            "certify_replications": None if cert is None else cert.replications,
            "intervals_meeting_target": {c: v.intervals_meeting_target for c, v in k.channels.items()},
            "wall_limited": [w for w in res.warnings if "stopped" in w and "wall-clock" in w],
            "seconds_total": round(time.perf_counter() - t0, 1), "cpu_seconds": cpu_seconds(),
            "load_average": [round(load0, 1), round(os.getloadavg()[0], 1)], "seconds_by_stage": clock.table(),
            "cpu_seconds_by_stage": clock.cpu_table()}


def cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) of this process and of its finished child processes (the simulation pool's,
    counted once the pool has closed): on a loaded machine, what the run would take on a quiet one."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"process": round(own.ru_utime + own.ru_stime, 1),
            "children": round(children.ru_utime + children.ru_stime, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--effort", type=float, default=20.0, help="CP-SAT deterministic time for shifts and again for the roster")
    parser.add_argument("--case", default="synthetic", choices=["synthetic", "example-1000", "example-4weeks"])
    parser.add_argument("--no-verify", action="store_true", help="example cases: no simulation (shifts and roster only)")
    args = parser.parse_args()
    if args.case != "synthetic":
        row = example_case(args.case, args.effort, not args.no_verify)
        for key, value in row.items():
            print(f"{key}: {value}")
        print(json.dumps({"benchmark": "schedule_scale", "effort": args.effort, "verify": not args.no_verify,
                          "results": [row]}))
        return
    sc = scale_scenario()
    rows = [run("ccplan", sc, args.effort), run("erlang-c-two-step", sc, args.effort)]
    cols = ["method", "agents", "rostered", "shifts", "unassigned", "short_minutes", "paid_hours",
            "lower_bound_hours", "gap_to_bound", "seconds_shifts", "seconds_roster", "seconds_total"]
    print(" | ".join(cols))
    for r in rows:
        print(" | ".join(str(r[c]) for c in cols))
    print(json.dumps({"benchmark": "schedule_scale", "effort": args.effort, "results": rows}))


if __name__ == "__main__":
    main()
