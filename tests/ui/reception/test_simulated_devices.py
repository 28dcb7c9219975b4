"""`counter-app demo` on a PC with no card reader and no scanner: the simulated card reads in the
wizard (F5 on an empty QR field scans its QR first, passive authentication valid against its own
demo CSCA), and SANE's test backend is offered as a simulated scanner — each labelled."""

from __future__ import annotations

from pathlib import Path

from counter_app.services import simulated_devices
from counter_app.ui.screens.reception import ReceptionScreen

from .conftest import HostApp


async def test_simulated_card_reads_in_the_wizard(ctx, monkeypatch) -> None:
    monkeypatch.setattr(simulated_devices, "_has_card_reader", lambda: False)
    holder = simulated_devices.plug_simulated_card(ctx.extras)
    assert holder == "Trần Thị Mai Anh"
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#card-status").render())
        assert holder in status and "valid" in status, status
        assert "THẺ MÔ PHỎNG" in status
        await pilot.press("f7")
        await pilot.pause()
        assert screen.query_one("#a-name").value == holder


def test_no_simulation_when_a_reader_is_there(monkeypatch) -> None:
    monkeypatch.setattr(simulated_devices, "_has_card_reader", lambda: True)
    extras: dict = {}
    assert simulated_devices.plug_simulated_card(extras) is None and extras == {}


def test_simulated_scanner_is_sanes_test_backend(tmp_path: Path, monkeypatch) -> None:
    from counter_app.devices.scanner import sane

    monkeypatch.setenv("SANE_CONFIG_DIR", str(tmp_path / "empty"))  # SANE sees no scanner
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "dll.conf").write_text("")
    assert simulated_devices.enable_simulated_scanner(tmp_path / "demo")
    names = [d.name for d in sane.list_devices()]
    assert "test:0" in names and all(simulated_devices.is_simulated_scanner(n) for n in names)
