"""`ccplan schedule` on the activities example: every activity placed, written in the roster CSV and the JSON and
counted in the summary; an activity that cannot fit exits 2 naming the activity and the agents, before any
solve."""

from __future__ import annotations

import json

import pandas as pd
import yaml

from conftest import run_cli
from scenarios import EXAMPLES_DIR

EXAMPLE = EXAMPLES_DIR / "small_center_activities.yaml"
FAST = ("--no-verify", "--effort", "2", "--risk", "0", "--no-store")


def test_the_activities_example_places_every_activity(tmp_path):
    roster, plan = tmp_path / "roster.csv", tmp_path / "plan.json"
    out = run_cli("schedule", str(EXAMPLE), "--out", str(roster), "--json", str(plan), *FAST)
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(roster, dtype=str, keep_default_na=False)
    payload = json.loads(plan.read_text())
    generalists = set(frame.loc[frame["skill_group"] == "generalist", "agent"])
    phone = set(frame.loc[frame["skill_group"] == "phone_only", "agent"])
    # one team meeting a week for every generalist who works, a coaching for every phone agent who works, the
    # training for the two named generalists (each works in the example's week)
    expected = len(generalists) + len(phone) + 2
    cells = [c for cell in frame["activities"] if cell for c in cell.split(";")]
    assert len(cells) == expected == payload["activities"]["placed"]
    assert payload["activities"]["not_placed"] == []
    assert f"activities: {expected} placed" in out.stdout
    meetings = pd.Series([(row.date, c.rsplit(" ", 1)[1]) for row in frame.itertuples()
                          for c in row.activities.split(";") if c.startswith("team meeting")])
    assert meetings.value_counts().max() <= 12            # seats per session


def test_an_activity_longer_than_any_shift_exits_2_naming_it(tmp_path):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["activities"] = [{"name": "offsite day", "minutes": 540, "agents": ["phone_only-001"]}]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    out = run_cli("schedule", str(bad), "--out", str(tmp_path / "r.csv"), *FAST)
    assert out.returncode == 2
    assert "activities[0]" in out.stderr + out.stdout and "'offsite day'" in out.stderr + out.stdout
    assert "phone_only-001" in out.stderr + out.stdout
    assert not (tmp_path / "r.csv").exists()
