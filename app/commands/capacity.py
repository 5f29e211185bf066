"""`ccplan capacity`: how many people to hire and train, and when, over the weeks ahead (planning.capacity_plan);
prints the classes, the plan against a planner's rule of thumb and the what-ifs; JSON, CSV and Excel files."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from .common import check_outputs, progress_bar, write_atomic, write_json


def register(cli: typer.Typer) -> None:
    cli.command("capacity")(capacity_command)


def capacity_command(
    capacity: Path = typer.Argument(..., metavar="CAPACITY",
                                    help="Capacity YAML (e.g. scenarios/examples/capacity_plan.yaml)."),
    curve: Path | None = typer.Option(None, "--curve",
                                      help="Staffing curve file: read when it exists and was made for this scenario "
                                           "and curve settings, else computed and written here."),
    recompute_curve: bool = typer.Option(False, "--recompute-curve", help="Compute the curve even if --curve "
                                                                          "exists."),
    samples: int | None = typer.Option(None, "--samples", min=1, max=100_000,
                                       help="Monte Carlo samples (default: the input's monte_carlo.samples)."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Seed (default: the input's monte_carlo.seed)."),
    effort: float = typer.Option(3.0, "--effort", min=0.0, max=100000.0,
                                 help="Solver budget of each hiring plan in CP-SAT deterministic time."),
    time_limit: float = typer.Option(60.0, "--time-limit", min=0.1, help="Wall-clock safety limit of each hiring "
                                                                         "plan, seconds."),
    whatifs: bool = typer.Option(True, "--whatifs/--no-whatifs", help="Attrition +5 points, demand +10%, the first "
                                                                      "class cancelled."),
    json_path: Path | None = typer.Option(None, "--json", help="Write the plan, the rule of thumb, the what-ifs "
                                                               "and the curve as JSON here."),
    csv_path: Path | None = typer.Option(None, "--csv", help="Write one row per week and skill group as CSV here."),
    xlsx_path: Path | None = typer.Option(None, "--xlsx", help="Write the workbook (weekly, classes, whatifs, "
                                                               "forecast, curve) here."),
) -> None:
    """Plan hiring classes and cross-training for the weeks ahead: weekly demand forecast (yearly season, trend,
    holiday weeks), agents required from ccplan's own schedule of the representative week scaled with volume,
    attrition, lead times, ramp-up, flex and overtime; the cheapest plan (CP-SAT) against a planner's rule of thumb,
    with a Monte Carlo of attrition and demand (chance of being short per week, P10/P50/P90 gap) and what-ifs."""
    from optimizer import Budget
    from planning import capacity_plan, curve_key, read_curve, staffing_curve
    from scenarios import load_capacity, load_scenario

    check_outputs(curve=curve, json=json_path, csv=csv_path, xlsx=xlsx_path)
    plan = load_capacity(capacity)
    given = None
    with progress_bar("Capacity plan") as progress:
        if curve is not None and curve.exists() and not recompute_curve:
            given = read_curve(curve)
            if given.key != curve_key(load_scenario(plan.path(plan.scenario)), plan):
                typer.echo(f"{curve} was made for another scenario or other curve settings: recomputing it", err=True)
                given = None
        if curve is not None and given is None:
            given = staffing_curve(load_scenario(plan.path(plan.scenario)), plan, progress)
            text = json.dumps(given.to_json(), indent=2) + "\n"
            write_atomic(curve, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        result = capacity_plan(plan, curve=given, samples=samples, seed=seed,
                               budget=Budget(effort=effort, wall_seconds=time_limit), whatifs=whatifs,
                               progress=progress)
    if curve is not None:
        typer.echo(f"staffing curve: {curve}")
    _print(result)
    write_json(json_path, {"capacity": str(capacity), **result.to_json()})
    if csv_path is not None:
        write_atomic(csv_path, lambda tmp: result.weekly_table().to_csv(tmp, index=False))
        typer.echo(f"wrote {csv_path}")
    if xlsx_path is not None:
        result.write_excel(xlsx_path)
        typer.echo(f"wrote {xlsx_path}")


def _print(result) -> None:
    console = Console(width=150)
    classes = Table(title=f"{result.name}: training classes (ccplan)")
    for col in ("group", "start", "size", "first working week"):
        classes.add_column(col, justify="right" if col == "size" else "left")
    for row in result.classes_table().query("plan == 'ccplan'").itertuples():
        classes.add_row(row.group, str(row.start), str(row.size), str(row.first_working_week))
    console.print(classes)
    for tr in result.plan.outcome.plan.transfers:
        console.print(f"cross-training: {tr.count} from {tr.source} to {tr.target} starting "
                      f"{result.problem.mondays[tr.week]}")
    table = Table(title=f"{result.problem.weeks} weeks, {len(result.plan.risk.weeks_short)} futures of attrition "
                        "and demand")
    for col in ("plan", "expected cost", "hires", "weeks short (median demand)", "weeks short P50", "P90"):
        table.add_column(col, justify="left" if col == "plan" else "right")
    for row in result.whatif_table().itertuples():
        table.add_row(row.variant, f"{row.expected_cost:,.0f}", str(row.hires), str(row.weeks_short_median_demand),
                      f"{row.weeks_short_p50:g}", f"{row.weeks_short_p90:g}")
    console.print(table)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if result.cost_ratio_vs_rule is not None:
        typer.echo(f"expected cost vs the rule of thumb: {result.cost_ratio_vs_rule:.3f}")

