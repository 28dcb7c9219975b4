"""The pure renderer: forms 01–04 read back with poppler (text, page size, word boxes) and zbar
(the QR code)."""

from __future__ import annotations

import copy
import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from counter_app.documents import forms
from counter_app.documents.forms import CenterInfo
from counter_app.errors import BadInput
from tests.forms import pdftools as pt
from tests.forms.samples import CENTER, need_supplement, received, refused

A5_PT = (419.53, 595.28)
A4_PT = (595.28, 841.89)
MM = 72 / 25.4


def render(tmp_path: Path, fn, dossier, paper="A5", name="form.pdf", **kw) -> Path:  # type: ignore[no-untyped-def]
    data = fn(dossier, CENTER, paper, **kw)
    assert data.startswith(b"%PDF-")
    return pt.write(tmp_path, data, name)


def assert_inside_margins(pdf: Path, paper: str) -> None:
    """No word crosses the left/right margins or runs off the page."""
    margins = {"A5": (14, 10), "A4": (25, 15)}[paper]
    ws, (width, height) = pt.words(pdf)
    assert ws
    for w in ws:
        assert w.x_min >= margins[0] * MM - 0.5, w
        assert w.x_max <= width - margins[1] * MM + 0.5, w
        assert 0 <= w.y_min and w.y_max <= height, w


# --- form 01 -----------------------------------------------------------------------------------


def test_receipt_text_is_exact_vietnamese(tmp_path: Path) -> None:
    pdf = render(tmp_path, forms.render_receipt, received())
    raw = pt.text(pdf)
    assert raw == unicodedata.normalize("NFC", raw)
    t = pt.flat(raw)
    for s in (
        "ỦY BAN NHÂN DÂN XÃ DEMO",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Demo, ngày 23 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: H15.50.05.13-261123-070975",
        "Số thứ tự: A023",  # the queue ticket it was received for
        "Ông/Bà: Nguyễn Thị Ánh Tuyết",
        "Số định danh cá nhân: 001085012345",
        "Số 12, ngõ 34, đường Lê Lợi, thôn Đông, xã Demo, tỉnh Cà Mau",
        "Số điện thoại: 0912345678; Email: anhtuyet@example.vn",
        "Nội dung yêu cầu giải quyết: Cấp Giấy xác nhận tình trạng hôn nhân",
        "2. Số lượng hồ sơ: 01 bộ",
        "3. Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 23/11/2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 05 phút, ngày 27/11/2026",
        "6. Đăng ký nhận kết quả tại: Trực tiếp tại Trung tâm Phục vụ hành chính công xã Demo",
        "7. Phí, lệ phí: 5.000 đồng (Lệ phí: mức do tỉnh quy định)",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Thị Bích Ngọc",
    ):
        assert s in t, s
    # the components table, in order, with counts; the ID card shown only
    i1 = t.index("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân")
    i2 = t.index("Bản sao giấy tờ chứng minh nhân thân")
    i3 = t.index("Thẻ Căn cước")
    assert i1 < i2 < i3
    assert "Xuất trình để đối chiếu" in t
    assert pt.pages(pdf) == 1
    assert_inside_margins(pdf, "A5")


def test_decomposed_input_is_printed_composed(tmp_path: Path) -> None:
    d = received()
    d["applicant"]["full_name"] = unicodedata.normalize("NFD", "Phạm Thị Hường")
    d["procedure_name"] = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    t = pt.flat(pt.text(render(tmp_path, forms.render_receipt, d)))
    assert "Ông/Bà: Phạm Thị Hường" in t
    assert "Đăng ký khai sinh" in t


def test_paper_sizes(tmp_path: Path) -> None:
    a5 = render(tmp_path, forms.render_receipt, received(), "A5", "a5.pdf")
    a4 = render(tmp_path, forms.render_receipt, received(), "A4", "a4.pdf")
    assert pt.page_size_pt(a5) == pytest.approx(A5_PT, abs=0.5)
    assert pt.page_size_pt(a4) == pytest.approx(A4_PT, abs=0.5)
    assert pt.flat(pt.text(a4)).count("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") == 1
    assert_inside_margins(a4, "A4")


@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_qr_decodes_to_the_lookup_code(tmp_path: Path, paper: str) -> None:
    pt.need("zbarimg")
    d = received()
    pdf = render(tmp_path, forms.render_receipt, d, paper)
    assert pt.qr_codes(pdf, tmp_path) == [d["lookup_code"]]


def test_qr_of_each_form(tmp_path: Path) -> None:
    pt.need("zbarimg")
    for name, fn, d, kw in (
        ("s.pdf", forms.render_supplement, need_supplement(), {}),
        ("r.pdf", forms.render_refusal, refused(), {}),
        (
            "a.pdf",
            forms.render_apology,
            received(status="processing", reason="Chờ xác minh"),
            {"new_due": "2026-12-02T09:05:00+07:00"},
        ),
    ):
        sub = tmp_path / name.removesuffix(".pdf")
        sub.mkdir()
        pdf = render(sub, fn, d, name=name, **kw)
        assert pt.qr_codes(pdf, sub) == [d["lookup_code"]], name


def test_long_names_wrap_inside_the_page(tmp_path: Path) -> None:
    d = received()
    d["applicant"]["full_name"] = "Tôn Nữ Thị Hoàng Phương Thảo Nguyên Khánh Linh Bảo Ngọc Trâm Anh"
    d["applicant"]["email"] = "a" * 70 + "@example-long-domain-name.vn"
    d["applicant"]["address"] = "Tổ dân phố số 7, " * 8 + "phường Trung Hòa, thành phố Hà Nội"
    d["procedure_name"] = (
        "Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi "
        "(liên thông thủ tục hành chính)"
    )
    d["components"][0]["name"] = "Giấy ủy quyền " + "(có chứng thực chữ ký của người ủy quyền) " * 4
    for paper in ("A5", "A4"):
        pdf = render(tmp_path, forms.render_receipt, d, paper, f"{paper}.pdf")
        assert_inside_margins(pdf, paper)
        t = pt.flat(pt.text(pdf))
        assert "Tôn Nữ Thị Hoàng Phương Thảo Nguyên Khánh Linh Bảo Ngọc Trâm Anh" in t
        assert "phường Trung Hòa, thành phố Hà Nội" in t
        assert "(liên thông thủ tục hành chính)" in t
        # the unbreakable e-mail is cut, never lost
        assert t.replace(" ", "").count("a" * 70 + "@example-long-domain-name.vn") == 1


def test_many_components_flow_to_a_second_page(tmp_path: Path) -> None:
    d = received()
    template = d["components"][0]
    d["components"] = []
    for i in range(1, 41):
        c = copy.deepcopy(template)
        c.update(
            index=i,
            name=f"Giấy tờ số {i:02d} về quyền sử dụng đất và tài sản gắn liền với đất",
            original=1,
            copy=i % 3,
        )
        d["components"].append(c)
    pdf = render(tmp_path, forms.render_receipt, d)
    n = pt.pages(pdf)
    assert n >= 2
    t = pt.flat(pt.text(pdf))
    for i in range(1, 41):
        assert t.count(f"Giấy tờ số {i:02d} về") == 1, i
    # the heading row repeats on the next page, the appointment and signatures are still there
    assert "Tên giấy tờ" in pt.text(pdf, page=2)
    assert "ngày 27/11/2026" in t
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in pt.flat(pt.text(pdf, page=n))
    assert f"Trang {n}/{n}" in pt.flat(pt.text(pdf, page=n))
    assert_inside_margins(pdf, "A5")


def test_copies_of_a_long_receipt_are_numbered_each_from_one(tmp_path: Path) -> None:
    """Liên 1 and Liên 2 in one document: each copy starts on a new page with its header and
    label, and its pages are numbered within the copy (never "Trang 4/6")."""
    d = received()
    template = d["components"][0]
    d["components"] = [
        {**copy.deepcopy(template), "index": i, "name": f"Giấy tờ số {i:02d} kèm theo hồ sơ"}
        for i in range(1, 31)
    ]
    labels = ("Liên 1: Lưu tại bộ phận tiếp nhận", "Liên 2: Giao người nộp hồ sơ")
    pdf = render(tmp_path, forms.render_receipt, d, copies=labels)
    total = pt.pages(pdf)
    assert total % 2 == 0 and total >= 4
    per = total // 2
    for page in range(1, total + 1):
        text = pt.flat(pt.text(pdf, page=page))
        i = (page - 1) % per + 1
        assert f"Trang {i}/{per}" in text, page
        assert f"Mã hồ sơ: {d['code']}" in text
        if i == 1:
            label = labels[(page - 1) // per]
            assert label in text and "GIẤY TIẾP NHẬN HỒ SƠ" in text
    t = pt.flat(pt.text(pdf))
    assert t.count("Giấy tờ số 30 kèm theo hồ sơ") == 2
    assert t.count("NGƯỜI TIẾP NHẬN HỒ SƠ") == 2
    with pytest.raises(BadInput, match="liên"):
        forms.render_receipt(d, CENTER, copies=())


def test_optional_fields_missing_are_dotted(tmp_path: Path) -> None:
    d = received(appointment_at=None, fees=[], fee_vnd=0)
    del d["applicant"]["email"]
    del d["applicant"]["phone"]
    d.pop("processing_value")
    t = pt.flat(pt.text(render(tmp_path, forms.render_receipt, d)))
    assert "Email: …" in t
    assert "7. Phí, lệ phí: Không thu" in t
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: …… giờ" in t


def test_same_day_and_provisional_and_principal(tmp_path: Path) -> None:
    d = received(
        processing_value=0,
        processing_unit="same_day",
        cut_off="15:00",
        provisional_due=True,
        sets=2,
        result_delivery="Qua dịch vụ bưu chính công ích",
    )
    d["applicant"]["principal"] = {"full_name": "Lê Văn Đức", "id_number": "079090001234"}
    d["applicant"]["authorisation"] = "Giấy ủy quyền số 12/2026 ngày 20/11/2026"
    t = pt.flat(pt.text(render(tmp_path, forms.render_receipt, d)))
    assert "Trong ngày làm việc (tiếp nhận sau 15 giờ thì trả" in t
    assert "lịch nghỉ lễ dự kiến" in t
    assert "2. Số lượng hồ sơ: 02 bộ" in t
    assert "Qua dịch vụ bưu chính công ích" in t
    assert "Lê Văn Đức" in t and "079090001234" in t and "Giấy ủy quyền số 12/2026" in t


def test_a_cut_off_with_minutes_is_written_in_words(tmp_path: Path) -> None:
    d = received(processing_value=0, processing_unit="same_day", cut_off="14:30")
    t = pt.flat(pt.text(render(tmp_path, forms.render_receipt, d)))
    assert "(tiếp nhận sau 14 giờ 30 thì trả trong ngày làm việc tiếp theo)" in t


def test_characters_outside_the_subset_use_the_full_font(tmp_path: Path) -> None:
    d = received()
    d["applicant"]["address"] = "Khu phố Ωmega, ул. Ленина 5, xã Demo"
    t = pt.flat(pt.text(render(tmp_path, forms.render_receipt, d)))
    assert "Khu phố Ωmega, ул. Ленина 5, xã Demo" in t


def test_time_zone_of_the_center_is_used(tmp_path: Path) -> None:
    d = received(received_at="2026-11-23T02:05:00+00:00")  # = 09:05 in Hà Nội
    t = pt.flat(pt.text(render(tmp_path, forms.render_receipt, d)))
    assert "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 23/11/2026" in t


def test_place_date_leading_zeros() -> None:
    assert forms.place_date("Demo", dt.date(2027, 2, 5)) == "Demo, ngày 05 tháng 02 năm 2027"
    assert forms.place_date("Demo", dt.date(2026, 11, 23)) == "Demo, ngày 23 tháng 11 năm 2026"
    assert forms.place_date("Demo", dt.date(2026, 3, 9)) == "Demo, ngày 09 tháng 3 năm 2026"


def test_english_subtitle(tmp_path: Path) -> None:
    t = pt.flat(pt.text(pt.write(tmp_path, forms.render_receipt(received(), CENTER, "A5", "en"))))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in t
    assert "Receipt and appointment slip" in t


# --- forms 02, 03, 04 --------------------------------------------------------------------------


def test_supplement_lists_what_is_missing(tmp_path: Path) -> None:
    pdf = render(tmp_path, forms.render_supplement, need_supplement())
    t = pt.flat(pt.text(pdf))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in t
    assert "Hồ sơ của: Ông/Bà: Nguyễn Thị Ánh Tuyết" in t
    assert "Bản sao giấy tờ chứng minh nhân thân" in t
    assert "Thiếu 2 bản sao" in t
    assert "Tờ khai ghi thiếu nơi cư trú trước khi chuyển đến xã Demo" in t
    assert "NGƯỜI HƯỚNG DẪN" in t and "Trần Thị Bích Ngọc" in t
    assert "0290 3123 456" in t
    # the component that was complete is not asked for
    assert "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân" not in t
    assert_inside_margins(pdf, "A5")


def test_supplement_needs_something_to_ask_for() -> None:
    d = need_supplement()
    d["missing"] = []
    d["reason"] = "  "
    with pytest.raises(BadInput, match="missing"):
        forms.render_supplement(d, CENTER)


def test_refusal_gives_every_reason(tmp_path: Path) -> None:
    pdf = render(tmp_path, forms.render_refusal, refused(), "A4")
    t = pt.flat(pt.text(pdf))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in t
    assert "Mã hồ sơ (nếu có): H15.50.05.13-261123-070975" in t
    assert "- Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã Demo" in t
    assert "- Người yêu cầu đã được hướng dẫn nộp tại Sở Tư pháp tỉnh Cà Mau" in t
    assert "NGƯỜI NỘP HỒ SƠ" in t and "NGƯỜI TIẾP NHẬN HỒ SƠ" in t
    assert_inside_margins(pdf, "A4")


def test_refusal_without_reason_is_refused() -> None:
    d = refused()
    d["reason"] = "\n \n"
    with pytest.raises(BadInput, match="lý do"):
        forms.render_refusal(d, CENTER)


def test_apology_with_new_date(tmp_path: Path) -> None:
    d = received(status="processing", reason="Cần xác minh thông tin tại nơi cư trú trước đây")
    pdf = render(
        tmp_path,
        forms.render_apology,
        d,
        new_due=dt.datetime(2026, 12, 2, 9, 5),
        issued_on=dt.date(2026, 11, 26),
    )
    t = pt.flat(pt.text(pdf))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in t
    assert "Demo, ngày 26 tháng 11 năm 2026" in t
    assert "Kính gửi: Ông/Bà Nguyễn Thị Ánh Tuyết" in t
    assert "Thời gian hẹn trả kết quả giải quyết hồ sơ: 09 giờ 05 phút, ngày 27/11/2026" in t
    assert "đến 09 giờ 05 phút, ngày 02/12/2026" in t
    assert "Cần xác minh thông tin tại nơi cư trú trước đây" in t
    assert_inside_margins(pdf, "A5")


def test_apology_new_date_must_be_later() -> None:
    d = received(status="processing", reason="Chờ xác minh")
    with pytest.raises(BadInput, match="new_due"):
        forms.render_apology(d, CENTER, new_due="2026-11-26T09:00:00+07:00")
    with pytest.raises(BadInput, match="new_due"):
        forms.render_apology(d, CENTER)


# --- bad input ---------------------------------------------------------------------------------


def test_bad_paper_language_and_dossier() -> None:
    with pytest.raises(BadInput, match="Letter"):
        forms.render_receipt(received(), CENTER, "Letter")
    with pytest.raises(BadInput, match="fr"):
        forms.render_receipt(received(), CENTER, "A5", "fr")
    with pytest.raises(BadInput, match="received_at"):
        forms.render_receipt(received(received_at=None), CENTER)
    with pytest.raises(BadInput, match="date-time"):
        forms.render_receipt(received(received_at="yesterday"), CENTER)
    with pytest.raises(BadInput, match="time zone"):
        forms.render_receipt(
            received(), CenterInfo("UBND", "Trung tâm", "Demo", timezone="Mars/Base")
        )


def test_control_characters_do_not_break_the_layout(tmp_path: Path) -> None:
    d = received()
    d["applicant"]["full_name"] = "Nguyễn\tVăn\x00 An\r\n"
    t = pt.flat(pt.text(render(tmp_path, forms.render_receipt, d)))
    assert "Ông/Bà: Nguyễn Văn An" in t


def test_warm_up_runs() -> None:
    forms.warm_up()


def test_long_center_names_wrap_in_the_header(tmp_path: Path) -> None:
    center = CenterInfo(
        "Ủy ban nhân dân phường Hòa Thuận Tây",
        "Trung tâm Phục vụ hành chính công phường Hòa Thuận Tây, thành phố Đà Nẵng",
        "Đà Nẵng",
    )
    pdf = pt.write(tmp_path, forms.render_receipt(received(), center))
    assert_inside_margins(pdf, "A5")
    t = pt.flat(pt.text(pdf))
    assert "THÀNH PHỐ ĐÀ NẴNG" in t and "Đà Nẵng, ngày 23 tháng 11 năm 2026" in t
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in t


def test_form_04_is_issued_by_the_body_that_is_late(tmp_path: Path) -> None:
    """The commune's own procedure: its People's Committee, alone in the header; a department
    holding the dossier: under the People's Committee; a vertical agency: on its own."""
    own = received(status="processing", reason="Cần xác minh")
    assert forms.apology_issuer(own, CENTER) == ("", CENTER.parent_body)
    held_by_department = {
        **own,
        "handovers": [{"to_body": "Phòng Kinh tế", "kind": "commune", "sent_at": "x"}],
    }
    assert forms.apology_issuer(held_by_department, CENTER) == (CENTER.parent_body, "Phòng Kinh tế")
    land = "Văn phòng đăng ký đất đai - Chi nhánh khu vực Demo"
    held_by_agency = {**own, "handovers": [{"to_body": land, "kind": "vertical"}]}
    assert forms.apology_issuer(held_by_agency, CENTER) == ("", land)
    back_from_agency = {
        **own,
        "handovers": [{"to_body": land, "kind": "vertical", "back_at": "2026-11-26T09:00:00+07:00"}],
    }
    assert forms.apology_issuer(back_from_agency, CENTER) == ("", CENTER.parent_body)
    police = {**own, "competent_agency": "Công an xã"}
    assert forms.apology_issuer(police, CENTER) == ("", "Công an xã")

    pdf = render(tmp_path, forms.render_apology, held_by_agency, new_due=dt.datetime(2026, 12, 2, 9))
    t = pt.flat(pt.text(pdf))
    assert "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI" in t and "CHI NHÁNH KHU VỰC DEMO" in t
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" not in t  # not the center's letter
    assert f"Tuy nhiên đến nay, {land} chưa trả kết quả" in t
    pdf = render(tmp_path, forms.render_apology, own, name="own.pdf", new_due=dt.datetime(2026, 12, 2, 9))
    t = pt.flat(pt.text(pdf))
    assert "ỦY BAN NHÂN DÂN XÃ DEMO" in t and "TRUNG TÂM PHỤC VỤ" not in t
