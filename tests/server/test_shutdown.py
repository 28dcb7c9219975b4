"""Stopping the server (SIGTERM) with event streams open: the streams end at once and the process
exits promptly instead of waiting out the graceful-shutdown timeout for every board."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from tests.server.conftest import login, start_server


def test_sigterm_with_open_event_streams_exits_promptly(tmp_path: Path) -> None:
    srv = start_server(tmp_path)
    ended: list[str] = []
    hello = threading.Event()

    def listen() -> None:
        try:
            with httpx.stream(
                "GET", srv.api + "/queue/events", headers=login(srv, "canbo1"), timeout=30
            ) as r:
                for line in r.iter_lines():
                    if line.startswith("event: hello"):
                        hello.set()
            ended.append("closed")
        except httpx.HTTPError as exc:
            ended.append(type(exc).__name__)

    threads = [threading.Thread(target=listen, daemon=True) for _ in range(3)]
    for th in threads:
        th.start()
    assert hello.wait(10)
    time.sleep(0.3)  # every stream subscribed
    t0 = time.monotonic()
    srv.stop()
    took = time.monotonic() - t0
    for th in threads:
        th.join(5)
    assert srv.proc.returncode is not None
    assert took < 4.5, f"server took {took:.1f} s to stop"  # under the 5 s graceful timeout
    assert len(ended) == 3  # every client saw its stream end (and would reconnect)


def test_closing_the_client_ends_a_stream_read_in_another_thread(tmp_path: Path) -> None:
    """`QueueClient.close()` ends a blocked event-stream read at once (a board or live view
    quitting must not wait for the next heartbeat — 30 s here)."""
    from counter_app.errors import CounterAppError
    from counter_app.services.queue_client import QueueClient

    srv = start_server(tmp_path, args=("--heartbeat", "30"))
    client = QueueClient(srv.url, username="canbo1", password="demo")
    got: list[str] = []
    done = threading.Event()

    def read() -> None:
        try:
            for kind, _data in client.events(heartbeats=True):
                got.append(kind)
        except (CounterAppError, httpx.HTTPError, OSError) as exc:
            got.append(type(exc).__name__)
        finally:
            done.set()

    try:
        th = threading.Thread(target=read, daemon=True)
        th.start()
        for _ in range(100):
            if got:
                break
            time.sleep(0.05)
        assert got == ["hello"]
        client.close()
        assert done.wait(3), "the reading thread is still blocked after close()"
    finally:
        srv.stop()
