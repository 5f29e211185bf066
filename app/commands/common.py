"""What every command shares: progress bars and output files."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

err_console = Console(stderr=True)

WORKSPACE_HELP = "Workspace file (default: $CCPLAN_WORKSPACE or .ccplan/workspace.sqlite)."
STORE_HELP = "Keep the run in the workspace (list it with `ccplan runs list`)."


def store_run(kind: str, scenario, seed: int | None, payload: dict, workspace: Path | None, **extra: Any) -> int:
    """Record a finished run in the workspace and tell the user its id."""
    from planning.store import record_run

    run_id = record_run(kind, scenario, seed, payload, workspace=workspace, **extra)
    typer.echo(f"stored run {run_id} (ccplan runs show {run_id})")
    return run_id


@contextmanager
def progress_bar(title: str) -> Iterator:
    """A progress bar on stderr; yields a `(fraction, message)` callback for the library functions."""
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), TextColumn("{task.fields[note]}"), console=err_console,
                  transient=False) as bar:
        task = bar.add_task(title, total=1.0, note="")

        def update(fraction: float, message: str = "") -> None:
            bar.update(task, completed=min(max(fraction, 0.0), 1.0), note=message)

        yield update
        bar.update(task, completed=1.0)


def write_json(path: Path | None, payload: Any) -> None:
    """Write a JSON result atomically (never a half-written file)."""
    if path is None:
        return
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=_plain) + "\n", encoding="utf-8")
    tmp.replace(path)
    typer.echo(f"wrote {path}")


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
