"""Activities inside shifts on the example week: how many are placed, how the team meetings gather, what they take
from the queues, and where the time goes.

Runs `schedule()` on the example scenario with three activities added (a weekly 60-minute team meeting for the
generalists, sessions of at most 20, Tuesday to Thursday 09:00-17:00; a 30-minute coaching a week for every phone
only and digital agent; a 2-hour training for two named generalists), without verification and with the forecast
taken as exact (the placement does not depend on the loop), and the same without activities for comparison.

Usage: .venv/bin/python benchmarks/activities_example.py [--scenario S]
Prints a table and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pydantic import TypeAdapter  # noqa: E402

from planning import schedule  # noqa: E402
from scenarios import EXAMPLE_SCENARIO, ActivitySpec, load_scenario  # noqa: E402

ACTIVITIES = [
    {"name": "team meeting", "minutes": 60, "skill_groups": ["generalist"], "per_week": 1, "seats": 20,
     "days": ["tue", "wed", "thu"], "window": "09:00-17:00"},
    {"name": "coaching", "minutes": 30, "skill_groups": ["phone_only", "digital"], "per_week": 1},
    {"name": "training", "minutes": 120, "agents": ["generalist-001", "generalist-002"], "per_week": 1},
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(EXAMPLE_SCENARIO))
    args = ap.parse_args()
    base = load_scenario(args.scenario)
    with_acts = base.model_copy(update={"activities": TypeAdapter(list[ActivitySpec]).validate_python(ACTIVITIES)})
    out = {}
    for name, sc in (("without", base), ("with", with_acts)):
        t0 = time.perf_counter()
        res = schedule(sc, verify=False, risk=None)
        row = {"seconds": round(time.perf_counter() - t0, 1), "paid_hours": res.kpis.paid_hours,
               "intervals_short": len(res.shortfalls)}
        if res.activities is not None:
            p = res.activities
            minutes = sum(a.end_s - a.start_s for s in res.roster.shifts for a in s.activities) / 60
            sessions = collections.Counter((x.date, x.start) for x in p.placed if x.activity == "team meeting")
            row |= {"placed": len(p.placed), "not_placed": len(p.unplaced),
                    "reasons": dict(collections.Counter(u.why for u in p.unplaced)),
                    "meeting_sessions": sorted(sessions.values(), reverse=True),
                    "activity_hours": round(minutes / 60, 1)}
        out[name] = row
    print(f"{'':<28}{'without':>12}{'with activities':>18}")
    for key in ("paid_hours", "intervals_short", "seconds"):
        print(f"{key:<28}{out['without'][key]:>12}{out['with'][key]:>18}")
    w = out["with"]
    print(f"activities placed {w['placed']}, not placed {w['not_placed']} {w['reasons']}; "
          f"{w['activity_hours']} h; team meeting sessions {w['meeting_sessions']}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
