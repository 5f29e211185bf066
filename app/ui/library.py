"""Which packages are installed, and the app's cached calls into them.

Each call is keyed on the session scenario's hash (YAML text, base folder, data-file stamps) plus its own
arguments; see `app.ui.runs`. No modelling here: arguments go straight to the packages.
"""

from __future__ import annotations

import importlib
from typing import Any

import pandas as pd
import streamlit as st

from app.ui import runs, state


def module(name: str):
    """The module, or None when that package is not built (yet)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == name or name.startswith(exc.name + ".") or exc.name.startswith(name)):
            return None
        raise


def function(module_name: str, attr: str):
    mod = module(module_name)
    return getattr(mod, attr, None) if mod is not None else None


def not_available(what: str, package: str) -> None:
    st.info(f"{what} is not available: the `{package}` package is not installed in this build yet.",
            icon=":material/construction:")


# --- forecasting ---------------------------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=16)
def read_history(path: str, stamp: str, interval_minutes: int | None) -> pd.DataFrame:
    from forecasting import read_history as _read

    return _read(path, interval_minutes=interval_minutes)


def scenario_demand() -> pd.DataFrame:
    """The week's expected contacts per interval and channel (forecasting.scenario_demand), cached."""
    from forecasting import scenario_demand as _demand

    sc = state.scenario()
    return runs.cached("demand", (state.scenario_key(),), lambda p: _demand(sc, progress=p),
                       "Forecasting the week")


def file_stamp(path) -> str:
    try:
        s = path.stat()
        return f"{s.st_size}:{s.st_mtime_ns}"
    except OSError:
        return "missing"


def call(kind: str, parts: tuple, compute, label: str) -> Any:
    return runs.cached(kind, (state.scenario_key(), *parts), compute, label)


def forecast_bands(sc, history: pd.DataFrame) -> pd.DataFrame | None:
    """Prediction bands (ds, channel, yhat_lo, yhat_hi) for the week, or None when forecasting has no bands yet."""
    fn = function("forecasting", "forecast")
    if fn is None:
        return None
    return None


def show_backtest(sc, history: pd.DataFrame, path) -> None:
    fn = function("forecasting", "backtest")
    if fn is None:
        not_available("The backtest", "forecasting")
        return
