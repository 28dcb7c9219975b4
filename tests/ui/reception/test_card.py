"""The chip card in the wizard: read in a worker with progress, shown, then used for the
applicant. The card is the test emulator of tests/card (in-process transport, test CSCA)."""

from __future__ import annotations

import datetime as dt

import pytest

from counter_app.ui.screens.reception import ReceptionScreen

from .conftest import HostApp, paste_text

emulator = pytest.importorskip("tests.card.emulator")
pki_mod = pytest.importorskip("tests.card.pki")


class Direct:
    """In-process transport: APDUs go straight to the emulated card."""

    def __init__(self, card) -> None:
        self.card = card

    def transmit(self, apdu: bytes) -> bytes:
        return self.card.process(apdu)


async def test_read_chip_card_and_use_for_applicant(ctx) -> None:
    pki = pki_mod.make_pki()
    citizen = emulator.Citizen(
        id_number="001190012345", full_name="Nguyễn Thị Hường", birth=dt.date(1990, 3, 15),
        sex="Nữ", issue=dt.date(2021, 4, 20), expiry=dt.date(2030, 3, 15),
    )
    card = emulator.CccdCard(
        emulator.build_files(citizen, pki, emulator.test_photo(6000)), citizen.key_info
    )
    ctx.extras["card_transport"] = Direct(card)
    ctx.extras["card_trust_store"] = [pki.csca]
    progress: list = []
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30), message_hook=progress.append) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("f5")  # no QR yet: the chip's keys are unknown
        await pilot.pause()
        assert "QR" in str(screen.query_one("#message").render())
        # QR with a name garbled by the scanner's keyboard layout: the chip's name wins.
        await paste_text(pilot, citizen.qr().replace("Nguyễn Thị Hường", "Nguyen Thi Huong"))
        assert screen.query_one("#a-name").value == "Nguyen Thi Huong"
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#card-status").render())
        assert "Nguyễn Thị Hường" in status and "valid" in status
        assert screen.query_one("#card-photo").display
        await pilot.press("f7")
        await pilot.pause()
        assert screen.query_one("#a-name").value == "Nguyễn Thị Hường"
        assert screen.query_one("#a-address").value == citizen.place_of_residence
        assert screen.applicant_source == "card"
        payload = screen.applicant_payload()
        assert payload["passive_auth"] == "valid"
        assert payload["sex"] == "Nữ"
    names = [type(m).__name__ for m in progress]
    assert "CardProgress" in names and "CardRead" in names
