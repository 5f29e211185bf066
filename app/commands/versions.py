"""`ccplan versions`: the workspace's schedule versions (named rosters with their figures): list, show, compare,
publish."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from app.commands.common import WORKSPACE_HELP, open_workspace
from scenarios.tables import write_text_atomic

versions_app = typer.Typer(help="Schedule versions: every roster `ccplan schedule` (or the app) generates or the "
                                "planner saves, with its scenario, agents, seed and figures.", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.add_typer(versions_app, name="versions")


@versions_app.command("list")
def list_versions(workspace: Optional[Path] = typer.Option(None, "--workspace", help=WORKSPACE_HELP)) -> None:
    """One line per version, oldest first; the published one of each scenario is marked."""
    with open_workspace(workspace) as ws:
        stored = ws.versions()
        typer.echo(f"{len(stored)} version{'s' if len(stored) != 1 else ''} in {ws.path}")
        for v in stored:
            mark = "  PUBLISHED" if v.published_at else ""
            typer.echo(f"{v.id:>5}  {v.created_at.replace('T', ' ')[:19]}  {v.scenario_name}: {v.name}  "
                       f"paid {v.figures.get('paid_hours', 0):,.1f} h, {v.figures.get('shifts', 0)} shifts"
                       + (f", run {v.run_id}" if v.run_id else "") + mark)


@versions_app.command("show")
def show_version(
    version_id: int = typer.Argument(..., metavar="ID"),
    roster_out: Optional[Path] = typer.Option(None, "--roster", help="Write the version's roster (CSV), e.g. for "
                                                                     "`ccplan publish` or `schedule --locked`."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help=WORKSPACE_HELP),
) -> None:
    """A version's figures, its history (who saved, edited, locked, published it, and when) and, with --roster,
    its roster written to a file."""
    with open_workspace(workspace) as ws:
        v = ws.get_version(version_id)
        history = ws.history(("version", version_id))
    typer.echo(f"version {v.id}: {v.name} ({v.scenario_name}, seed {v.seed}, saved {v.created_at[:19]} UTC"
               + (f", published {v.published_at[:19]} UTC" if v.published_at else "") + ")")
    typer.echo(f"  paid {v.figures.get('paid_hours', 0):,.1f} h, {v.figures.get('agents', 0)} agents, "
               f"{v.figures.get('shifts', 0)} shifts")
    for channel, f in (v.figures.get("channels") or {}).items():
        typer.echo(f"  {channel}: " + ", ".join(f"{label} {f[key]:.1%}" for key, label in (
            ("service_level", "service level"), ("abandon_rate", "abandoned"),
            ("intervals_meeting_target", "open intervals meeting targets")) if f.get(key) is not None))
    typer.echo("  history (newest first):")
    for entry in history:
        typer.echo(f"    {entry.at.replace('T', ' ')[:19]} UTC  {entry.user} ({entry.role}): {entry.action}"
                   + (f"  {entry.detail}" if entry.detail else ""))
    if roster_out is not None:
        roster_out.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(roster_out, v.roster_csv)
        typer.echo(f"wrote {roster_out}")


@versions_app.command("compare")
def compare(
    first: int = typer.Argument(..., metavar="ID_A"),
    second: int = typer.Argument(..., metavar="ID_B"),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help=WORKSPACE_HELP),
) -> None:
    """Two versions' figures side by side, with the difference (second minus first)."""
    from planning.store import compare_versions

    with open_workspace(workspace) as ws:
        table = compare_versions(ws.get_version(first), ws.get_version(second))
    typer.echo(table.to_string(index=False))


@versions_app.command("publish")
def publish_version(
    version_id: int = typer.Argument(..., metavar="ID"),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help=WORKSPACE_HELP),
) -> None:
    """Mark a version as the published one of its scenario (the mark moves from any other)."""
    with open_workspace(workspace) as ws:
        ws.publish_version(version_id)
        v = ws.get_version(version_id)
    typer.echo(f"version {v.id} ({v.name}) is the published one of {v.scenario_name}")
