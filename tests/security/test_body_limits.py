"""Point 2 of the security issue: request bodies are bounded before they are read — a declared
length over the route's limit is refused at once, a chunked body is cut at the limit, the push
batch and blob chunks have their own limits, a gzip bomb is refused — and a flood of 100 MB
bodies does not grow the server's memory."""

from __future__ import annotations

import gzip
import json
import socket
import threading
from pathlib import Path

import httpx

from counter_app.server.body_limit import (
    BLOB_CHUNK_LIMIT,
    DEFAULT_LIMIT,
    PUSH_DECOMPRESSED_LIMIT,
    PUSH_LIMIT,
)
from tests.security.conftest import World

MB = 1024 * 1024


def _raw_request(
    world: World,
    method: str,
    path: str,
    headers: dict[str, str],
    body_size: int,
    *,
    chunked: bool,
) -> int:
    """Send a request with a body of `body_size` zero bytes (declared or chunked) and return the
    status the server answers with, as soon as it answers (it may stop reading early)."""
    port = world.server.port
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {body_size}")
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    answer = bytearray()
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                data = sock.recv(65536)
                if not data:
                    break
                answer.extend(data)
                if b"\r\n\r\n" in answer:
                    break
        except OSError:
            pass
        done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    block = b"\0" * (256 * 1024)
    sent = 0
    try:
        while sent < body_size and not done.is_set():
            n = min(len(block), body_size - sent)
            if chunked:
                sock.sendall(f"{n:x}\r\n".encode() + block[:n] + b"\r\n")
            else:
                sock.sendall(block[:n])
            sent += n
        if chunked and not done.is_set():
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed while we were still sending
    done.wait(30)
    sock.close()
    status_line = bytes(answer).split(b"\r\n", 1)[0].decode()
    assert status_line.startswith("HTTP/1.1 "), (status_line, sent)
    return int(status_line.split()[1])


def test_declared_length_over_the_limit_is_413_unread(world: World) -> None:
    for path in ("/api/v1/auth/token", "/api/v1/queue/tickets", "/api/v1/devices/enroll"):
        status = _raw_request(world, "POST", path, {}, 100 * MB, chunked=False)
        assert status == 413, path
    assert _raw_request(world, "POST", "/api/v1/sync/push", {}, PUSH_LIMIT + 1, chunked=False) == 413
    blob = "/api/v1/blobs/" + "ab" * 32
    assert _raw_request(world, "PATCH", blob, {}, BLOB_CHUNK_LIMIT + 1, chunked=False) == 413


def test_chunked_bodies_are_cut_at_the_limit(world: World) -> None:
    assert _raw_request(world, "POST", "/api/v1/auth/token", {}, 8 * MB, chunked=True) == 413
    assert _raw_request(world, "POST", "/api/v1/queue/tickets", {}, DEFAULT_LIMIT + 1, chunked=True) == 413
    # the push reads its body only for a known device: an unknown one is refused first
    assert _raw_request(world, "POST", "/api/v1/sync/push", {}, 20 * MB, chunked=True) == 401
    device = world.cb.headers
    assert _raw_request(world, "POST", "/api/v1/sync/push", device, PUSH_LIMIT + MB, chunked=True) == 413


def test_small_bodies_still_work_chunked(world: World) -> None:
    body = json.dumps({"service": "A"}).encode()
    r = httpx.post(
        world.server.api + "/auth/token",
        content=iter([b"username=cb_cb&", b"password=Cb-counter-2026!"]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    r = httpx.post(
        world.server.api + "/queue/tickets",
        content=iter([body[:5], body[5:]]),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 201, r.text


def test_gzip_bomb_is_refused(world: World) -> None:
    bomb = gzip.compress(b"\0" * (PUSH_DECOMPRESSED_LIMIT + MB), compresslevel=9)
    assert len(bomb) < PUSH_LIMIT
    r = httpx.post(
        world.server.api + "/sync/push",
        content=bomb,
        headers={**world.cb.headers, "Content-Encoding": "gzip"},
        timeout=60,
    )
    assert r.status_code == 413, r.text


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_flood_of_large_bodies_does_not_grow_memory(world: World) -> None:
    """The reported attack: 8 unauthenticated 100 MB POSTs at once (here chunked, so nothing
    is refused on the declared length alone) took the server from 133 to 1,028 MB."""
    pid = world.server.proc.pid
    before = _rss_mb(pid)
    statuses: list[int] = []

    def attack() -> None:
        statuses.append(
            _raw_request(world, "POST", "/api/v1/auth/token", {}, 100 * MB, chunked=True)
        )

    threads = [threading.Thread(target=attack) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert statuses == [413] * 8
    assert _rss_mb(pid) - before < 50, (before, _rss_mb(pid))
    assert httpx.get(world.server.api + "/health", timeout=10).status_code == 200
