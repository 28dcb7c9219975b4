"""Server tables of the sync protocol (same registry as the other server tables)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index
from sqlmodel import Field

from counter_app.domain.reports import summed_fields
from counter_app.server.models import ServerModel


class SyncDeviceState(ServerModel, table=True):
    """Per device: the epoch in force and the highest device_seq applied in it."""

    __tablename__ = "sync_device_state"

    device_id: str = Field(primary_key=True, max_length=64)
    center_code: str = Field(max_length=32, index=True)
    epoch: int = 1
    last_seq: int = 0
    updated_at: str


class AppliedOp(ServerModel, table=True):
    """(device, op_id) → result, written in the same transaction as the change (idempotency)."""

    __tablename__ = "sync_applied_op"
    __table_args__ = (
        Index("ix_applied_device_seq", "device_id", "epoch", "device_seq"),
        Index("ix_applied_entity", "entity_id"),  # a dossier's history (read API)
    )

    device_id: str = Field(primary_key=True, max_length=64)
    op_id: str = Field(primary_key=True, max_length=64)
    center_code: str = Field(max_length=32)
    epoch: int
    device_seq: int
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=128)
    op: str = Field(max_length=32)
    hlc: str = Field(max_length=80)
    status: str = Field(max_length=16)  # applied | conflict | rejected
    reason: str | None = None
    applied_at: str


class SyncConflict(ServerModel, table=True):
    """A fact accepted from a counter that disagreed with the server's state: for a supervisor."""

    __tablename__ = "sync_conflict"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="conflict", max_length=16)  # conflict | rejected
    center_code: str = Field(max_length=32, index=True)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=128)
    op_id: str = Field(max_length=64)
    device_id: str = Field(max_length=64)
    reason: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: str
    resolved_at: str | None = None
    resolved_by: str | None = None


class ServerDossier(ServerModel, table=True):
    """The server's copy of a dossier (the whole row as the counter recorded it)."""

    __tablename__ = "sync_dossier"
    __table_args__ = (
        Index("ix_sync_dossier_center_code", "center_code", "code"),
        Index("ix_sync_dossier_center_id", "center_code", "id"),  # read API pages, newest first
        Index("ix_sync_dossier_center_status_id", "center_code", "status", "id"),
        # the read API's filters (issue 18): columns copied from the row, indexed with the page order
        Index("ix_sync_dossier_day", "center_code", "received_day", "id"),
        Index("ix_sync_dossier_procedure", "center_code", "procedure_code", "id"),
        Index("ix_sync_dossier_officer", "center_code", "officer", "id"),
        Index("ix_sync_dossier_applicant_id", "center_code", "applicant_id"),
        Index("ix_sync_dossier_received_day", "received_day"),  # a province's report, all centers
    )

    id: str = Field(primary_key=True, max_length=64)
    center_code: str = Field(max_length=32)
    code: str = Field(max_length=64)
    status: str = Field(max_length=24)
    version: int = 1
    device_id: str = Field(max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    conflict: bool = False
    # copied from `data` on every write (`index_fields`) so the read API filters on indexes
    received_day: str | None = Field(default=None, max_length=10)
    procedure_code: str | None = Field(default=None, max_length=64)
    officer: str | None = Field(default=None, max_length=64)
    applicant_id: str | None = Field(default=None, max_length=32)
    applicant_key: str | None = Field(default=None, max_length=200)
    # what the report's figures are summed from (domain.reports.summed_fields), so a month of a
    # province is one GROUP BY in the database rather than every row's JSON read in Python
    counter_code: str | None = Field(default=None, max_length=32)
    procedure_name: str | None = Field(default=None, max_length=500)
    channel: str | None = Field(default=None, max_length=16)
    appointment_utc: str | None = Field(default=None, max_length=26)
    timeliness: str | None = Field(default=None, max_length=8)
    supplement_count: int = 0
    components: int = 0
    components_scanned: int = 0
    updated_at: str
    # another center holding the dossier's open step (its competent body is there), else None
    routed_to: str | None = Field(default=None, max_length=32, index=True)


def _text(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if value not in (None, "") else None


def index_fields(row: ServerDossier, *, tz: tzinfo, scanned: set[int]) -> None:
    """Copy the filtered fields of the dossier's row into their indexed columns, and the fields
    its report figures are summed from (`tz`: its center's time zone, the day of entry is the
    local one; `scanned`: the component indexes with a stored scan)."""
    d = row.data if isinstance(row.data, dict) else {}
    summed = summed_fields({**d, "status": row.status}, tz=tz, scanned=scanned)
    row.received_day = summed["received_day"]
    row.counter_code = _text(summed["counter_code"], 32)
    row.procedure_name = _text(summed["procedure_name"], 500)
    row.channel = _text(summed["channel"], 16)
    row.appointment_utc = summed["appointment_utc"]
    row.timeliness = summed["timeliness"]
    row.supplement_count = summed["supplement_count"]
    row.components = summed["components"]
    row.components_scanned = summed["components_scanned"]
    row.procedure_code = _text(d.get("procedure_code"), 64)
    row.officer = _text(d.get("officer"), 64)
    row.applicant_id = _text(d.get("applicant_id_number"), 32)
    row.applicant_key = _text(d.get("applicant_name_key"), 200)


class ServerAttachment(ServerModel, table=True):
    __tablename__ = "sync_attachment"

    id: str = Field(primary_key=True, max_length=64)
    center_code: str = Field(max_length=32, index=True)
    dossier_id: str = Field(max_length=64, index=True)
    component_index: int
    sha256: str = Field(max_length=64, index=True)
    size: int = 0
    pages: int = 0
    mime: str = Field(default="application/pdf", max_length=64)
    created_at: str


class ServerRating(ServerModel, table=True):
    """A citizen's satisfaction rating of one ticket (one per ticket of a center, issue 18 §3)."""

    __tablename__ = "sync_rating"
    __table_args__ = (
        Index("ux_sync_rating_ticket", "center_code", "ticket_id", unique=True),
        Index("ix_sync_rating_day", "center_code", "service_day"),
    )

    id: str = Field(primary_key=True, max_length=64)
    center_code: str = Field(max_length=32)
    ticket_id: str = Field(max_length=64)
    service_day: str = Field(max_length=10)
    officer: str = Field(default="", max_length=64)
    counter_code: str = Field(default="", max_length=32)
    level: str = Field(max_length=16)
    device_id: str = Field(max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ChangeCounter(ServerModel, table=True):
    """One row: the change-log cursor, taken with UPDATE … RETURNING under a row lock held until
    commit, so cursors become visible in order even on PostgreSQL."""

    __tablename__ = "sync_change_counter"

    id: int = Field(primary_key=True)
    value: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))


class ChangeLog(ServerModel, table=True):
    __tablename__ = "sync_change_log"
    __table_args__ = (Index("ix_change_center_cursor", "center_code", "cursor"),)

    cursor: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    center_code: str = Field(max_length=32)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=128)
    version: int = 1
    origin_device: str | None = Field(default=None, max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: str


class Blob(ServerModel, table=True):
    __tablename__ = "sync_blob"

    sha256: str = Field(primary_key=True, max_length=64)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    received: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    complete: bool = False
    created_at: str
    completed_at: str | None = None


class BlobRef(ServerModel, table=True):
    """Which centers referenced a blob: HEAD/PATCH answer only for these (never reveal others)."""

    __tablename__ = "sync_blob_ref"

    center_code: str = Field(primary_key=True, max_length=32)
    sha256: str = Field(primary_key=True, max_length=64)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    # This center's own upload: bytes received, and whether it proved to hold the whole blob
    # (hash verified). Only then may it download the blob: a hash alone is not a capability.
    received: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    verified: bool = False


class HeldOp(ServerModel, table=True):
    """Ops pushed by a revoked device: kept for review, not applied."""

    __tablename__ = "sync_held_op"
    __table_args__ = (Index("ux_sync_held_op_device_op", "device_id", "op_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(max_length=64, index=True)
    op_id: str = Field(max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    received_at: str
