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
    # Issue 20: only an empty cell is a missing AHT; "nan" typed in a file is a value, and named.
    ("2026-01-05 08:00,phone,3,nan", "h.csv:row 2: aht_seconds 'nan' is not a number"),
    ("2026-01-05 08:00,phone,NA,100", "h.csv:row 2: contacts 'NA' is not a number"),
])
def test_bad_history_rows_are_named(tmp_path, row, expected):
    path = tmp_path / "h.csv"
    path.write_text("ds,channel,contacts,aht_seconds\n" + row + "\n2026-01-05 08:30,phone,3,100\n")
    assert_user_error(ccplan("forecast", path, "--out", tmp_path / "f.csv"), expected)


@pytest.mark.parametrize("rows, expected", [
    (",all,2026-01-05,08:00,12:00\n", "ro.csv:row 2: agent is empty"),
    ("a,all,,08:00,12:00\n", "ro.csv:row 2: date is empty"),
    ("a,all,2026-01-32,08:00,12:00\n", "ro.csv:row 2: date '2026-01-32' is not a date YYYY-MM-DD"),
    # ends past midnight and day-long shifts
    ("a,all,2026-01-05,08:00,24:30\n", "ro.csv:row 2: end '24:30' is not a clock time HH:MM"),
    ("a,all,2026-01-05,08:00,08:00\n", "ro.csv:row 2: shift 08:00-08:00 is 24 h long; a shift is at most 16 h"),
    ("a,all,2026-01-05,06:00,23:00\n", "ro.csv:row 2: shift 06:00-23:00 is 17 h long"),
])
def test_bad_roster_rows_are_named(tmp_path, rows, expected):
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
    data["skill_groups"]["all"].update(headcount=8, constant_agents=8)   # service near 100%: a t-interval passes 1
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


def test_utc_offsets_in_a_ds_column_one_clock_or_refused(tmp_path):
    # Tables hold local clock times. One offset throughout (an export from a system in the center's zone) keeps
    # the clock times written; mixed offsets, or offsets next to none, are refused by row (issue 20): an export in
    # UTC next to local times, or a daylight-saving change, would otherwise shift intervals without a word.
    from scenarios.tables import parse_datetimes

    parsed = parse_datetimes(pd.Series(["2026-01-05T08:00+01:00", "2026-01-05T09:00:00+01:00", "05.01.2026 11:00",
                                        ""]))
    assert parsed.iloc[:2].dt.hour.tolist() == [8, 9] and parsed.iloc[2:].isna().all()
    rows = "ds,channel,yhat\n2026-01-05T08:00:00+01:00,phone,3\n2026-01-05T09:00:00+01:00,phone,4\n"
    out = ccplan("validate", _forecast_scenario(tmp_path, rows))
    assert out.code == 0 and out.exception is None, out.output
    rows = "ds,channel,yhat\n2026-01-05 08:00,phone,3\n2026-01-05T09:00:00+01:00,phone,4\n"
    assert_user_error(ccplan("validate", _forecast_scenario(tmp_path, rows)),
                      "fc.csv:row 3: ds '2026-01-05T09:00:00+01:00' has UTC offset +01:00 but row 2 "
                      "('2026-01-05 08:00') has no UTC offset")
    history = tmp_path / "h.csv"
    history.write_text("ds,channel,contacts\n2026-03-28T23:00+01:00,phone,3\n2026-03-29T03:00+02:00,phone,3\n")
    assert_user_error(ccplan("forecast", history, "--out", tmp_path / "f.csv"),
                      "h.csv:row 3: ds '2026-03-29T03:00+02:00' has UTC offset +02:00 but row 2")
    plan = tmp_path / "plan.csv"
    plan.write_text("ds,skill_group,agents\n2026-01-05T08:00Z,all,2\n2026-01-05T09:00+01:00,all,2\n")
    assert_user_error(ccplan("simulate", write_yaml(small(), tmp_path / "s.yaml"), "--staffing", plan, "--no-store"),
                      "plan.csv:row 3: ds '2026-01-05T09:00+01:00' has UTC offset +01:00 but row 2 "
                      "('2026-01-05T08:00Z') has UTC offset +00:00")


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


# --- issue 20: nonsense that was accepted silently ----------------------------------------------------------------

def _numeric_paths() -> list[str]:
    """Every int or float field of the schema reachable from the small scenario (its channels by kind, its one
    skill group), found by walking the pydantic models: the list grows with the schema by itself."""
    import typing

    from pydantic import BaseModel

    from scenarios import Scenario
    from scenarios.model import AIChannel, ChatChannel, DeferredChannel, VoiceChannel

    kinds = {"phone": VoiceChannel, "chat": ChatChannel, "email": DeferredChannel, "bot": AIChannel}

    def core(annotation):
        while typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        args = [a for a in typing.get_args(annotation) if a is not type(None)] \
            if typing.get_origin(annotation) in (typing.Union, __import__("types").UnionType) else [annotation]
        return args

    def walk(model, prefix):
        out = []
        for name, field in model.model_fields.items():
            path = f"{prefix}{name}"
            if name == "channels" and model is Scenario:
                out += [p for ch, m in kinds.items() for p in walk(m, f"channels.{ch}.")]
            elif name == "skill_groups":
                out += walk(model.model_fields["skill_groups"].annotation.__args__[1], "skill_groups.all.")
            for arg in core(field.annotation):
                arg = core(arg)[0]
                if arg in (int, float):
                    out.append(path)
                elif isinstance(arg, type) and issubclass(arg, BaseModel) and name not in ("channels", "open"):
                    out += walk(arg, f"{path}.")
        return sorted(set(out))

    return walk(Scenario, "")


NUMERIC_PATHS = _numeric_paths()


def test_the_walk_finds_the_fields_the_issue_names():
    for path in ("channels.phone.target.service_level", "channels.bot.containment",
                 "channels.phone.target.max_abandon_rate", "days", "shrinkage", "simulation.replications",
                 "shift_rules.max_shifts_per_week", "channels.chat.concurrency", "demand.day_sd"):
        assert path in NUMERIC_PATHS
    assert len(NUMERIC_PATHS) >= 40


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("path", NUMERIC_PATHS)
def test_yes_no_in_any_numeric_field_is_named(path, value):
    # pydantic reads true as 1 in int and float fields: `service_level: true` was a 100 % target.
    data = small()
    _set(data, path, value)
    assert f"{path}: must be a number, not {str(value).lower()}" in problems(data)


def test_yes_no_in_lists_of_numbers_is_named_by_item():
    data = small()
    data["shift_rules"]["lengths_hours"] = [4, True]
    data["shift_rules"]["lunch_window_hours"] = [False, 3]
    data["demand"]["rates"]["phone"] = [1.0] * 23 + [True]
    assert problems(data) == ["demand.rates.phone[23]: must be a number, not true",
                              "shift_rules.lengths_hours[1]: must be a number, not true",
                              "shift_rules.lunch_window_hours[0]: must be a number, not false"]
    data = small()
    data["shift_rules"]["paid_lunch"] = True      # a yes/no field keeps its yes/no
    scenario_from_dict(data)


@pytest.mark.parametrize("path", ["open", "channels.phone.open", "channels.phone.open.sat"])
def test_empty_opening_hours_are_named(path):
    data = small()
    if path.endswith(".sat"):
        data["channels"]["phone"]["open"] = {"default": "08:00-12:00", "sat": " "}
    else:
        _set(data, path, "")
    msgs = problems(data)
    assert any(m.startswith(path) and "is empty: write the hours as '07:00-22:00', or 'closed'" in m
               for m in msgs), msgs


@pytest.mark.parametrize("path, value, expected", [
    ("channels.phone.aht_seconds", 1e-9, "channels.phone.aht_seconds: must be at least 1 s (got 1e-09)"),
    ("channels.bot.handle_seconds", 0.5, "channels.bot.handle_seconds: must be at least 1 s (got 0.5)"),
    ("channels.phone.patience_seconds", 1e-9, "channels.phone.patience_seconds: must be at least 1 s"),
    ("channels.chat.target.answer_within_seconds", 0.001, "channels.chat.target.answer_within_seconds: must be at "
                                                          "least 1 s"),
    ("shift_rules.lengths_hours", [1e-9], "shift_rules.lengths_hours[0]: must be at least 0.25 h (got 1e-09)"),
    ("shift_rules.break_every_hours", 0.001, "shift_rules.break_every_hours: must be at least 0.25 h"),
])
def test_absurdly_small_durations_are_named(path, value, expected):
    data = small()
    _set(data, path, value)
    msgs = problems(data)
    assert any(m.startswith(expected) for m in msgs), msgs


def test_small_but_real_samples_and_zero_lunch_window_stay_valid():
    data = small()
    data["channels"]["phone"].update(service="empirical", service_sample_seconds=[0.4, 30, 200])
    data["shift_rules"]["lunch_window_hours"] = [0, 1]
    data["shift_rules"]["lunch_after_hours"] = 3
    scenario_from_dict(data)


def test_a_nanosecond_handle_time_in_a_table_is_named(tmp_path):
    rows = "ds,channel,yhat,aht_seconds\n2026-01-05 08:00,phone,3,0.000000001\n"
    assert_user_error(ccplan("validate", _forecast_scenario(tmp_path, rows)),
                      "fc.csv:row 2: aht_seconds must be at least 1 s (got 1e-09)")


def test_constant_agents_above_the_headcount_are_named():
    data = small()
    data["skill_groups"]["all"].update(headcount=2, constant_agents=3)
    assert problems(data) == ["skill_groups.all.constant_agents: 3 agents on duty in every open interval is more "
                              "than the group's headcount (2)"]


def test_every_headcount_zero_is_refused_before_scheduling(tmp_path):
    data = small()
    data["skill_groups"]["all"].update(headcount=0, constant_agents=0)
    out = assert_user_error(ccplan("schedule", write_yaml(data, tmp_path / "s.yaml"), "--out", tmp_path / "r.csv",
                                   "--no-store"),
                            "skill_groups: every headcount is 0 (all 0) and no agents are given: nothing can be "
                            "scheduled")
    assert not (tmp_path / "r.csv").exists(), out


def test_nan_in_an_agents_file_is_named_and_a_missing_cell_in_memory_is_the_contract(tmp_path):
    from scenarios import read_agents

    sc = scenario_from_dict(small())
    (tmp_path / "agents.csv").write_text("agent,skill_group,min_hours_per_week,max_hours_per_week\n"
                                         "a,all,nan,30\nb,all,10,\n")
    with pytest.raises(InputError) as info:
        read_agents(tmp_path / "agents.csv", sc)
    assert [str(p) for p in info.value.problems] == [f"{tmp_path / 'agents.csv'}:row 2: min_hours_per_week 'nan' "
                                                     "is not a number"]
    # The app's table editor gives NaN (or None) for a cell left empty: the group's contract, as an empty CSV cell.
    frame = pd.DataFrame({"agent": ["a", "b"], "skill_group": ["all", "all"], "min_hours_per_week": [np.nan, 10.0],
                          "max_hours_per_week": [30.0, None]})
    agents = read_agents(frame, sc)
    group = sc.skill_groups["all"]
    assert [(a.min_hours, a.max_hours) for a in agents] == [(group.min_hours_per_week, 30.0),
                                                            (10.0, group.max_hours_per_week)]



def test_a_roster_ending_at_24_00_and_a_night_shift_stay_valid():
    from scenarios import read_roster

    sc = scenario_from_dict(small())
    frame = pd.DataFrame({"agent": ["a", "b"], "skill_group": ["all", "all"], "date": ["2026-01-05"] * 2,
                          "start": ["16:00", "22:00"], "end": ["24:00", "06:00"]})
    roster = read_roster(frame, sc)
    assert [(s.end_s - s.start_s) / 3600 for s in roster.shifts] == [8.0, 8.0]


@pytest.mark.parametrize("window, expected", [
    ("10:00-07:00", "'10:00-07:00' ends before it starts"),
    ("closed", "'closed' is closed"),
    ("7-10", "'7-10' is not a time span"),
])
def test_a_preferred_start_window_written_backwards_is_named(tmp_path, window, expected):
    from scenarios import read_agents

    (tmp_path / "agents.csv").write_text(f"agent,skill_group,preferred_start\na,all,{window}\n")
    with pytest.raises(InputError) as info:
        read_agents(tmp_path / "agents.csv", scenario_from_dict(small()))
    (problem,) = info.value.problems
    assert problem.where == f"{tmp_path / 'agents.csv'}:row 2, preferred_start" and expected in problem.message


CALLS = "date q_start vru_exit vru_entry type outcome ser_time\n"


@pytest.mark.parametrize("row, expected", [
    ("990101 25:61:00 10:00:00 9:59:00 PS AGENT 100", "calls.tsv:row 3: q_start '25:61:00' is not a clock time "
                                                      "H:MM:SS (0:00:00 to 23:59:59)"),
    ("990101 10:30:00 10:30:00 9:75:00 PS AGENT 100", "calls.tsv:row 3: vru_entry '9:75:00' is not a clock time"),
    ("990101 10:30:00 10:30:00 10:29:00 PS AGENT -5", "calls.tsv:row 3: ser_time '-5' is negative"),
    ("990101 10:30:00 10:30:00 10:29:00 PS AGENT abc", "calls.tsv:row 3: ser_time 'abc' is not a number of seconds"),
])
def test_impossible_call_records_are_named(tmp_path, row, expected):
    calls = tmp_path / "calls.tsv"
    calls.write_text(CALLS + "990101 10:00:00 10:00:00 9:59:00 PS AGENT 100\n" + row + "\n")
    assert_user_error(ccplan("history", "from-calls", calls, "--out", tmp_path / "h.csv"), expected)
    assert not (tmp_path / "h.csv").exists()


def test_an_empty_sep_and_a_zero_interval_are_named(tmp_path):
    calls = tmp_path / "calls.tsv"
    calls.write_text(CALLS + "990101 10:00:00 10:00:00 9:59:00 PS AGENT 100\n")
    for command in (["history", "from-calls"], ["calibrate"]):
        assert_user_error(ccplan(*command, calls, "--sep", "", "--out", tmp_path / "o.yaml"), "--sep: is empty")
    history = tmp_path / "h.csv"
    history.write_text("ds,channel,contacts\n2026-01-05 08:00,phone,3\n2026-01-05 08:30,phone,3\n")
    assert_user_error(ccplan("forecast", history, "--interval", "0", "--out", tmp_path / "f.csv"),
                      "--interval: 0 minutes: use 5, 10, 15, 30 or 60")
    assert_user_error(ccplan("backtest", history, "--interval", "7"), "--interval: 7 minutes")


# --- issue 20: runs that would not end -----------------------------------------------------------------------

def _one_agent_groups(n: int, days: int = 7) -> dict:
    """The small center over `days` days of 15 open hours, its agents in n skill groups of one agent each."""
    data = small()
    data.update(days=days, open="07:00-22:00", interval_minutes=30)
    data["shift_rules"].update(lengths_hours=[4, 6, 8], earliest_start="06:00", latest_end="24:00",
                               lunch_window_hours=[3, 5], start_every_minutes=30)
    combos = (["phone", "chat", "email"], ["phone"], ["chat", "email"])
    data["skill_groups"] = {f"g{i:03d}": {"skills": combos[i % 3], "headcount": 1} for i in range(n)}
    return data


def test_the_shift_model_size_is_the_model_built():
    # The guard's count, from the templates alone, against the variables of the shift model itself.
    from optimizer import generate_agents, group_limits, requirements
    from optimizer.shift_model import ShiftModel
    from planning.demand import scenario_demand
    from planning.guard import shift_model_variables

    sc = scenario_from_dict(_one_agent_groups(4, days=2))
    agents = generate_agents(sc)
    need = requirements(sc, scenario_demand(sc), "erlang-a")
    for place_breaks in (True, False):
        model = ShiftModel(sc, need, group_limits(sc, agents), place_breaks)
        assert sum(shift_model_variables(sc, agents, place_breaks).values()) == len(model.var)


def test_a_week_too_large_to_model_is_refused_before_work(tmp_path, monkeypatch):
    import importlib

    def boom(*args, **kwargs):
        raise AssertionError("scheduling started")
    monkeypatch.setattr(importlib.import_module("planning.schedule"), "week_demand", boom)
    monkeypatch.delenv("CCPLAN_MAX_SHIFT_VARIABLES", raising=False)
    path = write_yaml(_one_agent_groups(200), tmp_path / "g200.yaml")
    args = ("schedule", path, "--no-verify", "--time-limit", "5", "--rounds", "1", "--out", tmp_path / "r.csv",
            "--no-store")
    out = assert_user_error(ccplan(*args), "size: the shift model would hold about",
                            "200 skill groups x 7 days", "above the limit of 200,000",
                            "67 with skills phone, chat, email (g000, g003, g006, ...)",
                            "--max-shift-variables N or $CCPLAN_MAX_SHIFT_VARIABLES")
    assert not (tmp_path / "r.csv").exists(), out
    # Raised, the guard lets the run through to its work.
    out = ccplan(*args, "--max-shift-variables", "1e7")
    assert isinstance(out.exception, AssertionError) and "scheduling started" in str(out.exception)


def test_a_large_what_if_sweep_is_estimated_and_refused(tmp_path, monkeypatch):
    from planning.guard import CONTACTS_PER_SECOND, VARIANT_SECONDS, WhatIfWork

    monkeypatch.delenv("CCPLAN_MAX_VARIANTS", raising=False)
    sc = write_yaml(small(), tmp_path / "s.yaml")
    scales = ",".join(f"{1 + i / 100:g}" for i in range(40))
    containment = ",".join(f"{i / 100:g}" for i in range(50))
    out = assert_user_error(ccplan("whatif", sc, "--sweep", f"demand.scale={scales}",
                                   "--sweep", f"channels.bot.containment={containment}"),
                            "--sweep: 2,001 variants x 2 replications", "is above the limit of 200",
                            "--max-variants N or $CCPLAN_MAX_VARIANTS")
    assert "contacts to simulate, at least" in out
    # The app builds its variants one by one: run_whatif, the entry both use, counts them too.
    import planning
    from planning.whatif import Variant

    base = scenario_from_dict(small())
    with pytest.raises(InputError, match=r"variants: 250 variants x 2 replications: .* is above the limit of 200"):
        planning.run_whatif([Variant("base", [], base, is_base=True)] * 250)
    work = WhatIfWork(variants=10, replications=4, contacts=30_000, workers=2, solver_seconds=30)
    assert work.seconds == pytest.approx(10 * (VARIANT_SECONDS + 4 * 30_000 / CONTACTS_PER_SECOND + 30) / 2)
    assert work.text().startswith("10 variants x 4 replications: about 1,200,000 contacts to simulate and 10 "
                                  "schedules, at least")
