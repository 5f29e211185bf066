"""`ccplan publish`: the week as agents read it: an Excel workbook (agent x day grid, shift list, coverage and
figures) and, optionally, one iCalendar file per agent."""

from __future__ import annotations

from pathlib import Path

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
    from optimizer import publish_workbook, write_calendars
    from planning import prepare_publish

    _check_output(xlsx, ".xlsx", "--xlsx")
    week = prepare_publish(roster, load_scenario(scenario) if scenario is not None else None)
    written = publish_workbook(week.roster, xlsx, days=week.days, coverage=week.coverage, figures=week.figures,
                               title=week.title)
    typer.echo(f"wrote {written}")
    if ics is not None:
        files = write_calendars(week.roster, ics, timezone=week.timezone)
        typer.echo(f"wrote {len(files)} calendar file(s) to {ics}")


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
