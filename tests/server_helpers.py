"""Waiting for an app server a test started (shared by the sharing and login tests)."""

from __future__ import annotations

import subprocess
import time
from contextlib import contextmanager
import urllib.request
from pathlib import Path

STARTUP_WAIT_S = 90   # server start on a busy 2-core machine; a guard against hanging, not a speed check


def wait_healthy(port: int, proc: subprocess.Popen, log: Path | None = None) -> None:
    """Return once the Streamlit server on 127.0.0.1:`port` answers its health check; AssertionError (with the end of
    `log`) when the process ends first or does not answer within STARTUP_WAIT_S."""
    deadline = time.monotonic() + STARTUP_WAIT_S
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.3)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"the app server did not come up (exit code {proc.poll()}):\n{tail}")


@contextmanager
def chromium_page(sync_playwright, executable: str, args: list[str], **page_options):
    """A Playwright page on the system Chromium (60 s default waits), closed with its browser afterwards."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=args)
        try:
            page = browser.new_page(**page_options)
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()
