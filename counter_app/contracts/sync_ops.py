"""What a pushed op may carry (docs/DESIGN.md §4.3), checked before the server reads a field of it.

A push is parsed op by op: an op whose `device_seq` can be read but whose content is malformed
becomes an `InvalidOp`, answered `rejected` with the reason — its sequence number is used, so
the ops behind it still flow and the counter quarantines just that one (it is never retried).
Only a batch that cannot say its own shape (not an object, no list of ops, an op without a
readable `device_seq`) is refused as a whole (422).

Every value is bounded (`bounds.check_json`, then the typed row models below): the fields the
server copies into its columns are typed (lengths, integer ranges, enums), the rest of a row is
kept as the counter recorded it, within the generic bounds.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from counter_app.contracts.bounds import JsonTooLarge, check_json
from counter_app.contracts.sync import MAX_BATCH, MIN_PROTOCOL, PROTOCOL, Op, upgrade_op
from counter_app.contracts.tickets import TicketState

MAX_BLOB_SIZE = 512 * 1024 * 1024  # one stored component file (a 100-page scan is ~6 MB)
MAX_SEQ = 2**31 - 1  # the sequence and version columns are 32-bit integers on PostgreSQL
MAX_VERSION = 2**31 - 1

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Stamp = Annotated[str, Field(max_length=40)]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")]
DossierStatus = Literal[
    "received",
    "need_supplement",
    "refused",
    "processing",
    "extended",
    "done",
    "returned",
    "withdrawn",
]


class _Row(BaseModel):
    # Fields beyond the typed ones are the counter's own record: kept as sent (within the
    # generic bounds); only the typed ones are handed to pydantic (see `_checked_row`).
    model_config = ConfigDict(extra="ignore", strict=False)


class DossierRow(_Row):
    id: Id
    code: str = Field(min_length=1, max_length=64)
    status: DossierStatus
    version: int = Field(default=1, ge=1, le=MAX_VERSION)
    center_code: Code | None = None
    channel: Literal["counter", "post", "online"] | None = None  # domain.dossier.CHANNELS


class TicketRow(_Row):
    id: Id
    number: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z](-\d{2}-)?\d{1,5}$")
    state: TicketState
    service: str = Field(pattern=r"^[A-Z]$")
    service_day: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    issued_at: Stamp
    seq: int = Field(default=0, ge=0, le=1_000_000)
    priority: str | None = Field(default=None, max_length=32)
    counter_code: Code | None = None
    officer: str | None = Field(default=None, max_length=64)
    called_at: Stamp | None = None
    serving_at: Stamp | None = None
    finished_at: Stamp | None = None
    recalls: int = Field(default=0, ge=0, le=10_000)
    center_code: Code | None = None


class AttachmentRow(_Row):
    id: Id
    dossier_id: Id
    component_index: int = Field(ge=0, le=10_000)
    sha256: Sha256
    size: int = Field(ge=0, le=MAX_BLOB_SIZE)
    pages: int = Field(default=0, ge=0, le=100_000)
    mime: str = Field(default="application/pdf", max_length=64)
    created_at: Stamp | None = None
    center_code: Code | None = None


class RatingRow(_Row):
    id: Id
    ticket_id: Id
    ticket_number: str = Field(min_length=1, max_length=16)
    service: str = Field(default="", max_length=1)
    service_day: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    counter_code: str = Field(default="", max_length=32)
    officer: str = Field(default="", max_length=64)
    level: Literal["very_satisfied", "satisfied", "unsatisfied"]
    reasons: list[Annotated[str, Field(max_length=32)]] = Field(default_factory=list, max_length=16)

    @field_validator("reasons")
    @classmethod
    def _known_reasons(cls, value: list[str]) -> list[str]:
        from counter_app.domain.satisfaction import REASON_CODES

        unknown = [r for r in value if r not in REASON_CODES]
        if unknown:
            raise ValueError(f"unknown rating reason {unknown[0]!r}")
        return value
    dossier_codes: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=50
    )
    procedure_codes: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=50
    )
    rated_at: Stamp
    center_code: Code | None = None


ROW_MODELS: dict[str, type[_Row]] = {
    "dossier": DossierRow,
    "ticket": TicketRow,
    "attachment": AttachmentRow,
    "rating": RatingRow,
}


class InvalidOp(BaseModel):
    """An op the server could place in the device's sequence but not read: rejected, with why."""

    op_id: str
    device_seq: int
    epoch: int = 1
    entity: str = "?"
    entity_id: str = ""
    op: str = "?"
    hlc: str = ""
    created_at: str = ""
    payload: dict[str, Any] = Field(default_factory=dict)
    base_version: int | None = None
    problem: str


class BatchError(ValueError):
    """The batch as a whole cannot be read (answered 422 with this message)."""


def _problem(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors()[:3]:
        loc = ".".join(str(x) for x in e["loc"])
        parts.append(f"{loc}: {e['msg']}")
    return "; ".join(parts)


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _seq_of(raw: dict[str, Any], index: int) -> int:
    seq = raw.get("device_seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= MAX_SEQ:
        raise BatchError(f"ops[{index}].device_seq must be an integer 1…2^31-1")
    return seq


def _op_id_of(raw: dict[str, Any]) -> str:
    op_id = raw.get("op_id")
    if isinstance(op_id, str) and 8 <= len(op_id) <= 64:
        return op_id
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
    return "?" + digest[:32]


def parse_op(raw: Any, index: int, protocol: int) -> Op | InvalidOp:
    """One op of a batch, checked: a valid `Op` (its row replaced by the validated row) or an
    `InvalidOp` saying what is wrong. BatchError when not even its sequence can be read."""
    if not isinstance(raw, dict):
        raise BatchError(f"ops[{index}] must be an object")
    seq = _seq_of(raw, index)

    def invalid(problem: str) -> InvalidOp:
        payload = raw.get("payload")
        return InvalidOp(
            op_id=_op_id_of(raw),
            device_seq=seq,
            entity=_text(raw.get("entity"), 32) or "?",
            entity_id=_text(raw.get("entity_id"), 128),
            op=_text(raw.get("op") or raw.get("kind"), 32) or "?",
            hlc=_text(raw.get("hlc"), 80),
            created_at=_text(raw.get("created_at"), 40),
            payload=payload if isinstance(payload, dict) else {},
            problem=f"malformed op: {problem}"[:500],
        )

    try:
        check_json(raw)
    except JsonTooLarge as exc:
        out = invalid(str(exc))
        out.payload = {}  # not stored: it is what broke the bounds
        return out
    try:
        op = Op.model_validate(upgrade_op(raw, protocol))
    except ValidationError as exc:
        return invalid(_problem(exc))
    model = ROW_MODELS.get(op.entity)
    if model is None:
        return invalid(f"unknown entity '{op.entity}'")
    row = op.payload.get(op.entity)
    if not isinstance(row, dict):
        return invalid(f"payload.{op.entity} must be an object")
    fields = model.model_fields
    try:
        checked = model.model_validate({k: v for k, v in row.items() if k in fields})
    except ValidationError as exc:
        return invalid(f"payload.{op.entity}: {_problem(exc)}")
    if checked.id != op.entity_id:
        return invalid(f"entity_id differs from the {op.entity} id")
    typed = checked.model_dump(mode="json", exclude_unset=True)
    op.payload = {**op.payload, op.entity: {**row, **typed}}
    return op


class PushBatch(BaseModel):
    """A parsed push: the envelope, and each op valid or not."""

    protocol: int
    device_id: str
    epoch: int
    ops: list[Op | InvalidOp]


def parse_push(body: Any) -> PushBatch:
    """The push body, op by op. Raises BatchError (422) or ProtocolError (426)."""
    if not isinstance(body, dict):
        raise BatchError("push body must be a JSON object")
    protocol = body.get("protocol", 0)
    if isinstance(protocol, bool) or not isinstance(protocol, int):
        raise BatchError("protocol must be an integer")
    if protocol < MIN_PROTOCOL or protocol > PROTOCOL:
        raise ProtocolError(protocol)
    device_id = body.get("device_id")
    if not isinstance(device_id, str) or not 1 <= len(device_id) <= 64:
        raise BatchError("device_id must be a text of 1–64 characters")
    epoch = body.get("epoch")
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 1 <= epoch <= MAX_VERSION:
        raise BatchError("epoch must be an integer ≥ 1")
    ops = body.get("ops")
    if not isinstance(ops, list):
        raise BatchError("ops must be a list")
    if len(ops) > MAX_BATCH:
        raise BatchError(f"at most {MAX_BATCH} ops per push")
    return PushBatch(
        protocol=PROTOCOL,
        device_id=device_id,
        epoch=epoch,
        ops=[parse_op(o, i, protocol) for i, o in enumerate(ops)],
    )


class ProtocolError(ValueError):
    def __init__(self, protocol: int) -> None:
        super().__init__(protocol)
        self.protocol = protocol
