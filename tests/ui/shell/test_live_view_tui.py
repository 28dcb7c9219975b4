"""The supervisor's live view of the shared queue, opened from the counter TUI (F11) against a real
server on loopback: it shows every counter, follows calls made at other counters through the event
stream (number and officer), and closes back to the home screen. Officers get a clear refusal."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
from textual.widgets import DataTable, Static

from counter_app.ui.app import CounterApp, make_app
from counter_app.ui.screens.home import HomeScreen
from counter_app.ui.screens.live_view import LiveViewScreen

SIZE = (140, 40)


async def _sign_in(app: CounterApp, pilot: Any, username: str) -> None:
    await pilot.press(*username, "enter", *"demo", "enter")
    for _ in range(200):
        await pilot.pause(0.05)
        if isinstance(app.screen, HomeScreen):
            return
    raise AssertionError(f"not signed in: {app.screen!r}")


def _counter_rows(screen: LiveViewScreen) -> dict[str, tuple]:
    table = screen.query_one("#lv-counters", DataTable)
    return {str(k.value): tuple(str(c) for c in table.get_row(k)) for k in table.rows}


async def _until(pilot: Any, check, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if check():
            return True
        await pilot.pause(0.05)
    return bool(check())


async def test_supervisor_opens_the_live_view_and_sees_calls(settings, ctx, real_server) -> None:
    settings.server_url = real_server
    app = make_app(settings, ctx=ctx)
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(app, pilot, "giamsat")
        await pilot.press("f11")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveViewScreen)
        assert await _until(pilot, lambda: len(_counter_rows(screen)) >= 2)
        title = str(screen.query_one("#lv-title", Static).render())
        assert re.search(r"ngày \d{2}/\d{2}/\d{4}", title), title  # dates as dd/mm/yyyy

        # Another counter calls a ticket: the live view shows its number and officer.
        api = real_server + "/api/v1"

        def call_elsewhere() -> dict:
            tok = httpx.post(
                api + "/auth/token", data={"username": "canbo2", "password": "demo"}
            ).json()["access_token"]
            h = {"Authorization": f"Bearer {tok}"}
            httpx.post(api + "/queue/tickets", json={"service": "B"}, headers=h).raise_for_status()
            r = httpx.post(api + "/queue/counters/Q2/call-next", headers=h)
            r.raise_for_status()
            return r.json()

        called = await asyncio.to_thread(call_elsewhere)
        assert called["officer"] == "canbo2"
        assert await _until(
            pilot, lambda: _counter_rows(screen).get("Q2", ())[3:5] == (called["number"], "canbo2")
        ), _counter_rows(screen)

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert screen.client._http.is_closed  # the stream ended with the screen


async def test_officer_is_refused_with_a_message(settings, ctx, real_server) -> None:
    settings.server_url = real_server
    app = make_app(settings, ctx=ctx)
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(app, pilot, "canbo1")
        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        messages = [n.message for n in app._notifications]
        assert any("chỉ dành cho giám sát" in m for m in messages), messages
