"""Rules that keep the legal documents right (issue 19 §1): a dossier waiting for supplementation
is never "received" without its papers, an extension moves the date forward and is sent in time
(or says why not), and "sau 15 giờ" means after 15:00:00. Real SQLite file, real CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from counter_app.domain import dossier as rules
from counter_app.domain.extension import apology_deadline, check_extension
from counter_app.errors import BadInput, InvalidTransition
from counter_app.services import dossiers
from counter_app.services import forms as form_service
from counter_app.services.calendar import get_calendar
from tests.dossier.data import APPLICANT
from tests.forms import pdftools as pt
from tests.helpers import ROOT, run_cli

CATALOG = ROOT / "assets" / "catalog" / "demo_catalog.json"

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _status_cert(store, settings, **kw):  # type: ignore[no-untyped-def]
    body = {
        "procedure": "1.004873",
        "applicant": dict(APPLICANT),
        "components": [{"index": 1, "original": 1}, {"index": 2, "copy": 2}],
        "received_at": "2026-11-16T09:00:00+07:00",  # Monday: due Thu 19/11 09:00
    }
    body.update(kw)
    return dossiers.receive(store, settings, body, actor="canbo1")


# --- supplementation --------------------------------------------------------------------------


def test_domain_refuses_need_supplement_to_received_without_the_papers() -> None:
    with pytest.raises(InvalidTransition, match="bổ sung"):
        rules.check_transition("need_supplement", "received")
    assert rules.check_transition(
        "need_supplement", "received", components_complete=True
    ) is rules.Status.RECEIVED


def test_set_status_received_on_a_waiting_dossier_is_refused_and_changes_nothing(
    store, settings, tmp_path: Path
) -> None:
    d = _status_cert(store, settings, outcome="supplement", components=[{"index": 1, "original": 1}])
    assert d["status"] == "need_supplement" and d["appointment_at"] is None
    with pytest.raises(BadInput, match="thiếu thành phần số 2"):
        dossiers.transition(store, settings, d["code"], "received", actor="canbo1")
    after = dossiers.get(store, d["code"])
    assert after["status"] == "need_supplement" and after["version"] == d["version"]
    assert after["appointment_at"] is None
    # and no receipt can be printed for it
    with pytest.raises(BadInput):
        form_service.render_form(store, settings, d["code"], "receipt", tmp_path / "r.pdf")


def test_supplement_with_the_papers_receives_and_computes_the_date_again(store, settings) -> None:
    d = _status_cert(store, settings, outcome="supplement", components=[{"index": 1, "original": 1}])
    done = dossiers.complete_supplement(
        store, settings, d["code"], [{"index": 2, "copy": 2}], actor="canbo1",
        now=dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ),  # Friday
    )
    assert done["status"] == "received"
    # 3 working days from Fri 20/11: Mon 23, (Tue 24/11 holiday), Wed 25, Thu 26
    assert done["appointment_at"] == "2026-11-26T10:00:00+07:00"


def test_cli_set_status_received_refused_supplement_command_receives(tmp_path: Path) -> None:
    env = {"COUNTER_APP_DATA_DIR": str(tmp_path / "data"), "COUNTER_APP_OFFICER": "canbo1"}
    assert run_cli("catalog", "import", str(CATALOG), env=env).returncode == 0
    f = tmp_path / "d.json"
    f.write_text(json.dumps({
        "procedure": "1.004873", "applicant": APPLICANT, "outcome": "supplement",
        "components": [{"index": 1, "original": 1}], "received_at": "2026-11-16T09:00:00+07:00",
    }, ensure_ascii=False), encoding="utf-8")
    r = run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env)
    assert r.returncode == 0, r.stderr
    code = json.loads(r.stdout)["code"]
    r = run_cli("dossier", "set-status", code, "received", env=env)
    assert r.returncode != 0 and "thiếu thành phần số 3" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    r = run_cli("dossier", "supplement", code, "--got", "9", env=env)
    assert r.returncode != 0 and "9" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("dossier", "supplement", code, "--got", "3", "--json", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["status"] == "received" and out["appointment_at"]
    r = run_cli("dossier", "supplement", code, "--got", "3", env=env)
    assert r.returncode != 0  # once received, there is nothing to supplement


# --- extension (form 04) ----------------------------------------------------------------------


def test_apology_deadline_is_the_working_day_before() -> None:
    from counter_app.config import load_settings

    cal = get_calendar(load_settings())
    # due Wed 25/11/2026 → Tue 24/11 is Culture Day → Mon 23/11
    assert apology_deadline(cal, dt.datetime(2026, 11, 25, 9, tzinfo=TZ)) == dt.date(2026, 11, 23)
    # due Mon 23/02/2026 after Tết → Fri 13/02/2026
    assert apology_deadline(cal, dt.datetime(2026, 2, 23, 9, tzinfo=TZ)) == dt.date(2026, 2, 13)


@pytest.mark.parametrize(
    ("new_due", "now", "late_reason", "error"),
    [
        ("2026-11-19T09:00", "2026-11-17T10:00", "", "phải sau ngày hẹn hiện tại"),  # same date
        ("2026-11-18T16:00", "2026-11-17T10:00", "", "phải sau ngày hẹn hiện tại"),  # earlier
        ("2026-11-21T09:00", "2026-11-17T10:00", "", "không phải ngày làm việc"),  # Saturday
        ("2026-11-24T09:00", "2026-11-17T10:00", "", "không phải ngày làm việc"),  # Culture Day
        ("2026-11-25T09:00", "2026-11-19T08:00", "", "ghi lý do gửi muộn"),  # on the due day
        ("2026-11-25T09:00", "2026-11-19T08:00", "   ", "ghi lý do gửi muộn"),  # blank reason
    ],
)
def test_extension_rules(store, settings, new_due, now, late_reason, error) -> None:
    d = _status_cert(store, settings)
    with pytest.raises((InvalidTransition, BadInput), match=error):
        dossiers.transition(
            store, settings, d["code"], "extended", actor="canbo1", reason="Chờ xác minh",
            new_due=dt.datetime.fromisoformat(new_due),
            now=dt.datetime.fromisoformat(now).replace(tzinfo=TZ), late_reason=late_reason,
        )
    after = dossiers.get(store, d["code"])
    assert after["status"] == "received" and after["appointment_at"] == d["appointment_at"]
    assert after["extension_count"] == 0


def test_extension_in_time_and_late_with_a_reason(store, settings) -> None:
    on_time = _status_cert(store, settings)
    ext = dossiers.transition(
        store, settings, on_time["code"], "extended", actor="canbo1", reason="Chờ xác minh",
        new_due=dt.datetime(2026, 11, 25, 9), now=dt.datetime(2026, 11, 18, 16, 59, tzinfo=TZ),
    )
    assert ext["status"] == "extended" and ext["appointment_at"] == "2026-11-25T09:00:00+07:00"
    assert ext["apology_late_reason"] == ""
    late = _status_cert(store, settings)
    ext = dossiers.transition(
        store, settings, late["code"], "extended", actor="canbo1", reason="Chờ xác minh",
        new_due=dt.datetime(2026, 11, 25, 9), now=dt.datetime(2026, 11, 19, 8, 0, tzinfo=TZ),
        late_reason="Cơ quan thuế trả lời chậm",
    )
    assert ext["apology_late_reason"] == "Cơ quan thuế trả lời chậm"
    history = dossiers.get(store, late["code"])["history"]
    assert history[-1]["data"]["late"] is True
    assert history[-1]["data"]["new_due"] == "2026-11-25T09:00:00+07:00"
    dossiers.transition(store, settings, late["code"], "processing", actor="canbo1")
    with pytest.raises(InvalidTransition, match="một lần"):
        dossiers.transition(
            store, settings, late["code"], "extended", actor="canbo1", reason="x",
            new_due=dt.datetime(2026, 11, 30, 9), now=dt.datetime(2026, 11, 20, 8, tzinfo=TZ),
        )


def test_extension_needs_the_reason_for_the_delay(store, settings) -> None:
    d = _status_cert(store, settings)
    with pytest.raises(BadInput, match="lý do chậm"):
        dossiers.transition(
            store, settings, d["code"], "extended", actor="canbo1",
            new_due=dt.datetime(2026, 11, 25, 9), now=dt.datetime(2026, 11, 17, tzinfo=TZ),
        )


def test_check_extension_compares_in_the_calendar_zone() -> None:
    from counter_app.config import load_settings

    cal = get_calendar(load_settings())
    due = dt.datetime(2026, 11, 19, 9, tzinfo=TZ)
    # 02:30 UTC on 25/11 is 09:30 in Hà Nội: a working day, after the current date
    ok = check_extension(
        cal, current_due=due, new_due=dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC),
        now=dt.datetime(2026, 11, 17, 3, tzinfo=dt.UTC),
    )
    assert ok.new_due.isoformat() == "2026-11-25T09:30:00+07:00" and not ok.issued_late


# --- cut-off ----------------------------------------------------------------------------------


def test_received_at_exactly_15_00_is_same_day_and_the_receipt_says_sau_15_gio(
    store, settings, tmp_path: Path
) -> None:
    body = {
        "procedure": "1.001193",
        "applicant": dict(APPLICANT),
        "components": [{"index": 1, "original": 1}, {"index": 2, "original": 1},
                       {"index": 4, "presented": True}],
    }
    at_three = dossiers.receive(
        store, settings, {**body, "received_at": "2026-11-23T15:00:00+07:00"}, actor="canbo1"
    )
    assert at_three["appointment_at"].startswith("2026-11-23T17:00")
    one_second_later = dossiers.receive(
        store, settings, {**body, "received_at": "2026-11-23T15:00:01+07:00"}, actor="canbo1"
    )
    # next working day: Tue 24/11/2026 is Culture Day
    assert one_second_later["appointment_at"].startswith("2026-11-25T17:00")
    out = form_service.render_form(store, settings, at_three["code"], "receipt", tmp_path / "r.pdf")
    text = pt.flat(pt.text(out))
    assert "tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo" in text
    assert "17 giờ 00 phút, ngày 23/11/2026" in text


# --- fees and payment -------------------------------------------------------------------------

CERTIFY_PROC = {
    "code": "2.000815",
    "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "field": "Chứng thực",
    "processing_value": 0,
    "processing_unit": "same_day",
    "cut_off": "15:00",
    "fees": [
        {
            "name": "Phí chứng thực bản sao",
            "amount_vnd": 2000,
            "per": "page",
            "page_tiers": [
                {"from_page": 1, "amount_vnd": 2000},
                {"from_page": 3, "amount_vnd": 1000},
            ],
            "cap_per_copy_vnd": 200000,
        }
    ],
    "components": [
        {"index": 1, "name": "Bản chính giấy tờ", "original": 1, "copy": 0, "required": True},
    ],
    "agency": "UBND xã",
}


def _certify(store, settings, **kw):  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from counter_app.store.models import Procedure

    with store.write() as s:
        if s.exec(select(Procedure).where(Procedure.code == "2.000815")).first() is None:
            s.add(Procedure(version=1, **CERTIFY_PROC))
    body = {
        "procedure": "2.000815",
        "applicant": dict(APPLICANT),
        "components": [{"index": 1, "original": 1}],
        "received_at": "2026-11-23T09:00:00+07:00",
        "copies": 3,  # three sets handed over: not a fee multiplier
    }
    body.update(kw)
    return dossiers.receive(store, settings, body, actor="canbo1")


def test_certification_is_charged_per_page_and_copy_and_the_receipt_says_how_it_was_paid(
    store, settings, tmp_path: Path
) -> None:
    with pytest.raises(BadInput, match="số trang"):
        _certify(store, settings)
    d = _certify(
        store, settings,
        fee_quantities={"Phí chứng thực bản sao": {"copies": 2, "pages": [3, 250]}},
        payment={"method": "transfer", "reference": "FT2632812345"},
    )
    # (5,000 + 200,000 capped) × 2 copies
    assert d["fee_vnd"] == 410000
    assert d["payment"]["method"] == "transfer" and d["payment"]["amount_vnd"] == 410000
    assert d["payment"]["officer"] == "canbo1" and d["payment"]["paid_at"]
    text = pt.flat(pt.text(
        form_service.render_form(store, settings, d["code"], "receipt", tmp_path / "r.pdf")
    ))
    assert "410.000 đồng" in text and "2 bản × 3 trang (5.000 đ) + 250 trang (200.000 đ)" in text
    assert "đã nộp 410.000 đồng bằng chuyển khoản (mã giao dịch FT2632812345)" in text


def test_payment_later_once_and_only_when_a_fee_is_due(store, settings) -> None:
    d = _certify(store, settings, fee_quantities={"Phí chứng thực bản sao": {"pages": [1]}})
    assert d["fee_vnd"] == 2000 and d["payment"] is None
    paid = dossiers.record_payment(store, settings, d["code"], method="cash", actor="canbo1")
    assert paid["payment"]["amount_vnd"] == 2000 and paid["version"] == d["version"] + 1
    with pytest.raises(InvalidTransition, match="đã được ghi nhận"):
        dossiers.record_payment(store, settings, d["code"], method="cash", actor="canbo1")
    free = _status_cert(store, settings, outcome="refuse", reason="Không thuộc thẩm quyền")
    with pytest.raises(InvalidTransition):
        dossiers.record_payment(store, settings, free["code"], method="cash", actor="canbo1")
    with pytest.raises(BadInput, match="payment"):
        _status_cert(store, settings, outcome="refuse", reason="x", payment={"method": "cash"})
    with pytest.raises(BadInput):
        _certify(store, settings, fee_quantities={"Phí chứng thực bản sao": {"pages": [0]}})


def test_cli_pay(tmp_path: Path) -> None:
    env = {"COUNTER_APP_DATA_DIR": str(tmp_path / "data"), "COUNTER_APP_OFFICER": "canbo1"}
    assert run_cli("catalog", "import", str(CATALOG), env=env).returncode == 0
    f = tmp_path / "d.json"
    f.write_text(json.dumps({
        "procedure": "2.000635", "applicant": APPLICANT,
        "components": [{"index": 1, "original": 1}, {"index": 2, "presented": True}],
        "fee_quantities": {"Phí cấp bản sao trích lục hộ tịch": {"copies": 3}},
    }, ensure_ascii=False), encoding="utf-8")
    r = run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["fee_vnd"] == 24000
    r = run_cli("dossier", "pay", d["code"], "--method", "vietqr", env=env)
    assert r.returncode != 0 and "mã giao dịch" in r.stderr
    r = run_cli("dossier", "pay", d["code"], "--method", "vietqr", "--reference", "QR123", env=env)
    assert r.returncode == 0 and "24.000" in r.stderr + r.stdout, r.stderr


def test_delivery_choice_is_checked_stored_and_printed(store, settings, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="trung tâm"):
        _status_cert(store, settings, components=[
            {"index": 1, "original": 1}, {"index": 2, "copy": 2}
        ], delivery={"method": "other_center"})
    with pytest.raises(BadInput):
        _status_cert(store, settings, delivery={"method": "post", "phone": "1"})  # unknown key
    d = _status_cert(store, settings, delivery={"method": "other_center",
                                                "center": "Trung tâm PVHCC xã Mường Lát"})
    assert d["result_delivery"] == {"method": "other_center", "center": "Trung tâm PVHCC xã Mường Lát"}
    pdf = form_service.render_form(store, settings, d["code"], "receipt", tmp_path / "r.pdf")
    assert "Tại Trung tâm PVHCC xã Mường Lát" in pt.flat(pt.text(pdf))


def test_receipt_has_its_book_entry_and_two_copies(store, settings, tmp_path: Path) -> None:
    first = _status_cert(store, settings)
    second = _status_cert(store, settings)
    assert first["book_volume"] == "2026" and second["book_volume"] == "2026"
    assert rules.parse_book_entry(second["book_entry"]) == (
        first["book_entry"][:2], rules.parse_book_entry(first["book_entry"])[1] + 1  # type: ignore[index]
    )
    pdf = form_service.render_form(store, settings, second["code"], "receipt", tmp_path / "r.pdf")
    assert pt.pages(pdf) == 2
    one, two = pt.flat(pt.text(pdf, page=1)), pt.flat(pt.text(pdf, page=2))
    assert "Liên 1: Lưu tại bộ phận tiếp nhận" in one and "Liên 2: Giao người nộp hồ sơ" in two
    for page in (one, two):
        assert f"Số: {second['book_entry']}" in page
        assert f"Quyển số: 2026, Số thứ tự: {second['book_entry']}" in page
    settings.receipt_copies = 1
    single = form_service.render_form(store, settings, second["code"], "receipt", tmp_path / "s.pdf")
    assert pt.pages(single) == 1 and "Liên" not in pt.text(single)


def test_center_phone_is_on_form_02_and_checked(store, settings, tmp_path: Path) -> None:
    from counter_app.config import load_settings

    settings.center_phone = "0237 3852 123"
    d = _status_cert(store, settings, outcome="supplement", components=[{"index": 1, "original": 1}])
    pdf = form_service.render_form(store, settings, d["code"], "supplement", tmp_path / "02.pdf")
    assert "số điện thoại 0237 3852 123" in pt.flat(pt.text(pdf))
    with pytest.raises(BadInput, match="center_phone"):
        load_settings(data_dir=tmp_path / "x", center_phone="gọi tôi nhé")
