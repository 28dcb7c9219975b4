"""Sync conflicts for supervisors: facts accepted from a counter that disagreed with the server
(a dossier code or ticket number already used by another record, a stale version, …), and ops
the server refused (`kind` "rejected": malformed, or naming another center's record), which the
counter keeps quarantined while the rest of its outbox flows.

A conflict is never resolved automatically: the facts of both sides stay stored, and a
supervisor of the same center reads the list and marks each one resolved with a note saying what
was done (e.g. "giữ cả hai hồ sơ, báo công dân mã mới"). Everything is scoped to the caller's
center; another center's conflicts do not exist for them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from counter_app.server.crud.common import ApiError, Principal, audit, now_iso
from counter_app.server.db import Database
from counter_app.server.models import Device
from counter_app.server.sync.models import SyncConflict

STATES = ("open", "resolved", "all")


def _summary(entity: str, data: dict[str, Any]) -> dict[str, Any]:
    """What a supervisor needs to recognise the record: code, name, number, procedure."""
    if entity == "dossier":
        d = data.get("dossier") if isinstance(data.get("dossier"), dict) else {}
        applicant = d.get("applicant") if isinstance(d.get("applicant"), dict) else {}
        return {
            "code": d.get("code"),
            "status": d.get("status"),
            "procedure": d.get("procedure_name") or d.get("procedure_code"),
            "applicant": applicant.get("full_name") or applicant.get("name"),
            "officer": d.get("officer") or data.get("actor"),
        }
    if entity == "ticket":
        tk = data.get("ticket") if isinstance(data.get("ticket"), dict) else {}
        return {
            "number": tk.get("number"),
            "service_day": tk.get("service_day"),
            "state": tk.get("state"),
            "counter": tk.get("counter_code"),
            "officer": tk.get("officer") or data.get("actor"),
        }
    return {"officer": data.get("actor")}


def _json(row: SyncConflict, slots: dict[str, str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "op_id": row.op_id,
        "device_id": row.device_id,
        "device_slot": slots.get(row.device_id),
        "reason": row.reason,
        "created_at": row.created_at,
        "resolved_at": row.resolved_at,
        "resolved_by": row.resolved_by,
        "summary": _summary(row.entity, row.data or {}),
    }


def list_conflicts(
    db: Database, who: Principal, state: str = "open", limit: int = 200
) -> dict[str, Any]:
    if state not in STATES:
        raise ApiError(422, "bad_state", f"state must be one of {', '.join(STATES)}")
    with db.read() as s:
        stmt = select(SyncConflict).where(SyncConflict.center_code == who.center)
        if state == "open":
            stmt = stmt.where(SyncConflict.resolved_at.is_(None))
        elif state == "resolved":
            stmt = stmt.where(SyncConflict.resolved_at.is_not(None))
        rows = s.exec(stmt.order_by(SyncConflict.id.desc()).limit(limit)).all()
        open_count = s.exec(
            select(func.count())
            .select_from(SyncConflict)
            .where(SyncConflict.center_code == who.center, SyncConflict.resolved_at.is_(None))
        ).one()
        slots = {
            d.id: d.slot
            for d in s.exec(select(Device).where(Device.center_code == who.center)).all()
        }
    return {
        "center": who.center,
        "open": int(open_count),
        "conflicts": [_json(r, slots) for r in rows],
    }


def resolve(db: Database, who: Principal, conflict_id: int, note: str) -> dict[str, Any]:
    note = note.strip()
    if not note:
        raise ApiError(
            422, "note_required", "cần ghi chú cách xử lý / a note on what was done is required"
        )
    with db.write() as s:
        row = s.get(SyncConflict, conflict_id)
        if row is None or row.center_code != who.center:
            raise ApiError(404, "conflict_not_found", "không có xung đột này / no such conflict")
        if row.resolved_at is not None:
            raise ApiError(
                409,
                "already_resolved",
                f"đã xử lý bởi {row.resolved_by} lúc {row.resolved_at} / already resolved",
            )
        row.resolved_at = now_iso()
        row.resolved_by = who.username
        s.add(row)
        audit(
            s,
            action="sync.conflict.resolve",
            center=who.center,
            actor=who.username,
            entity=row.entity,
            entity_id=row.entity_id,
            data={"conflict": row.id, "note": note[:500], "reason": row.reason},
            ip=who.ip,
            at=row.resolved_at,
        )
        slots = {row.device_id: d.slot} if (d := s.get(Device, row.device_id)) else {}
        return {**_json(row, slots), "note": note[:500]}
