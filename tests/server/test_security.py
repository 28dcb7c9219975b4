"""Auth and scope on a real server (SQLite and PostgreSQL): wrong password, rate limit, expired,
forged and tampered tokens, cross-center access, missing role, device enrolment and revocation,
the append-only audit trail, the event stream's scope."""

from __future__ import annotations

import base64
import json
import threading
import time

import httpx
import pytest
from sqlalchemy import text

from counter_app.server.core import security
from counter_app.server.crud import admin
from tests.server.conftest import ServerProcess, login, open_server_db


@pytest.fixture(scope="module")
def two_centers(demo_server: ServerProcess) -> ServerProcess:
    """Adds center HUE with counter H1 and officers (supervisor 'hue_sup', officer 'hue_cb')."""
    db = open_server_db(demo_server.data_dir, demo_server.database_url)
    try:
        admin.create_center(db, "HUE", "Trung tâm Huế")
        admin.set_service(db, "HUE", "A", "Hộ tịch")
        admin.set_counter(db, "HUE", "H1", ["A"])
        admin.create_officer(db, "hue_sup", "pw-hue-1", center="HUE", role="supervisor")
        admin.create_officer(db, "hue_cb", "pw-hue-2", center="HUE", counter="H1")
    finally:
        db.dispose()
    return demo_server


def _secret(srv: ServerProcess) -> bytes:
    return bytes.fromhex((srv.data_dir / "server_secret").read_text().strip())


def test_secret_file_is_private(demo_server: ServerProcess) -> None:
    assert (demo_server.data_dir / "server_secret").stat().st_mode & 0o077 == 0


def test_wrong_password_and_unknown_user(demo_server: ServerProcess) -> None:
    for user, pw in (("canbo1", "nope"), ("no_such_user", "demo"), ("canbo1", "")):
        r = httpx.post(
            demo_server.api + "/auth/token", data={"username": user, "password": pw}, timeout=10
        )
        assert r.status_code in (401, 422), r.text
        assert "access_token" not in r.text and "argon2" not in r.text
    r = httpx.get(demo_server.api + "/queue/board", timeout=10)
    assert r.status_code == 401 and r.headers.get("www-authenticate") == "Bearer"


def test_sign_in_rate_limit(demo_server: ServerProcess) -> None:
    url = demo_server.api + "/auth/token"
    codes = [
        httpx.post(url, data={"username": "canbo4", "password": f"bad{i}"}, timeout=10).status_code
        for i in range(6)
    ]
    assert codes == [401] * 5 + [429]
    r = httpx.post(url, data={"username": "canbo4", "password": "demo"}, timeout=10)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    # another IP (loopback alias) and another username are not blocked
    other_ip = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=10)
    assert other_ip.post(url, data={"username": "canbo4", "password": "demo"}).status_code == 200
    assert (
        httpx.post(url, data={"username": "canbo2", "password": "demo"}, timeout=10).status_code
        == 200
    )


def _b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def test_expired_forged_and_tampered_tokens(demo_server: ServerProcess) -> None:
    secret = _secret(demo_server)
    claims = {"sub": "giamsat", "cen": "DEMO", "role": "supervisor", "typ": "access"}
    good, _ = security.issue_token(secret, claims, 60)
    expired, _ = security.issue_token(secret, claims, 60, now=time.time() - 3600)
    forged, _ = security.issue_token(b"x" * 32, claims, 60)
    h, p, s = good.split(".")
    tampered = ".".join(
        [
            h,
            _b64(
                {**json.loads(base64.urlsafe_b64decode(p + "==")), "role": "admin", "sub": "admin"}
            ),
            s,
        ]
    )
    none_alg = ".".join([_b64({"alg": "none", "typ": "JWT"}), p, ""])
    wrong_type, _ = security.issue_token(secret, {**claims, "typ": "refresh"}, 60)
    ghost, _ = security.issue_token(secret, {**claims, "sub": "ghost"}, 60)
    other_center, _ = security.issue_token(secret, {**claims, "cen": "HUE"}, 60)
    url = demo_server.api + "/queue/status"
    assert (
        httpx.get(url, headers={"Authorization": f"Bearer {good}"}, timeout=10).status_code == 200
    )
    for bad in (
        expired,
        forged,
        tampered,
        none_alg,
        wrong_type,
        ghost,
        other_center,
        "abc",
        "a.b.c",
        "x",
    ):
        r = httpx.get(url, headers={"Authorization": f"Bearer {bad}"}, timeout=10)
        assert r.status_code == 401, (bad, r.text)
        assert "waiting" not in r.text


def test_cross_center_access(two_centers: ServerProcess) -> None:
    api = two_centers.api
    hue = login(two_centers, "hue_cb", "pw-hue-2")
    demo_sup = login(two_centers, "giamsat")
    with httpx.Client(base_url=api, timeout=10) as c:
        mine = c.post("/queue/tickets", json={"service": "A"}, headers=hue).json()
        assert mine["number"] == "A001"  # numbering is per center
        # DEMO's supervisor can neither see nor touch HUE's ticket, counter, board
        assert c.get(f"/queue/tickets/{mine['id']}", headers=demo_sup).status_code == 404
        assert c.post(f"/queue/tickets/{mine['id']}/cancel", headers=demo_sup).status_code == 404
        assert c.post("/queue/counters/H1/call-next", headers=demo_sup).status_code == 404
        board = c.get("/queue/board", headers=demo_sup).json()
        assert board["center"] == "DEMO"
        assert all(x["counter"] != "H1" for x in board["now_serving"] + board["recent"])
        st = c.get("/queue/status", headers=demo_sup).json()
        assert mine["id"] not in {t["id"] for t in st["waiting"]}
        assert "H1" not in {k["code"] for k in st["counters"]}
        # and the other way round
        assert c.post("/queue/counters/Q1/call-next", headers=hue).status_code == 404
        got = c.post("/queue/counters/H1/call-next", headers=hue)
        assert got.status_code == 200 and got.json()["id"] == mine["id"]


def test_missing_role(two_centers: ServerProcess) -> None:
    officer = login(two_centers, "canbo1")
    sup = login(two_centers, "giamsat")
    with httpx.Client(base_url=two_centers.api, timeout=10) as c:
        t = c.post("/queue/tickets", json={"service": "D"}, headers=officer).json()
        r = c.post(f"/queue/tickets/{t['id']}/cancel", headers=officer)
        assert r.status_code == 403 and "supervisor" in r.text
        assert c.get("/devices", headers=officer).status_code == 403
        assert c.post("/devices/whatever/revoke", headers=sup).status_code == 403
        ok = c.post(f"/queue/tickets/{t['id']}/cancel", headers=sup)
        assert ok.status_code == 200 and ok.json()["state"] == "cancelled"


def test_device_enrolment_and_revocation(two_centers: ServerProcess) -> None:
    api = two_centers.api
    db = open_server_db(two_centers.data_dir, two_centers.database_url)
    try:
        tok = admin.create_enrolment_token(db, "HUE")["token"]
        tok_demo = admin.create_enrolment_token(db, "DEMO")["token"]
    finally:
        db.dispose()
    body = {
        "username": "hue_cb",
        "password": "pw-hue-2",
        "center": "HUE",
        "device_name": "PC quầy 1",
    }
    with httpx.Client(base_url=api, timeout=10) as c:
        assert c.post("/devices/enroll", json=body).status_code == 403  # token needed outside DEMO
        assert (
            c.post("/devices/enroll", json={**body, "enrol_token": tok_demo}).status_code == 403
        )  # other center
        assert (
            c.post(
                "/devices/enroll", json={**body, "password": "x", "enrol_token": tok}
            ).status_code
            == 401
        )
        first = c.post("/devices/enroll", json={**body, "enrol_token": tok})
        assert first.status_code == 201, first.text
        dev = first.json()
        assert dev["slot"] == "01" and dev["epoch"] == 1 and len(dev["secret"]) >= 40
        assert (
            c.post("/devices/enroll", json={**body, "enrol_token": tok}).status_code == 403
        )  # one-time
        # DEMO waives the token on a --demo-data server; slots are per center
        demo_dev = c.post(
            "/devices/enroll", json={"username": "canbo1", "password": "demo", "center": "DEMO"}
        )
        assert demo_dev.status_code == 201 and demo_dev.json()["slot"] == "01"
        again = c.post(
            "/devices/enroll",
            json={
                "username": "canbo1",
                "password": "demo",
                "center": "DEMO",
                "device_id": demo_dev.json()["device_id"],
            },
        )
        assert again.json()["slot"] == "01" and again.json()["epoch"] == 2
        # an officer of DEMO cannot enrol into HUE
        assert (
            c.post(
                "/devices/enroll", json={"username": "canbo1", "password": "demo", "center": "HUE"}
            ).status_code
            == 403
        )
        hue_admin_list = c.get("/devices", headers=login(two_centers, "hue_sup", "pw-hue-1")).json()
        assert [d["id"] for d in hue_admin_list] == [dev["device_id"]]
        demo_admin = login(two_centers, "admin")
        # DEMO's admin cannot revoke HUE's device
        assert c.post(f"/devices/{dev['device_id']}/revoke", headers=demo_admin).status_code == 404
        rv = c.post(f"/devices/{demo_dev.json()['device_id']}/revoke", headers=demo_admin)
        assert rv.status_code == 200 and rv.json()["revoked_at"]
        # a revoked device cannot re-enrol
        assert (
            c.post(
                "/devices/enroll",
                json={
                    "username": "canbo1",
                    "password": "demo",
                    "center": "DEMO",
                    "device_id": demo_dev.json()["device_id"],
                },
            ).status_code
            == 403
        )
    from counter_app.server.crud.auth import authenticate_device
    from counter_app.server.crud.common import ApiError

    db = open_server_db(two_centers.data_dir, two_centers.database_url)
    try:
        secret = _secret(two_centers)
        assert authenticate_device(db, secret, dev["device_id"], dev["secret"]).slot == "01"
        with pytest.raises(ApiError):
            authenticate_device(db, secret, dev["device_id"], "wrong")
        with pytest.raises(ApiError) as exc:
            authenticate_device(db, secret, demo_dev.json()["device_id"], again.json()["secret"])
        assert exc.value.status == 403
        # the audit trail recorded it and refuses edits
        with db.read() as s:
            actions = {r[0] for r in s.connection().execute(text("SELECT action FROM audit_event"))}
        assert {
            "device.enrol",
            "device.revoke",
            "auth.failed",
            "ticket.issue",
            "ticket.call",
        } <= actions
        with pytest.raises(Exception, match="append-only"):
            with db.write() as s:
                s.connection().execute(text("UPDATE audit_event SET actor = 'x'"))
        with pytest.raises(Exception, match="append-only"):
            with db.write() as s:
                s.connection().execute(text("DELETE FROM audit_event"))
    finally:
        db.dispose()


def test_event_stream_is_scoped(server_factory) -> None:
    srv = server_factory(args=("--heartbeat", "0.3"))
    db = open_server_db(srv.data_dir, None)
    try:
        admin.create_center(db, "HUE", "Huế")
        admin.set_service(db, "HUE", "A", "Hộ tịch")
        admin.create_officer(db, "hue_cb", "pw-hue-2", center="HUE")
    finally:
        db.dispose()
    demo = login(srv, "canbo1")
    hue = login(srv, "hue_cb", "pw-hue-2")
    lines: list[str] = []
    ready = threading.Event()

    def listen() -> None:
        with httpx.stream(
            "GET", srv.api + "/queue/events", headers=demo, timeout=httpx.Timeout(10, read=5)
        ) as r:
            assert r.status_code == 200
            for line in r.iter_lines():
                lines.append(line)
                ready.set()
                if line.startswith("data:") and '"called"' in line:
                    return

    th = threading.Thread(target=listen, daemon=True)
    th.start()
    assert ready.wait(10)
    with httpx.Client(base_url=srv.api, timeout=10) as c:
        c.post("/queue/tickets", json={"service": "A"}, headers=hue)  # other center: not seen
        time.sleep(0.8)  # at least one heartbeat
        t = c.post("/queue/tickets", json={"service": "B"}, headers=demo).json()
        c.post("/queue/counters/Q1/call-next", headers=demo)
    th.join(10)
    text_ = "\n".join(lines)
    assert ": heartbeat" in text_
    assert "event: issued" in text_ and t["number"] in text_ and "event: called" in text_
    assert "HUE" not in text_
