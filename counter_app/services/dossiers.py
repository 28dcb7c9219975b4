"""Dossier use cases: receive (or request supplementation / refuse), list, show, look up,
transition, record the result's return. One call = one transaction, event and outbox included.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session, col, or_, select

from counter_app.config import Settings
from counter_app.domain import dossier as rules
from counter_app.domain import entered_text
from counter_app.domain.ids import uuid7_str
from counter_app.errors import BadInput, InvalidTransition, NotFound
from counter_app.services.clock import iso, legal_now
from counter_app.store.db import Store, device_info, next_sequence, record
from counter_app.store.models import Attachment, Dossier, Event, Procedure

Outcome = Literal["receive", "supplement", "refuse"]
Channel = Literal["counter", "post", "online"]  # domain.dossier.CHANNELS


def _text(value: Any, max_length: int, *, multiline: bool = False) -> Any:
    if not isinstance(value, str):
        return value  # pydantic then says what type was expected
    try:
        return entered_text.clean(value, max_length=max_length, multiline=multiline)
    except entered_text.TextProblem as exc:
        raise ValueError(str(exc)) from None


class ApplicantIn(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    id_number: str = Field(max_length=20)
    full_name: str = Field(min_length=1, max_length=100)
    date_of_birth: dt.date
    sex: str | None = Field(default=None, max_length=10)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    address: str | None = Field(default=None, max_length=500)
    source: Literal["card", "qr", "manual"] = "manual"
    passive_auth: str | None = Field(default=None, max_length=20)  # valid | unverified | failed

    @field_validator("full_name", mode="before")
    @classmethod
    def _name(cls, v: Any) -> Any:
        if not isinstance(v, str):
            return v
        try:
            return entered_text.clean_person_name(v)
        except entered_text.TextProblem as exc:
            raise ValueError(str(exc)) from None

    @field_validator("id_number", "sex", "email", "passive_auth", mode="before")
    @classmethod
    def _short_text(cls, v: Any) -> Any:
        return _text(v, 254)

    @field_validator("address", mode="before")
    @classmethod
    def _address(cls, v: Any) -> Any:
        return _text(v, 500)

    @field_validator("date_of_birth")
    @classmethod
    def _birth(cls, v: dt.date) -> dt.date:
        if v.year < 1900:
            raise ValueError("ngày sinh trước năm 1900 / date of birth before 1900")
        return v

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        digits = v.replace(" ", "").replace(".", "").replace("-", "")
        if digits.startswith("+84"):
            digits = "0" + digits[3:]
        if not (digits.isdigit() and 9 <= len(digits) <= 11):
            raise ValueError(f"'{v}' is not a phone number")
        return digits


class ComponentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    index: int = Field(ge=1, le=1000)
    original: int = Field(default=0, ge=0, le=100)
    copies: int = Field(default=0, ge=0, le=100, alias="copy")
    presented: bool = False
    note: str = Field(default="", max_length=500)

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, v: Any) -> Any:
        return _text(v, 500)


class FeeQuantityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    copies: int = Field(default=1, ge=1, le=1000)
    pages: list[int] = Field(default_factory=list, max_length=50)

    @field_validator("pages")
    @classmethod
    def _pages(cls, v: list[int]) -> list[int]:
        if any(not 1 <= p <= 10_000 for p in v):
            raise ValueError("số trang phải từ 1 đến 10.000 / pages 1–10,000")
        return v


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["cash", "transfer", "vietqr"]
    reference: str = Field(default="", max_length=64)


class DeliveryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["counter", "post", "online", "other_center"] = "counter"
    address: str = Field(default="", max_length=300)
    center: str = Field(default="", max_length=150)


class SubjectIn(BaseModel):
    """A person the dossier is about besides the applicant (domain/subjects.py checks it against
    the procedure's list)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: str = Field(min_length=1, max_length=20)
    label: str | None = Field(default=None, max_length=100)  # ignored: the catalog's label is kept
    full_name: str = Field(default="", max_length=100)
    date_of_birth: str | None = Field(default=None, max_length=10)
    sex: str | None = Field(default=None, max_length=10)
    id_number: str | None = Field(default=None, max_length=12)


class ReceiveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    procedure: str = Field(min_length=1, max_length=64)
    procedure_version: int | None = Field(default=None, ge=1, le=1_000_000)
    applicant: ApplicantIn
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=4)
    components: list[ComponentIn] = Field(default_factory=list, max_length=200)
    received_at: dt.datetime | None = None
    ticket: str | None = Field(default=None, max_length=16)
    note: str = Field(default="", max_length=2000)
    outcome: Outcome = "receive"
    channel: Channel = "counter"  # filed at the counter, by public postal service, or online
    reason: str = Field(default="", max_length=4000)  # refusal reason / supplementation guidance
    fee_overrides: dict[str, int] = Field(default_factory=dict, max_length=50)
    # copies / page counts for fees charged per copy or per page, by fee name
    fee_quantities: dict[str, FeeQuantityIn] = Field(default_factory=dict, max_length=50)
    payment: PaymentIn | None = None  # paid at the counter (outcome "receive" only)
    delivery: DeliveryIn | None = None  # where the result is collected (form 01 item 6)
    copies: int = Field(default=1, ge=1, le=50)  # number of sets (bộ hồ sơ): not a fee multiplier
    client_id: str | None = Field(default=None, max_length=64)  # same draft twice → one dossier

    @field_validator("note", "reason", mode="before")
    @classmethod
    def _long_text(cls, v: Any) -> Any:
        return _text(v, 4000, multiline=True)

    @field_validator("received_at")
    @classmethod
    def _received(cls, v: dt.datetime | None) -> dt.datetime | None:
        if v is not None and not 2000 <= v.year <= 2099:
            raise ValueError("thời điểm tiếp nhận ngoài 2000–2099 / received_at outside 2000–2099")
        return v

    @field_validator("fee_overrides")
    @classmethod
    def _fees(cls, v: dict[str, int]) -> dict[str, int]:
        if any(not 0 <= amount <= 1_000_000_000 for amount in v.values()):
            raise ValueError("lệ phí ngoài 0–1.000.000.000 đ / fee outside 0–1,000,000,000 VND")
        return v


def parse_request(data: Any) -> ReceiveRequest:
    try:
        return ReceiveRequest.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "request"
        msg = err["msg"].removeprefix("Value error, ")
        raise BadInput(f"dữ liệu không hợp lệ / invalid input: {loc}: {msg}", field=loc) from None


def _procedure(session: Session, code: str, version: int | None) -> Procedure:
    q = select(Procedure).where(Procedure.code == code)
    q = q.where(Procedure.version == version) if version else q.where(Procedure.current == True)  # noqa: E712
    proc = session.exec(q.order_by(col(Procedure.version).desc())).first()
    if proc is None:
        raise NotFound(
            f"không có thủ tục mã '{code}' / unknown procedure '{code}'", field="procedure"
        )
    return proc


def _validate_applicant(a: ApplicantIn) -> None:
    from counter_app.domain.identity import validate_id_number

    validate_id_number(a.id_number, a.date_of_birth)


def _subject_in(data: Any) -> SubjectIn:
    try:
        return SubjectIn.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "subjects"
        msg = err["msg"].removeprefix("Value error, ")
        raise BadInput(f"dữ liệu không hợp lệ / invalid input: {loc}: {msg}", field="subjects") from None


def subjects_of(
    given: list[SubjectIn], proc: Procedure, today: dt.date, *, receiving: bool
) -> list[dict[str, Any]]:
    """The subjects given, checked against the procedure's (every required one to receive)."""
    from counter_app.domain.subjects import check_subjects, parse_specs

    try:
        specs = parse_specs(proc.subjects or [])
    except ValueError:  # a row stored by an older import: nothing to ask
        specs = []
    items = [s.model_dump(exclude_none=True, exclude={"label"}) for s in given]
    return check_subjects(specs, items, today=today, require_all=receiving)


def evaluate(
    session: Session, req: ReceiveRequest
) -> tuple[Procedure, rules.Checklist, rules.FeeResult]:
    proc = _procedure(session, req.procedure, req.procedure_version)
    specs = rules.specs_from_catalog(proc.components)
    checklist = rules.evaluate_checklist(
        specs,
        [
            rules.ComponentReceived(c.index, c.original, c.copies, c.presented, c.note)
            for c in req.components
        ],
    )
    fee = rules.compute_fee(proc.fees, req.fee_overrides, fee_quantities(req.fee_quantities))
    return proc, checklist, fee


def fee_quantities(raw: dict[str, FeeQuantityIn]) -> dict[str, rules.FeeQuantity]:
    return {name: rules.FeeQuantity(q.copies, tuple(q.pages)) for name, q in raw.items()}


def appointment_for(
    settings: Settings, proc: Procedure, received_at: dt.datetime
):  # -> Appointment
    from counter_app.services.calendar import get_calendar

    cal = get_calendar(settings)
    unit = "working_hours" if proc.processing_unit == "working_hours" else "working_days"
    duration = 0 if proc.processing_unit == "same_day" else proc.processing_value
    return cal.appointment(received_at, duration, unit, cut_off=proc.cut_off or settings.cut_off)


def receive(
    store: Store,
    settings: Settings,
    data: ReceiveRequest | dict[str, Any],
    *,
    actor: str,
    counter_code: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Receive one dossier in one transaction: validate, code, appointment, store, event, outbox."""
    req = data if isinstance(data, ReceiveRequest) else parse_request(data)
    _validate_applicant(req.applicant)
    if req.outcome == "refuse" and not req.reason.strip():
        raise BadInput("phải ghi lý do từ chối / a refusal needs a reason", field="reason")
    tz = settings.tz
    with store.write() as session:
        if req.client_id:
            existing = session.exec(select(Dossier).where(Dossier.id == req.client_id)).first()
            if existing is not None:
                return dossier_to_dict(session, existing)
        proc, checklist, fee = evaluate(session, req)
        if req.outcome == "receive":
            _require_complete(checklist)
            _require_pages(fee)
        payment = _payment(req, fee)
        from counter_app.domain.delivery import check_delivery

        delivery = check_delivery(req.delivery.model_dump() if req.delivery else None)
        if req.outcome == "supplement" and checklist.complete and not req.reason.strip():
            raise BadInput(
                "hồ sơ đã đủ thành phần: nêu nội dung cần hoàn thiện / the dossier is complete: "
                "say what must be corrected",
                field="reason",
            )
        received_at = req.received_at or legal_now(session, tz, now=now)
        if received_at.tzinfo is None:
            received_at = received_at.replace(tzinfo=tz)
        received_at = received_at.astimezone(tz)
        subjects = subjects_of(
            req.subjects, proc, received_at.date(), receiving=req.outcome == "receive"
        )
        device = device_info(session)
        day = received_at.date()
        seq = next_sequence(session, f"dossier:{day:%y%m%d}:{device['slot']}")
        code = rules.dossier_code(settings.agency_id, day, device["slot"], seq)
        entry = next_sequence(session, f"book:{day:%Y}:{device['slot']}")
        status = {
            "receive": rules.Status.RECEIVED,
            "supplement": rules.Status.NEED_SUPPLEMENT,
            "refuse": rules.Status.REFUSED,
        }[req.outcome]
        appointment_at = None
        due_rule = ""
        cal_version = ""
        provisional = False
        if status is rules.Status.RECEIVED:
            appt = appointment_for(settings, proc, received_at)
            appointment_at = iso(appt.due)
            due_rule = appt.rule
            cal_version = appt.calendar_version
            provisional = bool(appt.provisional)
        from counter_app.domain.text import fold

        applicant = req.applicant.model_dump(mode="json", exclude_none=True)
        stamp = iso(legal_now(session, tz, now=now))
        if payment is not None:
            payment |= {"paid_at": stamp, "officer": actor}
        dossier = Dossier(
            id=req.client_id or uuid7_str(),
            code=code,
            lookup_code=rules.lookup_code(code),
            center_code=settings.center_code,
            book_volume=f"{day:%Y}",
            book_entry=rules.book_entry(device["slot"], entry),
            procedure_code=proc.code,
            procedure_version=proc.version,
            procedure_name=proc.name,
            applicant=applicant,
            applicant_id_number=req.applicant.id_number,
            applicant_name_key=fold(req.applicant.full_name),
            applicant_phone=req.applicant.phone,
            subjects=subjects,
            ticket_number=req.ticket,
            officer=actor,
            counter_code=counter_code or settings.counter_code,
            device_id=device["id"],
            received_at=iso(received_at),
            appointment_at=appointment_at,
            sets=req.copies,
            due_rule=due_rule,
            calendar_version=cal_version,
            provisional_due=provisional,
            status=status.value,
            channel=req.channel,
            competent_agency=proc.agency,
            fee_vnd=fee.total_vnd if status is rules.Status.RECEIVED else 0,
            fees=fee.lines,
            payment=payment,
            result_delivery=delivery,
            components=[line.as_dict() for line in checklist.lines],
            missing=[line.as_dict() for line in checklist.missing],
            note=req.note,
            reason=req.reason,
            supplement_count=1 if status is rules.Status.NEED_SUPPLEMENT else 0,
            created_at=stamp,
            updated_at=stamp,
        )
        session.add(dossier)
        session.flush()
        record(
            session,
            entity="dossier",
            entity_id=dossier.id,
            action=req.outcome,
            actor=actor,
            at=stamp,
            data={"code": code, "status": status.value},
            payload={"dossier": _wire(dossier)},
        )
        return dossier_to_dict(session, dossier)


def _require_own(d: Dossier, settings: Settings) -> None:
    from counter_app.services.forwarding import require_own

    require_own(d, settings)


def _wire(d: Dossier) -> dict[str, Any]:
    return d.model_dump(mode="json")


def dossier_to_dict(session: Session, d: Dossier, *, with_history: bool = False) -> dict[str, Any]:
    out = d.model_dump(mode="json")
    atts = session.exec(
        select(Attachment).where(Attachment.dossier_id == d.id).order_by(Attachment.created_at)
    ).all()
    by_comp: dict[int, list[dict[str, Any]]] = {}
    for a in atts:
        by_comp.setdefault(a.component_index, []).append(
            {
                "sha256": a.sha256,
                "pages": a.pages,
                "size": a.size,
                "mime": a.mime,
                "upload_state": a.upload_state,
            }
        )
    for comp in out["components"]:
        comp["attachments"] = by_comp.get(comp["index"], [])
    out["status_label"] = rules.STATUS_LABELS_VI.get(rules.Status(d.status), d.status)
    if with_history:
        out["history"] = history(session, d.id)
    return out


def history(session: Session, dossier_id: str) -> list[dict[str, Any]]:
    events = session.exec(
        select(Event)
        .where(Event.entity == "dossier", Event.entity_id == dossier_id)
        .order_by(Event.id)
    ).all()
    return [{"at": e.at, "actor": e.actor, "action": e.action, "data": e.data} for e in events]


def get(store: Store, code: str, *, with_history: bool = True) -> dict[str, Any]:
    with store.read() as session:
        return dossier_to_dict(session, _find(session, code), with_history=with_history)


def _find(session: Session, code: str) -> Dossier:
    code = code.strip()
    d = session.exec(
        select(Dossier).where(
            or_(Dossier.code == code, Dossier.lookup_code == code, Dossier.official_code == code)
        )
    ).first()
    if d is None:
        raise NotFound(f"không tìm thấy hồ sơ '{code}' / no dossier '{code}'", field="code")
    return d


def list_dossiers(
    store: Store,
    *,
    status: str | None = None,
    day: dt.date | None = None,
    counter_code: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    with store.read() as session:
        q = select(Dossier)
        if status:
            q = q.where(Dossier.status == rules.parse_status(status).value)
        if day:
            q = q.where(col(Dossier.received_at).startswith(day.isoformat()))
        if counter_code:
            q = q.where(Dossier.counter_code == counter_code)
        rows = session.exec(q.order_by(col(Dossier.received_at).desc()).limit(limit)).all()
        return [dossier_to_dict(session, d) for d in rows]


_TICKET_RE = re.compile(r"^[A-Z](-\d{2}-)?\d{3,4}$")


def lookup(store: Store, text: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Find dossiers by code, lookup code, ID number, phone, (diacritic-insensitive) name, or
    the queue ticket they were received for (e.g. "A012": every dossier of that ticket)."""
    from counter_app.domain.text import fold

    text = text.strip()
    if not text:
        return []
    with store.read() as session:
        digits = text.replace(" ", "")
        conds = [
            col(Dossier.code).contains(text.upper()),
            col(Dossier.lookup_code) == text.upper(),
            col(Dossier.official_code) == text,
        ]
        if digits.isdigit():
            conds.append(col(Dossier.applicant_id_number).startswith(digits))
            conds.append(col(Dossier.applicant_phone).startswith(digits))
        key = fold(text)
        if key:
            conds.append(col(Dossier.applicant_name_key).contains(key))
        if _TICKET_RE.match(text.upper()):
            conds.append(col(Dossier.ticket_number) == text.upper())
        rows = session.exec(
            select(Dossier)
            .where(or_(*conds))
            .order_by(col(Dossier.received_at).desc())
            .limit(limit)
        ).all()
        return [dossier_to_dict(session, d) for d in rows]


def transition(
    store: Store,
    settings: Settings,
    code: str,
    target: str,
    *,
    actor: str,
    reason: str = "",
    new_due: dt.datetime | None = None,
    late_reason: str = "",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Move a dossier along the state machine (processing, done, extended, withdrawn, …).

    An extension (form 04) needs a new date after the current one, on a working day; sent later
    than one working day before the appointment, it needs `late_reason` (recorded)."""
    if target == rules.Status.RECEIVED.value:
        with store.read() as session:
            waiting = _find(session, code).status == rules.Status.NEED_SUPPLEMENT.value
        if waiting:
            # Only with the missing components: checked, and the due date computed again.
            return complete_supplement(store, settings, code, [], actor=actor, now=now)
    with store.write() as session:
        d = _find(session, code)
        from counter_app.services import forwarding

        forwarding.require_own(d, settings)
        tgt = rules.check_transition(
            d.status, target, supplement_count=d.supplement_count, extension_count=d.extension_count
        )

        forwarding.refuse_while_held(d, tgt)
        moment = legal_now(session, settings.tz, now=now)
        stamp = iso(moment)
        before = d.status
        base = d.version
        extra: dict[str, Any] = {}
        if tgt is rules.Status.EXTENDED:
            check = _check_extension(settings, d, new_due, moment, reason, late_reason)
            d.extension_count += 1
            d.original_appointment_at = d.original_appointment_at or d.appointment_at
            d.appointment_at = iso(check.new_due)
            d.reason = reason.strip()
            d.apology_late_reason = check.late_reason
            extra = {"new_due": d.appointment_at, "late": check.issued_late}
        d.status = tgt.value
        if tgt is rules.Status.DONE:
            d.result_at = stamp
        if tgt is rules.Status.NEED_SUPPLEMENT:
            d.supplement_count += 1
            d.reason = reason or d.reason
        if tgt in (rules.Status.REFUSED, rules.Status.WITHDRAWN):
            if not reason.strip():
                raise BadInput(
                    "cần lý do (in trên phiếu từ chối / thông báo dừng) / a reason is required",
                    field="reason",
                )
            d.reason = reason.strip()
        if tgt is rules.Status.WITHDRAWN:
            forwarding.close_on_withdrawal(d, actor=actor, moment=moment, settings=settings)
        d.version += 1
        d.updated_at = stamp
        session.add(d)
        record(
            session,
            entity="dossier",
            entity_id=d.id,
            action="transition",
            actor=actor,
            at=stamp,
            data={"from": before, "to": tgt.value, "reason": reason, **extra},
            payload={
                "dossier": _wire(d),
                "from": before,
                "to": tgt.value,
                "reason": reason,
                "appointment_at": d.appointment_at,
            },
            base_version=base,
        )
        return dossier_to_dict(session, d)


def _check_extension(
    settings: Settings,
    d: Dossier,
    new_due: dt.datetime | None,
    moment: dt.datetime,
    reason: str,
    late_reason: str,
):  # -> ExtensionCheck
    from counter_app.domain.extension import check_extension
    from counter_app.services.calendar import get_calendar

    if new_due is None:
        raise BadInput(
            "gia hạn cần ngày hẹn mới / an extension needs the new date", field="new_due"
        )
    if not reason.strip():
        raise BadInput(
            "văn bản xin lỗi cần nêu lý do chậm / the apology needs the reason for the delay",
            field="reason",
        )
    if not d.appointment_at:
        raise InvalidTransition(
            "hồ sơ chưa có ngày hẹn để gia hạn / the dossier has no appointment to extend",
            field="status",
        )
    return check_extension(
        get_calendar(settings),
        current_due=dt.datetime.fromisoformat(d.appointment_at),
        new_due=new_due,
        now=moment,
        late_reason=late_reason,
    )


def complete_supplement(
    store: Store,
    settings: Settings,
    code: str,
    components: list[dict[str, Any]],
    *,
    actor: str,
    now: dt.datetime | None = None,
    subjects: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The citizen came back with the missing papers: the dossier is received, and the due date is
    computed again from the day it became complete (docs/DOMAIN.md §0.6). `subjects` adds or replaces,
    by role, the persons the dossier is about; every one the procedure requires must be known."""
    with store.write() as session:
        d = _find(session, code)
        _require_own(d, settings)
        rules.check_transition(d.status, rules.Status.RECEIVED.value, components_complete=True)
        proc = _procedure(session, d.procedure_code, d.procedure_version)
        merged: dict[int, dict[str, Any]] = {c["index"]: dict(c) for c in d.components}
        for c in components:
            parsed = ComponentIn.model_validate(c)
            merged[parsed.index] = {
                **merged.get(parsed.index, {}),
                **parsed.model_dump(by_alias=True),
            }
        received = [
            rules.ComponentReceived(
                int(c["index"]),
                int(c.get("original", 0)),
                int(c.get("copy", 0)),
                bool(c.get("presented", False)),
                str(c.get("note", "")),
            )
            for c in merged.values()
        ]
        checklist = rules.evaluate_checklist(rules.specs_from_catalog(proc.components), received)
        if not checklist.complete:
            first = checklist.missing[0]
            raise BadInput(
                f"chưa thể tiếp nhận: vẫn thiếu thành phần số {first.spec.index} "
                f"'{first.spec.name}' ({first.lacking}) / cannot receive yet: component "
                f"{first.spec.index} is still missing",
                field=f"components[{first.spec.index}]",
            )
        when = legal_now(session, settings.tz, now=now)
        by_role = {str(x.get("role")): _subject_in(x) for x in d.subjects or []}
        for x in subjects or []:
            parsed = _subject_in(x)
            by_role[parsed.role] = parsed
        d.subjects = subjects_of(list(by_role.values()), proc, when.date(), receiving=True)
        appt = appointment_for(settings, proc, when)
        base = d.version
        d.status = rules.Status.RECEIVED.value
        d.components = [line.as_dict() for line in checklist.lines]
        d.missing = []
        d.appointment_at = iso(appt.due)
        d.due_rule = appt.rule
        d.calendar_version = appt.calendar_version
        d.provisional_due = bool(appt.provisional)
        # the fee was computed with the citizen's quantities at reception; it is due now
        d.fee_vnd = sum(int(x["amount_vnd"]) for x in d.fees if x.get("amount_vnd") is not None)
        d.version += 1
        d.updated_at = iso(when)
        session.add(d)
        record(
            session,
            entity="dossier",
            entity_id=d.id,
            action="supplemented",
            actor=actor,
            at=iso(when),
            data={"from": "need_supplement", "to": "received"},
            payload={"dossier": _wire(d), "from": "need_supplement", "to": "received"},
            base_version=base,
        )
        return dossier_to_dict(session, d)


PAYABLE = frozenset(
    {rules.Status.RECEIVED, rules.Status.PROCESSING, rules.Status.EXTENDED, rules.Status.DONE}
)


def record_payment(
    store: Store,
    settings: Settings,
    code: str,
    *,
    method: str,
    reference: str = "",
    actor: str,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Record how the dossier's fee was paid (cash, transfer, VietQR), once."""
    from counter_app.domain.fees import check_payment

    with store.write() as session:
        d = _find(session, code)
        _require_own(d, settings)
        if rules.Status(d.status) not in PAYABLE:
            raise InvalidTransition(
                f"hồ sơ '{rules.STATUS_LABELS_VI[rules.Status(d.status)]}' không thu phí / no "
                "fee is collected for a dossier in this state",
                field="status",
            )
        if d.payment:
            raise InvalidTransition(
                "phí, lệ phí của hồ sơ đã được ghi nhận / the payment is already recorded",
                field="payment",
            )
        payment = check_payment(method, reference, d.fee_vnd)
        when = iso(legal_now(session, settings.tz, now=now))
        payment |= {"paid_at": when, "officer": actor}
        base = d.version
        d.payment = payment
        d.version += 1
        d.updated_at = when
        session.add(d)
        record(
            session,
            entity="dossier",
            entity_id=d.id,
            action="paid",
            actor=actor,
            at=when,
            data={"method": payment["method"], "amount_vnd": payment["amount_vnd"]},
            payload={"dossier": _wire(d)},
            base_version=base,
        )
        return dossier_to_dict(session, d)


RETURN_ID_METHODS = ("visual", "qr", "chip")


def record_return(
    store: Store,
    settings: Settings,
    code: str,
    *,
    actor: str,
    receiver_name: str,
    receiver_id_number: str,
    id_checked: bool,
    relation: str = "applicant",
    id_method: str = "visual",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Hand the result to the citizen (or their representative) and record who took it.

    `id_method` says how the receiver's identity was checked: "visual" (the card looked at),
    "qr" (the card's QR scanned) or "chip" (the chip read and verified). Someone other than the
    applicant must say in what capacity they take it (`relation`)."""
    if id_method not in RETURN_ID_METHODS:
        raise BadInput(
            f"cách kiểm tra giấy tờ không hợp lệ / unknown id_method ({', '.join(RETURN_ID_METHODS)})",
            field="id_method",
        )
    relation = " ".join(str(relation or "").split())[:100] or "applicant"
    if not receiver_name.strip():
        raise BadInput(
            "cần tên người nhận kết quả / the receiver's name is required", field="receiver_name"
        )
    if not id_checked:
        raise BadInput(
            "phải kiểm tra giấy tờ tùy thân người nhận / the receiver's ID must be checked",
            field="id_checked",
        )
    from counter_app.domain.identity import validate_id_number

    validate_id_number(receiver_id_number)
    with store.write() as session:
        d = _find(session, code)
        _require_own(d, settings)
        rules.check_transition(d.status, rules.Status.RETURNED.value)
        if relation == "applicant" and receiver_id_number != d.applicant_id_number:
            raise BadInput(
                "người nhận không phải người nộp hồ sơ: ghi quan hệ (người được ủy quyền, người "
                "thân…) / the receiver is not the applicant: say in what capacity they take it",
                field="relation",
            )
        when = iso(legal_now(session, settings.tz, now=now))
        base = d.version
        d.status = rules.Status.RETURNED.value
        d.returned_at = when
        d.returned_to = {
            "name": receiver_name.strip(),
            "id_number": receiver_id_number,
            "relation": relation,
            "id_checked": True,
            "id_method": id_method,
            "officer": actor,
        }
        d.version += 1
        d.updated_at = when
        session.add(d)
        record(
            session,
            entity="dossier",
            entity_id=d.id,
            action="returned",
            actor=actor,
            at=when,
            data={"from": "done", "to": "returned"},
            payload={"dossier": _wire(d), "from": "done", "to": "returned"},
            base_version=base,
        )
        return dossier_to_dict(session, d)


def summary(
    store: Store, settings: Settings, *, day: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Supervisor view: today's counts by status and procedure; overdue and due-today dossiers."""
    with store.read() as session:
        current = legal_now(session, settings.tz, now=now)
        day = day or current.date()
        todays = session.exec(
            select(Dossier).where(col(Dossier.received_at).startswith(day.isoformat()))
        ).all()
        by_status: dict[str, int] = {}
        by_proc: dict[str, int] = {}
        for d in todays:
            by_status[d.status] = by_status.get(d.status, 0) + 1
            by_proc[d.procedure_name] = by_proc.get(d.procedure_name, 0) + 1
        open_rows = session.exec(
            select(Dossier).where(col(Dossier.status).in_([s.value for s in rules.OPEN_STATES]))
        ).all()
        overdue, due_today = [], []
        for d in open_rows:
            if not d.appointment_at:
                continue
            due = dt.datetime.fromisoformat(d.appointment_at)
            brief = {
                "code": d.code,
                "procedure": d.procedure_name,
                "applicant": d.applicant.get("full_name"),
                "appointment_at": d.appointment_at,
                "status": d.status,
            }
            if due < current:
                overdue.append(brief)
            elif due.astimezone(settings.tz).date() == current.date():
                due_today.append(brief)
        return {
            "day": day.isoformat(),
            "total": len(todays),
            "by_status": by_status,
            "by_procedure": dict(sorted(by_proc.items(), key=lambda kv: -kv[1])),
            "overdue": sorted(overdue, key=lambda b: b["appointment_at"]),
            "due_today": sorted(due_today, key=lambda b: b["appointment_at"]),
        }


def preflight(store: Store, settings: Settings, req: ReceiveRequest) -> None:
    """Every check `receive` makes, without storing anything (for batch input)."""
    _validate_applicant(req.applicant)
    if req.outcome == "refuse" and not req.reason.strip():
        raise BadInput("phải ghi lý do từ chối / a refusal needs a reason", field="reason")
    with store.read() as session:
        proc, checklist, fee = evaluate(session, req)
        subjects_of(
            req.subjects, proc, legal_now(session, settings.tz).date(),
            receiving=req.outcome == "receive",
        )
    if req.outcome == "receive":
        _require_complete(checklist)
        _require_pages(fee)
    _payment(req, fee)


def _require_pages(fee: rules.FeeResult) -> None:
    if fee.needs_pages:
        raise BadInput(
            f"nhập số trang cho '{fee.needs_pages[0]}' (tính phí theo trang) / enter the page "
            "count for this per-page fee",
            field="fee_quantities",
        )


def _payment(req: ReceiveRequest, fee: rules.FeeResult) -> dict[str, Any] | None:
    from counter_app.domain.fees import check_payment

    if req.payment is None:
        return None
    if req.outcome != "receive":
        raise BadInput(
            "chỉ thu phí khi tiếp nhận hồ sơ / a fee is paid only when the dossier is received",
            field="payment",
        )
    return check_payment(req.payment.method, req.payment.reference, fee.total_vnd)


def _require_complete(checklist: rules.Checklist) -> None:
    if checklist.complete:
        return
    first = checklist.missing[0]
    raise BadInput(
        f"thiếu thành phần bắt buộc số {first.spec.index} '{first.spec.name}' ({first.lacking}) "
        f"/ missing required component {first.spec.index}",
        field=f"components[{first.spec.index}]",
    )
