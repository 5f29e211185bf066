"""The real sign-in flow in a browser: `ccplan app --host 0.0.0.0` with Streamlit's OpenID Connect login configured
against a tiny identity provider run by the test (discovery, authorize, token with an RS256-signed ID token, JWKS,
userinfo; it signs in whoever asks as the viewer vera@example.com). Driven by Playwright on the system Chromium:
an unauthenticated browser sees the login page and no roster data; after signing in, the viewer sees the published
roster (downloaded and compared with the stored one) and no edit controls.

Locally without Chromium (or Playwright) the test skips; in CI (CI=true) it fails instead.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import ROOT
from server_helpers import chromium_page, wait_healthy
from test_app_browser import CHROMIUM_ARGS, _playwright

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWER = "vera@example.com"
CLIENT_ID, CLIENT_SECRET = "ccplan-test", "client-secret-for-the-test"


class _Provider(BaseHTTPRequestHandler):
    """A minimal OpenID Connect provider: every authorization request is granted to VIEWER."""

    key = None          # joserfc RSAKey, set by `identity_provider`
    issuer = ""
    codes: dict[str, str] = {}   # authorization code -> the nonce it was issued for

    def log_message(self, *args) -> None:   # quiet
        pass

    def _json(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urllib.parse.urlparse(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/.well-known/openid-configuration":
            self._json({"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                        "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                        "userinfo_endpoint": f"{self.issuer}/userinfo", "response_types_supported": ["code"],
                        "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})
        elif url.path == "/jwks":
            self._json({"keys": [self.key.as_dict(private=False)]})
        elif url.path == "/authorize":
            assert query.get("client_id") == CLIENT_ID
            code = secrets.token_urlsafe(16)
            type(self).codes[code] = query.get("nonce", "")
            target = query["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": query["state"]})
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
        elif url.path == "/userinfo":
            self._json({"sub": "vera", "email": VIEWER, "email_verified": True, "name": "Vera Viewer"})
        else:
            self._json({"error": "not_found"}, 404)

    def do_POST(self) -> None:
        from joserfc import jwt

        form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
        nonce = type(self).codes.pop(form.get("code", ""), None)
        if self.path != "/token" or nonce is None:
            self._json({"error": "invalid_grant"}, 400)
            return
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "vera", "aud": CLIENT_ID, "iat": now, "exp": now + 600, "nonce": nonce,
                  "email": VIEWER, "email_verified": True, "name": "Vera Viewer"}
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
        self._json({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 600,
                    "id_token": id_token})


@pytest.fixture
def identity_provider():
    """The provider on a free loopback port; yields its issuer URL."""
    from joserfc.jwk import RSAKey

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
    _Provider.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    _Provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Provider.issuer
    server.shutdown()


@pytest.fixture
def shared_app(tmp_path, identity_provider, example):
    """`ccplan app --host 0.0.0.0` with the login configured and one published version; yields the URL a browser
    on this machine uses (localhost: the redirect URI's host, so the sign-in cookie comes back)."""
    from planning.audit import User
    from planning.store import Workspace
    from scenarios import Roster, Shift

    workspace = tmp_path / "ws.sqlite"
    roster = Roster(example.start, [Shift("agent-vera-reads", "generalist", 8 * 3600, 16 * 3600),
                                    Shift("agent-two", "generalist", 9 * 3600, 17 * 3600)])
    with Workspace(workspace, user=User("ann@example.com", "planner")) as ws:
        ws.publish_version(ws.add_version("Week 1", example, roster, {"paid_hours": 16.0, "agents": 2, "shifts": 2}))
        expected = ws.published_version(example.name).roster_csv

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'[auth]\nredirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\nclient_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{identity_provider}/.well-known/openid-configuration"\n\n'
        f'[ccplan]\nplanners = ["ann@example.com"]\nviewers = ["{VIEWER}"]\n')
    log = open(tmp_path / "app.log", "w")
    env = {**os.environ, "HOME": str(tmp_path), "CCPLAN_WORKSPACE": str(workspace), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "app", "--host", "0.0.0.0", "--port", str(port),
                             str(ROOT / "scenarios/examples/insurance_week.yaml")],
                            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, proc, tmp_path / "app.log")
        yield f"http://localhost:{port}", expected
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_login_page_then_a_viewer_sees_the_published_roster_without_edit_controls(shared_app, tmp_path):
    base, expected = shared_app
    expect, sync_playwright, executable = _playwright()
    with chromium_page(sync_playwright, executable, CHROMIUM_ARGS, viewport={"width": 1400, "height": 2000},
                       accept_downloads=True) as page:
        page.goto(base)
        expect(page.get_by_role("heading", name="ccplan: sign in")).to_be_visible()
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
        page.screenshot(path=str(tmp_path / "login_page.png"), full_page=True)
        # No roster data before signing in: no table, no agent, no page of the planner's.
        assert page.get_by_test_id("stDataFrame").count() == 0
        assert "agent-vera-reads" not in page.content()
        assert page.get_by_test_id("stSidebarNav").count() == 0
        # A page's own address does not get past the gate either: no page file runs without it (before the
        # login page was registered with st.navigation, /schedule ran app/pages/4_schedule.py unguarded).
        for address in ("/schedule", "/published"):
            page.goto(base + address)
            expect(page.get_by_role("heading", name="ccplan: sign in")).to_be_visible()
            assert page.get_by_role("button", name="Generate roster").count() == 0
            assert page.get_by_test_id("stDataFrame").count() == 0
            assert "agent-vera-reads" not in page.content()
        page.goto(base)   # (Streamlit says "page not found" in a dialog over the login page)
        expect(page.get_by_role("heading", name="ccplan: sign in")).to_be_visible()

        page.get_by_role("button", name="Log in").click()    # to the provider and back, signed in
        expect(page.get_by_role("heading", name="Published roster")).to_be_visible()
        expect(page.get_by_text(f"Signed in as {VIEWER} (viewer)")).to_be_visible()
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
        with page.expect_download() as info:
            page.get_by_role("button", name="Download the published roster (CSV)").click()
        info.value.save_as(str(tmp_path / "published.csv"))
        assert (tmp_path / "published.csv").read_text() == expected
        # No edit controls and none of the planner's pages.
        for name in ("Generate roster", "Save the edited roster as a version", "Mark as published", "Lock",
                     "Apply"):
            assert page.get_by_role("button", name=name, exact=True).count() == 0, name
        assert page.get_by_test_id("stFileUploader").count() == 0
        for link in ("Schedule and roster", "Scenario", "What-if", "Data and forecast"):
            assert page.get_by_role("link", name=link).count() == 0, link
        assert page.get_by_test_id("stException").count() == 0
        page.screenshot(path=str(tmp_path / "viewer.png"), full_page=True)
