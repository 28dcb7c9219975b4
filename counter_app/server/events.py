"""In-process event broker for the queue's server-sent events (one uvicorn worker).

Use cases publish from worker threads after their transaction committed; each SSE subscriber has
a bounded asyncio queue on the server's event loop. A subscriber that cannot keep up is dropped
(its stream ends; the client reconnects and re-reads the board).
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from typing import Any


class Broker:
    def __init__(self, max_queue: int = 1000) -> None:
        self._subs: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Queue, str]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._event_ids = itertools.count(1)
        self.max_queue = max_queue

    closed = False

    def subscribe(self, center: str) -> tuple[int, asyncio.Queue]:
        q: asyncio.Queue = asyncio.Queue(maxsize=self.max_queue)
        sub_id = next(self._ids)
        with self._lock:
            if self.closed:  # shutting down: the stream ends at once
                q.put_nowait(None)
            else:
                self._subs[sub_id] = (asyncio.get_running_loop(), q, center)
        return sub_id, q

    def close(self) -> None:
        """The server is stopping: end every stream now (clients reconnect to the next server)
        instead of keeping the shutdown waiting for them."""
        with self._lock:
            self.closed = True
            subs = list(self._subs.items())
            self._subs.clear()
        for _sub_id, (loop, q, _center) in subs:
            try:
                loop.call_soon_threadsafe(_end_stream, q)
            except RuntimeError:  # loop closed
                pass

    def unsubscribe(self, sub_id: int) -> None:
        with self._lock:
            self._subs.pop(sub_id, None)

    @property
    def subscribers(self) -> int:
        return len(self._subs)

    def publish(self, event: dict[str, Any]) -> None:
        event = {"id": next(self._event_ids), **event}
        with self._lock:
            targets = [
                (k, loop, q)
                for k, (loop, q, center) in self._subs.items()
                if center == event.get("center")
            ]
        for sub_id, loop, q in targets:
            try:
                loop.call_soon_threadsafe(self._put, sub_id, q, event)
            except RuntimeError:  # loop closed
                self.unsubscribe(sub_id)

    def _put(self, sub_id: int, q: asyncio.Queue, event: dict[str, Any]) -> None:
        try:
            q.put_nowait(event)
        except asyncio.QueueFull:
            self.unsubscribe(sub_id)
            try:  # make room for the end-of-stream marker
                q.get_nowait()
            except asyncio.QueueEmpty:
                pass
            q.put_nowait(None)


def _end_stream(q: asyncio.Queue) -> None:
    try:
        q.put_nowait(None)
    except asyncio.QueueFull:
        try:
            q.get_nowait()
        except asyncio.QueueEmpty:
            pass
        q.put_nowait(None)
