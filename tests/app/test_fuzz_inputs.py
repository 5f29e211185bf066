"""Property-based tests (Hypothesis) of bad input: malformed scenarios, YAML text, tables and command-line options.

The property everywhere: either a valid result, or an InputError (exit 2 on the command line) whose problems name
a field path, a `file:row N`, an option or a path; never another exception (a traceback for a user). Sizes are
bounded and examples few and derandomized, so the suite is repeatable and quick (well under a minute on 2 cores).
"""

from __future__ import annotations

import copy
import math

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from bad_input_helpers import ccplan, small, write_yaml
from scenarios import InputError, scenario_from_dict
from scenarios.io import parse_yaml

FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
TABLES = settings(FUZZ, max_examples=50)
SLOW = settings(FUZZ, max_examples=20)


def assert_named(exc: InputError) -> None:
    """An input error must say where: at least one problem names a field, row, option or path."""
    assert exc.problems, exc
    assert any(p.where for p in exc.problems), str(exc)
    for p in exc.problems:
        assert p.where or p.message.startswith("..."), str(exc)
        assert "Traceback" not in p.message and "function-before" not in p.where, str(exc)


# --- values ----------------------------------------------------------------------------------------------------

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e12, 1e300, 10 ** 30, -0.0, 2 ** 63, 0.5, 24, 1440]),
    st.integers(min_value=-10 ** 6, max_value=10 ** 6),
)
junk = st.one_of(
    numbers, st.booleans(), st.none(),
    st.text(max_size=12),
    st.sampled_from(["inf", "-inf", "nan", "24:30", "25:00", "closed", "07:00-22:00", "", "0001-01-01",
                     "9999-12-31", "2026-02-30", "XX", "Europe/Berlin", "voice", "chat", "email", "phone",
                     "[1, 2]", "ümlaut"]),
    st.lists(st.one_of(numbers, st.text(max_size=4)), max_size=4),
    st.dictionaries(st.sampled_from(["kind", "default", "a", "mon", "phone"]), st.integers(0, 5), max_size=3),
)


def leaf_paths(data, prefix=()) -> list[tuple]:
    """Every key path of a nested dict (dict nodes included: replacing a whole sub-mapping is a good mutation)."""
    out = []
    for key, value in data.items():
        out.append(prefix + (key,))
        if isinstance(value, dict):
            out += leaf_paths(value, prefix + (key,))
    return out


PATHS = leaf_paths(small())


@st.composite
def mutated_scenarios(draw) -> dict:
    """The small valid scenario with 1-4 mutations: a value replaced by junk, a key deleted, an unknown key added."""
    data = small()
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        node = data
        for key in path[:-1]:
            if not isinstance(node, dict) or key not in node:
                break
            node = node[key]
        else:
            if not isinstance(node, dict):
                continue
            action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add"]))
            if action == "replace":
                node[path[-1]] = draw(junk)
            elif action == "delete":
                node.pop(path[-1], None)
            else:
                node[draw(st.sampled_from(["extra", "aht_second", "kind", "open", "scale"]))] = draw(junk)
    return data


@FUZZ
@given(mutated_scenarios())
def test_malformed_scenarios_are_valid_or_named_input_errors(data):
    from planning.demand import scenario_demand

    try:
        scenario = scenario_from_dict(copy.deepcopy(data))
    except InputError as exc:
        assert_named(exc)
        return
    # A scenario that passes the schema gives a finite, bounded week of demand (what validate prints).
    try:
        demand = scenario_demand(scenario)
    except InputError as exc:
        assert_named(exc)
        return
    assert demand["contacts"].map(math.isfinite).all()
    assert demand["aht_seconds"].map(math.isfinite).all()


@FUZZ
@given(st.one_of(
    mutated_scenarios().map(lambda d: yaml.safe_dump(d, sort_keys=False)),
    st.text(max_size=200),
    st.builds(lambda depth, ch: "a: " + ch[0] * depth + ch[1] * depth, st.integers(0, 3000),
              st.sampled_from(["[]", "{}"])),
    st.sampled_from(["a: 1\na: 2\n", "channels:\n  x: 1\n  x: 2\n", "? [a]\n: 1\n", "a: &x [*x]\n", "- 1\n",
                     "!!python/object:os.system {}", "a: !!binary AAAA\n"]),
))
def test_any_yaml_text_is_a_scenario_or_a_named_error(text):
    try:
        data = parse_yaml(text, "s.yaml")
        if not isinstance(data, dict):
            return
        scenario_from_dict(data, check_files=False)
    except InputError as exc:
        assert_named(exc)


# --- tables ----------------------------------------------------------------------------------------------------

cells = st.one_of(
    st.sampled_from(["", "0", "3", "2.5", "-1", "inf", "-inf", "nan", "NaN", "1e12", "1e400", "abc", "12:00",
                     "2026-01-05", "all", "phone", "chat", " ", "None"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\",\x00"), max_size=6),
)
stamps = st.one_of(
    st.sampled_from(["2026-01-05 08:00", "2026-01-05 09:00", "2026-01-05 10:00", "2026-01-05 08:10",
                     "2026-01-05 11:00", "2026-01-06 08:00", "2025-12-29 08:00", "2026-02-30 08:00", "",
                     "yesterday", "2026-01-05T08:00:00+01:00", "2026-01-05T09:00:00+02:00", "2026-01-05T10:00Z",
                     "0001-01-01 00:00", "9999-12-31 23:00"]),
    cells,
)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    return ",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows)


@TABLES
@given(st.lists(st.tuples(stamps, st.sampled_from(["phone", "chat", "", "fax"]), cells, cells), max_size=12))
def test_forecast_files_are_read_or_named_by_row(tmp_path_factory, rows):
    from planning.demand import scenario_demand

    folder = tmp_path_factory.mktemp("fc")
    (folder / "fc.csv").write_text(csv_text(["ds", "channel", "yhat", "aht_seconds"], [list(r) for r in rows]))
    data = small()
    data["demand"] = {"forecast": "fc.csv"}
    scenario = scenario_from_dict(data, base_dir=folder)
    try:
        demand = scenario_demand(scenario)
    except InputError as exc:
        assert_named(exc)
        return
    assert demand["contacts"].map(math.isfinite).all() and (demand["contacts"] >= 0).all()
    assert demand["aht_seconds"].map(math.isfinite).all() and (demand["aht_seconds"] > 0).all()


@TABLES
@given(st.lists(st.tuples(stamps, st.sampled_from(["phone", "chat", ""]), cells, cells), max_size=12),
       st.booleans())
def test_histories_are_read_or_named_by_row(tmp_path_factory, rows, allow_gaps):
    from forecasting import read_history

    path = tmp_path_factory.mktemp("h") / "h.csv"
    path.write_text(csv_text(["ds", "channel", "contacts", "aht_seconds"], [list(r) for r in rows]))
    try:
        history = read_history(path, allow_gaps=allow_gaps)
    except InputError as exc:
        assert_named(exc)
        return
    known = history["contacts"].dropna()
    assert known.map(math.isfinite).all() and (known >= 0).all()


@TABLES
@given(st.lists(st.tuples(stamps, st.sampled_from(["all", "", "nobody"]), cells), max_size=10))
def test_staffing_plans_are_read_or_named_by_row(tmp_path_factory, rows):
    from scenarios import read_staffing

    path = tmp_path_factory.mktemp("p") / "plan.csv"
    path.write_text(csv_text(["ds", "skill_group", "agents"], [list(r) for r in rows]))
    scenario = scenario_from_dict(small())
    try:
        plan = read_staffing(path, scenario)
    except InputError as exc:
        assert_named(exc)
        return
    assert plan["agents"].map(math.isfinite).all() and (plan["agents"] >= 0).all()


clock = st.one_of(st.sampled_from(["08:00", "12:00", "24:00", "24:30", "7:5", "", "noon", "10:00", "09:30"]), cells)


@TABLES
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "", " "]), st.sampled_from(["all", "", "x"]),
                          st.sampled_from(["2026-01-05", "2026-01-06", "", "2026-02-30", "x"]), clock, clock,
                          clock, clock, st.sampled_from(["", "09:00-09:15", "09:00", "13:00-12:00;x"])),
                max_size=8))
def test_rosters_are_read_or_named_by_row(tmp_path_factory, rows):
    from scenarios import read_roster

    path = tmp_path_factory.mktemp("r") / "roster.csv"
    path.write_text(csv_text(["agent", "skill_group", "date", "start", "end", "lunch_start", "lunch_end", "breaks"],
                             [list(r) for r in rows]))
    scenario = scenario_from_dict(small())
    try:
        roster = read_roster(path, scenario)
    except InputError as exc:
        assert_named(exc)
        return
    for shift in roster.shifts:
        assert shift.agent and math.isfinite(shift.start_s) and shift.end_s > shift.start_s


@TABLES
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "", "c"]), st.sampled_from(["all", "", "x"]), cells, cells,
                          st.sampled_from(["", "sat", "mon 08:00-12:00", "2026-01-05", "xyz", "mon 25:00-26:00"])),
                max_size=8))
def test_agents_files_are_read_or_named_by_row(tmp_path_factory, rows):
    from scenarios import read_agents

    path = tmp_path_factory.mktemp("a") / "agents.csv"
    path.write_text(csv_text(["agent", "skill_group", "min_hours_per_week", "max_hours_per_week", "unavailable"],
                             [list(r) for r in rows]))
    try:
        agents = read_agents(path, scenario_from_dict(small()))
    except InputError as exc:
        assert_named(exc)
        return
    for agent in agents:
        assert 0 <= agent.min_hours <= agent.max_hours <= 80


clocks = st.one_of(st.sampled_from(["10:00:00", "0:00:00", "23:59:59", "24:00:00", "25:61:00", "9:75:00", "10:00",
                                    "", "abc", "-1:00:00", "10:00:60"]),
                   st.builds("{}:{:02d}:{:02d}".format, st.integers(0, 30), st.integers(0, 70), st.integers(0, 70)))
seconds = st.sampled_from(["100", "0", "-5", "abc", "1e400", "nan", "12.5", "inf"])


@TABLES
@given(st.lists(st.tuples(clocks, st.sampled_from(["AGENT", "HANG", "PHANTOM"]), seconds), min_size=1, max_size=8))
def test_call_records_become_history_or_are_named_by_row(tmp_path_factory, rows):
    # Issue 20: impossible clock times and bad service times became history without a word.
    import re

    from forecasting import history_from_calls, read_calls

    path = tmp_path_factory.mktemp("calls") / "calls.csv"
    path.write_text("date,q_start,vru_exit,vru_entry,type,outcome,ser_time\n" + "".join(
        f"990101,{clock},{clock},{clock},PS,{outcome},{handle}\n" for clock, outcome, handle in rows))
    try:
        history = history_from_calls(read_calls(path, ","), 30, name=str(path))
    except InputError as exc:
        assert_named(exc)
        return
    for clock, outcome, handle in rows:
        if outcome != "PHANTOM" and clock not in ("0:00:00", ""):
            assert re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?", clock), clock
            assert float(handle) >= 0 and math.isfinite(float(handle)), handle
    assert (history["ds"].dt.normalize() == pd.Timestamp("1999-01-01")).all()
    assert history["aht_seconds"].dropna().map(lambda v: 0 < v < math.inf).all()


@SLOW
@given(st.binary(max_size=64))
def test_any_bytes_as_a_file_are_read_or_named(tmp_path_factory, content):
    from scenarios.tables import read_table

    path = tmp_path_factory.mktemp("b") / "file.csv"
    path.write_bytes(content)
    try:
        read_table(path, ("ds",))
    except InputError as exc:
        assert_named(exc)


# --- the command line ------------------------------------------------------------------------------------------

def _no_traceback(outcome) -> None:
    assert outcome.exception is None, f"traceback: {outcome.exception!r}\n{outcome.output}"
    assert outcome.code in (0, 2), outcome.output
    event(f"exit {outcome.code}")


@SLOW
@given(mutated_scenarios(), st.sampled_from(["validate", "simulate"]))
def test_validate_and_simulate_commands_never_give_a_traceback(tmp_path_factory, data, command):
    folder = tmp_path_factory.mktemp("cli")
    path = write_yaml(data, folder / "s.yaml")
    args = [command, path] + (["-r", "2", "--workers", "1", "--no-store"] if command == "simulate" else [])
    _no_traceback(ccplan(*args))


options = st.fixed_dictionaries({}, optional={
    "-r": st.sampled_from(["0", "-1", "1", "2", "2000", "x"]),
    "--seed": st.sampled_from(["-1", "0", "7", str(2 ** 70), "x"]),
    "--workers": st.sampled_from(["0", "1", "x", "100000"]),
    "--max-contacts": st.sampled_from(["0", "10", "1e9", "nan", "inf", "x"]),
    "--max-agents": st.sampled_from(["0", "1", "x"]),
})


@SLOW
@given(options, st.sampled_from([None, "plan", "roster", "both"]), st.sampled_from([None, "ok", "missing", "folder"]))
def test_simulate_options_never_give_a_traceback(tmp_path_factory, opts, staff, out):
    folder = tmp_path_factory.mktemp("sim")
    path = write_yaml(small(), folder / "s.yaml")
    args = ["simulate", path, "--no-store"]
    for key, value in opts.items():
        args += [key, value]
    if "--workers" not in opts:
        args += ["--workers", "1"]
    assume(opts.get("-r") not in ("2000",))
    if staff in ("plan", "both"):
        (folder / "plan.csv").write_text("ds,skill_group,agents\n2026-01-05 08:00,all,3\n")
        args += ["--staffing", folder / "plan.csv"]
    if staff in ("roster", "both"):
        (folder / "ro.csv").write_text("agent,skill_group,date,start,end\na,all,2026-01-05,08:00,12:00\n")
        args += ["--roster", folder / "ro.csv"]
    if out:
        target = {"ok": folder / "o.json", "missing": folder / "nope" / "o.json", "folder": folder}[out]
        args += ["--json", target]
    _no_traceback(ccplan(*args))


@pytest.fixture(scope="module")
def small_history(tmp_path_factory):
    """Three weeks of hourly phone contacts, 08:00-12:00 on weekdays."""
    days = pd.bdate_range("2025-12-15", periods=15)
    rows = [(d + pd.Timedelta(hours=h), "phone", 10 + h) for d in days for h in range(8, 12)]
    path = tmp_path_factory.mktemp("hist") / "history.csv"
    pd.DataFrame(rows, columns=["ds", "channel", "contacts"]).to_csv(path, index=False)
    return path


@SLOW
@given(st.fixed_dictionaries({}, optional={
    "--start": st.sampled_from(["2026-02-30", "2026-01-05", "x", "0001-01-01", "", "2026-13-01"]),
    "--interval": st.sampled_from(["7", "0", "-30", "60", "120", "x"]),
    "--horizon-days": st.sampled_from(["0", "1", "3", "100"]),
    "--holiday": st.sampled_from(["2026-01-01", "x", "2026-02-30"]),
    "--holiday-country": st.sampled_from(["DE", "XX", "", "us"]),
    "--model": st.sampled_from(["weekday_mean", "snaive", "etz", ""]),
}), st.sampled_from(["ok", "missing", "folder"]))
def test_forecast_options_never_give_a_traceback(tmp_path_factory, small_history, opts, out):
    folder = tmp_path_factory.mktemp("fc")
    args = ["forecast", small_history, "--model", "weekday_mean"]
    for key, value in opts.items():
        args += [key, value]
    args += ["--out", {"ok": folder / "f.csv", "missing": folder / "nope" / "f.csv", "folder": folder}[out]]
    _no_traceback(ccplan(*args))


@settings(FUZZ, max_examples=12)
@given(st.one_of(st.builds(small), mutated_scenarios()), st.fixed_dictionaries({}, optional={
    "--method": st.sampled_from(["ccplan", "erlang-c-two-step", "magic"]),
    "--rounds": st.sampled_from(["0", "1", "31", "x"]),
    "--max-agents": st.sampled_from(["1", "0"]),
    "--seed": st.sampled_from(["-1", "3"]),
}), st.sampled_from(["ok", "missing", "folder"]))
def test_schedule_command_never_gives_a_traceback(tmp_path_factory, data, opts, out):
    folder = tmp_path_factory.mktemp("sched")
    args = ["schedule", write_yaml(data, folder / "s.yaml"), "--no-verify", "--no-store", "--effort", "1"]
    for key, value in opts.items():
        args += [key, value]
    args += ["--out", {"ok": folder / "r.csv", "missing": folder / "nope" / "r.csv", "folder": folder}[out]]
    _no_traceback(ccplan(*args))
