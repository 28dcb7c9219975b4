"""Issuing a ticket at the counter (key i) prints it on the configured ticket printer; a dead
printer says the number was issued but not printed, and the ticket stays in the queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from counter_app.ui.app import CounterApp, make_app
from counter_app.ui.screens.home import HomeScreen

from .conftest import free_port
from .test_app_flows import sign_in, ticket_rows

SIZE = (120, 35)


async def _issue(app: CounterApp, pilot: Any, service_key: str) -> str:
    home = app.screen
    assert isinstance(home, HomeScreen)
    await pilot.press("i")
    await pilot.pause()
    await pilot.press(service_key)  # service picker: hotkey
    await pilot.pause()
    await pilot.press("enter")  # priority picker: no priority
    for _ in range(200):
        await pilot.pause(0.05)
        if "Đã cấp và in" in home.message_text or "chưa in được" in home.message_text:
            break
    return home.message_text


async def test_issue_prints_on_the_ticket_printer(settings, ctx, clock, tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.touch()
    settings.ticket_printer = str(device)
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        text = await _issue(app, pilot, "b")
        assert "Đã cấp và in số" in text, text
        number = text.split("Đã cấp và in số ")[1].split()[0]
        assert number.startswith("B") and number.encode() in device.read_bytes()
        assert ticket_rows(ctx)[number].state == "waiting"

        settings.ticket_printer = f"127.0.0.1:{free_port()}"
        text = await _issue(app, pilot, "a")
        assert "đã phát nhưng chưa in được" in text, text
        lost = text.split("số ")[1].split()[0]
        assert ticket_rows(ctx)[lost].state == "waiting"  # issued all the same
