"""Server-only tables (SQLModel on their own registry, so they never mix with the client store's).

Times are ISO-8601 strings with the center's UTC offset (+07:00), as on the client. Every
center-owned row carries `center_code`, and every query filters on it (scope).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class ServerModel(SQLModel, registry=registry()):
    """Base of the server tables; `ServerModel.metadata` is what the migrations describe."""


metadata = ServerModel.metadata


class Center(ServerModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name: str
    timezone: str = "Asia/Ho_Chi_Minh"
    max_priority_streak: int = 2
    no_show_grace_minutes: int = 10
    active: bool = True
    created_at: str
    officers_float: bool = False  # may an officer act on another counter's tickets?


class ServiceGroup(ServerModel, table=True):
    __tablename__ = "service_group"

    center_code: str = Field(primary_key=True, foreign_key="center.code", max_length=32)
    code: str = Field(primary_key=True, max_length=1)
    name: str


class Counter(ServerModel, table=True):
    center_code: str = Field(primary_key=True, foreign_key="center.code", max_length=32)
    code: str = Field(primary_key=True, max_length=16)
    name: str = ""
    services: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True


class Officer(ServerModel, table=True):
    username: str = Field(primary_key=True, max_length=64)
    full_name: str = ""
    role: str = "officer"  # officer | supervisor | admin
    center_code: str = Field(foreign_key="center.code", index=True, max_length=32)
    counter_code: str | None = None
    password_hash: str
    active: bool = True
    created_at: str
    token_version: int = 1  # raised on password reset / role or counter change: old tokens die


class Device(ServerModel, table=True):
    __table_args__ = (UniqueConstraint("center_code", "slot"),)

    id: str = Field(primary_key=True, max_length=64)
    center_code: str = Field(foreign_key="center.code", index=True, max_length=32)
    slot: str = Field(max_length=2)  # 2-digit slot of the device in its center (DESIGN §4.6)
    name: str = ""
    enrolled_by: str
    secret_hash: str  # argon2 of the device secret (the secret itself is shown once)
    epoch: int = 1
    enrolled_at: str
    last_seen_at: str | None = None
    revoked_at: str | None = None
    revoked_by: str | None = None


class EnrolmentToken(ServerModel, table=True):
    __tablename__ = "enrolment_token"

    token_hash: str = Field(primary_key=True, max_length=64)  # sha256 hex of the token
    center_code: str = Field(foreign_key="center.code", index=True, max_length=32)
    created_by: str
    created_at: str
    expires_at: str
    used_at: str | None = None
    device_id: str | None = None


class Ticket(ServerModel, table=True):
    __table_args__ = (
        UniqueConstraint("center_code", "service_day", "number"),
        # covering index of the queue heads: equality on state, then issue order (see crud.queue._heads)
        Index(
            "ix_ticket_queue_head",
            "center_code",
            "service_day",
            "state",
            "pos",
            "priority",
            "service",
            "target_counter",
        ),
        Index("ix_ticket_counter", "center_code", "counter_code", "state"),
    )

    id: str = Field(primary_key=True, max_length=36)  # UUIDv7
    center_code: str = Field(foreign_key="center.code", max_length=32)
    service: str = Field(max_length=1)
    number: str = Field(max_length=16)
    seq: int
    service_day: str = Field(max_length=10)
    pos: int  # issue order in the center (monotonic, from queue_state)
    priority: str | None = None
    state: str = Field(default="waiting", max_length=16)
    counter_code: str | None = None
    target_counter: str | None = None
    officer: str | None = None
    issued_by: str | None = None
    device_id: str | None = None
    origin: str = "server"
    issued_at: str
    called_at: str | None = None
    serving_at: str | None = None
    finished_at: str | None = None
    call_pos: int | None = None  # order of the (last) call in the center
    recalls: int = 0
    transfers: int = 0
    version: int = 1


class QueueState(ServerModel, table=True):
    """One row per center: the lock row of its queue, issue and call counters, the streak."""

    __tablename__ = "queue_state"

    center_code: str = Field(primary_key=True, foreign_key="center.code", max_length=32)
    last_pos: int = 0
    last_call: int = 0
    priority_streak: int = 0


class DailySequence(ServerModel, table=True):
    __tablename__ = "daily_sequence"

    center_code: str = Field(primary_key=True, max_length=32)
    service_day: str = Field(primary_key=True, max_length=10)
    service: str = Field(primary_key=True, max_length=1)
    value: int = 0


class IdempotentRequest(ServerModel, table=True):
    """The answer given to a request with an Idempotency-Key, replayed on a retry."""

    __tablename__ = "idempotent_request"

    center_code: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=128)
    username: str
    endpoint: str
    status_code: int
    body: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: str


class ProcedureRow(ServerModel, table=True):
    """A procedure of the catalog as imported (JSON kept whole; clients interpret it)."""

    __tablename__ = "procedure"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, max_length=64)
    version: int = 1
    name: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(default="", max_length=64)
    imported_at: str
    imported_by: str = ""


class AuditEvent(ServerModel, table=True):
    """Append-only audit trail (who, what, when, from where)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_center_at", "center_code", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: str
    center_code: str | None = Field(default=None, max_length=32)
    actor: str = ""
    device_id: str | None = None
    ip: str | None = None
    action: str
    entity: str = ""
    entity_id: str = ""
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
