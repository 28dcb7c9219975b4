"""The official one-stop forms as PDF (Circular 03/2025/TT-VPCP Annex I; docs/DOMAIN.md §2, §8.3–8.6).

- 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả (`render_receipt`)
- 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (`render_supplement`)
- 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ (`render_refusal`)
- 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (`render_apology`)
- 05 Thông báo dừng giải quyết hồ sơ (`render_stop`)
- 06 Phiếu kiểm soát quá trình giải quyết hồ sơ (`render_control`), from the hand-over chain

Pure rendering: a dossier dict (the shape of `services.dossiers.dossier_to_dict`) and a `CenterInfo`
in, PDF bytes out; no store, no clock unless a date is not given. A5 portrait by default, A4 on
request. Every text is NFC-normalised; long names wrap, long tables flow onto further pages with
their heading row repeated, and a QR code carries the dossier's lookup code.

Optional dossier keys the store does not hold and the services layer adds: ``processing_value``,
``processing_unit``, ``cut_off`` (the procedure's statutory time), ``sets`` (number of sets),
``result_delivery`` (where the result is collected), ``form_number`` ("Số"), ``book_volume`` and
``book_entry`` (Sổ theo dõi hồ sơ).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from counter_app.documents import fonts
from counter_app.domain.delivery import delivery_text
from counter_app.domain.fees import payment_text
from counter_app.errors import BadInput

Paper = Literal["A5", "A4"]
Kind = Literal["receipt", "supplement", "refusal", "apology", "stop", "control"]

TITLES: dict[str, tuple[str, str, str]] = {
    # kind: (form number, Vietnamese title, English subtitle)
    "receipt": ("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Receipt and appointment slip"),
    "supplement": (
        "02",
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        "Request to supplement or complete the dossier",
    ),
    "refusal": (
        "03",
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        "Refusal to receive the dossier",
    ),
    "apology": (
        "04",
        "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        "Apology and request to extend the processing time",
    ),
    "stop": (
        "05",
        "Thông báo dừng giải quyết hồ sơ",
        "Notice that processing of the dossier is stopped",
    ),
    "control": (
        "06",
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        "Control sheet of the dossier's processing",
    ),
    "book": ("07", "Sổ theo dõi hồ sơ", "Book of dossiers"),
}

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOTS = "…………………"


@dataclass(frozen=True)
class CenterInfo:
    """Who issues the form: printed in the header and the signature blocks."""

    parent_body: str  # e.g. "ỦY BAN NHÂN DÂN XÃ DEMO"
    center_name: str  # e.g. "Trung tâm Phục vụ hành chính công xã Demo"
    place_name: str  # e.g. "Demo" (the place in "Demo, ngày … tháng … năm …")
    agency_id: str = ""
    officer_full_name: str | None = None  # the receiving officer, printed under the signature
    timezone: str = "Asia/Ho_Chi_Minh"
    phone: str | None = None  # the center's contact number (form 02 guidance)


# --- paper metrics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Metrics:
    size: tuple[float, float]  # mm
    left: float
    right: float
    top: float
    bottom: float
    base: float  # body font size, pt
    qr: float  # QR box including its quiet zone, mm

    @property
    def scale(self) -> float:
        return self.base / 9.0

    @property
    def lh(self) -> float:  # body line height, mm
        return self.base * 0.48


_PAPERS: dict[str, _Metrics] = {
    # Decree 30/2020: Times New Roman-metric type, body 13 pt on A4; A5 is the A4 layout scaled
    # down (13 pt x 148/210 = 9.2 pt); margins keep room for a hole punch.
    "A5": _Metrics((148.0, 210.0), 14.0, 10.0, 9.0, 12.0, 9.2, 23.0),
    "A4": _Metrics((210.0, 297.0), 25.0, 15.0, 15.0, 15.0, 13.0, 30.0),
    # A4 landscape, for the book (form 07): fourteen columns need the width and a smaller type
    "A4L": _Metrics((297.0, 210.0), 20.0, 10.0, 10.0, 12.0, 9.5, 30.0),
}


# --- text helpers ------------------------------------------------------------------------------

_SPACE_RE = re.compile(r"\s+")
_TOKEN_RE = re.compile(r"\S+|\s+")


def clean(value: Any) -> str:
    """NFC, no control characters, runs of whitespace collapsed: safe for a one-line field."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return _SPACE_RE.sub(" ", text).strip()


def paragraphs(value: Any) -> list[str]:
    """Split a free text (a reason) into cleaned, non-empty lines."""
    if value is None:
        return []
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return [line for line in (clean(x) for x in text.split("\n")) if line]


def upper_vi(text: str) -> str:
    return unicodedata.normalize("NFC", text.upper())


def _parse_time(value: Any, tz: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        t = value
    else:
        try:
            t = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise BadInput(f"thời điểm không hợp lệ / bad date-time '{value}'") from None
    if t.tzinfo is None:
        return t.replace(tzinfo=tz)
    return t.astimezone(tz)


def hour_minute_day(t: dt.datetime | None) -> str:
    """'09 giờ 05 phút, ngày 23/11/2026' (blank dots when unknown)."""
    if t is None:
        return "…… giờ …… phút, ngày ……/……/………"
    return f"{t:%H} giờ {t:%M} phút, ngày {t:%d/%m/%Y}"


def place_date(place: str, day: dt.date) -> str:
    """'Demo, ngày 23 tháng 11 năm 2026'. Decree 30/2020: days below 10 and months 1–2 take a
    leading zero."""
    d = f"{day.day:02d}"
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    prefix = f"{clean(place)}, " if clean(place) else ""
    return f"{prefix}ngày {d} tháng {m} năm {day.year}"


def statutory_time(dossier: dict[str, Any]) -> str:
    value = dossier.get("processing_value")
    unit = dossier.get("processing_unit") or "working_days"
    if value is None and unit != "same_day":
        return DOTS
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        return clean(value)
    if unit == "same_day" or amount == 0:
        return (
            f"Trong ngày làm việc (tiếp nhận sau {_clock_words(dossier.get('cut_off'))} thì trả "
            "trong ngày làm việc tiếp theo)"
        )
    number = f"{amount.normalize():f}".replace(".", ",")
    if unit == "working_hours":
        return f"{number} giờ làm việc"
    return f"{number} ngày làm việc"


def _clock_words(value: Any) -> str:
    """'15:00' → '15 giờ', '14:30' → '14 giờ 30' (how the rule is written: "sau 15 giờ")."""
    text = clean(value) or "15:00"
    hour, _, minute = text.partition(":")
    minute = minute[:2]
    if not (hour.isdigit() and (minute.isdigit() or not minute)):
        return text
    return f"{int(hour)} giờ" if not minute or int(minute) == 0 else f"{int(hour)} giờ {minute}"


def money(amount: Any) -> str:
    if amount is None:
        return "mức do tỉnh quy định"
    n = int(amount)
    return "Không thu" if n == 0 else f"{n:,}".replace(",", ".") + " đồng"


# --- the PDF -----------------------------------------------------------------------------------

Run = tuple[str, str]  # (text, fpdf2 style: "" | "B" | "I" | "BI")


_BREAK_AT_KEEP: ContextVar[bool] = ContextVar("_BREAK_AT_KEEP", default=False)


class _SignaturesAlone(Exception):
    """Raised during layout when the signature blocks would start a page on their own."""


def _signatures_never_alone(render: Callable[..., bytes]) -> Callable[..., bytes]:
    """Lay the form out again, breaking the page at its closing text, when the signatures
    would otherwise be alone on the last page (rare: only then does a form render twice)."""

    @functools.wraps(render)
    def wrapper(*args: Any, **kwargs: Any) -> bytes:
        try:
            return render(*args, **kwargs)
        except _SignaturesAlone:
            token = _BREAK_AT_KEEP.set(True)
            try:
                return render(*args, **kwargs)
            finally:
                _BREAK_AT_KEEP.reset(token)

    return wrapper


class _Form:
    """One form: an FPDF document plus the layout helpers the four forms share."""

    def __init__(
        self,
        paper: str,
        lang: str,
        code: str,
        texts: Iterable[str],
        *,
        footer: str | None = None,
    ) -> None:
        from fpdf import FPDF

        if paper not in _PAPERS:
            raise BadInput(f"khổ giấy không hỗ trợ / unsupported paper '{paper}' (A5, A4)")
        if lang not in ("vi", "en"):
            raise BadInput(f"ngôn ngữ không hỗ trợ / unsupported language '{lang}' (vi, en)")
        self.m = m = _PAPERS[paper]
        self.lang = lang
        self.code = code
        self.footer_label = clean(footer) if footer else f"Mã hồ sơ: {clean(code)}"
        orientation = "landscape" if m.size[0] > m.size[1] else "portrait"
        pdf = FPDF(orientation=orientation, unit="mm", format=(min(m.size), max(m.size)))
        pdf.set_margins(m.left, m.top, m.right)
        pdf.set_auto_page_break(True, margin=m.bottom)
        pdf.set_creator("counter-app")
        pdf.set_lang("vi-VN")
        pdf.c_margin = 0  # flow() measures words itself: no padding inside cells
        fonts.add_fonts(pdf, fonts.SERIF, texts)
        for font in pdf.fonts.values():
            # The shipped glyphs already carry their bounding boxes: recomputing them for every
            # embedded subset costs ~20% of a render.
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.recalcBBoxes = False
        pdf.alias_nb_pages(None)  # footers are stamped at output, numbered per copy
        pdf.add_page()
        self.pdf = pdf
        self.copy_starts = [1]  # first page of each copy (a receipt prints as Liên 1 + Liên 2)
        self.keep_mark = False  # keep_with_signatures() was called for the coming signatures
        self.width = m.size[0] - m.left - m.right
        self.qr_zone: tuple[float, float, float] | None = None  # (page, bottom y, reserved width)

    # -- primitives --

    def font(self, style: str = "", size: float | None = None) -> None:
        self.pdf.set_font(fonts.FORM_FAMILY, style, size if size is not None else self.m.base)

    def gap(self, lines: float = 0.5) -> None:
        self.pdf.ln(self.m.lh * lines)

    def _reserved(self, y: float) -> float:
        z = self.qr_zone
        if z and self.pdf.page_no() == z[0] and y < z[1]:
            return z[2]
        return 0.0

    def _break_if_needed(self, h: float) -> None:
        pdf = self.pdf
        if pdf.get_y() + h > pdf.page_break_trigger:
            pdf.add_page()

    def flow(
        self,
        runs: Sequence[Run],
        *,
        size: float | None = None,
        align: str = "L",
        indent: float = 0.0,
        hanging: float = 0.0,
        lh: float | None = None,
    ) -> None:
        """Set mixed-style text as a wrapped paragraph. Words longer than a line are cut; lines
        beside the QR code are shortened so nothing overlaps it."""
        pdf = self.pdf
        size = size or self.m.base
        lh = lh or self.m.lh * size / self.m.base
        tokens: list[tuple[str, str, float]] = []
        for text, style in runs:
            self.font(style, size)
            for tok in _TOKEN_RE.findall(text):
                if tok.isspace():
                    tok = " "
                tokens.append((tok, style, pdf.get_string_width(tok)))
        lines: list[list[tuple[str, str, float]]] = []
        line: list[tuple[str, str, float]] = []
        used = 0.0
        y = pdf.get_y()

        def avail() -> float:
            first = not lines
            return self.width - (indent if first else hanging) - self._reserved(y + len(lines) * lh)

        i = 0
        while i < len(tokens):
            tok, style, w = tokens[i]
            if tok == " " and not line:
                i += 1
                continue
            room = avail()
            if used + w <= room + 1e-6:
                line.append((tok, style, w))
                used += w
                i += 1
                continue
            if tok == " ":
                lines.append(line)
                line, used = [], 0.0
                i += 1
                continue
            if not line:  # a single word wider than the line: cut it
                self.font(style, size)
                cut = 1
                while cut < len(tok) and pdf.get_string_width(tok[: cut + 1]) <= room:
                    cut += 1
                head, rest = tok[:cut], tok[cut:]
                lines.append([(head, style, pdf.get_string_width(head))])
                tokens[i] = (rest, style, pdf.get_string_width(rest))
                continue
            lines.append(line)
            line, used = [], 0.0
        if line or not lines:
            lines.append(line)
        for n, ln in enumerate(lines):
            while ln and ln[-1][0] == " ":
                ln = ln[:-1]
            self._break_if_needed(lh)
            start = self.m.left + (indent if n == 0 else hanging)
            room = self.width - (indent if n == 0 else hanging) - self._reserved(pdf.get_y())
            total = sum(w for _, _, w in ln)
            x = start
            if align == "C":
                x = start + max(0.0, (room - total) / 2)
            elif align == "R":
                x = start + max(0.0, room - total)
            pdf.set_x(x)
            # one cell per run of same-style words (cells are the expensive part of fpdf2)
            k = 0
            while k < len(ln):
                style = ln[k][1]
                j = k
                while j < len(ln) and ln[j][1] == style:
                    j += 1
                self.font(style, size)
                pdf.cell(sum(w for _, _, w in ln[k:j]), lh, "".join(t for t, _, _ in ln[k:j]))
                k = j
            pdf.ln(lh)

    def field(self, label: str, value: Any, *, bold: bool = True, indent: float = 0.0) -> None:
        text = clean(value)
        self.flow(
            [(f"{label}: ", ""), (text or DOTS, "B" if (bold and text) else "")], indent=indent
        )

    def fields_inline(self, pairs: Sequence[tuple[str, Any]]) -> None:
        runs: list[Run] = []
        for i, (label, value) in enumerate(pairs):
            text = clean(value)
            runs.append((("; " if i else "") + f"{label}: ", ""))
            runs.append((text or DOTS, "B" if text else ""))
        self.flow(runs)

    # -- blocks --

    def header(
        self,
        center: CenterInfo,
        number: str,
        issued: dt.date,
        *,
        number_label: str = "Số",
        issuer: tuple[str, str] | None = None,
    ) -> None:
        """Parent body + issuing body (left; default: the center under its People's Committee),
        national motto (right), "Số", place and date. An issuer without a parent body is printed
        alone, in bold."""
        pdf, m = self.pdf, self.m
        left_w = self.width * 0.45
        right_w = self.width - left_w
        x_left, x_right = m.left, m.left + left_w
        y0 = pdf.get_y()
        size = m.base - 0.5
        lh = m.lh * 0.95

        # left column
        pdf.set_xy(x_left, y0)
        parent_text, name_text = issuer or (center.parent_body, center.center_name)
        parent = upper_vi(clean(parent_text))
        if parent:
            self.font("", self._fit_lines(parent, "", size, left_w, 1))
            pdf.multi_cell(left_w, lh, parent, align="C")
        pdf.set_x(x_left)
        name = upper_vi(clean(name_text))
        self.font("B", self._fit_lines(name, "B", size, left_w, 2))
        pdf.multi_cell(left_w, lh, name, align="C")
        y_left = pdf.get_y() + 0.6 * m.scale
        rule = left_w * 0.34
        pdf.set_line_width(0.25 * m.scale)
        pdf.line(x_left + (left_w - rule) / 2, y_left, x_left + (left_w + rule) / 2, y_left)

        # right column: the national name in one line (shrunk to fit), the motto underlined
        nat = self._fit(NATION, "B", size, right_w)
        pdf.set_xy(x_right, y0)
        self.font("B", nat)
        pdf.cell(right_w, lh, NATION, align="C")
        pdf.set_xy(x_right, y0 + lh)
        motto = self._fit(MOTTO, "B", size + 0.5, right_w)
        self.font("B", motto)
        pdf.cell(right_w, lh, MOTTO, align="C")
        tw = pdf.get_string_width(MOTTO)
        y_right = y0 + 2 * lh + 0.6 * m.scale
        pdf.line(x_right + (right_w - tw) / 2, y_right, x_right + (right_w + tw) / 2, y_right)

        y = max(y_left, y_right) + 1.6 * m.scale
        self.font("", size)
        pdf.set_xy(x_left, y)
        pdf.multi_cell(left_w, lh, f"{number_label}: {clean(number) or DOTS}", align="C")
        y_after_left = pdf.get_y()
        pdf.set_xy(x_right, y)
        self.font("I", size)
        pdf.multi_cell(right_w, lh, place_date(center.place_name, issued), align="C")
        pdf.set_y(max(y_after_left, pdf.get_y()))
        pdf.set_x(m.left)

    def _fit_lines(self, text: str, style: str, size: float, width: float, lines: int) -> float:
        """The largest size, at most 1.5 pt smaller, giving `lines` lines or else the fewest."""
        best_size, best_lines = size, 10**6
        candidate = size
        while candidate >= size - 1.5:
            self.font(style, candidate)
            n = len(self.pdf.multi_cell(width, 1, text, dry_run=True, output="LINES"))
            if n < best_lines:
                best_size, best_lines = candidate, n
            if n <= lines:
                break
            candidate -= 0.25
        return best_size

    def _fit(self, text: str, style: str, size: float, width: float) -> float:
        while size > 5:
            self.font(style, size)
            if self.pdf.get_string_width(text) <= width - 1:
                return size
            size -= 0.25
        return size

    def title(self, kind: str) -> None:
        _, vi, en = TITLES[kind]
        self.gap(1.0)
        text = upper_vi(vi)
        size = self._fit(text, "B", self.m.base + 1.5, self.width)
        if size >= self.m.base + 0.5:
            self.flow([(text, "B")], size=size, align="C")
        else:  # two balanced lines rather than one long line and an orphan word
            size = self.m.base + 1.5
            self.font("B", size)
            words = text.split(" ")
            best = min(
                range(1, len(words)),
                key=lambda i: max(
                    self.pdf.get_string_width(" ".join(words[:i])),
                    self.pdf.get_string_width(" ".join(words[i:])),
                ),
            )
            for part in (" ".join(words[:best]), " ".join(words[best:])):
                self.flow([(part, "B")], size=size, align="C")
        if self.lang == "en":
            self.flow([(en, "I")], size=self.m.base - 1, align="C")

    def code_and_qr(
        self, code: str, lookup_code: str, *, label: str = "Mã hồ sơ", ticket: str = ""
    ) -> None:
        """'Mã hồ sơ: …' under the title (and the queue ticket it was received for), the QR code
        at the right margin beside the next lines."""
        pdf, m = self.pdf, self.m
        self.gap(0.3)
        top = pdf.get_y()
        box = m.qr
        self.qr_zone = (pdf.page_no(), top + box, box + 2.0 * m.scale)
        self._draw_qr(lookup_code or code, m.left + self.width - box, top, box)
        self.flow([(f"{label}: ", "B"), (clean(code) or DOTS, "B")], align="C")
        if lookup_code:
            self.flow(
                [("Mã tra cứu (quét mã QR): ", "I"), (clean(lookup_code), "I")],
                size=m.base - 1.5,
                align="C",
            )
        if ticket:
            self.flow([("Số thứ tự: ", "I"), (clean(ticket), "I")], size=m.base - 1.5, align="C")
        self.gap(0.4)

    def _draw_qr(self, data: str, x: float, y: float, box: float) -> None:
        import segno

        qr = segno.make_qr(clean(data), error="m")
        matrix = qr.matrix
        n = len(matrix)
        quiet = 3  # modules of white around the symbol (zbar and phones read it with 3)
        mod = box / (n + 2 * quiet)
        ox, oy = x + quiet * mod, y + quiet * mod
        pdf = self.pdf
        pdf.set_fill_color(0)
        for r, row in enumerate(matrix):
            c = 0
            while c < n:
                if row[c] & 1:
                    start = c
                    while c < n and row[c] & 1:
                        c += 1
                    # a hair of overlap so no white seam shows between modules
                    pdf.rect(
                        ox + start * mod,
                        oy + r * mod,
                        (c - start) * mod + 0.02,
                        mod + 0.02,
                        style="F",
                    )
                else:
                    c += 1

    def leave_qr_zone(self) -> None:
        z = self.qr_zone
        if z and self.pdf.page_no() == z[0] and self.pdf.get_y() < z[1]:
            self.pdf.set_y(z[1] + 0.5)
        self.qr_zone = None

    def table(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        col_widths: Sequence[float],
        aligns: Sequence[str],
    ) -> None:
        """A bordered table: cells wrap, rows move whole to the next page, headings repeat."""
        from fpdf.fonts import FontFace

        self.leave_qr_zone()
        pdf, m = self.pdf, self.m
        size = m.base - 0.5
        self.font("", size)
        self._break_if_needed(m.lh * 3)
        pdf.set_x(m.left)
        pdf.set_line_width(0.2 * m.scale)
        with pdf.table(
            width=self.width,
            col_widths=tuple(col_widths),
            text_align=tuple(aligns),
            line_height=m.lh * 0.9,
            padding=(0.8 * m.scale, 1.0 * m.scale),
            headings_style=FontFace(emphasis="BOLD", size_pt=size),
            repeat_headings=1,
            v_align="MIDDLE",
            align="LEFT",
        ) as table:
            head = table.row()
            for h in headings:
                head.cell(h, align="C")
            for r in rows:
                row = table.row()
                for value in r:
                    row.cell(value)
        self.font("", m.base)

    def keep_with_signatures(self) -> None:
        """Mark where the form's closing text starts: if the signature blocks would otherwise
        stand alone on a new page, the form is laid out again with a page break here, so the
        signatures always share their page with text (Decree 30/2020, Annex I)."""
        self.keep_mark = True
        if _BREAK_AT_KEEP.get() and self.pdf.get_y() > self.m.top + self.m.lh:
            self.pdf.add_page()

    def signatures(self, blocks: Sequence[tuple[str, str, str]]) -> None:
        """Signature blocks side by side: (role, hint, name). One block sits on the right."""
        self.leave_qr_zone()
        pdf, m = self.pdf, self.m
        need = m.lh * 3 + 16 * m.scale
        self.gap(0.6)
        if pdf.get_y() + need > pdf.page_break_trigger and self.keep_mark:
            if not _BREAK_AT_KEEP.get():
                raise _SignaturesAlone
        self.keep_mark = False
        self._break_if_needed(need)
        y0 = pdf.get_y()
        col = self.width / 2
        bottoms = []
        for i, (role, hint, name) in enumerate(blocks):
            idx = i if len(blocks) > 1 else 1
            x = m.left + idx * col
            pdf.set_xy(x, y0)
            self.font("B", m.base)
            pdf.multi_cell(col, m.lh, upper_vi(role), align="C")
            pdf.set_x(x)
            self.font("I", m.base - 1)
            pdf.multi_cell(col, m.lh * 0.9, hint, align="C")
            y_sig = pdf.get_y() + 15 * m.scale
            pdf.set_xy(x, y_sig)
            self.font("B", m.base)
            pdf.multi_cell(col, m.lh, clean(name), align="C")
            bottoms.append(pdf.get_y())
        pdf.set_y(max(bottoms))

    def new_copy(self) -> None:
        """Start the next copy of the same form on a new page (its pages numbered from 1)."""
        self.pdf.add_page()
        self.copy_starts.append(self.pdf.page_no())
        self.qr_zone = None

    def _stamp_footers(self) -> None:
        """ "Mã hồ sơ: … · Trang i/n" on every page, i and n counted within each copy."""
        pdf, m = self.pdf, self.m
        last = pdf.page_no()
        ends = [*(s - 1 for s in self.copy_starts[1:]), last]
        pdf.set_auto_page_break(False)
        for start, end in zip(self.copy_starts, ends, strict=True):
            for page in range(start, end + 1):
                pdf.page = page
                pdf.set_xy(m.left, m.size[1] - m.bottom + 3 * m.scale)
                # fpdf2 skips "set font" when the font did not change, but this page's stream
                # ended in another font: change it twice so the operator is written here.
                self.font("B", m.base - 2.5)
                self.font("", m.base - 2.5)
                pdf.set_text_color(90)
                pdf.cell(
                    self.width,
                    3 * m.scale,
                    f"{self.footer_label} · Trang {page - start + 1}/{end - start + 1}",
                    align="C",
                )
        pdf.set_text_color(0)
        pdf.page = last

    def output(self) -> bytes:
        self._stamp_footers()
        return bytes(self.pdf.output())


# --- form content ------------------------------------------------------------------------------


def _texts(dossier: dict[str, Any], center: CenterInfo, extra: Iterable[str] = ()) -> list[str]:
    """Every string that may be printed, to pick the font set."""
    out: list[str] = [str(v) for v in extra]

    def walk(v: Any) -> None:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)

    walk(
        {
            k: dossier.get(k)
            for k in (
                "code",
                "lookup_code",
                "procedure_name",
                "applicant",
                "subjects",
                "components",
                "missing",
                "reason",
                "competent_agency",
                "fees",
                "result_delivery",
                "form_number",
                "book_volume",
                "book_entry",
                "cut_off",
                "handovers",
                "returned_to",
            )
        }
    )
    walk(
        [
            center.parent_body,
            center.center_name,
            center.place_name,
            center.officer_full_name,
            center.phone,
        ]
    )
    return out


def _tz(center: CenterInfo):  # -> ZoneInfo
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(center.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"múi giờ không hợp lệ / unknown time zone '{center.timezone}'") from None


def _require(dossier: dict[str, Any], *keys: str) -> None:
    if not isinstance(dossier, dict):
        raise BadInput("hồ sơ phải là một đối tượng / the dossier must be a dict")
    for k in keys:
        if not dossier.get(k):
            raise BadInput(f"hồ sơ thiếu trường '{k}' / the dossier has no '{k}'", field=k)


def _request_block(f: _Form, dossier: dict[str, Any]) -> None:
    """What is asked, and whom it is about when that is not the applicant (the child of a birth
    registration, both parties of a marriage: domain/subjects.py)."""
    from counter_app.domain.subjects import describe

    f.field("Nội dung yêu cầu giải quyết", dossier.get("procedure_name"))
    for subject in dossier.get("subjects") or []:
        if isinstance(subject, dict) and subject.get("full_name"):
            label = clean(subject.get("label")) or "Người liên quan"
            f.field(label, describe(subject), indent=4 * f.m.scale)


def _applicant_block(f: _Form, dossier: dict[str, Any], *, intro: str | None) -> None:
    a = dossier.get("applicant") or {}
    if intro:
        f.flow([(intro, "")])
    f.field("Ông/Bà", a.get("full_name"))
    f.field("Số định danh cá nhân", a.get("id_number") or dossier.get("applicant_id_number"))
    f.field("Địa chỉ", a.get("address"), bold=False)
    f.fields_inline([("Số điện thoại", a.get("phone")), ("Email", a.get("email"))])
    principal = a.get("principal")
    if isinstance(principal, dict) and principal.get("full_name"):
        f.flow([("Nộp thay (theo ủy quyền) cho:", "I")])
        pad = 4 * f.m.scale
        f.field("Ông/Bà/Tổ chức", principal.get("full_name"), indent=pad)
        f.field("Số định danh cá nhân/Mã số doanh nghiệp", principal.get("id_number"), indent=pad)
        f.field("Địa chỉ", principal.get("address"), bold=False, indent=pad)
        f.flow(
            [
                (f"Số điện thoại: {clean(principal.get('phone')) or DOTS}; ", ""),
                (f"Email: {clean(principal.get('email')) or DOTS}", ""),
            ],
            indent=pad,
        )
        if a.get("authorisation"):
            f.field("Giấy ủy quyền", a.get("authorisation"), bold=False, indent=pad)


def _count(n: Any) -> str:
    try:
        v = int(n or 0)
    except (TypeError, ValueError):
        return clean(n)
    return f"{v:02d}" if v else "—"


def _received_components(dossier: dict[str, Any]) -> list[dict[str, Any]]:
    comps = [c for c in dossier.get("components") or [] if isinstance(c, dict)]
    got = [
        c
        for c in comps
        if int(c.get("original") or 0) > 0 or int(c.get("copy") or 0) > 0 or c.get("presented")
    ]
    return sorted(got, key=lambda c: int(c.get("index") or 0))


def _component_note(c: dict[str, Any]) -> str:
    notes = []
    if c.get("presented") and not int(c.get("original") or 0) and not int(c.get("copy") or 0):
        notes.append("Xuất trình để đối chiếu")
    if clean(c.get("note")):
        notes.append(clean(c.get("note")))
    return "; ".join(notes)


def _start(
    kind: str,
    dossier: dict[str, Any],
    center: CenterInfo,
    paper: str,
    lang: str,
    issued: dt.date,
) -> _Form:
    f = _Form(paper, lang, clean(dossier.get("code")), _texts(dossier, center))
    f.header(center, clean(dossier.get("form_number")), issued)
    f.title(kind)
    return f


@_signatures_never_alone
def render_receipt(
    dossier: dict[str, Any],
    center: CenterInfo,
    paper: str = "A5",
    lang: str = "vi",
    *,
    issued_on: dt.date | None = None,
    copies: Sequence[str] = ("",),
) -> bytes:
    """Form 01: receipt of a complete dossier with the appointment to return the result.

    `copies` names each copy printed, one after the other in the same document ("Liên 1: Lưu tại
    bộ phận tiếp nhận", "Liên 2: Giao người nộp hồ sơ"); an empty name prints no label."""
    _require(dossier, "code", "procedure_name", "received_at")
    if not copies:
        raise BadInput("cần ít nhất một liên / at least one copy is needed")
    tz = _tz(center)
    received = _parse_time(dossier.get("received_at"), tz)
    assert received is not None
    issued = issued_on or received.date()
    f = _start("receipt", dossier, center, paper, lang, issued)
    for i, label in enumerate(copies):
        if i:
            f.new_copy()
            f.header(center, clean(dossier.get("form_number")), issued)
            f.title("receipt")
        if label:
            f.flow([(clean(label), "I")], size=f.m.base - 1, align="C")
        _receipt_body(f, dossier, center, received, tz)
    return f.output()


def _receipt_body(
    f: _Form, dossier: dict[str, Any], center: CenterInfo, received: dt.datetime, tz: Any
) -> None:
    due = _parse_time(dossier.get("appointment_at"), tz)
    f.code_and_qr(
        clean(dossier["code"]),
        clean(dossier.get("lookup_code")),
        ticket=clean(dossier.get("ticket_number")),
    )
    _applicant_block(f, dossier, intro=f"{clean(center.center_name)} tiếp nhận hồ sơ của:")
    _request_block(f, dossier)
    f.leave_qr_zone()
    f.gap(0.25)
    f.flow([("1. Thành phần hồ sơ nộp gồm:", "B")])
    comps = _received_components(dossier)
    if comps:
        f.table(
            ("TT", "Tên giấy tờ", "Bản chính", "Bản sao", "Ghi chú"),
            [
                (
                    str(i),
                    clean(c.get("name")) or DOTS,
                    _count(c.get("original")),
                    _count(c.get("copy")),
                    _component_note(c),
                )
                for i, c in enumerate(comps, start=1)
            ],
            (7, 44, 16, 14, 19),
            ("C", "L", "C", "C", "L"),
        )
    else:
        f.flow([("(Không có giấy tờ nộp kèm)", "I")])
    f.gap(0.3)
    sets = dossier.get("sets") or 1
    f.flow([("2. Số lượng hồ sơ: ", ""), (f"{_count(sets)} bộ", "B")])
    f.flow([("3. Thời gian giải quyết hồ sơ theo quy định: ", ""), (statutory_time(dossier), "B")])
    f.flow([("4. Thời gian nhận hồ sơ: ", ""), (hour_minute_day(received), "B")])
    f.flow([("5. Thời gian trả kết quả giải quyết hồ sơ: ", ""), (hour_minute_day(due), "B")])
    if dossier.get("provisional_due"):
        f.flow(
            [
                (
                    "(Ngày hẹn tính theo lịch nghỉ lễ dự kiến; nếu lịch nghỉ chính thức khác, "
                    "Trung tâm sẽ thông báo lại.)",
                    "I",
                )
            ],
            size=f.m.base - 1,
        )
    delivery = clean(delivery_text(dossier.get("result_delivery"), clean(center.center_name)))
    f.flow([("6. Đăng ký nhận kết quả tại: ", ""), (delivery, "B")])
    f.keep_with_signatures()
    f.flow([("7. Phí, lệ phí: ", ""), (_fee_text(dossier), "B")])
    f.flow(
        [
            ("Vào Sổ theo dõi hồ sơ, Quyển số: ", ""),
            (clean(dossier.get("book_volume")) or "……", ""),
            (", Số thứ tự: ", ""),
            (clean(dossier.get("book_entry")) or "……", ""),
        ]
    )
    applicant = (dossier.get("applicant") or {}).get("full_name")
    f.signatures(
        [
            ("Người nộp hồ sơ", "(Ký và ghi rõ họ tên)", applicant or ""),
            ("Người tiếp nhận hồ sơ", "(Ký và ghi rõ họ tên)", _officer(dossier, center)),
        ]
    )


def _fee_text(dossier: dict[str, Any]) -> str:
    lines = [x for x in dossier.get("fees") or [] if isinstance(x, dict)]
    unknown = [clean(x.get("name")) for x in lines if x.get("amount_vnd") is None]
    total = int(dossier.get("fee_vnd") or 0)
    if not lines:
        return money(total)
    text = money(total) if total or not unknown else ""
    details = [
        f"{clean(x.get('name'))}: {clean(x.get('detail'))}" for x in lines if x.get("detail")
    ]
    if details:
        text = f"{text} ({'; '.join(details)})"
    if unknown:
        extra = f"{', '.join(unknown)}: mức do tỉnh quy định"
        text = f"{text} ({extra})" if text else extra
    if total > 0:
        text = f"{text}; {payment_text(dossier.get('payment'))}"
    return text


def _officer(dossier: dict[str, Any], center: CenterInfo) -> str:
    return clean(center.officer_full_name) or clean(dossier.get("officer"))


@_signatures_never_alone
def render_supplement(
    dossier: dict[str, Any],
    center: CenterInfo,
    paper: str = "A5",
    lang: str = "vi",
    *,
    issued_on: dt.date | None = None,
) -> bytes:
    """Form 02: the one-time written request listing everything to supplement or correct."""
    _require(dossier, "code", "procedure_name")
    tz = _tz(center)
    received = _parse_time(dossier.get("received_at"), tz)
    issued = issued_on or (received.date() if received else dt.datetime.now(tz).date())
    f = _start("supplement", dossier, center, paper, lang, issued)
    f.code_and_qr(
        clean(dossier["code"]),
        clean(dossier.get("lookup_code")),
        ticket=clean(dossier.get("ticket_number")),
    )
    _applicant_block(f, dossier, intro="Hồ sơ của:")
    _request_block(f, dossier)
    if received:
        f.field("Thời gian nộp hồ sơ", hour_minute_day(received), bold=False)
    f.leave_qr_zone()
    f.flow([("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:", "B")])
    missing = [c for c in dossier.get("missing") or [] if isinstance(c, dict)]
    if missing:
        rows = []
        for i, c in enumerate(sorted(missing, key=lambda c: int(c.get("index") or 0)), start=1):
            need = clean(c.get("lacking")) or "Bổ sung, hoàn thiện theo quy định"
            need = need[:1].upper() + need[1:]
            if clean(c.get("note")):
                need = f"{need}; {clean(c.get('note'))}"
            rows.append((str(i), clean(c.get("name")) or DOTS, need))
        f.table(
            ("TT", "Giấy tờ cần bổ sung, hoàn thiện", "Nội dung cần bổ sung, hoàn thiện"),
            rows,
            (8, 55, 37),
            ("C", "L", "L"),
        )
    reasons = paragraphs(dossier.get("reason"))
    if not missing and not reasons:
        raise BadInput(
            "phiếu yêu cầu bổ sung phải nêu nội dung cần bổ sung / the request must list what is "
            "missing",
            field="missing",
        )
    if reasons:
        f.gap(0.3)
        f.flow(
            [("Lý do, nội dung cần hoàn thiện: ", "B")]
            + ([(reasons[0], "")] if len(reasons) == 1 else [])
        )
        if len(reasons) > 1:
            for r in reasons:
                f.flow([(f"- {r}", "")], indent=3 * f.m.scale, hanging=5 * f.m.scale)
    f.gap(0.3)
    contact = clean(center.phone)
    officer = _officer(dossier, center)
    f.flow(
        [
            (
                "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ với "
                f"{('ông/bà ' + officer + ', ') if officer else ''}{clean(center.center_name)}"
                f"{(', số điện thoại ' + contact) if contact else ''} để được hướng dẫn. "
                "Quy định về thủ tục hành chính được công khai tại Trung tâm và trên Cổng "
                "Dịch vụ công quốc gia.",
                "",
            )
        ]
    )
    f.keep_with_signatures()
    f.flow(
        [
            (
                "Yêu cầu bổ sung, hoàn thiện hồ sơ chỉ thực hiện một lần (Nghị định 118/2025/NĐ-CP).",
                "I",
            )
        ],
        size=f.m.base - 1,
    )
    f.signatures([("Người hướng dẫn", "(Ký và ghi rõ họ tên)", officer)])
    return f.output()


@_signatures_never_alone
def render_refusal(
    dossier: dict[str, Any],
    center: CenterInfo,
    paper: str = "A5",
    lang: str = "vi",
    *,
    issued_on: dt.date | None = None,
) -> bytes:
    """Form 03: refusal to receive the dossier, with the specific reasons."""
    _require(dossier, "procedure_name")
    reasons = paragraphs(dossier.get("reason"))
    if not reasons:
        raise BadInput("phải ghi lý do từ chối / a refusal needs a reason", field="reason")
    tz = _tz(center)
    received = _parse_time(dossier.get("received_at"), tz)
    issued = issued_on or (received.date() if received else dt.datetime.now(tz).date())
    f = _start("refusal", dossier, center, paper, lang, issued)
    code = clean(dossier.get("code"))
    f.code_and_qr(
        code,
        clean(dossier.get("lookup_code")),
        label="Mã hồ sơ (nếu có)",
        ticket=clean(dossier.get("ticket_number")),
    )
    _applicant_block(f, dossier, intro=f"{clean(center.center_name)} tiếp nhận hồ sơ của:")
    _request_block(f, dossier)
    f.leave_qr_zone()
    f.gap(0.2)
    f.flow(
        [
            (
                "Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, "
                f"{clean(center.center_name)} từ chối tiếp nhận, giải quyết hồ sơ này với lý do "
                "cụ thể như sau:",
                "",
            )
        ]
    )
    for r in reasons:
        f.flow([(f"- {r}", "B")], indent=3 * f.m.scale, hanging=5 * f.m.scale)
    f.gap(0.2)
    f.keep_with_signatures()
    f.flow([("Xin thông báo để ông/bà được biết và thực hiện./.", "")])
    applicant = (dossier.get("applicant") or {}).get("full_name")
    f.signatures(
        [
            ("Người nộp hồ sơ", "(Ký và ghi rõ họ tên)", applicant or ""),
            ("Người tiếp nhận hồ sơ", "(Ký và ghi rõ họ tên)", _officer(dossier, center)),
        ]
    )
    return f.output()


def _letter_opening(
    f: _Form,
    dossier: dict[str, Any],
    center: CenterInfo,
    received: dt.datetime,
    due: dt.datetime | None,
) -> None:
    """Forms 04 and 05 open alike: code and QR, the addressee, when and what was received, the
    applicant's ID number and the due date."""
    f.code_and_qr(
        clean(dossier["code"]),
        clean(dossier.get("lookup_code")),
        ticket=clean(dossier.get("ticket_number")),
    )
    a = dossier.get("applicant") or {}
    f.flow([("Kính gửi: Ông/Bà ", "B"), (clean(a.get("full_name")) or DOTS, "B")], align="C")
    f.gap(0.3)
    f.flow(
        [
            (
                f"Ngày {received:%d/%m/%Y}, {clean(center.center_name)} tiếp nhận hồ sơ của ông/bà "
                "đề nghị giải quyết thủ tục: ",
                "",
            ),
            (clean(dossier.get("procedure_name")), "B"),
            (".", ""),
        ]
    )
    f.field("Số định danh cá nhân", a.get("id_number") or dossier.get("applicant_id_number"))
    f.field("Thời gian hẹn trả kết quả giải quyết hồ sơ", hour_minute_day(due))
    f.leave_qr_zone()


_OWN_COMMITTEE = re.compile(r"^\s*(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\b", re.IGNORECASE)


def apology_issuer(dossier: dict[str, Any], center: CenterInfo) -> tuple[str, str]:
    """Who issues form 04 (parent body, body): the body that is late. A body holding the
    dossier (the open hand-over step) — a department under the commune's People's Committee, or
    a vertical agency on its own; otherwise the competent agency, the commune's People's
    Committee itself when the procedure is the commune's ("UBND xã …")."""
    steps = [s for s in dossier.get("handovers") or [] if isinstance(s, dict)]
    held = next((s for s in reversed(steps) if not s.get("back_at")), None)
    if held is not None and clean(held.get("to_body")):
        body = clean(held.get("to_body"))
        if held.get("kind") == "commune":
            return clean(center.parent_body), body
        return "", body
    agency = clean(dossier.get("competent_agency"))
    if not agency or _OWN_COMMITTEE.match(agency):
        return "", clean(center.parent_body)
    return "", agency


@_signatures_never_alone
def render_apology(
    dossier: dict[str, Any],
    center: CenterInfo,
    paper: str = "A5",
    lang: str = "vi",
    *,
    new_due: dt.datetime | str | None = None,
    original_due: dt.datetime | str | None = None,
    issued_on: dt.date | None = None,
    agency: str | None = None,
    reason: str | None = None,
) -> bytes:
    """Form 04: apology for a late result and the proposed new date (one extension only).

    `original_due` defaults to the dossier's appointment; `new_due` is required; `reason` defaults
    to the dossier's reason (set when it was extended)."""
    _require(dossier, "code", "procedure_name", "received_at")
    tz = _tz(center)
    received = _parse_time(dossier.get("received_at"), tz)
    assert received is not None
    before = _parse_time(original_due or dossier.get("appointment_at"), tz)
    after = _parse_time(new_due, tz)
    if after is None:
        raise BadInput(
            "văn bản xin lỗi cần ngày hẹn mới / the apology needs the new date", field="new_due"
        )
    if before is not None and after <= before:
        raise BadInput(
            "ngày hẹn mới phải sau ngày hẹn cũ / the new date must be after the original one",
            field="new_due",
        )
    reasons = paragraphs(reason if reason is not None else dossier.get("reason"))
    if not reasons:
        raise BadInput("phải nêu lý do chậm trả kết quả / the delay needs a reason", field="reason")
    issued = issued_on or dt.datetime.now(tz).date()
    parent, body = (("", clean(agency)) if clean(agency) else apology_issuer(dossier, center))
    f = _Form(paper, lang, clean(dossier.get("code")), _texts(dossier, center, [parent, body]))
    f.header(center, clean(dossier.get("form_number")), issued, issuer=(parent, body))
    f.title("apology")
    _letter_opening(f, dossier, center, received, before)
    f.flow(
        [
            (
                f"Tuy nhiên đến nay, {body} chưa trả kết quả giải quyết hồ sơ của ông/bà đúng hạn "
                "với lý do:",
                "",
            ),
        ]
    )
    for r in reasons:
        f.flow([(f"- {r}", "")], indent=3 * f.m.scale, hanging=5 * f.m.scale)
    f.flow(
        [
            (
                f"{body} xin lỗi ông/bà và đề nghị gia hạn thời gian trả kết quả giải quyết hồ sơ "
                "đến ",
                "",
            ),
            (hour_minute_day(after), "B"),
            (".", ""),
        ]
    )
    f.keep_with_signatures()
    f.flow([("Xin trân trọng thông báo để ông/bà được biết./.", "")])
    f.signatures([("Thủ trưởng cơ quan", "(Ký, ghi rõ họ tên và đóng dấu)", "")])
    return f.output()


@_signatures_never_alone
def render_stop(
    dossier: dict[str, Any],
    center: CenterInfo,
    paper: str = "A5",
    lang: str = "vi",
    *,
    issued_on: dt.date | None = None,
) -> bytes:
    """Form 05: the applicant asked to stop before a decision was made (Decree 118 Art. 21,
    Circular 03 Art. 7); the dossier's reason says why. Signed by the head of the body."""
    _require(dossier, "code", "procedure_name", "received_at")
    tz = _tz(center)
    received = _parse_time(dossier.get("received_at"), tz)
    assert received is not None
    reasons = paragraphs(dossier.get("reason"))
    if not reasons:
        raise BadInput(
            "thông báo dừng cần lý do người nộp đề nghị / the stop notice needs the reason",
            field="reason",
        )
    stopped = _parse_time(dossier.get("updated_at"), tz) or dt.datetime.now(tz)
    issued = issued_on or stopped.date()
    f = _start("stop", dossier, center, paper, lang, issued)
    body = clean(dossier.get("competent_agency")) or clean(center.center_name)
    _letter_opening(f, dossier, center, received, _parse_time(dossier.get("appointment_at"), tz))
    f.flow(
        [
            (
                f"Ngày {stopped:%d/%m/%Y}, ông/bà đề nghị dừng giải quyết hồ sơ với lý do:",
                "",
            )
        ]
    )
    for r in reasons:
        f.flow([(f"- {r}", "")], indent=3 * f.m.scale, hanging=5 * f.m.scale)
    f.flow(
        [
            (
                f"{body} thông báo dừng giải quyết hồ sơ nêu trên. Giấy tờ đã nộp (nếu có) được "
                f"trả lại tại {clean(center.center_name)}.",
                "",
            )
        ]
    )
    f.keep_with_signatures()
    f.flow([("Xin trân trọng thông báo để ông/bà được biết./.", "")])
    f.signatures([("Thủ trưởng cơ quan", "(Ký, ghi rõ họ tên và đóng dấu)", "")])
    return f.output()


def _person(username: Any, names: dict[str, str]) -> str:
    u = clean(username)
    return clean(names.get(u, u)) if u else ""


def control_rows(
    dossier: dict[str, Any], center: CenterInfo, tz: Any, names: dict[str, str]
) -> list[tuple[str, str, str, str]]:
    """Form 06's rows, one per hand-over: (who gave → who took, when, early/on time/late, note).

    From the chain (`handovers`, see domain.forwarding): the counter's hand-over to the first
    body, each body's hand-over to the next, the last body's back to the center, and the result
    handed to the citizen."""
    from counter_app.domain.forwarding import RESULT_LABELS, StepResult, timing_label

    desk = clean(center.center_name)
    rows: list[tuple[str, str, str, str]] = []

    def who(body: str, person: str) -> str:
        return f"{body}\n({person})" if person else body

    steps = [s for s in dossier.get("handovers") or [] if isinstance(s, dict)]
    for i, step in enumerate(steps):
        body = clean(step.get("to_body"))
        timing, note = step.get("send_timing"), clean(step.get("note"))
        if i == 0 or not clean(step.get("from_body")):
            giver = who(desk, _person(step.get("sent_by"), names))
        else:
            # the previous body's part ends when it passes the dossier on: judged against its due
            prev = steps[i - 1]
            giver = who(clean(step.get("from_body")), clean(prev.get("giver")))
            timing = prev.get("timing")
            note = "; ".join(x for x in ("Chuyển tiếp", clean(prev.get("result_note")), note) if x)
        sent = _parse_time(step.get("sent_at"), tz)
        rows.append(
            (
                f"Giao: {giver}\nNhận: {who(body, clean(step.get('receiver')))}",
                hour_minute_day(sent),
                timing_label(timing),
                note,
            )
        )
        result = step.get("result")
        if not step.get("back_at") or result == StepResult.PASSED_ON.value:
            continue  # still held, or the next row is the body's hand-over to the next body
        back = _parse_time(step.get("back_at"), tz)
        label = RESULT_LABELS["vi"][StepResult(result)] if result in set(StepResult) else ""
        note = "; ".join(x for x in (label, clean(step.get("result_note"))) if x)
        rows.append(
            (
                f"Giao: {who(body, clean(step.get('giver')))}\n"
                f"Nhận: {who(desk, _person(step.get('back_by'), names))}",
                hour_minute_day(back),
                timing_label(step.get("timing")),
                note,
            )
        )
    returned = _parse_time(dossier.get("returned_at"), tz)
    if returned is not None:
        to = dossier.get("returned_to") or {}
        due = _parse_time(dossier.get("appointment_at"), tz)
        judged = ""
        if due is not None:
            judged = (
                "Trước hạn"
                if returned.date() < due.date()
                else "Đúng hạn"
                if returned <= due
                else "Quá hạn"
            )
        rows.append(
            (
                f"Giao: {who(desk, _person(to.get('officer'), names))}\n"
                f"Nhận: {clean(to.get('name')) or 'Người nộp hồ sơ'}",
                hour_minute_day(returned),
                judged,
                "Trả kết quả",
            )
        )
    return rows


def render_control(
    dossier: dict[str, Any],
    center: CenterInfo,
    paper: str = "A4",
    lang: str = "vi",
    *,
    issued_on: dt.date | None = None,
    officer_names: dict[str, str] | None = None,
) -> bytes:
    """Form 06: the control sheet attached to the dossier, one row per hand-over with its time
    and whether it was early, on time or late (filled from the recorded chain, not by hand)."""
    _require(dossier, "code", "procedure_name", "received_at")
    tz = _tz(center)
    received = _parse_time(dossier.get("received_at"), tz)
    assert received is not None
    f = _start("control", dossier, center, paper, lang, issued_on or received.date())
    f.code_and_qr(clean(dossier["code"]), clean(dossier.get("lookup_code")))
    a = dossier.get("applicant") or {}
    f.field("Kèm theo hồ sơ của", a.get("full_name"))
    _request_block(f, dossier)
    f.field("Ngày, giờ nhận hồ sơ", hour_minute_day(received))
    original = _parse_time(dossier.get("original_appointment_at"), tz)
    due = _parse_time(dossier.get("appointment_at"), tz)
    if original is not None and original != due:
        f.field("Thời gian hẹn trả kết quả (ban đầu)", hour_minute_day(original))
        f.field("Thời gian hẹn trả kết quả (đã gia hạn)", hour_minute_day(due))
    else:
        f.field("Thời gian hẹn trả kết quả", hour_minute_day(due))
    f.leave_qr_zone()
    f.gap(0.4)
    rows = control_rows(dossier, center, tz, officer_names or {})
    f.table(
        (
            "Tên cơ quan",
            "Thời gian giao, nhận hồ sơ",
            "Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)",
            "Ghi chú",
        ),
        rows or [("(Hồ sơ chưa chuyển cơ quan giải quyết)", "", "", "")],
        (36, 22, 24, 18),
        ("L", "C", "C", "L"),
    )
    f.gap(0.4)
    f.flow(
        [
            (
                "Phiếu được lập tự động theo các lần giao, nhận hồ sơ ghi trong phần mềm; "
                "người giao và người nhận ký vào bản in khi giao, nhận hồ sơ giấy.",
                "I",
            )
        ],
        size=f.m.base - 1,
    )
    return f.output()


def warm_up() -> None:
    """Import fpdf2/fontTools/segno and parse the fonts once (about a second on a cold process):
    call it from a background worker at start-up so the first receipt prints without delay."""
    import segno

    segno.make_qr("0")
    f = _Form("A5", "vi", "", ["0"])
    f.flow([("0", "B"), ("0", "I")])
    f.output()


RENDERERS = {
    "receipt": render_receipt,
    "supplement": render_supplement,
    "refusal": render_refusal,
    "apology": render_apology,
    "stop": render_stop,
    "control": render_control,
}
