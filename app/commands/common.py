"""What every command shares: progress bars, output files (checked before any work, written atomically), the
workspace, and the help of the size guard's options (the guard itself: planning.guard)."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from scenarios import InputError, Problem
from scenarios.tables import write_atomic  # noqa: F401  (the commands' one atomic writer)

err_console = Console(stderr=True)

WORKSPACE_HELP = "Workspace file (default: $CCPLAN_WORKSPACE or .ccplan/workspace.sqlite)."
STORE_HELP = "Keep the run in the workspace (list it with `ccplan runs list`)."
MAX_CONTACTS_HELP = ("Size guard: refuse runs whose week brings more simulated contacts per replication than this "
                     "(default: $CCPLAN_MAX_CONTACTS or 3,000,000).")
MAX_AGENTS_HELP = ("Size guard: refuse runs with more agents on duty at once than this "
                   "(default: $CCPLAN_MAX_AGENTS or 20,000).")
MAX_SHIFT_VARIABLES_HELP = ("Size guard: refuse a week whose shift-selection model (skill groups x days x shift "
                            "templates with their lunch and break positions) holds more variables than this; its "
                            "building comes before --time-limit (default: $CCPLAN_MAX_SHIFT_VARIABLES or 200,000).")
EXECUTOR_HELP = "Where the replications run: local (process pool) or dask."
SCHEDULER_HELP = "Dask scheduler address (default: $CCPLAN_DASK_SCHEDULER; 'local' starts one)."
# planning.schedule.DEFAULT_RISK, spelt here so that `ccplan --help` does not load the planning stack (a test keeps
# the two equal).
DEFAULT_RISK = 0.9
RISK_HELP = ("Plan against plausible weeks drawn from the forecast's error law: the roster must meet the targets in "
             "95% of open intervals on this share of them (ccplan; needs an error law: demand model auto, or "
             "demand.day_sd). 0: take the forecast as exact.")


INTERVALS = (5, 10, 15, 30, 60)


def check_interval(minutes: int | None, option: str = "--interval") -> int | None:
    """An interval length option: None (the command's default) or one of INTERVALS minutes, else InputError
    naming the option (0 would silently mean "the history's own")."""
    if minutes is not None and minutes not in INTERVALS:
        raise InputError([Problem(option, f"{minutes} minutes: use {', '.join(map(str, INTERVALS[:-1]))} or "
                                          f"{INTERVALS[-1]}")], "invalid option")
    return minutes


def check_sep(sep: str | None) -> str | None:
    """The field separator of a records file: None (any whitespace) or a non-empty text; an empty one would
    silently mean whitespace."""
    if sep is not None and sep == "":
        raise InputError([Problem("--sep", "is empty: leave it out to split on any whitespace, or give the "
                                           "separator (',' for CSV, ';', a tab)")], "invalid option")
    return sep


def check_outputs(**options: Path | None) -> None:
    """Check output paths before any work starts, so a typo never costs a finished simulation.

    Keyword names are the options (`check_outputs(out=path, json=path)` reports "--out", "--json"). Each given
    path must not be a folder and must sit in an existing, writable folder. Raises InputError naming the option.
    """
    problems = []
    for option, path in options.items():
        if path is None:
            continue
        flag = "--" + option.rstrip("_").replace("_", "-")
        path = Path(path)
        folder = path.parent if str(path.parent) else Path(".")
        if path.is_dir():
            problems.append(Problem(flag, f"{path} is a folder; give a file name"))
        elif not folder.exists():
            problems.append(Problem(flag, f"folder {folder} does not exist (create it first)"))
        elif not folder.is_dir():
            problems.append(Problem(flag, f"{folder} is not a folder"))
        elif not os.access(folder, os.W_OK):
            problems.append(Problem(flag, f"folder {folder} is not writable"))
    if problems:
        raise InputError(problems, "invalid output path")


def open_workspace(workspace: Path | None):
    """The workspace (planning.store.Workspace) of a command that reads stored runs or versions; InputError when
    there is none yet."""
    from planning.store import Workspace, workspace_path

    path = workspace_path(workspace)
    if not path.exists():
        raise InputError([Problem(str(path), "no workspace here yet (runs are stored by simulate, schedule and "
                                             "whatif)")], "no workspace")
    return Workspace(path)


def store_run(kind: str, scenario, seed: int | None, payload: dict, workspace: Path | None, **extra: Any) -> int:
    """Record a finished run in the workspace and tell the user its id."""
    from planning.store import record_run

    run_id = record_run(kind, scenario, seed, payload, workspace=workspace, **extra)
    typer.echo(f"stored run {run_id} (ccplan runs show {run_id})")
    return run_id


@contextmanager
def dask_or_local(kind: str, *, workers: int | None, scheduler: str | None) -> Iterator:
    """For the block, the Executor of `--executor dask` (said on stderr), or None for local: the use case then runs
    its own process pool of --workers, as it always has."""
    from planning.execution import open_executor

    if kind == "local":
        yield None
        return
    with open_executor(kind, workers=workers, scheduler=scheduler) as run_on:
        err_console.print(f"replications on {run_on}")
        yield run_on.executor


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
    """Write a JSON result atomically (never a half-written file); NaN and infinities (a figure with no data, such
    as the service level of an interval nobody called in) are written as null, so every JSON reader takes it."""
    if path is None:
        return
    from planning.store import jsonable

    text = json.dumps(jsonable(payload), indent=2, allow_nan=False) + "\n"
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    typer.echo(f"wrote {path}")
