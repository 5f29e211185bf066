"""`ccplan schedule`: the week's roster of named agents, verified by simulation, to CSV / Excel / JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from app.commands.common import (DEFAULT_RISK, EXECUTOR_HELP, MAX_AGENTS_HELP, MAX_CONTACTS_HELP,
                                 MAX_SHIFT_VARIABLES_HELP, RISK_HELP, SCHEDULER_HELP, STORE_HELP, WORKSPACE_HELP,
                                 check_outputs, dask_or_local, progress_bar, store_run, write_json)
from scenarios import InputError, Problem, load_scenario, read_agents, read_locked, read_time_off

if TYPE_CHECKING:    # planning loads lazily: `ccplan --help` stays quick
    from planning.schedule_results import TargetFigures


REPLICATIONS_HELP = ("Simulation replications per round (the loop's own sample), run exactly. Default: by "
                     "precision: enough for an open interval of median volume (real-time channel with the fewest "
                     "contacts) to be judged on 800 contacts, then more while its standard error exceeds 1 "
                     "service-level point, 5 to 40 (the example week: 40; with 7.4 x its contacts: from 7).")
CERTIFY_REPLICATIONS_HELP = ("Replications of fresh customers (seed + 1000) that certify candidate plans and the "
                             "roster (on plausible weeks: shared out among them, at least 2 each), run exactly. "
                             "Default: by precision as --replications (2,000 contacts, 0.63 points, 5 to 100; the "
                             "example week: 100).")


def register(cli: typer.Typer) -> None:
    cli.command("schedule")(schedule_cmd)


def schedule_cmd(
    scenario: Path = typer.Argument(..., metavar="SCENARIO", help="Scenario YAML file."),
    out: Path = typer.Option(..., "--out", help="Roster CSV to write (agent, skill_group, date, start, end, lunch, breaks; "
                                                "activities when the scenario places any)."),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Also write an Excel workbook (roster, coverage, KPIs)."),
    agents: Path | None = typer.Option(None, "--agents", help="Agents CSV (default: generated from the headcounts)."),
    locked: Path | None = typer.Option(None, "--locked", help="Roster CSV of shifts to keep exactly as they are "
                                                              "(fixed coverage and assignments); the rest of the week "
                                                              "is scheduled around them."),
    time_off: Path | None = typer.Option(None, "--time-off", help="Time-off CSV (agent, start: a date or "
                                                                  "date-time, end, reason): the agents are away then."),
    previous: Path | None = typer.Option(None, "--previous", help="Roster CSV of the days before this horizon "
                                                                  "(last week's): rest, days in a row and the rule "
                                                                  "catalogue's look-back hold across the boundary."),
    use_published: bool = typer.Option(True, "--published-previous/--no-published-previous",
                                       help="Without --previous: continue from the workspace's last published "
                                            "version when it ends on the day before this horizon."),
    bids: Path | None = typer.Option(None, "--bids", help="Bids CSV (agent, seniority, rank, bid: 'off sat;sun' or "
                                                          "'start 07:00-09:00'): honoured in seniority order where "
                                                          "the rules allow; the summary and JSON say what and why."),
    method: str = typer.Option("ccplan", "--method", help="ccplan or erlang-c-two-step (the traditional baseline)."),
    verify: bool = typer.Option(True, "--verify/--no-verify", help="Simulate the roster and re-solve where targets are missed."),
    rounds: int = typer.Option(10, "--rounds", min=1, max=30, help="Most solve-and-simulate rounds (ccplan)."),
    replications: int | None = typer.Option(None, "--replications", min=1, max=1000, help=REPLICATIONS_HELP),
    certify_replications: int | None = typer.Option(None, "--certify-replications", min=2, max=2000,
                                                    help=CERTIFY_REPLICATIONS_HELP),
    seed: int | None = typer.Option(None, "--seed", help="Simulation seed (default: the scenario's)."),
    risk: float = typer.Option(DEFAULT_RISK, "--risk", min=0.0, max=0.99, help=RISK_HELP),
    risk_curve: bool = typer.Option(False, "--risk-curve/--no-risk-curve",
                                    help="Also report paid hours against risk (50%, 75%, 90%, 95%): the hedged "
                                         "requirement's shift selection at each, without simulation."),
    effort: float = typer.Option(15.0, "--effort", min=0.0, max=100000.0,
                                 help="Solver budget per stage (shift selection, then the roster) and per week of "
                                      "the horizon in CP-SAT deterministic time, about a second of one core each: "
                                      "the same inputs give the same roster on any machine."),
    time_limit: float = typer.Option(300.0, "--time-limit", min=0.1, max=86400.0,
                                     help="Wall-clock safety limit per solver stage, in seconds; the run says when "
                                          "it acted (then results may differ between runs). It bounds the solver's "
                                          "search; building its model comes first (see --max-shift-variables)."),
    json_out: Path | None = typer.Option(None, "--json", help="Write paid hours, idle hours, rounds, per-channel results as JSON."),
    workspace: Path | None = typer.Option(None, "--workspace", help=WORKSPACE_HELP),
    store: bool = typer.Option(True, "--store/--no-store", help=STORE_HELP),
    version_name: str | None = typer.Option(None, "--version-name",
                                            help="Name of the schedule version the roster is stored as (default: "
                                                 "'generated (METHOD, seed N)'); see `ccplan versions`."),
    max_contacts: float | None = typer.Option(None, "--max-contacts", min=1, help=MAX_CONTACTS_HELP),
    max_agents: float | None = typer.Option(None, "--max-agents", min=1, help=MAX_AGENTS_HELP),
    max_shift_variables: float | None = typer.Option(None, "--max-shift-variables", min=1,
                                                     help=MAX_SHIFT_VARIABLES_HELP),
    executor: str = typer.Option("local", "--executor", help=EXECUTOR_HELP),
    scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
) -> None:
    """Schedule shifts with lunch and breaks and roster named agents for the scenario's week."""
    from optimizer import generate_agents, write_outputs
    from planning import METHODS, schedule
    from planning.review import apply_bids, review_roster
    from scenarios.bids import read_bids
    from planning.schedule import RISK_CURVE
    from planning.versions import generated_name, record_version

    if method not in METHODS:
        raise InputError([Problem("--method", f"unknown method '{method}' (choose {', '.join(METHODS)})")],
                         "invalid option")
    check_outputs(out=out, xlsx=xlsx, json=json_out)
    sc = load_scenario(scenario)
    crew = read_agents(agents, sc) if agents is not None else generate_agents(sc)
    away = read_time_off(time_off, sc, crew) if time_off is not None else None
    kept = read_locked(locked, sc, crew) if locked is not None else None
    before = _previous(sc, previous, workspace, use_published)
    wishes = read_bids(bids, {a.id for a in crew}) if bids is not None else None
    with dask_or_local(executor, workers=None, scheduler=scheduler) as run_on, \
            progress_bar(f"Scheduling ({method})") as progress:
        result = schedule(sc, agents=crew, method=method, verify=verify, rounds=rounds,
                          replications=replications, seed=seed, effort=effort, time_limit=time_limit,
                          certify_replications=certify_replications, progress=progress,
                          locked=kept, time_off=away, executor=run_on, max_contacts=max_contacts,
                          max_agents=max_agents, max_shift_variables=max_shift_variables, risk=risk or None,
                          risk_curve=RISK_CURVE if risk_curve else (), previous=before)
    outcomes = []
    if wishes is not None:
        result.roster, outcomes = apply_bids(sc, result.roster, crew, wishes, time_off=away, previous=before)
    for path in write_outputs(result, csv=out, xlsx=xlsx):
        typer.echo(f"wrote {path}")
    _summary(result)
    review = review_roster(sc, result.roster, crew, time_off=away, previous=before)
    for line in review.summary_lines():
        typer.echo(f"  {line}")
    if wishes is not None:
        typer.echo(f"  bids: {sum(o.honoured for o in outcomes)} of {len(outcomes)} honoured (seniority order)")
        for o in [o for o in outcomes if not o.honoured][:10]:
            typer.echo(f"    not honoured: {o.agent} #{o.rank} {o.bid}: {o.why}")
    write_json(json_out, {"scenario": sc.name, **result.to_json(), **review.to_json(),
                          **({"bids": [vars(o) for o in outcomes]} if wishes is not None else {})})
    if store:
        used_seed = seed if seed is not None else sc.simulation.seed
        run_id = store_run("schedule", sc, used_seed, result.to_json(), workspace, roster=result.roster,
                           intervals=result.coverage,
                           replications=_loop_replications(result, replications) if verify else None,
                           tables={"requirement": result.requirement, "groups": result.groups})
        name = version_name or generated_name(result.method, used_seed, locked is not None)
        vid = record_version(name, sc, result.roster, result.sim, seed=used_seed, run_id=run_id, workspace=workspace,
                             agents_csv=agents.read_text(encoding="utf-8") if agents is not None else None)
        typer.echo(f"stored version {vid}: {name} (ccplan versions list)")


def _loop_replications(result, given: int | None) -> int | None:
    """The loop's replications: as given, else those the precision rule chose (the kept round's sample)."""
    if given is not None:
        return given
    in_sample = result.kpis.in_sample
    return in_sample.replications if in_sample is not None else None


def _previous(sc, path: Path | None, workspace: Path | None, use_published: bool):
    """The roster before the horizon: the --previous file, else (when asked) the last published version that
    ends on the day before the horizon; None when there is none. Says which one it uses."""
    from planning.previous import published_previous, read_previous

    if path is not None:
        typer.echo(f"continuing from {path}")
        return read_previous(path, sc)
    found = published_previous(sc, workspace) if use_published else None
    if found is not None:
        typer.echo(f"continuing from {found.source}, which ends on {found.last_day}")
        return found.roster
    return None


def _summary(result) -> None:
    k = result.kpis
    typer.echo(f"{result.method}: {k.agents_rostered} agents, {k.shifts} shifts, paid {k.paid_hours:,.1f} h "
               f"(cost {k.cost:,.1f}), idle {k.idle_hours or 0:,.1f} h, solve {k.solve_seconds:.1f} s")
    if k.paid_hours_lower_bound:
        typer.echo(f"  shift-level lower bound of paid hours: {k.paid_hours_lower_bound:,.1f} h")
    for entry in result.rounds:
        line = f"  round {entry.round}: paid {entry.paid_hours:,.1f} h"
        if entry.channels:
            line += ", open intervals meeting targets in the loop's sample: " + _shares(entry.channels)
        if entry.certified:
            line += "; certified: " + _shares(entry.certified.channels)
        if entry.raised or entry.lowered:
            line += f"; then {entry.raised or 0} raised, {entry.lowered or 0} lowered"
        if entry.kept:
            line += "  <- kept"
        typer.echo(line)
    if k.in_sample:
        typer.echo(f"  the roster in the loop's sample (seed {k.in_sample.seed}, "
                   f"{k.in_sample.replications} replications): " + _shares(k.in_sample.channels))
    if k.certified:
        cert = k.certified
        verdict = "meets" if cert.meets_targets else "does NOT meet"
        typer.echo(f"  certified with fresh customers (seed {cert.seed}, {cert.replications} replications), "
                   f"open intervals meeting targets: " + _shares(k.channels)
                   + f" -> {verdict} the targets in {cert.target_share:.0%} of every channel's open intervals")
    plausible = k.certified.plausible if k.certified else None
    if plausible is not None:
        typer.echo(f"  planned at risk {plausible.risk:.0%}: on {plausible.weeks} plausible weeks of demand "
                   f"({plausible.replications} replications each), open intervals meeting targets expected on the "
                   f"real week: " + _percent(plausible.claimed) + f"; held on {plausible.risk:.0%} of the weeks: "
                   + _percent(plausible.at_risk))
    elif result.method == "ccplan" and k.simulated:
        typer.echo("  the forecast taken as exact (no risk setting or no error law of the demand)")
    if result.risk_curve:
        typer.echo("  paid hours against risk (hedged requirement, one shift selection each, no simulation): "
                   + ", ".join(f"{p.risk:.0%} {p.paid_hours:,.1f} h" for p in result.risk_curve))
    if k.simulated:
        typer.echo("  certified service level: " + ", ".join(
            f"{c} {v.service_level:.1%} (target {v.target:.0%})" for c, v in k.channels.items()
            if v.service_level is not None))
        typer.echo("  certified abandonment: " + ", ".join(
            f"{c} {v.abandon_rate:.1%}" + (f" (max {v.max_abandon_rate:.0%})" if v.max_abandon_rate else "")
            for c, v in k.channels.items() if v.abandon_rate is not None))
    if result.activities is not None:
        typer.echo(f"  {result.activities.summary()}")
    for w in result.warnings[:10]:
        typer.echo(f"  warning: {w}")
    if result.shortfalls:
        typer.echo(f"  {len(result.shortfalls)} interval(s) short of the requirement (best plan shown):")
        for s in result.shortfalls[:40]:
            typer.echo(f"    {s['ds']}  {s['channels']}: short {s['short_agents']:.2f} agents")
        if len(result.shortfalls) > 40:
            typer.echo(f"    ... and {len(result.shortfalls) - 40} more (see --json / --xlsx)")


def _shares(channels: dict[str, TargetFigures]) -> str:
    """'phone 96.1% (SL alone 99.0%), chat 100.0%': share of open intervals meeting every target of the channel
    (service level and max abandonment), with the service level alone where the channel also has a max abandonment."""
    parts = []
    for c, v in channels.items():
        if v.intervals_meeting_target is None:
            continue
        text = f"{c} {v.intervals_meeting_target:.1%}"
        if v.max_abandon_rate is not None and v.intervals_meeting_service_level is not None:
            text += f" (SL alone {v.intervals_meeting_service_level:.1%})"
        parts.append(text)
    return ", ".join(parts)


def _percent(shares: dict[str, float]) -> str:
    return ", ".join(f"{c} {v:.1%}" for c, v in shares.items())
