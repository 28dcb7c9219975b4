"""Sync conflicts reach a supervisor: a counter restored from a backup re-used a dossier code
another dossier already has; the server keeps both facts, flags a conflict, and a supervisor of
the same center (never an officer, never another center) lists it and resolves it with a note —
once."""

from __future__ import annotations

import random
from pathlib import Path

import httpx
import pytest

from counter_app.server.crud import admin as admin_crud
from tests.server.conftest import login, open_server_db
from tests.sync import clientlib
from tests.sync.test_protocol import outbox_ops, raw_push

RNG = random.Random(17)


def make_code_clash(server, base: Path, rng: random.Random):  # type: ignore[no-untyped-def]
    """Two enrolled counters; B's dossier arrives with the code A's dossier already has (as
    work done on a restored backup would). Returns (dossier A, dossier B, [stores to close])."""
    stores, made = [], []
    for name in ("a", "b"):
        clientlib.setup_client(base / name, server.url)
        store, settings = clientlib.open_client(base / name)
        stores.append(store)
        made.append((store, settings, clientlib.receive(store, settings, rng)))
    (store_a, set_a, dos_a), (store_b, set_b, dos_b) = made
    assert raw_push(server, set_a.data_dir, outbox_ops(store_a)).status_code == 200
    ops = outbox_ops(store_b)
    ops[0]["payload"]["dossier"]["code"] = dos_a["code"]
    r = raw_push(server, set_b.data_dir, ops)
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["status"] == "conflict"
    return dos_a, dos_b, stores


@pytest.fixture
def clash(server, tmp_path: Path):  # type: ignore[no-untyped-def]
    dos_a, dos_b, stores = make_code_clash(server, tmp_path, RNG)
    yield dos_a, dos_b
    for store in stores:
        store.close()


def _mine(listing: dict, dossier_id: str) -> list[dict]:
    return [c for c in listing["conflicts"] if c["entity_id"] == dossier_id]


def test_supervisor_lists_and_resolves_a_conflict_once(server, clash) -> None:  # type: ignore[no-untyped-def]
    dos_a, dos_b = clash
    sup = login(server, "giamsat")
    r = httpx.get(server.api + "/sync/conflicts", headers=sup, timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    [c] = _mine(body, dos_b["id"])
    assert body["open"] >= 1 and c["resolved_at"] is None
    assert c["entity"] == "dossier" and dos_a["code"] in c["reason"]
    assert c["summary"]["code"] == dos_a["code"]
    assert c["summary"]["applicant"] == clientlib.APPLICANT["full_name"]
    assert c["device_slot"]

    empty = httpx.post(
        f"{server.api}/sync/conflicts/{c['id']}/resolve", json={"note": ""}, headers=sup
    )
    assert empty.status_code == 422
    note = "Giữ cả hai hồ sơ; đã cấp mã mới cho hồ sơ của quầy B và báo công dân."
    done = httpx.post(
        f"{server.api}/sync/conflicts/{c['id']}/resolve", json={"note": note}, headers=sup
    )
    assert done.status_code == 200, done.text
    assert done.json()["resolved_by"] == "giamsat" and done.json()["note"] == note
    again = httpx.post(
        f"{server.api}/sync/conflicts/{c['id']}/resolve", json={"note": "lần hai"}, headers=sup
    )
    assert again.status_code == 409 and again.json()["code"] == "already_resolved"

    still_open = httpx.get(server.api + "/sync/conflicts", headers=sup, timeout=10).json()
    assert _mine(still_open, dos_b["id"]) == []
    resolved = httpx.get(
        server.api + "/sync/conflicts", params={"state": "resolved"}, headers=sup, timeout=10
    ).json()
    assert [x["resolved_by"] for x in _mine(resolved, dos_b["id"])] == ["giamsat"]


def test_officers_and_other_centers_cannot_see_conflicts(server, clash) -> None:  # type: ignore[no-untyped-def]
    _dos_a, dos_b = clash
    officer = login(server, "canbo1")
    assert httpx.get(server.api + "/sync/conflicts", headers=officer).status_code == 403
    assert httpx.get(server.api + "/sync/conflicts").status_code == 401
    admin = login(server, "admin")
    other = "KHAC01"
    db = open_server_db(server.data_dir, server.database_url)
    try:
        if not any(c["code"] == other for c in admin_crud.list_centers(db)):
            admin_crud.create_center(db, other, "Trung tâm khác")
            admin_crud.create_officer(db, "gs_khac", "pw-khac-123", center=other, role="supervisor")
    finally:
        db.dispose()
    sup_other = login(server, "gs_khac", "pw-khac-123")
    listing = httpx.get(
        server.api + "/sync/conflicts", params={"state": "all"}, headers=sup_other
    ).json()
    assert listing["conflicts"] == [] and listing["open"] == 0
    own = httpx.get(server.api + "/sync/conflicts", headers=login(server, "giamsat")).json()
    [c] = _mine(own, dos_b["id"])
    r = httpx.post(
        f"{server.api}/sync/conflicts/{c['id']}/resolve",
        json={"note": "không phải của tôi"},
        headers=sup_other,
    )
    assert r.status_code == 404
    bad = httpx.get(server.api + "/sync/conflicts", params={"state": "x"}, headers=admin)
    assert bad.status_code == 422


def test_cli_lists_and_resolves(server, clash, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.helpers import run_cli

    _dos_a, dos_b = clash
    env = {"COUNTER_APP_PASSWORD": "demo"}
    common = ["--server", server.url, "--username", "giamsat", "--data-dir", str(tmp_path / "s")]
    out = run_cli("sync", "conflicts", *common, "--json", env=env)
    assert out.returncode == 0, out.stderr
    [c] = _mine(json.loads(out.stdout), dos_b["id"])
    text = run_cli("sync", "conflicts", *common, env=env)
    assert text.returncode == 0 and f"#{c['id']} " in text.stdout
    assert "Xung đột chưa xử lý / open conflicts:" in text.stdout

    blank = run_cli("sync", "resolve", str(c["id"]), "--note", "  ", *common, env=env)
    assert blank.returncode == 2 and "--note" in blank.stderr
    ok = run_cli("sync", "resolve", str(c["id"]), "--note", "Đã gọi công dân", *common, env=env)
    assert ok.returncode == 0, ok.stderr
    assert "resolved by giamsat" in ok.stdout
    twice = run_cli("sync", "resolve", str(c["id"]), "--note", "lại", *common, env=env)
    assert twice.returncode == 2 and "already resolved" in twice.stderr
    officer = run_cli(
        "sync",
        "conflicts",
        "--server",
        server.url,
        "--username",
        "canbo1",
        "--data-dir",
        str(tmp_path / "o"),
        env=env,
    )
    assert officer.returncode == 4 and "supervisor" in officer.stderr
