"""The server's dossier read API (issue 18 point 1): a center's dossiers as its counters synced
them, for its supervisors. Everything is scoped to the caller's center; every filter is bounded.

Pages are ordered by dossier id, newest first: ids are UUIDv7 made at reception, so this is the
order of reception and the cursor (the last id of a page) walks the primary key index. Filters
on fields kept in the synced row (`received_at`, procedure, officer, applicant) read the JSON
column; at a million rows PostgreSQL wants expression indexes on them (see the README).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import or_, tuple_
from sqlmodel import col, select

from counter_app.domain import periods
from counter_app.domain.dossier import Status, status_label
from counter_app.domain.text import fold
from counter_app.server.crud.common import ApiError
from counter_app.server.crud.reports import center_zone, check_period
from counter_app.server.crud.scope import Scope
from counter_app.server.db import Database
from counter_app.server.sync.models import AppliedOp, ServerAttachment, ServerDossier

MAX_LIMIT = 200
_ID_RE = re.compile(r"^[0-9A-Za-z-]{1,64}$")


def parse_date(value: str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return periods.parse_day(value, field=name)
    except periods.PeriodError:
        raise ApiError(400, "bad_date", f"{name}: ngày dd/mm/yyyy hoặc yyyy-mm-dd / a date, "
                                        f"got {value[:20]!r}") from None


def _field(name: str) -> Any:
    return ServerDossier.data[name].as_string()


def _matches(text: str) -> Any:
    """What `q` finds, by its shape, each an indexed column: an ID number (digits), the start of
    a dossier code (letters with digits), else a part of the applicant's name (any accents)."""
    compact = text.replace(" ", "")
    if compact.isdigit():
        return or_(ServerDossier.applicant_id == compact,
                   col(ServerDossier.code).startswith(compact))
    if any(ch.isdigit() for ch in text):
        return col(ServerDossier.code).startswith(text.upper())
    return col(ServerDossier.applicant_key).contains(fold(text))


def _summary(row: ServerDossier) -> dict[str, Any]:
    d = row.data or {}
    applicant = d.get("applicant") if isinstance(d.get("applicant"), dict) else {}
    return {
        "id": row.id,
        "code": row.code,
        "status": row.status,
        "status_label": status_label(row.status),
        "procedure_code": d.get("procedure_code"),
        "procedure_name": d.get("procedure_name"),
        "applicant": applicant.get("full_name"),
        "received_at": d.get("received_at"),
        "appointment_at": d.get("appointment_at"),
        "result_at": d.get("result_at"),
        "returned_at": d.get("returned_at"),
        "officer": d.get("officer"),
        "counter_code": d.get("counter_code"),
        "routed_to": row.routed_to,
        "conflict": row.conflict,
        "updated_at": row.updated_at,
    }


def list_dossiers(
    db: Database,
    scope: Scope,
    *,
    limit: int = 50,
    cursor: str | None = None,
    status: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    procedure: str | None = None,
    officer: str | None = None,
    q: str | None = None,
) -> dict[str, Any]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, "bad_limit", f"limit: 1–{MAX_LIMIT}")
    if cursor is not None and not _ID_RE.match(cursor):
        raise ApiError(400, "bad_cursor", "cursor không hợp lệ / invalid cursor")
    if status is not None and status not in {s.value for s in Status}:
        raise ApiError(400, "bad_status", f"status: {', '.join(s.value for s in Status)}")
    if start and end and end < start:
        raise ApiError(400, "bad_period", "to trước from / 'to' is before 'from'")
    conds: list[Any] = [scope.where(ServerDossier.center_code)]
    # a period is read day by day, newest day first (the (center, day, id) index gives that
    # order, so a page costs its own rows wherever the period lies); otherwise newest id first
    by_day = start is not None or end is not None
    order: list[Any] = [col(ServerDossier.id).desc()]
    if by_day:
        order = [col(ServerDossier.received_day).desc(), col(ServerDossier.id).desc()]
    if status:
        conds.append(ServerDossier.status == status)
    if start:
        conds.append(col(ServerDossier.received_day) >= start.isoformat())
    if end:
        conds.append(col(ServerDossier.received_day) <= end.isoformat())
    if procedure:
        conds.append(ServerDossier.procedure_code == procedure)
    if officer:
        conds.append(ServerDossier.officer == officer)
    if q:
        conds.append(_matches(" ".join(q.split())))
    with db.read() as s:
        if cursor and by_day:
            day = s.exec(select(ServerDossier.received_day).where(
                scope.where(ServerDossier.center_code), ServerDossier.id == cursor)).first()
            if day is None:
                raise ApiError(400, "bad_cursor", "cursor không hợp lệ / invalid cursor")
            conds.append(tuple_(ServerDossier.received_day, ServerDossier.id) < tuple_(day, cursor))
        elif cursor:
            conds.append(col(ServerDossier.id) < cursor)
        rows = s.exec(
            select(ServerDossier).where(*conds).order_by(*order).limit(limit + 1)
        ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [_summary(r) for r in rows],
        "next_cursor": rows[-1].id if more and rows else None,
    }


def get_dossier(db: Database, scope: Scope, code: str) -> dict[str, Any]:
    """One dossier with what happened to it (the ops applied, in order) and its attachments.
    Another center's dossier is 404, as if it did not exist."""
    if not code or len(code) > 64:
        raise ApiError(404, "not_found", "không có hồ sơ / no such dossier")
    with db.read() as s:
        row = s.exec(
            select(ServerDossier).where(
                scope.where(ServerDossier.center_code),
                or_(ServerDossier.code == code, _field("lookup_code") == code),
            )
        ).first()
        if row is None:
            raise ApiError(404, "not_found", "không có hồ sơ / no such dossier")
        center = row.center_code
        ops = s.exec(
            select(AppliedOp)
            .where(AppliedOp.entity_id == row.id, AppliedOp.center_code == center)
            .order_by(col(AppliedOp.applied_at), col(AppliedOp.device_seq))
        ).all()
        atts = s.exec(
            select(ServerAttachment)
            .where(ServerAttachment.dossier_id == row.id, ServerAttachment.center_code == center)
            .order_by(col(ServerAttachment.component_index), col(ServerAttachment.created_at))
        ).all()
    return {
        **_summary(row),
        "dossier": row.data,
        "history": [
            {"at": o.applied_at, "op": o.op, "status": o.status, "device_id": o.device_id,
             "reason": o.reason}
            for o in ops
        ],
        "attachments": [
            {"component_index": a.component_index, "sha256": a.sha256, "size": a.size,
             "pages": a.pages, "mime": a.mime, "created_at": a.created_at}
            for a in atts
        ],
    }


def report(
    db: Database, scope: Scope, start: dt.date | None, end: dt.date | None, *, by: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The same dossier figures as the counter's `report dossiers` (domain/reports.py), from the
    rows the center's counters synced."""
    from counter_app.domain.reports import GROUPS, dossier_report, report_row

    if by is not None and by not in GROUPS:
        raise ApiError(400, "bad_group", f"by: {', '.join(GROUPS)}")
    start, end = check_period(start, end)
    tz = center_zone(db, scope)
    low, high = (start - dt.timedelta(days=1)).isoformat(), (end + dt.timedelta(days=2)).isoformat()
    day = col(ServerDossier.received_day)
    in_period = (scope.where(ServerDossier.center_code), day >= low, day < high)
    with db.read() as s:
        # the whole row: on PostgreSQL `json` is parsed again for every field taken out of it,
        # so eight fields cost more than shipping the row (measured: 4.5 s against 3.5 s)
        rows = s.exec(
            select(ServerDossier.id, ServerDossier.status, ServerDossier.data,
                   ServerDossier.center_code).where(*in_period)
        ).all()
        scanned: dict[str, set[int]] = {}
        for dossier_id, index in s.exec(
            select(ServerAttachment.dossier_id, ServerAttachment.component_index)
            .join(ServerDossier, col(ServerDossier.id) == col(ServerAttachment.dossier_id))
            .where(*in_period)
        ).all():
            scanned.setdefault(dossier_id, set()).add(int(index))
        fields: dict[str, str] = {}
        if by == "field":  # the field (lĩnh vực) is in the server's catalog, newest version wins
            from counter_app.server.models import ProcedureRow

            for code, data in s.exec(
                select(ProcedureRow.code, ProcedureRow.data).order_by(col(ProcedureRow.version))
            ).all():
                if isinstance(data, dict) and data.get("field"):
                    fields[code] = str(data["field"])

    report_rows = []
    for dossier_id, status, data, center in rows:
        record = {**(data if isinstance(data, dict) else {}), "status": status,
                  "center_code": center}
        row = report_row(
            record,
            tz=tz,
            field=fields.get(str(record.get("procedure_code") or ""), ""),
            scanned=scanned.get(dossier_id, set()),
        )
        if row is not None and start <= row.entered_on <= end:
            report_rows.append(row)
    moment = (now or dt.datetime.now(tz)).astimezone(tz)
    out = dossier_report(report_rows, now=moment, by=by)
    out.update({"center": scope.label, "from": start.isoformat(), "to": end.isoformat(), "by": by,
                "as_of": moment.isoformat(timespec="seconds")})
    return out
