"""Shared by the bad-input corpus and the Hypothesis suite: a small valid scenario and an in-process CLI call that
behaves like `ccplan` (InputError -> exit 2 with its message; anything else escaping is a traceback)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml
from typer.testing import CliRunner

from app.cli import cli
from scenarios import InputError

SMALL = {
    "name": "small center",
    "start": "2026-01-05",
    "days": 1,
    "interval_minutes": 60,
    "open": "08:00-12:00",
    "channels": {
        "phone": {"kind": "voice", "aht_seconds": 180, "patience_seconds": 120,
                  "target": {"answer_within_seconds": 20, "service_level": 0.8, "max_abandon_rate": 0.1}},
        "chat": {"kind": "chat", "aht_seconds": 300, "concurrency": 2, "patience_seconds": 200,
                 "target": {"answer_within_seconds": 60, "service_level": 0.8}},
        "email": {"kind": "deferred", "aht_seconds": 240, "target": {"respond_within_hours": 8, "service_level": 0.9}},
        "bot": {"kind": "ai", "handle_seconds": 60, "containment": 0.5, "escalate_to": "chat"},
    },
    "demand": {"rates": {"phone": 10, "chat": 4, "email": 2, "bot": 4}},
    "skill_groups": {"all": {"skills": ["phone", "chat", "email"], "headcount": 6, "constant_agents": 3,
                             "hourly_cost": 1.0, "min_hours_per_week": 0, "max_hours_per_week": 40}},
    "shift_rules": {"lengths_hours": [4], "earliest_start": "08:00", "latest_end": "12:00", "start_every_minutes": 60,
                    "lunch_after_hours": 6, "lunch_minutes": 30, "lunch_window_hours": [2, 3], "breaks_minutes": 0,
                    "break_every_hours": 4},
    "simulation": {"replications": 2, "seed": 1},
}


def small() -> dict:
    """A fresh copy of the small valid scenario (a 4-hour day: every command on it takes a second or two)."""
    return copy.deepcopy(SMALL)


def write_yaml(data, path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Outcome:
    code: int
    output: str        # stdout, then the error message the way `ccplan` prints it
    exception: BaseException | None


def ccplan(*args: str) -> Outcome:
    """Run a `ccplan` command in this process, as app.cli.main does: InputError -> exit 2 with its message.
    Any other exception is returned in `exception` (a traceback for a user)."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)
    exc = result.exception
    if isinstance(exc, InputError):
        return Outcome(2, result.output + f"error: {exc}", None)
    if isinstance(exc, SystemExit) or exc is None:
        return Outcome(result.exit_code, result.output, None)
    return Outcome(1, result.output, exc)


def assert_user_error(outcome: Outcome, *fragments: str) -> str:
    """Exit 2, no traceback, and every fragment in the message; returns the message."""
    assert outcome.exception is None, f"traceback: {outcome.exception!r}\n{outcome.output}"
    assert outcome.code == 2, outcome.output
    for fragment in fragments:
        assert fragment in outcome.output, f"{fragment!r} not in:\n{outcome.output}"
    return outcome.output
