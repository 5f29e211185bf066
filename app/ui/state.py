"""The session's scenario (as YAML text plus the folder its relative paths resolve against) and run settings.

The YAML text is the single source of truth: pages read the scenario parsed from it, the Scenario page writes
it, and every cached result is keyed on it (plus the content stamp of the files it names), so an edit anywhere
invalidates exactly the results that depend on it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

import streamlit as st
import yaml

from scenarios import EXAMPLE_SCENARIO, Problem, Scenario, ScenarioError, scenario_from_dict

_TEXT, _BASE, _NAME, _REV = "scenario_yaml", "scenario_base_dir", "scenario_source", "scenario_rev"
SCENARIO_KEYS = (_TEXT, _BASE, _NAME)   # what the workspace desk keeps of the scenario (app.ui.desk)

# Sidebar widget keys, shared by every page (widgets of the entry script persist across pages).
REPLICATIONS, SEED, VERIFY, WORKERS = "run_replications", "run_seed", "run_verify", "run_workers"
SOLVER_EFFORT, ROUNDS = "run_solver_effort", "run_rounds"
RISK, RISK_CURVE = "run_risk", "run_risk_curve"
DEFAULT_REPLICATIONS = 20
DEFAULT_SOLVER_EFFORT = 15.0
DEFAULT_ROUNDS = 10


def scenario_path_from_argv(argv: list[str] | None = None) -> Path:
    """`streamlit run app/streamlit_app.py -- --scenario PATH`; else $CCPLAN_SCENARIO; else the example."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--scenario", default=None)
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    chosen = args.scenario or os.environ.get("CCPLAN_SCENARIO")
    return Path(chosen).expanduser().resolve() if chosen else EXAMPLE_SCENARIO


def init(path: Path) -> None:
    """Start a session once: the work kept in the workspace for this start scenario (app.ui.desk: a reload or a
    restart finds it again), else the scenario file."""
    if _TEXT in st.session_state:
        return
    from app.ui import auth, desk

    # Each user has a desk per start scenario: two planners never overwrite each other's work in progress.
    user = auth.current_user()
    if desk.restore(f"{user.name}: {path}" if user else str(path)) and _TEXT in st.session_state:
        return
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        st.session_state[_NAME] = f"{path} (unreadable: {exc}); using the example"
        path = EXAMPLE_SCENARIO
        text = path.read_text(encoding="utf-8")
    set_scenario(text, path.parent, path.name)


def set_scenario(text: str, base_dir: Path | str, source: str, reset_widgets: bool = True) -> None:
    """Make `text` the session's scenario; with `reset_widgets` the Scenario page's fields start afresh from it."""
    st.session_state[_TEXT] = text
    st.session_state[_BASE] = str(base_dir)
    st.session_state[_NAME] = source
    if reset_widgets:
        st.session_state[_REV] = st.session_state.get(_REV, 0) + 1


def scenario_text() -> str:
    return st.session_state[_TEXT]


def base_dir() -> Path:
    return Path(st.session_state[_BASE])


def source_name() -> str:
    return st.session_state.get(_NAME, "")


def revision() -> int:
    return st.session_state.get(_REV, 0)


def parse(text: str, base: str) -> Scenario:
    """Scenario from YAML text; ScenarioError lists every problem with its field path."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"YAML line {mark.line + 1}" if mark else "YAML"
        raise ScenarioError([Problem(where, f"not valid YAML ({getattr(exc, 'problem', exc)})")]) from None
    if not isinstance(data, dict):
        raise ScenarioError([Problem("(top level)", "expected a mapping of scenario fields")])
    return scenario_from_dict(data, base_dir=Path(base))


@st.cache_data(show_spinner=False, max_entries=64)
def _parse_cached(text: str, base: str) -> Scenario:
    return parse(text, base)


def scenario() -> Scenario:
    """The session's scenario (raises ScenarioError when the YAML is wrong)."""
    return _parse_cached(scenario_text(), str(base_dir()))


def files_stamp(sc: Scenario) -> str:
    """A stamp of the data files the scenario reads, so a changed file invalidates cached results."""
    parts = []
    for field in ("history", "forecast"):
        value = getattr(sc.demand, field)
        if value is not None:
            path = sc.resolve(value)
            try:
                st_ = path.stat()
                parts.append(f"{path}:{st_.st_size}:{st_.st_mtime_ns}")
            except OSError:
                parts.append(f"{path}:missing")
    return ";".join(parts)


def scenario_key() -> str:
    """Hash of everything a result computed from the session's scenario depends on."""
    sc = scenario()
    raw = "\n".join([scenario_text(), str(base_dir()), files_stamp(sc)])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


_SETTINGS = "run_settings"


def setting(key: str, default):
    """A run setting as last chosen in the sidebar.

    Kept in a plain session entry as well as in the widget: widget state of the entry script is not always carried
    across page runs (AppTest drops it), a plain entry always is.
    """
    return st.session_state.setdefault(_SETTINGS, {}).get(key, default)


def remember(key: str, value) -> None:
    st.session_state.setdefault(_SETTINGS, {})[key] = value


def replications() -> int:
    return int(setting(REPLICATIONS, DEFAULT_REPLICATIONS))


def seed(default: int = 1) -> int:
    return int(setting(SEED, default))


def verify() -> bool:
    """Schedule with simulation verification rounds (slower, checks the roster in the simulator)."""
    return bool(setting(VERIFY, True))


def solver_effort() -> float:
    """Solver budget per stage (shift selection, then the roster) in CP-SAT deterministic time."""
    return float(setting(SOLVER_EFFORT, DEFAULT_SOLVER_EFFORT))


def rounds() -> int:
    """Verification rounds (schedule, simulate, raise the requirement where service falls short)."""
    return int(setting(ROUNDS, DEFAULT_ROUNDS))


def workers() -> int | None:
    value = int(setting(WORKERS, 0) or 0)
    return value or None


def risk() -> float:
    """The share of plausible weeks the roster must hold its targets on (planning.schedule's `risk`, as
    `ccplan schedule --risk`); 0: the forecast taken as exact."""
    from planning import DEFAULT_RISK

    return float(setting(RISK, DEFAULT_RISK))


def risk_curve() -> bool:
    """Also compute paid hours against risk (planning.RISK_CURVE) when scheduling."""
    return bool(setting(RISK_CURVE, False))
