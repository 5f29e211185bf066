"""`ccplan forecast`, `ccplan backtest` and `ccplan history from-calls`: history in, forecast and accuracy out."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import typer

from app.commands.common import check_interval, check_outputs, check_sep, progress_bar, write_atomic, write_json
from scenarios import InputError, Problem
from scenarios.bounds import FIRST_YEAR, LAST_YEAR

MODEL_HELP = "auto (lowest backtest WAPE per channel), snaive, weekday_mean, ets, mstl or sarimax."

history_app = typer.Typer(help="Build contact history from other data (per-call ACD records).", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    cli.command("forecast")(forecast_cmd)
    cli.command("backtest")(backtest_cmd)
    cli.add_typer(history_app, name="history")


def _dates(values: list[str] | None) -> list[dt.date]:
    out = []
    for v in values or []:
        try:
            out.append(dt.date.fromisoformat(v))
        except ValueError:
            raise InputError([Problem("--holiday", f"'{v}' is not a date YYYY-MM-DD")], "invalid option") from None
    return out


def _start(text: str | None) -> dt.date | None:
    """--start as a date, or InputError naming the option (2026-02-30 is not a date)."""
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError([Problem("--start", f"'{text}' is not a date YYYY-MM-DD")], "invalid option") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InputError([Problem("--start", f"year {day.year} is outside {FIRST_YEAR}-{LAST_YEAR}")],
                         "invalid option")
    return day


def _date_format(fmt: str) -> str | None:
    """--date-format checked before the file is read: a strftime pattern with at least one valid directive."""
    if not fmt:
        return None
    import pandas as pd

    if "%" not in fmt:
        raise InputError([Problem("--date-format", f"'{fmt}' has no %-directive (e.g. %y%m%d or %Y-%m-%d)")],
                         "invalid option")
    try:
        pd.to_datetime(pd.Series(["2026-01-05"]), format=fmt, errors="coerce")
    except ValueError as exc:
        raise InputError([Problem("--date-format", f"'{fmt}' is not a valid date format ({exc})")],
                         "invalid option") from None
    return fmt


def _write_table(out: Path, frame) -> None:
    write_atomic(out, lambda tmp: frame.to_csv(tmp, index=False, float_format="%.3f"))


def forecast_cmd(
    history: Path = typer.Argument(..., metavar="HISTORY", help="History CSV: ds, channel, contacts[, aht_seconds]."),
    horizon_days: int = typer.Option(7, "--horizon-days", min=1, max=62, help="Calendar days to forecast."),
    model: str = typer.Option("auto", "--model", help=MODEL_HELP),
    interval: int | None = typer.Option(None, "--interval", help="Interval minutes of the forecast (default: the history's)."),
    out: Path = typer.Option(..., "--out", help="Forecast CSV to write."),
    start: str | None = typer.Option(None, "--start", help="First day to forecast, YYYY-MM-DD (default: the day after the history)."),
    folds: int = typer.Option(4, "--folds", min=1, help="Backtest folds auto uses to choose."),
    holiday: list[str] | None = typer.Option(None, "--holiday", help="A closed day YYYY-MM-DD (repeatable)."),
    holiday_country: str | None = typer.Option(None, "--holiday-country", help="Public holidays of this country (e.g. US, DE) are closures."),
    allow_gaps: bool = typer.Option(False, "--allow-gaps", help="Leave missing history out of the fit instead of stopping."),
) -> None:
    """Forecast contacts per interval and channel, with 80% intervals (yhat_lo, yhat_hi) and AHT when known."""
    from forecasting import forecast

    first = _start(start)
    check_interval(interval)
    check_outputs(out=out)
    with progress_bar("Forecasting") as progress:
        table = forecast(history, horizon_days, model, interval_minutes=interval, start=first,
                         closed_dates=_dates(holiday), holiday_country=holiday_country, allow_gaps=allow_gaps,
                         folds=folds, progress=progress)
    for note in table.attrs.get("notes", []):
        typer.echo(f"note: {note}", err=True)
    frame = table.copy()
    frame["ds"] = frame["ds"].dt.strftime("%Y-%m-%d %H:%M")
    _write_table(out, frame)
    typer.echo(f"{'channel':<12} {'model':<20} {'contacts':>10} {'80% interval of the total':>28}")
    for channel, own in table.groupby("channel", sort=False):
        typer.echo(f"{channel:<12} {own['model'].iloc[0]:<20} {own['yhat'].sum():>10,.0f} "
                   f"{own['yhat_lo'].sum():>13,.0f} - {own['yhat_hi'].sum():>10,.0f}")
    typer.echo(f"wrote {out} ({len(table)} rows)")


def backtest_cmd(
    history: Path = typer.Argument(..., metavar="HISTORY", help="History CSV: ds, channel, contacts[, aht_seconds]."),
    folds: int = typer.Option(4, "--folds", min=1, help="Rolling-origin folds (the last N windows)."),
    horizon_days: int = typer.Option(7, "--horizon-days", min=1, max=62, help="Calendar days per fold."),
    models: str = typer.Option("weekday_mean,snaive,ets,mstl,sarimax", "--models", help="Comma-separated models to compare."),
    interval: int | None = typer.Option(None, "--interval", help="Interval minutes (default: the history's)."),
    json_path: Path | None = typer.Option(None, "--json", help="Write the rows as JSON to this file."),
    holiday: list[str] | None = typer.Option(None, "--holiday", help="A closed day YYYY-MM-DD (repeatable)."),
    holiday_country: str | None = typer.Option(None, "--holiday-country", help="Public holidays of this country are closures."),
    allow_gaps: bool = typer.Option(False, "--allow-gaps", help="Leave missing history out instead of stopping."),
) -> None:
    """Backtest models (rolling origin) per channel: WAPE, MASE, bias, daily-total MAPE, 80% coverage; `auto` row
    = the model auto would choose."""
    from forecasting import backtest

    names = [m.strip() for m in models.split(",") if m.strip()]
    check_interval(interval)
    check_outputs(json=json_path)
    with progress_bar("Backtesting") as progress:
        rows, notes = backtest(history, folds, horizon_days, names, interval_minutes=interval,
                               closed_dates=_dates(holiday), holiday_country=holiday_country, allow_gaps=allow_gaps,
                               progress=progress)
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"{'channel':<10} {'model':<22} {'folds':>5} {'WAPE':>7} {'MASE':>6} {'bias':>7} {'day MAPE':>8} "
               f"{'cover80':>7} {'fit s':>6}")
    for r in rows:
        label = r["model"] + (f" ({r['chosen']})" if "chosen" in r else "")
        typer.echo(f"{r['channel']:<10} {label:<22} {r['folds']:>5} {_pct(r['wape']):>7} {_num(r['mase']):>6} "
                   f"{_pct(r['bias'], signed=True):>7} {_pct(r['daily_mape']):>8} {_pct(r['coverage80']):>7} "
                   f"{_num(r['fit_seconds']):>6}")
    # NaN (a model that could not run) is not JSON: write null
    write_json(json_path, [{k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()}
                           for r in rows])


def _pct(x: float, signed: bool = False) -> str:
    return "-" if x is None or not math.isfinite(x) else (f"{x:+.1%}" if signed else f"{x:.1%}")


def _num(x: float) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.2f}"


@history_app.command("from-calls")
def from_calls_cmd(
    file: Path = typer.Argument(..., metavar="FILE", help="Per-call records (whitespace-separated unless --sep)."),
    interval: int = typer.Option(30, "--interval", help="Interval minutes: 5, 10, 15, 30 or 60."),
    out: Path = typer.Option(..., "--out", help="History CSV to write (ds, channel, contacts, aht_seconds)."),
    sep: str | None = typer.Option(None, "--sep", help="Field separator (default: any whitespace; ',' for CSV)."),
    date_column: str = typer.Option("date", "--date-column", help="Date column ('' when the arrival column holds date-times)."),
    date_format: str = typer.Option("%y%m%d", "--date-format", help="strftime format of the date column ('' = guess)."),
    arrival_column: list[str] | None = typer.Option(None, "--arrival-column", help="Arrival clock column; repeat for fallbacks (default: q_start, vru_exit)."),
    channel_column: str = typer.Option("type", "--channel-column", help="Call type / channel column ('' = one channel)."),
    channel_name: str = typer.Option("calls", "--channel-name", help="Channel name when there is no channel column."),
    channel_map: str | None = typer.Option(None, "--channel-map", help="Rename call types, e.g. 'PS=retail,PE=english'."),
    outcome_column: str = typer.Option("outcome", "--outcome-column", help="Outcome column ('' = none)."),
    served: str = typer.Option("AGENT", "--served", help="Comma-separated outcome values of answered calls."),
    ignore: str = typer.Option("PHANTOM", "--ignore", help="Comma-separated outcome values that are not calls."),
    handle_column: str = typer.Option("ser_time", "--handle-column", help="Handle time column, seconds ('' = none)."),
    queued_column: str = typer.Option("q_start", "--queued-column", help="Column set when the caller asked for an agent ('' = count every call)."),
    unset: str = typer.Option("0:00:00", "--unset", help="Value meaning a stage did not happen."),
) -> None:
    """Count per-call records (arrival, channel or call type, outcome, handle time) into a long-format history."""
    from forecasting import CallColumns, history_from_calls, read_calls
    from scenarios.tables import check_readable

    check_interval(interval)
    check_sep(sep)
    mapping = {}
    for pair in (channel_map or "").split(","):
        if pair.strip():
            if "=" not in pair:
                raise InputError([Problem("--channel-map", f"'{pair}' is not TYPE=CHANNEL")], "invalid option")
            k, v = pair.split("=", 1)
            mapping[k.strip()] = v.strip()
    check_outputs(out=out)
    check_readable(file, "invalid call records")
    cols = CallColumns(date=date_column or None, date_format=_date_format(date_format),
                       arrival=tuple(arrival_column or ("q_start", "vru_exit")), channel=channel_column or None,
                       outcome=outcome_column or None, handle_seconds=handle_column or None,
                       served=tuple(s.strip() for s in served.split(",") if s.strip()),
                       ignore=tuple(s.strip() for s in ignore.split(",") if s.strip()),
                       unset=unset, queued=queued_column or None)
    with progress_bar("Counting calls") as progress:
        progress(0.1, "reading")
        calls = read_calls(file, sep)
        progress(0.5, f"{len(calls):,} records")
        table = history_from_calls(calls, interval, cols, channel_name=channel_name, channel_map=mapping,
                                   name=str(file))
    frame = table.copy()
    frame["ds"] = frame["ds"].dt.strftime("%Y-%m-%d %H:%M")
    write_atomic(out, lambda tmp: frame.to_csv(tmp, index=False))
    for channel, own in table.groupby("channel", sort=True):
        served_aht = (own["aht_seconds"] * own["contacts"]).sum() / own.loc[own["aht_seconds"].notna(), "contacts"].sum() \
            if own["aht_seconds"].notna().any() else float("nan")
        typer.echo(f"{channel:<10} {int(own['contacts'].sum()):>8,} contacts  AHT {_num(served_aht)} s")
    typer.echo(f"wrote {out} ({len(table)} rows, {interval}-minute intervals)")
