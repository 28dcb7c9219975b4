"""Client-side helpers shared by the sync tests, the fault-suite driver and the benchmark:
set up an enrolled client data dir, and do the counter's real actions through the services."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
from pathlib import Path
from typing import Any

from counter_app.config import Settings, load_settings
from counter_app.domain.ids import uuid7_str
from counter_app.store.db import Store, record
from counter_app.store.models import Attachment, Procedure

AGENCY = "H15.50.05.13"

BIRTH = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "field": "Hộ tịch",
    "processing_value": 0,
    "processing_unit": "same_day",
    "cut_off": "15:00",
    "fees": [{"name": "Lệ phí đăng ký khai sinh đúng hạn", "amount_vnd": 0}],
    "components": [
        {"index": 1, "name": "Tờ khai đăng ký khai sinh", "original": 1, "copy": 0, "required": True},
        {"index": 2, "name": "Giấy chứng sinh", "original": 1, "copy": 0, "required": True},
    ],
    "agency": "UBND xã",
}
STATUS_CERT = {
    "code": "1.004873",
    "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
    "field": "Hộ tịch",
    "processing_value": 3,
    "processing_unit": "working_days",
    "fees": [{"name": "Phí sao", "amount_vnd": 5000}],
    "components": [
        {"index": 1, "name": "Tờ khai", "original": 1, "copy": 0, "required": True},
        {"index": 2, "name": "Bản sao giấy tờ", "original": 0, "copy": 2, "required": True},
    ],
    "agency": "UBND xã",
}
APPLICANT = {
    "id_number": "001085012345",
    "full_name": "Nguyễn Văn Ánh",
    "date_of_birth": "1985-03-14",
    "phone": "0912 345 678",
    "address": "Thôn Đông, xã Demo",
}


def client_settings(data_dir: Path) -> Settings:
    return load_settings(data_dir=Path(data_dir), agency_id=AGENCY)


def open_client(data_dir: Path) -> tuple[Store, Settings]:
    settings = client_settings(data_dir)
    return Store.open(settings.db_path), settings


@contextlib.contextmanager
def other_counter(data_dir: Path, server_url: str, username: str = "canbo2"):  # type: ignore[no-untyped-def]
    """Another counter of the center, enrolled and opened: (store, settings), closed after."""
    setup_client(data_dir, server_url, username=username)
    store, settings = open_client(data_dir)
    try:
        yield store, settings
    finally:
        store.close()


def seed_catalog(store: Store) -> None:
    from sqlmodel import select

    with store.write() as s:
        if s.exec(select(Procedure)).first() is None:
            for p in (BIRTH, STATUS_CERT):
                s.add(Procedure(version=1, **p))


def setup_client(
    data_dir: Path,
    server_url: str,
    *,
    username: str = "canbo1",
    center: str = "DEMO",
    token: str | None = None,
    password: str = "demo",
) -> dict[str, Any]:
    """A fresh data dir: catalog rows, enrolled (first pull done)."""
    from counter_app.services.enrolment import enroll

    store, settings = open_client(data_dir)
    try:
        seed_catalog(store)
        return enroll(
            store,
            settings,
            server=server_url,
            center=center,
            username=username,
            password=password,
            token=token,
        )
    finally:
        store.close()


def receive(store: Store, settings: Settings, rng: random.Random, **kw: Any) -> dict[str, Any]:
    from counter_app.services import dossiers

    birth = rng.random() < 0.5
    body = {
        "procedure": "1.001193" if birth else "1.004873",
        "applicant": APPLICANT,
        "components": [
            {"index": 1, "original": 1},
            {"index": 2, "original": 1} if birth else {"index": 2, "copy": 2},
        ],
        "client_id": uuid7_str(),
        **kw,
    }
    return dossiers.receive(store, settings, body, actor="canbo1", counter_code="Q1")


def attach_blob(store: Store, settings: Settings, dossier_id: str, data: bytes) -> str:
    """An attachment the way digitization would store it: blob file, row and outbox op."""
    from counter_app.store.blobs import BlobStore

    info = BlobStore(Path(settings.data_dir) / "blobs").put_bytes(data)
    att_id = uuid7_str()
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with store.write() as s:
        row = Attachment(
            id=att_id,
            dossier_id=dossier_id,
            component_index=1,
            sha256=info.sha256,
            pages=1,
            size=info.size,
            mime="application/pdf",
            created_at=now,
        )
        s.add(row)
        s.flush()
        record(
            s,
            entity="attachment",
            entity_id=att_id,
            action="attach",
            actor="canbo1",
            at=now,
            data={"dossier_id": dossier_id, "sha256": info.sha256},
            payload={
                "attachment": {
                    "id": att_id,
                    "dossier_id": dossier_id,
                    "component_index": 1,
                    "sha256": info.sha256,
                    "size": info.size,
                    "pages": 1,
                    "mime": "application/pdf",
                    "created_at": now,
                }
            },
        )
    return info.sha256


def random_blob(rng: random.Random, size: int) -> bytes:
    return b"%PDF-1.4\n" + rng.randbytes(max(0, size - 9)) if hasattr(rng, "randbytes") else os.urandom(size)
