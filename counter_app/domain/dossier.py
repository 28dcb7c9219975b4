"""Dossier rules: state machine, dossier and lookup codes, checklist completeness, fees.

Pure: no I/O. The services layer feeds it catalog rows and stores what it returns.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from counter_app.domain.fees import FeeQuantity, FeeResult, compute_fee
from counter_app.errors import BadInput, InvalidTransition

__all__ = ["FeeQuantity", "FeeResult", "compute_fee"]  # fees live in domain/fees.py


class Status(StrEnum):
    RECEIVED = "received"  # complete, receipt + appointment issued (form 01)
    NEED_SUPPLEMENT = "need_supplement"  # one-time written request to supplement (form 02)
    REFUSED = "refused"  # refusal slip (form 03)
    PROCESSING = "processing"  # forwarded to the competent authority
    EXTENDED = "extended"  # apology + new date (form 04), once
    DONE = "done"  # result ready at the center
    RETURNED = "returned"  # result handed to the citizen
    WITHDRAWN = "withdrawn"  # stopped at the applicant's request (form 05)


# Allowed transitions. A dossier is created directly in RECEIVED, NEED_SUPPLEMENT or REFUSED.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.PROCESSING, Status.DONE, Status.EXTENDED, Status.WITHDRAWN}),
    Status.NEED_SUPPLEMENT: frozenset({Status.RECEIVED, Status.REFUSED, Status.WITHDRAWN}),
    Status.REFUSED: frozenset(),
    Status.PROCESSING: frozenset(
        {Status.DONE, Status.EXTENDED, Status.NEED_SUPPLEMENT, Status.WITHDRAWN, Status.REFUSED}
    ),
    Status.EXTENDED: frozenset({Status.PROCESSING, Status.DONE, Status.WITHDRAWN}),
    Status.DONE: frozenset({Status.RETURNED}),
    Status.RETURNED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
INITIAL = frozenset({Status.RECEIVED, Status.NEED_SUPPLEMENT, Status.REFUSED})
OPEN_STATES = frozenset({Status.RECEIVED, Status.PROCESSING, Status.EXTENDED})

STATUS_LABELS_VI = {
    Status.RECEIVED: "Đã tiếp nhận",
    Status.NEED_SUPPLEMENT: "Chờ bổ sung",
    Status.REFUSED: "Từ chối tiếp nhận",
    Status.PROCESSING: "Đang giải quyết",
    Status.EXTENDED: "Gia hạn",
    Status.DONE: "Có kết quả",
    Status.RETURNED: "Đã trả kết quả",
    Status.WITHDRAWN: "Dừng giải quyết",
}
STATUS_LABELS_EN = {
    Status.RECEIVED: "Received",
    Status.NEED_SUPPLEMENT: "Awaiting supplementation",
    Status.REFUSED: "Refused",
    Status.PROCESSING: "Processing",
    Status.EXTENDED: "Extended",
    Status.DONE: "Result ready",
    Status.RETURNED: "Returned",
    Status.WITHDRAWN: "Withdrawn",
}


# how a dossier was filed (Decree 118/2025 art. 15; the service index counts the online share)
CHANNELS = ("counter", "post", "online")
CHANNEL_LABELS = {
    "vi": {"counter": "Trực tiếp", "post": "Bưu chính công ích", "online": "Trực tuyến"},
    "en": {"counter": "At the counter", "post": "Public postal service", "online": "Online"},
}


def channel_label(channel: str, lang: str = "vi") -> str:
    return CHANNEL_LABELS["en" if lang == "en" else "vi"].get(channel, str(channel))


def status_label(status: str, lang: str = "vi") -> str:
    """The one wording of a status, on every screen and form (unknown values as given)."""
    try:
        state = Status(status)
    except ValueError:
        return str(status)
    return (STATUS_LABELS_EN if lang == "en" else STATUS_LABELS_VI)[state]


def parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise BadInput(
            f"trạng thái không hợp lệ / unknown status '{value}' ({allowed})", field="status"
        ) from None


def check_transition(
    current: str,
    target: str,
    *,
    supplement_count: int = 0,
    extension_count: int = 0,
    components_complete: bool = False,
) -> Status:
    """Validate a transition; returns the target status or raises InvalidTransition.

    A dossier waiting for supplementation becomes "received" only with every required component
    handed over (`components_complete`): otherwise its receipt (form 01) would carry no return
    date for a dossier that is not complete."""
    cur, tgt = parse_status(current), parse_status(target)
    if tgt not in TRANSITIONS[cur]:
        raise InvalidTransition(
            f"không thể chuyển hồ sơ từ '{STATUS_LABELS_VI[cur]}' sang '{STATUS_LABELS_VI[tgt]}' "
            f"/ cannot go from {cur.value} to {tgt.value}",
            field="status",
        )
    if cur is Status.NEED_SUPPLEMENT and tgt is Status.RECEIVED and not components_complete:
        raise InvalidTransition(
            "hồ sơ chờ bổ sung chỉ được tiếp nhận khi đã nhận đủ các thành phần còn thiếu "
            "(dùng 'Nhận bổ sung' / dossier supplement) / a dossier awaiting supplementation is "
            "received only with its missing components (use dossier supplement)",
            field="status",
        )
    if tgt is Status.NEED_SUPPLEMENT and supplement_count >= 1:
        raise InvalidTransition(
            "chỉ được yêu cầu bổ sung hồ sơ một lần (Nghị định 118/2025 Điều 11) "
            "/ supplementation may be requested only once",
            field="status",
        )
    if tgt is Status.EXTENDED and extension_count >= 1:
        raise InvalidTransition(
            "chỉ được hẹn lại ngày trả kết quả một lần / the due date may be reset only once",
            field="status",
        )
    return tgt


# --- codes -------------------------------------------------------------------------------------

_AGENCY_RE = re.compile(r"^[A-Z0-9][A-Z0-9.]{2,30}$")
_CODE_RE = re.compile(r"^(?P<agency>[A-Z0-9][A-Z0-9.]{2,30})-(?P<day>\d{6})-(?P<seq>\d{4,})$")
_LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def dossier_code(agency_id: str, received_on: dt.date, slot: str, sequence: int) -> str:
    """`<agency e-ID>-<YYMMDD>-<SS><NNNN>`: the device slot leads the daily sequence, so two
    counter PCs of one center never produce the same code offline (docs/DOMAIN.md §0.4)."""
    if not _AGENCY_RE.match(agency_id):
        raise BadInput(
            f"mã định danh cơ quan không hợp lệ / bad agency id '{agency_id}'", field="agency_id"
        )
    if not (len(slot) == 2 and slot.isdigit()):
        raise BadInput(f"slot must be 2 digits, got '{slot}'", field="slot")
    if sequence < 1:
        raise BadInput("sequence starts at 1", field="sequence")
    return f"{agency_id}-{received_on:%y%m%d}-{slot}{sequence:04d}"


def book_entry(slot: str, number: int) -> str:
    """The entry of a dossier in the center's book (Sổ theo dõi hồ sơ) for the year: the device
    slot, then the device's yearly count — "03.0127" — unique across the center's counters even
    when they number offline, and in receipt order on each counter."""
    if not (len(slot) == 2 and slot.isdigit()) or number < 1:
        raise BadInput("bad book entry", field="book_entry")
    return f"{slot}.{number:04d}"


def parse_book_entry(entry: str) -> tuple[str, int] | None:
    m = re.fullmatch(r"(\d{2})\.(\d{4,})", entry or "")
    return (m.group(1), int(m.group(2))) if m else None


def parse_dossier_code(code: str) -> dict[str, str]:
    m = _CODE_RE.match(code.strip().upper())
    if not m:
        raise BadInput(f"mã hồ sơ không đúng dạng / malformed dossier code '{code}'", field="code")
    return m.groupdict()


def lookup_code(code: str, rand: str | None = None) -> str:
    """The dossier code plus 6 random characters: printed in the QR, not enumerable."""
    if rand is None:
        rand = "".join(secrets.choice(_LOOKUP_ALPHABET) for _ in range(6))
    return f"{code}-{rand}"


# --- checklist ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentSpec:
    index: int
    name: str
    original: int = 0
    copy: int = 0
    required: bool = True
    note: str = ""

    @property
    def present_only(self) -> bool:
        """Shown for checking only (e.g. the ID card): nothing is kept, but it must be presented."""
        return self.original == 0 and self.copy == 0


@dataclass
class ComponentReceived:
    index: int
    original: int = 0
    copy: int = 0
    presented: bool = False
    note: str = ""


@dataclass
class ChecklistLine:
    spec: ComponentSpec
    received: ComponentReceived
    ok: bool
    lacking: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.spec.index,
            "name": self.spec.name,
            "required": self.spec.required,
            "original": self.received.original,
            "copy": self.received.copy,
            "presented": self.received.presented,
            "expected_original": self.spec.original,
            "expected_copy": self.spec.copy,
            "note": self.received.note,
            "ok": self.ok,
            "lacking": self.lacking,
        }


@dataclass
class Checklist:
    lines: list[ChecklistLine] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(line.ok for line in self.lines if line.spec.required)

    @property
    def missing(self) -> list[ChecklistLine]:
        return [line for line in self.lines if line.spec.required and not line.ok]


def specs_from_catalog(components: list[dict[str, Any]]) -> list[ComponentSpec]:
    out = []
    for i, c in enumerate(components, start=1):
        out.append(
            ComponentSpec(
                index=int(c.get("index", i)),
                name=str(c["name"]),
                original=int(c.get("original") or 0),
                copy=int(c.get("copy") or 0),
                required=bool(c.get("required", True)),
                note=str(c.get("note") or ""),
            )
        )
    return out


def evaluate_checklist(specs: list[ComponentSpec], received: list[ComponentReceived]) -> Checklist:
    """Compare what the citizen handed over with what the procedure requires."""
    by_index: dict[int, ComponentReceived] = {}
    known = {s.index for s in specs}
    for r in received:
        if r.index not in known:
            raise BadInput(
                f"thành phần số {r.index} không có trong thủ tục / no component {r.index} in this procedure",
                field=f"components[{r.index}]",
            )
        if r.original < 0 or r.copy < 0:
            raise BadInput(
                "số bản không được âm / counts cannot be negative", field=f"components[{r.index}]"
            )
        if r.index in by_index:
            raise BadInput(
                f"thành phần số {r.index} lặp lại / component {r.index} listed twice",
                field="components",
            )
        by_index[r.index] = r
    lines = []
    for spec in specs:
        got = by_index.get(spec.index, ComponentReceived(index=spec.index))
        lacking = []
        if spec.present_only:
            ok = got.presented or got.original > 0 or got.copy > 0
            if not ok:
                lacking.append("xuất trình để đối chiếu")
        else:
            if got.original < spec.original:
                lacking.append(f"thiếu {spec.original - got.original} bản chính")
            if got.copy < spec.copy:
                lacking.append(f"thiếu {spec.copy - got.copy} bản sao")
            ok = not lacking
        lines.append(ChecklistLine(spec=spec, received=got, ok=ok, lacking=", ".join(lacking)))
    return Checklist(lines)


# --- fees --------------------------------------------------------------------------------------


def format_vnd(amount: int | None) -> str:
    if amount is None:
        return "—"
    return f"{amount:,}".replace(",", ".") + " đồng"
