"""Whom a dossier is about travels with it (issue 19 §5): a counter receives a birth with the
child, syncs to the real server on loopback, and another counter of the center pulls it with the
child; the server keeps it too."""

from __future__ import annotations

import random

from sqlmodel import select

from counter_app.server.sync.models import ServerDossier
from counter_app.services import dossiers
from tests.helpers import ask_for_the_child
from tests.server.conftest import server_db
from tests.sync import clientlib
from tests.sync.test_protocol import run

CHILD = {"role": "child", "full_name": "Hà Thị Mỷ", "date_of_birth": "2026-10-30", "sex": "Nữ"}


def test_the_child_reaches_the_server_and_another_counter(server, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store, settings = client
    ask_for_the_child(store)
    rng = random.Random(7)
    d = clientlib.receive(store, settings, rng, procedure="1.001193", subjects=[CHILD],
                          components=[{"index": 1, "original": 1}, {"index": 2, "original": 1}])
    assert d["subjects"][0]["full_name"] == "Hà Thị Mỷ"
    run(store, settings)
    with server_db(server) as db, db.read() as s:
        row = s.exec(select(ServerDossier).where(ServerDossier.id == d["id"])).one()
        assert row.data["subjects"] == d["subjects"]
    with clientlib.other_counter(tmp_path / "other", server.url) as (other, other_settings):
        run(other, other_settings)
        got = dossiers.get(other, d["code"])
        assert got["subjects"] == d["subjects"]
