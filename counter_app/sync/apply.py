"""Apply a pulled page to the local store in one transaction (with the new cursor).

Rows upsert by version, except rows with unsent local changes: those keep the local state until
their ops are pushed and the server's merged row comes back in a later pull (DESIGN.md §4.4).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from counter_app.domain.text import fold
from counter_app.store.db import device_info, get_state, set_state
from counter_app.store.models import (
    Attachment,
    Center,
    Counter,
    DailySequence,
    Dossier,
    Officer,
    Outbox,
    Ticket,
)


def _pending_entities(session: Session) -> set[tuple[str, str]]:
    rows = session.exec(
        select(Outbox.entity, Outbox.entity_id).where(col(Outbox.acked_at).is_(None))
    ).all()
    return {(e, i) for e, i in rows}


def apply_reference(session: Session, ref: dict[str, Any], center_code: str) -> None:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    c = ref.get("center")
    if c:
        row = session.get(Center, c["code"]) or Center(code=c["code"], name=c["name"])
        row.name = c["name"]
        session.add(row)
        session.flush()
    for x in ref.get("counters", []):
        row = session.get(Counter, x["code"]) or Counter(code=x["code"], center_code=center_code)
        row.center_code = center_code
        row.name = x.get("name", "")
        row.services = list(x.get("services") or [])
        session.add(row)
    for o in ref.get("officers", []):
        row = session.get(Officer, o["username"]) or Officer(
            username=o["username"], full_name=o.get("full_name", ""), center_code=center_code
        )
        row.full_name = o.get("full_name") or row.full_name
        row.role = o.get("role", "officer")
        row.center_code = center_code
        row.counter_code = o.get("counter_code")
        row.active = bool(o.get("active", True))
        if o.get("verifier"):
            row.password_verifier = o["verifier"]
            row.verifier_updated_at = now
        session.add(row)


def _upsert_dossier(session: Session, data: dict[str, Any], slot: str) -> None:
    row = session.get(Dossier, data["id"])
    if row is not None and int(row.version) >= int(data.get("version", 1)):
        return
    fields = {k: v for k, v in data.items() if k in Dossier.model_fields}
    fields.setdefault("applicant_name_key", fold(data.get("applicant", {}).get("full_name", "")))
    _bump_sequence(session, data.get("code", ""), slot)
    if row is None:
        clash = session.exec(
            select(Dossier.id).where(
                (Dossier.code == data.get("code")) | (Dossier.lookup_code == data.get("lookup_code"))
            )
        ).first()
        if clash is not None:
            # Two dossiers with one code (a restored backup re-used its numbers): the server
            # flagged it for a supervisor; this counter keeps its own row and never crashes here.
            return
        session.add(Dossier(**fields))
    else:
        fields.pop("code", None)
        fields.pop("lookup_code", None)
        for k, v in fields.items():
            setattr(row, k, v)
        session.add(row)


def _bump_sequence(session: Session, code: str, slot: str) -> None:
    """A dossier of ours that came back from the server (e.g. after restoring an old backup):
    make sure the daily sequence never hands out its number again."""
    try:
        _, day, seq = code.rsplit("-", 2)
    except ValueError:
        return
    if not seq.startswith(slot) or not seq.isdigit():
        return
    scope = f"dossier:{day}:{slot}"
    n = int(seq[len(slot) :])
    row = session.get(DailySequence, scope)
    if row is None:
        session.add(DailySequence(scope=scope, value=n))
    elif row.value < n:
        row.value = n
        session.add(row)


def _bump_ticket_sequence(session: Session, data: dict[str, Any], slot: str) -> None:
    """A ticket numbered with our slot came back (a restored backup's lost future): never
    hand that number out again."""
    number, service, day = data.get("number"), data.get("service"), data.get("service_day")
    try:
        seq = int(data.get("seq") or 0)
    except (TypeError, ValueError):
        return
    if not (number and service and day and seq) or number != f"{service}-{slot}-{seq:03d}":
        return
    scope = f"ticket:{day}:{service}:{slot}"
    row = session.get(DailySequence, scope)
    if row is None:
        session.add(DailySequence(scope=scope, value=seq))
    elif row.value < seq:
        row.value = seq
        session.add(row)


def _upsert_ticket(session: Session, data: dict[str, Any], slot: str = "") -> None:
    row = session.get(Ticket, data["id"])
    fields = {k: v for k, v in data.items() if k in Ticket.model_fields}
    if row is None:
        required = {"id", "center_code", "service", "number", "service_day", "issued_at"}
        if not required <= fields.keys():
            return
        _bump_ticket_sequence(session, data, slot)
        clash = session.exec(
            select(Ticket.id).where(
                Ticket.center_code == fields["center_code"],
                Ticket.service_day == fields["service_day"],
                Ticket.number == fields["number"],
            )
        ).first()
        if clash is not None:
            return  # one number, two tickets: flagged on the server; keep ours
        fields.setdefault("seq", 0)
        session.add(Ticket(**fields))
        return
    fields.pop("number", None)
    if int(row.version) >= int(data.get("version", 0) or 0) and row.state == data.get("state"):
        return
    from counter_app.domain.sync_rules import merge_ticket_state

    if merge_ticket_state(row.state, str(data.get("state"))).apply:
        for k, v in fields.items():
            setattr(row, k, v)
        session.add(row)


def _upsert_attachment(session: Session, data: dict[str, Any]) -> None:
    if session.get(Attachment, data["id"]) is not None:
        return
    if session.get(Dossier, data.get("dossier_id")) is None:
        return  # its dossier is not here (yet): the attachment comes back with a later snapshot
    fields = {k: v for k, v in data.items() if k in Attachment.model_fields}
    fields["upload_state"] = "remote"
    session.add(Attachment(**fields))


def apply_page(session: Session, page: dict[str, Any], center_code: str) -> int:
    """Apply the changes of one pull page; returns how many rows were applied."""
    pending = _pending_entities(session)
    slot = device_info(session)["slot"]
    applied = 0
    if page.get("reference"):
        apply_reference(session, page["reference"], center_code)
        set_state(session, "sync_ref", page.get("ref"))
    for ch in page.get("changes", []):
        entity, data = ch["entity"], ch.get("data") or {}
        if (entity, ch["entity_id"]) in pending:
            continue
        if entity == "dossier":
            _upsert_dossier(session, data, slot)
        elif entity == "ticket":
            _upsert_ticket(session, data, slot)
        elif entity == "attachment":
            _upsert_attachment(session, data)
        else:
            continue
        applied += 1
    set_state(session, "sync_cursor", int(page["next_cursor"]))
    return applied


def cursor(session: Session) -> int:
    return int(get_state(session, "sync_cursor", 0) or 0)
