"""`ccplan` exit codes and messages, run as a user would (a subprocess)."""

from __future__ import annotations

from conftest import ROOT, run_cli


def test_version_and_help():
    out = run_cli("--version")
    assert out.returncode == 0 and out.stdout.startswith("ccplan ")
    out = run_cli("--help")
    assert out.returncode == 0 and "validate" in out.stdout
    out = run_cli("validate", "--help")
    assert out.returncode == 0 and "SCENARIO" in out.stdout


def test_validate_example_prints_summary(example_path):
    out = run_cli("validate", str(example_path))
    assert out.returncode == 0, out.stderr
    assert "OK" in out.stdout and "total forecast contacts" in out.stdout
    for name in ("phone", "chat", "email", "bot", "generalist"):
        assert name in out.stdout


def _write_variant(tmp_path, example_path, old, new):
    text = example_path.read_text().replace(old, new)
    target = tmp_path / "variant.yaml"
    target.write_text(text)
    (tmp_path / "data").symlink_to(example_path.parent / "data")
    return target


def test_negative_aht_exits_2_naming_the_field(tmp_path, example_path):
    path = _write_variant(tmp_path, example_path, "aht_seconds: 300", "aht_seconds: -5")
    out = run_cli("validate", str(path))
    assert out.returncode == 2
    assert "channels.phone.aht_seconds: must be > 0" in out.stderr
    assert "Traceback" not in out.stderr


def test_misspelled_key_exits_2_by_name(tmp_path, example_path):
    path = _write_variant(tmp_path, example_path, "concurrency: 3", "concurency: 3")
    out = run_cli("validate", str(path))
    assert out.returncode == 2 and "channels.chat.concurency: unknown key" in out.stderr


def test_missing_history_is_reported_by_path(tmp_path, example_path):
    path = _write_variant(tmp_path, example_path, "data/insurance_history.csv", "data/gone.csv")
    out = run_cli("validate", str(path))
    assert out.returncode == 2 and "gone.csv" in out.stderr and "file not found" in out.stderr


def test_broken_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nchannels: [\n")
    out = run_cli("validate", str(bad))
    assert out.returncode == 2 and "not valid YAML" in out.stderr and "Traceback" not in out.stderr
    out = run_cli("validate", str(tmp_path / "none.yaml"))
    assert out.returncode == 2 and "file not found" in out.stderr


def test_stopping_ccplan_app_stops_the_server_it_started(tmp_path):
    """`ccplan app` terminated (as a service manager or a closed terminal would) takes its Streamlit server with it:
    the port is free again."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    from server_helpers import wait_healthy

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "app", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    try:
        wait_healthy(port, proc)
        proc.send_signal(signal.SIGTERM)
        proc.wait()
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) != 0:
                    break
            time.sleep(0.2)
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, "the server is still listening"
    finally:
        proc.kill()


def test_the_cli_default_risk_is_plannings():
    from app.commands.common import DEFAULT_RISK
    from planning.schedule import DEFAULT_RISK as PLANNING_DEFAULT

    assert DEFAULT_RISK == PLANNING_DEFAULT
