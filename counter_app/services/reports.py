"""Reports over a period for the center of this PC (issue 18 point 2, dossiers): reads the local
store (every dossier of the center once synced, or this counter's own offline) and computes the
figures of `domain/reports.py`. Three queries whatever the period: dossiers, scanned components,
procedure fields."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select

from counter_app.config import Settings
from counter_app.domain.reports import (
    GROUPS,
    RECORD_KEYS,
    ReportRow,
    dossier_report,
    report_row,
)
from counter_app.errors import BadInput
from counter_app.services.book import check_period
from counter_app.services.clock import legal_now
from counter_app.store.db import Store
from counter_app.store.models import Attachment, Dossier, Procedure

__all__ = ["GROUPS", "dossiers_behind", "dossiers_report", "queue_report"]


def _report_rows(
    store: Store, settings: Settings, start: dt.date, end: dt.date, now: dt.datetime | None
) -> tuple[list[ReportRow], dt.datetime]:
    """The figures rows of this center's dossiers entered in `start`..`end`, and the moment."""
    tz = ZoneInfo(settings.timezone)
    low = (start - dt.timedelta(days=1)).isoformat()
    high = (end + dt.timedelta(days=2)).isoformat()
    in_period = (
        Dossier.center_code == settings.center_code,
        col(Dossier.received_at) >= low,
        col(Dossier.received_at) < high,
    )
    with store.read() as session:
        moment = legal_now(session, tz, now=now)
        rows = session.exec(
            select(*(getattr(Dossier, k) for k in RECORD_KEYS)).where(*in_period)
        ).all()
        scanned: dict[str, set[int]] = {}
        for dossier_id, index in session.exec(
            select(Attachment.dossier_id, Attachment.component_index)
            .join(Dossier, col(Dossier.id) == col(Attachment.dossier_id))
            .where(*in_period)
            .group_by(Attachment.dossier_id, Attachment.component_index)
        ).all():
            scanned.setdefault(dossier_id, set()).add(int(index))
        fields = dict(
            session.exec(
                select(Procedure.code, func.max(Procedure.field)).group_by(Procedure.code)
            ).all()
        )
    report_rows: list[ReportRow] = []
    for values in rows:
        record = dict(zip(RECORD_KEYS, values, strict=True))
        row = report_row(
            record,
            tz=tz,
            field=fields.get(record["procedure_code"]) or "",
            scanned=scanned.get(record["id"], set()),
        )
        if row is not None and start <= row.entered_on <= end:
            report_rows.append(row)
    return report_rows, moment


def dossiers_report(
    store: Store,
    settings: Settings,
    start: dt.date,
    end: dt.date,
    *,
    by: str | None = None,
    now: dt.datetime | None = None,
    days: bool = False,
) -> dict[str, Any]:
    """The dossier figures of this center for `start`..`end` (local dates of entry); with
    `days`, also one line per day under "days" (from the same rows: the trends)."""
    check_period(start, end)
    if by is not None and by not in GROUPS:
        raise BadInput(f"--by: một trong / one of {', '.join(GROUPS)}", field="by")
    report_rows, moment = _report_rows(store, settings, start, end, now)
    out = dossier_report(report_rows, now=moment, by=by)
    if days:
        out["days"] = dossier_report(report_rows, now=moment, by="day")["groups"]
    out.update(
        {
            "center": settings.center_code,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "by": by,
            "kind": "dossiers",
            "as_of": moment.isoformat(timespec="seconds"),
        }
    )
    return out


MAX_DRILL = 2000


def dossiers_behind(
    store: Store,
    settings: Settings,
    start: dt.date,
    end: dt.date,
    *,
    by: str | None = None,
    key: str | None = None,
    figure: str = "entered",
    now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """The dossiers a figure of the report counts (drill-down): those of the line `key` (None:
    every line) counted in `figure` ("late", "overdue", …), oldest first, at most MAX_DRILL."""
    from counter_app.domain.reports import FIGURES, counted_in, group_key

    check_period(start, end)
    if figure not in FIGURES or figure in ("components", "components_scanned"):
        raise BadInput(f"figure: một trong / one of {', '.join(FIGURES[:11])}", field="figure")
    rows, moment = _report_rows(store, settings, start, end, now)
    ids = [
        r.id for r in rows
        if (key is None or group_key(r, by) == key) and figure in counted_in(r, moment)
    ][:MAX_DRILL]
    found: dict[str, Dossier] = {}
    with store.read() as session:
        for i in range(0, len(ids), 500):
            for d in session.exec(select(Dossier).where(col(Dossier.id).in_(ids[i : i + 500]))):
                found[d.id] = d
    out = []
    for d in sorted(found.values(), key=lambda d: d.received_at):
        out.append({
            "code": d.code, "received_at": d.received_at,
            "applicant": str((d.applicant or {}).get("full_name") or ""),
            "procedure": f"{d.procedure_code} {d.procedure_name}", "status": d.status,
            "appointment_at": d.appointment_at, "result_at": d.result_at,
            "officer": d.officer,
        })
    return out


def queue_report(
    store: Store,
    settings: Settings,
    start: dt.date,
    end: dt.date,
    *,
    by: str | None = None,
    days: bool = False,
) -> dict[str, Any]:
    """The queue figures of this center's tickets with a service day in `start`..`end`; with
    `days`, also one line per day under "days"."""
    from counter_app.domain.reports import QUEUE_GROUPS, TICKET_KEYS, ticket_row
    from counter_app.domain.reports import queue_report as compute
    from counter_app.store.models import Ticket

    check_period(start, end)
    if by is not None and by not in QUEUE_GROUPS:
        raise BadInput(f"--by: một trong / one of {', '.join(QUEUE_GROUPS)}", field="by")
    tz = ZoneInfo(settings.timezone)
    with store.read() as session:
        tickets = session.exec(
            select(*(getattr(Ticket, k) for k in TICKET_KEYS)).where(
                Ticket.center_code == settings.center_code,
                col(Ticket.service_day) >= start.isoformat(),
                col(Ticket.service_day) <= end.isoformat(),
            )
        ).all()
    rows = [row for t in tickets if (row := ticket_row(dict(zip(TICKET_KEYS, t, strict=True)), tz))]
    out = compute(rows, by=by)
    if days:
        out["days"] = compute(rows, by="day")["groups"]
    out.update({"center": settings.center_code, "from": start.isoformat(), "to": end.isoformat(),
                "by": by, "kind": "queue"})
    return out
