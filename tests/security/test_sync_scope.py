"""Point 1 of the security issue: a device of center CB can never change, create over, or
attach to a record of center DEMO through `POST /sync/push` — whether or not the row it sends
names a center. The op is rejected, recorded for CB's supervisors, and DEMO sees nothing."""

from __future__ import annotations

from typing import Any

import httpx
from sqlmodel import select

from counter_app.server.models import Ticket
from counter_app.server.sync.models import ChangeLog, ServerAttachment, ServerDossier, SyncConflict
from tests.security.conftest import World
from tests.server.conftest import login


def _server_dossier(world: World, dossier_id: str) -> ServerDossier | None:
    db = world.db()
    try:
        with db.read() as s:
            return s.get(ServerDossier, dossier_id)
    finally:
        db.dispose()


def _demo_changes(world: World) -> int:
    db = world.db()
    try:
        with db.read() as s:
            return len(s.exec(select(ChangeLog.cursor).where(ChangeLog.center_code == "DEMO")).all())
    finally:
        db.dispose()


def _cb_rejections(world: World) -> list[SyncConflict]:
    db = world.db()
    try:
        with db.read() as s:
            return list(
                s.exec(
                    select(SyncConflict).where(
                        SyncConflict.center_code == "CB", SyncConflict.kind == "rejected"
                    )
                ).all()
            )
    finally:
        db.dispose()


def _forged_dossier(world: World, **changes: Any) -> dict[str, Any]:
    row = dict(world.demo_dossier)
    row.pop("center_code", None)  # a row that does not name its center
    row.update(
        applicant={"id_number": "079199999999", "full_name": "Kẻ Giả Mạo"},
        **changes,
    )
    return row


def test_set_status_on_another_centers_dossier_is_rejected(world: World) -> None:
    before = _server_dossier(world, world.demo_dossier["id"])
    assert before is not None and before.center_code == "DEMO"
    demo_changes = _demo_changes(world)
    row = _forged_dossier(world, status="processing")
    results = world.cb.results([world.cb.op("dossier", "set_status", row, **{"from": "received"})])
    assert results[0]["status"] == "rejected", results
    assert "not a record of this center" in results[0]["reason"]
    after = _server_dossier(world, world.demo_dossier["id"])
    assert after is not None
    assert (after.status, after.version, after.data) == (before.status, before.version, before.data)
    assert after.data["applicant"]["full_name"] != "Kẻ Giả Mạo"
    assert _demo_changes(world) == demo_changes  # DEMO's counters pull nothing new
    assert any(c.entity_id == world.demo_dossier["id"] for c in _cb_rejections(world))


def test_receive_over_another_centers_dossier_is_rejected(world: World) -> None:
    before = _server_dossier(world, world.demo_dossier["id"])
    row = _forged_dossier(world, code="CB-261204-990001")
    results = world.cb.results([world.cb.op("dossier", "receive", row)])
    assert results[0]["status"] == "rejected", results
    after = _server_dossier(world, world.demo_dossier["id"])
    assert after is not None and after.data == before.data and after.center_code == "DEMO"


def test_ticket_of_another_center_is_rejected(world: World) -> None:
    demo = httpx.Client(base_url=world.server.api, headers=login(world.server, "canbo1"))
    issued = demo.post("/queue/tickets", json={"service": "A"}).json()
    db = world.db()
    try:
        with db.read() as s:
            before = s.get(Ticket, issued["id"])
    finally:
        db.dispose()
    assert before is not None and before.state == "waiting"
    forged = {
        "id": issued["id"],
        "number": issued["number"],
        "service": "A",
        "service_day": before.service_day,
        "state": "done",
        "counter_code": "C1",
        "officer": "cb_cb",
        "issued_at": before.issued_at,
    }
    results = world.cb.results([world.cb.op("ticket", "ticket.done", forged)])
    assert results[0]["status"] == "rejected", results
    after = demo.get(f"/queue/tickets/{issued['id']}").json()
    assert (after["state"], after["counter"], after["officer"]) == ("waiting", None, None)
    demo.close()


def test_attachment_on_another_centers_dossier_is_rejected(world: World) -> None:
    row = {
        "id": "01900000-0000-7000-8000-00000000a771",
        "dossier_id": world.demo_dossier["id"],
        "component_index": 1,
        "sha256": "ab" * 32,
        "size": 10,
        "pages": 1,
    }
    results = world.cb.results([world.cb.op("attachment", "attach", row)])
    assert results[0]["status"] == "rejected", results
    db = world.db()
    try:
        with db.read() as s:
            assert s.get(ServerAttachment, row["id"]) is None
    finally:
        db.dispose()


def test_row_naming_another_center_is_rejected_and_later_ops_flow(world: World) -> None:
    """The refused op does not hold up the device's next ops (its sequence is used)."""
    own = {
        "id": "01900000-0000-7000-8000-0000000cb001",
        "code": "CB-261204-010001",
        "status": "received",
        "applicant": {"full_name": "Nông Văn Dền"},
    }
    named = {**own, "id": "01900000-0000-7000-8000-0000000cb002", "center_code": "DEMO"}
    ops = [world.cb.op("dossier", "receive", named), world.cb.op("dossier", "receive", own)]
    results = world.cb.results(ops)
    assert [r["status"] for r in results] == ["rejected", "applied"], results
    stored = _server_dossier(world, own["id"])
    assert stored is not None and stored.center_code == "CB"
