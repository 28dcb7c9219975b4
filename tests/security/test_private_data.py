"""Points 6 and 7 of the security issue: no ID number, name, phone or token reaches a log
(server or counter), and every file holding personal data is 0600 in folders of 0700, on both
sides."""

from __future__ import annotations

import gzip
import io
import json
import logging
import stat
from pathlib import Path

import httpx

from counter_app import logsafe
from tests.dossier.data import APPLICANT, CHILD
from tests.helpers import ROOT, run_cli
from tests.security.conftest import World
from tests.server.conftest import start_server
from tests.sync import clientlib

CCCD = "079199999999"
NAME = "Kẻ Giả Mạo"
PHONE = "0912 345 678"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_server_log_holds_no_personal_data(tmp_path: Path) -> None:
    srv = start_server(tmp_path, args=("--log-level", "debug"))
    secrets: list[str] = []
    try:
        data = tmp_path / "counter"
        clientlib.setup_client(data, srv.url)
        from counter_app.sync.device import load

        creds = load(data)
        assert creds is not None
        secrets.append(creds.secret)
        headers = {"X-Device-Id": creds.device_id, "X-Device-Secret": creds.secret}
        token = httpx.post(
            srv.api + "/auth/token", data={"username": "canbo1", "password": "demo"}, timeout=10
        ).json()["access_token"]
        secrets.append(token)
        person = {"id_number": CCCD, "full_name": NAME, "phone": PHONE}
        bad_ops = [
            {"device_seq": 1, "op_id": "x" * 10, "entity": "dossier", "payload": {"dossier": person}},
            {"device_seq": 2, "op_id": CCCD, "entity": NAME, "payload": person, "hlc": PHONE},
        ]
        body = {"protocol": 2, "device_id": creds.device_id, "epoch": 1, "ops": bad_ops}
        httpx.post(
            srv.api + "/sync/push",
            content=gzip.compress(json.dumps(body).encode()),
            headers={**headers, "Content-Encoding": "gzip"},
            timeout=30,
        )
        for bad in ({"protocol": CCCD}, {"ops": NAME}, {"device_id": PHONE}):
            httpx.post(srv.api + "/sync/push", json={**body, **bad}, headers=headers, timeout=30)
        httpx.post(srv.api + "/auth/token", data={"username": CCCD, "password": NAME}, timeout=10)
        httpx.get(srv.api + "/auth/me", headers={"Authorization": f"Bearer {token}x"}, timeout=10)
        httpx.get(srv.api + f"/queue/tickets/{CCCD}", headers={"Authorization": f"Bearer {token}"})
        httpx.post(srv.api + "/queue/tickets", json={"service": NAME}, headers={"Authorization": f"Bearer {token}"})
    finally:
        log_before_stop = srv.log()
        srv.stop()
    log = log_before_stop + srv.log_path.read_text(errors="replace")
    assert "GET /api/v1/health" in log or "counter-app server" in log  # the log was written
    for value in (CCCD, NAME, PHONE, PHONE.replace(" ", ""), *secrets):
        assert value not in log, value


def test_redacting_filter_withholds_exception_messages() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logsafe.RedactingFilter())
    logger = logging.getLogger("counter_app.test_logsafe")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError(f"duplicate key (id_number)=({CCCD}) for {NAME}")
        except ValueError:
            logger.exception("insert failed for %s, phone %s", CCCD, PHONE)
        logger.warning("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5ibzEifQ.c2lnbmF0dXJlLXNpZ24 used")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert CCCD not in out and NAME not in out and PHONE not in out and "eyJ" not in out
    assert "ValueError" in out and "<message withheld" in out and "<id>" in out


def test_server_files_are_private(world: World) -> None:
    data = world.server.data_dir
    assert _mode(data) == 0o700
    for name in ("server.sqlite3", "server.sqlite3-wal", "server.sqlite3-shm", "server_secret"):
        path = data / name
        if path.exists():
            assert _mode(path) == 0o600, name
    blobs = data / "blobs"
    files = [p for p in blobs.rglob("*") if p.is_file()]
    assert files, "the DEMO counter's scan is stored"
    for p in [blobs, *blobs.rglob("*")]:
        assert _mode(p) == (0o700 if p.is_dir() else 0o600), p


def test_counter_files_are_private(tmp_path: Path) -> None:
    env = {"COUNTER_APP_DATA_DIR": str(tmp_path / "data"), "COUNTER_APP_OFFICER": "canbo1"}
    catalog = ROOT / "assets" / "catalog" / "demo_catalog.json"
    assert run_cli("catalog", "import", str(catalog), env=env).returncode == 0
    body = {
        "procedure": "1.001193",
        "applicant": dict(APPLICANT),
        "subjects": [dict(CHILD)],
        "components": [
            {"index": 1, "original": 1},
            {"index": 2, "original": 1},
            {"index": 4, "original": 0, "copy": 0, "presented": True},
        ],
    }
    f = tmp_path / "one.json"
    f.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    r = run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env)
    assert r.returncode == 0, r.stderr
    code = json.loads(r.stdout)["code"]
    out = tmp_path / "forms" / "receipt.pdf"
    r = run_cli("dossier", "form", code, "--kind", "receipt", "--out", str(out), env=env)
    assert r.returncode == 0, r.stderr
    assert _mode(out) == 0o600
    data = tmp_path / "data"
    assert _mode(data) == 0o700
    dbs = [p for p in data.iterdir() if p.name.endswith((".sqlite3", ".sqlite3-wal", ".db"))]
    assert dbs
    for p in dbs:
        assert _mode(p) == 0o600, p
    for p in data.rglob("*"):
        if p.is_dir():
            assert _mode(p) & 0o077 == 0, p
        else:
            assert _mode(p) & 0o077 == 0, p
