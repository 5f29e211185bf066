"""`ccplan runs`: list, show, compare and delete stored runs of the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from scenarios import InputError, Problem

from app.commands.common import WORKSPACE_HELP, open_workspace
from app.commands.comparison import format_kpi, kpi_label, print_comparison
from scenarios.tables import write_atomic, write_text_atomic

runs_app = typer.Typer(help="Stored simulate, schedule and what-if runs (the workspace: --workspace, "
                            "$CCPLAN_WORKSPACE or .ccplan/workspace.sqlite).", no_args_is_help=True)



def register(cli: typer.Typer) -> None:
    cli.add_typer(runs_app, name="runs")


@runs_app.command("list")
def list_runs(
    kind: Optional[str] = typer.Option(None, "--kind", help="Only simulate, schedule or whatif runs."),
    batch: Optional[int] = typer.Option(None, "--batch", help="Only the runs of one what-if batch."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help=WORKSPACE_HELP),
) -> None:
    """One line per stored run, oldest first."""
    with open_workspace(workspace) as ws:
        runs = ws.runs(kind=kind, batch_id=batch)
        typer.echo(f"{len(runs)} run{'s' if len(runs) != 1 else ''} in {ws.path}")
        if runs:
            typer.echo(f"{'id':>5}  {'created (UTC)':<19}  {'kind':<8} {'seed':>6} {'reps':>5} {'batch':>5}  "
                       f"{'inputs':<8}  scenario [variant]")
        for r in runs:
            typer.echo(f"{r.id:>5}  {r.created_at.replace('T', ' ')[:19]:<19}  {r.kind:<8} {_opt(r.seed):>6} "
                       f"{_opt(r.replications):>5} {_opt(r.batch_id):>5}  {r.inputs_hash[:8]:<8}  {r.scenario_name}"
                       + (f" [{r.label}]" if r.label else ""))
        shown = {r.batch_id for r in runs if r.batch_id is not None}
        for b in ws.batches():
            if b["id"] in shown or (batch is not None and b["id"] == batch) or (not b["stored"] and kind in (None, "whatif")):
                typer.echo(_batch_line(b))


@runs_app.command("show")
def show_run(
    run_id: int = typer.Argument(..., metavar="ID"),
    scenario_out: Optional[Path] = typer.Option(None, "--scenario", help="Write the run's scenario snapshot (YAML)."),
    roster_out: Optional[Path] = typer.Option(None, "--roster", help="Write the run's roster (CSV)."),
    table_out: Optional[list[str]] = typer.Option(None, "--table", metavar="NAME=FILE",
                                                  help="Write a stored table as CSV, e.g. intervals=out.csv."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the run's results JSON."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help=WORKSPACE_HELP),
) -> None:
    """A run's inputs and KPIs; optionally write its scenario, roster, tables and results to files."""
    from app.commands.common import write_json
    from planning.whatif import flat_kpis

    with open_workspace(workspace) as ws:
        run = ws.run(run_id)
        typer.echo(f"run {run.id}: {run.kind} of '{run.scenario_name}'" + (f" [{run.label}]" if run.label else ""))
        typer.echo(f"  created {run.created_at}, seed {_opt(run.seed)}, replications {_opt(run.replications)}, "
                   f"batch {_opt(run.batch_id)}")
        typer.echo(f"  inputs hash {run.inputs_hash}")
        if run.overrides:
            typer.echo(f"  overrides: {', '.join(run.overrides)}")
        typer.echo(f"  roster: {'yes' if run.roster_csv else 'no'}; tables: {', '.join(run.tables) or 'none'}")
        kpis = flat_kpis(run.results)
        for kpi, value in kpis.items():
            if kpi.split(".")[-1] in ("service_level", "abandon_rate", "asa_seconds", "occupancy", "paid_hours",
                                      "agent_hours", "offered"):
                typer.echo(f"  {kpi_label(kpi):<32} {format_kpi(kpi, value)}")
        if scenario_out:
            write_text_atomic(scenario_out, run.scenario_yaml)
            typer.echo(f"wrote {scenario_out}")
        if roster_out:
            if not run.roster_csv:
                raise InputError([Problem(f"run {run_id}", "has no roster")], "nothing to write")
            write_text_atomic(roster_out, run.roster_csv)
            typer.echo(f"wrote {roster_out}")
        for spec in table_out or []:
            name, sep, file = spec.partition("=")
            if not sep or not file:
                raise InputError([Problem(f"--table {spec}", "expected NAME=FILE, e.g. intervals=out.csv")],
                                 "invalid option")
            table = ws.table(run_id, name)
            write_atomic(Path(file), lambda tmp: table.to_csv(tmp, index=False))
            typer.echo(f"wrote {file}")
        write_json(json_out, run.results)


@runs_app.command("compare")
def compare_runs(
    run_ids: Optional[list[int]] = typer.Argument(None, metavar="ID ID...", help="The first run is the base."),
    batch: Optional[int] = typer.Option(None, "--batch", help="Compare the runs of a what-if batch (its base "
                                                              "first) instead of listing IDs."),
    all_kpis: bool = typer.Option(False, "--all", help="Every KPI, not only the headline ones."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the comparison as JSON."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help=WORKSPACE_HELP),
) -> None:
    """Each KPI of each run next to the first run, with the difference and its 95% CI (paired when the runs share
    seed and replications, i.e. common random numbers; Welch otherwise)."""
    from app.commands.common import write_json
    from planning.store import jsonable
    from planning.whatif import compare, kpis_from_results

    with open_workspace(workspace) as ws:
        if batch is not None:
            ids = [r.id for r in ws.runs(batch_id=batch)]
            runs = [ws.run(i) for i in ids]
            # The batch's base first, then the variants in the order they were stored.
            runs.sort(key=lambda r: not (r.results.get("variant") or {}).get("is_base", False))
        else:
            runs = [ws.run(i) for i in run_ids or []]
    if len(runs) < 2:
        raise InputError([Problem("ID" if batch is None else f"batch {batch}",
                                  "give at least two runs; the first is the base")], "nothing to compare")
    table = compare([kpis_from_results(f"run {r.id}: {r.label or r.kind}", r.results, r.seed) for r in runs])
    print_comparison(table, title=f"runs {', '.join(str(r.id) for r in runs)} (base: run {runs[0].id})",
                     all_kpis=all_kpis)
    write_json(json_out, jsonable(table.to_dict("records")))


@runs_app.command("delete")
def delete_runs(
    run_ids: list[int] = typer.Argument(..., metavar="ID..."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help=WORKSPACE_HELP),
) -> None:
    """Delete runs (with their tables) in one transaction."""
    with open_workspace(workspace) as ws:
        found = ws.delete(run_ids)
    missing = sorted(set(run_ids) - set(found))
    typer.echo(f"deleted {len(found)} run{'s' if len(found) != 1 else ''}" + (f": {', '.join(map(str, found))}" if found else ""))
    if missing:
        raise InputError([Problem(f"run {i}", "no such run") for i in missing], "not deleted")


def _batch_line(b: dict) -> str:
    """'batch 3 (whatif, insurance week): incomplete, 2 of 4 variants stored'."""
    count = f"{b['stored']} of {b['expected']}" if b["expected"] else str(b["stored"])
    note = {"incomplete": " (the sweep stopped before storing every variant)",
            "running": " (its sweep is still running)"}.get(b["state"], "")
    return f"batch {b['id']} ({b['kind']}, {b['scenario_name']}): {b['state']}, {count} variants stored{note}"


def _opt(value) -> str:
    return "-" if value is None else str(value)
