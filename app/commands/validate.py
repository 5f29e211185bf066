"""`ccplan validate`: check a scenario and summarise it."""

from __future__ import annotations

from pathlib import Path

import typer

from scenarios import load_scenario


def register(cli: typer.Typer) -> None:
    cli.command()(validate)


def validate(scenario: Path = typer.Argument(..., metavar="SCENARIO", help="Scenario YAML file.")) -> None:
    """Check a scenario file and print a short summary; every problem is listed with its field path (exit 2)."""
    from planning.demand import scenario_demand

    sc = load_scenario(scenario)
    demand = scenario_demand(sc)
    totals = demand.groupby("channel", sort=False)["contacts"].sum()
    typer.echo(f"{sc.name}: OK")
    end = sc.start.fromordinal(sc.start.toordinal() + sc.days - 1)
    typer.echo(f"  week: {sc.start} to {end} ({sc.days} days), {sc.interval_minutes}-minute intervals, "
               f"time zone {sc.timezone}, shrinkage {sc.shrinkage:.0%}")
    typer.echo("  channels:")
    for name, ch in sc.channels.items():
        if ch.kind == "ai":
            detail = (f"bot {ch.handle_seconds:g} s, containment {ch.containment:.0%}, escalates to {ch.escalate_to} "
                      f"(while it is closed: {ch.after_hours})")
        elif ch.kind == "deferred":
            detail = (f"AHT {ch.aht_seconds:g} s, {ch.target.service_level:.0%} within "
                      f"{ch.target.respond_within_hours:g} h")
        else:
            detail = (f"AHT {ch.aht_seconds:g} s, {ch.target.service_level:.0%} within "
                      f"{ch.target.answer_within_seconds:g} s")
            if ch.kind == "chat":
                detail += f", concurrency {ch.concurrency}"
        typer.echo(f"    {name:<10} {ch.kind:<8} {totals.get(name, 0):>9,.0f} contacts  {detail}")
    typer.echo(f"  total forecast contacts: {totals.sum():,.0f}")
    typer.echo("  skill groups:")
    for name, g in sc.skill_groups.items():
        typer.echo(f"    {name:<12} headcount {g.headcount:>4}  skills {', '.join(g.routing_order())}")
    typer.echo(f"  headcount: {sum(g.headcount for g in sc.skill_groups.values())}")
