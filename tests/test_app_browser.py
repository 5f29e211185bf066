"""End to end in a real browser: `streamlit run` headless on a free port, driven by Playwright on the system
Chromium. Generates the example roster on the Schedule page and checks the roster table and KPI figures appear.

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

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app" / "streamlit_app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
STARTUP_WAIT_S = 90      # server start on a busy 2-core machine; a guard against hanging, not a speed check
ACTION_WAIT_MS = 240_000  # the first schedule of the example on 2 cores

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _require(condition: bool, why: str) -> None:
    if condition:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{why} (CI installs it: see .ci/run)")
    pytest.skip(why)


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
    port = _free_port()
    log = open(tmp_path / "streamlit.log", "w")
    env = {**os.environ, "CCPLAN_WORKSPACE": str(tmp_path / "workspace.sqlite"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--", "--scenario", str(ROOT / "scenarios/examples/insurance_week.yaml")],
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
    _require(CHROMIUM.exists() or shutil.which("chromium") is not None, "system Chromium (/usr/bin/chromium) is missing")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _require(False, "playwright (python) is not installed")
    executable = str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium"))
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
            assert float(figures["Paid hours"].replace(",", "")) > 0, figures
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
