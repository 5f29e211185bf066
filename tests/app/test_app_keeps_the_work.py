"""Issue 22: the app's figures come from the inputs they are labelled with, and the planner's work survives a
reload (a new session on the same workspace), an input change and every kind of edit."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
import yaml

pytest.importorskip("streamlit")

from scenarios import EXAMPLE_SCENARIO, ROSTER_COLUMNS, load_scenario  # noqa: E402
from test_app_pages import AGENTS_CSV, FAST, open_app, small_week, texts, workspace  # noqa: E402,F401 (fixtures)


def _generate(at):
    at.text_area(key="text_agents_0").set_value(AGENTS_CSV).run()
    at.button(key="apply_agents").click().run()
    at.button(key="generate_roster").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _reload(page: str | None = "4_schedule"):
    """A new browser session on the same workspace and server (what a reload is)."""
    return open_app(page)


# --- item 5: an edited handle time is the one used ---------------------------------------------------------------

def test_an_aht_edited_on_the_scenario_page_is_the_one_every_page_uses(workspace):
    from app.ui import history
    from app.ui.runs import store

    at = open_app("2_scenario")
    next(n for n in at.number_input if n.key.endswith(":channels.phone.aht_seconds")).set_value(360.0).run()
    assert not at.exception, [e.value for e in at.exception]
    said = "\n".join(s.value for s in at.success)
    assert "Changes applied" in said and "now used" in said
    assert at.session_state[history.AHT_SOURCE] == "scenario"
    at.switch_page("pages/1_data_forecast.py").run()
    table = next(d.value for d in at.dataframe if "used (s)" in d.value.columns).set_index("channel")
    assert table.loc["phone", "used (s)"] == 360.0
    weeks = [v.table for v in store().values() if type(v).__name__ == "WeekDemand"]
    assert any((w[w["channel"] == "phone"]["aht_seconds"] == 360.0).all() for w in weeks)


# --- item 2: a what-if difference agrees with the figures beside it ----------------------------------------------

def test_a_whatif_difference_is_the_difference_of_the_figures_shown():
    from app.ui.kpis import variant_delta

    # The case: base 99.0%, variant 95.3%, paired interval of per-replication shares around +0.9 pp.
    row = {"value": 0.953, "base": 0.990, "diff": 0.009, "diff_lo": -0.003, "diff_hi": 0.021, "method": "paired"}
    shown = variant_delta(row)
    assert shown.diff == pytest.approx(-0.037) and shown.lo is None     # no interval about another figure
    row = {"value": 0.95, "base": 0.97, "diff": -0.019, "diff_lo": -0.03, "diff_hi": -0.01, "method": "paired"}
    shown = variant_delta(row)
    assert (shown.diff, shown.lo, shown.hi) == (pytest.approx(-0.02), -0.03, -0.01)
    assert variant_delta({"value": 0.9, "base": 0.9, "diff": 0.0, "diff_lo": 0.0, "diff_hi": 0.0,
                          "method": "paired"}) is None


# --- item 3: the published workbook carries the published roster's figures ---------------------------------------

def test_the_published_figures_are_those_of_the_version_with_that_roster(small_week, workspace):
    from openpyxl import load_workbook

    from app.ui import week
    from planning import prepare_publish
    from planning.versions import record_version
    from scenarios import read_roster

    at = open_app("4_schedule", run_verify=False, run_solver_effort=2, **FAST)
    _generate(at)
    sc = load_scenario(small_week)
    edited = at.session_state[week.WORKING]
    roster = read_roster(edited[list(ROSTER_COLUMNS)], sc)
    # An earlier, different roster's figures in the workspace must not reach the workbook.
    record_version("older", sc, roster, None, seed=7, workspace=workspace,
                   figures={"paid_hours": 1.0, "channels": {"phone": {"service_level": 0.5}}})
    at.switch_page("pages/10_versions.py").run()
    at.switch_page("pages/4_schedule.py").run()
    kept = week.version_with_roster(roster)
    assert kept is not None and kept.name == "older"      # the newest version holding exactly this roster
    assert f"the figures of version {kept.id}" in texts(at)
    book = load_workbook(io.BytesIO(week.published_workbook(prepare_publish(roster, sc, figures=kept.figures))))
    cells = {str(r[0].value): r[1].value for r in book["Figures"].iter_rows() if r[0].value is not None}
    assert cells["phone: service level (simulated)"] == 50.0     # the version's figure, not another roster's
    # One shift changed: no version holds it, so nothing is published until this roster is simulated.
    changed = edited.copy()
    changed.loc[0, "end"] = changed.loc[0, "end"][:-2] + ("15" if changed.loc[0, "end"][-2:] != "15" else "45")
    assert week.version_with_roster(read_roster(changed[list(ROSTER_COLUMNS)], sc)) is None


# --- item 4: Today names only agents from the agents file --------------------------------------------------------

def test_today_recommends_only_agents_from_the_agents_file(small_week):
    at = open_app("4_schedule", run_verify=False, run_solver_effort=2, **FAST)
    _generate(at)
    at.switch_page("pages/6_today.py").run()
    at.slider(key="today_factor").set_value(1.5).run()
    at.button(key="today_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    actions = next(d.value for d in at.dataframe if "action" in d.value.columns)
    uploaded = set(pd.read_csv(io.StringIO(AGENTS_CSV))["agent"])
    assert len(actions) and set(actions["agent"]) <= uploaded


# --- item 6: reload, input changes and versions keep the work -----------------------------------------------------

def test_a_reload_keeps_agents_aht_roster_locks_and_edits(small_week):
    from app.ui import history, week

    at = open_app("4_schedule", run_verify=False, run_solver_effort=2, **FAST)
    _generate(at)
    at.session_state[history.AHT_SOURCE] = "scenario"
    labels = [week.shift_label(r) for r in at.session_state[week.WORKING].to_dict("records")]
    at.multiselect(key="lock_shifts").set_value(labels[:3]).run()
    at.button(key="lock_apply").click().run()
    worked = at.session_state[week.WORKING].copy()
    at.switch_page("pages/3_simulate.py").run()      # any page run writes the work to the workspace

    again = _reload()
    assert again.session_state[week.AGENTS][1] == AGENTS_CSV
    assert again.session_state[history.AHT_SOURCE] == "scenario"
    assert week.same_rows(again.session_state[week.WORKING], worked)
    assert list(again.session_state[week.WORKING]["locked"])[:3] == [True] * 3
    assert again.session_state["run_settings"]["run_solver_effort"] == 2
    assert "Shifts locked: 3 of" in texts(again)


def test_a_scenario_change_marks_the_roster_made_for_other_inputs_instead_of_hiding_it(small_week):
    from app.ui import week

    at = open_app("4_schedule", run_verify=False, run_solver_effort=2, **FAST)
    _generate(at)
    worked = at.session_state[week.WORKING].copy()
    data = yaml.safe_load(at.session_state["scenario_yaml"])
    data["channels"]["phone"]["target"]["answer_within_seconds"] = 30
    from app.ui import state

    at.session_state[state.SCENARIO_KEYS[0]] = yaml.safe_dump(data, sort_keys=False)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("made for other inputs" in w.value for w in at.warning)
    assert week.same_rows(at.session_state[week.WORKING], worked)
    assert "Every labour rule holds for every agent." in texts(at)


def test_a_saved_version_reopens_with_its_locks_from_the_versions_page(small_week):
    from app.ui import week

    at = open_app("4_schedule", run_verify=False, run_solver_effort=2, **FAST)
    _generate(at)
    labels = [week.shift_label(r) for r in at.session_state[week.WORKING].to_dict("records")]
    at.multiselect(key="lock_shifts").set_value(labels[:4]).run()
    at.button(key="lock_apply").click().run()
    at.text_input(key="version_name").set_value("with locks").run()
    at.button(key="save_version").click().run()
    assert not at.exception, [e.value for e in at.exception]
    base = at.session_state[week.BASE]              # the saved version: later saves are checked against it
    at.switch_page("pages/3_simulate.py").run()

    again = _reload("10_versions")
    assert again.session_state[week.BASE] == base   # a reload keeps the stale-save check (planning.edits)
    label = next(o for o in again.selectbox(key="version_a").options if o.endswith(": with locks"))
    again.selectbox(key="version_a").set_value(label).run()
    again.button(key="open_version").click().run()
    again.switch_page("pages/4_schedule.py").run()
    opened = again.session_state[week.WORKING]
    assert int(opened["locked"].sum()) == 4 and list(opened["locked"])[:4] == [True] * 4
    assert "Shifts locked: 4 of" in texts(again)


# --- item 7: edits share one history and are re-checked ------------------------------------------------------------

def test_a_table_edit_survives_a_move_and_undo_steps_back_through_both(small_week):
    from app.ui import week

    at = open_app("4_schedule", run_verify=False, run_solver_effort=2, **FAST)
    _generate(at)
    start = at.session_state[week.WORKING].copy()
    # A table edit, as the editor hands it over: the first shift's break moved by a quarter of an hour.
    typed = start.copy()
    first = typed.loc[0, "breaks"].split(";")[0]
    a, b = first.split("-")
    later = "-".join(f"{int(t[:2]) + (int(t[3:]) + 15) // 60:02d}:{(int(t[3:]) + 15) % 60:02d}" for t in (a, b))
    typed.loc[0, "breaks"] = typed.loc[0, "breaks"].replace(first, later, 1)
    # What take_table_edits leaves (test_take_table_edits_makes_one_undo_step): the edit is the roster, one undo step.
    with_edit = typed
    at.session_state[week.WORKING] = with_edit
    at.session_state[week.UNDO] = [week.editor_csv(start)]
    at.run()
    labels = [week.shift_label(r) for r in with_edit.to_dict("records")]
    mover = labels[-1]
    at.selectbox(key="move_shift").set_value(mover).run()
    at.button(key="move_apply").click().run()
    assert at.session_state[week.WORKING].loc[0, "breaks"] == typed.loc[0, "breaks"]   # not reverted by the move
    at.button(key="undo_edit").click().run()
    assert week.same_rows(at.session_state[week.WORKING], with_edit)
    at.button(key="undo_edit").click().run()
    assert week.same_rows(at.session_state[week.WORKING], start)


def test_take_table_edits_makes_one_undo_step():
    from streamlit.testing.v1 import AppTest

    def script():
        import pandas as pd
        import streamlit as st

        from app.ui import week

        start = pd.DataFrame([{"agent": "a", "skill_group": "g", "date": "2026-01-05", "start": "08:00",
                               "end": "16:00", "lunch_start": "", "lunch_end": "", "breaks": "", "locked": False}])
        if week.WORKING not in st.session_state:
            st.session_state[week.WORKING] = start
        edited = st.session_state[week.WORKING].copy()
        edited.loc[0, "end"] = "15:00"
        st.session_state["took"] = week.take_table_edits(edited)
        st.session_state["again"] = week.take_table_edits(edited)

    from app.ui.week import editor_frame as week_frame

    at = AppTest.from_function(script).run()
    assert at.session_state["took"] is True and at.session_state["again"] is False
    assert at.session_state["week_working"].loc[0, "end"] == "15:00"
    assert week_frame(at.session_state["week_undo"][0]).loc[0, "end"] == "16:00"


def test_a_move_follows_the_new_agents_skill_group_and_keeps_breaks_inside_the_shift():
    from app.ui import week

    frame = pd.DataFrame([{"agent": "ph-1", "skill_group": "phone_only", "date": "2026-01-05", "start": "08:00",
                           "end": "16:00", "lunch_start": "12:00", "lunch_end": "12:30",
                           "breaks": "10:00-10:15;14:00-14:15", "locked": False}])
    label = week.shift_label(frame.iloc[0])
    moved = week.move(frame, label, "gen-1", "2026-01-06", "08:00", end="13:00", skill_group="generalist")
    row = moved.iloc[0]
    assert (row["agent"], row["skill_group"], row["date"], row["end"]) == ("gen-1", "generalist", "2026-01-06", "13:00")
    assert row["breaks"] == "10:00-10:15"                       # 14:00 no longer lies inside 08:00-13:00
    assert (row["lunch_start"], row["lunch_end"]) == ("12:00", "12:30")
    later = week.move(frame, label, "ph-1", "2026-01-05", "09:30", end="17:30")
    assert later.iloc[0]["breaks"] == "11:30-11:45;15:30-15:45" and later.iloc[0]["lunch_start"] == "13:30"


def test_the_rule_check_names_a_shift_whose_skill_group_is_not_its_agents(small_week):
    from app.ui import week
    from optimizer import generate_agents

    sc = load_scenario(small_week)
    crew = generate_agents(sc)
    gen = next(a for a in crew if a.skill_group == "generalist")
    frame = pd.DataFrame([{"agent": gen.id, "skill_group": "phone_only", "date": str(sc.start), "start": "08:00",
                           "end": "14:00", "lunch_start": "", "lunch_end": "", "breaks": "11:00-11:15"}])
    _, breaks, problem = week.check_roster(sc, frame, crew)
    assert problem is None
    assert any(b.startswith(f"{gen.id}: skill group:") and "generalist" in b for b in breaks)


# --- item 10: the quick Erlang view ---------------------------------------------------------------------------------

def _erlang_c_service_level(agents: int, load: float, aht: float, within: float) -> float:
    """The textbook Erlang C service level: 1 - P(wait) exp(-(N - A) t / AHT)."""
    import math

    top = load ** agents / math.factorial(agents) * agents / (agents - load)
    p_wait = top / (sum(load ** k / math.factorial(k) for k in range(agents)) + top)
    return 1 - p_wait * math.exp(-(agents - load) * within / aht)


def test_the_quick_erlang_view_sizes_like_the_textbook_formula(workspace):
    from app.ui.erlang import quick_sizing

    sized = quick_sizing(contacts=100, aht_seconds=180, interval_minutes=30, service_level=0.8,
                         answer_within_seconds=20, shrinkage=0.3)
    assert sized.load_erlangs == pytest.approx(10.0)
    below, above = int(sized.erlang_c), int(sized.erlang_c) + 1
    assert _erlang_c_service_level(below, 10.0, 180, 20) < 0.8 <= _erlang_c_service_level(above, 10.0, 180, 20)
    assert sized.on_duty == pytest.approx(above / 0.7)
    patient = quick_sizing(contacts=100, aht_seconds=180, interval_minutes=30, service_level=0.8,
                           answer_within_seconds=20, patience_seconds=120)
    assert patient.erlang_a < patient.erlang_c          # callers who hang up leave less work
    at = open_app("11_erlang")
    shown = {m.label: m.value for m in at.metric}
    truth = quick_sizing(contacts=100, aht_seconds=300, interval_minutes=30, service_level=0.8,
                         answer_within_seconds=20, patience_seconds=180, shrinkage=0.3)
    assert shown["Erlang C: agents answering"] == f"{truth.erlang_c:,.1f}"
    assert shown["Agents to roster"] == f"{truth.on_duty:,.1f}"


def test_the_schedule_page_shows_the_baseline_hours_and_plans_with_the_demands_error_law(small_week, monkeypatch):
    """Issue 24's gap on the Schedule page: the roster is planned against plausible weeks (the demand's error law,
    the sidebar's risk) as `planning.schedule` plans it; the Erlang C baseline's hours stand beside it."""
    from app.ui import week
    from planning import schedule, week_demand
    from scenarios import read_agents, CsvText

    data = yaml.safe_load(small_week.read_text())
    data["demand"]["day_sd"] = 0.1
    small_week.write_text(yaml.safe_dump(data, sort_keys=False))
    at = open_app("4_schedule", run_verify=False, run_solver_effort=2, **FAST)
    at.session_state["run_settings"]["run_risk_curve"] = True
    _generate(at)
    sc = load_scenario(small_week)
    crew = read_agents(CsvText("agents.csv", AGENTS_CSV), sc)
    resolved = week_demand(sc)
    truth = schedule(sc, demand=resolved.table, uncertainty=resolved.uncertainty, risk=0.9, agents=crew,
                     verify=False, replications=2, seed=sc.simulation.seed, effort=2, workers=1, time_limit=None,
                     risk_curve=(0.5, 0.75, 0.9, 0.95))
    assert week.same_rows(at.session_state[week.WORKING].drop(columns="locked"), truth.roster.to_frame()
                          .assign(locked=False).drop(columns="locked"))
    exact = schedule(sc, demand=resolved.table, risk=None, agents=crew, verify=False, replications=2,
                     seed=sc.simulation.seed, effort=2, workers=1, time_limit=None)
    assert exact.roster.paid_hours() < truth.roster.paid_hours()      # the risk setting reached the schedule
    assert "Planned at risk 90%" in texts(at)
    specs = " ".join(c.proto.spec for c in at.get("vega_lite_chart"))
    assert "paid hours" in specs and truth.risk_curve
    at.button(key="baseline_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    base = schedule(sc, demand=resolved.table, method="erlang-c-two-step", verify=False, effort=2, agents=crew,
                    time_limit=None, risk=None)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Erlang C two-step baseline: paid hours"] == f"{base.roster.paid_hours():,.1f}"


PYTHON_TEXT = re.compile(r"np\.|numpy|Timestamp\(|datetime\.|Decimal\(|\bdtype\b")


def test_the_schedule_and_published_workbooks_have_no_python_text_in_any_cell(small_week):
    """Every cell of the Schedule page's workbook (roster, coverage, groups, shortfalls, KPIs) and of the published
    week (grid, shifts, coverage, figures) is a plain number or plain text: no 'np.int64(179)' (issue 22 item 9)."""
    from openpyxl import load_workbook

    from app.ui import week
    from app.ui.runs import store
    from optimizer import write_excel
    from planning import prepare_publish, simulate
    from planning.versions import roster_figures

    at = open_app("4_schedule", run_verify=False, run_solver_effort=2, **FAST)
    _generate(at)
    result = [v for v in store().values() if type(v).__name__ == "ScheduleResult"][-1]
    sc = load_scenario(small_week)
    write_excel(result, small_week.parent / "roster.xlsx")
    figures = roster_figures(sc, result.roster, simulate(sc, result.roster, replications=2, seed=1))
    published = small_week.parent / "published.xlsx"
    published.write_bytes(week.published_workbook(prepare_publish(result.roster, sc, requirement=result.requirement,
                                                                  figures=figures)))
    for book in (small_week.parent / "roster.xlsx", published):
        cells = [str(v) for sheet in load_workbook(book).worksheets for row in sheet.iter_rows(values_only=True)
                 for v in row if v is not None]
        assert cells and not [c for c in cells if PYTHON_TEXT.search(c)], book.name


def test_a_target_typed_as_a_percentage_gets_a_hint():
    from app.ui.errors import explained
    from scenarios import Problem

    assert explained(Problem("channels.phone.target.service_level", "must be <= 1")) == \
        "must be <= 1 (a share: 0.8 means 80%)"
    assert explained(Problem("channels.phone.aht_seconds", "must be <= 1")) == "must be <= 1"


def test_an_opened_version_is_not_replaced_by_a_roster_already_generated(small_week):
    """Open a version while the current inputs have a generated roster: the version stays the one being edited
    until Generate is pressed."""
    from app.ui import week

    at = open_app("4_schedule", run_verify=False, run_solver_effort=2, **FAST)
    _generate(at)
    generated = at.session_state[week.WORKING].copy()
    edited = generated.iloc[1:].reset_index(drop=True)       # a version without the first shift
    at.session_state[week.WORKING] = edited
    at.run()
    at.text_input(key="version_name").set_value("one shift less").run()
    at.button(key="save_version").click().run()
    at.session_state[week.WORKING] = generated
    at.run()
    label = next(o for o in at.selectbox(key="version_a").options if o.endswith(": one shift less"))
    at.selectbox(key="version_a").set_value(label).run()
    at.button(key="open_version").click().run()
    at.run()
    assert week.same_rows(at.session_state[week.WORKING], edited)
    assert "opened from version" in texts(at)
    at.button(key="generate_roster").click().run()
    at.run()
    assert week.same_rows(at.session_state[week.WORKING], generated)
    at.button(key="undo_edit").click().run()
    assert week.same_rows(at.session_state[week.WORKING], edited)


def test_rule_messages_give_the_date_not_the_week_day_number(small_week):
    from app.ui import week
    from scenarios import CsvText, read_agents

    sc = load_scenario(small_week)
    crew = read_agents(CsvText("agents.csv", AGENTS_CSV), sc)       # ann is away on Wednesdays
    frame = pd.DataFrame([{"agent": "ann", "skill_group": "generalist", "date": "2026-01-07", "start": "08:00",
                           "end": "14:00", "lunch_start": "", "lunch_end": "", "breaks": "11:00-11:15"}])
    assert week.check_roster(sc, frame, crew)[1] == ["ann: unavailable: Wed 2026-01-07 08:00 while the agent is away"]
