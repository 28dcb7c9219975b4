from __future__ import annotations

import array
import math
import shutil
import wave
from pathlib import Path

import pytest

from counter_app.services.queue_client import QueueClient
from counter_app.ui.board import DISCONNECTED, BoardApp
from tests.board.conftest import wait_for

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")


def rms(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        samples = array.array("h", w.readframes(w.getnframes()))
    return math.sqrt(sum(s * s for s in samples) / max(len(samples), 1))


def counter_for(client: QueueClient, service: str) -> str:
    for c in client.status()["counters"]:
        if service in c["services"] and c["current"] is None:
            return c["code"]
    raise AssertionError("no free counter serves " + service)


async def test_called_ticket_appears_within_1s_and_is_announced(server_factory, tmp_path):
    srv = server_factory(demo=True)
    board_client = QueueClient(srv.url, username="giamsat", password="demo")
    officer = QueueClient(srv.url, username="canbo1", password="demo")
    app = BoardApp(board_client, voice_dir=tmp_path / "voice", mute=True, backoff=(0.1, 0.5))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.connected, 15)
        officer.issue("A")
        counter = counter_for(officer, "A")
        ticket = officer.call_next(counter)  # demo data may have older tickets waiting
        assert ticket and ticket["counter"] == counter
        took = await wait_for(pilot, lambda: ticket["number"] in app.shown_numbers(), 1.0)
        assert app.shown_numbers()[0] == ticket["number"]
        label = counter[1:] if counter.startswith("Q") else counter
        text = f"Mời số {ticket['number']} đến quầy số {label}"
        await wait_for(pilot, lambda: text in app.voice_files, 10)
        wav = app.voice_files[text]
        assert wav.is_file() and rms(wav) > 300
        assert not app.voice_errors
        print(f"board latency {took * 1000:.0f} ms")


async def test_board_reconnects_after_server_restart(server_factory, tmp_path):
    srv = server_factory(demo=True)
    client = QueueClient(srv.url, username="giamsat", password="demo")
    app = BoardApp(client, voice_dir=tmp_path / "voice", mute=True, backoff=(0.1, 0.3))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.connected, 15)
        srv.proc.kill()  # a crash; a graceful stop waits for the open event stream
        srv.proc.wait(timeout=10)
        await wait_for(pilot, lambda: not app.connected, 10)
        assert DISCONNECTED in str(app.query_one("#conn").render())
        # same data dir and port: the board comes back on its own
        srv2 = _restart(srv)
        try:
            await wait_for(pilot, lambda: app.connected, 20)
            officer = QueueClient(srv2.url, username="canbo1", password="demo")
            officer.issue("A")
            t = officer.call_next(counter_for(officer, "A"))
            assert t
            await wait_for(pilot, lambda: t["number"] in app.shown_numbers(), 2.0)
        finally:
            srv2.stop()


def _restart(old):
    """Start a server on the same port and data dir as `old` (stopped)."""
    from tests.server.conftest import ServerProcess

    class SamePort(ServerProcess):
        def __init__(self) -> None:
            import tests.server.conftest as c

            orig = c.free_port
            c.free_port = lambda: old.port
            try:
                super().__init__(old.data_dir, old.database_url, False, ())
            finally:
                c.free_port = orig

    return SamePort()
