"""Form 07, the book of dossiers for a period: which dossiers, each column from the record, the
CLI, and bad input (dates, periods) refused with a clear message."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from counter_app.documents.book import HEADINGS, book_rows
from counter_app.errors import BadInput
from counter_app.services import book, dossiers, forwarding
from counter_app.store.models import Dossier
from tests.dossier.data import APPLICANT
from tests.forms import pdftools as pt
from tests.helpers import run_cli

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def _receive(store, settings, when: dt.datetime, name: str = "", **kw):  # type: ignore[no-untyped-def]
    body = {
        "procedure": "1.004873",
        "applicant": {**APPLICANT, **({"full_name": name} if name else {})},
        "components": [{"index": 1, "original": 1}, {"index": 2, "copy": 2}],
        "received_at": when.isoformat(),
    }
    body.update(kw)
    return dossiers.receive(store, settings, body, actor="canbo1")


@pytest.fixture
def month(store, settings):  # type: ignore[no-untyped-def]
    """A small hand-made period: five dossiers in November, one on each edge outside it."""
    out = {
        "before": _receive(store, settings, at(31, 16, month=10), "Trước Kỳ"),
        "returned": _receive(store, settings, at(2, 8), "Lê Văn Trả"),
        "refused": _receive(
            store, settings, at(3, 9), "Phạm Thị Từ", outcome="refuse",
            reason="Không thuộc thẩm quyền",
        ),
        "waiting": _receive(
            store, settings, at(16, 10), "Đỗ Văn Chờ", outcome="supplement",
            components=[{"index": 1, "original": 1}],
        ),
        "forwarded": _receive(store, settings, at(16, 9), "Vũ Thị Chuyển"),
        "last_day": _receive(store, settings, at(30, 16, 59), "Cuối Tháng"),
        "after": _receive(store, settings, at(1, 7, 30, month=12), "Sau Kỳ"),
    }
    code = out["returned"]["code"]
    dossiers.transition(store, settings, code, "processing", actor="canbo1", now=at(2, 9))
    dossiers.transition(store, settings, code, "done", actor="canbo1", now=at(4, 9))
    dossiers.record_return(
        store, settings, code, actor="canbo2", receiver_name="Lê Văn Trả",
        receiver_id_number=APPLICANT["id_number"], id_checked=True, now=at(9, 10),
    )
    fcode = out["forwarded"]["code"]
    forwarding.forward(
        store, settings, fcode, to_body="Văn phòng đăng ký đất đai", kind="vertical",
        actor="canbo1", now=at(16, 10),
    )
    forwarding.take_back(
        store, settings, fcode, result="done", giver="Ông Bình", actor="canbo1", now=at(18, 14)
    )
    return out


def test_the_period_holds_exactly_its_dossiers_in_the_order_received(store, settings, month) -> None:
    got = book.book_dossiers(store, settings, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    names = [d["applicant"]["full_name"] for d in got]
    assert names == ["Lê Văn Trả", "Phạm Thị Từ", "Vũ Thị Chuyển", "Đỗ Văn Chờ", "Cuối Tháng"]
    one_day = book.book_dossiers(store, settings, dt.date(2026, 11, 16), dt.date(2026, 11, 16))
    assert [d["applicant"]["full_name"] for d in one_day] == ["Vũ Thị Chuyển", "Đỗ Văn Chờ"]


def test_a_time_stored_in_utc_counts_on_its_local_day(store, settings, month) -> None:
    """23:30 UTC on 30/11 is 06:30 on 01/12 in Việt Nam: December's book, not November's."""
    code = month["last_day"]["code"]
    with store.write() as s:
        row = s.get(Dossier, month["last_day"]["id"])
        row.received_at = "2026-11-30T23:30:00+00:00"
        s.add(row)
    nov = book.book_dossiers(store, settings, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    dec = book.book_dossiers(store, settings, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert code not in {d["code"] for d in nov} and code in {d["code"] for d in dec}


def test_another_centers_dossier_is_not_in_this_book(store, settings, month) -> None:
    with store.write() as s:
        row = s.get(Dossier, month["forwarded"]["id"])
        row.center_code = "OTHER"
        s.add(row)
    got = book.book_dossiers(store, settings, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert month["forwarded"]["code"] not in {d["code"] for d in got}


def test_each_column_comes_from_the_record(store, settings, month) -> None:
    got = book.book_dossiers(store, settings, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    rows = {r[4]: dict(zip(HEADINGS, r, strict=True)) for r in book_rows(got, TZ)}
    ret = rows["Lê Văn Trả"]
    assert ret["Số thứ tự"] == month["returned"]["book_entry"]
    assert ret["Mã hồ sơ"] == month["returned"]["code"]
    assert ret["Nhận hồ sơ"] == "08:00\n02/11/2026"
    assert ret["Trả kết quả cho cá nhân, tổ chức"] == "10:00\n09/11/2026\nLê Văn Trả"
    assert ret["Ghi chú"] == "Trả quá hạn"  # due Thu 05/11 08:00, returned Mon 09/11
    assert ret["Địa chỉ, số điện thoại"] == "Thôn Đông, xã Demo\n0912345678"
    assert ret["Ký nhận"] == ""  # signed on paper
    fwd = rows["Vũ Thị Chuyển"]
    assert fwd["Chuyển hồ sơ đến cơ quan giải quyết"] == "10:00\n16/11/2026\nVăn phòng đăng ký đất đai"
    assert fwd["Nhận kết quả từ cơ quan giải quyết"].startswith("14:00\n18/11/2026\n")
    assert rows["Phạm Thị Từ"]["Ghi chú"] == "Từ chối tiếp nhận"
    assert rows["Phạm Thị Từ"]["Hẹn trả kết quả"] == ""
    assert rows["Đỗ Văn Chờ"]["Ghi chú"] == "Yêu cầu bổ sung hồ sơ"


def test_book_pdf_is_private_landscape_and_lists_the_period(store, settings, month) -> None:
    path, n = book.render_book_file(
        store, settings, dt.date(2026, 11, 1), dt.date(2026, 11, 30), today=dt.date(2026, 12, 1)
    )
    assert n == 5 and path.name == "book-20261101-20261130.pdf"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    w, h = pt.page_size_pt(path)
    assert w > h  # A4 landscape
    t = pt.flat(pt.text(path))
    assert "SỔ THEO DÕI HỒ SƠ" in t and "Từ ngày 01/11/2026 đến ngày 30/11/2026" in t
    assert "Quyển số: 2026" in t and "(5 hồ sơ tiếp nhận tại" in t
    for name in ("Lê Văn Trả", "Phạm Thị Từ", "Vũ Thị Chuyển", "Đỗ Văn Chờ", "Cuối Tháng"):
        assert name in t
    assert "Trước Kỳ" not in t and "Sau Kỳ" not in t
    assert "Sổ theo dõi hồ sơ từ 01/11/2026 đến 30/11/2026 · Trang 1/" in t


def _tag(i: int) -> str:
    return "B" + chr(97 + i % 26) + chr(97 + i // 26)


def test_a_long_book_repeats_its_headings_on_every_page(store, settings) -> None:
    for i in range(60):
        _receive(store, settings, at(2 + i % 20, 8 + i % 8), f"Người Nộp {_tag(i)}")
    path, n = book.render_book_file(store, settings, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert n == 60
    pages = pt.pages(path)
    assert pages >= 3
    for p in range(1, pages + 1):
        assert "Mã hồ sơ" in pt.flat(pt.text(path, page=p)), p
    t = pt.flat(pt.text(path))
    assert all(t.count(f"Người Nộp {_tag(i)} ") == 1 for i in range(60))


def test_empty_period_prints_an_empty_book(store, settings) -> None:
    path, n = book.render_book_file(store, settings, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert n == 0 and "(Không có hồ sơ trong kỳ)" in pt.flat(pt.text(path))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("01/11/2026", dt.date(2026, 11, 1)), ("2026-11-30", dt.date(2026, 11, 30)),
     (" 5/1/2027 ", dt.date(2027, 1, 5))],
)
def test_parse_day(text: str, expected: dt.date) -> None:
    assert book.parse_day(text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "2026/11/01", "hôm nay", "", "1" * 500])
def test_parse_day_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(BadInput, match="dd/mm/yyyy"):
        book.parse_day(text)


def test_period_is_checked(store, settings) -> None:
    with pytest.raises(BadInput, match="trước ngày bắt đầu"):
        book.book_dossiers(store, settings, dt.date(2026, 11, 30), dt.date(2026, 11, 1))
    with pytest.raises(BadInput, match="366"):
        book.book_dossiers(store, settings, dt.date(2025, 1, 1), dt.date(2026, 6, 30))


def test_cli_book(store, settings, month, tmp_path: Path) -> None:
    out = tmp_path / "so.pdf"
    r = run_cli(
        "dossier", "book", "--from", "01/11/2026", "--to", "30/11/2026", "--out", str(out),
        "--json", "--data-dir", str(settings.data_dir),
    )
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert body["dossiers"] == 5 and body["path"] == str(out) and body["printed"] is None
    assert "Cuối Tháng" in pt.flat(pt.text(out))
    bad = run_cli(
        "dossier", "book", "--from", "32/11/2026", "--to", "30/11/2026",
        "--data-dir", str(settings.data_dir),
    )
    assert bad.returncode == 2 and "dd/mm/yyyy" in bad.stderr and "Traceback" not in bad.stderr
    # personal data never reaches the log line
    assert APPLICANT["id_number"] not in r.stderr and "Cuối Tháng" not in r.stderr
