"""Drafts of the reception wizard: saved on every step, one open draft per officer.

A draft is scratch data on this PC (never synced, never part of the legal record). Its id is a
UUIDv7 chosen when the officer starts a dossier, and it doubles as the dossier's `client_id`, so a
"receive" pressed twice, or replayed after a crash between the receipt and the draft's removal,
gives one dossier only (services.dossiers.receive returns the existing one).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from counter_app.domain.ids import uuid7_str
from counter_app.errors import BadInput
from counter_app.services.clock import iso
from counter_app.store.db import Store
from counter_app.store.models import Dossier
from counter_app.store.models import Draft as DraftRow

STEPS = ("applicant", "procedure", "checklist", "fee", "review", "done")
MAX_DRAFT_BYTES = 256_000


@dataclass
class Draft:
    id: str
    officer: str
    step: str = "applicant"
    data: dict[str, Any] = field(default_factory=dict)
    counter_code: str | None = None
    updated_at: str = ""
    #: set when a dossier was already stored under this draft's id (crash after "receive")
    dossier_code: str | None = None


def new_id() -> str:
    """A fresh draft id (also the future dossier's client_id)."""
    return uuid7_str()


def _check(step: str, data: dict[str, Any]) -> None:
    if step not in STEPS:
        raise BadInput(f"bước không hợp lệ / unknown wizard step '{step}'", field="step")
    try:
        size = len(json.dumps(data, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise BadInput(f"bản nháp không lưu được / draft is not serialisable: {exc}") from None
    if size > MAX_DRAFT_BYTES:
        raise BadInput("bản nháp quá lớn / draft too large", field="data")


def save(
    store: Store,
    *,
    officer: str,
    draft_id: str,
    step: str,
    data: dict[str, Any],
    counter_code: str | None = None,
    now: dt.datetime | None = None,
) -> Draft:
    """Create or overwrite the draft `draft_id` (one transaction)."""
    if not officer:
        raise BadInput("bản nháp cần cán bộ / a draft needs an officer", field="officer")
    _check(step, data)
    stamp = iso(now or dt.datetime.now(dt.UTC).astimezone())
    with store.write() as session:
        row = session.get(DraftRow, draft_id)
        if row is None:
            row = DraftRow(id=draft_id, officer=officer, updated_at=stamp)
        elif row.officer != officer:
            raise BadInput("bản nháp của cán bộ khác / draft belongs to another officer")
        row.step = step
        row.data = dict(data)
        row.counter_code = counter_code
        row.updated_at = stamp
        session.add(row)
    return Draft(draft_id, officer, step, dict(data), counter_code, stamp)


def load(store: Store, officer: str) -> Draft | None:
    """The officer's most recent draft, or None."""
    with store.read() as session:
        row = session.exec(
            select(DraftRow)
            .where(DraftRow.officer == officer)
            .order_by(col(DraftRow.updated_at).desc(), col(DraftRow.id).desc())
        ).first()
        if row is None:
            return None
        done = session.get(Dossier, row.id)
        return Draft(
            id=row.id,
            officer=row.officer,
            step=row.step,
            data=dict(row.data or {}),
            counter_code=row.counter_code,
            updated_at=row.updated_at,
            dossier_code=done.code if done else None,
        )


def discard(store: Store, draft_id: str) -> bool:
    """Remove a draft (after its outcome was stored, or when the officer abandons it)."""
    with store.write() as session:
        row = session.get(DraftRow, draft_id)
        if row is None:
            return False
        session.delete(row)
        return True


def list_drafts(store: Store, officer: str | None = None) -> list[Draft]:
    with store.read() as session:
        q = select(DraftRow)
        if officer:
            q = q.where(DraftRow.officer == officer)
        rows = session.exec(q.order_by(col(DraftRow.updated_at).desc())).all()
        return [
            Draft(r.id, r.officer, r.step, dict(r.data or {}), r.counter_code, r.updated_at)
            for r in rows
        ]
