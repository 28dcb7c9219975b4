from __future__ import annotations

import asyncio
import json
import threading
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.responses import StreamingResponse

from counter_app.contracts.tickets import (
    ActOnTicket,
    Board,
    CallNext,
    CallNumber,
    IssueTicket,
    QueueStatus,
    RecallTicket,
    Ticket,
    TransferTicket,
)
from counter_app.server.crud import queue
from counter_app.server.crud.common import ApiError
from counter_app.server.deps import AnyUser, Ctx, OfficerUser, SupervisorUser

router = APIRouter(prefix="/queue", tags=["queue"])

CounterCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,16}$")]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]

# A second call for the same counter while one is in flight gets 409 (the caller retries).
_inflight: set[tuple[str, str]] = set()
_inflight_lock = threading.Lock()


class _CounterSlot:
    def __init__(self, center: str, counter: str) -> None:
        self.key = (center, counter)

    def __enter__(self) -> None:
        with _inflight_lock:
            if self.key in _inflight:
                raise ApiError(
                    409,
                    "counter_busy",
                    "quầy đang gọi số / a call for this counter is in progress, retry",
                )
            _inflight.add(self.key)

    def __exit__(self, *exc: object) -> None:
        with _inflight_lock:
            _inflight.discard(self.key)


@router.post("/tickets", response_model=Ticket, status_code=201)
def issue_ticket(body: IssueTicket, p: OfficerUser, c: Ctx) -> dict:
    """Issue a ticket (kiosk, CLI, TUI): `A001…` per service group, center and service day."""
    return queue.issue(c.db, p, body.service, body.priority, c.broker.publish)


@router.get("/tickets/{ticket_id}", response_model=Ticket)
def get_ticket(
    ticket_id: Annotated[str, Path(max_length=64)],
    p: AnyUser,
    c: Ctx,
) -> dict:
    return queue.get_ticket(c.db, p, ticket_id)


@router.post("/tickets/{ticket_id}/cancel", response_model=Ticket)
def cancel_ticket(
    ticket_id: Annotated[str, Path(max_length=64)],
    p: SupervisorUser,
    c: Ctx,
) -> dict:
    return queue.cancel(c.db, p, ticket_id, c.broker.publish)


@router.post(
    "/counters/{code}/call-next",
    response_model=Ticket,
    responses={
        204: {"description": "nobody waits"},
        409: {"description": "a concurrent call for this counter; retry"},
    },
)
def call_next(
    code: CounterCode,
    response: Response,
    *,
    body: CallNext | None = None,
    idempotency_key: IdemKey = None,
    p: OfficerUser,
    c: Ctx,
):
    """Call the next ticket for this counter's services (priority first within the fairness bound).
    Closes the counter's current ticket (serving → done, called → no-show). With a body
    `{"current": id | null}` it first checks that ticket is the one open at the counter (409
    `not_current` otherwise). With an `Idempotency-Key`, a retried request returns the same answer."""
    expect = body is not None and "current" in body.model_fields_set
    with _CounterSlot(p.center, code):
        status, body_out = queue.call_next(
            c.db,
            p,
            code,
            idempotency_key,
            c.broker.publish,
            expect_current=expect,
            current=body.current if body is not None else None,
        )
    if status == 204:
        return Response(status_code=204)
    return body_out


@router.post("/counters/{code}/call", response_model=Ticket)
def call_number(
    code: CounterCode,
    body: CallNumber,
    *,
    idempotency_key: IdemKey = None,
    p: OfficerUser,
    c: Ctx,
) -> dict:
    """Call a specific waiting number at this counter."""
    with _CounterSlot(p.center, code):
        return queue.call_number(c.db, p, code, body.number, idempotency_key, c.broker.publish)


@router.post("/counters/{code}/recall", response_model=Ticket)
def recall(
    code: CounterCode,
    *,
    body: RecallTicket | None = None,
    p: OfficerUser,
    c: Ctx,
) -> dict:
    """Announce the current ticket (or the one named by `ticket`) again; with `number`, call
    back a no-show within the grace period."""
    return queue.recall(
        c.db,
        p,
        code,
        body.number if body else None,
        c.broker.publish,
        ticket=body.ticket if body else None,
    )


@router.post("/counters/{code}/start", response_model=Ticket)
def start(code: CounterCode, p: OfficerUser, c: Ctx, body: ActOnTicket | None = None) -> dict:
    """The citizen arrived at the counter: called → serving."""
    return queue.start(c.db, p, code, c.broker.publish, ticket=body.ticket if body else None)


@router.post("/counters/{code}/no-show", response_model=Ticket)
def no_show(code: CounterCode, p: OfficerUser, c: Ctx, body: ActOnTicket | None = None) -> dict:
    return queue.no_show(c.db, p, code, c.broker.publish, ticket=body.ticket if body else None)


@router.post("/counters/{code}/finish", response_model=Ticket)
def finish(code: CounterCode, p: OfficerUser, c: Ctx, body: ActOnTicket | None = None) -> dict:
    return queue.finish(c.db, p, code, c.broker.publish, ticket=body.ticket if body else None)


@router.post("/counters/{code}/return", response_model=Ticket)
def return_to_queue(
    code: CounterCode, p: OfficerUser, c: Ctx, body: ActOnTicket | None = None
) -> dict:
    """The ticket waits again at the head of its service group (the officer leaves the counter,
    or cannot serve it now); the next counter that serves the group calls it."""
    return queue.return_to_queue(
        c.db, p, code, c.broker.publish, ticket=body.ticket if body else None
    )


@router.post("/counters/{code}/transfer", response_model=Ticket)
def transfer(
    code: CounterCode,
    body: TransferTicket,
    p: OfficerUser,
    c: Ctx,
) -> dict:
    """Send the counter's current ticket to another service group and/or counter."""
    return queue.transfer(
        c.db, p, code, body.service, body.counter, c.broker.publish, ticket=body.ticket
    )


@router.get("/board", response_model=Board)
def board(p: AnyUser, c: Ctx) -> dict:
    """What the public board shows: the number at each counter, recent calls, waiting counts."""
    return queue.board(c.db, p)


@router.get("/status", response_model=QueueStatus)
def status(p: AnyUser, c: Ctx) -> dict:
    """Live queue for supervisors: counts by state, the waiting list, each counter, average times."""
    return queue.status(c.db, p)


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def events(request: Request, p: AnyUser, c: Ctx):
    """Server-sent events of the caller's center (`issued`, `called`, `recall`, `done`, …), with a
    heartbeat comment every few seconds."""
    sub_id, q = c.broker.subscribe(p.center)
    heartbeat = c.settings.heartbeat_seconds

    async def stream():
        try:
            yield f"event: hello\ndata: {json.dumps({'center': p.center})}\n\n"
            while True:
                if await request.is_disconnected():
                    break
                try:
                    ev = await asyncio.wait_for(q.get(), timeout=heartbeat)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                if ev is None:  # dropped for being too slow
                    break
                yield f"id: {ev['id']}\nevent: {ev['type']}\ndata: {json.dumps(ev, ensure_ascii=False)}\n\n"
        finally:
            c.broker.unsubscribe(sub_id)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
