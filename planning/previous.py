"""The roster before the horizon (rolling weeks): a roster CSV given by the planner, or by default the last
published version in the workspace when it ends where the new horizon starts. The schedule then keeps rest,
days in a row and the rule catalogue's look-back across the boundary (optimizer.carry_over)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scenarios import InputError, Problem, Roster, Scenario, read_roster
from scenarios.tables import read_table

from .store import Workspace, workspace_path


@dataclass
class Previous:
    """The roster before the horizon and where it came from ("file X", "published version N (name)")."""

    roster: Roster
    source: str

    @property
    def last_day(self) -> dt.date:
        return self.roster.week_start + dt.timedelta(days=int(max(s.start_s for s in self.roster.shifts) // 86400))


def read_previous(source: str | Path | pd.DataFrame, scenario: Scenario) -> Roster:
    """Read a roster CSV of the days before `scenario`'s horizon (checked as any roster, on its own dates);
    InputError names the file and row of a shift starting on or after the horizon's first day."""
    name = "previous roster" if isinstance(source, pd.DataFrame) else str(source)
    frame = read_table(source, ("agent", "skill_group", "date", "start", "end"), title="invalid previous roster",
                       text=True, name=name)
    dates = pd.to_datetime(frame["date"].str.strip(), errors="coerce", format="%Y-%m-%d")
    late = [i for i, d in enumerate(dates) if not pd.isna(d) and d.date() >= scenario.start]
    if late:
        raise InputError([Problem(f"{name}:row {i + 2}", f"the shift on {frame['date'].iloc[i]} is not before the "
                                                         f"horizon, which starts on {scenario.start}")
                          for i in late[:20]], "invalid previous roster")
    first = dates.min()
    first = scenario.start - dt.timedelta(days=7) if pd.isna(first) else first.date()
    # the roster's own dates as its week (no validation of `days`: a previous roster may be any length)
    own = scenario.model_copy(update={"start": first, "days": (scenario.start - first).days})
    return read_roster(frame, own)


def published_previous(scenario: Scenario, workspace: str | Path | None = None) -> Previous | None:
    """The last published version (any scenario) whose roster ends on the day before `scenario`'s horizon, or
    None (also when there is no workspace file: none is created)."""
    if not workspace_path(workspace).exists():
        return None
    with Workspace(workspace) as ws:
        published = sorted((v for v in ws.versions() if v.published_at), key=lambda v: v.published_at, reverse=True)
    for v in published:
        frame = v.roster_frame()
        if not len(frame):
            continue
        dates = pd.to_datetime(frame["date"], errors="coerce", format="%Y-%m-%d")
        if not pd.isna(dates.max()) and dates.max().date() == scenario.start - dt.timedelta(days=1):
            return Previous(read_previous(frame, scenario), f"published version {v.id} ({v.name})")
    return None
