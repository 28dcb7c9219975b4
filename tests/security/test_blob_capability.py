"""Point 4 of the security issue: a blob's hash is not a capability. A device of CB that
references DEMO's scan (an attachment op of its own naming DEMO's sha256) learns nothing from
HEAD and cannot download it; a wrong-size claim by CB never blocks DEMO; sizes are bounded."""

from __future__ import annotations

import hashlib
import os

import httpx

from tests.security.conftest import World


def _cb_dossier(world: World, n: int) -> str:
    row = {
        "id": f"01900000-0000-7000-8000-00000cb0b{n:03d}",
        "code": f"CB-261204-01{n:04d}",
        "status": "received",
        "applicant": {"full_name": "Lò Văn Pó"},
    }
    assert world.cb.results([world.cb.op("dossier", "receive", row)])[0]["status"] == "applied"
    return row["id"]


def _attach(world: World, dossier_id: str, sha: str, size: int, n: int) -> dict:
    row = {
        "id": f"01900000-0000-7000-8000-00000cb0c{n:03d}",
        "dossier_id": dossier_id,
        "component_index": 1,
        "sha256": sha,
        "size": size,
        "pages": 1,
    }
    return world.cb.results([world.cb.op("attachment", "attach", row)])[0]


def test_referencing_a_hash_does_not_give_its_bytes(world: World) -> None:
    demo_head = httpx.head(
        f"{world.server.api}/blobs/{world.demo_sha}", headers=_demo_headers(world), timeout=10
    )
    assert demo_head.headers["Upload-Complete"] == "1"  # DEMO uploaded it
    size = int(demo_head.headers["Upload-Length"])
    assert _attach(world, _cb_dossier(world, 1), world.demo_sha, size, 1)["status"] == "applied"
    url = f"{world.server.api}/blobs/{world.demo_sha}"
    head = httpx.head(url, headers=world.cb.headers, timeout=10)
    # CB's own upload state: nothing sent, not complete — not whether the server has the bytes
    assert (head.headers["Upload-Offset"], head.headers["Upload-Complete"]) == ("0", "0")
    r = httpx.get(url, headers=world.cb.headers, timeout=10)
    assert r.status_code == 409 and b"%PDF" not in r.content
    # wrong bytes of the right length do not prove anything either
    wrong = os.urandom(size)
    r = httpx.patch(url, content=wrong, headers={**world.cb.headers, "Upload-Offset": "0"}, timeout=30)
    assert r.status_code == 422
    assert httpx.get(url, headers=world.cb.headers, timeout=10).status_code == 409
    # DEMO still downloads its own scan
    r = httpx.get(url, headers=_demo_headers(world), timeout=10)
    assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == world.demo_sha


def test_a_center_holding_the_bytes_proves_it_by_uploading(world: World) -> None:
    data = os.urandom(5000)
    sha = hashlib.sha256(data).hexdigest()
    dossier = _cb_dossier(world, 2)
    assert _attach(world, dossier, sha, len(data), 2)["status"] == "applied"
    url = f"{world.server.api}/blobs/{sha}"
    r = httpx.patch(url, content=data, headers={**world.cb.headers, "Upload-Offset": "0"}, timeout=30)
    assert r.status_code == 204 and r.headers["Upload-Complete"] == "1"
    r = httpx.get(url, headers=world.cb.headers, timeout=10)
    assert r.status_code == 200 and r.content == data


def test_wrong_size_claim_does_not_block_the_rightful_upload(world: World) -> None:
    """CB claims DEMO's next scan with a wrong size before DEMO uploads it: DEMO's upload
    still goes through, and CB's claim stays CB's own problem."""
    from counter_app.services.sync_runner import engine as sync_engine
    from counter_app.store.db import Store
    from tests.sync import clientlib

    data = b"%PDF-1.4\n" + os.urandom(30_000)
    sha = hashlib.sha256(data).hexdigest()
    assert _attach(world, _cb_dossier(world, 3), sha, 7, 3)["status"] == "applied"
    r = httpx.patch(
        f"{world.server.api}/blobs/{sha}",
        content=b"1234567",
        headers={**world.cb.headers, "Upload-Offset": "0"},
        timeout=30,
    )
    assert r.status_code == 422  # CB's 7 bytes are not the blob
    store, settings = clientlib.open_client(world.demo_dir)
    try:
        assert isinstance(store, Store)
        clientlib.attach_blob(store, settings, world.demo_dossier["id"], data)
        engine = sync_engine(store, settings)
        try:
            stats = engine.run_once()
        finally:
            engine.close()
    finally:
        store.close()
    assert stats["blobs"] == 1
    r = httpx.get(f"{world.server.api}/blobs/{sha}", headers=_demo_headers(world), timeout=10)
    assert r.status_code == 200 and r.content == data


def test_blob_sizes_are_bounded(world: World) -> None:
    result = _attach(world, _cb_dossier(world, 4), "ef" * 32, 10**18, 4)
    assert result["status"] == "rejected" and "size" in result["reason"]


def _demo_headers(world: World) -> dict[str, str]:
    from counter_app.sync.device import load

    creds = load(world.demo_dir)
    assert creds is not None
    return {"X-Device-Id": creds.device_id, "X-Device-Secret": creds.secret}
