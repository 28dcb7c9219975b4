"""Queue tickets: printed on an ESC/POS thermal printer, or as a PDF when none is configured.

Printer targets (`open_printer`):
- ``dummy`` — python-escpos' in-memory printer (tests, previews);
- a device path such as ``/dev/usb/lp0`` — written raw (escpos ``File``);
- ``host:port`` (or ``host``, port 9100) — a network printer (escpos ``Network``).

Vietnamese on ESC/POS: most thermal printers have no Vietnamese code page, and the ones that do
disagree on its number. So by default the ticket number and big text are printed as ASCII and every
other line is printed **without diacritics** ("Vui long cho den luot"), which every printer renders.
When the printer is known to have Windows-1258, pass ``codepage=("cp1258", N)`` where N is that
printer's ``ESC t`` table number (52 on many Epson-compatible models, check the self-test page):
the text is then sent with its accents in cp1258 (base letters + combining tone marks).
The PDF fallback always keeps full Vietnamese (DejaVu Sans, see counter_app.documents.fonts).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counter_app.errors import BadInput, NotAvailable

PLEASE_WAIT = "Vui lòng chờ đến lượt"
PRIORITY_LABEL = "Ưu tiên"
# Tone marks that cp1258 keeps as separate combining characters.
_CP1258_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


@dataclass(frozen=True)
class TicketInfo:
    center_name: str
    number: str
    service_name: str
    issued_at: dt.datetime
    priority_reason: str | None = None  # the Vietnamese label, e.g. "Người cao tuổi"
    waiting_ahead: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [self.center_name, self.service_name]
        if self.priority_reason:
            out.append(f"{PRIORITY_LABEL}: {self.priority_reason}")
        return out


def unaccent(text: str) -> str:
    """Vietnamese without diacritics, case kept ("Vui lòng chờ" → "Vui long cho")."""
    text = unicodedata.normalize("NFD", text.translate(_D_MAP))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c if c.isascii() else "?" for c in unicodedata.normalize("NFC", text))


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese into Windows-1258: precomposed base letters (ơ ư â ê ô ă đ) followed by
    combining tone marks, which is how that code page spells Vietnamese."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _CP1258_TONES))
        tones = "".join(c for c in parts if c in _CP1258_TONES)
        out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)


def open_printer(target: str, *, timeout: float = 10.0):
    """An escpos printer object for `target` (see the module docstring)."""
    from escpos import printer

    target = (target or "").strip()
    if not target:
        raise BadInput("chưa cấu hình máy in / no printer configured", field="printer")
    if target == "dummy":
        return printer.Dummy()
    if target.startswith("/"):
        path = Path(target)
        if not path.exists():
            raise NotAvailable(f"không thấy máy in / printer device not found: {target}")
        try:
            return printer.File(devfile=str(path))
        except OSError as exc:
            raise NotAvailable(
                f"không mở được máy in / cannot open printer {target}: {exc}"
            ) from None
    host, _, port = target.rpartition(":") if ":" in target else (target, "", "9100")
    if not host or not port.isdigit():
        raise BadInput(
            f"địa chỉ máy in không hợp lệ / bad printer address '{target}' "
            "(dummy, /dev/usb/lp0 or host:port)",
            field="printer",
        )
    try:
        return printer.Network(host=host, port=int(port), timeout=timeout)
    except OSError as exc:
        raise NotAvailable(
            f"không kết nối được máy in / printer {target} unreachable: {exc}"
        ) from None


def render_escpos(p: Any, ticket: TicketInfo, *, codepage: tuple[str, int] | None = None) -> None:
    """Send one ticket to escpos printer `p` and cut the paper."""

    def text(line: str) -> None:
        if codepage is None:
            p.text(unaccent(line) + "\n")
        else:
            p._raw(b"\x1bt" + bytes([codepage[1]]) + to_cp1258(line) + b"\n")

    p.set(align="center", bold=True)
    text(ticket.center_name)
    p.set(align="center", bold=False)
    text("-" * 32)
    # The number in ASCII, as large as the printer goes (8x character size).
    p.set(align="center", bold=True, custom_size=True, width=6, height=6)
    p.text(unaccent(ticket.number) + "\n")
    p.set(align="center", bold=True, normal_textsize=True)
    text(ticket.service_name)
    p.set(align="center", bold=False, normal_textsize=True)
    if ticket.priority_reason:
        text(f"{PRIORITY_LABEL}: {ticket.priority_reason}")
    if ticket.waiting_ahead is not None:
        text(f"Số người đang chờ trước: {ticket.waiting_ahead}")
    text(ticket.issued_at.strftime("%H:%M  %d/%m/%Y"))
    text(PLEASE_WAIT)
    p.cut()


def ticket_pdf(ticket: TicketInfo, out_path: Path) -> Path:
    """The ticket as an 80 mm wide PDF page (full Vietnamese), written atomically."""
    from fpdf import FPDF

    from counter_app.documents import fonts

    texts = [*ticket.lines(), ticket.number, PLEASE_WAIT]
    pdf = FPDF(orientation="portrait", unit="mm", format=(80, 120))
    pdf.set_margins(5, 5, 5)
    pdf.set_auto_page_break(False)
    pdf.set_creator("counter-app")
    for style, path in fonts.font_files(subset=fonts.covered(texts)).items():
        pdf.add_font(fonts.FAMILY, style, str(path))
    pdf.add_page()
    w = pdf.epw
    pdf.set_font(fonts.FAMILY, "B", 11)
    pdf.multi_cell(w, 5, ticket.center_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(fonts.FAMILY, "B", 48)
    pdf.cell(w, 22, ticket.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "B", 12)
    pdf.multi_cell(w, 6, ticket.service_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, "", 10)
    if ticket.priority_reason:
        pdf.multi_cell(
            w,
            5,
            f"{PRIORITY_LABEL}: {ticket.priority_reason}",
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if ticket.waiting_ahead is not None:
        pdf.cell(
            w,
            5,
            f"Số người đang chờ trước: {ticket.waiting_ahead}",
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.cell(
        w, 5, ticket.issued_at.strftime("%H:%M  %d/%m/%Y"), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)
    pdf.set_font(fonts.FAMILY, "I", 11)
    pdf.cell(w, 6, PLEASE_WAIT, align="C", new_x="LMARGIN", new_y="NEXT")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    try:
        pdf.output(str(tmp))
        tmp.replace(out_path)
    finally:
        tmp.unlink(missing_ok=True)
    return out_path


@dataclass
class PrintResult:
    kind: str  # "escpos" | "pdf"
    pdf_path: Path | None = None
    data: bytes | None = None  # the bytes sent, for the dummy printer


def print_ticket(
    ticket: TicketInfo,
    *,
    printer: str | None = None,
    pdf_dir: Path | None = None,
    codepage: tuple[str, int] | None = None,
) -> PrintResult:
    """Print on the configured ESC/POS printer; with none configured, write a PDF in `pdf_dir`."""
    if printer:
        p = open_printer(printer)
        try:
            render_escpos(p, ticket, codepage=codepage)
        except OSError as exc:
            raise NotAvailable(f"máy in lỗi / printing failed on {printer}: {exc}") from None
        finally:
            close = getattr(p, "close", None)
            if close and printer != "dummy":
                close()
        return PrintResult("escpos", data=getattr(p, "output", None))
    if pdf_dir is None:
        raise BadInput(
            "chưa cấu hình máy in hay thư mục PDF / no printer and no PDF folder configured",
            field="printer",
        )
    safe = "".join(c for c in ticket.number if c.isalnum() or c == "-") or "ticket"
    stamp = ticket.issued_at.strftime("%Y%m%d-%H%M%S")
    return PrintResult("pdf", pdf_path=ticket_pdf(ticket, Path(pdf_dir) / f"ve-{safe}-{stamp}.pdf"))
