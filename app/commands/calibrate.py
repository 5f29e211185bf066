"""`ccplan calibrate` and `ccplan replay`: model the center from its call records, and replay a past period."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import typer

from app.commands.common import (EXECUTOR_HELP, SCHEDULER_HELP, check_interval, check_sep, dask_or_local,
                                 progress_bar, write_json)
from scenarios import InputError, Problem
from scenarios.tables import write_text_atomic

# The reading options of `ccplan history from-calls`, with the same names and defaults.
FILE_ARG = typer.Argument(..., metavar="CALLS", help="Per-call records (whitespace-separated unless --sep).")
SEP = typer.Option(None, "--sep", help="Field separator (default: any whitespace; ',' for CSV).")
DATE_COLUMN = typer.Option("date", "--date-column", help="Date column ('' when the arrival column holds date-times).")
DATE_FORMAT = typer.Option("%y%m%d", "--date-format", help="strftime format of the date column ('' = guess).")
ARRIVAL_COLUMN = typer.Option(None, "--arrival-column", help="Arrival clock column; repeat for fallbacks (default: q_start, vru_exit).")
CHANNEL_COLUMN = typer.Option("type", "--channel-column", help="Call type / channel column ('' = one channel).")
CHANNEL_NAME = typer.Option("calls", "--channel-name", help="Channel name when there is no channel column.")
CHANNEL_MAP = typer.Option(None, "--channel-map", help="Map call types to channels, e.g. 'PS=retail,PE=retail'.")
OUTCOME_COLUMN = typer.Option("outcome", "--outcome-column", help="Outcome column ('' = none).")
SERVED = typer.Option("AGENT", "--served", help="Comma-separated outcome values of answered calls.")
IGNORE = typer.Option("PHANTOM", "--ignore", help="Comma-separated outcome values that are not calls.")
HANDLE_COLUMN = typer.Option("ser_time", "--handle-column", help="Handle time column, seconds.")
QUEUED_COLUMN = typer.Option("q_start", "--queued-column", help="Column set when the caller asked for an agent ('' = count every call).")
UNSET = typer.Option("0:00:00", "--unset", help="Value meaning a stage did not happen.")
SERVER_COLUMN = typer.Option("server", "--server-column", help="Agent column (NO_SERVER = no agent).")
WAIT_COLUMN = typer.Option("q_time", "--wait-column", help="Seconds in queue ('' = service start - arrival).")
SERVICE_START_COLUMN = typer.Option("ser_start", "--service-start-column", help="Clock time service began.")
PRIORITY_COLUMN = typer.Option("", "--priority-column", help="Customer priority column (e.g. 'priority'): calls of "
                                "high-priority customers get channels of their own, '<type>_priority', routed first "
                                "(default: none; replay: the calibration's).")
HIGH_PRIORITY = typer.Option("2", "--high-priority", help="Comma-separated values of the priority column that are high.")
FROM = typer.Option(None, "--from", help="First day to use, YYYY-MM-DD (default: the first call).")
TO = typer.Option(None, "--to", help="Last day to use, YYYY-MM-DD, included (default: the last call).")
EXECUTOR = typer.Option("local", "--executor", help=EXECUTOR_HELP)
SCHEDULER = typer.Option(None, "--scheduler", help=SCHEDULER_HELP)


def register(cli: typer.Typer) -> None:
    cli.command("calibrate")(calibrate_command)
    cli.command("replay")(replay_command)


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError([Problem(option, f"'{value}' is not a date YYYY-MM-DD")], "invalid option") from None


def _mapping(text: str | None) -> dict[str, str]:
    mapping = {}
    for pair in (text or "").split(","):
        if pair.strip():
            if "=" not in pair:
                raise InputError([Problem("--channel-map", f"'{pair}' is not TYPE=CHANNEL")], "invalid option")
            k, v = pair.split("=", 1)
            mapping[k.strip()] = v.strip()
    return mapping


def _records(file, sep, date_column, date_format, arrival_column, channel_column, channel_name, mapping,
             outcome_column, served, ignore, handle_column, queued_column, unset, server_column, wait_column,
             service_start_column, first, last, priority_column="", high_priority="2"):
    from forecasting import CallColumns, call_records, read_calls

    first_d, last_d = _day(first, "--from"), _day(last, "--to")
    if first_d and last_d and last_d < first_d:
        raise InputError([Problem("--to", f"{last_d} is before --from {first_d}")], "invalid option")
    cols = CallColumns(date=date_column or None, date_format=date_format or None,
                       arrival=tuple(arrival_column or ("q_start", "vru_exit")), channel=channel_column or None,
                       outcome=outcome_column or None, handle_seconds=handle_column or None,
                       served=tuple(s.strip() for s in served.split(",") if s.strip()),
                       ignore=tuple(s.strip() for s in ignore.split(",") if s.strip()),
                       unset=unset, queued=queued_column or None, server=server_column or None,
                       wait_seconds=wait_column or None, service_start=service_start_column or None,
                       priority=priority_column or None,
                       high_priority=tuple(s.strip() for s in high_priority.split(",") if s.strip()))
    records = call_records(read_calls(file, sep), cols, channel_map=mapping, channel_name=channel_name,
                           name=str(file), start=first_d,
                           end=None if last_d is None else last_d + dt.timedelta(days=1))
    if records.empty:
        raise InputError([Problem(str(file), "no calls in the chosen period (--from/--to)")], "invalid call records")
    return records


def _check_out(**paths: Path | None) -> None:
    for option, path in paths.items():
        if path is not None and (path.is_dir() or not path.resolve().parent.is_dir()):
            raise InputError([Problem(f"--{option}", f"{path}: not a file in an existing folder")], "invalid option")


def calibrate_command(
    file: Path = FILE_ARG,
    out: Path = typer.Option(..., "--out", help="Scenario fragment YAML to write (channels, skill groups, "
                                                "availability)."),
    report: Path = typer.Option(None, "--report", help="Report JSON with the fit tables."),
    interval: int = typer.Option(30, "--interval", help="Interval minutes: 5, 10, 15, 30 or 60."),
    threshold: float = typer.Option(20.0, "--threshold", min=1, help="Answer-within seconds of every channel's target."),
    replications: int = typer.Option(8, "--replications", "-r", min=1, help="Replications per availability evaluation."),
    seed: int = typer.Option(7, "--seed", min=0, help="Random seed of the availability fit."),
    workers: int = typer.Option(None, "--workers", "-w", min=1, help="Worker processes (default: cores)."),
    executor: str = EXECUTOR, scheduler: str = SCHEDULER,
    first: str = FROM, last: str = TO, sep: str = SEP, date_column: str = DATE_COLUMN, date_format: str = DATE_FORMAT,
    arrival_column: list[str] = ARRIVAL_COLUMN, channel_column: str = CHANNEL_COLUMN, channel_name: str = CHANNEL_NAME,
    channel_map: str = CHANNEL_MAP, outcome_column: str = OUTCOME_COLUMN, served: str = SERVED, ignore: str = IGNORE,
    handle_column: str = HANDLE_COLUMN, queued_column: str = QUEUED_COLUMN, unset: str = UNSET,
    server_column: str = SERVER_COLUMN, wait_column: str = WAIT_COLUMN, service_start_column: str = SERVICE_START_COLUMN,
    priority_column: str = PRIORITY_COLUMN, high_priority: str = HIGH_PRIORITY,
) -> None:
    """Fit handle times, patience, skill groups and agent availability by hour to call records; write a scenario
    fragment (and a report). Availability is fitted so that simulating the records' days reproduces their
    abandonment and share answered within 60 s."""
    from planning.calibrate import calibrate, write_fragment

    check_interval(interval)
    check_sep(sep)
    _check_out(out=out, report=report)
    mapping = _mapping(channel_map)
    with dask_or_local(executor, workers=workers, scheduler=scheduler) as run_on, \
            progress_bar("Calibrating") as progress:
        progress(0.02, "reading calls")
        records = _records(file, sep, date_column, date_format, arrival_column, channel_column, channel_name,
                           mapping, outcome_column, served, ignore, handle_column, queued_column, unset,
                           server_column, wait_column, service_start_column, first, last, priority_column,
                           high_priority)
        progress(0.1, f"{len(records):,} calls")
        cal = calibrate(records, interval, threshold, replications, seed, workers=workers, channel_map=mapping,
                        progress=progress, executor=run_on)
        if priority_column:
            cal.priority = {"column": priority_column, "high": [s.strip() for s in high_priority.split(",") if s.strip()]}
    write_fragment(cal, out)
    if report is not None:
        write_json(report, cal.report())
    typer.echo(f"calls {cal.period[0]} .. {cal.period[1]}: {len(records):,} that asked for an agent")
    typer.echo(f"{'channel':<10} {'calls':>7} {'handle':<12} {'mean s':>7} {'cv':>5} {'by hour':>7}  "
               f"{'patience':<12} {'mean s':>7} {'KM dist exp/wei':>16}")
    for name, h in cal.channels.items():
        p = cal.patience.get(name)
        n = int((records["channel"].replace(cal.channel_map) == name).sum())
        pat = "none" if p is None else f"{p.kind:<12} {p.mean_seconds:>7.0f} {p.km_distance_exponential:>7.3f}/" \
                                       f"{p.km_distance_weibull:.3f}"
        typer.echo(f"{name:<10} {n:>7,} {h.kind:<12} {h.mean_seconds:>7.0f} {h.cv:>5.2f} "
                   f"{'yes' if h.varies_by_hour else 'no':>7}  {pat}")
    typer.echo("skill groups: " + "; ".join(f"{g} ({sum(1 for m in cal.member.values() if m == g)} servers): "
                                            f"{', '.join(s)}" for g, s in cal.groups.items()))
    hours = [r["hour"] for r in cal.observed_by_hour if r["offered"] >= 50]
    typer.echo("availability by hour: " + " ".join(f"{h:02d}h {cal.availability[h]:.0%}" for h in hours))
    final = cal.fit_log[-1] if cal.fit_log else {}
    obs_ab = sum(r["abandon"] * r["offered"] for r in cal.observed_by_hour) / max(1, sum(r["offered"] for r in cal.observed_by_hour))
    obs_sl = sum(r["sl60"] * r["offered"] for r in cal.observed_by_hour) / max(1, sum(r["offered"] for r in cal.observed_by_hour))
    typer.echo(f"calibration days: abandonment {obs_ab:.1%} observed, {final.get('abandon_sim', float('nan')):.1%} "
               f"simulated; within 60 s {obs_sl:.1%} observed, {final.get('sl60_sim', float('nan')):.1%} simulated")
    typer.echo(f"wrote {out}" + (f" and {report}" if report else ""))


def replay_command(
    file: Path = FILE_ARG,
    scenario: Path = typer.Option(None, "--scenario", help="Scenario YAML whose channels (named as the call types or "
                                                           "mapped channels) and groups model the center; "
                                                           "availability = 1 - shrinkage."),
    calibration: Path = typer.Option(None, "--calibration", help="Fragment written by `ccplan calibrate`."),
    json_path: Path = typer.Option(None, "--json", help="Write MAE, bias and a row per day as JSON here."),
    out: Path = typer.Option(None, "--out", help="Write the per-interval table (actual vs simulated) as CSV here."),
    replications: int = typer.Option(20, "--replications", "-r", min=1, help="Replications."),
    seed: int = typer.Option(1, "--seed", min=0, help="Random seed."),
    workers: int = typer.Option(None, "--workers", "-w", min=1, help="Worker processes (default: cores)."),
    executor: str = EXECUTOR, scheduler: str = SCHEDULER,
    full_availability: bool = typer.Option(False, "--full-availability", help="Ignore the calibrated availability "
                                                                               "(agents available 100% of on-duty time)."),
    first: str = FROM, last: str = TO, sep: str = SEP, date_column: str = DATE_COLUMN, date_format: str = DATE_FORMAT,
    arrival_column: list[str] = ARRIVAL_COLUMN, channel_column: str = CHANNEL_COLUMN, channel_name: str = CHANNEL_NAME,
    channel_map: str = CHANNEL_MAP, outcome_column: str = OUTCOME_COLUMN, served: str = SERVED, ignore: str = IGNORE,
    handle_column: str = HANDLE_COLUMN, queued_column: str = QUEUED_COLUMN, unset: str = UNSET,
    server_column: str = SERVER_COLUMN, wait_column: str = WAIT_COLUMN, service_start_column: str = SERVICE_START_COLUMN,
    priority_column: str = PRIORITY_COLUMN, high_priority: str = HIGH_PRIORITY,
) -> None:
    """Simulate a past period with its real arrivals and the staffing read from its records (who worked when x
    availability), and compare per day with what happened: abandonment, answered within the threshold, 20 s and
    60 s, ASA; MAE and bias over the days."""
    from planning import ReplayModel, replay_json, replay_with
    from planning.calibrate import read_fragment
    from scenarios import load_scenario

    if (scenario is None) == (calibration is None):
        raise InputError([Problem("--scenario/--calibration", "give exactly one of --scenario and --calibration")],
                         "invalid options")
    check_sep(sep)
    _check_out(json=json_path, out=out)
    mapping = _mapping(channel_map)
    if calibration is not None:
        model = ReplayModel.from_fragment(read_fragment(calibration))
        if model.priority and not priority_column:
            priority_column, high_priority = model.priority["column"], ",".join(model.priority["high"])
    else:
        model = ReplayModel.from_scenario(load_scenario(scenario))
    # the user's --channel-map wins over the calibration's merges
    model = replace(model, channel_map={**model.channel_map, **mapping})
    if full_availability:
        model = model.fully_available()
    with dask_or_local(executor, workers=workers, scheduler=scheduler) as run_on, \
            progress_bar("Replaying") as progress:
        progress(0.05, "reading calls")
        records = _records(file, sep, date_column, date_format, arrival_column, channel_column, channel_name,
                           model.channel_map, outcome_column, served, ignore, handle_column, queued_column, unset,
                           server_column, wait_column, service_start_column, first, last, priority_column,
                           high_priority)
        progress(0.2, f"simulating {len(records):,} calls x {replications} replications")
        result = replay_with(records, model, replications=replications, seed=seed, workers=workers,
                             executor=run_on)
        progress(1.0, "done")
    days = result.days
    typer.echo(f"{'day':<11} {'calls':>6} {'abandon act/sim':>16} {'<=60s act/sim':>14} {'<=20s act/sim':>14} "
               f"{'ASA act/sim':>12}")
    for row in days.itertuples(index=False):
        typer.echo(f"{row.date!s:<11} {int(row.offered):>6} {row.abandon_actual:>7.1%}/{row.abandon_sim:<7.1%} "
                   f"{row.sl60_actual:>6.1%}/{row.sl60_sim:<7.1%} {row.sl20_actual:>6.1%}/{row.sl20_sim:<7.1%} "
                   f"{row.asa_seconds_actual:>5.0f}/{row.asa_seconds_sim:<5.0f}")
    s = result.summary
    typer.echo(f"per-day MAE (bias), simulated - actual: abandonment {s['abandon_mae_pp']:.1f} pp ({s['abandon_bias_pp']:+.1f}); "
               f"within 60 s {s['sl60_mae_pp']:.1f} pp ({s['sl60_bias_pp']:+.1f}); within 20 s "
               f"{s['sl20_mae_pp']:.1f} pp ({s['sl20_bias_pp']:+.1f}); ASA {s['asa_mae_s']:.0f} s ({s['asa_bias_s']:+.0f})")
    if json_path is not None:
        write_json(json_path, replay_json(result))
    if out is not None:
        table = result.intervals.copy()
        table["ds"] = table["ds"].dt.strftime("%Y-%m-%d %H:%M")
        write_text_atomic(out, table.to_csv(index=False))

