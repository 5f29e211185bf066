"""The app's cached calls into the packages.

Each call is keyed on the session scenario's hash (YAML text, base folder, data-file stamps) plus its own
arguments; see `app.ui.runs`. No modelling here: arguments go straight to the packages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from app.ui import runs, state


# --- forecasting ---------------------------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=16)
def read_history(path: str, stamp: str, interval_minutes: int | None) -> pd.DataFrame:
    from forecasting import read_history as _read

    return _read(path, interval_minutes=interval_minutes)


def week_demand():
    """The week's demand resolved once (planning.week_demand: expected contacts per interval and channel with the
    forecast's error law), cached, with the handle time from the source the planner chose on the Data page
    (app.ui.history: the history's or the scenario's; planning.aht)."""
    from dataclasses import replace

    from app.ui import history
    from planning import week_demand as _week_demand
    from planning.aht import with_aht_source

    sc = state.scenario()
    source = history.aht_source()

    def compute(progress):
        resolved = _week_demand(sc, progress=progress)
        return replace(resolved, table=with_aht_source(sc, resolved.table, source))

    return runs.cached("demand", (state.scenario_key(), source), compute, "Forecasting the week")


def scenario_demand() -> pd.DataFrame:
    """The week's expected contacts and handle time per interval and channel (`week_demand().table`)."""
    return week_demand().table


def file_stamp(path) -> str:
    try:
        s = path.stat()
        return f"{s.st_size}:{s.st_mtime_ns}"
    except OSError:
        return "missing"


def call(kind: str, parts: tuple, compute, label: str) -> Any:
    return runs.cached(kind, (state.scenario_key(), *parts), compute, label)


def forecast_bands(sc, history_path) -> pd.DataFrame | None:
    """The week's forecast with its 80% prediction band (forecasting.forecast on the scenario's history and model),
    the scenario's demand scales applied as `scenario_demand` applies them."""
    from forecasting import forecast

    def compute(progress):
        out = forecast(str(history_path), horizon_days=sc.days, model=sc.demand.model,
                       interval_minutes=sc.interval_minutes, start=sc.start, closed_dates=sc.holidays,
                       holiday_country=sc.holiday_country, progress=progress)
        scale = out["channel"].map(sc.demand.factor)
        for col in ("yhat", "yhat_lo", "yhat_hi"):
            out[col] = out[col] * scale
        return out

    return call("forecast_bands", (str(history_path),), compute, "Forecasting with prediction bands")


BACKTEST_FAST = ("weekday_mean", "snaive")


def model_names() -> list[str]:
    from forecasting import MODEL_NAMES

    return [n for n in MODEL_NAMES if n != "auto"]


def backtest(history_path, models: tuple[str, ...], folds: int, sc) -> tuple[pd.DataFrame, list[str]]:
    """forecasting.backtest of `models` on the history (rolling origin, `folds` weeks), cached."""
    from forecasting import backtest as _backtest

    path = Path(history_path)

    def compute(progress):
        rows, notes = _backtest(str(path), folds=folds, horizon_days=7, models=list(models),
                                interval_minutes=sc.interval_minutes, closed_dates=sc.holidays,
                                holiday_country=sc.holiday_country, progress=progress)
        return pd.DataFrame(rows), notes

    return runs.cached("backtest", (str(path), file_stamp(path), tuple(models), folds, sc.interval_minutes,
                                    tuple(sc.holidays), sc.holiday_country), compute,
                       f"Backtesting {len(models)} model{'s' if len(models) != 1 else ''}")


# --- optimizer -----------------------------------------------------------------------------------------------

# The app's solver stages stop on the effort budget alone (CP-SAT deterministic time, as the CLI's --effort), never
# on the wall clock: on a shared machine, or with what-if variants solved side by side, a wall-clock limit would
# cut stages short and the app's plans would differ from the CLI's for the same settings.
APP_TIME_LIMIT = None

def schedule_parts() -> tuple:
    verify = state.verify()
    from app.ui import week

    from app.ui import history

    return (f"verify:{state.rounds()}" if verify else "analytic", state.seed(), state.replications() if verify else 0,
            state.solver_effort(), state.workers(), week.inputs_key(), history.aht_source(), state.risk(),
            state.risk_curve())


def schedule_key() -> str:
    """A stamp of everything a generated roster depends on (scenario, uploads, run settings): stable across
    reloads and restarts, so the roster being edited knows which inputs it was made for."""
    return runs.input_key("schedule", state.scenario_key(), *schedule_parts())[:16]


def schedule(compute: bool = True):
    """The week's schedule (planning.schedule) for the session's scenario, run settings and the uploaded agents,
    time off and locked shifts (app.ui.week).

    With `compute=False` only a result already in the cache is returned (None otherwise).
    """
    from app.ui import week
    from planning import schedule as _schedule

    parts = schedule_parts()
    if not compute:
        return runs.peek("schedule", (state.scenario_key(), *parts))
    from planning.schedule import RISK_CURVE

    sc = state.scenario()
    demand = week_demand()
    knobs = dict(demand=demand.table, uncertainty=demand.uncertainty, risk=state.risk() or None,
                 risk_curve=RISK_CURVE if state.risk_curve() else (), verify=state.verify(), rounds=state.rounds(),
                 replications=state.replications(), seed=state.seed(), effort=state.solver_effort(),
                 time_limit=APP_TIME_LIMIT, progress=None)
    if state.workers():
        knobs["workers"] = state.workers()
    def compute(progress):
        result = _schedule(sc, **{**knobs, **week.schedule_inputs(sc), "progress": progress})
        # Every generated roster is kept as a version (app.ui.week): nothing generated is lost.
        week.keep_generated(sc, result, state.seed())
        return result

    return call("schedule", parts, compute, "Scheduling the week")


def baseline(compute: bool = True):
    """The Erlang C two-step baseline's schedule (planning.schedule, method "erlang-c-two-step", not simulated) for
    the same scenario, demand, agents, time off and solver effort, for its paid hours beside ccplan's; with
    `compute=False` only a cached one (or None)."""
    from app.ui import history, week
    from planning import schedule as _schedule

    parts = (state.solver_effort(), state.workers(), week.inputs_key(), history.aht_source())
    if not compute:
        return runs.peek("baseline", (state.scenario_key(), *parts))
    sc = state.scenario()
    demand = scenario_demand()
    return call("baseline", parts, lambda p: _schedule(
        sc, demand=demand, method="erlang-c-two-step", verify=False, effort=state.solver_effort(),
        time_limit=APP_TIME_LIMIT, risk=None, progress=p, **week.schedule_inputs(sc)),
        "Scheduling the Erlang C two-step baseline")


# --- simulation ----------------------------------------------------------------------------------------------

def simulate(staffing, staffing_key: str, compute: bool = True):
    """planning.simulate (size-guarded) for the session's scenario with `staffing` (a plan, a Roster or None), cached
    on its key. With `compute=False` only a result already in the cache is returned (None otherwise)."""
    from app.ui import history
    from planning import simulate as _simulate

    reps, seed = state.replications(), state.seed()
    parts = (staffing_key, reps, seed, history.aht_source())
    if not compute:
        return runs.peek("simulate", (state.scenario_key(), *parts))
    sc = state.scenario()
    demand = scenario_demand()
    return call("simulate", parts,
                lambda p: _simulate(sc, staffing, demand=demand, replications=reps, seed=seed,
                                    workers=state.workers(), progress=p),
                f"Simulating {reps} replication{'s' if reps != 1 else ''}")


def store_run(kind: str, result_json: dict, roster=None, tables: dict | None = None, label: str = "") -> int:
    """Save a run in the workspace (planning.store); returns its id."""
    from planning.store import Workspace

    sc = state.scenario()
    with Workspace() as ws:
        return ws.add_run(kind, sc, result_json, seed=state.seed(), replications=state.replications(), roster=roster,
                          tables=tables, label=label)


# --- what-if -------------------------------------------------------------------------------------------------

def run_whatif(variants, reoptimize: bool, spec_key):
    """planning.whatif.run_whatif on the variants; fixed staff is the Schedule page's roster (or constant agents).

    Variants are stored in the workspace as one batch. Cached on the variant spec and the run settings.
    """
    from planning import whatif
    from planning.execution import open_executor
    from planning.store import Workspace

    from app.ui import history

    sc = state.scenario()
    staffing = None
    if not reoptimize and not any(g.constant_agents for g in sc.skill_groups.values()):
        staffing = schedule().roster
    reps, seed, workers, verify = state.replications(), state.seed(), state.workers(), state.verify()

    def compute(progress):
        with open_executor("local", workers=workers) as ex, Workspace() as ws:
            return whatif.run_whatif(variants, staffing, reoptimize=reoptimize, replications=reps, seed=seed,
                                     executor=ex.executor, workers=ex.workers, workspace=ws, verify=verify,
                                     effort=state.solver_effort(), time_limit=APP_TIME_LIMIT,
                                     aht_source=history.aht_source(), risk=state.risk() or None,
                                     progress=progress)

    what = ("each re-optimised: a full schedule per variant, run side by side, then simulated" if reoptimize
            else "each simulated with the same staff")
    return call("whatif", (spec_key, reoptimize, reps, seed, schedule_parts()), compute,
                f"Running {len(variants)} variants ({', '.join(v.label for v in variants)}; {what})")


def schedule_view(result: ScheduleResult, sc) -> dict:
    """What the Schedule page shows of a planning.ScheduleResult: KPIs, coverage (long: ds, key, series,
    agents), short intervals and notes. Only reshaping for display."""
    kp = result.kpis
    extra = {}
    if kp.paid_hours_lower_bound is not None:
        extra["Paid hours lower bound"] = f"{kp.paid_hours_lower_bound:,.1f}"
    extra["Intervals below the requirement"] = f"{kp.short_intervals:,}"
    if kp.idle_hours is not None:
        extra["Idle hours" + ("" if kp.simulated else " (analytic)")] = f"{kp.idle_hours:,.1f}"
    if result.rounds:
        extra["Solve rounds"] = f"{len(result.rounds)}"
    certified = kp.certified
    verdict = None
    if certified is not None:
        # A sentence, not a tile: a metric tile cuts long text off.
        verdict = (certified.meets_targets,
                   f"Certified: the roster {'meets' if certified.meets_targets else 'does not meet'} every channel's "
                   f"targets in {certified.target_share:.0%} of open intervals ({certified.replications} "
                   f"replications of fresh customers, seed {certified.seed}).")
    for c, v in (certified.channels if certified is not None else {}).items():
        if v.intervals_meeting_target is not None:
            extra[f"{c} on target, certified"] = f"{100 * v.intervals_meeting_target:.1f}%"
    for c, v in (kp.in_sample.channels if kp.in_sample is not None else {}).items():
        if v.intervals_meeting_target is not None:
            extra[f"{c} on target, loop's sample"] = f"{100 * v.intervals_meeting_target:.1f}%"
    rounds = pd.DataFrame([{"round": r.round, "paid hours": r.paid_hours,
                            **{f"{c} on target": v.intervals_meeting_target for c, v in (r.channels or {}).items()},
                            **{f"{c} certified": v.intervals_meeting_target
                               for c, v in (r.certified.channels if r.certified is not None else {}).items()},
                            "raised": r.raised, "lowered": r.lowered, "kept": r.kept}
                           for r in result.rounds])
    coverage = None
    cov = result.coverage
    if cov is not None and len(cov):
        per_channel = cov.melt(id_vars=["ds", "channel"], value_vars=["required", "scheduled"], var_name="series",
                               value_name="agents").rename(columns={"channel": "key"})
        total_req = cov.groupby("ds", sort=True)["required"].sum()
        groups = result.groups
        parts = [per_channel]
        if groups is not None and len(groups):
            total_av = groups.groupby("ds", sort=True)["available"].sum()
            parts.insert(0, pd.DataFrame({"ds": list(total_req.index) * 2, "key": "all channels",
                                          "series": ["required"] * len(total_req) + ["scheduled"] * len(total_av),
                                          "agents": list(total_req.to_numpy()) + list(total_av.to_numpy())}))
        coverage = pd.concat(parts, ignore_index=True)
    shortfalls = pd.DataFrame(result.shortfalls)
    missed = pd.DataFrame(kp.certified_short_intervals) if kp.certified_short_intervals else None
    return {"cost": kp.cost, "summary": result.sim.summary if result.sim is not None else None,
            "extra": extra, "coverage": coverage, "shortfalls": shortfalls, "rounds": rounds,
            "notes": list(result.warnings) + ([result.activities.summary()] if result.activities else []),
            "verdict": verdict, "missed": missed}


def describe_inputs() -> str:
    """The inputs a roster is generated for, in words (shown when they have changed since)."""
    from app.ui import history, week

    sc = state.scenario()
    uploads = [what for what, key in (("agents", week.AGENTS), ("time off", week.TIME_OFF),
                                      ("locked shifts", week.LOCKED)) if st.session_state.get(key)]
    return (f"scenario {sc.name} as of {dt.datetime.now():%Y-%m-%d %H:%M}, handle times from the "
            f"{history.aht_source()}, risk {state.risk():.0%}, seed {state.seed()}"
            + (f", uploaded {', '.join(uploads)}" if uploads else ""))


def roster_excel(result, sc) -> bytes:
    """The schedule as an Excel workbook (optimizer.export.write_excel)."""
    import tempfile

    from optimizer import write_excel

    def build() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "roster.xlsx"
            write_excel(result, path)
            return path.read_bytes()

    return runs.memo("roster_xlsx", (state.scenario_key(), *schedule_parts()), build)
