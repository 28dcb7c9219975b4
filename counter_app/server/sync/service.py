"""Push and pull: apply a device's ops in order, exactly once, in one transaction per batch;
serve the change log of the device's center from a cursor."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from typing import Any

from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from counter_app.contracts import sync_ops
from counter_app.contracts.sync import MIN_PROTOCOL, PROTOCOL, Op, OpResult
from counter_app.contracts.sync_ops import InvalidOp, PushBatch
from counter_app.domain import forwarding, sync_rules
from counter_app.domain.queue import service_day
from counter_app.server.crud.common import DEFAULT_TZ, ApiError, audit, now, now_iso, zone
from counter_app.server.db import Database
from counter_app.server.models import (
    Center,
    Counter,
    Device,
    Officer,
    ProcedureRow,
    QueueState,
    ServiceGroup,
    Ticket,
)
from counter_app.server.sync.models import (
    AppliedOp,
    BlobRef,
    ChangeCounter,
    ChangeLog,
    HeldOp,
    ServerAttachment,
    ServerDossier,
    ServerRating,
    SyncConflict,
    SyncDeviceState,
    index_fields,
)

log = logging.getLogger("counter_app.server.sync")

PULL_LIMIT = 1000
UNANCHORED = -1  # last_seq of a fresh epoch before its first op
OPEN_STATES = ("called", "serving")  # a ticket at a counter


def _ms() -> int:
    return int(time.time() * 1000)


def protocol_error(protocol: int) -> ApiError:
    if protocol < MIN_PROTOCOL:
        return ApiError(
            426,
            "protocol_too_old",
            f"phần mềm quầy quá cũ, hãy cập nhật / client protocol {protocol} is too old "
            f"(server accepts {MIN_PROTOCOL}–{PROTOCOL}): please update counter_app",
        )
    return ApiError(
        426,
        "protocol_too_new",
        f"máy chủ cũ hơn phần mềm quầy / server speaks protocol ≤ {PROTOCOL}, got {protocol}",
    )


def parse_push(body: Any) -> PushBatch:
    """The batch op by op (`contracts.sync_ops`): 422 when its shape cannot be read, 426 for a
    protocol this server does not speak; a malformed op inside becomes an InvalidOp."""
    try:
        return sync_ops.parse_push(body)
    except sync_ops.ProtocolError as exc:
        raise protocol_error(exc.protocol) from None
    except sync_ops.BatchError as exc:
        raise ApiError(422, "invalid_request", f"lô đồng bộ không hợp lệ / invalid push: {exc}") from None


# --- change log ----------------------------------------------------------------------------------


def next_cursor(session: Session) -> int:
    """UPDATE … RETURNING on the one counter row: the row lock is held until commit."""
    value = session.execute(
        update(ChangeCounter)
        .where(ChangeCounter.id == 1)
        .values(value=ChangeCounter.value + 1)
        .returning(ChangeCounter.value)
    ).scalar_one()
    return int(value)


def log_change(
    session: Session,
    *,
    center: str,
    entity: str,
    entity_id: str,
    data: dict[str, Any],
    version: int = 1,
    origin_device: str | None = None,
) -> int:
    cursor = next_cursor(session)
    session.add(
        ChangeLog(
            cursor=cursor,
            center_code=center,
            entity=entity,
            entity_id=entity_id,
            version=version,
            origin_device=origin_device,
            data=data,
            at=now_iso(),
        )
    )
    return cursor


class _Batch:
    """What one push writes besides the entities themselves, inserted in bulk at the end of the
    transaction (no ORM unit of work per row). Change-log cursors come from one block reserved
    with UPDATE … RETURNING: the counter row stays locked until commit, so cursors still become
    visible in order (unused ones are gaps, which the pull does not care about)."""

    def __init__(self, session: Session, n_ops: int) -> None:
        self.session = session
        self.n_ops = n_ops
        self._next = 0
        self._hi = -1
        self.changes: list[dict[str, Any]] = []
        self.applied: list[dict[str, Any]] = []
        self.audits: list[dict[str, Any]] = []
        self.conflicts: list[dict[str, Any]] = []
        # entities of this batch, loaded once up front and kept as they are created, so the
        # per-op lookups need no query (and no autoflush): (model name, id) → row or None
        self.rows: dict[tuple[str, str], Any] = {}
        self.codes: dict[str, str] = {}  # dossier code → id (this center)
        self.numbers: dict[tuple[str, str], str] = {}  # (service day, ticket number) → id
        self.queue_state: Any = None
        self.checked_codes: set[str] = set()  # looked up in prefetch: absent = unused
        self.checked_numbers: set[str] = set()
        self.center = ""  # the pushing device's center (set by prefetch)
        self._open: dict[str, dict[str, tuple[str, str]]] = {}  # see open_at
        self.scanned: dict[str, set[int]] = {}  # dossier id → component indexes with a scan
        self._zones: dict[str, Any] = {}

    def prefetch(self, ops: list[Op], center: str) -> None:
        """Load every row the batch names, by id in any center (so that `get` can tell a
        record of another center from a new one), and this center's codes and numbers."""
        self.center = center
        dossier_ids, ticket_ids, attachment_ids = set(), set(), set()
        codes, numbers = set(), set()
        for op in ops:
            row = op.payload[op.entity]  # validated by contracts.sync_ops
            if op.entity == "dossier":
                dossier_ids.add(row["id"])
                codes.add(row["code"])
            elif op.entity == "ticket":
                ticket_ids.add(row["id"])
                numbers.add(row["number"])
            elif op.entity == "attachment":
                attachment_ids.add(row["id"])
                dossier_ids.add(row["dossier_id"])
        s = self.session
        for model, ids in (
            (ServerDossier, dossier_ids),
            (Ticket, ticket_ids),
            (ServerAttachment, attachment_ids),
        ):
            ids_list = sorted(ids)
            for i in range(0, len(ids_list), 500):
                for r in s.exec(select(model).where(col(model.id).in_(ids_list[i : i + 500]))):
                    self.rows[(model.__name__, r.id)] = r
            for x in ids_list:
                self.rows.setdefault((model.__name__, x), None)
        dossier_list = sorted(dossier_ids)
        for i in range(0, len(dossier_list), 500):
            for d_id, index in s.exec(
                select(ServerAttachment.dossier_id, ServerAttachment.component_index).where(
                    col(ServerAttachment.dossier_id).in_(dossier_list[i : i + 500])
                )
            ):
                self.scanned.setdefault(d_id, set()).add(int(index))
        codes_list = sorted(codes)
        self.checked_codes = set(codes_list)
        for i in range(0, len(codes_list), 500):
            for d_id, code in s.exec(
                select(ServerDossier.id, ServerDossier.code).where(
                    ServerDossier.center_code == center,
                    col(ServerDossier.code).in_(codes_list[i : i + 500]),
                )
            ):
                self.codes.setdefault(code, d_id)
        numbers_list = sorted(numbers)
        self.checked_numbers = set(numbers_list)
        for i in range(0, len(numbers_list), 500):
            for t_id, day, number in s.exec(
                select(Ticket.id, Ticket.service_day, Ticket.number).where(
                    Ticket.center_code == center,
                    col(Ticket.number).in_(numbers_list[i : i + 500]),
                )
            ):
                self.numbers[(day, number)] = t_id

    def get(self, model: Any, ident: str) -> Any:
        """The row of this batch's center with that id, None if there is none anywhere;
        ForeignRecord if the id belongs to another center's row."""
        key = (model.__name__, ident)
        if key in self.rows:
            row = self.rows[key]
        else:
            row = self.session.get(model, ident)
            self.rows[key] = row
        if row is not None and row.center_code != self.center:
            raise ForeignRecord(model.__tablename__.removeprefix("sync_"), ident)
        return row

    def index(self, dossier: ServerDossier) -> None:
        """Fill the dossier's indexed and summed columns (sync.models.index_fields) in its
        center's time zone, with the scans this batch knows of (prefetched, plus its own)."""
        center = dossier.center_code
        if center not in self._zones:
            c = self.session.get(Center, center)
            self._zones[center] = zone(c.timezone if c is not None else None)
        index_fields(dossier, tz=self._zones[center], scanned=self.scanned.get(dossier.id, set()))

    def open_at(self, counter: str) -> dict[str, tuple[str, str]]:
        """Tickets open (called / serving) at `counter`: id → (number, state). Read once per
        counter and batch — the database as committed, overlaid with this batch's rows — then
        kept up to date by `ticket_moved` (no flush of the batch for every op)."""
        found = self._open.get(counter)
        if found is None:
            with self.session.no_autoflush:
                rows = self.session.exec(
                    select(Ticket.id, Ticket.number, Ticket.state).where(
                        Ticket.center_code == self.center,
                        Ticket.counter_code == counter,
                        col(Ticket.state).in_(OPEN_STATES),
                    )
                ).all()
            found = {i: (n, st) for i, n, st in rows}
            for (model, ident), row in self.rows.items():
                if model == "Ticket" and row is not None:
                    found.pop(ident, None)
                    if row.counter_code == counter and row.state in OPEN_STATES:
                        found[ident] = (row.number, row.state)
            self._open[counter] = found
        return found

    def ticket_moved(self, ticket: Any, old_counter: str | None) -> None:
        for counter in {old_counter, ticket.counter_code}:
            if counter in self._open:
                self._open[counter].pop(ticket.id, None)
        if ticket.counter_code in self._open and ticket.state in OPEN_STATES:
            self._open[ticket.counter_code][ticket.id] = (ticket.number, ticket.state)

    def cursor(self) -> int:
        if self._next > self._hi:
            hi = int(
                self.session.execute(
                    update(ChangeCounter)
                    .where(ChangeCounter.id == 1)
                    .values(value=ChangeCounter.value + self.n_ops)
                    .returning(ChangeCounter.value)
                ).scalar_one()
            )
            self._next, self._hi = hi - self.n_ops + 1, hi
        value = self._next
        self._next += 1
        return value

    def change(
        self,
        *,
        center: str,
        entity: str,
        entity_id: str,
        data: dict[str, Any],
        version: int = 1,
        origin_device: str | None = None,
    ) -> None:
        self.changes.append(
            {
                "cursor": self.cursor(),
                "center_code": center,
                "entity": entity,
                "entity_id": entity_id,
                "version": version,
                "origin_device": origin_device,
                "data": data,
                "at": now_iso(),
            }
        )

    def flush(self) -> None:
        from sqlalchemy import insert

        from counter_app.server.models import AuditEvent

        for model, rows in (
            (ChangeLog, self.changes),
            (AppliedOp, self.applied),
            (SyncConflict, self.conflicts),
            (AuditEvent, self.audits),
        ):
            if rows:
                self.session.execute(insert(model), rows)


# --- push ----------------------------------------------------------------------------------------


class SeqError(Exception):
    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = extra


def _lock_state(db: Database, s: Session, device: Device) -> SyncDeviceState:
    stmt = select(SyncDeviceState).where(SyncDeviceState.device_id == device.id)
    if not db.is_sqlite:
        stmt = stmt.with_for_update()
    state = s.exec(stmt).first()
    if state is None:
        s.add(
            SyncDeviceState(
                device_id=device.id,
                center_code=device.center_code,
                epoch=device.epoch,
                updated_at=now_iso(),
            )
        )
        s.flush()
        state = s.exec(stmt).one()
    if device.epoch > state.epoch:
        # The device re-enrolled (a restored backup): a new epoch. Its first op anchors the
        # numbering, since the device may already have pruned the oldest acknowledged ops.
        state.epoch = device.epoch
        state.last_seq = UNANCHORED
    return state


def _held_op_id(op: Any) -> str:
    """The op's id, or (for a malformed op without one) a digest of its content."""
    if isinstance(op, dict) and isinstance(op.get("op_id"), str) and op["op_id"]:
        return op["op_id"][:64]
    raw = json.dumps(op, sort_keys=True, default=str).encode()
    return "?" + hashlib.sha256(raw).hexdigest()[:32]


def hold(db: Database, device: Device, body: dict[str, Any]) -> int:
    """A revoked device's pushes are kept for review, never applied — each op once, however
    often the device retries. The number of ops newly held."""
    ops = body.get("ops", []) if isinstance(body, dict) else []
    ops = ops[:1000] if isinstance(ops, list) else []
    rows: dict[str, Any] = {}
    for o in ops:
        rows.setdefault(_held_op_id(o), o)
    at = now_iso()
    try:
        return _hold_new(db, device, rows, len(ops), at)
    except IntegrityError:  # the same ops held by a concurrent retry (PostgreSQL): now known
        return _hold_new(db, device, rows, len(ops), at)


def _hold_new(db: Database, device: Device, rows: dict[str, Any], total: int, at: str) -> int:
    with db.write() as s:
        known = set()
        if rows:
            known = set(
                s.exec(
                    select(HeldOp.op_id).where(
                        HeldOp.device_id == device.id, HeldOp.op_id.in_(list(rows))
                    )
                ).all()
            )
        fresh = {k: o for k, o in rows.items() if k not in known}
        for op_id, o in fresh.items():
            s.add(
                HeldOp(
                    device_id=device.id,
                    op_id=op_id,
                    data=o if isinstance(o, dict) else {"value": o},
                    received_at=at,
                )
            )
        audit(
            s,
            action="sync.held",
            center=device.center_code,
            device_id=device.id,
            entity="device",
            entity_id=device.id,
            data={"ops": total, "new": len(fresh)},
        )
    return len(fresh)


def push(
    db: Database, device: Device, req: PushBatch, *, start_seq: int | None = None
) -> dict[str, Any]:
    """Apply the batch in order. Known op_ids return their stored result (idempotent)."""
    if req.device_id != device.id:
        raise ApiError(403, "wrong_device", "device id does not match the credentials")
    results: list[OpResult] = []
    error: SeqError | None = None
    with db.write() as s:
        state = _lock_state(db, s, device)
        if req.epoch < state.epoch:
            raise SeqError(
                "stale_epoch",
                f"thiết bị đã đăng ký lại (kỳ {state.epoch}) / device re-enrolled: epoch {state.epoch} "
                f"is current, the batch says {req.epoch}",
                epoch=state.epoch,
                last_seq=state.last_seq,
            )
        if req.epoch > state.epoch:
            raise SeqError(
                "stale_epoch",
                "epoch not issued by the server",
                epoch=state.epoch,
                last_seq=state.last_seq,
            )
        known = _known(s, device.id, [o.op_id for o in req.ops])
        batch = _Batch(s, len(req.ops))
        with s.no_autoflush:
            batch.prefetch([o for o in req.ops if isinstance(o, Op)], device.center_code)
        in_batch: set[str] = set()
        for op in req.ops:
            if state.last_seq == UNANCHORED:
                state.last_seq = op.device_seq - 1
            if op.op_id in in_batch:  # the same op twice in one batch: once is enough
                results.append(
                    OpResult(op_id=op.op_id, device_seq=op.device_seq, status="duplicate")
                )
                continue
            prior = known.get(op.op_id)
            if prior is not None:
                if op.device_seq == state.last_seq + 1 and prior.epoch != state.epoch:
                    state.last_seq += 1  # re-pushed after a new epoch: the numbering moves on
                results.append(
                    OpResult(
                        op_id=op.op_id,
                        device_seq=op.device_seq,
                        status="duplicate",
                        reason=prior.reason,
                    )
                )
                continue
            if op.device_seq <= state.last_seq:
                error = SeqError(
                    "device_regressed",
                    f"thiết bị bị khôi phục từ bản sao cũ / device went backwards: seq {op.device_seq} "
                    f"is already used (last {state.last_seq}); re-enrol to start a new epoch",
                    last_seq=state.last_seq,
                    expected_seq=state.last_seq + 1,
                )
                break
            if op.device_seq > state.last_seq + 1:
                error = SeqError(
                    "seq_gap",
                    f"thiếu thao tác / gap: expected seq {state.last_seq + 1}, got {op.device_seq}",
                    expected_seq=state.last_seq + 1,
                    last_seq=state.last_seq,
                )
                break
            if isinstance(op, InvalidOp):
                status, reason = "rejected", op.problem
            else:
                status, reason = _apply(db, s, device, op, batch)
            in_batch.add(op.op_id)
            at = now_iso()
            batch.applied.append(
                {
                    "device_id": device.id,
                    "op_id": op.op_id,
                    "center_code": device.center_code,
                    "epoch": state.epoch,
                    "device_seq": op.device_seq,
                    "entity": op.entity,
                    "entity_id": op.entity_id,
                    "op": op.op,
                    "hlc": op.hlc,
                    "status": status,
                    "reason": reason,
                    "applied_at": at,
                }
            )
            if status in ("conflict", "rejected"):
                # for a supervisor of the device's center: a conflict to settle, or an op that
                # was refused (the counter keeps it quarantined; nothing else waits for it)
                batch.conflicts.append(
                    {
                        "kind": status,
                        "center_code": device.center_code,
                        "entity": op.entity,
                        "entity_id": op.entity_id,
                        "op_id": op.op_id,
                        "device_id": device.id,
                        "reason": reason or "",
                        "data": op.payload if status == "conflict" else _quarantined(op),
                        "created_at": at,
                        "resolved_at": None,
                        "resolved_by": None,
                    }
                )
            batch.audits.append(
                {
                    "at": op.created_at or at,
                    "center_code": device.center_code,
                    "actor": str(op.payload.get("actor", ""))[:64],
                    "device_id": device.id,
                    "ip": None,
                    "action": f"sync.{op.entity}.{op.op}",
                    "entity": op.entity,
                    "entity_id": op.entity_id,
                    "data": {"op_id": op.op_id, "status": status, "hlc": op.hlc},
                }
            )
            state.last_seq = op.device_seq
            results.append(
                OpResult(op_id=op.op_id, device_seq=op.device_seq, status=status, reason=reason)
            )
        s.flush()
        batch.flush()
        state.updated_at = now_iso()
        s.add(state)
        device_row = s.get(Device, device.id)
        if device_row is not None:
            device_row.last_seen_at = now_iso()
            s.add(device_row)
        last_seq = state.last_seq
    if error is not None:
        raise error
    return {
        "results": [r.model_dump() for r in results],
        "last_seq": last_seq,
        "server_time_ms": _ms(),
    }


def _known(s: Session, device_id: str, op_ids: list[str]) -> dict[str, AppliedOp]:
    if not op_ids:
        return {}
    rows = s.exec(
        select(AppliedOp).where(AppliedOp.device_id == device_id, col(AppliedOp.op_id).in_(op_ids))
    ).all()
    return {r.op_id: r for r in rows}


def _apply(
    db: Database, s: Session, device: Device, op: Op, batch: _Batch
) -> tuple[str, str | None]:
    """Apply one op; returns (status, reason). Malformed or unauthorised → rejected: an op on a
    record of another center is never applied (the id is looked up, then its center checked)."""
    try:
        if op.entity == "dossier" and op.op == "handed_back":
            routed = _routed_here(s, batch, str(op.payload["dossier"]["id"]), device)
            if routed is not None:
                return _apply_routed_handback(s, device, op, batch, routed)
        if (why := _own_center(device, op.payload[op.entity])) is not None:
            return "rejected", why
        if op.entity == "dossier":
            return _apply_dossier(s, device, op, batch)
        if op.entity == "ticket":
            return _apply_ticket(db, s, device, op, batch)
        if op.entity == "attachment":
            return _apply_attachment(s, device, op, batch)
        if op.entity == "rating":
            return _apply_rating(s, device, op, batch)
    except ForeignRecord as exc:
        log.warning(
            "sync: device %s pushed %s %s on a record of another center (rejected)",
            device.id,
            op.entity,
            op.op,
        )
        return "rejected", str(exc)
    except (KeyError, TypeError, ValueError) as exc:
        return "rejected", f"malformed payload: {type(exc).__name__}"
    return "rejected", f"unknown entity '{op.entity}'"


class ForeignRecord(Exception):
    """The op names a record that exists in another center."""

    def __init__(self, what: str, ident: str) -> None:
        super().__init__(
            f"unauthorised: {what} {ident[:64]} is not a record of this center "
            "/ không phải hồ sơ của trung tâm này"
        )


def _own_center(device: Device, row: dict[str, Any]) -> str | None:
    center = row.get("center_code")
    if center is not None and center != device.center_code:
        return "unauthorised: the row names another center / bản ghi của trung tâm khác"
    return None


def _quarantined(op: Op | InvalidOp) -> dict[str, Any]:
    """What a supervisor sees of a refused op: its kind and a bounded copy of what it carried."""
    raw = json.dumps(op.payload, ensure_ascii=False, default=str)
    return op.payload if len(raw) <= 64_000 else {"truncated": raw[:2000]}


def _new_dossier(device: Device, row: dict[str, Any], *, conflict: bool) -> ServerDossier:
    """The server's copy of a dossier first seen in a counter's op (the whole row, as recorded)."""
    return ServerDossier(
        id=row["id"],
        center_code=device.center_code,
        code=row["code"],
        status=row["status"],
        version=int(row.get("version", 1)),
        device_id=device.id,
        data=row,
        conflict=conflict,
        updated_at=now_iso(),
    )


def _apply_dossier(s: Session, device: Device, op: Op, batch: _Batch) -> tuple[str, str | None]:
    row = op.payload["dossier"]  # validated (contracts.sync_ops.DossierRow), of this center
    current = batch.get(ServerDossier, row["id"])
    status, reason = "applied", None
    if op.op in ("receive", "supplement", "refuse"):
        if current is not None:
            return "conflict", "dossier already exists on the server with another operation"
        if row["code"] not in batch.codes and row["code"] not in batch.checked_codes:
            clash_id = s.exec(
                select(ServerDossier.id).where(
                    ServerDossier.center_code == device.center_code,
                    ServerDossier.code == row["code"],
                )
            ).first()
            if clash_id is not None:
                batch.codes[row["code"]] = clash_id
        conflict = batch.codes.get(row["code"], row["id"]) != row["id"]
        if conflict:
            status, reason = (
                "conflict",
                f"dossier code {row['code']} already used by another dossier",
            )
        current = _new_dossier(device, row, conflict=conflict)
    else:
        decision = sync_rules.dossier_transition(
            current.status if current else None, op.payload.get("from"), row["status"]
        )
        if current is None:
            current = _new_dossier(device, row, conflict=True)
            status, reason = "conflict", decision.reason
        elif not decision.apply:
            return ("conflict" if decision.conflict else "applied"), decision.reason or None
        else:
            if sync_rules.stale_base(current.version, op.base_version):
                status, reason = (
                    "conflict",
                    (
                        f"changed on a stale version {op.base_version} (server {current.version}); applied as a fact"
                    ),
                )
            current.status = row["status"]
            current.version = max(current.version + 1, int(row.get("version", 1)))
            current.data = {**row, "version": current.version}
            current.updated_at = now_iso()
    previous = current.routed_to
    current.routed_to = forwarding.routed_to(
        list(current.data.get("handovers") or []), current.center_code
    )
    batch.index(current)
    s.add(current)
    batch.rows[("ServerDossier", current.id)] = current
    batch.codes.setdefault(current.code, current.id)
    # the owner's devices, and the center the dossier is (or was until now) routed to
    for center in dict.fromkeys([device.center_code, current.routed_to, previous]):
        if center is None:
            continue
        batch.change(
            center=center,
            entity="dossier",
            entity_id=current.id,
            data=current.data,
            version=current.version,
            origin_device=device.id,
        )
    return status, reason


def _routed_here(s: Session, batch: _Batch, dossier_id: str, device: Device) -> ServerDossier | None:
    """Another center's dossier whose open step is addressed to the device's center."""
    key = ("ServerDossier", dossier_id)
    row = batch.rows.get(key) if key in batch.rows else s.get(ServerDossier, dossier_id)
    if row is None or row.center_code == device.center_code:
        return None
    return row if row.routed_to == device.center_code else None


def _apply_routed_handback(
    s: Session, device: Device, op: Op, batch: _Batch, current: ServerDossier
) -> tuple[str, str | None]:
    """The center a dossier was routed to hands back its result: only the closing fields of the
    step addressed to it are taken (domain.forwarding.remote_close), the owner's row stays the
    owner's; both centers' devices receive the change."""
    from counter_app.domain import dossier as rules
    from counter_app.errors import BadInput, InvalidTransition

    row = op.payload["dossier"]
    data = dict(current.data)
    try:
        closed = forwarding.remote_close(
            list(data.get("handovers") or []), row.get("handovers"), device.center_code
        )
        target = closed["result"]  # done | need_supplement | refused: the dossier's new state
        rules.check_transition(
            current.status, target, supplement_count=int(data.get("supplement_count") or 0)
        )
    except BadInput as exc:
        return "rejected", f"routed hand-back refused: {exc.message}"
    except InvalidTransition as exc:
        return "conflict", f"routed hand-back on a dossier now '{current.status}': {exc.message}"
    steps = list(data["handovers"])
    steps[int(closed["seq"]) - 1] = closed
    data["handovers"] = steps
    data["status"] = target
    if target != rules.Status.DONE.value:
        data["reason"] = closed["result_note"]
    if target == rules.Status.NEED_SUPPLEMENT.value:
        data["supplement_count"] = int(data.get("supplement_count") or 0) + 1
    current.version = max(current.version + 1, int(row.get("version", 1)))
    data["version"] = current.version
    data["updated_at"] = closed["back_at"]
    current.status = target
    current.data = data
    current.routed_to = None
    current.updated_at = now_iso()
    batch.index(current)
    s.add(current)
    batch.rows[("ServerDossier", current.id)] = current
    for center in (current.center_code, device.center_code):
        batch.change(
            center=center,
            entity="dossier",
            entity_id=current.id,
            data=current.data,
            version=current.version,
            origin_device=device.id,
        )
    return "applied", None


def _apply_ticket(
    db: Database, s: Session, device: Device, op: Op, batch: _Batch
) -> tuple[str, str | None]:
    row = op.payload["ticket"]  # validated (contracts.sync_ops.TicketRow), of this center
    ticket = batch.get(Ticket, row["id"])
    decision = sync_rules.merge_ticket_state(ticket.state if ticket else None, row["state"])
    if not decision.apply:
        return ("conflict" if decision.conflict else "rejected"), decision.reason
    if ticket is None:
        key = (row["service_day"], row["number"])
        if key not in batch.numbers and row["number"] not in batch.checked_numbers:
            clash_id = s.exec(
                select(Ticket.id).where(
                    Ticket.center_code == device.center_code,
                    Ticket.service_day == row["service_day"],
                    Ticket.number == row["number"],
                )
            ).first()
            if clash_id is not None:
                batch.numbers[key] = clash_id
        if batch.numbers.get(key, row["id"]) != row["id"]:
            return "conflict", f"ticket number {row['number']} already used on {row['service_day']}"
        qs = batch.queue_state
        if qs is None:
            stmt = select(QueueState).where(QueueState.center_code == device.center_code)
            if not db.is_sqlite:
                stmt = stmt.with_for_update()
            qs = s.exec(stmt).first()
            if qs is None:
                qs = QueueState(center_code=device.center_code)
            batch.queue_state = qs
        qs.last_pos += 1
        s.add(qs)
        ticket = Ticket(
            id=row["id"],
            center_code=device.center_code,
            service=row["service"],
            number=row["number"],
            seq=int(row.get("seq", 0)),
            service_day=row["service_day"],
            pos=qs.last_pos,
            priority=row.get("priority"),
            state=row["state"],
            issued_at=row["issued_at"],
            origin="device",
            device_id=device.id,
        )
    old_counter = ticket.counter_code
    for key in (
        "state",
        "counter_code",
        "officer",
        "called_at",
        "serving_at",
        "finished_at",
        "priority",
    ):
        if key in row:
            setattr(ticket, key, row[key])
    ticket.recalls = max(ticket.recalls, int(row.get("recalls", 0) or 0))
    ticket.version += 1
    s.add(ticket)
    batch.rows[("Ticket", ticket.id)] = ticket
    batch.ticket_moved(ticket, old_counter)
    batch.numbers.setdefault((ticket.service_day, ticket.number), ticket.id)
    batch.change(
        center=device.center_code,
        entity="ticket",
        entity_id=ticket.id,
        data={k: row.get(k) for k in row},
        version=ticket.version,
        origin_device=device.id,
    )
    if ticket.state in ("called", "serving") and ticket.counter_code:
        # a counter has at most one ticket open: a merge that gives it two is a conflict for
        # the supervisor (the fact is kept; the counter's screen shows both until settled)
        others = [v for k, v in batch.open_at(ticket.counter_code).items() if k != ticket.id]
        if others:
            listed = ", ".join(f"{number} ({state})" for number, state in others)
            return "conflict", (
                f"quầy {ticket.counter_code} có hai số đang mở: {ticket.number} và {listed} / "
                f"counter {ticket.counter_code} has two open tickets: {ticket.number} and {listed}"
            )
    return "applied", None


def _apply_attachment(s: Session, device: Device, op: Op, batch: _Batch) -> tuple[str, str | None]:
    row = op.payload["attachment"]  # validated (contracts.sync_ops.AttachmentRow)
    sha = row["sha256"].lower()
    size = row["size"]
    if batch.get(ServerDossier, row["dossier_id"]) is None:
        return "rejected", "attachment of a dossier the server does not hold"
    if batch.get(ServerAttachment, row["id"]) is None:
        batch.rows[("ServerAttachment", row["id"])] = att = (
            ServerAttachment(
                id=row["id"],
                center_code=device.center_code,
                dossier_id=row["dossier_id"],
                component_index=int(row["component_index"]),
                sha256=sha,
                size=size,
                pages=int(row.get("pages", 0)),
                mime=str(row.get("mime", "application/pdf"))[:64],
                created_at=str(row.get("created_at") or now_iso()),
            )
        )
        s.add(att)
        batch.scanned.setdefault(att.dossier_id, set()).add(att.component_index)
        dossier = batch.get(ServerDossier, att.dossier_id)
        before = dossier.components_scanned
        batch.index(dossier)
        if dossier.components_scanned != before:
            s.add(dossier)
    ref = s.get(BlobRef, (device.center_code, sha))
    if ref is None:
        s.add(BlobRef(center_code=device.center_code, sha256=sha, size=size))
    elif not ref.verified and ref.size != size:
        # a later op of this center corrects the size it declared: its upload starts again
        ref.size, ref.received = size, 0
        s.add(ref)
    batch.change(
        center=device.center_code,
        entity="attachment",
        entity_id=row["id"],
        data={**row, "sha256": sha},
        origin_device=device.id,
    )
    return "applied", None


def _apply_rating(s: Session, device: Device, op: Op, batch: _Batch) -> tuple[str, str | None]:
    """A citizen's rating: kept once per ticket of the center (a second one for the same ticket,
    from another terminal or a replayed offer, is refused with why; the first stays)."""
    row = op.payload["rating"]  # validated (contracts.sync_ops.RatingRow), of this center
    if batch.get(ServerRating, row["id"]) is not None:
        return "applied", None  # the same rating again under another op id: nothing new
    clash = s.exec(
        select(ServerRating.id).where(
            ServerRating.center_code == device.center_code,
            ServerRating.ticket_id == row["ticket_id"],
        )
    ).first()
    if clash is not None or ("rating-ticket", row["ticket_id"]) in batch.rows:
        return "rejected", f"ticket {row['ticket_number']} already rated"
    rating = ServerRating(
        id=row["id"],
        center_code=device.center_code,
        ticket_id=row["ticket_id"],
        service_day=row["service_day"],
        officer=row.get("officer") or "",
        counter_code=row.get("counter_code") or "",
        level=row["level"],
        device_id=device.id,
        data={k: v for k, v in row.items() if k != "actor"},
    )
    s.add(rating)
    batch.rows[("ServerRating", rating.id)] = rating
    batch.rows[("rating-ticket", row["ticket_id"])] = rating
    batch.change(
        center=device.center_code,
        entity="rating",
        entity_id=rating.id,
        data=rating.data,
        origin_device=device.id,
    )
    return "applied", None


# --- pull ----------------------------------------------------------------------------------------


def reference_data(s: Session, center: str) -> dict[str, Any]:
    c = s.get(Center, center)
    counters = s.exec(select(Counter).where(Counter.center_code == center)).all()
    groups = s.exec(select(ServiceGroup).where(ServiceGroup.center_code == center)).all()
    officers = s.exec(select(Officer).where(Officer.center_code == center)).all()
    return {
        "center": {"code": c.code, "name": c.name} if c else None,
        "counters": [
            {"code": x.code, "name": x.name, "services": x.services, "active": x.active}
            for x in counters
        ],
        "service_groups": [{"code": g.code, "name": g.name} for g in groups],
        # argon2 verifiers for offline sign-in (docs/DESIGN.md §4.10)
        "officers": [
            {
                "username": o.username,
                "full_name": o.full_name,
                "role": o.role,
                "counter_code": o.counter_code,
                "active": o.active,
                "verifier": o.password_hash,
            }
            for o in officers
        ],
    }


def pull(
    db: Database,
    device: Device,
    cursor: int,
    *,
    limit: int = PULL_LIMIT,
    ref: str | None = None,
    proc_after: int = 0,
) -> dict[str, Any]:
    limit = max(1, min(limit, 5000))
    with db.read() as s:
        top = int(s.exec(select(ChangeCounter.value).where(ChangeCounter.id == 1)).one() or 0)
        compacted_before = _compacted_before(s)
        cursor = max(0, min(cursor, top))  # a cursor from the future (server restored): clamp
        if 0 < cursor < compacted_before - 1:
            raise ApiError(
                410,
                "cursor_expired",
                f"cursor {cursor} is older than the compacted change log ({compacted_before}): "
                "pull again from 0 for a full snapshot",
            )
        snapshot = cursor == 0 and compacted_before > 0
        if snapshot:
            changes = _snapshot(s, device.center_code)
            more, next_c = True, compacted_before - 1
        else:
            rows = s.exec(
                select(ChangeLog)
                .where(ChangeLog.center_code == device.center_code, ChangeLog.cursor > cursor)
                .order_by(ChangeLog.cursor)
                .limit(limit + 1)
            ).all()
            more = len(rows) > limit
            rows = rows[:limit]
            changes = [
                {
                    "cursor": r.cursor,
                    "entity": r.entity,
                    "entity_id": r.entity_id,
                    "version": r.version,
                    "data": r.data,
                    "origin_device": r.origin_device,
                }
                for r in rows
            ]
            # Every cursor ≤ top was committed before top was read, so when this page is the
            # last one the client may move to top even if the other centers' rows were skipped.
            next_c = rows[-1].cursor if more else max([top] + [r.cursor for r in rows])
        refdata = reference_data(s, device.center_code)
        ref_hash = hashlib.sha256(json.dumps(refdata, sort_keys=True).encode()).hexdigest()[:16]
        procs = s.exec(
            select(ProcedureRow)
            .where(ProcedureRow.id > proc_after)
            .order_by(ProcedureRow.id)
            .limit(500)
        ).all()
    return {
        "changes": changes,
        "next_cursor": next_c,
        "more": more or len(procs) == 500,
        "snapshot": snapshot,
        "server_time_ms": _ms(),
        "ref": ref_hash,
        "reference": refdata if ref != ref_hash else None,
        "procedures": [
            {"id": p.id, "code": p.code, "version": p.version, "data": p.data} for p in procs
        ],
        "proc_cursor": procs[-1].id if procs else proc_after,
    }


def _snapshot(s: Session, center: str) -> list[dict[str, Any]]:
    """Everything a counter of `center` needs when the change log it missed was compacted: every
    dossier, then every attachment (after its dossier), every rating, then the tickets of today
    and yesterday
    (older tickets are history on the server; a counter only works with the current day)."""

    def change(entity: str, entity_id: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "cursor": 0,
            "entity": entity,
            "entity_id": entity_id,
            "version": version,
            "data": data,
            "origin_device": None,
        }

    out = [
        change("dossier", d.id, d.version, d.data)
        for d in s.exec(
            select(ServerDossier).where(
                (ServerDossier.center_code == center) | (ServerDossier.routed_to == center)
            )
        )
    ]
    out += [
        change("attachment", a.id, 1, a.model_dump(mode="json"))
        for a in s.exec(select(ServerAttachment).where(ServerAttachment.center_code == center))
    ]
    out += [
        change("rating", r.id, 1, r.data)
        for r in s.exec(select(ServerRating).where(ServerRating.center_code == center))
    ]
    c = s.get(Center, center)
    today = service_day(now(c.timezone if c else DEFAULT_TZ), c.timezone if c else DEFAULT_TZ)
    since = (dt.date.fromisoformat(today) - dt.timedelta(days=1)).isoformat()
    for t in s.exec(
        select(Ticket).where(Ticket.center_code == center, Ticket.service_day >= since)
    ):
        data = t.model_dump(mode="json")
        data["origin"] = "local" if t.device_id else "server"
        out.append(change("ticket", t.id, t.version, data))
    return out


def _compacted_before(s: Session) -> int:
    value = s.exec(select(ChangeCounter.value).where(ChangeCounter.id == 2)).first()
    return int(value or 0)


def compact(db: Database, before_cursor: int) -> int:
    """Drop change-log rows older than `before_cursor`; clients behind it get 410 + a snapshot."""
    with db.write() as s:
        n = s.execute(
            text("DELETE FROM sync_change_log WHERE cursor < :c"), {"c": before_cursor}
        ).rowcount
        marker = s.get(ChangeCounter, 2)
        if marker is None:
            marker = ChangeCounter(id=2, value=0)
        marker.value = max(marker.value, before_cursor)
        s.add(marker)
    return int(n or 0)


def snapshot_dossiers(db: Database, device: Device) -> list[dict[str, Any]]:
    with db.read() as s:
        rows = s.exec(
            select(ServerDossier).where(ServerDossier.center_code == device.center_code)
        ).all()
        return [r.data for r in rows]
