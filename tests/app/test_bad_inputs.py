"""The corpus of bad inputs from issue 13, one test per class: each gives exit 2 and a message naming its field,
file row, interval, option or path; none gives a traceback; absurd sizes are refused before any work."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from bad_input_helpers import assert_user_error, ccplan, small, write_yaml
from scenarios import InputError, ScenarioError, scenario_from_dict
from scenarios.io import parse_yaml


def problems(data) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    return [str(p) for p in info.value.problems]


# --- infinite, NaN and huge numbers: every float field of the schema ---------------------------------------------

FLOAT_FIELDS = [
    "channels.phone.aht_seconds", "channels.phone.patience_seconds", "channels.phone.service_cv",
    "channels.phone.patience_cv", "channels.phone.target.answer_within_seconds",
    "channels.chat.aht_seconds", "channels.chat.patience_seconds", "channels.chat.target.answer_within_seconds",
    "channels.chat.concurrency_slowdown", "channels.phone.target.service_level",
    "channels.phone.target.max_abandon_rate",
    "channels.email.aht_seconds", "channels.email.target.respond_within_hours", "channels.email.target.service_level",
    "channels.bot.handle_seconds", "channels.bot.escalated_aht_factor", "channels.bot.containment",
    "channels.bot.capacity_sessions",
    "demand.scale", "demand.overdispersion", "demand.rates.phone", "shrinkage",
    "skill_groups.all.hourly_cost", "skill_groups.all.min_hours_per_week", "skill_groups.all.max_hours_per_week",
    "skill_groups.all.headcount", "skill_groups.all.constant_agents",
    "shift_rules.lunch_after_hours", "shift_rules.lunch_minutes", "shift_rules.breaks_minutes",
    "shift_rules.break_every_hours", "shift_rules.min_rest_hours", "shift_rules.start_every_minutes",
    "simulation.seed",
]


def _set(data: dict, path: str, value) -> None:
    *head, last = path.split(".")
    for key in head:
        data = data.setdefault(key, {})
    data[last] = value


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 1e300])
@pytest.mark.parametrize("path", FLOAT_FIELDS)
def test_non_finite_and_huge_numbers_are_named_by_field(path, value):
    data = small()
    _set(data, path, value)
    msgs = problems(data)
    assert any(m.startswith(f"{path}:") for m in msgs), msgs


def test_the_bound_is_named_in_the_message():
    data = small()
    data["channels"]["phone"]["aht_seconds"] = math.inf
    assert problems(data) == ["channels.phone.aht_seconds: must be finite and at most 14400 s (4 h) (got inf)"]
    data = small()
    data["demand"]["rates"]["phone"] = 1e12
    assert problems(data) == ["demand.rates.phone: must be at most 1000000 contacts per interval (got 1e+12)"]


def test_inf_written_as_text_is_caught_too():
    data = small()
    data["channels"]["email"]["aht_seconds"] = "inf"
    assert any(m.startswith("channels.email.aht_seconds: must be finite") for m in problems(data))


def test_yes_and_no_are_not_numbers():
    data = small()
    data["channels"]["phone"]["aht_seconds"] = True
    data["skill_groups"]["all"]["headcount"] = False
    assert problems(data) == ["channels.phone.aht_seconds: must be a number, not true",
                              "skill_groups.all.headcount: must be a number, not false"]


def test_lists_of_numbers_name_the_item():
    data = small()
    data["demand"]["rates"]["phone"] = [1.0] * 23 + [math.nan]
    assert problems(data) == ["demand.rates.phone[23]: must be finite and at most 1000000 contacts per interval "
                              "(got nan)"]


# --- nonsense accepted silently before ---------------------------------------------------------------------------

@pytest.mark.parametrize("path, value, expected", [
    ("shift_rules.latest_end", "24:30", "shift_rules.latest_end: '24:30' is not a clock time"),
    ("shift_rules", {"lengths_hours": [8], "lunch_window_hours": [9, 10]}, "shift_rules: lunch_window_hours (9, 10)"),
    ("shift_rules.breaks_minutes", 600, "shift_rules.breaks_minutes: must be at most 60 min (got 600)"),
    ("skill_groups.all.max_hours_per_week", 200, "skill_groups.all.max_hours_per_week: must be at most 80 h"),
    ("holiday_country", "XX", "holiday_country: unknown country code 'XX'"),
    ("timezone", "", "timezone: is empty"),
    ("timezone", "Mars/Olympus", "timezone: unknown time zone 'Mars/Olympus'"),
    ("start", "0001-01-01", "start: year 1 is outside 1970-2200"),
    ("start", "9999-01-01", "start: year 9999 is outside 1970-2200"),
    ("open", "closed", "open: every voice, chat and deferred channel is closed the whole week"),
])
def test_nonsense_values_are_named(path, value, expected):
    data = small()
    if path == "shift_rules":
        data["shift_rules"].update(value, earliest_start="06:00", latest_end="24:00")
    else:
        _set(data, path, value)
    if path == "open":
        for ch in data["channels"].values():
            ch.pop("open", None)
    msgs = problems(data)
    assert any(m.startswith(expected) for m in msgs), msgs


def test_rates_for_closed_intervals_are_named_with_the_interval():
    data = small()
    data["demand"]["rates"]["phone"] = [0.0] * 8 + [5.0] * 4 + [1.0] + [0.0] * 11
    (msg,) = problems(data)
    assert msg.startswith("demand.rates.phone: 1 value(s) > 0 fall in intervals when phone is closed")
    assert "[12] Mon 2026-01-05 12:00" in msg


def test_duplicate_yaml_keys_are_rejected_by_name(tmp_path):
    text = (tmp_path / "s.yaml")
    text.write_text("name: x\nchannels:\n  phone: {kind: voice}\n  phone: {kind: chat}\n")
    out = ccplan("validate", text)
    assert_user_error(out, f"{text}:line 4: key 'phone' appears twice in the same mapping (first on line 3)")


def test_control_characters_in_yaml_are_named():
    # Found by tests/test_fuzz_inputs.py: PyYAML's reader raised outside the YAML error handling.
    with pytest.raises(ScenarioError, match=r"s.yaml: character #x001f at offset 0 is not allowed in YAML"):
        parse_yaml("\x1f", "s.yaml")


def test_deeply_nested_yaml_is_an_input_error():
    for text in ("a: " + "[" * 5000 + "]" * 5000, "a: " + "[" * 60 + "]" * 60, "{" * 100_000):
        with pytest.raises(ScenarioError, match="nested"):
            parse_yaml(text, "deep.yaml")


# --- files: encodings, folders, unreadable -----------------------------------------------------------------------

@pytest.mark.parametrize("content, expected", [
    ("name: café\n".encode("latin-1"), "is not UTF-8 text (byte 0xe9"),
    ("name: x\n".encode("utf-16"), "is UTF-16 text; save it as UTF-8"),
    (bytes(range(256)) * 4, "is not UTF-8 text"),
    (b"name: x\x00\x00\n", "is a binary file, not text"),
])
def test_files_in_another_encoding_are_named(tmp_path, content, expected):
    for command, suffix in (("validate", "yaml"), ("forecast", "csv")):
        path = tmp_path / f"file.{suffix}"
        path.write_bytes(content)
        args = [command, path] + (["--out", tmp_path / "f.csv"] if command == "forecast" else [])
        assert_user_error(ccplan(*args), f"{path}: {expected}")


def test_a_folder_where_a_file_is_expected(tmp_path):
    sc = write_yaml(small(), tmp_path / "s.yaml")
    assert_user_error(ccplan("validate", tmp_path), f"{tmp_path}: is a folder, not a file")
    assert_user_error(ccplan("simulate", sc, "--staffing", tmp_path, "--no-store"), f"{tmp_path}: is a folder")
    assert_user_error(ccplan("forecast", tmp_path, "--out", tmp_path / "f.csv"), f"{tmp_path}: is a folder")
    assert_user_error(ccplan("history", "from-calls", tmp_path, "--out", tmp_path / "h.csv"),
                      f"{tmp_path}: is a folder")


def test_an_unreadable_file_is_named(tmp_path, monkeypatch):
    from pathlib import Path

    path = write_yaml(small(), tmp_path / "s.yaml")

    def denied(self):
        raise PermissionError(13, "Permission denied")
    # Running as root ignores file modes, so the refusal is simulated where the file is read.
    monkeypatch.setattr(Path, "read_bytes", denied)
    assert_user_error(ccplan("validate", path), f"{path}: cannot be read (Permission denied)")


# --- tables -------------------------------------------------------------------------------------------------------

def _forecast_scenario(tmp_path, rows: str):
    (tmp_path / "fc.csv").write_text(rows)
    data = small()
    data["demand"] = {"forecast": "fc.csv"}
    return write_yaml(data, tmp_path / "s.yaml")


@pytest.mark.parametrize("rows, expected", [
    ("ds,channel,yhat\n", "fc.csv: has a header but no rows"),
    ("ds,channel,yhat\n2026-01-05 08:10,phone,3\n", "fc.csv:row 2: ds 2026-01-05 08:10 is not on the scenario's 60-minute grid"),
    ("ds,channel,yhat\n2026-01-05 08:00,phone,3\n2026-01-05 08:00,phone,4\n", "fc.csv: rows 2, 3 give the same interval and channel twice"),
    ("ds,channel,yhat\n2026-01-05 08:00,phone,inf\n", "fc.csv:row 2: yhat must be finite, >= 0"),
    ("ds,channel,yhat,aht_seconds\n2026-01-05 08:00,phone,3,-5\n", "fc.csv:row 2: aht_seconds must be > 0"),
    ("ds,channel,yhat,aht_seconds\n2026-01-05 08:00,phone,3,NaN\n", "fc.csv:row 2: aht_seconds 'NaN' is not a number"),
    ("ds,channel,yhat\n2026-01-05 08:00,,3\n", "fc.csv:row 2: channel is empty"),
    ("ds,channel,yhat\n2027-01-05 08:00,phone,3\n", "fc.csv: no row falls in the scenario's week"),
])
def test_bad_forecast_files_name_the_row(tmp_path, rows, expected):
    assert_user_error(ccplan("validate", _forecast_scenario(tmp_path, rows)), expected)


@pytest.mark.parametrize("row, expected", [
    ("2026-01-05 08:00,phone,inf,", "h.csv:row 2: contacts must be finite"),
    ("2026-01-05 08:00,phone,3,abc", "h.csv:row 2: aht_seconds 'abc' is not a number"),
    ("2026-01-05 08:00,phone,3,-20", "h.csv:row 2: aht_seconds must be >= 0"),
    ("2026-01-05 08:00,phone,3,inf", "h.csv:row 2: aht_seconds must be finite"),
])
def test_bad_history_rows_are_named(tmp_path, row, expected):
    path = tmp_path / "h.csv"
    path.write_text("ds,channel,contacts,aht_seconds\n" + row + "\n2026-01-05 08:30,phone,3,100\n")
    assert_user_error(ccplan("forecast", path, "--out", tmp_path / "f.csv"), expected)


@pytest.mark.parametrize("rows, expected", [
    (",all,2026-01-05,08:00,12:00\n", "ro.csv:row 2: agent is empty"),
    ("a,all,,08:00,12:00\n", "ro.csv:row 2: date is empty"),
    ("a,all,2026-01-32,08:00,12:00\n", "ro.csv:row 2: date '2026-01-32' is not a date YYYY-MM-DD"),
])
def test_empty_roster_cells_are_named(tmp_path, rows, expected):
    sc = write_yaml(small(), tmp_path / "s.yaml")
    (tmp_path / "ro.csv").write_text("agent,skill_group,date,start,end\n" + rows)
    assert_user_error(ccplan("simulate", sc, "--roster", tmp_path / "ro.csv", "--no-store"), expected)


def test_inf_in_a_staffing_plan_and_an_agents_file(tmp_path, example):
    from scenarios import read_agents
    from scenarios import read_staffing

    sc = scenario_from_dict(small())
    (tmp_path / "plan.csv").write_text("ds,skill_group,agents\n2026-01-05 08:00,all,inf\n")
    with pytest.raises(InputError, match=r"plan.csv:row 2: agents must be finite"):
        read_staffing(tmp_path / "plan.csv", sc)
    (tmp_path / "agents.csv").write_text("agent,skill_group,max_hours_per_week\na,all,inf\nb,all,200\n")
    with pytest.raises(InputError) as info:
        read_agents(tmp_path / "agents.csv", sc)
    text = str(info.value)
    assert "agents.csv:row 2: max_hours_per_week must be finite" in text
    assert "agents.csv:row 3: max_hours_per_week must be at most 80 h" in text


# --- options ------------------------------------------------------------------------------------------------------

def test_invalid_start_and_date_format_options(tmp_path):
    history = tmp_path / "h.csv"
    history.write_text("ds,channel,contacts\n2026-01-05 08:00,phone,3\n2026-01-05 08:30,phone,3\n")
    assert_user_error(ccplan("forecast", history, "--start", "2026-02-30", "--out", tmp_path / "f.csv"),
                      "--start: '2026-02-30' is not a date YYYY-MM-DD")
    calls = tmp_path / "calls.tsv"
    calls.write_text("date q_start type outcome ser_time\n990101 10:00:00 PS AGENT 100\n")
    for fmt in ("%Q", "%y%m%d%", "yymmdd"):
        assert_user_error(ccplan("history", "from-calls", calls, "--date-format", fmt, "--out", tmp_path / "h2.csv"),
                          "--date-format:")


# --- sizes: refused quickly, before any simulation ----------------------------------------------------------------

@pytest.fixture
def no_simulation(monkeypatch):
    """Any forecast or simulation started fails the test: the refusals below (the size guard at the entry of
    planning.simulate among them) must come before the work."""
    import importlib

    def boom(*args, **kwargs):
        raise AssertionError("the simulation started")
    run = importlib.import_module("planning.run")
    monkeypatch.setattr(run, "scenario_demand", boom)
    monkeypatch.setattr(run, "simulate_week", boom)


def test_absurd_sizes_are_refused_before_work(tmp_path, no_simulation, monkeypatch):
    monkeypatch.delenv("CCPLAN_MAX_CONTACTS", raising=False)
    data = small()
    data["demand"]["rates"]["phone"] = 1e12
    assert_user_error(ccplan("simulate", write_yaml(data, tmp_path / "a.yaml"), "--no-store"),
                      "demand.rates.phone: must be at most 1000000 contacts per interval")
    data = small()
    data["demand"]["scale"] = 1e6
    assert_user_error(ccplan("simulate", write_yaml(data, tmp_path / "b.yaml"), "--no-store"),
                      "demand.scale: must be at most 100")
    data = small()
    data["demand"]["rates"]["phone"] = 1_000_000
    data["demand"]["scale"] = 100
    out = assert_user_error(ccplan("simulate", write_yaml(data, tmp_path / "c.yaml"), "--no-store"),
                            "about 400,004,800 contacts per replication", "--max-contacts N", "$CCPLAN_MAX_CONTACTS")
    assert "GiB of memory" in out
    plan = tmp_path / "plan.csv"
    plan.write_text("ds,skill_group,agents\n" + "".join(f"2026-01-05 {h:02d}:00,all,{n}\n"
                                                          for h, n in ((8, 40000), (9, 40000), (10, 40000))))
    sc = write_yaml(small(), tmp_path / "d.yaml")
    assert_user_error(ccplan("simulate", sc, "--staffing", plan, "--no-store"),
                      "40,000 agents (on duty at once, or to roster) is above the limit of 20,000", "--max-agents N")
    plan.write_text("ds,skill_group,agents\n2026-01-05 08:00,all,100000\n")
    assert_user_error(ccplan("simulate", sc, "--staffing", plan, "--no-store"),
                      "plan.csv:row 2: agents must be at most 50000 agents (got 100000)")


def test_the_app_path_is_refused_like_the_cli(tmp_path, no_simulation, monkeypatch):
    # The app calls planning.simulate / planning.schedule / planning.run_whatif directly: the guard lives there, so
    # the refusal (and its message) is the CLI's.
    import planning
    from scenarios import load_scenario

    monkeypatch.delenv("CCPLAN_MAX_CONTACTS", raising=False)
    monkeypatch.delenv("CCPLAN_MAX_AGENTS", raising=False)
    data = small()
    data["demand"]["rates"]["phone"] = 1_000_000
    data["demand"]["scale"] = 100
    path = write_yaml(data, tmp_path / "big.yaml")
    cli = assert_user_error(ccplan("simulate", path, "--no-store", "--workers", "1"), "contacts per replication")
    with pytest.raises(InputError) as app:
        planning.simulate(load_scenario(path), workers=1)
    assert str(app.value) in cli
    assert "about 400,004,800 contacts per replication" in str(app.value)

    data = small()
    data["skill_groups"]["all"]["headcount"] = 40_000
    path = write_yaml(data, tmp_path / "many.yaml")
    cli = assert_user_error(ccplan("schedule", path, "--out", tmp_path / "r.csv", "--no-store"), "40,000 agents")
    with pytest.raises(InputError) as app:
        planning.schedule(load_scenario(path), replications=40)
    assert str(app.value) in cli
    with pytest.raises(InputError, match="variant base: 40,000 agents"):
        planning.run_whatif(planning.build_variants(load_scenario(path), [], []))


def test_the_size_guard_can_be_raised(tmp_path, monkeypatch):
    from scenarios.bounds import SizeEstimate, check_size

    big = SizeEstimate(contacts=5e6, agents=100, replications=2, workers=1)
    with pytest.raises(InputError, match="above the limit of 3,000,000"):
        check_size(big)
    check_size(big, max_contacts=1e7)
    monkeypatch.setenv("CCPLAN_MAX_CONTACTS", "1e7")
    check_size(big)
    monkeypatch.setenv("CCPLAN_MAX_CONTACTS", "lots")
    with pytest.raises(InputError, match="CCPLAN_MAX_CONTACTS: 'lots' is not a number"):
        check_size(big)


# --- outputs ------------------------------------------------------------------------------------------------------

def test_outputs_into_a_missing_folder_fail_before_work(tmp_path, no_simulation):
    sc = write_yaml(small(), tmp_path / "s.yaml")
    assert_user_error(ccplan("simulate", sc, "--json", tmp_path / "nope" / "s.json", "--no-store"),
                      "--json: folder", "does not exist")
    assert_user_error(ccplan("simulate", sc, "--out", tmp_path, "--no-store"), f"--out: {tmp_path} is a folder")
    assert_user_error(ccplan("forecast", tmp_path / "missing.csv", "--out", tmp_path / "nope" / "f.csv"),
                      "--out: folder")
    assert_user_error(ccplan("whatif", sc, "--set", "demand.scale=2", "--json", tmp_path / "nope" / "w.json"),
                      "--json: folder")


def test_writes_are_atomic(tmp_path):
    from app.commands.common import write_atomic

    target = tmp_path / "result.csv"
    target.write_text("old\n")

    def half_then_fail(tmp):
        tmp.write_text("half")
        raise OSError("disk full")
    with pytest.raises(OSError):
        write_atomic(target, half_then_fail)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"]
    write_atomic(target, lambda tmp: tmp.write_text("new\n"))
    assert target.read_text() == "new\n"


# --- what the summary says ----------------------------------------------------------------------------------------

def test_summary_cis_stay_within_what_a_share_can_be(tmp_path):
    data = small()
    data["skill_groups"]["all"].update(headcount=8, constant_agents=8)     # service near 100%: a t-interval would pass 1
    sc = write_yaml(data, tmp_path / "s.yaml")
    out = ccplan("simulate", sc, "-r", "3", "--workers", "1", "--json", tmp_path / "s.json", "--no-store")
    assert out.code == 0, out.output
    summary = json.loads((tmp_path / "s.json").read_text())
    for name, ch in summary["channels"].items():
        for figure, (lo, hi) in ch["ci"].items():
            if lo is None:
                continue
            assert 0 <= lo <= hi, (name, figure, lo, hi)
            if figure in ("service_level", "abandon_rate", "p_wait"):
                assert hi <= 1, (name, figure, hi)
    for g in summary["skill_groups"].values():
        assert 0 <= g["ci"]["occupancy"][0] <= g["ci"]["occupancy"][1] <= 1


def test_the_deferred_backlog_is_in_the_printed_summary(tmp_path):
    data = small()
    data["demand"]["rates"]["email"] = 200                  # far more email than 3 agents can answer
    data["skill_groups"]["all"]["constant_agents"] = 1
    sc = write_yaml(data, tmp_path / "s.yaml")
    out = ccplan("simulate", sc, "-r", "2", "--workers", "1", "--out", tmp_path / "i.csv", "--no-store")
    assert out.code == 0, out.output
    assert "deferred backlog" in out.output and "email up to" in out.output
    table = pd.read_csv(tmp_path / "i.csv")
    end = table[table["channel"] == "email"]["backlog"].iloc[-1]
    assert end > 100 and f"{end:,.0f} at the end of the week" in out.output
    assert np.isfinite(end)


def test_ci_clipping_of_shares_and_amounts():
    from sim.estimates import Estimate
    from sim.results import _ci

    assert _ci("service_level", Estimate(0.968, 0.915, 1.022)) == [0.915, 1.0]
    assert _ci("abandon_rate", Estimate(0.01, -0.02, 0.04)) == [0.0, 0.04]
    assert _ci("asa_seconds", Estimate(5.0, -38.0, 48.0)) == [0.0, 48.0]
    assert _ci("service_level", Estimate(float("nan"), float("nan"), float("nan"))) == [None, None]


def test_schedule_checks_outputs_and_size_before_work(tmp_path, monkeypatch):
    import importlib

    def boom(*args, **kwargs):
        raise AssertionError("scheduling started")
    monkeypatch.setattr(importlib.import_module("planning.schedule"), "week_demand", boom)
    sc = write_yaml(small(), tmp_path / "s.yaml")
    assert_user_error(ccplan("schedule", sc, "--out", tmp_path / "nope" / "r.csv", "--xlsx", tmp_path / "x" / "r.xlsx"),
                      "--out: folder", "--xlsx: folder")
    data = small()
    data["skill_groups"]["all"]["headcount"] = 40_000
    assert_user_error(ccplan("schedule", write_yaml(data, tmp_path / "big.yaml"), "--out", tmp_path / "r.csv"),
                      "40,000 agents (on duty at once, or to roster) is above the limit", "--max-agents N")


def test_mixed_utc_offsets_in_a_ds_column_keep_their_clock_time(tmp_path):
    # Found by tests/test_fuzz_inputs.py: a column mixing offsets (or offsets and none) became objects and the
    # forecast reader died on `.dt`. Tables hold local clock times; other formats than ISO 8601 stay errors.
    from scenarios.tables import parse_datetimes

    parsed = parse_datetimes(pd.Series(["2026-01-05 08:00", "2026-01-05T09:00:00+01:00", "2026-01-05T10:00+02:00",
                                        "05.01.2026 11:00", ""]))
    assert parsed.iloc[:3].dt.hour.tolist() == [8, 9, 10]
    assert parsed.iloc[3:].isna().all()
    rows = "ds,channel,yhat\n2026-01-05T08:00:00+01:00,phone,3\n2026-01-05 09:00,phone,4\n"
    out = ccplan("validate", _forecast_scenario(tmp_path, rows))
    assert out.code == 0 and out.exception is None, out.output


def test_json_results_hold_no_nan_and_no_numpy(tmp_path):
    """A figure with no data (NaN, e.g. the service level of an interval nobody called in) or an infinity is
    written as null, numpy numbers and dates as plain JSON: the file parses with a strict reader."""
    import datetime as dt

    from app.commands.common import write_json

    out = tmp_path / "r.json"
    write_json(out, {"sl": float("nan"), "wait": np.float64("inf"), "n": np.int64(3),
                     "rows": [(np.float32(0.5), dt.date(2026, 1, 5))], "nested": {"x": -float("inf")}})

    def strict(constant):
        raise AssertionError(f"{constant} in the JSON")

    data = json.loads(out.read_text(), parse_constant=strict)
    assert data == {"sl": None, "wait": None, "n": 3, "rows": [[0.5, "2026-01-05"]], "nested": {"x": None}}
