"""The counter TUI syncs by itself: an enrolled counter signed in online pushes what it records
within seconds (the header says online, nothing pending) and the server has each dossier once;
when the server stops, the header says offline with the pending count and work goes on; when it
comes back on the same address, the backlog drains by itself."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

from counter_app.services.context import AppContext
from counter_app.ui.app import CounterApp, make_app
from counter_app.ui.screens.home import HomeScreen
from counter_app.ui.widgets.chrome import AppHeader
from tests.server.conftest import open_server_db, start_server
from tests.sync import clientlib

SIZE = (120, 35)


def _header(app: CounterApp) -> str:
    return str(app.screen.query_one(AppHeader).sync)


async def _until(pilot: Any, check, seconds: float, what: str, app: CounterApp) -> None:
    for _ in range(int(seconds / 0.1)):
        if check():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"timed out waiting for {what}; header: {_header(app)!r}")


def _server_dossiers(server, ids: set[str]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from counter_app.server.sync.models import ServerDossier

    db = open_server_db(server.data_dir, server.database_url)
    try:
        with db.read() as s:
            rows = s.exec(select(ServerDossier.id)).all()
    finally:
        db.dispose()
    return {i: rows.count(i) for i in ids}


async def test_background_sync_online_offline_and_back(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    data = tmp_path / "counter"
    clientlib.setup_client(data, server.url)
    settings = clientlib.client_settings(data)
    settings.server_url = server.url
    ctx = AppContext.open(settings)
    rng = random.Random(41)
    app = make_app(settings, ctx=ctx, poll_seconds=1.0, sync_poll_seconds=0.5)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"canbo1", "enter", *"demo", "enter")
            await _until(pilot, lambda: isinstance(app.screen, HomeScreen), 20, "home", app)
            assert "token" in ctx.extras  # signed in online

            first = await asyncio.to_thread(clientlib.receive, ctx.store, settings, rng)
            await _until(
                pilot,
                lambda: _server_dossiers(server, {first["id"]})[first["id"]] == 1,
                30,
                "the first dossier on the server",
                app,
            )
            await _until(
                pilot,
                lambda: "trực tuyến" in _header(app) and "chờ gửi" not in _header(app),
                30,
                "the first dossier pushed",
                app,
            )
            assert _server_dossiers(server, {first["id"]}) == {first["id"]: 1}

            server.stop()
            second = await asyncio.to_thread(clientlib.receive, ctx.store, settings, rng)
            await _until(
                pilot,
                lambda: "ngoại tuyến" in _header(app) and "chờ gửi 1" in _header(app),
                30,
                "offline with one pending",
                app,
            )
            # work goes on offline: a third dossier is stored locally at once
            third = await asyncio.to_thread(clientlib.receive, ctx.store, settings, rng)
            await _until(pilot, lambda: "chờ gửi 2" in _header(app), 15, "two pending", app)

            server = start_server(tmp_path, data_dir=server.data_dir, port=server.port)
            await _until(
                pilot,
                lambda: "trực tuyến" in _header(app) and "chờ gửi" not in _header(app),
                90,  # the engine's backoff after failures (bounded) decides when it retries
                "the backlog drained",
                app,
            )
        ids = {first["id"], second["id"], third["id"]}
        assert _server_dossiers(server, ids) == dict.fromkeys(ids, 1)
    finally:
        ctx.close()
        server.stop()
