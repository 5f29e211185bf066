"""The example week rostered to a real agent list: do all planned shifts get an agent, are contracted minimums met
(time off counted) or explained, and what do the roster's own figures say?

Runs `schedule()` with its defaults (as `ccplan schedule SCENARIO --agents scenarios/examples/agents.csv --time-off
scenarios/examples/time_off.csv`) on the example scenario: 135 named agents (70 generalist, 45 phone only, 20
digital; contracts 16-40 h; standing unavailable days for part-timers; preferred start times for half of them)
and time off for 4 agents (one on leave Monday-Friday, a training day, a 5-hour appointment, two days of leave).
Then every agent's paid hours are checked against the contracted minimum pro-rated for time off
(optimizer.minimum_checks), and the roster's figures are those certified on the roster as assigned, beside the
kept plan's own certification before assignment (the loop's last certified round).

Usage: .venv/bin/python benchmarks/roster_agents.py [--scenario S] [--agents A] [--time-off T]
Prints a table and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from optimizer import minimum_checks  # noqa: E402
from planning import schedule  # noqa: E402
from scenarios import EXAMPLE_SCENARIO, apply_time_off, load_scenario, read_agents, read_time_off  # noqa: E402

EXAMPLES = ROOT / "scenarios" / "examples"


def _held(kept) -> dict | None:
    """The kept round's certification before assignment (the plan's shifts, one stand-in agent each), held at the
    risk; None when it was not certified on plausible weeks."""
    plausible = kept.certified.plausible if kept is not None and kept.certified is not None else None
    return dict(plausible.at_risk) if plausible is not None else None


def _round_line(summary) -> dict:
    """One round of the loop: paid hours, shifts, the shares in its own sample (on plausible weeks at a risk: the
    mean over its weeks) and, when certified, the shares held at the risk."""
    line = {"round": summary.round, "paid_hours": summary.paid_hours, "shifts": summary.shifts,
            "in_sample": {c: v.intervals_meeting_target for c, v in (summary.channels or {}).items()}}
    plausible = summary.certified.plausible if summary.certified is not None else None
    if plausible is not None:
        line["certified_at_risk"] = dict(plausible.at_risk)
    line["kept"] = summary.kept
    return line


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(EXAMPLE_SCENARIO))
    ap.add_argument("--agents", default=str(EXAMPLES / "agents.csv"))
    ap.add_argument("--time-off", default=str(EXAMPLES / "time_off.csv"))
    args = ap.parse_args()
    sc = load_scenario(args.scenario)
    crew = read_agents(args.agents, sc)
    away = read_time_off(args.time_off, sc, crew)
    t0 = time.perf_counter()
    res = schedule(sc, agents=crew, time_off=away)
    seconds = time.perf_counter() - t0
    cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    checks = minimum_checks(sc, res.roster, apply_time_off(crew, away, sc))
    below = [c for c in checks if not c.met]
    k = res.kpis
    out = {
        "agents": len(crew), "time_off_entries": len(away), "shifts": k.shifts,
        "unassigned_shifts": k.unassigned_shifts,
        "agents_below_minimum": len(below),
        "agents_below_minimum_unexplained": sum(1 for c in below if not c.explained),
        "time_off_hours_counted": round(sum(c.time_off_hours for c in checks), 1),
        "paid_hours": k.paid_hours, "paid_hours_lower_bound": k.paid_hours_lower_bound,
        "intervals_meeting_target": {c: v.intervals_meeting_target for c, v in k.channels.items()},
        "certified_seed": k.certified.seed if k.certified else None,
        "certified_replications": k.certified.replications if k.certified else None,
        "held_at_risk": dict(k.certified.plausible.at_risk) if k.certified and k.certified.plausible else None,
        "rounds": len(res.rounds), "kept_round": next((r.round for r in res.rounds if r.kept), None),
        "kept_plan_held_at_risk": _held(next((r for r in res.rounds if r.kept), None)),
        "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
        "round_summaries": [_round_line(r) for r in res.rounds],
    }
    print(f"{'agents':<46}{out['agents']}")
    print(f"{'shifts rostered':<46}{out['shifts']}")
    print(f"{'planned shifts without an agent':<46}{out['unassigned_shifts']}")
    print(f"{'agents below the pro-rated minimum':<46}{out['agents_below_minimum']} "
          f"({out['agents_below_minimum_unexplained']} not explained)")
    print(f"{'time off counted against minimums (h)':<46}{out['time_off_hours_counted']}")
    print(f"{'paid hours (lower bound of the plan)':<46}{out['paid_hours']:,.1f} "
          f"({out['paid_hours_lower_bound']:,.1f})")
    print(f"{'open intervals meeting targets (certified)':<46}"
          + ", ".join(f"{c} {v:.1%}" for c, v in out["intervals_meeting_target"].items() if v is not None))
    if out["held_at_risk"]:
        print(f"{f'... held on {res.risk:.0%} of plausible weeks':<46}"
              + ", ".join(f"{c} {v:.1%}" for c, v in out["held_at_risk"].items()))
    print(f"{'rounds (kept)':<46}{out['rounds']} ({out['kept_round']})")
    if out["kept_plan_held_at_risk"]:
        print(f"{'... the kept plan before assignment, held':<46}"
              + ", ".join(f"{c} {v:.1%}" for c, v in out["kept_plan_held_at_risk"].items()))
    print(f"{'seconds (CPU seconds, children included)':<46}{out['seconds']} ({out['cpu_seconds']})")
    for line in out["round_summaries"]:
        print(f"  round {line['round']}: " + ", ".join(f"{k} {v}" for k, v in line.items() if k != "round"))
    for c in below:
        print("  " + c.describe())
    for w in res.warnings:
        if "minimum" in w or "planned shift" in w or "interval(s) short" in w:
            print("  note: " + w[:300])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
