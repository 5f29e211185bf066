"""`ccplan simulate`: simulate the week for a staffing plan or a roster and print the KPIs per channel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from scenarios import InputError, Problem, Roster, load_scenario, read_roster, read_staffing

from .common import (EXECUTOR_HELP, MAX_AGENTS_HELP, MAX_CONTACTS_HELP, SCHEDULER_HELP, STORE_HELP, WORKSPACE_HELP,
                     check_outputs, dask_or_local, progress_bar, store_run, write_atomic, write_json)


def register(cli: typer.Typer) -> None:
    cli.command("simulate")(simulate_command)


def simulate_command(
    scenario: Path = typer.Argument(..., metavar="SCENARIO", help="Scenario YAML file."),
    staffing: Path = typer.Option(None, "--staffing", help="Staffing plan CSV: ds, skill_group, agents "
                                                          "(available agents; no shrinkage applied)."),
    roster: Path = typer.Option(None, "--roster", help="Roster CSV (agent, skill_group, date, start, end, lunch, "
                                                      "breaks); shrinkage applied as aux rotation."),
    replications: int = typer.Option(None, "--replications", "-r", min=1, max=1000,
                                     help="Replications (default: the scenario's)."),
    seed: int = typer.Option(None, "--seed", min=0, max=2 ** 63 - 1, help="Random seed (default: the scenario's)."),
    workers: int = typer.Option(None, "--workers", "-w", min=1, max=1024,
                                help="Worker processes (default: min(replications, cores))."),
    json_path: Path = typer.Option(None, "--json", help="Write the summary (means, 95% CIs) as JSON here."),
    out: Path = typer.Option(None, "--out", help="Write the interval table (ds, channel, offered, ...) as CSV here."),
    workspace: Path = typer.Option(None, "--workspace", help=WORKSPACE_HELP),
    store: bool = typer.Option(True, "--store/--no-store", help=STORE_HELP),
    max_contacts: float = typer.Option(None, "--max-contacts", min=1, help=MAX_CONTACTS_HELP),
    max_agents: float = typer.Option(None, "--max-agents", min=1, help=MAX_AGENTS_HELP),
    executor: str = typer.Option("local", "--executor", help=EXECUTOR_HELP),
    scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
) -> None:
    """Simulate the scenario's week (phone, chat, email, bot) and print service level, abandonment and ASA per
    channel with 95% confidence intervals, and occupancy per skill group. Without --staffing or --roster the
    scenario's constant_agents are used."""
    from planning import simulate

    if staffing is not None and roster is not None:
        raise InputError([Problem("--staffing/--roster", "give one of --staffing and --roster, not both")],
                         "invalid options")
    check_outputs(json=json_path, out=out)
    sc = load_scenario(scenario)
    plan = None
    if staffing is not None:
        plan = read_staffing(staffing, sc)
    elif roster is not None:
        plan = read_roster(roster, sc)
    elif not any(g.constant_agents for g in sc.skill_groups.values()):
        # Simulating a week nobody works would only report every contact abandoned: ask for the staff instead.
        raise InputError([Problem("--staffing/--roster", "this scenario has no constant_agents in any skill group: "
                                  "give --roster (e.g. from `ccplan schedule SCENARIO --out roster.csv`) or "
                                  "--staffing (ds, skill_group, agents)")], "no staff to simulate")
    with dask_or_local(executor, workers=workers, scheduler=scheduler) as run_on, \
            progress_bar("simulating") as progress:
        result = simulate(sc, plan, replications=replications, seed=seed, executor=run_on, workers=workers,
                          progress=progress, max_contacts=max_contacts, max_agents=max_agents)
    _print_tables(result, sc)
    write_json(json_path, result.summary.to_json())
    if out is not None:
        write_atomic(out, lambda tmp: result.intervals.to_csv(tmp, index=False))
        typer.echo(f"wrote {out}")
    if store:
        store_run("simulate", sc, result.seed,
                  result.to_json(), workspace,
                  roster=plan if isinstance(plan, Roster) else None,
                  staffing=plan if isinstance(plan, pd.DataFrame) else None,
                  intervals=result.intervals, tables={"groups": result.groups})


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _num(x, fmt: str = ",.0f") -> str:
    return "-" if x is None else format(x, fmt)


def _print_tables(result, sc) -> None:
    console = Console(width=150)
    s = result.summary
    table = Table(title=f"{sc.name}: {s.replications} replications, seed {s.seed} (means, 95% CI)")
    for col in ("channel", "offered", "answered", "abandoned", "unfinished", "SL [95% CI]", "target",
                "on target", "abandon", "ASA s", "p90 s"):
        table.add_column(col, justify="left" if col == "channel" else "right")
    for name, ch in s.channels.items():
        lo, hi = ch.service_level_ci or [None, None]
        level = _pct(ch.service_level) + (f" [{_pct(lo)}-{_pct(hi)}]" if lo is not None else "")
        if sc.channels[name].kind == "ai":
            level = f"{_num(ch.contained)} contained"
        table.add_row(name, _num(ch.offered), _num(ch.answered), _num(ch.abandoned), _num(ch.unfinished),
                      level, _pct(ch.target_service_level), _pct(ch.intervals_meeting_target),
                      _pct(ch.abandon_rate), _num(ch.asa_seconds, ",.1f"), _num(ch.wait_p90_seconds, ",.1f"))
    console.print(table)
    backlog = {name: ch.backlog_max for name, ch in s.channels.items() if ch.backlog_max}
    if backlog:
        # Deferred work piling up is what an overloaded week leaves behind: say so here, not only in the CSV.
        last = result.intervals.groupby("channel", sort=False)["backlog"].last()
        console.print("deferred backlog (means over replications): " + "; ".join(
            f"{name} up to {value:,.0f} items waiting, {last.get(name, 0):,.0f} at the end of the week"
            for name, value in backlog.items()))
    groups = Table(title="skill groups (agent-hours over the week)")
    for col in ("skill group", "paid h", "available h", "busy h", "idle h", "overrun h", "occupancy"):
        groups.add_column(col, justify="left" if col == "skill group" else "right")
    for name, g in s.skill_groups.items():
        groups.add_row(name, _num(g.paid_hours, ",.1f"), _num(g.available_hours, ",.1f"),
                       _num(g.busy_hours, ",.1f"), _num(g.idle_hours, ",.1f"), _num(g.overrun_hours, ",.1f"),
                       _pct(g.occupancy))
    console.print(groups)
