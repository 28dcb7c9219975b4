"""An attacker's view of the server: a real `counter-app server` (demo data, SQLite) with a
second center CB that has its own officers and an enrolled device. Each test here reproduces an
attack through the real HTTP server and checks it fails, and that nothing of DEMO changed.

Fixtures
- `world` (module): the server, DEMO's enrolled counter (a client data dir that received a dossier
  with a scan, pushed and uploaded), and CB's raw device (id + secret) for hand-made pushes.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from counter_app.domain.ids import uuid7_str
from counter_app.server.crud import admin
from tests.server.conftest import (  # noqa: F401 - server_factory re-exported as a fixture
    ServerProcess,
    open_server_db,
    server_factory,
    start_server,
)
from tests.sync import clientlib

CB_PASSWORD = "Cb-counter-2026!"


@dataclass
class RawDevice:
    """A device driven by hand: every op it pushes is built by the test."""

    api: str
    device_id: str
    secret: str
    epoch: int
    seq: int = 0
    center: str = "CB"
    sent: list[dict[str, Any]] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Device-Id": self.device_id, "X-Device-Secret": self.secret}

    def op(self, entity: str, op: str, row: dict[str, Any], **extra: Any) -> dict[str, Any]:
        self.seq += 1
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        return {
            "op_id": uuid7_str(),
            "device_seq": self.seq,
            "epoch": self.epoch,
            "hlc": f"{now}-0000",
            "schema_version": 1,
            "entity": entity,
            "entity_id": row.get("id", ""),
            "op": op,
            "payload": {"actor": "cb_cb", entity: row, **extra},
            "created_at": now,
        }

    def push(self, ops: list[dict[str, Any]], **body: Any) -> httpx.Response:
        payload = {"protocol": 2, "device_id": self.device_id, "epoch": self.epoch, "ops": ops}
        payload.update(body)
        return httpx.post(
            self.api + "/sync/push",
            content=gzip.compress(json.dumps(payload).encode()),
            headers={**self.headers, "Content-Encoding": "gzip"},
            timeout=30,
        )

    def results(self, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
        r = self.push(ops)
        assert r.status_code == 200, r.text
        return r.json()["results"]


@dataclass
class World:
    server: ServerProcess
    demo_dir: Path
    demo_dossier: dict[str, Any]
    demo_sha: str
    cb: RawDevice

    def db(self):  # type: ignore[no-untyped-def]
        return open_server_db(self.server.data_dir, self.server.database_url)


def seed_cb(server: ServerProcess) -> str:
    """Center CB (service A, counter C1, supervisor cb_sup, officer cb_cb): an enrolment token."""
    db = open_server_db(server.data_dir, server.database_url)
    try:
        admin.create_center(db, "CB", "Trung tâm Cao Bằng")
        admin.set_service(db, "CB", "A", "Hộ tịch")
        admin.set_counter(db, "CB", "C1", ["A"])
        admin.create_officer(db, "cb_sup", CB_PASSWORD, center="CB", role="supervisor")
        admin.create_officer(db, "cb_cb", CB_PASSWORD, center="CB", counter="C1")
        return admin.create_enrolment_token(db, "CB")["token"]
    finally:
        db.dispose()


def enrol_raw(server: ServerProcess, token: str) -> RawDevice:
    r = httpx.post(
        server.api + "/devices/enroll",
        json={"username": "cb_cb", "password": CB_PASSWORD, "center": "CB", "enrol_token": token},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    d = r.json()
    return RawDevice(server.api, d["device_id"], d["secret"], d["epoch"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("attack")
    server = start_server(base)
    try:
        demo_dir = base / "demo-counter"
        clientlib.setup_client(demo_dir, server.url)
        store, settings = clientlib.open_client(demo_dir)
        try:
            import random

            from counter_app.services.sync_runner import engine as sync_engine

            dossier = clientlib.receive(store, settings, random.Random(1))
            sha = clientlib.attach_blob(
                store, settings, dossier["id"], clientlib.random_blob(random.Random(2), 40_000)
            )
            engine = sync_engine(store, settings)
            try:
                engine.run_once()
            finally:
                engine.close()
        finally:
            store.close()
        cb = enrol_raw(server, seed_cb(server))
        yield World(server, demo_dir, dossier, sha, cb)
    finally:
        server.stop()
