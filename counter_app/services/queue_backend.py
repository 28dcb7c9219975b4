"""The counter's queue behind one boundary: `QueueBackend`, implemented by the central server's
API (`RemoteQueue`) and by the counter's own offline queue (`LocalQueue`). Both take and return
the typed models of `contracts/tickets.py`; ordering, fairness and timings stay the pure rules of
`domain/queue.py`.

Every action on a ticket names it (`ticket=` the id the officer sees): if that ticket is no
longer the one open at the counter, the backend refuses with NotCurrent instead of acting on
another. `call_next(current=…)` likewise says which ticket the officer sees (None: none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Protocol

from counter_app.contracts.tickets import CounterQueueView, QueueTicket, ServiceWaiting
from counter_app.services import local_queue

if TYPE_CHECKING:
    from counter_app.config import Settings
    from counter_app.services.queue_client import QueueClient
    from counter_app.store.db import Store


class QueueBackend(Protocol):
    source: Literal["server", "local"]

    def status(self, counter: str) -> CounterQueueView: ...

    def issue(self, service: str, priority: str | None = None) -> QueueTicket: ...

    def call_next(self, counter: str, *, current: str | None) -> QueueTicket | None: ...

    def recall(self, counter: str, *, ticket: str) -> QueueTicket: ...

    def start(self, counter: str, *, ticket: str) -> QueueTicket: ...

    def no_show(self, counter: str, *, ticket: str) -> QueueTicket: ...

    def finish(
        self, counter: str, *, ticket: str, dossier_code: str | None = None
    ) -> QueueTicket: ...

    def transfer(self, counter: str, *, ticket: str, service: str) -> QueueTicket: ...

    def return_to_queue(self, counter: str, *, ticket: str) -> QueueTicket: ...


def _ticket(raw: dict[str, Any] | None, origin: str) -> QueueTicket | None:
    if raw is None:
        return None
    return QueueTicket.model_validate({"origin": origin, **raw})


class RemoteQueue:
    """The central server's queue (`QueueClient` over HTTP)."""

    source: Literal["server", "local"] = "server"

    def __init__(
        self,
        client: QueueClient,
        services: Callable[[str], list[str]],
        now: Callable[[], dt.datetime],
    ) -> None:
        self.client = client
        self._services = services
        self._now = now

    def close(self) -> None:
        self.client.close()

    def status(self, counter: str) -> CounterQueueView:
        raw = self.client.status()
        now = self._now()
        groups = {s: ServiceWaiting(service=s) for s in self._services(counter)}
        for t in raw.get("waiting") or []:
            g = groups.setdefault(t["service"], ServiceWaiting(service=t["service"]))
            g.waiting += 1
            g.priority += 1 if t.get("priority") else 0
            wait = max(0, int((now - dt.datetime.fromisoformat(t["issued_at"])).total_seconds()))
            if g.longest_wait_seconds is None or wait > g.longest_wait_seconds:
                g.longest_wait_seconds, g.next = wait, t["number"]
        current = None
        for c in raw.get("counters") or []:
            if c.get("code") == counter and c.get("current"):
                current = _ticket(c["current"], "server")
        if current is not None and not current.is_open:
            current = None
        counts: dict[str, int] = {}
        for per_state in (raw.get("counts") or {}).values():
            for state, n in per_state.items():
                counts[state] = counts.get(state, 0) + int(n)
        return CounterQueueView(
            center=raw.get("center"),
            service_day=raw.get("service_day"),
            services=sorted(groups.values(), key=lambda g: g.service),
            total_waiting=sum(g.waiting for g in groups.values()),
            counts=counts,
            current=current,
            source="server",
        )

    def issue(self, service: str, priority: str | None = None) -> QueueTicket:
        return _one(_ticket(self.client.issue(service, priority), "server"))

    def call_next(self, counter: str, *, current: str | None) -> QueueTicket | None:
        raw = self.client.call_next(counter, current=current, expect_current=True)
        return _ticket(raw, "server")

    def recall(self, counter: str, *, ticket: str) -> QueueTicket:
        return _one(_ticket(self.client.recall(counter, ticket=ticket), "server"))

    def start(self, counter: str, *, ticket: str) -> QueueTicket:
        return _one(_ticket(self.client.start(counter, ticket=ticket), "server"))

    def no_show(self, counter: str, *, ticket: str) -> QueueTicket:
        return _one(_ticket(self.client.no_show(counter, ticket=ticket), "server"))

    def finish(self, counter: str, *, ticket: str, dossier_code: str | None = None) -> QueueTicket:
        return _one(_ticket(self.client.finish(counter, ticket=ticket), "server"))

    def transfer(self, counter: str, *, ticket: str, service: str) -> QueueTicket:
        raw = self.client.transfer(counter, service=service, ticket=ticket)
        return _one(_ticket(raw, "server"))

    def return_to_queue(self, counter: str, *, ticket: str) -> QueueTicket:
        return _one(_ticket(self.client.return_to_queue(counter, ticket=ticket), "server"))


class LocalQueue:
    """The counter's own queue in its SQLite store (offline; tickets numbered with its slot)."""

    source: Literal["server", "local"] = "local"

    def __init__(
        self,
        store: Store,
        settings: Settings,
        actor: Callable[[], str],
        now: Callable[[], dt.datetime | None],
    ) -> None:
        self.store = store
        self.settings = settings
        self._actor = actor
        self._now = now

    def _kw(self) -> dict[str, Any]:
        return {"actor": self._actor(), "now": self._now()}

    def status(self, counter: str) -> CounterQueueView:
        raw = local_queue.status(self.store, self.settings, now=self._now(), counter=counter)
        return CounterQueueView.model_validate(raw)

    def current(self, counter: str) -> QueueTicket | None:
        """The ticket open at the counter, if any."""
        raw = local_queue.current(self.store, self.settings, counter, now=self._now())
        return _ticket(raw, "local")

    def issue(self, service: str, priority: str | None = None) -> QueueTicket:
        raw = local_queue.issue(self.store, self.settings, service, priority=priority, **self._kw())
        return _one(_ticket(raw, "local"))

    def call_next(self, counter: str, *, current: str | None) -> QueueTicket | None:
        raw = local_queue.call_next(
            self.store, self.settings, counter, expect_current=True, current=current, **self._kw()
        )
        return _ticket(raw, "local")

    def recall(self, counter: str, *, ticket: str) -> QueueTicket:
        raw = local_queue.recall(self.store, self.settings, counter, ticket=ticket, **self._kw())
        return _one(_ticket(raw, "local"))

    def start(self, counter: str, *, ticket: str) -> QueueTicket:
        raw = local_queue.serve(self.store, self.settings, counter, ticket=ticket, **self._kw())
        return _one(_ticket(raw, "local"))

    def no_show(self, counter: str, *, ticket: str) -> QueueTicket:
        raw = local_queue.no_show(self.store, self.settings, counter, ticket=ticket, **self._kw())
        return _one(_ticket(raw, "local"))

    def finish(self, counter: str, *, ticket: str, dossier_code: str | None = None) -> QueueTicket:
        raw = local_queue.finish(
            self.store, self.settings, counter, ticket=ticket, dossier_code=dossier_code, **self._kw()
        )
        return _one(_ticket(raw, "local"))

    def transfer(self, counter: str, *, ticket: str, service: str) -> QueueTicket:
        raw = local_queue.transfer(
            self.store, self.settings, counter, service, ticket=ticket, **self._kw()
        )
        return _one(_ticket(raw, "local"))

    def return_to_queue(self, counter: str, *, ticket: str) -> QueueTicket:
        raw = local_queue.return_to_queue(
            self.store, self.settings, counter, ticket=ticket, **self._kw()
        )
        return _one(_ticket(raw, "local"))


def _one(ticket: QueueTicket | None) -> QueueTicket:
    assert ticket is not None  # only call-next may answer "nobody"
    return ticket
