"""Form 07: the book of dossiers (Sổ theo dõi hồ sơ) for a period, A4 landscape.

One row per dossier received at the center, in the order received, with the columns of the
circular's template: entry, code, procedure, number of sets, applicant, address and phone, the
deciding body, received, appointment, sent to the deciding body, result back from it, result
returned to the citizen, the receiver's signature (left blank, signed on paper) and notes (refused,
supplementation asked, stopped, extended, returned late). Everything comes from the recorded
dossier: nothing is typed into the book.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from counter_app.documents.forms import (
    CenterInfo,
    _Form,
    _parse_time,
    _tz,
    clean,
)
from counter_app.errors import BadInput

HEADINGS = (
    "Số thứ tự",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả cho cá nhân, tổ chức",
    "Ký nhận",
    "Ghi chú",
)
WIDTHS = (13, 28, 28, 11, 21, 23, 20, 17, 17, 20, 20, 20, 10, 19)
ALIGNS = ("C", "L", "L", "C", "L", "L", "L", "C", "C", "L", "L", "L", "C", "L")

MAX_ROWS = 20_000  # a busy ward's month is ~9,000; more is a mistake in the period


def _when(value: Any, tz: Any) -> str:
    t = _parse_time(value, tz)
    return f"{t:%H:%M}\n{t:%d/%m/%Y}" if t is not None else ""


def _address_phone(applicant: dict[str, Any]) -> str:
    parts = [clean(applicant.get("address")), clean(applicant.get("phone"))]
    return "\n".join(p for p in parts if p)


def _sent(dossier: dict[str, Any], tz: Any) -> str:
    steps = [s for s in dossier.get("handovers") or [] if isinstance(s, dict)]
    if not steps:
        return ""
    first = steps[0]
    return f"{_when(first.get('sent_at'), tz)}\n{clean(first.get('to_body'))}".strip()


def _result_back(dossier: dict[str, Any], tz: Any) -> str:
    from counter_app.domain.forwarding import RESULT_LABELS, StepResult

    back = [
        s
        for s in dossier.get("handovers") or []
        if isinstance(s, dict) and s.get("back_at") and s.get("result") != "passed_on"
    ]
    if not back:
        return ""
    last = back[-1]
    result = last.get("result")
    label = RESULT_LABELS["vi"][StepResult(result)] if result in set(StepResult) else ""
    return f"{_when(last.get('back_at'), tz)}\n{label}".strip()


def _returned(dossier: dict[str, Any], tz: Any) -> str:
    if not dossier.get("returned_at"):
        return ""
    to = dossier.get("returned_to") or {}
    who = clean(to.get("name"))
    return f"{_when(dossier.get('returned_at'), tz)}\n{who}".strip()


def _notes(dossier: dict[str, Any], tz: Any) -> str:
    status = dossier.get("status")
    notes: list[str] = []
    if status == "refused":
        notes.append("Từ chối tiếp nhận")
    elif status == "need_supplement":
        notes.append("Yêu cầu bổ sung hồ sơ")
    elif status == "withdrawn":
        notes.append("Dừng giải quyết theo đề nghị")
    if int(dossier.get("supplement_count") or 0) and status != "need_supplement":
        notes.append("Đã bổ sung hồ sơ")
    if dossier.get("original_appointment_at") and dossier.get("extension_count"):
        due = _parse_time(dossier.get("appointment_at"), tz)
        if due is not None:
            notes.append(f"Gia hạn đến {due:%d/%m/%Y}")
    returned = _parse_time(dossier.get("returned_at"), tz)
    due = _parse_time(dossier.get("appointment_at"), tz)
    if returned is not None and due is not None and returned > due:
        notes.append("Trả quá hạn")
    return "; ".join(notes)


def _procedure(d: dict[str, Any]) -> str:
    """The procedure, and whom it is about when that is not the applicant (the child, the
    deceased, both parties of a marriage)."""
    whom = [
        f"{clean(x.get('label'))}: {clean(x.get('full_name'))}"
        for x in d.get("subjects") or []
        if isinstance(x, dict) and x.get("full_name")
    ]
    name = clean(d.get("procedure_name"))
    return f"{name} ({'; '.join(whom)})" if whom else name


def book_rows(dossiers: Sequence[dict[str, Any]], tz: Any) -> list[tuple[str, ...]]:
    """The book's rows, one per dossier, in the order given (the service sorts by receipt)."""
    rows: list[tuple[str, ...]] = []
    for d in dossiers:
        a = d.get("applicant") or {}
        rows.append(
            (
                clean(d.get("book_entry")),
                clean(d.get("code")),
                _procedure(d),
                str(int(d.get("sets") or 1)),
                clean(a.get("full_name")),
                _address_phone(a),
                clean(d.get("competent_agency")),
                _when(d.get("received_at"), tz),
                _when(d.get("appointment_at"), tz) if d.get("status") != "refused" else "",
                _sent(d, tz),
                _result_back(d, tz),
                _returned(d, tz),
                "",
                _notes(d, tz),
            )
        )
    return rows


def render_book(
    dossiers: Sequence[dict[str, Any]],
    center: CenterInfo,
    start: dt.date,
    end: dt.date,
    *,
    issued_on: dt.date,
    synced_at: dt.datetime | None = None,
) -> bytes:
    """Form 07 for `start`..`end` (both included) as A4 landscape PDF."""
    if end < start:
        raise BadInput("ngày kết thúc trước ngày bắt đầu / the period ends before it starts")
    if len(dossiers) > MAX_ROWS:
        raise BadInput(
            f"quá nhiều hồ sơ trong kỳ ({len(dossiers)}): chọn kỳ ngắn hơn / too many dossiers "
            f"for one book ({len(dossiers)} > {MAX_ROWS}): choose a shorter period"
        )
    tz = _tz(center)
    rows = book_rows(dossiers, tz)
    texts = [clean(center.parent_body), clean(center.center_name), clean(center.place_name)]
    texts += [cell for row in rows for cell in row]
    volumes = sorted({clean(d.get("book_volume")) for d in dossiers if d.get("book_volume")})
    footer = f"Sổ theo dõi hồ sơ từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
    f = _Form("A4L", "vi", "", texts, footer=footer)
    f.header(center, ", ".join(volumes) or f"{start:%Y}", issued_on, number_label="Quyển số")
    f.title("book")
    f.flow(
        [(f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}", "B")],
        align="C",
    )
    basis = f"{len(rows)} hồ sơ tiếp nhận tại {clean(center.center_name)}"
    if synced_at is not None:
        basis += f"; số liệu trên máy này, đồng bộ lần cuối lúc {synced_at:%H:%M %d/%m/%Y}"
    f.flow([(f"({basis})", "I")], size=f.m.base - 1, align="C")
    f.gap(0.4)
    f.table(
        HEADINGS,
        rows or [("", "(Không có hồ sơ trong kỳ)", *[""] * (len(HEADINGS) - 2))],
        WIDTHS,
        ALIGNS,
    )
    return f.output()
