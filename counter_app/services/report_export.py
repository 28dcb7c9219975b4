"""Reports as files for the supervisor (issue 18 §4): CSV (one report), XLSX (one sheet per report)
and a printable PDF (A4 landscape, the national heading of forms 01–07, one table per report).

A report is the dict of `services.reports` / `services.satisfaction` with its `kind` ("dossiers",
"queue" or "satisfaction"); the columns and their Vietnamese headings are defined once here, in
the order of the screen. Files are written atomically, 0600 (they name officers).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from counter_app.config import Settings
from counter_app.domain.satisfaction import REASONS
from counter_app.errors import BadInput

Column = tuple[str, str]  # report key, heading

COLUMNS: dict[str, tuple[Column, ...]] = {
    "dossiers": (
        ("key", "Nhóm"),
        ("entered", "Hồ sơ nhận"),
        ("received", "Tiếp nhận (có hẹn trả)"),
        ("refused", "Từ chối"),
        ("withdrawn", "Dừng giải quyết"),
        ("supplement_requested", "Yêu cầu bổ sung"),
        ("early", "Trước hạn"),
        ("on_time", "Đúng hạn"),
        ("late", "Trễ hạn"),
        ("open", "Đang giải quyết"),
        ("overdue", "Quá hạn"),
        ("on_time_rate", "Tỉ lệ đúng hạn"),
        ("components", "Thành phần đã nộp"),
        ("components_scanned", "Thành phần đã số hóa"),
        ("digitization_rate", "Tỉ lệ số hóa"),
    ),
    "queue": (
        ("key", "Nhóm"),
        ("issued", "Số đã cấp"),
        ("priority", "Ưu tiên"),
        ("served", "Đã phục vụ"),
        ("absent", "Vắng mặt"),
        ("transferred", "Chuyển nhóm"),
        ("cancelled", "Hủy"),
        ("not_served", "Chưa phục vụ"),
        ("wait_median_min", "Chờ, trung vị (phút)"),
        ("wait_p90_min", "Chờ, p90 (phút)"),
        ("service_median_min", "Phục vụ, trung vị (phút)"),
        ("service_p90_min", "Phục vụ, p90 (phút)"),
    ),
    "satisfaction": (
        ("key", "Nhóm"),
        ("rated", "Lượt đánh giá"),
        ("very_satisfied", "Rất hài lòng"),
        ("satisfied", "Hài lòng"),
        ("unsatisfied", "Không hài lòng"),
        ("satisfaction_rate", "Tỉ lệ hài lòng"),
        ("served", "Số đã phục vụ"),
        ("rated_share", "Tỉ lệ được đánh giá"),
        *((f"reasons.{code}", vi) for code, vi, _en in REASONS),
    ),
}
TITLES = {
    "dossiers": "Tình hình tiếp nhận, giải quyết hồ sơ",
    "queue": "Hàng đợi: cấp số, thời gian chờ và phục vụ",
    "satisfaction": "Mức độ hài lòng của người dân, doanh nghiệp",
}
GROUP_WORDS = {
    None: "toàn trung tâm", "procedure": "theo thủ tục", "field": "theo lĩnh vực",
    "officer": "theo cán bộ", "counter": "theo quầy", "channel": "theo kênh nộp", "day": "theo ngày", "service": "theo nhóm dịch vụ",
    "hour": "theo giờ lấy số",
}
FORMATS = ("csv", "xlsx", "pdf")
MAX_ROWS = 5000  # a grouping with more lines than this is not a report anyone prints


def _kind(report: dict[str, Any]) -> str:
    kind = report.get("kind", "dossiers")
    if kind not in COLUMNS:
        raise BadInput(f"loại báo cáo không rõ / unknown report kind {kind!r}")
    return str(kind)


def value(group: dict[str, Any], key: str) -> Any:
    if key.startswith("reasons."):
        return (group.get("reasons") or {}).get(key.removeprefix("reasons."), 0)
    return group.get(key)


def table(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Headings and rows (groups, then the total) with raw values (None when not defined)."""
    cols = COLUMNS[_kind(report)]
    from counter_app.domain.reports import group_name

    by = report.get("by")
    lines = [*({**g, "key": group_name(by, g["key"])} for g in report["groups"]),
             {**report["total"], "key": "TỔNG"}]
    if len(lines) > MAX_ROWS:
        raise BadInput(f"báo cáo quá dài ({len(lines)} dòng) / the report has too many lines")
    return [h for _, h in cols], [[value(g, k) for k, _ in cols] for g in lines]


def heading(report: dict[str, Any]) -> str:
    start = dt.date.fromisoformat(report["from"])
    end = dt.date.fromisoformat(report["to"])
    return (f"{TITLES[_kind(report)]} từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}, "
            f"{GROUP_WORDS.get(report.get('by'), str(report.get('by')))}")


def is_rate(key: str) -> bool:
    return key.endswith("_rate") or key == "rated_share"


def cell_text(key: str, v: Any) -> str:
    """A figure as printed and shown: rates in %, minutes to a tenth, "—" when not defined."""
    if v is None:
        return "—"
    if is_rate(key):
        return f"{100 * v:.1f} %"
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def to_csv(report: dict[str, Any]) -> bytes:
    """One report as CSV for a spreadsheet (UTF-8 with BOM so Excel keeps the diacritics)."""
    import csv

    heads, rows = table(report)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([f"{heading(report)}, trung tâm {report['center']}"])
    w.writerow(heads)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(reports: Sequence[dict[str, Any]]) -> bytes:
    """The reports as one workbook, a sheet each; rates as percentages, headings bold, frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    names = {"dossiers": "Hồ sơ", "queue": "Hàng đợi", "satisfaction": "Hài lòng"}
    for report in reports:
        kind = _kind(report)
        heads, rows = table(report)
        ws = wb.create_sheet(names[kind])
        ws.append([f"{heading(report)}, trung tâm {report['center']}"])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append(heads)
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        keys = [k for k, _ in COLUMNS[kind]]
        for row in rows:
            ws.append(row)
            for key, cell in zip(keys, ws[ws.max_row], strict=True):
                if is_rate(key):
                    cell.number_format = "0.0%"
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "B3"
        ws.column_dimensions["A"].width = 40
        for i in range(2, len(heads) + 1):
            ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = 14
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_pdf(reports: Sequence[dict[str, Any]], center: Any, *, issued_on: dt.date) -> bytes:
    """The reports as a printable A4 landscape document with the national heading."""
    from counter_app.documents.forms import _Form, clean, upper_vi

    tables = []
    texts: list[str] = [clean(center.parent_body), clean(center.center_name),
                        clean(center.place_name)]
    for report in reports:
        kind = _kind(report)
        heads, rows = table(report)
        keys = [k for k, _ in COLUMNS[kind]]
        cells = [[clean(cell_text(k, v)) for k, v in zip(keys, row, strict=True)] for row in rows]
        tables.append((heading(report), heads, cells))
        texts += [heading(report), *heads, *(c for r in cells for c in r)]
    first = reports[0]
    start, end = (dt.date.fromisoformat(first[k]) for k in ("from", "to"))
    f = _Form("A4L", "vi", "", texts, footer=f"Báo cáo từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}")
    f.header(center, "", issued_on, number_label="Số")
    f.gap(1.0)
    f.flow([(upper_vi("Báo cáo kết quả phục vụ của trung tâm"), "B")], size=f.m.base + 1.5,
           align="C")
    for title, heads, cells in tables:
        f.gap(0.8)
        f.flow([(title, "B")], align="L")
        n = len(heads)
        first_w = 22.0 if n > 12 else 26.0
        rest = (100.0 - first_w) / (n - 1)
        f.table(heads, cells, [first_w, *([rest] * (n - 1))], ["L", *(["R"] * (n - 1))])
    f.gap(0.6)
    f.flow([("Định nghĩa các chỉ số: xem README, mục «Reports: what each figure means».", "I")],
           size=f.m.base - 1.5)
    return f.output()


def save(
    settings: Settings,
    reports: Sequence[dict[str, Any]],
    fmt: str,
    *,
    out: Path | None = None,
    center: Any = None,
    issued_on: dt.date | None = None,
) -> Path:
    """Write the reports as `fmt` to `out` or <data dir>/reports/… (atomic, 0600); the path."""
    from counter_app.services.forms import write_atomic

    if fmt not in FORMATS:
        raise BadInput(f"định dạng không hỗ trợ / unsupported format {fmt!r} ({', '.join(FORMATS)})")
    if not reports:
        raise BadInput("không có báo cáo để lưu / nothing to save")
    if fmt == "csv" and len(reports) != 1:
        raise BadInput("CSV giữ một báo cáo / a CSV file holds one report")
    first = reports[0]
    if out is None:
        kinds = "-".join(_kind(r) for r in reports)
        name = f"{kinds}-{first['from']}-{first['to']}-{first.get('by') or 'total'}.{fmt}"
        out = Path(settings.data_dir) / "reports" / name
    if fmt == "csv":
        data = to_csv(first)
    elif fmt == "xlsx":
        data = to_xlsx(reports)
    else:
        if center is None:
            raise BadInput("thiếu thông tin trung tâm cho bản in / the PDF needs the center")
        data = to_pdf(reports, center, issued_on=issued_on or dt.date.today())
    return write_atomic(Path(out), data)
