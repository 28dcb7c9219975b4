"""Official forms for a stored dossier: render to a PDF file (atomically) and send it to a printer.

`render_form` loads the dossier, checks that the form fits its state (no receipt for a refused
dossier, no refusal slip for a received one…), adds what the dossier row does not hold (the
procedure's statutory time, the officer's full name) and writes the PDF: temp file, fsync, rename.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from sqlmodel import select

from counter_app.config import Settings
from counter_app.documents.forms import RENDERERS, TITLES, CenterInfo
from counter_app.domain import dossier as rules
from counter_app.errors import BadInput, NotAvailable
from counter_app.store.db import Store
from counter_app.store.models import Officer, Procedure

KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control")

# Which form may be printed in which state (docs/DOMAIN.md §1: 01 on receipt, 02 while waiting for the
# papers, 03 on refusal, 04 before a late due date).
ALLOWED: dict[str, frozenset[rules.Status]] = {
    "receipt": frozenset(
        {
            rules.Status.RECEIVED,
            rules.Status.PROCESSING,
            rules.Status.EXTENDED,
            rules.Status.DONE,
            rules.Status.RETURNED,
        }
    ),
    "supplement": frozenset({rules.Status.NEED_SUPPLEMENT}),
    "refusal": frozenset({rules.Status.REFUSED}),
    "apology": frozenset({rules.Status.RECEIVED, rules.Status.PROCESSING, rules.Status.EXTENDED}),
    "stop": frozenset({rules.Status.WITHDRAWN}),
    # form 06 goes with the dossier through every body, and is archived with it
    "control": frozenset(set(rules.Status) - {rules.Status.REFUSED}),
}

_LP_JOB_RE = re.compile(r"request id is (\S+)")
LP_TIMEOUT_S = 30


def check_kind(kind: str, status: str) -> None:
    if kind not in KINDS:
        raise BadInput(
            f"loại biểu mẫu không hợp lệ / unknown form '{kind}' ({', '.join(KINDS)})",
            field="kind",
        )
    state = rules.parse_status(status)
    if state not in ALLOWED[kind]:
        label = rules.STATUS_LABELS_VI.get(state, status)
        title = TITLES[kind][1]
        raise BadInput(
            f"hồ sơ đang ở trạng thái '{label}': không in được '{title}' "
            f"/ a {kind} form does not fit a dossier in state {state.value}",
            field="kind",
        )


def center_info(store: Store, settings: Settings, officer_username: str | None) -> CenterInfo:
    full_name = None
    if officer_username:
        with store.read() as session:
            row = session.exec(select(Officer).where(Officer.username == officer_username)).first()
            if row is not None:
                full_name = row.full_name
    return CenterInfo(
        parent_body=settings.parent_body,
        center_name=settings.center_name,
        place_name=settings.place_name,
        agency_id=settings.agency_id,
        officer_full_name=full_name,
        timezone=settings.timezone,
        phone=settings.center_phone,
    )


def _with_procedure(store: Store, dossier: dict[str, Any]) -> dict[str, Any]:
    """Add the statutory time of the procedure version the dossier was received under."""
    out = dict(dossier)
    with store.read() as session:
        proc = session.exec(
            select(Procedure).where(
                Procedure.code == dossier.get("procedure_code"),
                Procedure.version == dossier.get("procedure_version"),
            )
        ).first()
    if out.get("book_entry") and not out.get("form_number"):
        out["form_number"] = out["book_entry"]  # "Số" of the form: the dossier's book entry
    if proc is not None:
        out.setdefault("processing_value", proc.processing_value)
        out.setdefault("processing_unit", proc.processing_unit)
        out.setdefault("cut_off", proc.cut_off)
    return out


def render_bytes(
    store: Store,
    settings: Settings,
    code: str,
    kind: str,
    paper: str | None = None,
    *,
    new_due: dt.datetime | None = None,
    original_due: dt.datetime | None = None,
    reason: str | None = None,
) -> bytes:
    """The PDF of one form for a stored dossier (no file written)."""
    from counter_app.services import dossiers

    if kind not in KINDS:
        check_kind(kind, "received")
    d = dossiers.get(store, code, with_history=False)
    check_kind(kind, d["status"])
    d = _with_procedure(store, d)
    center = center_info(store, settings, d.get("officer"))
    paper = paper or settings.paper
    if kind == "apology":
        if new_due is None and d["status"] == rules.Status.EXTENDED.value:
            new_due = dt.datetime.fromisoformat(d["appointment_at"])
            if original_due is None and d.get("original_appointment_at"):
                original_due = dt.datetime.fromisoformat(d["original_appointment_at"])
            if original_due is None:
                raise BadInput(
                    "hồ sơ đã gia hạn: cần ngày hẹn trước khi gia hạn / the dossier is already "
                    "extended: give the original due date",
                    field="original_due",
                )
        return RENDERERS["apology"](
            d,
            center,
            paper,
            settings.lang,
            new_due=new_due,
            original_due=original_due,
            reason=reason,
        )
    if kind == "receipt" and settings.receipt_copies == 2:
        return RENDERERS["receipt"](d, center, paper, settings.lang, copies=RECEIPT_COPIES)
    if kind == "control":
        return RENDERERS["control"](
            d, center, "A4", settings.lang, officer_names=officer_names(store, d)
        )
    return RENDERERS[kind](d, center, paper, settings.lang)


RECEIPT_COPIES = ("Liên 1: Lưu tại bộ phận tiếp nhận", "Liên 2: Giao người nộp hồ sơ")


def officer_names(store: Store, dossier: dict[str, Any]) -> dict[str, str]:
    """Full names of the officers who handled the dossier (form 06 names people, not logins)."""
    users = {dossier.get("officer")} | {
        u
        for step in dossier.get("handovers") or []
        for u in (step.get("sent_by"), step.get("back_by"))
    }
    users |= {(dossier.get("returned_to") or {}).get("officer")}
    wanted = sorted(u for u in users if u)
    with store.read() as session:
        rows = session.exec(select(Officer).where(Officer.username.in_(wanted))).all()  # type: ignore[attr-defined]
    return {o.username: o.full_name for o in rows}


def render_form(
    store: Store,
    settings: Settings,
    code: str,
    kind: str,
    out: Path,
    paper: str | None = None,
    *,
    new_due: dt.datetime | None = None,
    original_due: dt.datetime | None = None,
    reason: str | None = None,
) -> Path:
    """Render one form of a stored dossier to `out` (written atomically); returns the path."""
    data = render_bytes(
        store,
        settings,
        code,
        kind,
        paper,
        new_due=new_due,
        original_due=original_due,
        reason=reason,
    )
    return write_atomic(Path(out), data)


def issue(
    store: Store, settings: Settings, code: str, kind: str, paper: str | None = None
) -> tuple[Path, str]:
    """Render to the default path, then print (or say where the PDF is): (path, job id/message).
    A printing failure raises NotAvailable after the PDF is saved, so the officer can retry."""
    path = render_form(
        store, settings, code, kind, default_form_path(settings, code, kind), paper=paper
    )
    return path, print_pdf(settings, path)


def default_form_path(settings: Settings, code: str, kind: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9.\-]", "_", code.strip())
    return settings.data_dir / "forms" / f"{safe}-{kind}.pdf"


def write_atomic(path: Path, data: bytes) -> Path:
    """temp file in the same directory + fsync + rename: a reader sees the old file or the new one,
    never half a PDF."""
    path = path.expanduser()
    if path.is_dir():
        raise BadInput(f"'{path}' là thư mục / is a directory: give a file name", field="out")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise NotAvailable(f"không ghi được tệp / cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)  # a form names the citizen: private like the rest of the data
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise NotAvailable(f"không ghi được tệp / cannot write {path}: {exc.strerror}") from None
    try:
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass  # some filesystems cannot fsync a directory; the file itself is synced
    return path


def print_pdf(settings: Settings, path: Path) -> str:
    """Send the PDF to the CUPS queue `settings.printer` with `lp`; returns the job id. Without a
    printer configured, the PDF stays where it is and the message says so."""
    path = Path(path)
    if not path.is_file():
        raise NotAvailable(f"không có tệp / no such file: {path}")
    if not settings.printer:
        return f"Đã lưu tệp, chưa cấu hình máy in / saved (no printer configured): {path}"
    cmd = ["lp", "-d", settings.printer, "-t", path.stem, str(path)]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=LP_TIMEOUT_S, check=False
        )
    except FileNotFoundError:
        raise NotAvailable(
            "không có lệnh lp (cài cups-client) / the lp command is missing (install cups-client)"
        ) from None
    except subprocess.TimeoutExpired:
        raise NotAvailable(
            f"máy in '{settings.printer}' không phản hồi / lp timed out after {LP_TIMEOUT_S} s; "
            f"the PDF is saved at {path}"
        ) from None
    detail = (proc.stderr or proc.stdout).strip().splitlines()
    if proc.returncode != 0:
        reason = detail[-1] if detail else f"exit code {proc.returncode}"
        raise NotAvailable(
            f"không in được trên máy in '{settings.printer}' / printing failed: {reason}; "
            f"the PDF is saved at {path}"
        )
    m = _LP_JOB_RE.search(proc.stdout)
    return m.group(1) if m else (proc.stdout.strip() or f"{settings.printer}-?")


def warm_up() -> None:
    """Load the PDF renderer and its fonts ahead of the first receipt (the app's warm-up)."""
    from counter_app.documents import forms as documents

    documents.warm_up()
