"""Reports over a period for the center of this PC (issue 18 point 2, dossiers): reads the local
store (every dossier of the center once synced, or this counter's own offline) and computes the
figures of `domain/reports.py`. Three queries whatever the period: dossiers, scanned components,
procedure fields."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
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

__all__ = ["GROUPS", "dossiers_report", "report_csv", "save_report_csv"]


def dossiers_report(
    store: Store,
    settings: Settings,
    start: dt.date,
    end: dt.date,
    *,
    by: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The dossier figures of this center for `start`..`end` (local dates of entry)."""
    check_period(start, end)
    if by is not None and by not in GROUPS:
        raise BadInput(f"--by: một trong / one of {', '.join(GROUPS)}", field="by")
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
    out = dossier_report(report_rows, now=moment, by=by)
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


def report_csv(report: dict[str, Any]) -> bytes:
    """The report as CSV for a spreadsheet (see services.report_export)."""
    from counter_app.services import report_export

    return report_export.to_csv(report)


def save_report_csv(settings: Settings, report: dict[str, Any], out: Path | None = None) -> Path:
    """Write one report as CSV atomically (0600) to `out` or <data dir>/reports/…"""
    from counter_app.services import report_export

    return report_export.save(settings, [report], "csv", out=out)


def queue_report(
    store: Store,
    settings: Settings,
    start: dt.date,
    end: dt.date,
    *,
    by: str | None = None,
) -> dict[str, Any]:
    """The queue figures of this center's tickets with a service day in `start`..`end`."""
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
    out.update({"center": settings.center_code, "from": start.isoformat(), "to": end.isoformat(),
                "by": by, "kind": "queue"})
    return out
