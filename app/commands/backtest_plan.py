"""`ccplan backtest-plan`: plan each of the last N weeks of the scenario's history from the weeks before and judge
the rosters on the week's actual counts (planning.backtest_plan), with the Erlang C baseline and a hindsight
roster; a table, and JSON / CSV files."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from scenarios import InputError, Problem, load_scenario

from .common import DEFAULT_RISK, RISK_HELP, check_outputs, progress_bar, write_atomic, write_json

# The backtest's settings as this command's options, so its messages name what the user typed.
OPTIONS = {"weeks": "--weeks", "risk": "--risk", "replications": "--replications", "seed": "--seed",
           "effort": "--effort"}


def register(cli: typer.Typer) -> None:
    cli.command("backtest-plan")(backtest_plan_command)


def backtest_plan_command(
    scenario: Path = typer.Argument(..., metavar="SCENARIO", help="Scenario YAML file with a demand.history."),
    weeks: int = typer.Option(..., "--weeks", min=1, max=52, help="How many of the history's last full weeks."),
    risk: float = typer.Option(DEFAULT_RISK, "--risk", min=0.0, max=0.99, help=RISK_HELP),
    replications: int = typer.Option(100, "--replications", min=2, max=1000,
                                     help="Replications of each roster on the week's actual counts."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Seed (default: the scenario's)."),
    effort: float = typer.Option(15.0, "--effort", min=0.0, max=100000.0,
                                 help="Solver budget per stage in CP-SAT deterministic time (about a second of "
                                      "one core each)."),
    json_path: Path | None = typer.Option(None, "--json", help="Write every week's figures as JSON here."),
    csv_path: Path | None = typer.Option(None, "--csv", help="Write one row per week and method as CSV here."),
) -> None:
    """For each of the last N full weeks of the scenario's history: forecast the week from the weeks before,
    schedule it (ccplan and the Erlang C two-step baseline), and simulate the rosters on the week's actual counts;
    also a roster scheduled with hindsight on the actual counts. Prints per week and method the claimed
    (certified) and the actual share of open intervals meeting targets, paid hours and the forecast's WAPE."""
    from planning import backtest_plan

    check_outputs(json=json_path, csv=csv_path)
    sc = load_scenario(scenario)
    options = {"risk": risk or None}
    try:
        with progress_bar(f"Backtesting {weeks} week(s)") as progress:
            result = backtest_plan(sc, weeks=weeks, replications=replications, seed=seed, effort=effort,
                                   progress=progress, **options)
    except InputError as exc:
        raise InputError([Problem(OPTIONS.get(p.where, p.where), p.message) for p in exc.problems],
                         exc.title) from None
    _print_table(result, sc.name)
    write_json(json_path, {"scenario": sc.name, **result.to_json()})
    if csv_path is not None:
        write_atomic(csv_path, lambda tmp: result.rows().to_csv(tmp, index=False))
        typer.echo(f"wrote {csv_path}")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _print_table(result, name: str) -> None:
    table = Table(title=f"{name}: plan vs actual, {result.settings.replications} replications on the actual counts")
    for col in ("week", "method", "claimed", "actual", "paid h", "WAPE", "day errors"):
        table.add_column(col, justify="left" if col in ("week", "method", "day errors") else "right")
    for week in result.weeks:
        days = " ".join(f"{e:+.0%}" for e in week.forecast_error.day_errors.values())
        for method, plan in week.plans.items():
            table.add_row(week.start.isoformat(), method, _pct(plan.claimed), _pct(plan.actual),
                          f"{plan.paid_hours:,.1f}", _pct(plan.wape), days if method != "hindsight" else "")
    Console(width=150).print(table)
