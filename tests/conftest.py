"""Shared fixtures: the example scenario, small synthetic scenarios, and a CLI runner."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scenarios import EXAMPLE_SCENARIO, load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _workspace_in_tmp(tmp_path, monkeypatch):
    """Runs the tests store (simulate, schedule, what-if) go to a workspace of their own, never the user's."""
    monkeypatch.setenv("CCPLAN_WORKSPACE", str(tmp_path / "workspace.sqlite"))


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE_SCENARIO


@pytest.fixture(scope="session")
def example_dict() -> dict:
    return yaml.safe_load(EXAMPLE_SCENARIO.read_text())


@pytest.fixture
def example_data(example_dict) -> dict:
    """A fresh, mutable copy of the example's YAML data."""
    return copy.deepcopy(example_dict)


@pytest.fixture(scope="session")
def example():
    return load_scenario(EXAMPLE_SCENARIO)


def one_voice_scenario(calls_per_interval: float, aht_seconds: float, agents: int, patience_seconds: float | None,
                       interval_minutes: int = 30, days: int = 1, threshold_seconds: float = 20,
                       service: str = "exponential") -> object:
    """One voice channel open 24 h with a constant rate and a constant number of agents (queueing-theory checks)."""
    data = {
        "name": "one voice queue",
        "start": "2026-01-05",
        "days": days,
        "interval_minutes": interval_minutes,
        "channels": {"phone": {"kind": "voice", "aht_seconds": aht_seconds, "service": service,
                               "patience_seconds": patience_seconds,
                               "target": {"answer_within_seconds": threshold_seconds, "service_level": 0.8}}},
        "demand": {"rates": {"phone": calls_per_interval}},
        "skill_groups": {"agents": {"skills": ["phone"], "headcount": agents, "constant_agents": agents}},
    }
    if patience_seconds is None:
        del data["channels"]["phone"]["patience_seconds"]
    return scenario_from_dict(data)


def run_cli(*args: str, cwd: Path | None = None, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run the installed `ccplan` entry point in a subprocess, as a user would."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=timeout)
