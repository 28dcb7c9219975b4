"""The queue a counter works with: the central server's when configured and reachable, else the
counter's own local queue (`local_queue`). Blocking calls: the TUI runs them in thread workers.

Every method returns plain dicts (a ticket: `id`, `number`, `service`, `state`, `counter`, …) and
says where the answer came from in `self.source` ("server" or "local").
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
import time
from collections.abc import Callable
from typing import Any

from counter_app.errors import ServerUnreachable
from counter_app.services import local_queue
from counter_app.services.context import AppContext

log = logging.getLogger(__name__)

RETRY_SERVER_AFTER_S = 30.0


class CounterQueue:
    def __init__(self, ctx: AppContext, *, now: Callable[[], dt.datetime] | None = None) -> None:
        self.ctx = ctx
        self._now = now
        self.source = "local"
        self._server_down_since: float | None = None
        self._client: Any = None

    # --- routing -------------------------------------------------------------------------------

    def _time(self) -> dt.datetime | None:
        return self._now() if self._now is not None else None

    @property
    def counter(self) -> str:
        return self.ctx.counter_code

    @property
    def actor(self) -> str:
        return self.ctx.actor

    def _server(self) -> Any:
        """The HTTP queue client, or None (no server, no client module, or recently down)."""
        settings = self.ctx.settings
        if not settings.server_url:
            return None
        if self._server_down_since is not None:
            if time.monotonic() - self._server_down_since < RETRY_SERVER_AFTER_S:
                return None
            self._server_down_since = None
        if self._client is None:
            if importlib.util.find_spec("counter_app.services.queue_client") is None:
                return None
            from counter_app.services import queue_client

            factory = getattr(queue_client, "for_context", None)
            if factory is None:
                return None
            self._client = factory(self.ctx)
        return self._client

    def _route(self, name: str, *args: Any, **kwargs: Any) -> Any:
        client = self._server()
        if client is not None and hasattr(client, name):
            try:
                result = getattr(client, name)(*args, **kwargs)
            except ServerUnreachable as exc:
                log.warning("queue server unreachable, using the local queue: %s", exc)
                self._server_down_since = time.monotonic()
            else:
                self.source = "server"
                return result
        self.source = "local"
        return _LOCAL

    # --- actions -------------------------------------------------------------------------------

    def _local(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return fn(self.ctx.store, self.ctx.settings, *args, now=self._time(), **kwargs)

    def status(self) -> dict[str, Any]:
        result = self._route("status", self.counter)
        if result is not _LOCAL:
            return dict(result, source="server")
        return self._local(local_queue.status, counter=self.counter)

    def issue(self, service: str, priority: str | None = None) -> dict[str, Any]:
        result = self._route("issue", service, priority=priority)
        if result is not _LOCAL:
            return result
        return self._local(local_queue.issue, service, priority=priority, actor=self.actor)

    def call_next(self) -> dict[str, Any] | None:
        result = self._route("call_next", self.counter)
        if result is not _LOCAL:
            return result
        return self._local(local_queue.call_next, self.counter, actor=self.actor)

    def recall(self) -> dict[str, Any]:
        result = self._route("recall", self.counter)
        if result is not _LOCAL:
            return result
        return self._local(local_queue.recall, self.counter, actor=self.actor)

    def serve(self) -> dict[str, Any]:
        result = self._route("serve", self.counter)
        if result is not _LOCAL:
            return result
        return self._local(local_queue.serve, self.counter, actor=self.actor)

    def no_show(self) -> dict[str, Any]:
        result = self._route("no_show", self.counter)
        if result is not _LOCAL:
            return result
        return self._local(local_queue.no_show, self.counter, actor=self.actor)

    def finish(self) -> dict[str, Any]:
        result = self._route("finish", self.counter)
        if result is not _LOCAL:
            return result
        return self._local(local_queue.finish, self.counter, actor=self.actor)

    def transfer(self, to_service: str) -> dict[str, Any]:
        result = self._route("transfer", self.counter, to_service)
        if result is not _LOCAL:
            return result
        return self._local(local_queue.transfer, self.counter, to_service, actor=self.actor)

    def services(self) -> list[str]:
        from counter_app.services.local_queue import counter_services

        with self.ctx.store.read() as session:
            return counter_services(session, self.counter)


_LOCAL = object()
