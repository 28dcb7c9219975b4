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

from sqlalchemy import and_, case, func, or_, tuple_
from sqlmodel import col, select

from counter_app.domain import periods
from counter_app.domain.dossier import Status, status_label
from counter_app.domain.reports import CLOSED, FIGURES, GROUPS, Figures, utc_text
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


# the dossier figures as SQL sums over the columns `index_fields` fills: the same rule as
# domain.reports.counted_in (a test runs both over the same random dossiers)
_RECEIVED = col(ServerDossier.appointment_utc).is_not(None)
_OPEN = and_(_RECEIVED, col(ServerDossier.timeliness).is_(None),
             col(ServerDossier.status).not_in(CLOSED))


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _figures(now_utc: str) -> dict[str, Any]:
    sums = {
        "entered": func.count(),
        "received": _count(_RECEIVED),
        "refused": _count(ServerDossier.status == "refused"),
        "withdrawn": _count(ServerDossier.status == "withdrawn"),
        "supplement_requested": _count(col(ServerDossier.supplement_count) > 0),
        "early": _count(ServerDossier.timeliness == "early"),
        "on_time": _count(ServerDossier.timeliness == "on_time"),
        "late": _count(ServerDossier.timeliness == "late"),
        "resolved": _count(col(ServerDossier.timeliness).is_not(None)),
        "open": _count(_OPEN),
        "overdue": _count(and_(_OPEN, col(ServerDossier.appointment_utc) < now_utc)),
        "components": func.sum(case((_RECEIVED, ServerDossier.components), else_=0)),
        "components_scanned": func.sum(
            case((_RECEIVED, ServerDossier.components_scanned), else_=0)
        ),
    }
    assert tuple(sums) == FIGURES
    return sums


# what each `by` groups on (field: by procedure code, named from the catalog afterwards)
_GROUP_COLUMNS: dict[str, tuple[Any, ...]] = {
    "procedure": (ServerDossier.procedure_code, ServerDossier.procedure_name),
    "field": (ServerDossier.procedure_code,),
    "officer": (ServerDossier.officer,),
    "counter": (ServerDossier.counter_code,),
    "channel": (ServerDossier.channel,),
    "day": (ServerDossier.received_day,),
    "center": (ServerDossier.center_code,),
}


def _procedure_fields(s: Any) -> dict[str, str]:
    """Procedure code → its field (lĩnh vực) in the server's catalog, the newest version's."""
    from counter_app.server.models import ProcedureRow

    fields: dict[str, str] = {}
    for code, data in s.exec(
        select(ProcedureRow.code, ProcedureRow.data).order_by(col(ProcedureRow.version))
    ).all():
        if isinstance(data, dict) and data.get("field"):
            fields[code] = str(data["field"])
    return fields


def report(
    db: Database, scope: Scope, start: dt.date | None, end: dt.date | None, *, by: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The same dossier figures as the counter's `report dossiers` (domain/reports.py), from the
    rows the center's counters synced: one GROUP BY over the columns each dossier's figures are
    summed from (a province's month across its centers is read in the database, not in Python)."""
    if by is not None and by not in GROUPS:
        raise ApiError(400, "bad_group", f"by: {', '.join(GROUPS)}")
    start, end = check_period(start, end)
    tz = center_zone(db, scope)
    moment = (now or dt.datetime.now(tz)).astimezone(tz)
    keys = _GROUP_COLUMNS[by] if by else ()
    day = col(ServerDossier.received_day)
    figures = _figures(utc_text(moment) or "")
    with db.read() as s:
        lines = s.exec(
            select(*keys, *figures.values())
            .where(scope.where(ServerDossier.center_code), day >= start.isoformat(),
                   day <= end.isoformat())
            .group_by(*keys)
        ).all()
        fields = _procedure_fields(s) if by == "field" else {}
    total = Figures()
    groups: dict[str, Figures] = {}
    for line in lines:
        values = dict(zip(figures, (int(v or 0) for v in line[len(keys):]), strict=True))
        targets = [total]
        if by and values["entered"]:
            targets.append(groups.setdefault(_label(by, tuple(line[:len(keys)]), fields), Figures()))
        for target in targets:
            for name, v in values.items():
                target.counts[name] += v
    out = {"total": total.as_dict(),
           "groups": [{"key": k, **groups[k].as_dict()} for k in sorted(groups)]}
    out.update({"center": scope.label, "from": start.isoformat(), "to": end.isoformat(), "by": by,
                "as_of": moment.isoformat(timespec="seconds")})
    return out


def _label(by: str | None, key: tuple[Any, ...], fields: dict[str, str]) -> str:
    """The line's name as the counter's report names it (domain.reports.group_key)."""
    if by == "procedure":
        return f"{key[0] or ''} {key[1] or ''}"
    if by == "field":
        return fields.get(str(key[0] or ""), "") or "—"
    return str(key[0] or "—")
