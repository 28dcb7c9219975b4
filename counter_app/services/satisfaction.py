"""Satisfaction ratings at the counter (issue 18 §3).

When the officer finishes a ticket, the counter offers it for rating (`offer`): a small record in
the local store, keyed by counter. The citizen-facing terminal beside the counter
(`counter-app rate --counter Q1`, same data dir, second screen) polls `pending` and records the
citizen's answer with `rate`: the rating row, its event and its outbox op in one transaction, so it
works offline, syncs like everything else, and a ticket is rated at most once (unique ticket id,
here and on the server).

The rating names the ticket, the officer who served it, the counter, and the dossiers received
for that ticket (matched by ticket number on the ticket's day), for the reports per officer and
per procedure. No personal data of the citizen is stored with it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from counter_app.config import Settings
from counter_app.contracts.tickets import QueueTicket
from counter_app.domain import satisfaction as rules
from counter_app.domain.ids import uuid7_str
from counter_app.errors import BadInput, InvalidTransition
from counter_app.services.book import check_period
from counter_app.services.clock import iso, legal_now
from counter_app.store.db import Store, get_state, record, set_state
from counter_app.store.models import Dossier, Officer, Rating, Ticket

log = logging.getLogger(__name__)

_OFFER_KEY = "rating.offer."


def _key(counter: str) -> str:
    return _OFFER_KEY + counter


@dataclass(frozen=True)
class Offer:
    """A finished ticket waiting for the citizen's rating at a counter."""

    ticket_id: str
    number: str
    service: str
    service_day: str
    counter: str
    officer: str
    officer_name: str
    finished_at: dt.datetime


class AlreadyRated(InvalidTransition):
    """The ticket has a rating already (one per ticket)."""


def offer(
    store: Store, settings: Settings, ticket: QueueTicket, counter: str,
    *, now: dt.datetime | None = None,
) -> None:
    """Offer a ticket just finished at `counter` for rating (replaces the previous offer)."""
    if ticket.state != "done":
        return
    with store.write() as s:
        at = legal_now(s, settings.tz, now=now)
        finished = ticket.finished_at or iso(at)
        officer = ticket.officer or ""
        person = s.get(Officer, officer) if officer else None
        set_state(s, _key(counter), {
            "ticket_id": ticket.id,
            "number": ticket.number,
            "service": ticket.service,
            "service_day": ticket.service_day or at.date().isoformat(),
            "counter": counter,
            "officer": officer,
            "officer_name": person.full_name if person is not None else "",
            "finished_at": finished,
        })


def offer_quietly(
    store: Store, settings: Settings, ticket: QueueTicket, counter: str
) -> None:
    """`offer`, for the queue's finish: a failure here never undoes the finish (logged)."""
    try:
        offer(store, settings, ticket, counter)
    except Exception as exc:  # noqa: BLE001 - the ticket is finished whatever happens here
        log.warning("rating offer for counter %s not recorded: %s", counter, type(exc).__name__)


def pending(
    store: Store, settings: Settings, counter: str, *, now: dt.datetime | None = None
) -> Offer | None:
    """The ticket the citizen at `counter` may rate now, if any (not rated, not too old)."""
    with store.read() as s:
        raw = get_state(s, _key(counter))
        if not isinstance(raw, dict):
            return None
        try:
            item = Offer(
                ticket_id=str(raw["ticket_id"]), number=str(raw["number"]),
                service=str(raw.get("service") or ""), service_day=str(raw["service_day"]),
                counter=counter, officer=str(raw.get("officer") or ""),
                officer_name=str(raw.get("officer_name") or ""),
                finished_at=dt.datetime.fromisoformat(str(raw["finished_at"])),
            )
        except (KeyError, ValueError):
            return None
        if item.finished_at.tzinfo is None:
            item = replace(item, finished_at=item.finished_at.replace(tzinfo=settings.tz))
        at = legal_now(s, settings.tz, now=now)
        if not rules.offer_open(item.finished_at, at):
            return None
        if s.exec(select(Rating.id).where(Rating.ticket_id == item.ticket_id)).first():
            return None
    return item


def _dossiers_of(s: Any, settings: Settings, number: str, day: str) -> list[tuple[str, str]]:
    rows = s.exec(
        select(Dossier.code, Dossier.procedure_code).where(
            Dossier.center_code == settings.center_code,
            Dossier.ticket_number == number,
            col(Dossier.received_at).startswith(day),
        ).order_by(col(Dossier.code))
    ).all()
    return [(code, proc) for code, proc in rows]


def rate(
    store: Store,
    settings: Settings,
    counter: str,
    *,
    ticket_id: str,
    level: str,
    reasons: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> Rating:
    """Record the citizen's rating of the ticket offered at `counter` (once per ticket)."""
    try:
        level, kept = rules.check_rating(level, reasons)
    except rules.RatingError as exc:
        raise BadInput(str(exc), field="rating") from None
    with store.write() as s:
        at = legal_now(s, settings.tz, now=now)
        raw = get_state(s, _key(counter))
        if not isinstance(raw, dict) or raw.get("ticket_id") != ticket_id:
            raise InvalidTransition(
                "số này không còn chờ đánh giá ở quầy / this ticket is not waiting for a rating "
                "at this counter"
            )
        if s.exec(select(Rating.id).where(Rating.ticket_id == ticket_id)).first():
            raise AlreadyRated(f"số {raw['number']} đã được đánh giá / already rated")
        dossiers = _dossiers_of(s, settings, str(raw["number"]), str(raw["service_day"]))
        row = Rating(
            id=uuid7_str(),
            center_code=settings.center_code,
            ticket_id=ticket_id,
            ticket_number=str(raw["number"]),
            service=str(raw.get("service") or ""),
            service_day=str(raw["service_day"]),
            counter_code=counter,
            officer=str(raw.get("officer") or ""),
            level=level,
            reasons=kept,
            dossier_codes=[code for code, _ in dossiers],
            procedure_codes=sorted({proc for _, proc in dossiers}),
            rated_at=iso(at),
        )
        s.add(row)
        set_state(s, _key(counter), None)
        record(
            s, entity="rating", entity_id=row.id, action="rated", actor="citizen",
            data={"level": level, "ticket": row.ticket_number}, at=row.rated_at,
            payload={"rating": rating_to_dict(row)},
        )
    return row


def rating_to_dict(row: Rating) -> dict[str, Any]:
    return {
        "id": row.id, "center_code": row.center_code, "ticket_id": row.ticket_id,
        "ticket_number": row.ticket_number, "service": row.service,
        "service_day": row.service_day, "counter_code": row.counter_code, "officer": row.officer,
        "level": row.level, "reasons": list(row.reasons), "dossier_codes": list(row.dossier_codes),
        "procedure_codes": list(row.procedure_codes), "rated_at": row.rated_at,
        "version": row.version,
    }


# --- report --------------------------------------------------------------------------------------


def _served(s: Any, settings: Settings, start: dt.date, end: dt.date, by: str | None
            ) -> tuple[int, dict[str, int]]:
    """Tickets served (done) in the period: total and per group key (where a ticket says it)."""
    column = getattr(Ticket, rules.SERVED_COLUMN.get(by or "", "service"))
    stmt = select(column, func.count()).where(
        Ticket.center_code == settings.center_code, Ticket.state == "done",
        col(Ticket.service_day) >= start.isoformat(), col(Ticket.service_day) <= end.isoformat(),
    ).group_by(column)
    return rules.served_counts(s.exec(stmt).all(), by)


def satisfaction_report(
    store: Store,
    settings: Settings,
    start: dt.date,
    end: dt.date,
    *,
    by: str | None = None,
    days: bool = False,
) -> dict[str, Any]:
    """Ratings of this center's tickets with a service day in `start`..`end`: by level,
    satisfaction rate, reasons, and the share of served tickets rated; with `days`, also the
    ratings of each day under "days"."""
    check_period(start, end)
    if by is not None and by not in rules.GROUPS:
        raise BadInput(f"--by: một trong / one of {', '.join(rules.GROUPS)}", field="by")
    with store.read() as s:
        ratings = s.exec(
            select(Rating).where(
                Rating.center_code == settings.center_code,
                col(Rating.service_day) >= start.isoformat(),
                col(Rating.service_day) <= end.isoformat(),
            )
        ).all()
        served_total, served = _served(s, settings, start, end, by)
    rows = [row for r in ratings if (row := rules.rating_row(rating_to_dict(r))) is not None]
    out = rules.satisfaction_report(rows, by=by, served=served or None, served_total=served_total)
    if days:
        out["days"] = rules.satisfaction_report(rows, by="day")["groups"]
    out.update({"center": settings.center_code, "from": start.isoformat(), "to": end.isoformat(),
                "by": by, "kind": "satisfaction"})
    return out
