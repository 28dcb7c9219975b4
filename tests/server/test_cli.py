"""`counter-app admin` on the server database and `counter-app queue` over HTTP, as subprocesses."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from counter_app.server.crud import admin
from tests.helpers import ROOT, run_cli
from tests.server.conftest import free_port, open_server_db


def _admin(data_dir: Path, *args: str, env: dict | None = None):
    return run_cli("admin", "--data-dir", str(data_dir), *args, env=env)


def test_admin_then_queue_cli(server_factory, tmp_path: Path) -> None:
    sdir = tmp_path / "server"
    ok = _admin(sdir, "center", "add", "HCM7", "--name", "Phường 7", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["code"] == "HCM7"
    assert _admin(sdir, "service", "set", "--center", "HCM7", "A", "Hộ tịch").returncode == 0
    db = open_server_db(sdir, None)  # the same use case, without another process start
    admin.set_service(db, "HCM7", "B", "Chứng thực")
    db.dispose()
    r = _admin(sdir, "counter", "set", "--center", "HCM7", "Q1", "--services", "A,B", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["services"] == ["A", "B"]
    bad = _admin(sdir, "counter", "set", "--center", "HCM7", "Q2", "--services", "Z")
    assert bad.returncode == 2 and "Z" in bad.stderr
    r = _admin(
        sdir,
        "officer",
        "add",
        "lan",
        "--center",
        "HCM7",
        "--counter",
        "Q1",
        env={"COUNTER_APP_PASSWORD": "mat-khau-1"},
    )
    assert r.returncode == 0, r.stderr
    missing = _admin(sdir, "center", "show", "NOPE")
    assert missing.returncode == 2 and "NOPE" in missing.stderr
    tok = _admin(sdir, "token", "create", "--center", "HCM7", "--json")
    assert tok.returncode == 0 and len(json.loads(tok.stdout)["token"]) == 23
    cat = tmp_path / "cat.json"
    demo = json.loads((ROOT / "assets" / "catalog" / "demo_catalog.json").read_text(encoding="utf-8"))
    cat.write_text(json.dumps(demo[:2], ensure_ascii=False), encoding="utf-8")
    imp = _admin(sdir, "catalog", "import", str(cat), "--json")
    assert json.loads(imp.stdout) == {"added": 2, "unchanged": 0, "total": 2}
    # the server refuses what a counter would refuse (a procedure without its components)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"code": "1.001", "name": "Đăng ký khai sinh"}]), encoding="utf-8")
    refused = _admin(sdir, "catalog", "import", str(bad), "--json")
    assert refused.returncode == 2 and "procedures[0]" in refused.stderr
    assert _admin(sdir, "catalog", "import", str(tmp_path / "none.json")).returncode == 3

    srv = server_factory(demo=False, data_dir=sdir)
    client_dir = tmp_path / "client"
    env = {"COUNTER_APP_PASSWORD": "mat-khau-1"}
    common = ["--server", srv.url, "--username", "lan", "--data-dir", str(client_dir), "--json"]
    issued = run_cli("queue", "issue", "--service", "B", "--priority", "elderly", *common, env=env)
    assert issued.returncode == 0, issued.stderr
    t = json.loads(issued.stdout)
    assert t["number"] == "B001" and t["state"] == "waiting" and t["priority"] == "elderly"
    cache = client_dir / "server_tokens.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    # the cached token is used: no password needed now
    called = run_cli("queue", "call-next", "--counter", "Q1", *common)
    assert called.returncode == 0, called.stderr
    c = json.loads(called.stdout)
    assert {"id", "number", "service", "state", "counter"} <= c.keys()
    assert c["id"] == t["id"] and c["counter"] == "Q1" and c["state"] == "called"
    assert json.loads(run_cli("queue", "recall", "--counter", "Q1", *common).stdout)["recalls"] == 1
    tr = run_cli("queue", "transfer", "--counter", "Q1", "--to-service", "A", *common)
    assert json.loads(tr.stdout)["service"] == "A"
    again = json.loads(run_cli("queue", "call-next", "--counter", "Q1", *common).stdout)
    assert again["id"] == t["id"]
    ns = run_cli("queue", "no-show", "--counter", "Q1", *common[:-1])  # human output
    assert ns.returncode == 0 and "B001" in ns.stdout and "no_show" in ns.stdout
    empty = run_cli("queue", "call-next", "--counter", "Q1", *common)
    assert empty.returncode == 0 and json.loads(empty.stdout) is None
    st = json.loads(run_cli("queue", "status", *common).stdout)
    assert st["center"] == "HCM7" and st["counts"]["A"]["no_show"] == 1
    # finishing from the command line offers the ticket for rating on this PC, as F9 does
    second = json.loads(run_cli("queue", "issue", "--service", "A", *common).stdout)
    assert json.loads(run_cli("queue", "call-next", "--counter", "Q1", *common).stdout)["id"] == second["id"]
    assert run_cli("queue", "start", "--counter", "Q1", *common).returncode == 0
    done = run_cli("queue", "finish", "--counter", "Q1", *common)
    assert done.returncode == 0 and json.loads(done.stdout)["state"] == "done", done.stderr
    from counter_app.config import load_settings
    from counter_app.services import satisfaction
    from counter_app.store.db import Store

    client_settings = load_settings(data_dir=client_dir)
    client_store = Store.open(client_settings.db_path)
    try:
        offered = satisfaction.pending(client_store, client_settings, "Q1")
        assert offered is not None and offered.ticket_id == second["id"]
    finally:
        client_store.close()
    # refused transition → 2 with a message; unknown service → 2
    fin = run_cli("queue", "finish", "--counter", "Q1", *common)
    assert fin.returncode == 2 and "Q1" in fin.stderr
    # wrong password with no cached token → 4
    other = run_cli(
        "queue",
        "status",
        "--server",
        srv.url,
        "--username",
        "lan",
        "--data-dir",
        str(tmp_path / "c2"),
        env={"COUNTER_APP_PASSWORD": "wrong"},
    )
    assert other.returncode == 4 and "mật khẩu" in other.stderr
    # devices: admin sees none yet
    dl = _admin(sdir, "device", "list", "--center", "HCM7", "--json")
    assert json.loads(dl.stdout) == []


def test_unreachable_server_exits_7(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    r = run_cli(
        "queue",
        "call-next",
        "--counter",
        "Q1",
        "--server",
        f"http://127.0.0.1:{port}",
        "--username",
        "x",
        "--data-dir",
        str(tmp_path),
        env={"COUNTER_APP_PASSWORD": "x"},
    )
    assert r.returncode == 7, r.stderr
    assert "unreachable" in r.stderr
    nourl = run_cli("queue", "status", "--data-dir", str(tmp_path))
    assert nourl.returncode == 2 and "--server" in nourl.stderr


def test_server_refuses_bad_database(tmp_path: Path) -> None:
    r = run_cli("server", "--data-dir", str(tmp_path), "--database", "mysql://x")
    assert r.returncode == 2 and "postgresql" in r.stderr
    port = free_port()
    r = run_cli(
        "server",
        "--data-dir",
        str(tmp_path),
        "--port",
        str(free_port()),
        "--database",
        f"postgresql+psycopg://nobody@127.0.0.1:{port}/none",
    )
    assert r.returncode == 3 and "database" in r.stderr
