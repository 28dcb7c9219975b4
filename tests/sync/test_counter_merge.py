"""A merge never silently gives a counter two open tickets (issue 15, point 3): a counter that
served a local ticket offline while the central queue still had one open at the same counter
gets a visible conflict for the supervisor; the fact itself is kept."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlmodel import select

from counter_app.domain.ids import uuid7_str
from counter_app.server.models import Ticket
from counter_app.server.sync.models import SyncConflict
from tests.server.conftest import login
from tests.sync.conftest import open_server_db
from tests.sync.test_protocol import raw_push


def test_second_open_ticket_at_a_counter_is_a_conflict(server, client) -> None:  # type: ignore[no-untyped-def]
    store, settings = client
    api = httpx.Client(base_url=server.api + "/queue", headers=login(server, "canbo4"), timeout=10)
    for _ in range(5):  # the module's server is shared: start from a counter with nothing open
        cur = next(c["current"] for c in api.get("/status").json()["counters"] if c["code"] == "Q4")
        if not cur or cur["state"] not in ("called", "serving"):
            break
        api.post("/counters/Q4/finish" if cur["state"] == "serving" else "/counters/Q4/no-show")
    api.post("/tickets", json={"service": "B"})
    central = api.post("/counters/Q4/call-next", json={"current": None}).json()
    api.post("/counters/Q4/start", json={"ticket": central["id"]})
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    local_id = uuid7_str()
    row = {
        "id": local_id,
        "number": "C-09-002",
        "service": "C",
        "service_day": central["service_day"],
        "state": "serving",
        "counter_code": "Q4",
        "officer": "canbo4",
        "issued_at": now,
        "called_at": now,
        "serving_at": now,
    }
    from counter_app.sync.device import load

    creds = load(settings.data_dir)
    last = raw_push(server, settings.data_dir, []).json()["last_seq"]
    op = {
        "op_id": uuid7_str(),
        "device_seq": max(last, 0) + 1,
        "epoch": creds.epoch,
        "hlc": f"{now}-0000",
        "schema_version": 1,
        "entity": "ticket",
        "entity_id": local_id,
        "op": "ticket.serving",
        "payload": {"actor": "canbo4", "ticket": row},
        "created_at": now,
    }
    results = raw_push(server, settings.data_dir, [op]).json()["results"]
    assert results[0]["status"] == "conflict", results
    assert central["number"] in results[0]["reason"] and "C-09-002" in results[0]["reason"]
    db = open_server_db(server.data_dir, server.database_url)
    try:
        with db.read() as s:
            assert s.get(Ticket, local_id).state == "serving"  # the fact is kept
            assert s.get(Ticket, central["id"]).state == "serving"  # nothing closed silently
            conflicts = s.exec(select(SyncConflict).where(SyncConflict.entity_id == local_id)).all()
            assert conflicts and conflicts[0].kind == "conflict"
    finally:
        db.dispose()
    api.close()
