"""`ccplan`: the command line. A thin shell over scenarios, forecasting, sim and optimizer."""

from __future__ import annotations

import importlib
import sys
from importlib.metadata import PackageNotFoundError, version as _version
from pathlib import Path

import typer

from scenarios import EXAMPLE_SCENARIO, InputError, Problem

# Command modules under app/commands; each registers its commands on `cli`.
COMMAND_MODULES = ["validate", "forecast", "simulate", "schedule", "whatif", "runs", "versions", "publish", "calibrate",
                   "intraday", "backtest_plan", "capacity"]

cli = typer.Typer(
    name="ccplan",
    help="Contact-center planning: forecast contacts, simulate the week, schedule shifts and roster agents, "
         "compare what-ifs. Start with `ccplan validate SCENARIO`; `ccplan app` opens the planner app.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        try:
            typer.echo(f"ccplan {_version('ccplan')}")
        except PackageNotFoundError:
            typer.echo("ccplan (not installed)")
        raise typer.Exit()


@cli.callback()
def _root(version: bool = typer.Option(False, "--version", help="Show the version and exit.",
                                       callback=_version_callback, is_eager=True)) -> None:
    """Contact-center planning from forecast to roster."""


@cli.command("app")
def run_app(
    scenario: Path = typer.Argument(EXAMPLE_SCENARIO, help="Scenario YAML the app opens with (default: the example)."),
    port: int = typer.Option(8501, help="Port to serve on."),
    host: str = typer.Option("127.0.0.1", help="Address to serve on. The default serves this machine only; any "
                                               "other (e.g. 0.0.0.0: every network interface) shares the app and "
                                               "needs a login configured in .streamlit/secrets.toml (README: "
                                               "'Sharing the app')."),
    max_upload_mb: int = typer.Option(50, min=1, max=2048, help="Largest file the app accepts as an upload, in MB."),
    headless: bool = typer.Option(True, help="Do not open a browser window."),
) -> None:
    """Start the Streamlit planner app on a scenario (the built-in example by default), on this machine only
    unless --host shares it (with a login). Stopping this command (Ctrl-C or a termination signal) stops the
    server it started."""
    import os
    import signal
    import subprocess

    from app.ui import auth

    problem = auth.sharing_problem(host, auth.read_secrets())
    if problem:
        raise InputError([Problem("--host", problem)], "not sharing the app without a login")
    script = Path(__file__).with_name("streamlit_app.py")
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", host, "--server.maxUploadSize", str(max_upload_mb),
           "--server.headless", str(headless).lower(), "--browser.gatherUsageStats", "false",
           "--", "--scenario", str(Path(scenario).resolve())]
    where = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    typer.echo(f"ccplan app on {where} " + ("(this machine only; --host shares it with a login)"
                                            if auth.is_loopback(host) else "(shared: sign-in required)"))
    # Every workspace change in the server names its user (planning.audit): none falls back to the OS user.
    server = subprocess.Popen(cmd, env={**os.environ, "CCPLAN_MAX_UPLOAD_MB": str(max_upload_mb),
                                        "CCPLAN_REQUIRE_USER": "1"})

    def stop(signum, frame) -> None:
        # A terminated ccplan must not leave the server running on its port.
        server.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        code = server.wait()
    except KeyboardInterrupt:
        server.terminate()
        code = server.wait()
    raise typer.Exit(code)


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"app.commands.{_name}")
    except ModuleNotFoundError as exc:  # a command group not built yet
        if exc.name != f"app.commands.{_name}":
            raise
        continue
    _module.register(cli)


def main() -> None:
    """Entry point: user mistakes print their problems and exit 2, without a traceback."""
    try:
        cli()
    except InputError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
