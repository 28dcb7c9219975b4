"""Queue and satisfaction reports of a center on the server (issue 18 §2–3): the same figures as
`counter-app report queue|satisfaction` (domain/reports.py, domain/satisfaction.py), over the
server's tickets (its own queue and those synced from counters' offline queues) and the ratings
the center's terminals synced."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select

from counter_app.domain import periods
from counter_app.domain import satisfaction as sat
from counter_app.domain.reports import QUEUE_GROUPS, TICKET_KEYS, queue_report, ticket_row
from counter_app.server.crud.common import ApiError, zone
from counter_app.server.crud.scope import Scope
from counter_app.server.db import Database
from counter_app.server.models import Center, Ticket
from counter_app.server.sync.models import ServerRating


def check_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    if start is None or end is None:
        raise ApiError(400, "bad_date", "cần from và to / 'from' and 'to' are required")
    try:
        periods.check_period(start, end)
    except periods.PeriodError as exc:
        raise ApiError(400, "bad_period", str(exc)) from None
    return start, end


def center_zone(db: Database, scope: Scope) -> ZoneInfo:
    """The time zone of the one center read (every center of a province shares it otherwise)."""
    with db.read() as s:
        c = s.get(Center, scope.one) if scope.one else None
    return zone(c.timezone if c is not None else None)


def _in_period(scope: Scope, start: dt.date, end: dt.date) -> Any:
    return (
        scope.where(Ticket.center_code),
        col(Ticket.service_day) >= start.isoformat(),
        col(Ticket.service_day) <= end.isoformat(),
    )


def queue(db: Database, scope: Scope, start: dt.date | None, end: dt.date | None,
          *, by: str | None = None) -> dict[str, Any]:
    start, end = check_period(start, end)
    if by is not None and by not in QUEUE_GROUPS:
        raise ApiError(400, "bad_group", f"by: {', '.join(QUEUE_GROUPS)}")
    tz = center_zone(db, scope)
    with db.read() as s:
        tickets = s.exec(
            select(*(getattr(Ticket, k) for k in TICKET_KEYS)).where(*_in_period(scope, start, end))
        ).all()
    rows = [r for t in tickets if (r := ticket_row(dict(zip(TICKET_KEYS, t, strict=True)), tz))]
    out = queue_report(rows, by=by)
    out.update({"center": scope.label, "from": start.isoformat(), "to": end.isoformat(), "by": by,
                "kind": "queue"})
    return out


def satisfaction(db: Database, scope: Scope, start: dt.date | None, end: dt.date | None,
                 *, by: str | None = None) -> dict[str, Any]:
    start, end = check_period(start, end)
    if by is not None and by not in sat.GROUPS:
        raise ApiError(400, "bad_group", f"by: {', '.join(sat.GROUPS)}")
    column = getattr(Ticket, sat.SERVED_COLUMN.get(by or "", "service"))
    with db.read() as s:
        data = s.exec(
            select(ServerRating.data).where(
                scope.where(ServerRating.center_code),
                col(ServerRating.service_day) >= start.isoformat(),
                col(ServerRating.service_day) <= end.isoformat(),
            )
        ).all()
        served_rows = s.exec(
            select(column, func.count()).where(
                *_in_period(scope, start, end), Ticket.state == "done"
            ).group_by(column)
        ).all()
    rows = [r for d in data if isinstance(d, dict) and (r := sat.rating_row(d)) is not None]
    served_total, served = sat.served_counts(served_rows, by)
    out = sat.satisfaction_report(rows, by=by, served=served or None, served_total=served_total)
    out.update({"center": scope.label, "from": start.isoformat(), "to": end.isoformat(), "by": by,
                "kind": "satisfaction"})
    return out
