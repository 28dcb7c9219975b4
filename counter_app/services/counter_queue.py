"""The queue a counter works with: the central server's when configured and reachable, else the
counter's own local queue. Blocking calls: the TUI runs them in thread workers.

Rules that keep a citizen's turn (issue 15):
- an action on a ticket goes to the queue the ticket came from (its `origin`), naming the ticket
  the officer sees; a ticket of the central queue is never "acted on" in the local one;
- a call that fails because the server stopped answering calls nobody: the officer is told, and
  the next F5 uses the local queue (a switch of source never calls a ticket unseen);
- while the server is unreachable, an open ticket of the central queue at this counter stays on
  the screen (`current_stale`), so it is not forgotten; it is acted on once the server answers;
- the counter returns to the central queue by itself within seconds of the server answering
  again (probed every few seconds), once no local ticket is open at the counter, and says so.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from counter_app.contracts.tickets import CounterQueueView, QueueTicket
from counter_app.errors import Denied, NotAvailable, ServerUnreachable
from counter_app.services import satisfaction
from counter_app.services.context import AppContext
from counter_app.services.queue_backend import LocalQueue, QueueBackend, RemoteQueue

log = logging.getLogger(__name__)

PROBE_EVERY_S = 5.0
SERVER_TIMEOUT_S = 5.0
_UNUSABLE = (ServerUnreachable, NotAvailable, Denied)


class QueueUnreachable(ServerUnreachable):
    """The central queue did not answer an action: nothing was done in any queue."""


class CounterQueue:
    def __init__(self, ctx: AppContext, *, now: Callable[[], dt.datetime] | None = None) -> None:
        self.ctx = ctx
        self._now = now
        self.source: str = "local"
        self._down_since: float | None = None
        self._last_probe = 0.0
        self._remote: RemoteQueue | None = None
        self._remote_token: object = None
        self.local = LocalQueue(ctx.store, ctx.settings, lambda: self.ctx.actor, self._time)
        self.remote_current: QueueTicket | None = None  # last open central ticket seen here
        self.last_server_error: str | None = None
        self.reconnected = False  # set when the central queue answered again (read and cleared)

    # --- which queue -----------------------------------------------------------------------------

    def _time(self) -> dt.datetime | None:
        return self._now() if self._now is not None else None

    def _clock(self) -> dt.datetime:
        return self._time() or dt.datetime.now(self.ctx.settings.tz)

    @property
    def counter(self) -> str:
        return self.ctx.counter_code

    def close(self) -> None:
        if self._remote is not None:
            self._remote.close()
            self._remote = None

    def _remote_queue(self) -> RemoteQueue | None:
        """The central queue if this sign-in can use it (server configured, online token)."""
        settings = self.ctx.settings
        token = self.ctx.extras.get("token")
        if not settings.server_url or self.ctx.officer is None or not token:
            return None  # no server, or signed in offline: no token for the server
        if self._remote is not None and self._remote_token != token:
            self.close()
        if self._remote is None:
            from counter_app.services.queue_client import QueueClient

            client = QueueClient(
                settings.server_url,
                username=self.ctx.officer.username,
                timeout=SERVER_TIMEOUT_S,
                token=str(token),
            )
            self._remote = RemoteQueue(client, self.services, self._clock)
            self._remote_token = token
        return self._remote

    def _server_back(self) -> bool:
        """While the server is marked down: probe it (at most every PROBE_EVERY_S seconds)."""
        if self._down_since is None:
            return True
        now = time.monotonic()
        if now - self._last_probe < PROBE_EVERY_S:
            return False
        self._last_probe = now
        from counter_app.services.sync_view import server_reachable

        return server_reachable(self.ctx.settings.server_url or "")

    def _mark_down(self, exc: Exception) -> None:
        log.warning("central queue not usable (%s); the counter uses its local queue", type(exc).__name__)
        self._down_since = time.monotonic()
        self._last_probe = self._down_since
        self.last_server_error = str(exc)
        self.source = "local"

    def _local_open(self) -> QueueTicket | None:
        """The local ticket open at this counter (one indexed read, not the whole day's queue)."""
        return self.local.current(self.counter)

    def backend_for(self, ticket: QueueTicket) -> QueueBackend:
        """The queue a ticket belongs to."""
        if ticket.origin == "server":
            remote = self._remote_queue()
            if remote is None:
                raise QueueUnreachable(
                    f"số {ticket.number} thuộc hàng đợi chung nhưng chưa đăng nhập trực tuyến / "
                    f"{ticket.number} belongs to the central queue; sign in online to act on it"
                )
            return remote
        return self.local

    # --- reads -----------------------------------------------------------------------------------

    def status(self) -> CounterQueueView:
        remote = self._remote_queue()
        if remote is not None and self._server_back():
            was_down = self._down_since is not None
            local_open = self._local_open() if was_down else None
            if local_open is None:
                try:
                    view = self._finished_here_hidden(remote.status(self.counter))
                except _UNUSABLE as exc:
                    self._mark_down(exc)
                else:
                    if was_down:
                        self.reconnected = True
                    self._down_since = None
                    self.last_server_error = None
                    self.source = "server"
                    self.remote_current = view.current
                    return view
        self.source = "local"
        view = self.local.status(self.counter)
        if view.current is None and self.remote_current is not None and remote is not None:
            # the central queue's ticket open here is not forgotten while the server is away
            view.current = self.remote_current
            view.current_stale = True
        return view

    def _finished_here(self, ticket_id: str) -> bool:
        from counter_app.store.models import Ticket

        with self.ctx.store.read() as session:
            row = session.get(Ticket, ticket_id)
        return row is not None and row.state in ("done", "no_show", "cancelled", "transferred")

    def _finished_here_hidden(self, view: CounterQueueView) -> CounterQueueView:
        """A ticket of the offline queue finished at this counter may still be open on the server
        until its last op is pushed: the server's view then shows the central ticket this counter
        left open (or none), never a citizen already served."""
        cur = view.current
        if cur is not None and cur.is_open and self._finished_here(cur.id):
            left = self.remote_current
            view.current = left if left is not None and left.id != cur.id else None
        return view

    def services(self, counter: str | None = None) -> list[str]:
        from counter_app.services.local_queue import counter_services

        with self.ctx.store.read() as session:
            return counter_services(session, counter or self.counter)

    # --- actions ---------------------------------------------------------------------------------

    def issue(self, service: str, priority: str | None = None) -> QueueTicket:
        """A citizen needs a number whatever happens: the central queue, else the local one."""
        remote = self._remote_queue()
        if remote is not None and self._down_since is None:
            try:
                ticket = remote.issue(service, priority)
            except _UNUSABLE as exc:
                self._mark_down(exc)
            else:
                self.source = "server"
                return ticket
        self.source = "local"
        return self.local.issue(service, priority)

    def call_next(self, current: QueueTicket | None) -> QueueTicket | None:
        """Call the next citizen. `current` is the ticket on the screen (None: none); the caller
        (the screen) has already asked the officer what to do with a ticket only called.

        The central queue is used when it answers and no local ticket is open here; a central
        call that fails calls nobody (QueueUnreachable): the next call uses the local queue."""
        local_open = self._local_open()
        remote = self._remote_queue()
        if local_open is None and remote is not None and self._server_back():
            seen = current.id if current is not None and current.origin == "server" else None
            try:
                ticket = remote.call_next(self.counter, current=seen)
            except _UNUSABLE as exc:
                self._mark_down(exc)
                raise QueueUnreachable(
                    "máy chủ không trả lời khi gọi số: chưa gọi ai; nhấn gọi số lần nữa để dùng "
                    "hàng đợi của quầy / the server did not answer the call: nobody was called; "
                    "call again to use this counter's own queue"
                ) from None
            self._down_since = None
            self.source = "server"
            self.remote_current = ticket
            return ticket
        self.source = "local"
        seen_local = current.id if current is not None and current.origin != "server" else None
        if current is not None and current.origin == "server":
            self.remote_current = current  # stays known: shown again when the server answers
        return self.local.call_next(self.counter, current=seen_local)

    def _act(self, ticket: QueueTicket, action: Callable[[QueueBackend], QueueTicket]) -> QueueTicket:
        backend = self.backend_for(ticket)
        try:
            result = action(backend)
        except _UNUSABLE as exc:
            if backend is self.local:
                raise
            self._mark_down(exc)
            raise QueueUnreachable(
                f"máy chủ không trả lời: số {ticket.number} chưa được cập nhật, thử lại khi có "
                f"mạng / the server did not answer: {ticket.number} was not updated; try again "
                "when it answers"
            ) from None
        self.source = backend.source
        if backend is not self.local:
            self._down_since = None
            self.remote_current = result if result.is_open else None
        return result

    def recall(self, ticket: QueueTicket) -> QueueTicket:
        return self._act(ticket, lambda b: b.recall(self.counter, ticket=ticket.id))

    def start(self, ticket: QueueTicket) -> QueueTicket:
        return self._act(ticket, lambda b: b.start(self.counter, ticket=ticket.id))

    def no_show(self, ticket: QueueTicket) -> QueueTicket:
        return self._act(ticket, lambda b: b.no_show(self.counter, ticket=ticket.id))

    def finish(self, ticket: QueueTicket, dossier_code: str | None = None) -> QueueTicket:
        """Finish the ticket; it is then offered for the citizen's rating at this counter."""
        done = self._act(
            ticket, lambda b: b.finish(self.counter, ticket=ticket.id, dossier_code=dossier_code)
        )
        satisfaction.offer_quietly(self.ctx.store, self.ctx.settings, done, self.counter)
        return done

    def transfer(self, ticket: QueueTicket, service: str) -> QueueTicket:
        return self._act(ticket, lambda b: b.transfer(self.counter, ticket=ticket.id, service=service))

    def return_to_queue(self, ticket: QueueTicket) -> QueueTicket:
        return self._act(ticket, lambda b: b.return_to_queue(self.counter, ticket=ticket.id))
