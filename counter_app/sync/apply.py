"""Apply a pulled page to the local store in one transaction (with the new cursor).

Rows upsert by version, except rows with unsent local changes: those keep the local state until
their ops are pushed and the server's merged row comes back in a later pull (docs/DESIGN.md §4.4).
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
    Rating,
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


class _Page:
    """One page's lookups done up front (a few IN queries instead of several per row) and kept
    current as rows are added, so the loop runs without autoflush."""

    def __init__(self, session: Session, changes: list[dict[str, Any]]) -> None:
        self.session = session
        self.rows: dict[tuple[str, str], Any] = {}
        self.codes: set[str] = set()
        self.numbers: set[tuple[str, str, str]] = set()
        self.seqs: dict[str, Any] = {}
        ids: dict[Any, set[str]] = {Dossier: set(), Ticket: set(), Rating: set()}
        codes: set[str] = set()
        numbers: set[str] = set()
        rated: set[str] = set()
        for ch in changes:
            data = ch.get("data") or {}
            if ch.get("entity") == "dossier" and data.get("id"):
                ids[Dossier].add(data["id"])
                codes |= {c for c in (data.get("code"), data.get("lookup_code")) if c}
            elif ch.get("entity") == "ticket" and data.get("id"):
                ids[Ticket].add(data["id"])
                if data.get("number"):
                    numbers.add(data["number"])
            elif ch.get("entity") == "rating" and data.get("id"):
                ids[Rating].add(data["id"])
                if data.get("ticket_id"):
                    rated.add(str(data["ticket_id"]))
        for model, wanted in ids.items():
            wanted_list = sorted(wanted)
            for i in range(0, len(wanted_list), 500):
                part = wanted_list[i : i + 500]
                for r in session.exec(select(model).where(col(model.id).in_(part))):
                    self.rows[(model.__name__, r.id)] = r
            for x in wanted_list:
                self.rows.setdefault((model.__name__, x), None)
        code_list = sorted(codes)
        for i in range(0, len(code_list), 500):
            part = code_list[i : i + 500]
            for code, lookup in session.exec(
                select(Dossier.code, Dossier.lookup_code).where(
                    col(Dossier.code).in_(part) | col(Dossier.lookup_code).in_(part)
                )
            ):
                self.codes |= {code, lookup}
        number_list = sorted(numbers)
        for i in range(0, len(number_list), 500):
            for center, day, number in session.exec(
                select(Ticket.center_code, Ticket.service_day, Ticket.number).where(
                    col(Ticket.number).in_(number_list[i : i + 500])
                )
            ):
                self.numbers.add((center, day, number))
        # tickets already rated here (one rating per ticket), kept current as ratings are added
        self.rated_tickets: set[str] = set()
        rated_list = sorted(rated)
        for i in range(0, len(rated_list), 500):
            self.rated_tickets.update(session.exec(
                select(Rating.ticket_id).where(col(Rating.ticket_id).in_(rated_list[i : i + 500]))
            ).all())

    def get(self, model: Any, ident: str) -> Any:
        key = (model.__name__, ident)
        if key not in self.rows:
            self.rows[key] = self.session.get(model, ident)
        return self.rows[key]

    def add(self, row: Any) -> None:
        self.session.add(row)
        self.rows[(type(row).__name__, row.id)] = row

    def bump(self, scope: str, value: int) -> None:
        if scope not in self.seqs:
            self.seqs[scope] = self.session.get(DailySequence, scope)
        row = self.seqs[scope]
        if row is None:
            row = DailySequence(scope=scope, value=value)
            self.seqs[scope] = row
            self.session.add(row)
        elif row.value < value:
            row.value = value
            self.session.add(row)


def _upsert_dossier(page: _Page, data: dict[str, Any], slot: str, center: str = "") -> None:
    row = page.get(Dossier, data["id"])
    if row is not None and int(row.version) >= int(data.get("version", 1)):
        return
    fields = {k: v for k, v in data.items() if k in Dossier.model_fields}
    fields.setdefault("applicant_name_key", fold(data.get("applicant", {}).get("full_name", "")))
    if data.get("center_code") in (None, "", center) or not center:
        # (a dossier routed here from another center numbers nothing of ours)
        _bump_sequence(page, data.get("code", ""), slot)
        _bump_book(page, data, slot)
    if row is None:
        if data.get("code") in page.codes or data.get("lookup_code") in page.codes:
            # Two dossiers with one code (a restored backup re-used its numbers): the server
            # flagged it for a supervisor; this counter keeps its own row and never crashes here.
            return
        page.add(Dossier(**fields))
        page.codes |= {data.get("code"), data.get("lookup_code")}
    else:
        fields.pop("code", None)
        fields.pop("lookup_code", None)
        for k, v in fields.items():
            setattr(row, k, v)
        page.session.add(row)


def _bump_sequence(page: _Page, code: str, slot: str) -> None:
    """A dossier of ours that came back from the server (e.g. after restoring an old backup):
    make sure the daily sequence never hands out its number again."""
    try:
        _, day, seq = code.rsplit("-", 2)
    except ValueError:
        return
    if not seq.startswith(slot) or not seq.isdigit():
        return
    page.bump(f"dossier:{day}:{slot}", int(seq[len(slot) :]))


def _bump_book(page: _Page, data: dict[str, Any], slot: str) -> None:
    """Same for the book entry: a restored counter never gives an entry number twice."""
    from counter_app.domain.dossier import parse_book_entry

    parsed = parse_book_entry(str(data.get("book_entry") or ""))
    volume = str(data.get("book_volume") or "")
    if parsed is not None and parsed[0] == slot and volume.isdigit():
        page.bump(f"book:{volume}:{slot}", parsed[1])


def _bump_ticket_sequence(page: _Page, data: dict[str, Any], slot: str) -> None:
    """A ticket numbered with our slot came back (a restored backup's lost future): never
    hand that number out again."""
    number, service, day = data.get("number"), data.get("service"), data.get("service_day")
    try:
        seq = int(data.get("seq") or 0)
    except (TypeError, ValueError):
        return
    if not (number and service and day and seq) or number != f"{service}-{slot}-{seq:03d}":
        return
    page.bump(f"ticket:{day}:{service}:{slot}", seq)


def _upsert_ticket(page: _Page, data: dict[str, Any], slot: str = "") -> None:
    row = page.get(Ticket, data["id"])
    fields = {k: v for k, v in data.items() if k in Ticket.model_fields}
    if row is None:
        required = {"id", "center_code", "service", "number", "service_day", "issued_at"}
        if not required <= fields.keys():
            return
        _bump_ticket_sequence(page, data, slot)
        key = (fields["center_code"], fields["service_day"], fields["number"])
        if key in page.numbers:
            return  # one number, two tickets: flagged on the server; keep ours
        fields.setdefault("seq", 0)
        page.add(Ticket(**fields))
        page.numbers.add(key)
        return
    fields.pop("number", None)
    if int(row.version) >= int(data.get("version", 0) or 0) and row.state == data.get("state"):
        return
    from counter_app.domain.sync_rules import merge_ticket_state

    if merge_ticket_state(row.state, str(data.get("state"))).apply:
        for k, v in fields.items():
            setattr(row, k, v)
        page.session.add(row)


def _upsert_attachment(page: _Page, data: dict[str, Any]) -> None:
    session = page.session
    if session.get(Attachment, data["id"]) is not None:
        return
    if page.get(Dossier, str(data.get("dossier_id"))) is None:
        return  # its dossier is not here (yet): the attachment comes back with a later snapshot
    fields = {k: v for k, v in data.items() if k in Attachment.model_fields}
    fields["upload_state"] = "remote"
    session.flush()  # its dossier may be new in this page: insert it first (foreign key)
    session.add(Attachment(**fields))


def _insert_rating(ctx: _Page, data: dict[str, Any], center_code: str) -> bool:
    """A rating made at another terminal of the center (ratings never change once given)."""
    try:
        fields = {
            "id": str(data["id"]), "ticket_id": str(data["ticket_id"]),
            "ticket_number": str(data["ticket_number"]), "service_day": str(data["service_day"]),
            "level": str(data["level"]), "rated_at": str(data["rated_at"]),
        }
    except KeyError:
        return False
    if ctx.get(Rating, fields["id"]) is not None or fields["ticket_id"] in ctx.rated_tickets:
        return False
    ctx.rated_tickets.add(fields["ticket_id"])
    ctx.add(Rating(
        **fields, center_code=center_code, service=str(data.get("service") or ""),
        counter_code=str(data.get("counter_code") or ""), officer=str(data.get("officer") or ""),
        reasons=list(data.get("reasons") or []), dossier_codes=list(data.get("dossier_codes") or []),
        procedure_codes=list(data.get("procedure_codes") or []),
    ))
    return True


def apply_page(session: Session, page: dict[str, Any], center_code: str) -> int:
    """Apply the changes of one pull page; returns how many rows were applied."""
    pending = _pending_entities(session)
    slot = device_info(session)["slot"]
    applied = 0
    if page.get("reference"):
        apply_reference(session, page["reference"], center_code)
        set_state(session, "sync_ref", page.get("ref"))
    changes = page.get("changes", [])
    session.flush()
    with session.no_autoflush:
        ctx = _Page(session, changes)
        for ch in changes:
            entity, data = ch["entity"], ch.get("data") or {}
            if (entity, ch["entity_id"]) in pending:
                continue
            if entity == "dossier":
                _upsert_dossier(ctx, data, slot, center_code)
            elif entity == "ticket":
                _upsert_ticket(ctx, data, slot)
            elif entity == "attachment":
                _upsert_attachment(ctx, data)
            elif entity == "rating":
                if not _insert_rating(ctx, data, center_code):
                    continue
            else:
                continue
            applied += 1
    set_state(session, "sync_cursor", int(page["next_cursor"]))
    return applied


def cursor(session: Session) -> int:
    return int(get_state(session, "sync_cursor", 0) or 0)
