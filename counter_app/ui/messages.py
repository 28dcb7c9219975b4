"""Typed messages that workers post back to the UI (workers never touch widgets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from counter_app.contracts.tickets import CounterQueueView, QueueTicket
from counter_app.services.context import Officer


@dataclass
class SignInDone(Message):
    """A sign-in (or unlock) attempt finished: `officer` on success, else `error`."""

    officer: Officer | None
    error: str | None = None
    offline: bool = False


@dataclass
class HomeData(Message):
    """A fresh read of the counter's queue view, current ticket and today's dossiers."""

    status: CounterQueueView | None
    dossiers: list[dict[str, Any]]
    source: str = "local"  # local | server
    error: str | None = None
    notice: str | None = None  # why the central queue is not used right now
    reconnected: bool = False  # the central queue answers again: the counter went back to it


@dataclass
class QueueActionDone(Message):
    """A queue action (call next, recall, …) finished in a worker."""

    action: str
    ticket: QueueTicket | None
    error: str | None = None
    source: str = "local"
    stale: bool = False  # the screen's ticket was not the counter's any more: reload
    then: str | None = None  # what was done before (e.g. "no_show" before a call)
    before: QueueTicket | None = None


@dataclass
class SyncStatus(Message):
    """The sync indicator's reading (coalesced: only the latest matters)."""

    online: bool | None  # None = no server configured (local only)
    pending: int = 0
    last_success: str | None = None
    last_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def can_replace(self, message: Message) -> bool:  # type: ignore[override]
        return isinstance(message, SyncStatus)


@dataclass
class SyncRunDone(Message):
    result: dict[str, Any] | None
    error: str | None = None
