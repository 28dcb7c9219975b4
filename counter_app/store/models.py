"""SQLModel tables of the counter's local SQLite store (docs/DESIGN.md §3, §4).

JSON columns hold lists/dicts that are always read and written whole (components, fees, applicant).
Times are stored as ISO-8601 strings with their UTC offset (legal times keep +07:00), so a row read
back says exactly what was printed on the receipt.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Center(SQLModel, table=True):
    code: str = Field(primary_key=True)
    name: str
    agency_id: str = ""
    parent_body: str = ""
    place_name: str = ""
    version: int = 1


class Counter(SQLModel, table=True):
    code: str = Field(primary_key=True)
    center_code: str = Field(foreign_key="center.code", index=True)
    name: str = ""
    services: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int = 1


class Officer(SQLModel, table=True):
    username: str = Field(primary_key=True)
    full_name: str
    role: str = "officer"  # officer | supervisor | admin
    center_code: str = Field(foreign_key="center.code", index=True)
    counter_code: str | None = None
    # argon2 verifier cached after an online sign-in, for offline sign-in (docs/DESIGN.md §4.10)
    password_verifier: str | None = None
    verifier_updated_at: str | None = None
    active: bool = True
    version: int = 1


class Procedure(SQLModel, table=True):
    """One version of a procedure of the catalog. A dossier keeps the version it was received under."""

    __table_args__ = (UniqueConstraint("code", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True)
    version: int = 1
    name: str
    field: str = ""
    level: str = ""
    processing_value: float = 0
    processing_unit: str = "working_days"  # working_days | working_hours | same_day
    cut_off: str | None = None  # HH:MM for same-day procedures, else the center default
    fees: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    components: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # the persons the procedure is about besides the requester (domain/subjects.py)
    subjects: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    legal_basis: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    agency: str = ""  # competent authority (commune People's Committee, land office, …)
    notes: str = ""
    source: str = ""
    confidence: str = ""
    content_hash: str = ""
    valid_from: str | None = None
    valid_to: str | None = None
    current: bool = Field(default=True, index=True)
    search_key: str = ""  # unaccented, lower-case name + field + code, for search


class CalendarDay(SQLModel, table=True):
    """An official day row imported by an admin (holiday, substitute day off, worked Saturday)."""

    day: str = Field(primary_key=True)  # YYYY-MM-DD
    kind: str  # holiday | substitute | off | worked
    name: str = ""
    source: str = ""


class Ticket(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("center_code", "service_day", "number"),
        Index("ix_ticket_queue", "center_code", "service_day", "state"),
    )

    id: str = Field(primary_key=True)  # UUIDv7
    center_code: str
    service: str  # service group letter (A, B, …)
    number: str  # A023 (server) or A-07-023 (issued offline on slot 07)
    seq: int  # the daily number within the service group
    service_day: str  # YYYY-MM-DD, Asia/Ho_Chi_Minh
    priority: str | None = None
    state: str = "waiting"  # waiting → called → serving → done | no_show | cancelled | transferred
    counter_code: str | None = None
    officer: str | None = None
    origin: str = "local"  # local | server
    issued_at: str
    called_at: str | None = None
    serving_at: str | None = None
    finished_at: str | None = None
    recalls: int = 0
    dossier_code: str | None = None
    version: int = 1


class Dossier(SQLModel, table=True):
    __table_args__ = (
        Index("ix_dossier_center_status", "center_code", "status"),
        Index("ix_dossier_received", "received_at"),
    )

    id: str = Field(primary_key=True)  # UUIDv7
    code: str = Field(unique=True)
    lookup_code: str = Field(unique=True)  # code + short random part, printed in the QR
    official_code: str | None = None
    center_code: str
    procedure_code: str
    procedure_version: int
    procedure_name: str
    applicant: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    applicant_id_number: str = Field(index=True)
    applicant_name_key: str = Field(index=True)  # unaccented lower-case, for lookup
    applicant_phone: str | None = Field(default=None, index=True)
    # whom the dossier is about besides the applicant: [{"role", "label", "full_name", …}]
    subjects: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    ticket_number: str | None = None
    officer: str
    counter_code: str | None = None
    device_id: str | None = None
    received_at: str
    appointment_at: str | None = None
    original_appointment_at: str | None = None  # the first due date, kept when extended (form 04)
    sets: int = 1  # number of sets (bộ hồ sơ) handed over
    # the center's book of dossiers (form 07): volume = the year received, entry = "<slot>.<n>"
    # (a yearly counter per device slot, so two counters never give one number offline)
    book_volume: str = ""
    book_entry: str = ""
    due_rule: str = ""
    calendar_version: str = ""
    provisional_due: bool = False
    status: str = "received"
    # how it was filed (domain.dossier.CHANNELS): counter | post | online
    channel: str = Field(default="counter", sa_column_kwargs={"server_default": "counter"})
    competent_agency: str = ""
    fee_vnd: int = 0
    fees: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    components: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    missing: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    note: str = ""
    reason: str = ""  # refusal reason / supplementation guidance
    supplement_count: int = 0
    extension_count: int = 0
    apology_late_reason: str = ""  # form 04 sent later than one working day before the due date
    # {"method": "cash"|"transfer"|"vietqr"|"none", "amount_vnd", "reference", "paid_at", "officer"}
    payment: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # hand-over chain to the deciding bodies (domain.forwarding): one dict per step, form 06
    handovers: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # {"method": "counter"|"post"|"online"|"other_center", "address", "center"} (form 01 item 6)
    result_delivery: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    returned_at: str | None = None
    result_at: str | None = None  # when the result was ready (status "done"): the on-time measure
    returned_to: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    version: int = 1
    created_at: str
    updated_at: str


class Attachment(SQLModel, table=True):
    __table_args__ = (Index("ix_attachment_dossier", "dossier_id", "component_index"),)

    id: str = Field(primary_key=True)
    dossier_id: str = Field(foreign_key="dossier.id")
    component_index: int
    sha256: str = Field(index=True)
    pages: int = 0
    size: int = 0
    mime: str = "application/pdf"
    created_at: str
    upload_state: str = "pending"  # pending | uploading | done
    uploaded_offset: int = 0
    acked_at: str | None = None
    purged_at: str | None = None


class Rating(SQLModel, table=True):
    """A citizen's rating of the service for one finished ticket (one per ticket, issue 18 §3)."""

    __table_args__ = (Index("ix_rating_day", "center_code", "service_day"),)

    id: str = Field(primary_key=True)  # UUIDv7
    center_code: str
    ticket_id: str = Field(unique=True)
    ticket_number: str
    service: str = ""
    service_day: str  # YYYY-MM-DD, the ticket's day
    counter_code: str = ""
    officer: str = ""  # username of the officer who served the ticket
    level: str  # very_satisfied | satisfied | unsatisfied
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    dossier_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    procedure_codes: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    rated_at: str
    version: int = 1


class Event(SQLModel, table=True):
    """Append-only audit trail (triggers forbid UPDATE and DELETE)."""

    id: int | None = Field(default=None, primary_key=True)
    at: str  # wall-clock ISO time (local clock, corrected by the last server offset)
    hlc: str
    device_id: str = ""
    actor: str = ""
    entity: str
    entity_id: str
    action: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Outbox(SQLModel, table=True):
    """One operation to push, written in the same transaction as the change it describes."""

    device_seq: int = Field(primary_key=True)  # gap-free, assigned under BEGIN IMMEDIATE
    op_id: str = Field(unique=True)  # UUIDv7
    epoch: int = 1
    hlc: str
    schema_version: int = 1
    entity: str
    entity_id: str
    op: str
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    base_version: int | None = None
    created_at: str
    sent_at: str | None = None
    acked_at: str | None = Field(default=None, index=True)
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    rejected_reason: str | None = None


class SyncState(SQLModel, table=True):
    """Small key/value rows: device id and slot, HLC, pull cursor, clock offset, last sync."""

    key: str = Field(primary_key=True)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))


class DailySequence(SQLModel, table=True):
    """Gap-free daily counters (dossier codes, offline ticket numbers)."""

    scope: str = Field(primary_key=True)  # e.g. "dossier:261008" or "ticket:2026-10-08:A"
    value: int = 0


class Draft(SQLModel, table=True):
    """The reception wizard's draft, saved on every step so a crash resumes it."""

    id: str = Field(primary_key=True)
    officer: str = Field(index=True)
    counter_code: str | None = None
    step: str = "applicant"
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: str
