"""Result return with the receiver's card (issue 19 §3): the QR scanned fills and checks the
receiver, the chip read verifies them, someone other than the applicant must say in what
capacity, editing the ID drops the card check; form 06 is printed for the receiver to sign.
The card is the test emulator of tests/card (in-process transport, test CSCA)."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Checkbox, Input, Static

from counter_app.services import dossiers
from counter_app.ui.screens.lookup import LookupScreen
from tests.forms import pdftools as pt

from .conftest import HostApp, paste_text, type_text
from .test_card import Direct
from .test_lookup_supervisor import receive

emulator = pytest.importorskip("tests.card.emulator")
pki_mod = pytest.importorskip("tests.card.pki")


def _card_for(ctx):  # type: ignore[no-untyped-def]
    pki = pki_mod.make_pki()
    citizen = emulator.Citizen(
        id_number="001190012399", full_name="Trần Minh Khoa", birth=dt.date(1990, 7, 2),
        sex="Nam", issue=dt.date(2022, 1, 10), expiry=dt.date(2030, 7, 2),
    )
    card = emulator.CccdCard(
        emulator.build_files(citizen, pki, emulator.test_photo(3000)), citizen.key_info
    )
    ctx.extras["card_transport"] = Direct(card)
    ctx.extras["card_trust_store"] = [pki.csca]
    return citizen


def _text(app, wid: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(wid, Static).render())


async def _open_return(ctx, pilot, app, code: str) -> None:  # type: ignore[no-untyped-def]
    await type_text(pilot, "thu huong")
    await pilot.pause()
    await pilot.press("down")
    dossiers.transition(ctx.store, ctx.settings, code, "done", actor="canbo1")
    app.screen.show_detail(code)
    await pilot.press("f6")
    await pilot.pause()


async def test_authorised_receiver_identified_by_qr_then_chip(ctx) -> None:
    citizen = _card_for(ctx)
    d = receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15")
    app = HostApp(ctx, LookupScreen)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await _open_return(ctx, pilot, app, d["code"])
        assert app.focused is not None and app.focused.id == "ret-qr"
        await paste_text(pilot, "not a card")
        await pilot.press("enter")
        await pilot.pause()
        assert "QR" in _text(app, "#ret-error")
        app.screen.query_one("#ret-qr", Input).value = ""
        app.screen.query_one("#ret-qr", Input).focus()
        await pilot.pause()
        await paste_text(pilot, citizen.qr())
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#ret-id", Input).value == "001190012399"
        assert app.screen.query_one("#ret-checked", Checkbox).value is True
        assert "Theo mã QR" in _text(app, "#ret-card")
        # another person than the applicant: in what capacity?
        await pilot.press("f9")
        await pilot.pause()
        assert "không phải người nộp" in _text(app, "#ret-error")
        app.screen.query_one("#ret-relation", Input).value = "Người được ủy quyền"
        await pilot.press("f5")  # read the chip with the QR's keys
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Theo chip" in _text(app, "#ret-card") and "valid" in _text(app, "#ret-card")
        await pilot.press("f9")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
    out = dossiers.get(ctx.store, d["code"])
    assert out["status"] == "returned"
    to = out["returned_to"]
    assert to["id_method"] == "chip" and to["id_number"] == "001190012399"
    assert to["name"] == "Trần Minh Khoa" and to["relation"] == "Người được ủy quyền"
    record = ctx.settings.data_dir / "forms" / f"{d['code']}-control.pdf"
    text = pt.flat(pt.text(record))
    assert "Trần Minh Khoa" in text and "Trả kết quả" in text


async def test_editing_the_id_after_the_qr_drops_the_card_check(ctx) -> None:
    citizen = _card_for(ctx)
    d = receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15")
    app = HostApp(ctx, LookupScreen)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await _open_return(ctx, pilot, app, d["code"])
        await paste_text(pilot, citizen.qr())
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#ret-id", Input).value = "001190012345"
        await pilot.pause()
        assert app.screen.query_one("#ret-checked", Checkbox).value is False
        assert "kiểm tra giấy tờ bằng mắt" in _text(app, "#ret-card")
        assert app.screen.values()["id_method"] == "visual"
