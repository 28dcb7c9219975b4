"""The hand-over chain travels with the dossier (issue 19 §2): forwarded and handed back on a
counter, pushed to a real server on loopback, each op applied once, the server's copy holds the
whole chain; a second counter of the center pulls it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlmodel import select

from counter_app.errors import BadInput
from counter_app.server.sync.models import ServerDossier
from counter_app.services import dossiers, forwarding
from counter_app.services.sync_runner import engine as sync_engine
from tests.sync import clientlib
from tests.sync.conftest import open_server_db

RNG = random.Random(19)


def _sync(store, settings) -> dict[str, int]:  # type: ignore[no-untyped-def]
    eng = sync_engine(store, settings)
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


def _second_center(server, data: Path, code: str = "XA2") -> None:  # type: ignore[no-untyped-def]
    from counter_app.server.crud import admin

    db = open_server_db(server.data_dir, server.database_url)
    try:
        admin.create_center(db, code, "Trung tâm PVHCC xã Hai")
        admin.create_officer(db, f"canbo_{code.lower()}", "xa2-Counter-pw", center=code,
                             full_name="Cán bộ xã Hai")
        token = admin.create_enrolment_token(db, code)["token"]
    finally:
        db.dispose()
    clientlib.setup_client(data, server.url, username=f"canbo_{code.lower()}", center=code,
                           token=token, password="xa2-Counter-pw")


def _server_row(server, dossier_id: str) -> ServerDossier:  # type: ignore[no-untyped-def]
    db = open_server_db(server.data_dir, server.database_url)
    try:
        with db.read() as s:
            return s.exec(select(ServerDossier).where(ServerDossier.id == dossier_id)).one()
    finally:
        db.dispose()


def test_routed_to_another_center_which_hands_back_only_its_step(server, client, tmp_path: Path):  # type: ignore[no-untyped-def]
    from counter_app.errors import InvalidTransition

    store, settings = client
    _second_center(server, tmp_path / "xa2", "XA2")
    other, other_settings = clientlib.open_client(tmp_path / "xa2")
    try:
        assert other_settings.center_code == "XA2"
        d = clientlib.receive(store, settings, RNG)
        forwarding.forward(store, settings, d["code"], to_body="UBND xã Hai", kind="other_center",
                           to_center="XA2", actor="canbo1")
        _sync(store, settings)
        assert _server_row(server, d["id"]).routed_to == "XA2"
        _sync(other, other_settings)
        seen = dossiers.get(other, d["code"])  # the dossier reached the center it is routed to
        assert seen["status"] == "processing" and seen["center_code"] == settings.center_code
        assert [r["code"] for r in forwarding.attention(other, other_settings)["routed_here"]] == [
            d["code"]
        ]
        # the receiving center may not change the owner's dossier otherwise
        with pytest.raises(InvalidTransition, match="trung tâm khác|another center"):
            dossiers.transition(other, other_settings, d["code"], "extended", actor="x",
                                reason="r")
        with pytest.raises(BadInput):
            forwarding.take_back(other, other_settings, d["code"], result="passed_on",
                                 next_body="X", actor="canbo_xa2")
        forwarding.take_back(other, other_settings, d["code"], result="done",
                             giver="Cán bộ tư pháp xã Hai", actor="canbo_xa2")
        stats = _sync(other, other_settings)
        assert stats.get("rejected", 0) == 0
        row = _server_row(server, d["id"])
        assert row.status == "done" and row.routed_to is None and row.center_code == "DEMO"
        assert row.data["handovers"][0]["giver"] == "Cán bộ tư pháp xã Hai"
        _sync(store, settings)
        back = dossiers.get(store, d["code"])
        assert back["status"] == "done" and back["handovers"][0]["result"] == "done"
        # the owner returns the result to the citizen as usual
        a = back["applicant"]
        dossiers.record_return(store, settings, d["code"], actor="canbo1",
                               receiver_name=a["full_name"], receiver_id_number=a["id_number"],
                               id_checked=True)
        _sync(store, settings)
        assert _server_row(server, d["id"]).status == "returned"
    finally:
        other.close()


def test_a_routed_center_cannot_rewrite_the_dossier_it_hands_back(server, client, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Attack: the receiving center pushes a hand-back that also changes the applicant and
    another step, or hands back a dossier not routed to it: refused, the owner's row intact."""
    import copy

    from counter_app.store.db import record
    from counter_app.store.models import Dossier

    store, settings = client
    _second_center(server, tmp_path / "xa3", "XA3")
    other, other_settings = clientlib.open_client(tmp_path / "xa3")
    try:
        d = clientlib.receive(store, settings, RNG)
        lone = clientlib.receive(store, settings, RNG)  # never routed
        forwarding.forward(store, settings, d["code"], to_body="UBND xã Ba", kind="other_center",
                           to_center="XA3", actor="canbo1")
        _sync(store, settings)
        _sync(other, other_settings)
        before = _server_row(server, d["id"])
        with other.write() as s:
            row = s.get(Dossier, d["id"])
            forged = copy.deepcopy(row.model_dump(mode="json"))
            forged["applicant"]["full_name"] = "Kẻ Giả Mạo"
            forged["status"] = "done"
            forged["version"] = row.version + 1
            step = forged["handovers"][0]
            step |= {"back_at": step["sent_at"], "back_by": "x", "result": "done", "timing": "early",
                     "to_body": "Sửa tên cơ quan"}
            record(s, entity="dossier", entity_id=d["id"], action="handed_back", actor="x",
                   at=step["sent_at"], payload={"dossier": forged, "from": "processing", "to": "done"})
            stray = dict(forged, id=lone["id"], code=lone["code"], handovers=[])
            record(s, entity="dossier", entity_id=lone["id"], action="handed_back", actor="x",
                   at=step["sent_at"], payload={"dossier": stray, "from": "received", "to": "done"})
        stats = _sync(other, other_settings)
        assert stats["rejected"] == 2  # both quarantined on the counter, never retried
        after = _server_row(server, d["id"])
        assert after.status == before.status == "processing"
        assert after.data["applicant"]["full_name"] == before.data["applicant"]["full_name"]
        assert after.routed_to == "XA3"
        assert _server_row(server, lone["id"]).status == "received"
    finally:
        other.close()
