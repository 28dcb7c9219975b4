"""Queue use cases on the server: issue, call next (atomic, idempotent), call a number, recall,
start, no-show, finish, transfer, cancel; the board and the supervisor's status.

Every mutation runs in one transaction that first locks the center's `queue_state` row
(`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the whole write is `BEGIN IMMEDIATE`), so calls of
one center are serialised: two counters never get the same ticket, and the fairness streak and the
call order are exact. The ordering rule itself is `counter_app.domain.queue.choose_next`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, delete, func, or_, union_all
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from counter_app.domain import queue as rules
from counter_app.domain.ids import uuid7_str
from counter_app.server.crud.common import ApiError, Principal, audit, iso, now, parse_iso
from counter_app.server.db import Database
from counter_app.server.models import (
    Center,
    Counter,
    DailySequence,
    IdempotentRequest,
    QueueState,
    ServiceGroup,
    Ticket,
)

Publish = Callable[[dict[str, Any]], None]


def ticket_json(t: Ticket, position: int | None = None) -> dict[str, Any]:
    times = (
        rules.timings(
            parse_iso(t.issued_at),
            parse_iso(t.called_at),
            parse_iso(t.serving_at),
            parse_iso(t.finished_at),
        )
        if t.issued_at
        else {"wait_seconds": None, "service_seconds": None}
    )
    return {
        "id": t.id,
        "number": t.number,
        "service": t.service,
        "state": t.state,
        "counter": t.counter_code,
        "priority": t.priority,
        "service_day": t.service_day,
        "target_counter": t.target_counter,
        "officer": t.officer,
        "issued_at": t.issued_at,
        "called_at": t.called_at,
        "serving_at": t.serving_at,
        "finished_at": t.finished_at,
        "issue_order": t.pos,
        "call_order": t.call_pos,
        "recalls": t.recalls,
        "transfers": t.transfers,
        **times,
        "position": position,
    }


def _event(kind: str, t: Ticket, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "center": t.center_code, "ticket": ticket_json(t), **extra}


# --- locking -------------------------------------------------------------------------------------


def _center(session: Session, code: str) -> Center:
    center = session.get(Center, code)
    if center is None or not center.active:
        raise ApiError(404, "center_not_found", f"không có trung tâm / no such center {code}")
    return center


# Statements of the hot path (call-next, issue), built once: building a SQLAlchemy expression
# tree costs more than running it on a small indexed table (see benchmarks/queue_latency.py).
_QUEUE_STATE = select(QueueState).where(QueueState.center_code == bindparam("center"))
_QUEUE_STATE_FOR_UPDATE = _QUEUE_STATE.with_for_update()
_COUNTER = select(Counter).where(
    Counter.center_code == bindparam("center"), Counter.code == bindparam("counter")
)
_COUNTER_FOR_UPDATE = _COUNTER.with_for_update(nowait=True)
_OPEN_AT_COUNTER = select(Ticket).where(
    Ticket.center_code == bindparam("center"),
    Ticket.counter_code == bindparam("counter"),
    Ticket.state.in_(("called", "serving")),
)


def _lock_queue(db: Database, session: Session, center: str) -> QueueState:
    stmt = _QUEUE_STATE if db.is_sqlite else _QUEUE_STATE_FOR_UPDATE
    params = {"center": center}
    row = session.exec(stmt, params=params).first()
    if row is None:
        session.add(QueueState(center_code=center))
        session.flush()
        row = session.exec(stmt, params=params).one()
    return row


def _counter(
    db: Database, session: Session, center: str, code: str, *, lock: bool = False
) -> Counter:
    # a second call-next for the same counter at the same instant (PostgreSQL): 409, retry
    stmt = _COUNTER_FOR_UPDATE if lock and not db.is_sqlite else _COUNTER
    try:
        counter = session.exec(stmt, params={"center": center, "counter": code}).first()
    except OperationalError as exc:
        if "lock" in str(exc).lower():
            raise ApiError(409, "counter_busy", "quầy đang gọi số / counter busy, retry") from None
        raise
    if counter is None or not counter.active:
        raise ApiError(404, "counter_not_found", f"không có quầy / no such counter {code}")
    return counter


def _may_act(center: Center, counter: Counter, who: Principal) -> None:
    """An officer assigned to a counter acts on that counter's tickets only, unless the center
    lets its officers float; supervisors and officers with no assigned counter act anywhere."""
    if (
        who.role == "officer"
        and who.counter is not None
        and who.counter != counter.code
        and not center.officers_float
    ):
        raise ApiError(
            403,
            "not_your_counter",
            f"cán bộ được phân công ở quầy {who.counter}, không phải {counter.code} / "
            f"officer is assigned to counter {who.counter}, not {counter.code}",
        )


def _idempotent(
    session: Session, center: str, key: str | None, endpoint: str, who: str
) -> IdempotentRequest | None:
    if not key:
        return None
    if len(key) > 128:
        raise ApiError(422, "bad_idempotency_key", "Idempotency-Key is longer than 128 characters")
    row = session.get(IdempotentRequest, (center, key))
    if row is not None and (row.endpoint != endpoint or row.username != who):
        raise ApiError(
            422, "idempotency_key_reused", "Idempotency-Key already used for another request"
        )
    return row


# Answers kept for retries: a client retries within seconds or minutes (a counter PC that was
# offline replays its queue calls only the same day), so two days is ample.
IDEMPOTENCY_RETENTION = dt.timedelta(days=2)
_PRUNE_EVERY_SECONDS = 3600.0
_last_prune = [float("-inf")]
_DELETE_OLD_ANSWERS = delete(IdempotentRequest).where(
    IdempotentRequest.created_at < bindparam("cutoff")
)


def prune_idempotent(session: Session, moment: dt.datetime) -> int:
    """Delete remembered answers older than the retention; the number deleted."""
    cutoff = iso(moment - IDEMPOTENCY_RETENTION)
    return session.execute(_DELETE_OLD_ANSWERS, {"cutoff": cutoff}).rowcount or 0


def _remember(
    session: Session,
    center: str,
    key: str | None,
    endpoint: str,
    who: str,
    status: int,
    body: Any,
    moment: dt.datetime,
) -> None:
    if not key:
        return
    session.add(
        IdempotentRequest(
            center_code=center,
            key=key,
            username=who,
            endpoint=endpoint,
            status_code=status,
            body=body,
            created_at=iso(moment),
        )
    )
    # at most once an hour per server process, inside this (already locked) transaction
    tick = time.monotonic()
    if tick - _last_prune[0] >= _PRUNE_EVERY_SECONDS:
        _last_prune[0] = tick
        prune_idempotent(session, moment)


# --- issue ---------------------------------------------------------------------------------------


def issue(
    db: Database, who: Principal, service: str, priority: str | None, publish: Publish | None = None
) -> dict[str, Any]:
    try:
        rules.check_service(service)
        priority = rules.check_priority(priority)
    except rules.QueueRuleError as exc:
        raise ApiError(422, "bad_ticket", str(exc)) from None
    with db.write() as s:
        center = _center(s, who.center)
        state = _lock_queue(db, s, center.code)
        if s.get(ServiceGroup, (center.code, service)) is None:
            raise ApiError(
                422, "unknown_service", f"không có nhóm dịch vụ / no service group {service}"
            )
        moment = now(center.timezone)
        day = rules.service_day(moment, center.timezone)
        seq_row = s.get(DailySequence, (center.code, day, service))
        if seq_row is None:
            seq_row = DailySequence(
                center_code=center.code, service_day=day, service=service, value=0
            )
        seq_row.value += 1
        s.add(seq_row)
        state.last_pos += 1
        s.add(state)
        t = Ticket(
            id=uuid7_str(),
            center_code=center.code,
            service=service,
            number=rules.format_number(service, seq_row.value),
            seq=seq_row.value,
            service_day=day,
            pos=state.last_pos,
            priority=priority,
            state="waiting",
            issued_by=who.username,
            device_id=who.device_id,
            issued_at=iso(moment),
        )
        s.add(t)
        audit(
            s,
            action="ticket.issue",
            center=center.code,
            actor=who.username,
            entity="ticket",
            entity_id=t.id,
            data={"number": t.number, "priority": priority},
            ip=who.ip,
            at=t.issued_at,
        )
        position = _position(s, t)
    out = ticket_json(t, position)
    if publish:
        publish({"type": "issued", "center": t.center_code, "ticket": out})
    return out


def _position(s: Session, t: Ticket) -> int:
    ahead = s.exec(
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.center_code == t.center_code,
            Ticket.service_day == t.service_day,
            Ticket.state.in_(rules.WAITING_STATES),
            Ticket.service == t.service,
            Ticket.pos < t.pos,
        )
    ).one()
    return int(ahead) + 1


# --- calling -------------------------------------------------------------------------------------


def _close_current(s: Session, center: str, counter: str, at: str, who: str, events: list) -> None:
    """Call-next closes the counter's ticket being served as done, one only called as a no-show."""
    open_ones = s.exec(_OPEN_AT_COUNTER, params={"center": center, "counter": counter}).all()
    for t in open_ones:
        t.state = "done" if t.state == "serving" else "no_show"
        t.finished_at = at
        t.version += 1
        s.add(t)
        audit(
            s,
            action=f"ticket.{t.state}",
            center=center,
            actor=who,
            entity="ticket",
            entity_id=t.id,
            data={"number": t.number, "counter": counter, "auto": True},
            at=at,
        )
        events.append(_event(t.state, t))


def _check_current(s: Session, center: str, counter: str, seen: str | None) -> None:
    open_ones = s.exec(_OPEN_AT_COUNTER, params={"center": center, "counter": counter}).all()
    if {t.id for t in open_ones} == ({seen} if seen else set()):
        return
    numbers = ", ".join(f"{t.number} ({t.state})" for t in open_ones) or "không có / none"
    raise ApiError(
        409,
        "not_current",
        f"quầy {counter} đang có: {numbers} — khác với số trên màn hình / counter {counter} has "
        f"{numbers}, not the ticket on the screen: refresh and decide",
    )


def _head_branch(state: str, *conds: Any) -> Any:
    return (
        select(Ticket.id)
        .where(
            Ticket.center_code == bindparam("center"),
            Ticket.service_day == bindparam("day"),
            Ticket.state == state,
            *conds,
        )
        .order_by(Ticket.pos)
        .limit(1)
        .subquery()
        .select()
    )


def _heads_statement(with_services: bool) -> Any:
    """The head of each class a counter may call — transferred to it, then per waiting state
    priority and ordinary tickets of its services — as one statement.

    Each branch has an equality on `state`, so it walks `ix_ticket_queue_head` in issue order and
    stops at its first match (tickets sent to a counter are always in state "transferred")."""
    branches = [_head_branch("transferred", Ticket.target_counter == bindparam("counter"))]
    if with_services:
        untargeted = (
            Ticket.target_counter.is_(None),
            Ticket.service.in_(bindparam("services", expanding=True)),
        )
        for state in rules.WAITING_STATES:
            branches.append(_head_branch(state, *untargeted, Ticket.priority.is_not(None)))
            branches.append(_head_branch(state, *untargeted, Ticket.priority.is_(None)))
    return select(Ticket).where(Ticket.id.in_(union_all(*branches)))


_HEADS = {True: _heads_statement(True), False: _heads_statement(False)}


def _heads(s: Session, center: str, day: str, counter: str, services: list[str]) -> list[Ticket]:
    """The head of each class this counter may call, in one round trip. `choose_next` only ever
    picks a class head, so this is all it needs."""
    params: dict[str, Any] = {"center": center, "day": day, "counter": counter}
    if services:
        params["services"] = list(services)
    rows = list(s.exec(_HEADS[bool(services)], params=params).all())
    # one head per class: the oldest of the waiting/transferred heads
    best: dict[tuple[bool, bool], Ticket] = {}
    for t in rows:
        key = (t.target_counter is not None, bool(t.priority))
        if key not in best or t.pos < best[key].pos:
            best[key] = t
    return list(best.values())


def _cand(t: Ticket) -> rules.Candidate:
    return rules.Candidate(
        id=t.id, service=t.service, pos=t.pos, priority=t.priority, target_counter=t.target_counter
    )


def call_next(
    db: Database,
    who: Principal,
    counter_code: str,
    idem_key: str | None,
    publish: Publish | None = None,
    *,
    expect_current: bool = False,
    current: str | None = None,
) -> tuple[int, dict[str, Any] | None]:
    """(200, ticket) or (204, None). Atomic per center; idempotent with a key. With
    `expect_current`, `current` is the ticket the officer sees at the counter (None: none): if
    the server's open ticket there is another, 409 `not_current` — nothing is closed unseen."""
    endpoint = f"call-next:{counter_code}"
    events: list[dict[str, Any]] = []
    with db.write() as s:
        center = _center(s, who.center)
        counter = _counter(db, s, center.code, counter_code, lock=True)
        _may_act(center, counter, who)
        state = _lock_queue(db, s, center.code)
        done = _idempotent(s, center.code, idem_key, endpoint, who.username)
        if done is not None:
            return done.status_code, done.body
        if expect_current:
            _check_current(s, center.code, counter.code, current)
        moment = now(center.timezone)
        at = iso(moment)
        day = rules.service_day(moment, center.timezone)
        _close_current(s, center.code, counter.code, at, who.username, events)
        services = list(counter.services)
        pool = _heads(s, center.code, day, counter.code, services)
        by_id = {t.id: t for t in pool}
        chosen = rules.choose_next(
            [_cand(t) for t in pool],
            services=services,
            counter=counter.code,
            priority_streak=state.priority_streak,
            policy=rules.FairnessPolicy(center.max_priority_streak),
        )
        if chosen is None:
            _remember(s, center.code, idem_key, endpoint, who.username, 204, None, moment)
            body = None
            status = 204
        else:
            t = by_id[chosen.id]
            state.priority_streak = rules.next_streak(state.priority_streak, chosen)
            _mark_called(s, state, t, counter.code, who, at)
            body = ticket_json(t)
            status = 200
            _remember(s, center.code, idem_key, endpoint, who.username, 200, body, moment)
            events.append(
                {
                    "type": "called",
                    "center": center.code,
                    "ticket": body,
                    "announcement": rules.announcement(t.number, counter.code),
                }
            )
        s.add(state)
    if publish:
        for ev in events:
            publish(ev)
    return status, body


def _mark_called(
    s: Session, state: QueueState, t: Ticket, counter: str, who: Principal, at: str
) -> None:
    rules.check_transition(t.state, "called")
    state.last_call += 1
    t.state = "called"
    t.counter_code = counter
    t.target_counter = None
    t.officer = who.username
    t.called_at = at
    t.finished_at = None
    t.call_pos = state.last_call
    t.version += 1
    s.add(t)
    audit(
        s,
        action="ticket.call",
        center=t.center_code,
        actor=who.username,
        entity="ticket",
        entity_id=t.id,
        data={"number": t.number, "counter": counter, "call": state.last_call},
        ip=who.ip,
        at=at,
    )


def call_number(
    db: Database,
    who: Principal,
    counter_code: str,
    number: str,
    idem_key: str | None,
    publish: Publish | None = None,
) -> dict[str, Any]:
    """Call one specific waiting number at this counter (outside the usual order)."""
    endpoint = f"call:{counter_code}:{number}"
    events: list[dict[str, Any]] = []
    with db.write() as s:
        center = _center(s, who.center)
        counter = _counter(db, s, center.code, counter_code, lock=True)
        _may_act(center, counter, who)
        state = _lock_queue(db, s, center.code)
        done = _idempotent(s, center.code, idem_key, endpoint, who.username)
        if done is not None:
            return done.body
        moment = now(center.timezone)
        at, day = iso(moment), rules.service_day(moment, center.timezone)
        t = _by_number(s, center.code, day, number)
        if t.state not in rules.WAITING_STATES:
            raise ApiError(
                409, "not_waiting", f"số {t.number} không còn chờ / {t.number} is {t.state}"
            )
        _close_current(s, center.code, counter.code, at, who.username, events)
        _mark_called(s, state, t, counter.code, who, at)
        s.add(state)
        body = ticket_json(t)
        _remember(s, center.code, idem_key, endpoint, who.username, 200, body, moment)
        events.append(
            {
                "type": "called",
                "center": center.code,
                "ticket": body,
                "announcement": rules.announcement(t.number, counter.code),
            }
        )
    if publish:
        for ev in events:
            publish(ev)
    return body


def _by_number(s: Session, center: str, day: str, number: str) -> Ticket:
    t = s.exec(
        select(Ticket).where(
            Ticket.center_code == center, Ticket.service_day == day, Ticket.number == number.upper()
        )
    ).first()
    if t is None:
        raise ApiError(
            404, "ticket_not_found", f"không có số {number} hôm nay / no ticket {number} today"
        )
    return t


def _current(s: Session, center: str, counter: str, ticket_id: str | None = None) -> Ticket:
    """The counter's ticket being called or served — the one named by `ticket_id` when the caller
    says which it sees (409 `not_current` if that one is not open at this counter any more)."""
    if ticket_id is not None:
        t = s.get(Ticket, ticket_id)
        if t is None or t.center_code != center:
            raise ApiError(404, "ticket_not_found", "không có vé / no such ticket")
        if t.counter_code != counter or t.state not in ("called", "serving"):
            raise ApiError(
                409,
                "not_current",
                f"số {t.number} không còn ở quầy {counter} (đang: {t.state}) / ticket {t.number} "
                f"is not open at counter {counter} any more (it is {t.state})",
            )
        return t
    t = s.exec(
        select(Ticket)
        .where(
            Ticket.center_code == center,
            Ticket.counter_code == counter,
            Ticket.state.in_(("called", "serving")),
        )
        .order_by(Ticket.call_pos.desc())
        .limit(1)
    ).first()
    if t is None:
        raise ApiError(
            409,
            "no_current_ticket",
            f"quầy {counter} chưa gọi số nào / counter {counter} has no current ticket",
        )
    return t


def _mutate(
    db: Database, who: Principal, counter_code: str, action: str, fn, publish: Publish | None
) -> dict[str, Any]:
    with db.write() as s:
        center = _center(s, who.center)
        counter = _counter(db, s, center.code, counter_code)
        _may_act(center, counter, who)
        state = _lock_queue(db, s, center.code)
        moment = now(center.timezone)
        t, extra = fn(s, center, counter, state, moment)
        t.version += 1
        s.add(t)
        audit(
            s,
            action=f"ticket.{action}",
            center=center.code,
            actor=who.username,
            entity="ticket",
            entity_id=t.id,
            data={"number": t.number, "counter": counter.code, **extra},
            ip=who.ip,
            at=iso(moment),
        )
        body = ticket_json(t)
    if publish:
        ev = {"type": action, "center": who.center, "ticket": body}
        if action == "recall":
            ev["announcement"] = rules.announcement(body["number"], counter_code)
        publish(ev)
    return body


def _transition(t: Ticket, new: str) -> None:
    try:
        rules.check_transition(t.state, new)
    except rules.QueueRuleError as exc:
        raise ApiError(409, "bad_transition", str(exc)) from None
    t.state = new


def recall(
    db: Database,
    who: Principal,
    counter_code: str,
    number: str | None,
    publish: Publish | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    def fn(s, center, counter, state, moment):
        if number is None:
            t = _current(s, center.code, counter.code, ticket)
            t.recalls += 1
            return t, {"recalls": t.recalls}
        t = _by_number(s, center.code, rules.service_day(moment, center.timezone), number)
        if t.state != "no_show":
            raise ApiError(
                409, "not_no_show", f"số {t.number} không vắng mặt / {t.number} is {t.state}"
            )
        finished = parse_iso(t.finished_at)
        grace = center.no_show_grace_minutes * 60
        if finished is None or (moment - finished).total_seconds() > grace:
            raise ApiError(
                409,
                "grace_expired",
                f"quá thời gian gọi lại / grace period of {center.no_show_grace_minutes} min is over",
            )
        _transition(t, "called")
        t.counter_code = counter.code
        t.officer = who.username
        t.finished_at = None
        t.recalls += 1
        return t, {"grace_recall": True}

    return _mutate(db, who, counter_code, "recall", fn, publish)


def _advance_current(
    db: Database,
    who: Principal,
    counter_code: str,
    new_state: str,
    stamp: str,
    publish,
    ticket: str | None = None,
) -> dict[str, Any]:
    """Move the counter's current ticket (or the one named) to `new_state`, stamping `stamp`."""

    def fn(s, center, counter, state, moment):
        t = _current(s, center.code, counter.code, ticket)
        _transition(t, new_state)
        setattr(t, stamp, iso(moment))
        return t, {}

    return _mutate(db, who, counter_code, new_state, fn, publish)


def start(
    db: Database,
    who: Principal,
    counter_code: str,
    publish: Publish | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    return _advance_current(db, who, counter_code, "serving", "serving_at", publish, ticket)


def no_show(
    db: Database,
    who: Principal,
    counter_code: str,
    publish: Publish | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    return _advance_current(db, who, counter_code, "no_show", "finished_at", publish, ticket)


def finish(
    db: Database,
    who: Principal,
    counter_code: str,
    publish: Publish | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    return _advance_current(db, who, counter_code, "done", "finished_at", publish, ticket)


def transfer(
    db: Database,
    who: Principal,
    counter_code: str,
    service: str | None,
    target: str | None,
    publish: Publish | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    if service is None and target is None:
        raise ApiError(
            422, "bad_transfer", "chọn nhóm dịch vụ hoặc quầy / give a service or a counter"
        )

    def fn(s, center, counter, state, moment):
        t = _current(s, center.code, counter.code, ticket)
        if service is not None and s.get(ServiceGroup, (center.code, service)) is None:
            raise ApiError(
                422, "unknown_service", f"không có nhóm dịch vụ / no service group {service}"
            )
        if target is not None:
            _counter(db, s, center.code, target)
        _transition(t, "transferred")
        old = t.service
        if service is not None:
            t.service = service
        t.target_counter = target
        t.counter_code = None
        t.transfers += 1
        return t, {"from_service": old, "to_service": t.service, "to_counter": target}

    return _mutate(db, who, counter_code, "transferred", fn, publish)


def return_to_queue(
    db: Database,
    who: Principal,
    counter_code: str,
    publish: Publish | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    """The officer leaves the counter (or cannot serve now): the ticket waits again in its own
    service group at its first place (its issue order is kept), for the next counter to call."""

    def fn(s, center, counter, state, moment):
        t = _current(s, center.code, counter.code, ticket)
        _transition(t, "transferred")
        t.counter_code = None
        t.target_counter = None
        t.called_at = None
        t.serving_at = None
        return t, {"returned": True}

    return _mutate(db, who, counter_code, "returned", fn, publish)


def cancel(
    db: Database, who: Principal, ticket_id: str, publish: Publish | None = None
) -> dict[str, Any]:
    with db.write() as s:
        center = _center(s, who.center)
        _lock_queue(db, s, center.code)
        t = s.get(Ticket, ticket_id)
        if t is None or t.center_code != center.code:
            raise ApiError(404, "ticket_not_found", "không có vé / no such ticket")
        _transition(t, "cancelled")
        t.finished_at = iso(now(center.timezone))
        t.version += 1
        s.add(t)
        audit(
            s,
            action="ticket.cancel",
            center=center.code,
            actor=who.username,
            entity="ticket",
            entity_id=t.id,
            data={"number": t.number},
            ip=who.ip,
        )
        body = ticket_json(t)
    if publish:
        publish({"type": "cancelled", "center": center.code, "ticket": body})
    return body


# --- reading -------------------------------------------------------------------------------------


def get_ticket(db: Database, who: Principal, ticket_id: str) -> dict[str, Any]:
    with db.read() as s:
        t = s.get(Ticket, ticket_id)
        if t is None or t.center_code != who.center:  # other centers' tickets do not exist for you
            raise ApiError(404, "ticket_not_found", "không có vé / no such ticket")
        pos = _position(s, t) if t.state in rules.WAITING_STATES else None
        return ticket_json(t, pos)


def board(db: Database, who: Principal, recent: int = 10) -> dict[str, Any]:
    with db.read() as s:
        center = _center(s, who.center)
        day = rules.service_day(now(center.timezone), center.timezone)
        called = s.exec(
            select(Ticket)
            .where(
                Ticket.center_code == center.code,
                Ticket.service_day == day,
                Ticket.call_pos.is_not(None),
            )
            .order_by(Ticket.call_pos.desc())
            .limit(max(recent, 50))
        ).all()
        serving: dict[str, Ticket] = {}
        for t in called:
            if (
                t.counter_code
                and t.state in ("called", "serving")
                and t.counter_code not in serving
            ):
                serving[t.counter_code] = t
        waiting_rows = s.exec(
            select(Ticket.service, func.count())
            .where(
                Ticket.center_code == center.code,
                Ticket.service_day == day,
                Ticket.state.in_(rules.WAITING_STATES),
            )
            .group_by(Ticket.service)
        ).all()

        def call(t: Ticket) -> dict[str, Any]:
            return {
                "counter": t.counter_code or "",
                "number": t.number,
                "state": t.state,
                "service": t.service,
                "called_at": t.called_at,
                "announcement": rules.announcement(t.number, t.counter_code or ""),
            }

        return {
            "center": center.code,
            "service_day": day,
            "now_serving": [call(serving[k]) for k in sorted(serving)],
            "recent": [call(t) for t in called[:recent] if t.counter_code],
            "waiting": {svc: int(n) for svc, n in waiting_rows},
        }


def status(db: Database, who: Principal) -> dict[str, Any]:
    with db.read() as s:
        center = _center(s, who.center)
        day = rules.service_day(now(center.timezone), center.timezone)
        rows = s.exec(
            select(Ticket.service, Ticket.state, func.count())
            .where(Ticket.center_code == center.code, Ticket.service_day == day)
            .group_by(Ticket.service, Ticket.state)
        ).all()
        counts: dict[str, dict[str, int]] = {}
        for svc, st, n in rows:
            counts.setdefault(svc, {})[st] = int(n)
        waiting = s.exec(
            select(Ticket)
            .where(
                Ticket.center_code == center.code,
                Ticket.service_day == day,
                Ticket.state.in_(rules.WAITING_STATES),
            )
            .order_by(Ticket.pos)
            .limit(500)
        ).all()
        per_service: dict[str, int] = {}
        waiting_json = []
        for t in waiting:
            per_service[t.service] = per_service.get(t.service, 0) + 1
            waiting_json.append(ticket_json(t, per_service[t.service]))
        counters = s.exec(
            select(Counter).where(Counter.center_code == center.code).order_by(Counter.code)
        ).all()
        open_tickets = s.exec(
            select(Ticket).where(
                Ticket.center_code == center.code, Ticket.state.in_(("called", "serving"))
            )
        ).all()
        current = {t.counter_code: t for t in open_tickets}
        served = dict(
            s.exec(
                select(Ticket.counter_code, func.count())
                .where(
                    Ticket.center_code == center.code,
                    Ticket.service_day == day,
                    Ticket.state == "done",
                )
                .group_by(Ticket.counter_code)
            ).all()
        )
        finished = s.exec(
            select(Ticket).where(
                Ticket.center_code == center.code,
                Ticket.service_day == day,
                or_(Ticket.state == "done", Ticket.state == "called", Ticket.state == "serving"),
            )
        ).all()
        waits = [
            j["wait_seconds"] for j in map(ticket_json, finished) if j["wait_seconds"] is not None
        ]
        services = [
            j["service_seconds"]
            for j in map(ticket_json, finished)
            if j["service_seconds"] is not None
        ]
        return {
            "center": center.code,
            "service_day": day,
            "counts": counts,
            "waiting": waiting_json,
            "counters": [
                {
                    "code": c.code,
                    "name": c.name,
                    "services": list(c.services),
                    "current": ticket_json(current[c.code]) if c.code in current else None,
                    "served_today": int(served.get(c.code, 0)),
                }
                for c in counters
            ],
            "average_wait_seconds": sum(waits) / len(waits) if waits else None,
            "average_service_seconds": sum(services) / len(services) if services else None,
            "max_priority_streak": center.max_priority_streak,
        }
