"""`ccplan intraday` bad input: each mistake in the actuals or options is named and exits 2 without a traceback."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import run_cli


def _actuals(tmp_path, rows) -> str:
    path = tmp_path / "today.csv"
    pd.DataFrame(rows, columns=["ds", "channel", "contacts"]).to_csv(path, index=False)
    return str(path)


def _morning(until="11:00", channel="phone", day="2026-01-06"):
    return [(str(t)[:16], channel, 40) for t in pd.date_range(f"{day} 07:00", f"{day} {until}", freq="30min",
                                                              inclusive="left")]


CASES = {
    "after now": (_morning("12:00"), ["--now", "11:00"], "has not ended at --now 11:00"),
    "another date": (_morning() + [("2026-01-07 07:00", "phone", 3)], ["--now", "11:00", "--date", "2026-01-06"],
                     "is not on 2026-01-06"),
    "unknown channel": (_morning() + [("2026-01-06 07:00", "fax", 3)], ["--now", "11:00"], "unknown channel 'fax'"),
    "gap": ([r for r in _morning() if not r[0].endswith("09:00")], ["--now", "11:00"], "gap: no row for 09:00"),
    "outside the week": (_morning(day="2026-02-03"), ["--now", "11:00"], "not in the scenario's week"),
    "bad now": (_morning(), ["--now", "25:00"], "is not a time of day"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_named_and_exits_2(case, example_path, tmp_path):
    rows, options, message = CASES[case]
    roster = tmp_path / "roster.csv"
    roster.write_text("agent,skill_group,date,start,end,lunch_start,lunch_end,breaks\n")
    done = run_cli("intraday", str(example_path), "--roster", str(roster), "--actuals", _actuals(tmp_path, rows),
                   *options)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_intraday_on_a_small_center_writes_actions_json_and_roster(tmp_path):
    import json

    from scenarios import Roster, save_scenario
    from intraday_helpers import day_shift as _shift
    from intraday_helpers import intraday_scenario as _scenario

    sc = _scenario()
    path = tmp_path / "center.yaml"
    save_scenario(sc, path)
    roster = Roster(sc.start, [_shift(f"team-{i:03d}", 1, 8 + 4 * (i % 2), 8, lunch_h=12 + 4 * (i % 2))
                               for i in range(1, 7)])
    roster_csv = tmp_path / "roster.csv"
    roster.to_frame().to_csv(roster_csv, index=False)
    rows = [(str(t)[:16], "phone", 90) for t in pd.date_range("2026-01-06 08:00", "2026-01-06 11:00", freq="30min",
                                                              inclusive="left")]
    out_json, out_csv, out_roster = tmp_path / "plan.json", tmp_path / "actions.csv", tmp_path / "roster2.csv"
    done = run_cli("intraday", str(path), "--roster", str(roster_csv), "--actuals", _actuals(tmp_path, rows),
                   "--now", "11:00", "-r", "6", "-w", "1", "--json", str(out_json), "--out", str(out_csv),
                   "--roster-out", str(out_roster))
    assert done.returncode == 0, done.stderr
    payload = json.loads(out_json.read_text())
    actions = pd.read_csv(out_csv)
    assert payload["hours_added"] > 0 and len(actions) == len(payload["actions"])
    assert actions["hours"].sum() == pytest.approx(payload["hours_added"] - payload["hours_released"], abs=0.05)
    # 1.5x the forecast so far: the reforecast factor says so, and the re-planned roster pays the added hours.
    assert payload["reforecast"][0]["factor"] > 1.3
    paid = pd.read_csv(out_roster)["paid_hours"].sum() - roster.paid_hours()
    assert paid == pytest.approx(payload["hours_added"] - payload["hours_released"], abs=0.05)
