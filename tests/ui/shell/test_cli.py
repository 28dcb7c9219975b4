"""`counter-app demo --seed-only` and the `tui` command, as real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

from counter_app.services import auth_local
from counter_app.services import dossiers as dossier_service
from counter_app.services.context import AppContext
from tests.helpers import run_cli

from .conftest import make_settings


def test_demo_seed_only_json(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    # COUNTER_APP_DATA_DIR is honoured like --data-dir (it was ignored: a temp dir was used)
    proc = run_cli(
        "demo", "--seed-only", "--no-server", "--json", env={"COUNTER_APP_DATA_DIR": str(data)}, timeout=180
    )
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["data_dir"] == str(data)
    assert info["officers"] == ["canbo1", "canbo2", "canbo3", "canbo4", "giamsat", "admin"]
    assert info["tickets"] == 14 and len(info["dossiers"]) == 4 and info["catalog"] >= 50
    settings = make_settings(data)
    ctx = AppContext.open(settings)
    try:
        for user in info["officers"]:
            assert auth_local.verify_offline(ctx.store, settings, user, "demo").username == user
        assert {d["code"] for d in dossier_service.list_dossiers(ctx.store)} == set(info["dossiers"])
    finally:
        ctx.close()


def test_help_lists_tui_and_demo() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert "tui" in proc.stdout and "demo" in proc.stdout
    proc = run_cli("demo", "--help")
    assert proc.returncode == 0 and "--no-server" in proc.stdout
