"""Point 5 on the counter's side: an op the server refuses is quarantined on the counter (kept,
never sent again) while the ops behind it flow; the counter's supervisor sees it on the
supervisor screen (F10) and in the server's list (F6, `kind` rejected)."""

from __future__ import annotations

import random
from pathlib import Path

import httpx
from sqlmodel import select
from textual.app import App
from textual.widgets import Static

from counter_app.config import load_settings
from counter_app.services.context import AppContext, Officer
from counter_app.services.sync_runner import engine as sync_engine
from counter_app.store.models import Outbox
from counter_app.sync.status import sync_status
from counter_app.ui.screens.supervisor import SupervisorScreen
from tests.security.conftest import World
from tests.server.conftest import login
from tests.sync import clientlib


def test_refused_op_is_quarantined_and_the_rest_flows(world: World, tmp_path: Path) -> None:
    data = tmp_path / "counter"
    clientlib.setup_client(data, world.server.url)
    store, settings = clientlib.open_client(data)
    try:
        rng = random.Random(7)
        first = clientlib.receive(store, settings, rng)
        second = clientlib.receive(store, settings, rng)
        with store.write() as s:  # the first op damaged on disk (or written by a buggy version)
            op = s.exec(select(Outbox).where(Outbox.entity_id == first["id"])).one()
            op.payload = {**op.payload, "dossier": {**op.payload["dossier"], "status": "bogus"}}
            s.add(op)
        engine = sync_engine(store, settings)
        try:
            stats = engine.run_once()
            again = engine.run_once()
        finally:
            engine.close()
        assert (stats["rejected"], stats["pushed"]) == (1, 1)
        assert (again["rejected"], again["pushed"]) == (1, 1)  # nothing more sent
        status = sync_status(store, settings)
        assert status["pending_ops"] == 0
        assert [r["entity_id"] for r in status["rejected"]] == [first["id"]]
        assert "status" in status["rejected"][0]["reason"]
    finally:
        store.close()
    listing = httpx.get(
        world.server.api + "/sync/conflicts", headers=login(world.server, "giamsat"), timeout=10
    ).json()
    refused = [c for c in listing["conflicts"] if c["entity_id"] == first["id"]]
    assert refused and refused[0]["kind"] == "rejected"
    assert not [c for c in listing["conflicts"] if c["entity_id"] == second["id"]]


class Host(App[None]):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx

    def on_mount(self) -> None:
        self.push_screen(SupervisorScreen(self.ctx))


async def test_supervisor_screen_shows_the_quarantine(world: World, tmp_path: Path) -> None:
    data = tmp_path / "counter"
    clientlib.setup_client(data, world.server.url)
    store, settings = clientlib.open_client(data)
    try:
        clientlib.receive(store, settings, random.Random(3))
        with store.write() as s:
            op = s.exec(select(Outbox)).one()
            op.rejected_reason = "malformed op: payload.dossier.status: Input should be …"
            op.acked_at = op.created_at
            s.add(op)
    finally:
        store.close()
    ctx = AppContext.open(load_settings(data_dir=data))
    ctx.officer = Officer(username="giamsat", full_name="GS", role="supervisor", center_code="DEMO")
    try:
        app = Host(ctx)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            text = str(app.screen.query_one("#sv-quarantine", Static).render())
            assert "1 thao tác" in text and "cách ly" in text and "payload.dossier.status" in text
    finally:
        ctx.close()
