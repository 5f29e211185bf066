"""`ccplan whatif`: run a scenario's variants (overrides and sweeps), store each, compare them with the base."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from scenarios import InputError, Problem, load_scenario, read_roster, read_staffing

from app.commands.common import (DEFAULT_RISK, EXECUTOR_HELP, MAX_AGENTS_HELP, MAX_CONTACTS_HELP, RISK_HELP,
                                 SCHEDULER_HELP, WORKSPACE_HELP)

MAX_VARIANTS_HELP = ("Refuse a sweep with more variants than this, before any runs; the run first says how much work "
                     "it is (default: $CCPLAN_MAX_VARIANTS or 200).")


def register(cli: typer.Typer) -> None:
    cli.command()(whatif)


def whatif(
    scenario: Path = typer.Argument(..., metavar="SCENARIO", help="Scenario YAML file (the base)."),
    set_: Optional[list[str]] = typer.Option(None, "--set", metavar="PATH=VALUE",
                                             help="Change a field for the variant, e.g. channels.bot.containment=0.8 "
                                                  "(repeatable; with --sweep, applied to every grid point)."),
    sweep: Optional[list[str]] = typer.Option(None, "--sweep", metavar="PATH=V1,V2,...",
                                              help="Values to try for a field (repeatable; the grid is the product)."),
    reoptimize: bool = typer.Option(False, "--reoptimize",
                                    help="Schedule a roster per variant and report its paid hours and requirements "
                                         "(default: keep the base's staff fixed and report service)."),
    roster: Optional[Path] = typer.Option(None, "--roster", help="Fixed staff: a roster CSV."),
    staffing: Optional[Path] = typer.Option(None, "--staffing", help="Fixed staff: a staffing plan CSV (ds, "
                                                                     "skill_group, agents)."),
    replications: Optional[int] = typer.Option(None, "--replications", min=1, help="Replications per variant "
                                                                                   "(default: the scenario's)."),
    seed: Optional[int] = typer.Option(None, "--seed", min=0, help="Seed shared by every variant (default: the "
                                                                   "scenario's)."),
    verify: bool = typer.Option(True, "--verify/--no-verify",
                                help="Verify scheduled rosters by simulation and re-solve where they miss a target "
                                     "(the base roster at fixed staff, every variant's with --reoptimize)."),
    effort: float = typer.Option(15.0, "--effort", min=0.0, max=100000.0,
                                 help="Solver budget per stage of every schedule (CP-SAT deterministic time)."),
    time_limit: float = typer.Option(300.0, "--time-limit", min=0.1, max=86400.0,
                                     help="Wall-clock safety limit per solver stage, in seconds."),
    risk: float = typer.Option(DEFAULT_RISK, "--risk", min=0.0, max=0.99,
                               help=RISK_HELP + " Applies to every roster the what-if schedules: each variant's with "
                                                "--reoptimize (as `ccplan schedule --risk`), else the base's when no "
                                                "--roster or --staffing is given; every variant's KPIs are simulated "
                                                "on its expected week."),
    method: str = typer.Option("erlang-a", "--method", help="Requirements method with --reoptimize: erlang-a or "
                                                            "erlang-c."),
    executor: str = typer.Option("local", "--executor", help=EXECUTOR_HELP),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Local processes (default: all cores)."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help=WORKSPACE_HELP),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write variants and the comparison as JSON."),
    max_contacts: Optional[float] = typer.Option(None, "--max-contacts", min=1, help=MAX_CONTACTS_HELP),
    max_agents: Optional[float] = typer.Option(None, "--max-agents", min=1, help=MAX_AGENTS_HELP),
    max_variants: Optional[float] = typer.Option(None, "--max-variants", min=1, help=MAX_VARIANTS_HELP),
) -> None:
    """Compare variants of a scenario with its base: every KPI, its difference to the base and the 95% CI of that
    difference (common random numbers: every variant uses the same seed). Each variant is stored as a run."""
    from app.commands.common import check_outputs, progress_bar, write_json
    from app.commands.comparison import print_comparison
    from planning.execution import open_executor
    from scenarios.overrides import parse_override, parse_sweep
    from planning.store import Workspace
    from planning.guard import whatif_work
    from planning.whatif import build_variants, run_whatif

    check_outputs(json=json_out)
    base = load_scenario(scenario)
    sets = [parse_override(t) for t in set_ or []]
    sweeps = [parse_sweep(t) for t in sweep or []]
    if not sets and not sweeps:
        raise InputError([Problem("--set/--sweep", "give at least one --set PATH=VALUE or --sweep PATH=V1,V2")],
                         "nothing to compare")
    if roster and staffing:
        raise InputError([Problem("--roster/--staffing", "give one of them, not both")], "invalid option")
    if reoptimize and (roster or staffing):
        raise InputError([Problem("--roster" if roster else "--staffing", "has no use with --reoptimize (each "
                                                                          "variant gets its own roster)")],
                         "invalid option")
    if method not in ("erlang-a", "erlang-c"):
        raise InputError([Problem("--method", f"must be erlang-a or erlang-c (got {method!r})")], "invalid option")
    # Everything the user gave is checked here, before any variant runs.
    variants = build_variants(base, sets, sweeps, fixed_staff=not reoptimize, max_variants=max_variants)
    fixed = read_roster(roster, base) if roster else read_staffing(staffing, base) if staffing else None
    with open_executor(executor, workers=workers, scheduler=scheduler) as run_on, Workspace(workspace) as ws:
        work = whatif_work(base, len(variants), replications=replications, workers=run_on.workers,
                           reoptimize=reoptimize, effort=effort)
        typer.echo(f"{work.text()} ({base.name} on {run_on}); storing runs in {ws.path}", err=True)
        with progress_bar("what-if") as progress:
            result = run_whatif(variants, fixed, reoptimize=reoptimize, replications=replications, seed=seed,
                                executor=run_on.executor, workers=run_on.workers, workspace=ws, method=method,
                                verify=verify, effort=effort, time_limit=time_limit, progress=progress,
                                max_contacts=max_contacts, max_agents=max_agents, max_variants=max_variants,
                                risk=risk or None)
    for note in result.notes:
        typer.echo(note)
    print_comparison(result.comparison, title=f"{base.name}: {result.basis()}; seed {result.seed}, "
                                              f"{result.replications} replications")
    ids = [r.run_id for r in result.results]
    typer.echo(f"stored runs {', '.join(map(str, ids))} (batch {result.batch_id}) in {ws.path}; "
               f"`ccplan runs compare {' '.join(map(str, ids))}` shows them again")
    write_json(json_out, result.to_json())
