"""Ratings travel like everything else (issue 18 §3): a counter's rating reaches the real server
on loopback once, another counter of the center pulls it (so the supervisor's PC reports it),
a second rating of the same ticket is refused with why, another center's is refused."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from counter_app.domain.ids import uuid7_str
from counter_app.server.sync.models import ServerRating
from counter_app.services import satisfaction
from counter_app.store.db import record
from counter_app.store.models import Outbox, Rating
from tests.satisfaction.tickets import at, serve_ticket
from tests.server.conftest import server_db
from tests.sync import clientlib
from tests.sync.test_protocol import outbox_ops, raw_push, run


def _raw_rating(store, ticket_id: str, *, center: str | None = None) -> str:  # type: ignore[no-untyped-def]
    rid = uuid7_str()
    row = {"id": rid, "ticket_id": ticket_id, "ticket_number": "A-01-001",
           "service_day": "2026-11-23", "level": "satisfied", "rated_at": at(10).isoformat()}
    if center:
        row["center_code"] = center
    with store.write() as s:
        op = record(s, entity="rating", entity_id=rid, action="rated", actor="citizen",
                    at=at(10).isoformat(), payload={"rating": row})
        assert op is not None
        return op.op_id


def test_rating_reaches_the_server_once_and_another_counter(server, client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store, settings = client
    ticket = serve_ticket(store, settings, at(9))
    satisfaction.offer(store, settings, ticket, settings.counter_code, now=at(9, 5))
    rating = satisfaction.rate(store, settings, settings.counter_code, ticket_id=ticket.id,
                               level="unsatisfied", reasons=["wait"], now=at(9, 6))
    stats = run(store, settings)
    assert stats["rejected"] == 0 and stats["conflicts"] == 0, stats
    # the same ops delivered again (a retry after a lost answer): nothing doubles
    assert raw_push(server, settings.data_dir, outbox_ops(store)).status_code == 200
    with server_db(server) as db, db.read() as s:
        rows = s.exec(select(ServerRating).where(ServerRating.ticket_id == ticket.id)).all()
    assert len(rows) == 1 and rows[0].level == "unsatisfied" and rows[0].center_code == "DEMO"
    assert rows[0].data["reasons"] == ["wait"] and rows[0].officer == "canbo1"

    with clientlib.other_counter(tmp_path / "other", server.url) as (other, other_settings):
        run(other, other_settings)
        with other.read() as s:
            got = s.exec(select(Rating).where(Rating.ticket_id == ticket.id)).all()
        assert [(r.id, r.level, r.reasons) for r in got] == [(rating.id, "unsatisfied", ["wait"])]
        day = dt.date(2026, 11, 23)
        mine = satisfaction.satisfaction_report(store, settings, day, day)["total"]
        theirs = satisfaction.satisfaction_report(other, other_settings, day, day)["total"]
        assert theirs["unsatisfied"] >= 1 and theirs["rated"] >= mine["rated"]

        # the other counter rates the same ticket (a replayed offer): refused, the first stays
        twice = _raw_rating(other, ticket.id)
        foreign = _raw_rating(other, uuid7_str(), center="OTHER")
        stats = run(other, other_settings)
        assert stats["rejected"] == 2, stats
        with other.read() as s:
            reasons = {o.op_id: o.rejected_reason for o in s.exec(select(Outbox))}
        assert "already rated" in (reasons[twice] or "")
        assert "unauthorised" in (reasons[foreign] or "")
    with server_db(server) as db, db.read() as s:
        assert len(s.exec(select(ServerRating).where(
            ServerRating.ticket_id == ticket.id)).all()) == 1


def test_malformed_rating_is_rejected_not_retried(server, client) -> None:  # type: ignore[no-untyped-def]
    store, settings = client
    rid = uuid7_str()
    with store.write() as s:
        record(s, entity="rating", entity_id=rid, action="rated", actor="citizen",
               at=at(10).isoformat(), payload={"rating": {
                   "id": rid, "ticket_id": uuid7_str(), "ticket_number": "A001",
                   "service_day": "23/11/2026", "level": "ecstatic", "rated_at": "x"}})
    stats = run(store, settings)
    assert stats["rejected"] == 1 and run(store, settings)["rejected"] == 0
    # a reason outside the fixed list is refused by the push contract, not kept
    rid = uuid7_str()
    with store.write() as s:
        op = record(s, entity="rating", entity_id=rid, action="rated", actor="citizen",
                    at=at(10).isoformat(), payload={"rating": {
                        "id": rid, "ticket_id": uuid7_str(), "ticket_number": "A002",
                        "service_day": "2026-11-23", "level": "unsatisfied",
                        "reasons": ["wait", "<script>"], "rated_at": at(10).isoformat()}})
        assert op is not None
    assert run(store, settings)["rejected"] == 1
    with store.read() as s:
        reason = s.exec(select(Outbox).where(Outbox.op_id == op.op_id)).one().rejected_reason
    assert "unknown rating reason" in (reason or "")
