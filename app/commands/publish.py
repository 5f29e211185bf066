"""`ccplan publish`: the week as agents read it: an Excel workbook (agent x day grid, shift list, coverage and
figures) and, optionally, one iCalendar file per agent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import typer

from scenarios import InputError, Problem, load_scenario


def register(cli: typer.Typer) -> None:
    cli.command("publish")(publish_cmd)


def publish_cmd(
    roster: Path = typer.Argument(..., metavar="ROSTER.csv", help="Roster CSV (agent, skill_group, date, start, end, "
                                                                  "lunch_start, lunch_end, breaks)."),
    xlsx: Path = typer.Option(..., "--xlsx", help="Excel workbook to write (grid, shifts, coverage, figures)."),
    ics: Path | None = typer.Option(None, "--ics", help="Folder for one iCalendar file per agent (AGENT.ics)."),
    scenario: Path | None = typer.Option(None, "--scenario",
                                         help="Scenario YAML: checks the roster against it, adds coverage against "
                                              "the requirement, the week's dates and the time zone of the calendars."),
) -> None:
    """Publish a roster: the week's grid for agents and team leads, and calendar files they can import."""
    from optimizer.export import publish_workbook, write_calendars

    _check_output(xlsx, ".xlsx", "--xlsx")
    frame, days, coverage, figures, tz, title = read_for_publishing(roster, scenario)
    typer.echo(f"wrote {publish_workbook(frame, xlsx, days=days, coverage=coverage, figures=figures, title=title)}")
    if ics is not None:
        files = write_calendars(frame, ics, timezone=tz)
        typer.echo(f"wrote {len(files)} calendar file(s) to {ics}")


def read_for_publishing(roster: Path | pd.DataFrame, scenario_path: Path | None):
    """(roster frame, the week's dates or None, coverage or None, figures, time zone, title). With a scenario the
    roster is read and checked by scenarios.read_roster and coverage is computed against the scenario's
    requirement (its demand forecast once); without one every row is checked for dates and clock times."""
    if scenario_path is None:
        return check_rows(roster), None, None, {}, None, ""
    from optimizer import coverage_tables, requirements
    from planning import scenario_demand
    from scenarios import read_roster

    sc = load_scenario(scenario_path)
    parsed = read_roster(roster, sc)
    frame = parsed.to_frame()
    requirement = requirements(sc, scenario_demand(sc), method="erlang-a")
    coverage, _, shortfalls = coverage_tables(sc, parsed, requirement)
    days = [sc.start + dt.timedelta(days=i) for i in range(sc.days)]
    figures = {"short_intervals": len(shortfalls)}
    return frame, days, coverage, figures, sc.timezone, sc.name


def check_rows(source: Path | pd.DataFrame) -> pd.DataFrame:
    """The roster CSV as text, every row checked (a date YYYY-MM-DD, clock times HH:MM); InputError names the
    file, row and column of each problem."""
    from scenarios import ROSTER_COLUMNS, is_clock
    from scenarios.tables import read_table

    name = "roster" if isinstance(source, pd.DataFrame) else str(source)
    frame = read_table(source, ROSTER_COLUMNS[:5], title="invalid roster", text=True, name=name)
    frame = frame.fillna("").astype(str)
    for col in ROSTER_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    problems = []
    for i, row in enumerate(frame.to_dict("records")):
        where = f"{name}:row {i + 2}"
        if not row["agent"].strip():
            problems.append(Problem(where, "agent is empty"))
        try:
            dt.date.fromisoformat(row["date"].strip())
        except ValueError:
            problems.append(Problem(f"{where}, date", f"'{row['date']}' is not a date YYYY-MM-DD"))
        for col in ("start", "end", "lunch_start", "lunch_end"):
            text = row[col].strip()
            if (col in ("start", "end") or text) and not is_clock(text):
                problems.append(Problem(f"{where}, {col}", f"'{text}' is not a clock time HH:MM"))
        for part in filter(None, (p.strip() for p in row["breaks"].split(";"))):
            a, _, b = part.partition("-")
            if not (is_clock(a.strip()) and is_clock(b.strip())):
                problems.append(Problem(f"{where}, breaks", f"'{part}' is not a span HH:MM-HH:MM"))
        if len(problems) >= 50:
            break
    if problems:
        raise InputError(problems, "invalid roster")
    if frame.empty:
        raise InputError([Problem(name, "the roster has no shifts")], "invalid roster")
    return frame


def _check_output(path: Path, suffix: str, option: str) -> None:
    """Before any work: the output's folder exists and the name has the right suffix."""
    problems = []
    if path.suffix.lower() != suffix:
        problems.append(Problem(option, f"'{path}' should end in {suffix}"))
    if not path.parent.exists():
        problems.append(Problem(option, f"folder '{path.parent}' does not exist"))
    if path.is_dir():
        problems.append(Problem(option, f"'{path}' is a folder"))
    if problems:
        raise InputError(problems, "invalid output path")
