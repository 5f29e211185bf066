"""Safe to share: `ccplan app` serves this machine only unless --host shares it, and sharing needs a login; the
gate's configuration (providers, roles); uploads checked before reading; the gate under AppTest (st.user seeded:
the real sign-in flow runs in tests/app/test_login_browser.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import psutil
import pytest

from app.ui import auth, uploads
from conftest import ROOT
from server_helpers import wait_healthy

LOGIN = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a-long-random-secret",
                  "client_id": "ccplan", "client_secret": "s3cret",
                  "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"},
         "ccplan": {"planners": ["Ann@Example.com"], "viewers": ["vera@example.com"]}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _app(tmp_path, *args: str) -> subprocess.Popen:
    # HOME and the working folder in tmp_path: no secrets of the machine's user are read.
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "app.cli", "app", *args], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _non_loopback_addresses() -> list[str]:
    return [a.address for addrs in psutil.net_if_addrs().values() for a in addrs
            if a.family == socket.AF_INET and not auth.is_loopback(a.address)]


def test_default_app_listens_on_loopback_only(tmp_path):
    port = _free_port()
    proc = _app(tmp_path, "--port", str(port))
    try:
        wait_healthy(port, proc)
        listening = {c.laddr.ip for c in psutil.net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN and c.laddr.port == port}
        assert listening and all(auth.is_loopback(ip) for ip in listening), listening
        for address in _non_loopback_addresses():   # the machine's own network address is refused
            with socket.socket() as s:
                s.settimeout(2)
                assert s.connect_ex((address, port)) != 0, f"reachable on {address}"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert f"ccplan app on http://127.0.0.1:{port} (this machine only" in out


def test_sharing_without_a_login_exits_2_saying_how_to_configure_one(tmp_path):
    proc = _app(tmp_path, "--host", "0.0.0.0", "--port", str(_free_port()))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, (out, err)
    assert "--host: serving on 0.0.0.0 shares the app with the network, which needs a login" in err
    assert "[auth] section of .streamlit/secrets.toml" in err and "Sharing the app" in err
    assert "Traceback" not in err and "ccplan app on" not in out


def test_sharing_with_a_login_but_nobody_in_a_role_is_refused(tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[auth]\nredirect_uri = "http://x:8501/oauth2callback"\ncookie_secret = "abcdefghijklmnopq"\n'
        'client_id = "c"\nclient_secret = "s"\nserver_metadata_url = "http://idp/.well-known/openid-configuration"\n')
    proc = _app(tmp_path, "--host", "0.0.0.0", "--port", str(_free_port()))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "nobody has a role" in err and "Traceback" not in err


def test_broken_secrets_file_is_named(tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("[auth\n")
    proc = _app(tmp_path, "--host", "0.0.0.0")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "secrets.toml: cannot be read as TOML" in err


def test_login_providers_roles_and_loopback():
    assert auth.login_providers({}) == []
    assert auth.login_providers(LOGIN) == ["default"]
    named = {"auth": {"redirect_uri": "r", "cookie_secret": "c", "okta": {"client_id": "x"}, "expose_tokens": "id"}}
    assert auth.login_providers(named) == ["okta"]
    assert auth.login_providers({"auth": {"client_id": "x", "cookie_secret": "c"}}) == []   # no redirect_uri
    assert auth.role_of("ann@example.com", LOGIN) == "planner"      # case-insensitive
    assert auth.role_of("VERA@example.com", LOGIN) == "viewer"
    assert auth.role_of("eve@example.com", LOGIN) is None
    assert auth.role_of("eve@example.com", {"ccplan": {"viewers": ["*"]}}) == "viewer"
    assert auth.role_of(None, LOGIN) is None
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"):
        assert auth.is_loopback(host) and auth.sharing_problem(host, {}) is None
    for host in ("0.0.0.0", "::", "192.168.1.5", "example.com", ""):
        assert not auth.is_loopback(host)
    assert "needs a login" in auth.sharing_problem("0.0.0.0", {})
    assert auth.sharing_problem("0.0.0.0", LOGIN) is None


def test_uploads_are_checked_by_type_and_size_before_reading(monkeypatch):
    monkeypatch.setenv(uploads.ENV_VAR, "2")
    assert uploads.max_upload_bytes() == 2 * 1024 ** 2
    assert uploads.upload_problem("agents.csv", 2 * 1024 ** 2, ("csv",)) is None
    assert uploads.upload_problem("agents.CSV", 10, ("csv",)) is None
    assert uploads.upload_problem("agents.csv", 2 * 1024 ** 2 + 1, ("csv",)) == (
        "agents.csv: 2.0 MB; uploads above 2 MB are not read (`ccplan app --max-upload-mb` raises the limit)")
    assert uploads.upload_problem("roster.xlsx", 10, ("csv",)) == "roster.xlsx: a .xlsx file; this field takes .csv"
    assert "a .(none) file" in uploads.upload_problem("roster", 10, ("csv",))
    monkeypatch.setenv(uploads.ENV_VAR, "1000000")   # never above what the command line reads from a file
    from scenarios.tables import MAX_FILE_BYTES
    assert uploads.max_upload_bytes() == MAX_FILE_BYTES


# --- the gate under AppTest ------------------------------------------------------------------------------------

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402

APP = ROOT / "app" / "streamlit_app.py"


@pytest.fixture
def published(tmp_path, monkeypatch, example):
    """A workspace with one published version of the example, saved by a planner."""
    from planning.audit import User
    from planning.store import Workspace
    from scenarios import Roster, Shift

    monkeypatch.setenv("CCPLAN_WORKSPACE", str(tmp_path / "ws.sqlite"))
    roster = Roster(example.start, [Shift("agent-vera-reads", "generalist", 8 * 3600, 16 * 3600)])
    with Workspace(user=User("ann@example.com", "planner")) as ws:
        ws.publish_version(ws.add_version("Week 1", example, roster, {"paid_hours": 8.0, "agents": 1, "shifts": 1}))


def _open(user: dict | None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.secrets = LOGIN
    if user is not None:
        at.user = user
    return at.run()


def _texts(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in (at.title, at.markdown, at.error, at.caption, at.info) for e in kind)


def test_gate_without_sign_in_shows_the_login_page_and_no_roster(published):
    at = _open(None)
    assert not at.exception
    assert [t.value for t in at.title] == ["ccplan: sign in"]
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.dataframe and "agent-vera-reads" not in _texts(at)


def test_gate_turns_away_a_user_without_a_role(published):
    at = _open({"is_logged_in": True, "email": "eve@example.com"})
    assert "eve@example.com, who has no role in ccplan" in _texts(at)
    assert not at.dataframe


def test_gate_viewer_sees_the_published_roster_and_no_edit_controls(published):
    at = _open({"is_logged_in": True, "email": "vera@example.com"})
    assert not at.exception
    assert [t.value for t in at.title] == ["Published roster"]
    assert "Signed in as vera@example.com (viewer)" in _texts(at)
    [roster] = [d.value for d in at.dataframe if "agent" in d.value.columns]
    assert list(roster["agent"]) == ["agent-vera-reads"]
    assert {b.label for b in at.button} == {"Log out"}
    for kind in ("file_uploader", "text_input", "text_area", "data_editor"):
        assert not at.get(kind), kind
    history = at.dataframe[-1].value
    assert list(history["what"]) == ["version published", "version saved"]
    assert set(history["who"]) == {"ann@example.com"}
    # The pages that edit are not in a viewer's navigation at all.
    with pytest.raises(ValueError, match=r"Known pages: \['.*12_published.py'\]"):
        at.switch_page("pages/4_schedule.py")


def test_gate_planner_opens_every_page(published):
    at = _open({"is_logged_in": True, "email": "ann@example.com"})
    assert not at.exception
    assert [t.value for t in at.title] == ["Data and forecast"]
    assert "Signed in as ann@example.com (planner)" in _texts(at)
    at.switch_page("pages/12_published.py").run()
    assert [t.value for t in at.title] == ["Published roster"]


def test_gate_without_a_login_shows_nothing_when_the_server_is_bound_beyond_loopback(published):
    """`streamlit run` started by hand on every interface, no login: the app refuses to show anything."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(APP), default_timeout=120).run()
    finally:
        config.set_option("server.address", before)
    assert "This app is served to the network without a login, so it shows nothing" in _texts(at)
    assert not at.dataframe and not at.button and "agent-vera-reads" not in _texts(at)


def test_versions_show_prints_who_saved_and_published(tmp_path, example):
    from conftest import run_cli
    from planning.audit import User
    from planning.store import Workspace
    from scenarios import Roster, Shift

    path = tmp_path / "ws.sqlite"
    with Workspace(path, user=User("ann@example.com", "planner")) as ws:
        vid = ws.add_version("Week 1", example, Roster(example.start, [Shift("a1", "generalist", 8 * 3600, 16 * 3600)]),
                             {"paid_hours": 8.0})
    with Workspace(path, user=User("bob@example.com", "planner")) as ws:
        ws.publish_version(vid)
        saved, published = (e.at.replace("T", " ")[:19] for e in reversed(ws.history(("version", vid))))
    out = run_cli("versions", "show", str(vid), "--workspace", str(path))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    start = lines.index("  history (newest first):")
    assert lines[start + 1:start + 3] == [
        f"    {published} UTC  bob@example.com (planner): version published  {example.name}",
        f"    {saved} UTC  ann@example.com (planner): version saved  Week 1"]
