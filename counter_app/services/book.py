"""The center's book of dossiers (form 07) for a period: which dossiers, and the PDF.

The book lists the dossiers *received at this center* (routed-in dossiers of other centers are in
their own center's book), in the order received. On a counter PC it is printed from the local copy:
it holds every counter's dossiers up to the last sync, and the book says when that was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from counter_app.config import Settings
from counter_app.documents.book import MAX_ROWS, render_book
from counter_app.domain import periods
from counter_app.errors import BadInput
from counter_app.services.dossiers import dossier_to_dict
from counter_app.services.forms import center_info, write_atomic
from counter_app.store.db import Store
from counter_app.store.models import Dossier

MAX_PERIOD_DAYS = periods.MAX_PERIOD_DAYS


def parse_day(text: str, *, field: str = "date") -> dt.date:
    """dd/mm/yyyy (as officers write dates) or YYYY-MM-DD; a clear error otherwise."""
    try:
        return periods.parse_day(text, field=field)
    except periods.PeriodError as exc:
        raise BadInput(str(exc), field=exc.field) from None


def parse_period(start: str, end: str | None, *, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A period typed by an officer: a named one in "from" ("tháng trước", "quý 3", "this week"…;
    "to" is then not read) or the two days, checked (≤ MAX_PERIOD_DAYS)."""
    try:
        return periods.parse_period(start, end, today or dt.date.today())
    except periods.PeriodError as exc:
        raise BadInput(str(exc), field=exc.field) from None


def check_period(start: dt.date, end: dt.date) -> None:
    try:
        periods.check_period(start, end)
    except periods.PeriodError as exc:
        raise BadInput(str(exc), field=exc.field) from None


def book_dossiers(
    store: Store, settings: Settings, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """This center's dossiers received from `start` to `end` (local dates, both included),
    oldest first."""
    check_period(start, end)
    tz = ZoneInfo(settings.timezone)
    # received_at is stored as ISO text with its offset: a day's margin on each side in SQL,
    # then the exact local date in Python (a time written in UTC still lands on the right day)
    low = (start - dt.timedelta(days=1)).isoformat()
    high = (end + dt.timedelta(days=2)).isoformat()
    out: list[tuple[dt.datetime, dict[str, Any]]] = []
    with store.read() as session:
        rows = session.exec(
            select(Dossier)
            .where(
                Dossier.center_code == settings.center_code,
                col(Dossier.received_at) >= low,
                col(Dossier.received_at) < high,
            )
            .order_by(col(Dossier.received_at))
            .limit(MAX_ROWS * 2)
        ).all()
        for d in rows:
            try:
                at = dt.datetime.fromisoformat(d.received_at)
            except ValueError:
                continue
            local = at.astimezone(tz) if at.tzinfo else at.replace(tzinfo=tz)
            if start <= local.date() <= end:
                out.append((local, dossier_to_dict(session, d)))
    out.sort(key=lambda pair: (pair[0], pair[1].get("book_entry") or ""))
    return [d for _, d in out]


def last_sync(store: Store, settings: Settings) -> dt.datetime | None:
    """When this PC last synced with the server (None when it works alone or never did)."""
    from counter_app.sync.status import sync_status

    if not settings.server_url:
        return None
    value = sync_status(store, settings).get("last_success")
    if not value:
        return None
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    tz = ZoneInfo(settings.timezone)
    return at.astimezone(tz) if at.tzinfo else at


def default_book_path(settings: Settings, start: dt.date, end: dt.date) -> Path:
    return settings.data_dir / "forms" / f"book-{start:%Y%m%d}-{end:%Y%m%d}.pdf"


def render_book_file(
    store: Store,
    settings: Settings,
    start: dt.date,
    end: dt.date,
    out: Path | None = None,
    *,
    today: dt.date | None = None,
) -> tuple[Path, int]:
    """Write form 07 for the period (0600, atomically): (path, number of dossiers)."""
    dossiers = book_dossiers(store, settings, start, end)
    center = center_info(store, settings, None)
    issued = today or dt.datetime.now(ZoneInfo(settings.timezone)).date()
    data = render_book(
        dossiers, center, start, end, issued_on=issued, synced_at=last_sync(store, settings)
    )
    path = write_atomic(Path(out) if out else default_book_path(settings, start, end), data)
    return path, len(dossiers)
