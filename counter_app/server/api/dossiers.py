"""Dossier read API and reports (issue 18): supervisors read their own center; the province role
and admins any center (`center=X01`) or all of them (`center=all`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from counter_app.server.crud import dossiers, reports
from counter_app.server.crud.scope import Scope, scope_for
from counter_app.server.deps import Ctx, SupervisorUser

router = APIRouter(prefix="/dossiers", tags=["dossiers"])


@router.get("")
def list_dossiers(
    p: SupervisorUser,
    c: Ctx,
    limit: Annotated[int, Query(ge=1, le=dossiers.MAX_LIMIT)] = 50,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=24)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
    procedure: Annotated[str | None, Query(max_length=64)] = None,
    officer: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    center: Annotated[str | None, Query(max_length=32)] = None,
) -> dict:
    """`{"items": [...], "next_cursor": …}`, newest first; filters combine. `center` (province
    role, admins): another center, or `all`."""
    return dossiers.list_dossiers(
        c.db,
        scope_for(c.db, p, center),
        limit=limit,
        cursor=cursor or None,
        status=status or None,
        start=dossiers.parse_date(from_, "from"),
        end=dossiers.parse_date(to, "to"),
        procedure=procedure or None,
        officer=officer or None,
        q=(q or "").strip() or None,
    )


@router.get("/{code}")
def get_dossier(
    p: SupervisorUser,
    c: Ctx,
    code: Annotated[str, Path(max_length=64)],
    center: Annotated[str | None, Query(max_length=32)] = None,
) -> dict:
    """One dossier (by code or lookup code) with its history of applied ops and attachments."""
    return dossiers.get_dossier(c.db, scope_for(c.db, p, center), code)


reports_router = APIRouter(prefix="/reports", tags=["reports"])


@dataclass(frozen=True)
class ReportAsk:
    """What every report is asked for: whose centers, which days, one line per what."""

    scope: Scope
    start: dt.date | None
    end: dt.date | None
    by: str | None


def report_ask(
    p: SupervisorUser,
    c: Ctx,
    from_: Annotated[str, Query(alias="from", max_length=10)],
    to: Annotated[str, Query(max_length=10)],
    by: Annotated[str | None, Query(max_length=16)] = None,
    center: Annotated[str | None, Query(max_length=32)] = None,
) -> ReportAsk:
    return ReportAsk(scope_for(c.db, p, center), dossiers.parse_date(from_, "from"),
                     dossiers.parse_date(to, "to"), by or None)


Ask = Annotated[ReportAsk, Depends(report_ask)]


@reports_router.get("/dossiers")
def dossiers_report(c: Ctx, a: Ask) -> dict:
    """The center's dossier figures for a period, as `counter-app report dossiers` computes them
    (domain/reports.py), from what its counters synced."""
    return dossiers.report(c.db, a.scope, a.start, a.end, by=a.by)


@reports_router.get("/queue")
def queue_report(c: Ctx, a: Ask) -> dict:
    """The center's queue figures for a period (tickets issued, served, absent; wait and service
    time median and p90), as `counter-app report queue` computes them."""
    return reports.queue(c.db, a.scope, a.start, a.end, by=a.by)


@reports_router.get("/satisfaction")
def satisfaction_report(c: Ctx, a: Ask) -> dict:
    """Citizens' ratings for a period (levels, satisfaction rate, reasons, share of served tickets
    rated), as `counter-app report satisfaction` computes them."""
    return reports.satisfaction(c.db, a.scope, a.start, a.end, by=a.by)
