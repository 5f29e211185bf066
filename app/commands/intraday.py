"""`ccplan intraday`: reforecast today from the contacts so far and re-plan the rest of the day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from scenarios import DAY_MINUTES, InputError, Problem, clock_minutes, is_clock, load_scenario, read_roster

from .common import (EXECUTOR_HELP, SCHEDULER_HELP, check_outputs, dask_or_local, progress_bar, write_atomic,
                     write_json)


def register(cli: typer.Typer) -> None:
    cli.command("intraday")(intraday_command)


def intraday_command(
    scenario: Path = typer.Argument(..., metavar="SCENARIO", help="Scenario YAML file (the week being worked)."),
    roster: Path = typer.Option(..., "--roster", help="The published roster CSV of the week."),
    actuals: Path = typer.Option(..., "--actuals", help="Today's contacts so far: CSV ds, channel, contacts (complete "
                                                         "intervals before --now; closed intervals as zero rows)."),
    now: str = typer.Option(..., "--now", help="The time of day to re-plan from, HH:MM."),
    date: str = typer.Option(None, "--date", help="The day, YYYY-MM-DD (default: the date of the actuals)."),
    json_path: Path = typer.Option(None, "--json", help="Write actions, reforecast and before/after figures here."),
    out: Path = typer.Option(None, "--out", help="Write the actions as CSV here (agent, skill_group, action, start, "
                                                 "end, hours, detail)."),
    roster_out: Path = typer.Option(None, "--roster-out", help="Write the week's roster with the actions applied."),
    seed: int = typer.Option(None, "--seed", min=0, max=2 ** 31 - 1, help="Random seed (default: the scenario's)."),
    replications: int = typer.Option(40, "--replications", "-r", min=2, max=1000,
                                     help="Fresh replications certifying before and after."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, max=1024, help="Worker processes."),
    executor: str = typer.Option("local", "--executor", help=EXECUTOR_HELP),
    scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    notice: int = typer.Option(30, "--notice", min=0, max=480,
                               help="Minutes before a changed start or end or a call-in may take effect."),
    absent: str = typer.Option("", "--absent", help="Agents off today, comma-separated (their shifts of the day "
                                                   "are dropped and they are not called in)."),
) -> None:
    """Reforecast the rest of today from the contacts so far, then recommend actions (overtime, earlier starts,
    voluntary time off, moved breaks and lunches, call-ins) that meet the targets at the least paid hours, checked
    by simulating the rest of the day from the state now and certified on fresh replications."""
    from forecasting import check_actuals
    from planning.demand import scenario_demand
    from planning.intraday import Options, replan_day

    check_outputs(json=json_path, out=out, roster_out=roster_out)
    if not is_clock(now) or clock_minutes(now) >= DAY_MINUTES:
        raise InputError([Problem("--now", f"'{now}' is not a time of day HH:MM (00:00-23:59)")], "invalid options")
    sc = load_scenario(scenario)
    try:
        table = pd.read_csv(actuals)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(actuals), f"cannot read the actuals CSV ({exc})")], "invalid actuals") from None
    if not len(table):
        raise InputError([Problem(str(actuals), "no rows: give the contacts of today's intervals before --now")],
                         "invalid actuals")
    if date is None:
        stamps = pd.to_datetime(table.get("ds"), errors="coerce").dropna()
        dates = sorted({t.date() for t in stamps})
        if len(dates) != 1:
            raise InputError([Problem("--date", f"the actuals hold {len(dates)} dates "
                                                f"({', '.join(map(str, dates[:4]))}); give --date")], "invalid options")
        day = dates[0]
    else:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise InputError([Problem("--date", f"'{date}' is not a date YYYY-MM-DD")], "invalid options") from None
    last = sc.start + dt.timedelta(days=sc.days - 1)
    if not sc.start <= day <= last:
        raise InputError([Problem("--date", f"{day} is not in the scenario's week ({sc.start} to {last})")],
                         "invalid options")
    moment = pd.Timestamp(f"{day} {now}")
    checked = check_actuals(table, day, moment, list(sc.channels), sc.interval_minutes, name=str(actuals))
    week_roster = read_roster(roster, sc)
    options = Options(seed=sc.simulation.seed if seed is None else seed, certify_replications=replications,
                      workers=workers, notice_minutes=notice)
    with dask_or_local(executor, workers=workers, scheduler=scheduler) as run_on, \
            progress_bar("re-planning the day") as progress:
        demand = scenario_demand(sc)
        plan = replan_day(sc, week_roster, demand, checked, moment, options=options, progress=progress,
                          absent=[a.strip() for a in absent.split(",") if a.strip()], executor=run_on)
    actions = plan.action_table(sc)
    _print(plan, actions, sc, moment)
    if out is not None:
        write_atomic(out, lambda tmp: actions.to_csv(tmp, index=False))
        typer.echo(f"wrote {out}")
    if roster_out is not None:
        write_atomic(roster_out, lambda tmp: plan.roster.to_frame().to_csv(tmp, index=False))
        typer.echo(f"wrote {roster_out}")
    write_json(json_path, _payload(plan, actions, moment))


def _figures(table: pd.DataFrame) -> list[dict]:
    cols = ["ds", "channel", "offered", "service_level", "abandon_rate", "meets"]
    keep = table[[c for c in cols if c in table.columns]].copy()
    keep["ds"] = keep["ds"].astype(str)
    return keep.to_dict("records")


def _payload(plan, actions: pd.DataFrame, moment: pd.Timestamp) -> dict:
    refc = plan.reforecast.copy()
    refc["ds"] = refc["ds"].astype(str)
    return {"now": str(moment), "actions": actions.to_dict("records"), "hours_added": plan.hours_added,
            "hours_released": plan.hours_released, "shares_before": plan.shares_before,
            "shares_after": plan.shares_after, "reforecast": refc.to_dict("records"),
            "before": _figures(plan.before), "after": _figures(plan.after),
            "rounds": [r.to_json() for r in plan.rounds], "candidates": plan.candidates, "seconds": plan.seconds}


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _print(plan, actions: pd.DataFrame, sc, moment: pd.Timestamp) -> None:
    console = Console(width=150)
    factors = plan.reforecast.groupby("channel")["factor"].first()
    console.print("reforecast day factor (actual so far vs forecast, shrunk toward 1): "
                  + ", ".join(f"{c} x{f:.3f}" for c, f in factors.items()))
    table = Table(title=f"recommended actions from {moment:%Y-%m-%d %H:%M} ({len(actions)}; "
                        f"+{plan.hours_added:g} h added, -{plan.hours_released:g} h released)")
    for col in actions.columns:
        table.add_column(col, justify="right" if col == "hours" else "left")
    for row in actions.itertuples(index=False):
        table.add_row(*[f"{v:+g}" if isinstance(v, float) else str(v) for v in row])
    console.print(table)
    shares = Table(title="rest of the day: open intervals meeting every target (certified, fresh replications)")
    for col in ("channel", "unchanged roster", "re-planned"):
        shares.add_column(col)
    for c in sc.human_channels():
        shares.add_row(c, _pct(plan.shares_before.get(c)), _pct(plan.shares_after.get(c)))
    console.print(shares)
