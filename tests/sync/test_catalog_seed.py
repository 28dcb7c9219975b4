"""A server started with an empty catalog loads the shipped one, so a counter enrolled on a new
server has procedures to receive against (issue 19 §5); a server that has a catalog keeps it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select

from counter_app.server.crud import admin
from counter_app.services import catalog
from counter_app.services.enrolment import enroll
from counter_app.store.models import Procedure
from tests.sync import clientlib
from tests.sync.conftest import open_server_db, start_server

SHIPPED = Path(__file__).resolve().parents[2] / "assets" / "catalog" / "demo_catalog.json"


def _enrol_fresh(data: Path, url: str) -> list[Procedure]:
    store, settings = clientlib.open_client(data)
    try:
        enroll(store, settings, server=url, center="DEMO", username="canbo1", password="demo")
        with store.read() as s:
            return list(s.exec(select(Procedure).where(Procedure.current == True)).all())  # noqa: E712
    finally:
        store.close()


def test_a_new_server_seeds_the_shipped_catalog_and_a_counter_gets_it(tmp_path: Path) -> None:
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    srv = start_server(tmp_path, args=("--seed-catalog",))
    try:
        procs = _enrol_fresh(tmp_path / "c1", srv.url)
        assert len(procs) == len(shipped)
        store, _ = clientlib.open_client(tmp_path / "c1")
        try:
            cert = catalog.get(store, "2.000815")
        finally:
            store.close()
        assert cert["fees"][0]["per"] == "page" and cert["fees"][0]["cap_per_copy_vnd"] == 200000
        srv.stop()
        # restarted: nothing added twice
        srv = start_server(tmp_path, args=("--seed-catalog",), data_dir=srv.data_dir)
        assert len(_enrol_fresh(tmp_path / "c2", srv.url)) == len(shipped)
    finally:
        srv.stop()
    db = open_server_db(srv.data_dir, None)
    assert admin.seed_shipped_catalog(db) == 0


def test_a_server_with_a_province_catalog_keeps_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "srv"
    db = open_server_db(data_dir, None)
    province = json.loads(SHIPPED.read_text(encoding="utf-8"))[:3]
    admin.import_catalog(db, province, actor="province")
    srv = start_server(tmp_path, args=("--seed-catalog",), data_dir=data_dir)
    try:
        assert len(_enrol_fresh(tmp_path / "c", srv.url)) == 3
    finally:
        srv.stop()
