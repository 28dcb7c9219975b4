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
SERVER_TIMEOUT_S = 5.0


class CounterQueue:
    def __init__(self, ctx: AppContext, *, now: Callable[[], dt.datetime] | None = None) -> None:
        self.ctx = ctx
        self._now = now
        self.source = "local"
        self._server_down_since: float | None = None
        self._client: Any = None
        self._client_token: object = None
        self.last_server_error: str | None = None

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
        if not settings.server_url or self.ctx.officer is None:
            return None
        if self._server_down_since is not None:
            if time.monotonic() - self._server_down_since < RETRY_SERVER_AFTER_S:
                return None
            self._server_down_since = None
        token = self.ctx.extras.get("token")
        if self._client is not None and self._client_token != token:
            self._client.close()
            self._client = None
        if self._client is None:
            if not token or importlib.util.find_spec("counter_app.services.queue_client") is None:
                return None  # signed in offline: no token for the server, use the local queue
            from counter_app.services.queue_client import QueueClient

            client = QueueClient(
                settings.server_url,
                username=self.ctx.officer.username,
                timeout=SERVER_TIMEOUT_S,
            )
            client._token = token  # the token of this officer's sign-in (no password kept)
            self._client = ServerQueue(client, self)
            self._client_token = token
        return self._client

    def _route(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from counter_app.errors import Denied, NotAvailable

        client = self._server()
        if client is not None:
            try:
                result = getattr(client, name)(*args, **kwargs)
            except (ServerUnreachable, NotAvailable, Denied) as exc:
                # Denied: the token expired and no password is kept; the local queue goes on.
                log.warning("queue server not usable (%s), using the local queue", exc)
                self._server_down_since = time.monotonic()
                self.last_server_error = str(exc)
            else:
                self.source = "server"
                self.last_server_error = None
                return result
        self.source = "local"
        return _LOCAL

    # --- actions -------------------------------------------------------------------------------

    def _local(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return fn(self.ctx.store, self.ctx.settings, *args, now=self._time(), **kwargs)

    def status(self) -> dict[str, Any]:
        result = self._route("status", self.counter)
        if result is not _LOCAL:
            return result
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


class ServerQueue:
    """Adapts `QueueClient` (the central queue's HTTP API) to the shapes the counter shows."""

    def __init__(self, client: Any, owner: CounterQueue) -> None:
        self.client = client
        self.owner = owner

    def close(self) -> None:
        self.client.close()

    def _now(self) -> dt.datetime:
        now = self.owner._time()
        return now if now is not None else dt.datetime.now(self.owner.ctx.settings.tz)

    def status(self, counter: str) -> dict[str, Any]:
        raw = self.client.status()
        now = self._now()
        services = self.owner.services()
        groups: dict[str, dict[str, Any]] = {
            s: {"service": s, "waiting": 0, "priority": 0, "longest_wait_seconds": None, "next": None}
            for s in services
        }
        for ticket in raw.get("waiting") or []:
            svc = ticket.get("service", "?")
            g = groups.setdefault(
                svc, {"service": svc, "waiting": 0, "priority": 0, "longest_wait_seconds": None, "next": None}
            )
            g["waiting"] += 1
            if ticket.get("priority"):
                g["priority"] += 1
            try:
                wait = max(0, int((now - dt.datetime.fromisoformat(ticket["issued_at"])).total_seconds()))
            except (KeyError, TypeError, ValueError):
                wait = int(ticket.get("wait_seconds") or 0)
            if g["longest_wait_seconds"] is None or wait > g["longest_wait_seconds"]:
                g["longest_wait_seconds"] = wait
                g["next"] = ticket.get("number")
        current = None
        for c in raw.get("counters") or []:
            if c.get("code") == counter:
                current = c.get("current")
        if current and current.get("state") not in ("called", "serving"):
            current = None
        if current and current.get("wait_seconds") is None and current.get("called_at"):
            issued = dt.datetime.fromisoformat(current["issued_at"])
            current["wait_seconds"] = int((dt.datetime.fromisoformat(current["called_at"]) - issued).total_seconds())
        counts: dict[str, int] = {}
        for per_state in (raw.get("counts") or {}).values():
            for state, n in per_state.items():
                counts[state] = counts.get(state, 0) + int(n)
        return {
            "center": raw.get("center"),
            "service_day": raw.get("service_day"),
            "services": sorted(groups.values(), key=lambda g: g["service"]),
            "total_waiting": sum(g["waiting"] for g in groups.values()),
            "counts": counts,
            "current": current,
            "source": "server",
        }

    def issue(self, service: str, priority: str | None = None) -> dict[str, Any]:
        return dict(self.client.issue(service, priority))

    def call_next(self, counter: str) -> dict[str, Any] | None:
        return self.client.call_next(counter)

    def recall(self, counter: str) -> dict[str, Any]:
        return dict(self.client.recall(counter))

    def serve(self, counter: str) -> dict[str, Any]:
        return dict(self.client.start(counter))

    def no_show(self, counter: str) -> dict[str, Any]:
        return dict(self.client.no_show(counter))

    def finish(self, counter: str) -> dict[str, Any]:
        return dict(self.client.finish(counter))

    def transfer(self, counter: str, to_service: str) -> dict[str, Any]:
        return dict(self.client.transfer(counter, service=to_service))
