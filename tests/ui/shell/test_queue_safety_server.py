"""Issue 15 against the real server: the server is lost in the middle of a call and comes back.

- online: F5 calls a ticket of the central queue; the server stops;
- F5 → "mark absent and call the next": the server does not answer, so nothing happens anywhere
  (no local ticket is called behind the officer's back) and the screen says so; the central
  ticket stays on the screen (marked as not updatable) instead of vanishing;
- F5 again → asked to leave it and call from the counter's own queue: the local ticket is shown;
- the server comes back: once the local ticket is finished, the counter returns to the central
  queue by itself within seconds and says so, and the central ticket left open is shown again;
- F5 → absent and next: acted on by id on the server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from counter_app.services.context import AppContext
from counter_app.services.queue_backend import LocalQueue
from counter_app.ui.app import CounterApp, make_app
from counter_app.ui.screens.home import HomeScreen
from counter_app.ui.screens.pickers import ChoiceScreen
from tests.server.conftest import login, start_server
from tests.sync import clientlib

SIZE = (120, 35)


async def _until(pilot: Any, check, seconds: float, what: str, app: CounterApp) -> None:
    for _ in range(int(seconds / 0.1)):
        if check():
            return
        await pilot.pause(0.1)
    screen = app.screen
    raise AssertionError(f"timed out waiting for {what}; message: {getattr(screen, 'message_text', '')!r}")


def _server_ticket(server, ticket_id: str) -> dict:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.api, headers=login(server, "giamsat"), timeout=10) as c:
        return c.get(f"/queue/tickets/{ticket_id}").json()


async def test_server_lost_mid_call_and_back(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    data = tmp_path / "counter"
    clientlib.setup_client(data, server.url)
    settings = clientlib.client_settings(data)
    settings.server_url = server.url
    ctx = AppContext.open(settings)
    app = make_app(settings, ctx=ctx, poll_seconds=0.5, sync_poll_seconds=600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"canbo1", "enter", *"demo", "enter")
            await _until(pilot, lambda: isinstance(app.screen, HomeScreen), 20, "home", app)
            home = app.screen
            assert "token" in ctx.extras
            await pilot.press("f5")
            await _until(pilot, lambda: home.current is not None and home.busy is None, 15, "a call", app)
            x = home.current
            assert x.origin == "server" and x.state == "called"

            server.stop()
            await pilot.press("f5")
            await pilot.pause()
            assert isinstance(app.screen, ChoiceScreen)
            await pilot.press("v")
            # The failed call names the ticket left open; the health probe's "counter queue" notice
            # may come first (a race between the two), so wait for the failure itself.
            await _until(
                pilot, lambda: home.busy is None and x.number in home.message_text, 30,
                "the failure said", app,
            )
            assert home.current is not None and home.current.id == x.id  # not hidden
            await _until(pilot, lambda: home.current_stale, 15, "the central ticket marked", app)
            assert home.current.id == x.id

            local = LocalQueue(ctx.store, settings, lambda: "canbo1", lambda: None)
            y = await asyncio.to_thread(local.issue, "A")
            assert "-" in y.number  # an offline number, with the device slot
            await pilot.press("f5")
            await pilot.pause()
            assert isinstance(app.screen, ChoiceScreen)
            await pilot.press("l")  # leave the central ticket, call from the local queue
            await _until(pilot, lambda: home.current is not None and home.current.origin == "local", 15, "a local call", app)
            called_local = home.current
            assert called_local.state == "called"
            assert called_local.number in home.message_text

            server = start_server(tmp_path, data_dir=server.data_dir, port=server.port)
            await asyncio.sleep(1)
            # the local ticket is open here: the counter stays on its local queue until it is done
            assert home.current.id == called_local.id
            await pilot.press("s")
            await _until(pilot, lambda: home.busy is None and home.current.state == "serving", 10, "serving", app)
            await pilot.press("f9")
            await _until(pilot, lambda: home.busy is None and home.current is None or (home.current and home.current.origin == "server"), 10, "finished", app)
            await _until(pilot, lambda: home.source == "server" and home.current is not None, 20, "back to the central queue", app)
            assert "kết nối lại" in home.message_text
            # shown again, not lost (never the local citizen already served, whose last op may
            # still be on its way to the server)
            assert home.current.id in (x.id,) or home.current.id != called_local.id
            await _until(pilot, lambda: home.current is not None and home.current.id == x.id, 20, "the central ticket shown again", app)
            assert not home.current_stale
            assert _server_ticket(server, x.id)["state"] == "called"

            await pilot.press("f5")
            await pilot.pause()
            await pilot.press("v")
            await _until(pilot, lambda: home.busy is None and home.current is not None and home.current.id != x.id, 20, "absent and next", app)
            assert _server_ticket(server, x.id)["state"] == "no_show"
            assert home.current.origin == "server"
    finally:
        ctx.close()
        server.stop()
