"""Finished tickets for the rating tests: issued, called, served (with a dossier received for
them) and finished in the local queue of a real store."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from counter_app.config import Settings
from counter_app.contracts.tickets import QueueTicket
from counter_app.services import dossiers, local_queue
from counter_app.store.db import Store
from tests.dossier.data import APPLICANT

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(hour: int, minute: int = 0, day: int = 23) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def serve_ticket(store: Store, settings: Settings, when: dt.datetime, officer: str = "canbo1",
                 counter: str = "Q1", dossier: bool = True) -> QueueTicket:
    """A ticket issued, called, served (a birth registration received for it) and finished."""
    issued = local_queue.issue(store, settings, "A", now=when)
    local_queue.call_next(store, settings, counter, actor=officer, now=when)
    local_queue.serve(store, settings, counter, ticket=issued["id"], actor=officer, now=when)
    if dossier:
        dossiers.receive(store, settings, {
            "procedure": "1.004873", "applicant": dict(APPLICANT), "ticket": issued["number"],
            "components": [{"index": 1, "original": 1}, {"index": 2, "copy": 2}],
            "received_at": when.isoformat(),
        }, actor=officer, now=when)
    done = local_queue.finish(store, settings, counter, ticket=issued["id"], actor=officer,
                              now=when + dt.timedelta(minutes=5))
    return QueueTicket.model_validate({"origin": "local", **done})
