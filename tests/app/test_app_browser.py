"""End to end in a real browser: `streamlit run` headless on a free port, driven by Playwright on the system
Chromium. Generates the example roster on the Schedule page and checks the roster table and KPI figures appear;
walks a planner's week on a small scenario: agents and time off uploaded, a roster generated, three shifts locked,
one moved illegally (the rule shows) and back, the roster regenerated around the locks, two versions saved and
compared, the week published and its Excel grid and Figures sheet checked with openpyxl; a reload keeps the work; a
version reopens with its locks; Today's actions name only agents of the agents file; a what-if at the scenario's
handle times shows the figure Simulate shows at them. Screenshots go to the test's folder and to test-output/.

Locally without Chromium (or Playwright) the test skips; in CI (CI=true) it fails instead, since CI installs both.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app" / "streamlit_app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
STARTUP_WAIT_S = 90      # server start on a busy 2-core machine; a guard against hanging, not a speed check
ACTION_WAIT_MS = 240_000  # the first schedule of the example on 2 cores
STALE_WAIT_MS = 30_000    # an old element drawn again by a rerun goes within this
OPTION_WAIT_MS = 60_000   # an option of a filtered dropdown shows at once; longer means the typed filter was lost
IDLE_CHECKS, IDLE_CHECK_MS = 4, 400   # the app counts as idle after this many checks in a row with no run going

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _require(condition: bool, why: str) -> None:
    if condition:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{why} (CI installs it: see .ci/run)")
    pytest.skip(why)


def _playwright():
    """(expect, sync_playwright, the Chromium executable), or the test is skipped (failed in CI) with the reason.
    A busy machine reruns the app slowly: every expectation waits as long as a page action may."""
    _require(CHROMIUM.exists() or shutil.which("chromium") is not None, "system Chromium (/usr/bin/chromium) is missing")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _require(False, "playwright (python) is not installed")
    expect.set_options(timeout=60_000)
    return expect, sync_playwright, str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode()


@pytest.fixture
def app_server(tmp_path):
    """A headless `streamlit run` of the app on the example, on a free local port; yields its base URL."""
    yield from _serve(tmp_path, ROOT / "scenarios/examples/insurance_week.yaml")


def _serve(tmp_path, scenario: Path):
    """Run the app on `scenario` until the test ends; yields its base URL."""
    port = _free_port()
    log = open(tmp_path / "streamlit.log", "w")
    env = {**os.environ, "CCPLAN_WORKSPACE": str(tmp_path / "workspace.sqlite"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--", "--scenario", str(scenario)],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_WAIT_S
        while True:
            try:
                if _get(base + "/_stcore/health").strip() == "ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("streamlit did not come up:\n" + (tmp_path / "streamlit.log").read_text()[-3000:])
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_health_endpoint_answers_ok(app_server):
    assert _get(app_server + "/_stcore/health").strip() == "ok"


def test_generate_example_roster_in_chromium(app_server, tmp_path):
    expect, sync_playwright, executable = _playwright()
    shots = [tmp_path / "schedule_page.png", ROOT / "test-output" / "schedule_page.png"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 3600})
            page.set_default_timeout(60_000)
            page.goto(app_server)
            expect(page.get_by_role("heading", name="Data and forecast")).to_be_visible()

            # Fast settings in the sidebar: few replications, schedule without simulation rounds, short solves.
            for label, value in (("Replications", "2"), ("Solver effort", "5")):
                field = page.get_by_role("spinbutton", name=label)
                field.fill(value)
                field.press("Enter")
                expect(field).to_have_value(value)
            page.get_by_text("Verify schedule by simulation").click()
            expect(page.get_by_role("spinbutton", name="Verification rounds")).to_be_disabled()

            page.get_by_role("link", name="Schedule and roster").click()
            expect(page.get_by_role("heading", name="Schedule and roster")).to_be_visible()
            expect(page.get_by_text("without simulation")).to_be_visible()
            page.get_by_role("button", name="Generate roster").click()

            expect(page.get_by_role("heading", name="Roster", exact=True)).to_be_visible(timeout=ACTION_WAIT_MS)
            roster = page.get_by_test_id("stDataFrame").filter(visible=True)
            expect(roster.first).to_be_visible()
            assert roster.count() >= 1
            expect(page.get_by_test_id("stMetric").first).to_be_visible()
            labels = page.get_by_test_id("stMetricLabel").all_inner_texts()
            values = page.get_by_test_id("stMetricValue").all_inner_texts()
            figures = dict(zip([label.strip() for label in labels], [v.strip() for v in values]))
            assert float(figures["Paid hours"].removesuffix(" h").replace(",", "")) > 0, figures
            assert int(figures["Agents rostered"].replace(",", "")) > 0, figures
            assert int(figures["Shifts"].replace(",", "")) > 0, figures
            expect(page.get_by_role("button", name="Download roster (Excel)")).to_be_visible()
            assert page.get_by_test_id("stException").count() == 0
            page.wait_for_timeout(1500)  # let the charts paint before the screenshot
            for shot in shots:
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shots[0].stat().st_size > 10_000


AGENTS_CSV = "\n".join(["agent,skill_group,min_hours_per_week,max_hours_per_week,unavailable,preferred_start",
                        "ann,generalist,0,40,wed,"] + [f"gen-{i},generalist,0,40,," for i in range(1, 8)]
                       + [f"ph-{i},phone_only,0,40,," for i in range(1, 5)]) + "\n"
TIME_OFF_CSV = "agent,start,end,reason\ngen-1,2026-01-05,,holiday\nph-1,2026-01-06 12:00,2026-01-06 21:00,dentist\n"


KEYS = ("agent", "skill_group", "date", "start", "end", "lunch_start", "lunch_end", "breaks")


HISTORY_AHT = {"phone": 200.0, "chat": 280.0}   # the history's handle times: not the scenario's (240 s, 300 s)


def _history(path: Path) -> None:
    """Three weeks of hourly history before the scenario's week (phone 20, chat 6 contacts an hour 08:00-20:00)
    with handle times other than the scenario's, so the handle-time choice changes the figures."""
    import pandas as pd

    rows = [(f"{t:%Y-%m-%d %H:%M}", channel, rate if 8 <= t.hour < 20 else 0.0, HISTORY_AHT[channel])
            for t in pd.date_range("2025-12-15", "2026-01-05", freq="60min", inclusive="left")
            for channel, rate in (("phone", 20.0), ("chat", 6.0))]
    pd.DataFrame(rows, columns=["ds", "channel", "contacts", "aht_seconds"]).to_csv(path, index=False)


@pytest.fixture
def week_server(tmp_path):
    """The app on a small three-day scenario (quick to schedule) forecast from a short history, with its own
    workspace."""
    sys.path.insert(0, str(ROOT / "tests"))
    from schedule_helpers import small_scenario
    from scenarios import save_scenario

    _history(tmp_path / "history.csv")
    path = save_scenario(small_scenario(days=3, headcounts=(8, 4), costs=(1.0, 1.0),
                                        demand={"history": str(tmp_path / "history.csv"), "model": "weekday_mean"}),
                         tmp_path / "small.yaml")
    yield from _serve(tmp_path, path)


def _idle(page) -> None:
    """Wait until the app has been idle (no script run going) for IDLE_CHECKS checks in a row: on a busy machine
    the run an action asks for may start a moment after the action, and an action taken in between can be lost
    (a rerun then draws a field again with the value it started with)."""
    calm = 0
    deadline = time.monotonic() + ACTION_WAIT_MS / 1000
    while calm < IDLE_CHECKS:
        calm = calm + 1 if page.get_by_test_id("stStatusWidget").count() == 0 else 0
        if time.monotonic() > deadline:
            raise AssertionError(f"the app was still running after {ACTION_WAIT_MS / 1000:.0f} s")
        page.wait_for_timeout(IDLE_CHECK_MS)


def _click(page, locator) -> None:
    """Click `locator` once the app is idle; while a rerun draws the page again, an old element may stand beside
    the new one for a moment (then the newest, the last drawn, is the live one)."""
    from playwright.sync_api import expect

    _idle(page)
    try:
        expect(locator).to_have_count(1, timeout=STALE_WAIT_MS)
    except AssertionError:
        locator = locator.last
    locator.click()
    _idle(page)


def _choose(page, label: str, option: str, attempts: int = 4) -> None:
    """Pick `option` in the Streamlit select box or multiselect labelled `label`, and see it taken (a multiselect
    shows it as a chip, a select box as its value).

    On a busy machine a rerun can draw the field again while the filter text is typed, and the typed text (or the
    choice) is lost; then the dropdown is closed, the run allowed to end, and the choice made again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout, expect

    for attempt in range(attempts):
        _idle(page)
        field = page.get_by_label(label, exact=True)
        # While a rerun draws the page again, the old field may stand beside the new one for a moment.
        expect(field).to_have_count(1, timeout=ACTION_WAIT_MS)
        field.focus()                    # not a click: a click may land on a chosen item's remove button
        field.press("ArrowDown")
        page.keyboard.type(option)      # long lists are virtualised: filter to the option first
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=OPTION_WAIT_MS)
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            # Close the dropdown (the filter text goes with it; never Backspace: it would drop a chosen item).
            page.keyboard.press("Escape")
            continue
        page.keyboard.press("Escape")
        _idle(page)
        chip = page.get_by_role("button", name=f"Remove {option}", exact=True)
        if chip.count() > 0 or option in (page.get_by_label(label, exact=True).input_value() or "") \
                or page.get_by_test_id("stSelectbox").filter(has_text=option).count() > 0:
            return
    raise AssertionError(f"'{option}' was chosen in '{label}' {attempts} times and not kept")


@pytest.mark.walkthrough
def test_the_planners_week_in_chromium(week_server, tmp_path):
    import csv
    import io
    import json
    import re

    expect, sync_playwright, executable = _playwright()
    from openpyxl import load_workbook

    (tmp_path / "agents.csv").write_text(AGENTS_CSV)
    (tmp_path / "time_off.csv").write_text(TIME_OFF_CSV)
    out_dirs = [tmp_path / "shots", ROOT / "test-output" / "week"]

    def shot(page, name: str) -> None:
        page.wait_for_timeout(800)
        for folder in out_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def settle(page) -> None:
        """Wait until the app has finished its run (a click during a run would start it again)."""
        _idle(page)

    def download(page, button: str, target: Path) -> Path:
        # While a rerun draws the page again, the old element may stand beside the new one for a moment.
        settle(page)
        expect(page.get_by_role("button", name=button)).to_have_count(1)
        with page.expect_download() as info:
            _click(page, page.get_by_role("button", name=button))
        info.value.save_as(str(target))
        return target

    def tile(page, within, label: str) -> str:
        """The value of the metric tile labelled `label` inside `within` (the page, or a row of tiles)."""
        settle(page)
        metric = within.get_by_test_id("stMetric").filter(
            has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        expect(metric.first).to_be_visible(timeout=ACTION_WAIT_MS)
        return metric.first.get_by_test_id("stMetricValue").inner_text().strip()

    def roster_rows(page, name: str) -> list[dict]:
        text = download(page, "Download roster (CSV)", tmp_path / name).read_text()
        return list(csv.DictReader(io.StringIO(text)))

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 4200}, accept_downloads=True)
            page.set_default_timeout(60_000)
            page.goto(week_server)
            expect(page.get_by_role("heading", name="Data and forecast")).to_be_visible()
            page.get_by_role("link", name="Schedule and roster").click()
            expect(page.get_by_role("heading", name="Schedule and roster")).to_be_visible()
            settle(page)
            # Fast settings: few replications, no verification rounds, short solves.
            for label, value in (("Replications", "2"), ("Solver effort", "2")):
                field = page.get_by_role("spinbutton", name=label)
                field.fill(value)
                field.press("Enter")
                settle(page)
                expect(field).to_have_value(value)
            page.get_by_text("Verify schedule by simulation").click()
            settle(page)
            expect(page.get_by_text("without simulation")).to_be_visible()

            # Agents and time off, uploaded as files.
            page.get_by_text("Agents, time off and locked shifts").click()
            uploads = page.locator("input[type=file]")
            uploads.nth(0).set_input_files(str(tmp_path / "agents.csv"))
            expect(page.get_by_text("agents.csv: 12 agents in use")).to_be_visible()
            uploads.nth(1).set_input_files(str(tmp_path / "time_off.csv"))
            expect(page.get_by_text("time_off.csv: 2 time-off entries for 2 agent(s)")).to_be_visible()
            shot(page, "1_agents_and_time_off")

            _click(page, page.get_by_role("button", name="Generate roster"))
            settle(page)
            expect(page.get_by_role("heading", name="Roster", exact=True)).to_be_visible(timeout=ACTION_WAIT_MS)
            first = roster_rows(page, "roster_1.csv")
            assert {r["agent"] for r in first} <= {"ann", *(f"gen-{i}" for i in range(1, 8)),
                                                   *(f"ph-{i}" for i in range(1, 5))}
            assert not any(r["agent"] == "gen-1" and r["date"] == "2026-01-05" for r in first)
            assert not any(r["agent"] == "ann" and r["date"] == "2026-01-07" for r in first)
            shot(page, "2_generated")

            # Shorten a shift by an hour (legal: breaks and lunch end before its new end), then lock it with three
            # more shifts, all chosen in the lock form and applied with one click.
            label = lambda r: f"{r['agent']} · {r['date']} · {r['start']}-{r['end']}"  # noqa: E731
            new_end = lambda r: f"{int(r['end'][:2]) - 1:02d}:{r['end'][3:]}"  # noqa: E731

            def fits(r):
                ends = [b.split("-")[1] for b in r["breaks"].split(";") if b] + ([r["lunch_end"]] if r["lunch_end"]
                                                                                  else [])
                return all(e <= new_end(r) for e in ends) and r["end"] > "01:00"
            locked = first[:3]
            short = next(r for r in first[3:] if fits(r))
            _choose(page, "Move a shift", label(short))
            field = page.get_by_label("to", exact=True)
            expect(field).to_have_value(short["end"])   # the fields follow the shift picked
            field.fill(new_end(short))      # in a form: the new time goes with the click on Move
            _click(page, page.get_by_role("button", name="Move", exact=True))
            settle(page)
            shortened = {**short, "end": new_end(short)}
            for r in [*locked, shortened]:
                _choose(page, "Lock shifts", label(r))
            _click(page, page.get_by_role("button", name="Lock", exact=True))
            expect(page.get_by_text("Shifts locked: 4 of", exact=False)).to_be_visible(timeout=ACTION_WAIT_MS)
            settle(page)
            expect(page.get_by_text("Every labour rule holds for every agent.")).to_be_visible()
            shot(page, "3_shortened_and_locked")

            # Move a generalist's shift to ann on Wednesday, when she is away: the rule shows; then undo.
            mover = next(r for r in reversed(first) if r["skill_group"] == "generalist" and r["agent"] != "ann"
                         and r not in locked and r is not short)
            _choose(page, "Move a shift", label(mover))
            _choose(page, "to agent", "ann")
            _choose(page, "on", "2026-01-07")
            shot(page, "3_move_chosen")
            _click(page, page.get_by_role("button", name="Move", exact=True))
            expect(page.get_by_text("Labour rules broken by the edited roster")).to_be_visible()
            expect(page.get_by_text("ann: unavailable", exact=False)).to_be_visible()
            shot(page, "3_illegal_move")
            _click(page, page.get_by_role("button", name="Undo the last edit"))
            expect(page.get_by_text("Every labour rule holds for every agent.")).to_be_visible()

            # Regenerate around the locked shifts: they come back unchanged.
            _click(page, page.get_by_role("button", name="Regenerate keeping the locked shifts"))
            settle(page)
            expect(page.get_by_role("heading", name="Roster", exact=True)).to_be_visible(timeout=ACTION_WAIT_MS)
            shot(page, "4_regenerated")
            second = roster_rows(page, "roster_2.csv")
            for r in locked:
                assert r in second, r
            # The shortened shift is one the optimizer did not make: kept as edited.
            assert {k: shortened[k] for k in KEYS} in [{k: r[k] for k in KEYS} for r in second]

            # Two versions, compared.
            _click(page, page.get_by_role("tab", name="Versions"))
            for name in ("Monday plan", "Monday plan, checked"):
                box = page.get_by_label("Version name")
                box.fill(name)
                box.press("Enter")
                _click(page, page.get_by_role("button", name="Save the edited roster as a version"))
                expect(page.get_by_text(f": {name}", exact=False).first).to_be_visible()
            _choose(page, "Compared with", "4: Monday plan, checked")
            _click(page, page.get_by_role("button", name="Mark as published"))
            expect(page.get_by_text("is the published one", exact=False)).to_be_visible()
            shot(page, "5_versions")

            # Publish and check the grid against the roster.
            _click(page, page.get_by_role("tab", name="Publish"))
            expect(page.get_by_text("the figures of version 4", exact=False)).to_be_visible()
            book = download(page, "Download the published week (Excel)", tmp_path / "published.xlsx")
            shot(page, "6_publish")
            assert page.get_by_test_id("stException").count() == 0

            # A reload keeps the work: the agents, the roster being edited and its four locks.
            page.reload()
            page.get_by_role("link", name="Schedule and roster").click()
            expect(page.get_by_role("heading", name="Schedule and roster")).to_be_visible()
            settle(page)
            expect(page.get_by_text("Shifts locked: 4 of", exact=False)).to_be_visible(timeout=ACTION_WAIT_MS)
            # (the inputs panel opens by itself when there are uploads)
            expect(page.get_by_label("CSV text (edit and apply)").first).to_have_value(re.compile("ph-4,phone_only"))
            shot(page, "7_reloaded")

            # A version reopened from the Versions page comes back with its locks (after unlocking them all here).
            _click(page, page.get_by_role("button", name="Unlock all shifts"))
            page.get_by_role("link", name="Versions").click()
            expect(page.get_by_role("heading", name="Versions")).to_be_visible()
            _choose(page, "Version", "3: Monday plan")
            _click(page, page.get_by_role("button", name="Open this version in the editor"))
            expect(page.get_by_role("heading", name="Schedule and roster")).to_be_visible(timeout=ACTION_WAIT_MS)
            expect(page.get_by_text("Shifts locked: 4 of", exact=False)).to_be_visible(timeout=ACTION_WAIT_MS)
            expect(page.get_by_text("opened from version 3", exact=False)).to_be_visible()
            shot(page, "8_version_reopened")

            # Today: the recommended actions name only agents of the agents file.
            page.get_by_role("link", name="Today").click()
            expect(page.get_by_role("heading", name="Today")).to_be_visible()
            _click(page, page.get_by_role("button", name="Re-plan the rest of the day"))
            expect(page.get_by_text("Recommended actions", exact=False)).to_be_visible(timeout=ACTION_WAIT_MS)
            actions = download(page, "Actions CSV", tmp_path / "actions.csv").read_text()
            shot(page, "9_today")
            assert page.get_by_test_id("stException").count() == 0

            # A what-if with the scenario's handle times shows the figures Simulate gives with them (issue 22 item 1).
            page.get_by_role("link", name="Data and forecast").click()
            expect(page.get_by_role("heading", name="Data and forecast")).to_be_visible()
            _click(page, page.get_by_text("the scenario's aht_seconds"))
            page.get_by_role("link", name="Simulate").click()
            expect(page.get_by_role("heading", name="Simulate")).to_be_visible()
            _click(page, page.get_by_role("button", name="Generate roster"))   # for these inputs (handle times)
            _click(page, page.get_by_role("button", name=re.compile("^Run simulation")))
            simulated = tile(page, page, "phone service level")
            page.get_by_text("Tables and downloads").click()
            summary = json.loads(download(page, "Summary (JSON)", tmp_path / "sim_summary.json").read_text())
            shot(page, "10_simulate_scenario_aht")
            page.get_by_role("link", name="What-if").click()
            expect(page.get_by_role("heading", name="What-if")).to_be_visible()
            _click(page, page.get_by_role("button", name="Run what-if"))
            expect(page.get_by_text("handle times from the scenario", exact=False)).to_be_visible(
                timeout=ACTION_WAIT_MS)
            row = page.get_by_test_id("stHorizontalBlock").filter(
                has=page.get_by_text("phone: service level", exact=True))
            whatif_shown = tile(page, row, "base")
            comparison = list(csv.DictReader(io.StringIO(
                download(page, "Comparison (CSV)", tmp_path / "whatif.csv").read_text())))
            shot(page, "11_whatif_scenario_aht")
            assert page.get_by_test_id("stException").count() == 0
        finally:
            browser.close()

    grid = load_workbook(book)["Week"]
    header = [c.value for c in grid[1]]
    assert header[:5] == ["Agent", "Skill group", "Mon 05 Jan 2026", "Tue 06 Jan 2026", "Wed 07 Jan 2026"]
    cells = {row[0]: row for row in grid.iter_rows(min_row=2, values_only=True)}
    for r in second:
        col = 2 + ["2026-01-05", "2026-01-06", "2026-01-07"].index(r["date"])
        expected = f"{r['start']}-{r['end']}" + (f", lunch {r['lunch_start']}" if r["lunch_start"] else "")
        assert cells[r["agent"]][col] == expected
    assert (out_dirs[0] / "6_publish.png").stat().st_size > 10_000
    # The published Figures sheet carries the published version's own figures.
    from planning.store import Workspace

    with Workspace(tmp_path / "workspace.sqlite") as ws:
        kept = ws.get_version(4).figures
    figures = {row[0]: row[1] for row in load_workbook(book)["Figures"].iter_rows(min_row=2, values_only=True)}
    assert figures["Paid hours"] == pytest.approx(kept["paid_hours"], abs=0.01)
    for channel, f in kept["channels"].items():
        assert figures[f"{channel}: service level (simulated)"] == round(100 * f["service_level"], 1)
    named = {r["agent"] for r in csv.DictReader(io.StringIO(actions))}
    assert named and named <= {"ann", *(f"gen-{i}" for i in range(1, 8)), *(f"ph-{i}" for i in range(1, 5))}
    # The what-if's base at the scenario's handle times is Simulate's run of the same roster: the same figure shown,
    # the same number exported.
    base = {r["kpi"]: float(r["value"]) for r in comparison if r["variant"] == "base"}
    phone = summary["channels"]["phone"]["service_level"]
    assert base["channels.phone.service_level"] == pytest.approx(phone, abs=1e-12)
    assert whatif_shown == simulated == f"{100 * phone:.1f}%"
