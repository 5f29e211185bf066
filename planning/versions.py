"""Schedule versions: a generated or edited roster kept in the workspace (planning.store) under a name, with the
figures a planner compares versions by. The CLI and the app store them the same way."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scenarios import Roster, Scenario
from sim import SimResult
from sim import judge_simulation, meeting_shares

from .store import Workspace


def roster_figures(scenario: Scenario, roster: Roster, sim_result: SimResult | None) -> dict:
    """Paid hours, agents, shifts and, when simulated, per human channel the week's service level, abandonment
    and the share of open intervals meeting every target (sim.targets), all as fractions."""
    out = {"paid_hours": round(roster.paid_hours(), 2), "agents": len(roster.agents), "shifts": len(roster.shifts)}
    if sim_result is not None:
        shares = meeting_shares(scenario, judge_simulation(scenario, sim_result))
        out["channels"] = {c: {"service_level": v.service_level, "abandon_rate": v.abandon_rate,
                               "intervals_meeting_target": shares.get(c)}
                           for c, v in sim_result.summary.channels.items()
                           if c in scenario.human_channels()}
    return out


def generated_name(method: str, seed: int, locked: bool = False) -> str:
    """How a freshly generated roster's version is named: 'generated (ccplan, seed 1)'."""
    return f"generated ({method}, seed {seed})" + (" with locked shifts" if locked else "")


def record_version(name: str, scenario: Scenario, roster: Roster, sim_result: SimResult | None, *,
                   seed: int | None, agents_csv: str | None = None, run_id: int | None = None,
                   workspace: str | Path | None = None) -> int:
    """Store `roster` as a version named `name` with its figures (and the simulated per-interval table when there
    is one, for comparing versions); returns the version id."""
    tables: dict[str, pd.DataFrame] = {}
    if sim_result is not None:
        tables["intervals"] = sim_result.intervals
    with Workspace(workspace) as ws:
        return ws.add_version(name, scenario, roster, roster_figures(scenario, roster, sim_result),
                              agents=agents_csv, seed=seed, run_id=run_id, tables=tables or None)
