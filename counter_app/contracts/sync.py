"""Wire schemas of the sync protocol (docs/DESIGN.md §4), shared by the client and the server.

Versioning: every request says its `protocol`; every op its `schema_version`. The server accepts
the current and the previous protocol (converting old ops, see `upgrade_op`), and refuses older
ones with 426 and a clear "please update" message, so an upgrade never strands an offline backlog.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL = 2
MIN_PROTOCOL = 1  # the previous version, still accepted and converted
SCHEMA_VERSION = 1
MAX_BATCH = 500

OpStatus = Literal["applied", "duplicate", "conflict", "rejected"]


class Op(BaseModel):
    model_config = ConfigDict(extra="forbid")

    op_id: str = Field(min_length=8, max_length=64)
    device_seq: int = Field(ge=1, le=2**31 - 1)
    epoch: int = Field(default=1, ge=1, le=2**31 - 1)
    hlc: str = Field(max_length=80)
    schema_version: int = Field(default=SCHEMA_VERSION, ge=1, le=1000)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=128)
    op: str = Field(max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict)
    base_version: int | None = Field(default=None, ge=0, le=2**31 - 1)
    created_at: str = Field(max_length=40)


class OpResult(BaseModel):
    op_id: str
    device_seq: int
    status: OpStatus
    reason: str | None = None


class PushResponse(BaseModel):
    results: list[OpResult]
    last_seq: int  # highest device_seq the server holds for this device and epoch
    server_time_ms: int


class SyncError(BaseModel):
    """Body of a 409 / 410 / 426 answer."""

    code: Literal[
        "seq_gap", "device_regressed", "stale_epoch", "cursor_expired", "protocol_too_old"
    ]
    detail: str
    expected_seq: int | None = None
    last_seq: int | None = None
    epoch: int | None = None


class Change(BaseModel):
    cursor: int
    entity: str
    entity_id: str
    version: int = 1
    data: dict[str, Any]


class PullResponse(BaseModel):
    changes: list[Change]
    next_cursor: int
    more: bool
    snapshot: bool = False  # True when the cursor was too old and this is a full snapshot
    server_time_ms: int


class BlobStatus(BaseModel):
    sha256: str
    size: int | None
    offset: int
    complete: bool


def upgrade_op(op: dict[str, Any], protocol: int) -> dict[str, Any]:
    """Convert an op sent with an older protocol to the current shape.

    Protocol 1 clients sent `kind` instead of `op` and no `epoch` (always 1).
    """
    if protocol >= PROTOCOL:
        return op
    out = dict(op)
    if "kind" in out and "op" not in out:
        out["op"] = out.pop("kind")
    out.setdefault("epoch", 1)
    out.setdefault("schema_version", 1)
    return out
