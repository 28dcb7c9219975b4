"""Request body limits, enforced before anything reads or parses a body (pure ASGI middleware).

Without it, FastAPI reads and parses a whole body before any token check: a few unauthenticated
100 MB POSTs take the server's memory to a gigabyte. Here every request has a limit by route:

- a declared `Content-Length` above the limit is answered 413 at once (the body is never read);
  one within it passes untouched (the HTTP server delivers no more than it declares), and so
  does a request without a body;
- a body without a length (chunked) is counted as it arrives: on the ordinary routes it is read
  here, up to the limit, and handed on (413 past it); on the streamed routes (the sync push, which
  authenticates the device before reading, and blob uploads, which write to disk as they read) the
  count runs inside the route's own read, which fails with 413 past the limit.

The limits are documented in the README (security section) and in `LIMITS` below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from counter_app.server.crud.common import ApiError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIB = 1024
MIB = 1024 * KIB

DEFAULT_LIMIT = 64 * KIB  # sign-in forms, queue actions, enrolment, conflict notes
PUSH_LIMIT = 8 * MIB  # one gzip-compressed push batch (≤ 500 ops; a busy day is ~60 B/op)
PUSH_DECOMPRESSED_LIMIT = 32 * MIB
BLOB_CHUNK_LIMIT = 16 * MIB  # one PATCH of a resumable blob upload (the counter sends 256 KiB)


@dataclass(frozen=True)
class RouteLimit:
    method: str
    path: re.Pattern[str]
    limit: int
    streamed: bool  # the route reads the body itself, after its own checks


LIMITS: tuple[RouteLimit, ...] = (
    RouteLimit("POST", re.compile(r"^/api/v1/sync/push$"), PUSH_LIMIT, True),
    RouteLimit("PATCH", re.compile(r"^/api/v1/blobs/[^/]+$"), BLOB_CHUNK_LIMIT, True),
)


class BodyTooLarge(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            "too_large",
            f"dữ liệu gửi lên quá lớn / request body over the limit of {limit:,} bytes",
        )


def limit_for(method: str, path: str) -> RouteLimit | None:
    for rule in LIMITS:
        if rule.method == method and rule.path.match(path):
            return rule
    return None


async def _answer(send: Send, status: int, code: str, detail: str) -> None:
    body = json.dumps({"detail": detail, "code": code}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, default_limit: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.default_limit = default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, chunked = _framing(scope)
        if declared is None and not chunked:  # no body at all (most requests): nothing to do
            await self.app(scope, receive, send)
            return
        rule = limit_for(scope["method"], scope["path"])
        limit = rule.limit if rule else self.default_limit
        if declared == -1:
            await _answer(send, 400, "bad_length", "Content-Length không hợp lệ / invalid length")
            return
        if declared is not None:
            if declared > limit:
                await _answer(send, 413, "too_large", BodyTooLarge(limit).message)
                return
            # the HTTP server delivers no more than the declared length: nothing to count
            await self.app(scope, receive, send)
            return
        if rule is not None and rule.streamed:
            await self.app(scope, _counting(receive, limit), send)
            return
        body, more = await _read_up_to(receive, limit)
        if more:
            await _answer(send, 413, "too_large", BodyTooLarge(limit).message)
            return
        await self.app(scope, _replay(body, receive), send)


def _framing(scope: Scope) -> tuple[int | None, bool]:
    """(declared Content-Length: None if absent, -1 if malformed; whether the body is chunked)."""
    declared: int | None = None
    chunked = False
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            declared = int(text) if text.isdigit() and len(text) <= 18 else -1
        elif name == b"transfer-encoding":
            chunked = True
    return declared, chunked


async def _read_up_to(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The whole body if it fits in `limit` (False), or what was read when it did not (True)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(parts), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts), False


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the client to disconnect

    return replay


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return counted
