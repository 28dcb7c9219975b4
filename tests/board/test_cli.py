from __future__ import annotations

import os
import subprocess
import sys

from tests.server.conftest import ROOT


def run_board(*args: str, password: str = "demo") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COUNTER_APP_")}
    env["COUNTER_APP_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "counter_app", "board", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def test_board_cli_refuses_wrong_center_and_bad_password(server_factory, tmp_path):
    srv = server_factory(demo=True)
    common = ("--server", srv.url, "--username", "giamsat", "--data-dir", str(tmp_path))
    r = run_board("--center", "OTHER", *common)
    assert r.returncode == 2, r.stderr
    assert "DEMO" in r.stderr and "OTHER" in r.stderr
    # a fresh data dir: no cached token from the first run
    common = ("--server", srv.url, "--username", "giamsat", "--data-dir", str(tmp_path / "b"))
    r = run_board("--center", "DEMO", *common, password="wrong")
    assert r.returncode == 4, r.stderr


def test_board_cli_server_unreachable(tmp_path):
    r = run_board("--server", "http://127.0.0.1:9", "--username", "x", "--data-dir", str(tmp_path))
    assert r.returncode == 7 and "server unreachable" in r.stderr
