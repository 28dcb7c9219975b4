"""The fee step with a fee charged per page and copy (certification) and the payment, from the
keyboard: the amount is computed as the officer types, a missing page count or transaction
reference sends them back to the field, and the stored dossier says how it was paid."""

from __future__ import annotations

from counter_app.domain.text import fold
from counter_app.services import dossiers
from counter_app.store.models import Procedure
from counter_app.ui.screens.reception import ReceptionScreen

from .conftest import HostApp, type_text
from .test_wizard import fill_applicant

CERTIFY = {
    "code": "TEST.PAGE",
    "name": "Chứng thực bản sao từ bản chính (thử)",
    "field": "Chứng thực",
    "fees": [
        {
            "name": "Phí chứng thực bản sao",
            "amount_vnd": 2000,
            "note": "",
            "per": "page",
            "page_tiers": [
                {"from_page": 1, "amount_vnd": 2000},
                {"from_page": 3, "amount_vnd": 1000},
            ],
            "cap_per_copy_vnd": 200000,
        }
    ],
    "components": [
        {"index": 1, "name": "Bản chính giấy tờ", "original": 1, "copy": 0, "required": True}
    ],
}


def _insert(ctx) -> None:  # type: ignore[no-untyped-def]
    with ctx.store.write() as s:
        s.add(
            Procedure(
                code=CERTIFY["code"], version=1, name=CERTIFY["name"], field=CERTIFY["field"],
                level="xa", processing_value=0, processing_unit="same_day", fees=CERTIFY["fees"],
                components=CERTIFY["components"], agency="UBND xã", current=True,
                search_key=f"{fold(CERTIFY['name'])} | chung thuc | test.page",
            )
        )


def _message(screen) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one("#message").render())


async def test_per_page_fee_and_vietqr_payment_by_keys(ctx) -> None:
    _insert(ctx)
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        screen = app.screen
        await fill_applicant(pilot)
        await type_text(pilot, "thu")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.step == "checklist", _message(screen)
        await pilot.press("f4", "ctrl+n")
        assert screen.step == "fee"
        # no page count yet: going on is allowed (a refusal needs none), receiving is not
        await pilot.press("ctrl+n", "f9")
        await pilot.pause()
        assert screen.step == "fee" and "số trang" in _message(screen)
        assert app.focused is not None and app.focused.id == "fq-p-0"
        await type_text(pilot, "3, 250")
        await pilot.press("tab")
        app.focused.value = "2"  # copies of each document
        await pilot.pause()
        lines = str(screen.query_one("#fee-lines").render())
        assert "410.000 đồng" in lines and "2 bản × 3 trang (5.000 đ) + 250 trang (200.000 đ)" in lines
        screen.query_one("#f-pay").value = "vietqr"
        await pilot.pause()
        assert screen.query_one("#payref-row").display
        await pilot.press("ctrl+n", "f9")  # no reference: back to it
        await pilot.pause()
        assert screen.step == "fee" and "mã giao dịch" in _message(screen)
        assert app.focused is not None and app.focused.id == "f-payref"
        await type_text(pilot, "QR2612040001")
        await pilot.press("enter")  # last field of the step → review
        await pilot.pause()
        assert screen.step == "review"
        assert "Quét mã VietQR" in str(screen.query_one("#review-summary").render())
        await pilot.press("f9")
        await pilot.pause()
        assert screen.step == "done", _message(screen)
        await app.workers.wait_for_complete()
    (d,) = dossiers.list_dossiers(ctx.store)
    assert d["fee_vnd"] == 410000
    assert d["payment"]["method"] == "vietqr" and d["payment"]["reference"] == "QR2612040001"
    assert d["fees"][0]["pages"] == [3, 250] and d["fees"][0]["copies"] == 2


async def test_paid_later_records_no_payment_and_bad_pages_are_named(ctx) -> None:
    _insert(ctx)
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        screen = app.screen
        await fill_applicant(pilot)
        await type_text(pilot, "thu")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f4", "ctrl+n")
        screen.query_one("#fq-p-0").focus()
        await type_text(pilot, "3, x")
        await pilot.pause()
        assert "Số trang" in str(screen.query_one("#fee-lines").render())
        screen.query_one("#fq-p-0").value = "1"
        screen.query_one("#f-pay").value = "later"
        await pilot.pause()
        assert not screen.query_one("#payref-row").display
        await pilot.press("ctrl+n", "f9")
        await pilot.pause()
        assert screen.step == "done", _message(screen)
        await app.workers.wait_for_complete()
    (d,) = dossiers.list_dossiers(ctx.store)
    assert d["fee_vnd"] == 2000 and d["payment"] is None


async def test_result_by_post_needs_the_address_and_is_printed_on_the_receipt(ctx) -> None:
    from tests.forms import pdftools as pt

    _insert(ctx)
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await fill_applicant(pilot)
        await type_text(pilot, "thu")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f4", "ctrl+n")
        screen.query_one("#fq-p-0").value = "2"
        assert not screen.query_one("#delivery-to-row").display
        screen.query_one("#f-delivery").value = "post"
        await pilot.pause()
        assert screen.query_one("#delivery-to-row").display
        await pilot.press("ctrl+n", "f9")
        await pilot.pause()
        assert screen.step == "fee" and "địa chỉ" in _message(screen)
        assert app.focused is not None and app.focused.id == "f-delivery-to"
        await type_text(pilot, "Số 5 ngõ 12 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step == "review"
        assert "bưu chính" in str(screen.query_one("#review-summary").render())
        await pilot.press("f9")
        await pilot.pause()
        assert screen.step == "done", _message(screen)
        await app.workers.wait_for_complete()
    (d,) = dossiers.list_dossiers(ctx.store)
    assert d["result_delivery"] == {
        "method": "post", "address": "Số 5 ngõ 12 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội"
    }
    receipt = ctx.settings.data_dir / "forms" / f"{d['code']}-receipt.pdf"
    text = pt.flat(pt.text(receipt))
    assert "Qua dịch vụ bưu chính công ích, địa chỉ: Số 5 ngõ 12 phố Hàng Bông" in text
