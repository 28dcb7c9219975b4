"""Enrol this install as a device of a center (docs/DESIGN.md §4.10), then the first full pull."""

from __future__ import annotations

import socket
from typing import Any

import httpx

from counter_app.config import Settings
from counter_app.errors import BadInput, Denied, ServerUnreachable
from counter_app.store.db import Store, device_info, set_state
from counter_app.sync.device import DeviceCredentials, load, save


def enroll(
    store: Store,
    settings: Settings,
    *,
    server: str,
    center: str,
    username: str,
    password: str,
    token: str | None = None,
    device_name: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    server = server.rstrip("/")
    if not server.startswith(("http://", "https://")):
        raise BadInput(f"--server must be an http(s) URL, got '{server}'", field="server")
    existing = load(settings.data_dir)
    body = {
        "username": username,
        "password": password,
        "center": center,
        "enrol_token": token,
        "device_name": device_name or socket.gethostname()[:100],
    }
    if existing is not None and existing.center == center and existing.server_url == server:
        body["device_id"] = existing.device_id  # re-enrol: same slot, a new epoch
    try:
        with httpx.Client(timeout=httpx.Timeout(20.0, connect=5.0), transport=transport) as client:
            resp = client.post(f"{server}/api/v1/devices/enroll", json=body)
    except httpx.HTTPError as exc:
        raise ServerUnreachable(f"không kết nối được máy chủ / server unreachable: {exc}") from None
    if resp.status_code in (401, 403, 429):
        raise Denied(f"đăng ký bị từ chối / enrolment refused: {_detail(resp)}")
    if resp.status_code == 404:
        raise BadInput(
            f"máy chủ không có trung tâm {center} / unknown center: {_detail(resp)}", field="center"
        )
    if resp.status_code >= 400:
        raise BadInput(f"đăng ký thất bại / enrolment failed ({resp.status_code}): {_detail(resp)}")
    data = resp.json()
    creds = DeviceCredentials(
        device_id=data["device_id"],
        secret=data["secret"],
        slot=data["slot"],
        epoch=int(data["epoch"]),
        center=data["center"],
        server_url=server,
        enrolled_by=username,
    )
    # The store first, the credentials file last: a kill -9 in between leaves an install that
    # is not enrolled yet (enrol again), never credentials whose slot the store does not know.
    with store.write() as s:
        info = device_info(s)
        info.update(
            {
                "id": creds.device_id,
                "slot": creds.slot,
                "epoch": creds.epoch,
                "enrolled": True,
                "center": creds.center,
                "server_url": server,
            }
        )
        set_state(s, "device", info)
        if existing is not None and existing.device_id != creds.device_id:
            set_state(s, "sync_cursor", 0)
    save(settings.data_dir, creds)
    from counter_app.services.sync_runner import engine as sync_engine

    engine = sync_engine(store, settings, creds=creds, transport=transport)
    try:
        stats = engine.run_once()
    finally:
        engine.close()
    return {
        "device_id": creds.device_id,
        "slot": creds.slot,
        "epoch": creds.epoch,
        "center": creds.center,
        "server": server,
        "first_sync": stats,
    }


def _detail(resp: httpx.Response) -> str:
    try:
        return str(resp.json().get("detail"))
    except ValueError:
        return resp.text[:200]
