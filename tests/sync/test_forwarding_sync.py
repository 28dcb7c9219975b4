"""The hand-over chain travels with the dossier (issue 19 §2): forwarded and handed back on a
counter, pushed to a real server on loopback, each op applied once, the server's copy holds the
whole chain; a second counter of the center pulls it."""

from __future__ import annotations

import random
from pathlib import Path

from sqlmodel import select

from counter_app.server.sync.models import ServerDossier
from counter_app.services import dossiers, forwarding
from counter_app.sync.engine import SyncEngine
from tests.sync import clientlib
from tests.sync.conftest import open_server_db

RNG = random.Random(19)


def _sync(store, settings) -> dict[str, int]:  # type: ignore[no-untyped-def]
    eng = SyncEngine(store, settings)
    try:
        return eng.run_once()
    finally:
        eng.close()


def test_chain_reaches_the_server_once_and_the_other_counter(server, client, tmp_path: Path):  # type: ignore[no-untyped-def]
    store, settings = client
    d = clientlib.receive(store, settings, RNG)
    forwarding.forward(store, settings, d["code"], to_body="Chi nhánh VP đăng ký đất đai",
                       kind="vertical", receiver="Lê Văn C", actor="canbo1")
    _sync(store, settings)
    forwarding.take_back(store, settings, d["code"], result="done", giver="Lê Văn C",
                         actor="canbo1")
    _sync(store, settings)
    _sync(store, settings)  # nothing left, nothing doubled
    db = open_server_db(server.data_dir, server.database_url)
    try:
        with db.read() as s:
            row = s.exec(select(ServerDossier).where(ServerDossier.id == d["id"])).one()
    finally:
        db.dispose()
    assert row.status == "done" and not row.conflict
    chain = row.data["handovers"]
    assert len(chain) == 1 and chain[0]["result"] == "done" and chain[0]["giver"] == "Lê Văn C"
    other = tmp_path / "other"
    clientlib.setup_client(other, server.url)
    store2, settings2 = clientlib.open_client(other)
    try:
        _sync(store2, settings2)
        seen = dossiers.get(store2, d["code"])
        assert seen["status"] == "done" and seen["handovers"][0]["to_body"].startswith("Chi nhánh")
    finally:
        store2.close()
