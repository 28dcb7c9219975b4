"""Helpers shared by the server's use cases: errors with HTTP status, clock, audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from counter_app.server.models import AuditEvent

DEFAULT_TZ = "Asia/Ho_Chi_Minh"


class ApiError(Exception):
    """A refusal with an HTTP status, a stable code and a bilingual message."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def zone(name: str | None) -> ZoneInfo:
    """A center's time zone by name; the country's when unset or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TZ)
    except (ValueError, KeyError):
        return ZoneInfo(DEFAULT_TZ)


def now(tz: str = DEFAULT_TZ) -> dt.datetime:
    return dt.datetime.now(ZoneInfo(tz))


def iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def now_iso(tz: str = DEFAULT_TZ) -> str:
    return iso(now(tz))


def parse_iso(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def audit(
    session: Session,
    *,
    action: str,
    center: str | None,
    actor: str = "",
    entity: str = "",
    entity_id: str = "",
    data: dict[str, Any] | None = None,
    ip: str | None = None,
    device_id: str | None = None,
    at: str | None = None,
) -> None:
    session.add(
        AuditEvent(
            at=at or now_iso(),
            center_code=center,
            actor=actor,
            device_id=device_id,
            ip=ip,
            action=action,
            entity=entity,
            entity_id=entity_id,
            data=data or {},
        )
    )


class Principal:
    """Who is calling: an officer (with role and center) signed in with a token."""

    __slots__ = ("username", "role", "center", "counter", "full_name", "ip", "device_id")

    def __init__(
        self,
        username: str,
        role: str,
        center: str,
        counter: str | None = None,
        full_name: str = "",
        ip: str | None = None,
        device_id: str | None = None,
    ) -> None:
        self.username = username
        self.role = role
        self.center = center
        self.counter = counter
        self.full_name = full_name
        self.ip = ip
        self.device_id = device_id
