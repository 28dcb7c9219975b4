"""Administration use cases (used by `counter-app admin` and the demo seed): centers, service
groups, counters, officers, enrolment tokens, devices, the procedure catalog."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from sqlmodel import Session, select

from counter_app.contracts import demo
from counter_app.domain import queue as rules
from counter_app.server.core import security
from counter_app.server.core.passwords import password_problem
from counter_app.server.crud.common import ApiError, audit, iso, now, now_iso
from counter_app.server.db import Database
from counter_app.server.models import (
    Center,
    Counter,
    Device,
    EnrolmentToken,
    Officer,
    ProcedureRow,
    QueueState,
    ServiceGroup,
    Ticket,
)

_CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_USER_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")

DEMO_CENTER = demo.DEMO_CENTER
DEMO_SERVICES = demo.DEMO_SERVICES


def _code(value: str, what: str, pattern: re.Pattern[str] = _CODE_RE) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ApiError(422, f"bad_{what}", f"mã không hợp lệ / invalid {what} '{value}'")
    return value


def create_center(
    db: Database,
    code: str,
    name: str,
    *,
    actor: str = "admin-cli",
    max_priority_streak: int = 2,
    no_show_grace_minutes: int = 10,
) -> dict[str, Any]:
    _code(code, "center")
    if max_priority_streak < 1 or no_show_grace_minutes < 0:
        raise ApiError(422, "bad_center", "max_priority_streak ≥ 1, no_show_grace_minutes ≥ 0")
    with db.write() as s:
        if s.get(Center, code) is not None:
            raise ApiError(409, "exists", f"trung tâm đã có / center {code} exists")
        s.add(
            Center(
                code=code,
                name=name,
                created_at=now_iso(),
                max_priority_streak=max_priority_streak,
                no_show_grace_minutes=no_show_grace_minutes,
            )
        )
        s.flush()
        s.add(QueueState(center_code=code))
        audit(
            s,
            action="center.create",
            center=code,
            actor=actor,
            entity="center",
            entity_id=code,
            data={"name": name},
        )
    return {
        "code": code,
        "name": name,
        "max_priority_streak": max_priority_streak,
        "no_show_grace_minutes": no_show_grace_minutes,
    }


def _need_center(s: Session, code: str) -> Center:
    c = s.get(Center, code)
    if c is None:
        raise ApiError(404, "center_not_found", f"không có trung tâm / no such center {code}")
    return c


def set_service(
    db: Database, center: str, code: str, name: str, *, actor: str = "admin-cli"
) -> dict[str, Any]:
    try:
        rules.check_service(code)
    except rules.QueueRuleError as exc:
        raise ApiError(422, "bad_service", str(exc)) from None
    with db.write() as s:
        _need_center(s, center)
        row = s.get(ServiceGroup, (center, code)) or ServiceGroup(
            center_code=center, code=code, name=name
        )
        row.name = name
        s.add(row)
        audit(
            s,
            action="service.set",
            center=center,
            actor=actor,
            entity="service_group",
            entity_id=code,
            data={"name": name},
        )
    return {"center": center, "code": code, "name": name}


def set_counter(
    db: Database,
    center: str,
    code: str,
    services: list[str],
    name: str = "",
    *,
    actor: str = "admin-cli",
) -> dict[str, Any]:
    _code(code, "counter", re.compile(r"^[A-Za-z0-9_.-]{1,16}$"))
    with db.write() as s:
        _need_center(s, center)
        for svc in services:
            if s.get(ServiceGroup, (center, svc)) is None:
                raise ApiError(
                    422, "unknown_service", f"không có nhóm dịch vụ / no service group {svc}"
                )
        row = s.get(Counter, (center, code)) or Counter(center_code=center, code=code)
        row.services = sorted(set(services))
        row.name = name or row.name or f"Quầy {code}"
        row.active = True
        s.add(row)
        audit(
            s,
            action="counter.set",
            center=center,
            actor=actor,
            entity="counter",
            entity_id=code,
            data={"services": row.services},
        )
    return {"center": center, "code": code, "name": row.name, "services": row.services}


def create_officer(
    db: Database,
    username: str,
    password: str,
    *,
    center: str,
    role: str = "officer",
    full_name: str = "",
    counter: str | None = None,
    actor: str = "admin-cli",
    demo: bool = False,
) -> dict[str, Any]:
    """Create an officer, or update one: a new password, role or counter also ends every token
    issued before (token_version), so a reset locks out whoever held the old one."""
    _code(username, "username", _USER_RE)
    if role not in security.ROLES:
        raise ApiError(
            422, "bad_role", f"vai trò phải là / role must be one of {', '.join(security.ROLES)}"
        )
    if not demo and (problem := password_problem(password, username)) is not None:
        raise ApiError(422, "weak_password", problem)
    pw_hash = security.hash_password(password)
    with db.write() as s:
        _need_center(s, center)
        if counter is not None and s.get(Counter, (center, counter)) is None:
            raise ApiError(404, "counter_not_found", f"không có quầy / no such counter {counter}")
        row = s.get(Officer, username)
        if row is not None and row.center_code != center:
            raise ApiError(
                409,
                "exists",
                f"tên đăng nhập đã dùng ở trung tâm khác / username {username} belongs to another center",
            )
        if row is not None:  # a new password (maybe role, counter): tokens issued before end
            row.token_version += 1
        row = row or Officer(
            username=username, center_code=center, password_hash=pw_hash, created_at=now_iso()
        )
        row.password_hash = pw_hash
        row.role = role
        row.full_name = full_name or row.full_name or username
        row.counter_code = counter
        row.active = True
        s.add(row)
        audit(
            s,
            action="officer.set",
            center=center,
            actor=actor,
            entity="officer",
            entity_id=username,
            data={"role": role, "counter": counter},
        )
    return {
        "username": username,
        "center": center,
        "role": role,
        "counter": counter,
        "full_name": row.full_name,
    }


def deactivate_officer(db: Database, username: str, *, actor: str = "admin-cli") -> dict[str, Any]:
    with db.write() as s:
        row = s.get(Officer, username)
        if row is None:
            raise ApiError(
                404, "officer_not_found", f"không có cán bộ / no such officer {username}"
            )
        row.active = False
        s.add(row)
        audit(
            s,
            action="officer.deactivate",
            center=row.center_code,
            actor=actor,
            entity="officer",
            entity_id=username,
        )
    return {"username": username, "active": False}


def list_officers(db: Database, center: str) -> list[dict[str, Any]]:
    with db.read() as s:
        rows = s.exec(
            select(Officer).where(Officer.center_code == center).order_by(Officer.username)
        ).all()
        return [
            {
                "username": o.username,
                "full_name": o.full_name,
                "role": o.role,
                "counter": o.counter_code,
                "active": o.active,
            }
            for o in rows
        ]


def describe_center(db: Database, center: str) -> dict[str, Any]:
    with db.read() as s:
        c = _need_center(s, center)
        groups = s.exec(
            select(ServiceGroup)
            .where(ServiceGroup.center_code == center)
            .order_by(ServiceGroup.code)
        ).all()
        counters = s.exec(
            select(Counter).where(Counter.center_code == center).order_by(Counter.code)
        ).all()
        return {
            "code": c.code,
            "name": c.name,
            "timezone": c.timezone,
            "max_priority_streak": c.max_priority_streak,
            "no_show_grace_minutes": c.no_show_grace_minutes,
            "officers_float": c.officers_float,
            "services": [{"code": g.code, "name": g.name} for g in groups],
            "counters": [
                {"code": k.code, "name": k.name, "services": list(k.services), "active": k.active}
                for k in counters
            ],
        }


def set_center_options(
    db: Database, center: str, *, officers_float: bool | None = None, actor: str = "admin-cli"
) -> dict[str, Any]:
    """Center settings changed after creation (only those given)."""
    with db.write() as s:
        c = _need_center(s, center)
        changed: dict[str, Any] = {}
        if officers_float is not None:
            c.officers_float = changed["officers_float"] = officers_float
        s.add(c)
        audit(
            s,
            action="center.set",
            center=center,
            actor=actor,
            entity="center",
            entity_id=center,
            data=changed,
        )
    return describe_center(db, center)


def list_centers(db: Database) -> list[dict[str, Any]]:
    with db.read() as s:
        return [
            {"code": c.code, "name": c.name, "active": c.active}
            for c in s.exec(select(Center).order_by(Center.code)).all()
        ]


# --- enrolment tokens and devices --------------------------------------------------------------


def create_enrolment_token(
    db: Database, center: str, *, hours: int = 72, actor: str = "admin-cli"
) -> dict[str, Any]:
    token = security.new_enrolment_token()
    moment = now()
    expires = iso(moment + dt.timedelta(hours=hours))
    with db.write() as s:
        _need_center(s, center)
        s.add(
            EnrolmentToken(
                token_hash=security.hash_enrolment_token(token),
                center_code=center,
                created_by=actor,
                created_at=iso(moment),
                expires_at=expires,
            )
        )
        audit(
            s,
            action="enrol_token.create",
            center=center,
            actor=actor,
            entity="enrolment_token",
            data={"expires_at": expires},
        )
    return {"token": token, "center": center, "expires_at": expires}


def device_json(d: Device) -> dict[str, Any]:
    return {
        "id": d.id,
        "center": d.center_code,
        "slot": d.slot,
        "name": d.name,
        "enrolled_by": d.enrolled_by,
        "enrolled_at": d.enrolled_at,
        "epoch": d.epoch,
        "last_seen_at": d.last_seen_at,
        "revoked_at": d.revoked_at,
    }


def list_devices(db: Database, center: str) -> list[dict[str, Any]]:
    with db.read() as s:
        rows = s.exec(
            select(Device).where(Device.center_code == center).order_by(Device.slot)
        ).all()
        return [device_json(d) for d in rows]


def revoke_device(
    db: Database, center: str | None, device_id: str, *, actor: str = "admin-cli"
) -> dict[str, Any]:
    with db.write() as s:
        d = s.get(Device, device_id)
        if d is None or (center is not None and d.center_code != center):
            raise ApiError(
                404, "device_not_found", f"không có thiết bị / no such device {device_id}"
            )
        if d.revoked_at is None:
            d.revoked_at = now_iso()
            d.revoked_by = actor
            s.add(d)
            audit(
                s,
                action="device.revoke",
                center=d.center_code,
                actor=actor,
                entity="device",
                entity_id=d.id,
            )
        return device_json(d)


# --- catalog -------------------------------------------------------------------------------------


def import_catalog(db: Database, data: Any, *, actor: str = "admin-cli") -> dict[str, Any]:
    """Store each procedure's JSON (a list, or {"procedures": [...]}); a changed procedure gets a
    new version, an unchanged one is skipped."""
    items = data.get("procedures") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ApiError(
            422, "bad_catalog", 'catalog must be a JSON list of procedures or {"procedures": [...]}'
        )
    # The same validation and local codes as the counters' catalog import: a procedure the
    # server accepts is one every client accepts when it pulls it (and codes match on both sides).
    from counter_app.contracts.catalog import validate_catalog
    from counter_app.errors import BadInput

    try:
        normalised = validate_catalog(items)
    except BadInput as exc:
        raise ApiError(422, "bad_catalog", str(exc)) from None
    added = unchanged = 0
    at = now_iso()
    with db.write() as s:
        for i, (item, norm) in enumerate(zip(items, normalised, strict=True)):
            code = norm["code"]
            item = {**item, "code": code}
            if len(code) > 64:
                raise ApiError(422, "bad_catalog", f"procedure #{i + 1}: bad 'code'")
            digest = hashlib.sha256(
                json.dumps(item, sort_keys=True, ensure_ascii=False).encode()
            ).hexdigest()
            last = s.exec(
                select(ProcedureRow)
                .where(ProcedureRow.code == code)
                .order_by(ProcedureRow.version.desc())
                .limit(1)
            ).first()
            if last is not None and last.content_hash == digest:
                unchanged += 1
                continue
            s.add(
                ProcedureRow(
                    code=code,
                    version=(last.version + 1) if last else 1,
                    name=item["name"],
                    data=item,
                    content_hash=digest,
                    imported_at=at,
                    imported_by=actor,
                )
            )
            added += 1
        audit(
            s,
            action="catalog.import",
            center=None,
            actor=actor,
            entity="catalog",
            data={"added": added, "unchanged": unchanged},
        )
    return {"added": added, "unchanged": unchanged, "total": len(items)}


def seed_shipped_catalog(db: Database) -> int:
    """Fill an empty catalog with the one shipped in assets/ (the number of procedures added;
    0 when the server already has a catalog)."""
    with db.read() as s:
        if s.exec(select(ProcedureRow.id).limit(1)).first() is not None:
            return 0
    from counter_app.locations import demo_catalog_path

    data = json.loads(demo_catalog_path().read_text(encoding="utf-8"))
    return int(import_catalog(db, data, actor="shipped-catalog")["added"])


# --- demo data -----------------------------------------------------------------------------------


def seed_demo(db: Database, *, waiting_tickets: int = 6) -> bool:
    """docs/DESIGN.md §6 demo data. Idempotent: does nothing if center DEMO exists."""
    with db.read() as s:
        if s.get(Center, DEMO_CENTER) is not None:
            return False
    create_center(db, DEMO_CENTER, demo.DEMO_CENTER_NAME, actor="demo")
    for code, name in DEMO_SERVICES.items():
        set_service(db, DEMO_CENTER, code, name, actor="demo")
    for i, code in enumerate(demo.DEMO_COUNTERS, start=1):
        set_counter(db, DEMO_CENTER, code, list(DEMO_SERVICES), f"Quầy {i}", actor="demo")
    for username, full_name, role, counter in demo.DEMO_OFFICERS:
        create_officer(
            db,
            username,
            demo.DEMO_PASSWORD,
            center=DEMO_CENTER,
            role=role,
            full_name=full_name,
            counter=counter,
            actor="demo",
            demo=True,
        )
    from counter_app.server.crud import queue
    from counter_app.server.crud.common import Principal

    kiosk = Principal("demo", "officer", DEMO_CENTER)
    plan = [("A", None), ("B", None), ("A", "elderly"), ("C", None), ("D", None), ("B", "pregnant")]
    for service, priority in plan[:waiting_tickets]:
        queue.issue(db, kiosk, service, priority)
    return True


def ticket_count(db: Database, center: str) -> int:
    with db.read() as s:
        return len(s.exec(select(Ticket.id).where(Ticket.center_code == center)).all())
