"""The counter's own queue over the local `Ticket` table (used offline, docs/DESIGN.md §4.6).

Ordering, fairness, numbering and transitions are the pure rules of `counter_app.domain.queue`;
this module only reads and writes rows. Each action is one `store.write()` transaction (BEGIN
IMMEDIATE) that also appends its event and outbox op (`record`), so two processes on one data dir
never hand out the same number and a kill -9 never leaves half an action.

Tickets issued here carry the device slot (`A-07-023`); numbers are gap-free per service group
and day (`DailySequence` scope `ticket:<day>:<service>:<slot>`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from counter_app.domain import queue as rules
from counter_app.errors import BadInput, InvalidTransition, NotCurrent, NotFound
from counter_app.services.clock import iso, legal_now
from counter_app.store.db import device_info, get_state, next_sequence, record, set_state
from counter_app.store.models import Counter, Ticket

if TYPE_CHECKING:
    from counter_app.config import Settings
    from counter_app.store.db import Store

DEFAULT_SERVICES = ("A", "B", "C", "D")
_STREAK_KEY = "queue.priority_streak"


def ticket_to_dict(ticket: Ticket, now: dt.datetime | None = None) -> dict[str, Any]:
    out = {
        "id": ticket.id,
        "number": ticket.number,
        "service": ticket.service,
        "state": ticket.state,
        "counter": ticket.counter_code,
        "priority": ticket.priority,
        "service_day": ticket.service_day,
        "issued_at": ticket.issued_at,
        "called_at": ticket.called_at,
        "serving_at": ticket.serving_at,
        "finished_at": ticket.finished_at,
        "recalls": ticket.recalls,
        "officer": ticket.officer,
        "origin": ticket.origin,
        "dossier_code": ticket.dossier_code,
        "version": ticket.version,
    }
    times = rules.timings(
        dt.datetime.fromisoformat(ticket.issued_at),
        _dt(ticket.called_at),
        _dt(ticket.serving_at),
        _dt(ticket.finished_at),
    )
    out.update(times)
    if now is not None and ticket.state in rules.WAITING_STATES:
        out["wait_seconds"] = max(0, int((now - dt.datetime.fromisoformat(ticket.issued_at)).total_seconds()))
    return out


def _dt(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _err(exc: rules.QueueRuleError) -> BadInput:
    return BadInput(str(exc))


def _now(session: Session | None, settings: Settings, now: dt.datetime | None) -> dt.datetime:
    return legal_now(session, settings.tz, now=now)


def _day(settings: Settings, now: dt.datetime) -> str:
    return rules.service_day(now, settings.timezone)


def counter_services(session: Session, counter: str) -> list[str]:
    row = session.get(Counter, counter)
    if row is not None and row.services:
        return list(row.services)
    return list(DEFAULT_SERVICES)


def _record(
    session: Session, ticket: Ticket, action: str, actor: str, at: dt.datetime, base: int | None, **extra: Any
) -> None:
    session.add(ticket)
    session.flush()
    record(
        session,
        entity="ticket",
        entity_id=ticket.id,
        action=f"ticket.{action}",
        actor=actor,
        at=iso(at),
        data={"number": ticket.number, "state": ticket.state, "counter": ticket.counter_code, **extra},
        payload={"ticket": ticket.model_dump(mode="json"), **extra},
        base_version=base,
    )


def _move(ticket: Ticket, new: str) -> None:
    try:
        rules.check_transition(ticket.state, new)
    except rules.QueueRuleError as exc:
        raise InvalidTransition(str(exc)) from None
    ticket.state = new
    ticket.version += 1


# --- issue ------------------------------------------------------------------------------------


def issue(
    store: Store,
    settings: Settings,
    service: str,
    *,
    priority: str | None = None,
    actor: str = "system",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """A new waiting ticket numbered with this device's slot (`A-07-023`)."""
    from counter_app.domain.ids import uuid7_str

    try:
        service = rules.check_service((service or "").strip().upper())
        priority = rules.check_priority(priority)
    except rules.QueueRuleError as exc:
        raise _err(exc) from None
    with store.write() as session:
        at = _now(session, settings, now)
        day = _day(settings, at)
        slot = str(device_info(session)["slot"])
        seq = next_sequence(session, f"ticket:{day}:{service}:{slot}")
        try:
            number = rules.format_number(service, seq, slot)
        except rules.QueueRuleError as exc:
            raise _err(exc) from None
        ticket = Ticket(
            id=uuid7_str(),
            center_code=settings.center_code,
            service=service,
            number=number,
            seq=seq,
            service_day=day,
            priority=priority,
            state="waiting",
            origin="local",
            issued_at=iso(at),
        )
        _record(session, ticket, "issued", actor, at, None)
        return ticket_to_dict(ticket, at)


# --- reads ------------------------------------------------------------------------------------


def _today(session: Session, settings: Settings, day: str) -> list[Ticket]:
    return list(
        session.exec(
            select(Ticket)
            .where(Ticket.center_code == settings.center_code, Ticket.service_day == day)
            .order_by(col(Ticket.issued_at), col(Ticket.id))
        ).all()
    )


def _current(session: Session, settings: Settings, counter: str, day: str) -> Ticket | None:
    return session.exec(
        select(Ticket)
        .where(
            Ticket.center_code == settings.center_code,
            Ticket.service_day == day,
            Ticket.counter_code == counter,
            col(Ticket.state).in_(("called", "serving")),
        )
        .order_by(col(Ticket.called_at).desc())
    ).first()


def current(
    store: Store, settings: Settings, counter: str, *, now: dt.datetime | None = None
) -> dict[str, Any] | None:
    """The ticket this counter is calling or serving, if any."""
    with store.read() as session:
        at = _now(session, settings, now)
        ticket = _current(session, settings, counter, _day(settings, at))
        return ticket_to_dict(ticket, at) if ticket else None


def status(
    store: Store, settings: Settings, *, now: dt.datetime | None = None, counter: str | None = None
) -> dict[str, Any]:
    """Waiting count and longest wait per service group, today (+ the counter's current ticket)."""
    with store.read() as session:
        at = _now(session, settings, now)
        day = _day(settings, at)
        tickets = _today(session, settings, day)
        services = counter_services(session, counter) if counter else list(DEFAULT_SERVICES)
        groups: dict[str, dict[str, Any]] = {
            s: {"service": s, "waiting": 0, "priority": 0, "longest_wait_seconds": None, "next": None}
            for s in services
        }
        counts: dict[str, int] = {}
        for ticket in tickets:
            counts[ticket.state] = counts.get(ticket.state, 0) + 1
            if ticket.state not in rules.WAITING_STATES:
                continue
            g = groups.setdefault(
                ticket.service,
                {"service": ticket.service, "waiting": 0, "priority": 0, "longest_wait_seconds": None, "next": None},
            )
            g["waiting"] += 1
            if ticket.priority:
                g["priority"] += 1
            wait = max(0, int((at - dt.datetime.fromisoformat(ticket.issued_at)).total_seconds()))
            if g["longest_wait_seconds"] is None or wait > g["longest_wait_seconds"]:
                g["longest_wait_seconds"] = wait
                g["next"] = ticket.number
        cur = _current(session, settings, counter, day) if counter else None
        return {
            "center": settings.center_code,
            "service_day": day,
            "services": sorted(groups.values(), key=lambda g: g["service"]),
            "total_waiting": sum(g["waiting"] for g in groups.values()),
            "counts": counts,
            "current": ticket_to_dict(cur, at) if cur else None,
            "source": "local",
        }


# --- counter actions --------------------------------------------------------------------------


def call_next(
    store: Store,
    settings: Settings,
    counter: str,
    *,
    actor: str = "system",
    now: dt.datetime | None = None,
    policy: rules.FairnessPolicy | None = None,
    expect_current: bool = False,
    current: str | None = None,
) -> dict[str, Any] | None:
    """Close the counter's ticket (serving → done, called only → no_show) and call the next one.

    Returns the called ticket, or None when nobody waits (the previous ticket is still closed).
    With `expect_current`, `current` is the ticket the officer sees (None: none): NotCurrent if
    the one open at the counter is another (nothing is closed that was not on the screen).
    """
    policy = policy or rules.FairnessPolicy()
    with store.write() as session:
        at = _now(session, settings, now)
        day = _day(settings, at)
        prev = _current(session, settings, counter, day)
        if expect_current and (prev.id if prev else None) != current:
            shown = f"{prev.number} ({prev.state})" if prev else "không có / none"
            raise NotCurrent(
                f"quầy {counter} đang có: {shown} — khác với số trên màn hình / counter "
                f"{counter} has {shown}, not the ticket on the screen"
            )
        if prev is not None:
            base = prev.version
            _move(prev, "done" if prev.state == "serving" else "no_show")
            prev.finished_at = iso(at)
            _record(session, prev, prev.state, actor, at, base)
        tickets = [t for t in _today(session, settings, day) if t.state in rules.WAITING_STATES]
        candidates = [
            rules.Candidate(id=t.id, service=t.service, pos=i, priority=t.priority)
            for i, t in enumerate(tickets)
        ]
        streak_state = get_state(session, _STREAK_KEY, {}) or {}
        streak = int(streak_state.get("n", 0)) if streak_state.get("day") == day else 0
        chosen = rules.choose_next(
            candidates,
            services=counter_services(session, counter),
            counter=counter,
            priority_streak=streak,
            policy=policy,
        )
        if chosen is None:
            return None
        set_state(session, _STREAK_KEY, {"day": day, "n": rules.next_streak(streak, chosen)})
        ticket = next(t for t in tickets if t.id == chosen.id)
        base = ticket.version
        _move(ticket, "called")
        ticket.counter_code = counter
        ticket.officer = actor
        ticket.called_at = iso(at)
        _record(session, ticket, "called", actor, at, base)
        return ticket_to_dict(ticket, at)


def _require_current(
    session: Session, settings: Settings, counter: str, day: str, ticket_id: str | None = None
) -> Ticket:
    """The counter's open ticket — the one named by `ticket_id` when the officer says which
    (NotCurrent if it is not open at this counter any more)."""
    if ticket_id is not None:
        named = session.get(Ticket, ticket_id)
        if named is None:
            raise NotFound(f"không có vé / no such ticket {ticket_id}")
        if named.counter_code != counter or named.state not in ("called", "serving"):
            raise NotCurrent(
                f"số {named.number} không còn ở quầy {counter} (đang: {named.state}) / "
                f"ticket {named.number} is not open at counter {counter} any more ({named.state})"
            )
        return named
    ticket = _current(session, settings, counter, day)
    if ticket is None:
        raise NotFound(
            f"quầy {counter} không có số nào đang gọi / counter {counter} has no current ticket"
        )
    return ticket


def recall(
    store: Store,
    settings: Settings,
    counter: str,
    *,
    actor: str = "system",
    now: dt.datetime | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    """Announce the counter's current ticket again."""
    with store.write() as session:
        at = _now(session, settings, now)
        ticket = _require_current(session, settings, counter, _day(settings, at), ticket)
        base = ticket.version
        if ticket.state != "called":
            raise InvalidTransition(
                f"số {ticket.number} đang được phục vụ, không gọi lại / {ticket.number} is being served"
            )
        ticket.recalls += 1
        ticket.version += 1
        _record(session, ticket, "recalled", actor, at, base, recalls=ticket.recalls)
        return ticket_to_dict(ticket, at)


def serve(
    store: Store,
    settings: Settings,
    counter: str,
    *,
    actor: str = "system",
    now: dt.datetime | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    """The called citizen arrived: called → serving."""
    with store.write() as session:
        at = _now(session, settings, now)
        ticket = _require_current(session, settings, counter, _day(settings, at), ticket)
        if ticket.state == "serving":
            return ticket_to_dict(ticket, at)
        base = ticket.version
        _move(ticket, "serving")
        ticket.serving_at = iso(at)
        _record(session, ticket, "serving", actor, at, base)
        return ticket_to_dict(ticket, at)


def no_show(
    store: Store,
    settings: Settings,
    counter: str,
    *,
    actor: str = "system",
    now: dt.datetime | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    """The called citizen did not come."""
    with store.write() as session:
        at = _now(session, settings, now)
        ticket = _require_current(session, settings, counter, _day(settings, at), ticket)
        base = ticket.version
        _move(ticket, "no_show")
        ticket.finished_at = iso(at)
        _record(session, ticket, "no_show", actor, at, base)
        return ticket_to_dict(ticket, at)


def finish(
    store: Store,
    settings: Settings,
    counter: str,
    *,
    actor: str = "system",
    now: dt.datetime | None = None,
    dossier_code: str | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    """Done with the counter's current ticket (optionally linking the dossier received)."""
    with store.write() as session:
        at = _now(session, settings, now)
        ticket = _require_current(session, settings, counter, _day(settings, at), ticket)
        base = ticket.version
        _move(ticket, "done")
        ticket.finished_at = iso(at)
        if dossier_code:
            ticket.dossier_code = dossier_code
        _record(session, ticket, "done", actor, at, base)
        return ticket_to_dict(ticket, at)


def transfer(
    store: Store,
    settings: Settings,
    counter: str,
    to_service: str,
    *,
    actor: str = "system",
    now: dt.datetime | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    """Send the counter's current ticket to another service group; it waits there again."""
    try:
        to_service = rules.check_service((to_service or "").strip().upper())
    except rules.QueueRuleError as exc:
        raise _err(exc) from None
    return _requeue(store, settings, counter, to_service, actor=actor, now=now, ticket=ticket)


def _requeue(
    store: Store,
    settings: Settings,
    counter: str,
    to_service: str | None,
    *,
    actor: str,
    now: dt.datetime | None,
    ticket: str | None,
) -> dict[str, Any]:
    """The counter's ticket waits again ("transferred"): in `to_service`, or in its own group
    (None: back at its first place, its issue time kept)."""
    with store.write() as session:
        at = _now(session, settings, now)
        row = _require_current(session, settings, counter, _day(settings, at), ticket)
        base = row.version
        from_service = row.service
        _move(row, "transferred")
        row.service = to_service or row.service
        row.counter_code = None
        row.called_at = None
        row.serving_at = None
        if to_service is None:
            _record(session, row, "returned", actor, at, base, returned=True)
        else:
            _record(
                session, row, "transferred", actor, at, base,
                from_service=from_service, to_service=to_service,
            )
        return ticket_to_dict(row, at)


def return_to_queue(
    store: Store,
    settings: Settings,
    counter: str,
    *,
    actor: str = "system",
    now: dt.datetime | None = None,
    ticket: str | None = None,
) -> dict[str, Any]:
    """The counter's ticket waits again in its own service group, at its first place (its issue
    time is kept): the officer leaves the counter, or cannot serve it now."""
    return _requeue(store, settings, counter, None, actor=actor, now=now, ticket=ticket)
