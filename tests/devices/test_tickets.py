from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from counter_app.devices.printer import tickets
from counter_app.errors import BadInput, NotAvailable

CUT = b"\x1dV"  # GS V: paper cut


def ticket(priority: str | None = "Người cao tuổi") -> tickets.TicketInfo:
    return tickets.TicketInfo(
        center_name="Trung tâm Phục vụ hành chính công DEMO",
        number="A023",
        service_name="Hộ tịch – Đăng ký khai sinh",
        issued_at=dt.datetime(2026, 11, 23, 8, 5),
        priority_reason=priority,
        waiting_ahead=4,
    )


def test_dummy_printer_gets_number_unaccented_text_and_cut() -> None:
    res = tickets.print_ticket(ticket(), printer="dummy")
    assert res.kind == "escpos" and res.data
    out = res.data
    assert b"A023" in out
    assert b"Vui long cho den luot" in out
    assert b"Nguoi cao tuoi" in out
    assert b"Ho tich" in out and b"Dang ky khai sinh" in out
    assert b"08:05  23/11/2026" in out
    assert out.endswith(CUT + b"\x00")  # full cut, last command
    assert all(b < 0x80 for b in out)  # nothing outside ASCII


def test_codepage_sends_cp1258_accents() -> None:
    p = tickets.open_printer("dummy")
    tickets.render_escpos(p, ticket(), codepage=("cp1258", 52))
    out = p.output
    assert b"\x1bt\x34" in out  # ESC t 52
    assert tickets.to_cp1258(tickets.PLEASE_WAIT) in out
    assert tickets.to_cp1258("chờ").decode("cp1258") == "chơ\u0300"
    assert CUT in out[-8:]


def test_file_printer_writes_device(tmp_path: Path) -> None:
    dev = tmp_path / "lp0"
    dev.write_bytes(b"")
    res = tickets.print_ticket(ticket(None), printer=str(dev))
    data = dev.read_bytes()
    assert res.kind == "escpos" and b"A023" in data and CUT in data[-8:]
    assert b"Uu tien" not in data


def test_unaccent_keeps_case() -> None:
    assert tickets.unaccent("Đăng ký Ưu tiên") == "Dang ky Uu tien"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_pdf_fallback_keeps_vietnamese(tmp_path: Path) -> None:
    res = tickets.print_ticket(ticket(), pdf_dir=tmp_path)
    assert res.kind == "pdf" and res.pdf_path and res.pdf_path.is_file()
    text = subprocess.run(
        ["pdftotext", "-layout", str(res.pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for needle in ("A023", "Vui lòng chờ đến lượt", "Người cao tuổi", "Đăng ký khai sinh"):
        assert needle in text, (needle, text)
    assert [p.name for p in tmp_path.iterdir()] == [res.pdf_path.name]


def test_bad_targets() -> None:
    with pytest.raises(NotAvailable):
        tickets.print_ticket(ticket(), printer="/nonexistent/lp0")
    with pytest.raises(BadInput):
        tickets.print_ticket(ticket(), printer="host:notaport")
    with pytest.raises(BadInput):
        tickets.print_ticket(ticket())
