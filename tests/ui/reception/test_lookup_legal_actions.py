"""From the lookup, as an officer would: extend a late dossier (form 04, once, rules enforced),
record a fee paid later, stop a dossier at the applicant's request (form 05)."""

from __future__ import annotations

from textual.widgets import Input, Static

from counter_app.services import dossiers
from counter_app.ui.screens.lookup import LookupScreen
from tests.forms import pdftools as pt

from .conftest import HostApp, type_text
from .test_lookup_supervisor import receive


def _error(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#act-error", Static).render())


async def _fill(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    focused = pilot.app.focused
    assert isinstance(focused, Input)
    focused.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_extend_pay_and_stop_from_the_lookup(ctx) -> None:
    d = receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15")
    assert d["appointment_at"].startswith("2026-11-25T09:30")  # 24/11 is Culture Day
    app = HostApp(ctx, LookupScreen)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "thu huong")
        await pilot.pause()
        assert screen.current["code"] == d["code"]
        await pilot.press("down", "f9")
        await pilot.pause()
        await _fill(pilot, "31/02/2026")  # no such day
        await _fill(pilot, "Chờ kết quả xác minh của Công an xã")
        await _fill(pilot, "")
        assert "dd/mm/yyyy" in _error(app)
        app.screen.query_one("#act-new_due", Input).value = "25/11/2026 08:00"  # earlier
        await pilot.press("f9")
        await pilot.pause()
        assert "phải sau ngày hẹn hiện tại" in _error(app)
        app.screen.query_one("#act-new_due", Input).value = "27/11/2026"
        await pilot.press("f9")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        ext = dossiers.get(ctx.store, d["code"])
        assert ext["status"] == "extended" and ext["appointment_at"] == "2026-11-27T09:30:00+07:00"
        apology = ctx.settings.data_dir / "forms" / f"{d['code']}-apology.pdf"
        text = pt.flat(pt.text(apology))
        assert "Chờ kết quả xác minh của Công an xã" in text and "27/11/2026" in text
        # once only: the key is gone
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        # the fee was not paid at reception: transfer needs its reference
        await pilot.press("ctrl+t")
        await pilot.pause()
        await _fill(pilot, "2")
        await _fill(pilot, "")
        assert "mã giao dịch" in _error(app)
        app.screen.query_one("#act-reference", Input).value = "FT26327"
        await pilot.press("f9")
        await pilot.pause()
        paid = dossiers.get(ctx.store, d["code"])["payment"]
        assert paid["method"] == "transfer" and paid["reference"] == "FT26327"
        # the applicant asks to stop
        await pilot.press("ctrl+d")
        await pilot.pause()
        await _fill(pilot, "")
        assert "lý do" in _error(app)
        await _fill(pilot, "Người nộp chuyển đến nơi cư trú khác")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert dossiers.get(ctx.store, d["code"])["status"] == "withdrawn"
        notice = ctx.settings.data_dir / "forms" / f"{d['code']}-stop.pdf"
        text = pt.flat(pt.text(notice))
        assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text.upper()
        assert "Người nộp chuyển đến nơi cư trú khác" in text
