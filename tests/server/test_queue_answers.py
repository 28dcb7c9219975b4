"""The queue's use cases on a real SQLite file (in process): the ticket says who called it, and
answers remembered for Idempotency-Key retries are pruned after their retention — a retry within
it still gets the same ticket."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select

from counter_app.server.crud import admin, queue
from counter_app.server.crud.common import Principal, iso, now
from counter_app.server.models import IdempotentRequest
from tests.server.conftest import open_server_db

CENTER = "HN09"


@pytest.fixture
def db(tmp_path: Path):
    db = open_server_db(tmp_path / "srv", None)
    admin.create_center(db, CENTER, "Trung tâm thử")
    admin.set_service(db, CENTER, "A", "Hộ tịch")
    admin.set_counter(db, CENTER, "Q1", ["A"])
    admin.set_counter(db, CENTER, "Q2", ["A"])
    yield db
    db.dispose()


def _keys(db) -> set[str]:
    with db.read() as s:
        return {r.key for r in s.exec(select(IdempotentRequest)).all()}


def test_called_ticket_carries_the_officer(db) -> None:
    kiosk = Principal("kiosk", "officer", CENTER)
    issued = queue.issue(db, kiosk, "A", None)
    assert issued["officer"] is None
    status, called = queue.call_next(db, Principal("canbo7", "officer", CENTER), "Q1", None)
    assert status == 200 and called is not None
    assert called["number"] == issued["number"] and called["officer"] == "canbo7"
    assert queue.get_ticket(db, kiosk, called["id"])["officer"] == "canbo7"


def test_old_answers_are_pruned_and_fresh_ones_still_replay(db, monkeypatch) -> None:
    who = Principal("canbo1", "officer", CENTER)
    for _ in range(3):
        queue.issue(db, who, "A", None)
    stale = iso(now() - queue.IDEMPOTENCY_RETENTION - dt.timedelta(minutes=1))
    recent = iso(now() - queue.IDEMPOTENCY_RETENTION + dt.timedelta(hours=1))
    with db.write() as s:
        for key, at in (("old-1", stale), ("old-2", stale), ("young", recent)):
            s.add(
                IdempotentRequest(
                    center_code=CENTER,
                    key=key,
                    username="canbo1",
                    endpoint="call-next:Q2",
                    status_code=204,
                    body=None,
                    created_at=at,
                )
            )
    monkeypatch.setattr(queue, "_last_prune", [float("-inf")])  # due now

    status, first = queue.call_next(db, who, "Q1", "retry-me")
    assert status == 200 and first is not None
    assert _keys(db) == {"young", "retry-me"}

    # the throttle holds: a second prune is not run within the hour, and the retry replays
    status, again = queue.call_next(db, who, "Q1", "retry-me")
    assert (status, again) == (200, first)
    # a remembered answer within its retention is replayed, not re-executed
    assert queue.call_next(db, who, "Q2", "young") == (204, None)
    status, nxt = queue.call_next(db, who, "Q1", None)
    assert status == 200 and nxt is not None and nxt["number"] != first["number"]


def test_prune_counts_what_it_deleted(db) -> None:
    with db.write() as s:
        s.add(
            IdempotentRequest(
                center_code=CENTER,
                key="k",
                username="u",
                endpoint="e",
                status_code=204,
                created_at=iso(now() - dt.timedelta(days=30)),
            )
        )
    with db.write() as s:
        assert queue.prune_idempotent(s, now()) == 1
    with db.write() as s:
        assert queue.prune_idempotent(s, now()) == 0
