"""Queue wire schemas (`/api/v1/queue/...`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PriorityReason = Literal["merit", "elderly", "disabled", "pregnant", "small_child"]
TicketState = Literal["waiting", "called", "serving", "done", "no_show", "cancelled", "transferred"]

_SERVICE = r"^[A-Z]$"
_COUNTER = r"^[A-Za-z0-9_.-]{1,16}$"
_NUMBER = r"^[A-Za-z](-\d{2}-)?\d{3,4}$"


class IssueTicket(BaseModel):
    """`POST /queue/tickets`."""

    model_config = ConfigDict(extra="forbid")

    service: str = Field(pattern=_SERVICE, description="service group letter, e.g. A")
    priority: PriorityReason | None = Field(default=None, description="priority reason by law")


_TICKET_ID = r"^[0-9A-Za-z-]{1,36}$"
TicketId = Field(
    default=None,
    pattern=_TICKET_ID,
    description="the ticket the officer sees: refused (409 not_current) if the counter's "
    "current ticket is another one",
)


class ActOnTicket(BaseModel):
    """Body of `start`, `no-show`, `finish`, `return`: which ticket (optional for old clients:
    then the counter's current one)."""

    model_config = ConfigDict(extra="forbid")

    ticket: str | None = TicketId


class CallNext(BaseModel):
    """Body of `call-next` (optional): `current` is the ticket the officer sees at the counter,
    null for none. If the server's differs, 409 `not_current` instead of closing a ticket the
    officer never saw."""

    model_config = ConfigDict(extra="forbid")

    current: str | None = Field(default=None, pattern=_TICKET_ID)


class TransferTicket(BaseModel):
    """`POST /queue/counters/{code}/transfer`: to another service group, counter, or both."""

    model_config = ConfigDict(extra="forbid")

    service: str | None = Field(default=None, pattern=_SERVICE)
    counter: str | None = Field(default=None, pattern=_COUNTER)
    ticket: str | None = TicketId


class CallNumber(BaseModel):
    """`POST /queue/counters/{code}/call`: call a specific number."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(pattern=_NUMBER, max_length=16)


class RecallTicket(BaseModel):
    """`POST /queue/counters/{code}/recall`: repeat the current call, or (with `number`) call back
    a no-show within the grace period."""

    model_config = ConfigDict(extra="forbid")

    number: str | None = Field(default=None, pattern=_NUMBER, max_length=16)
    ticket: str | None = TicketId


class Ticket(BaseModel):
    id: str
    number: str
    service: str
    state: TicketState
    counter: str | None = None
    priority: PriorityReason | None = None
    service_day: str
    target_counter: str | None = None
    officer: str | None = Field(
        default=None, description="username of the officer who called it (null until called)"
    )
    issued_at: str
    called_at: str | None = None
    serving_at: str | None = None
    finished_at: str | None = None
    issue_order: int = Field(description="order of issue in the center")
    call_order: int | None = Field(default=None, description="order of the call in the center")
    recalls: int = 0
    transfers: int = 0
    wait_seconds: int | None = None
    service_seconds: int | None = None
    position: int | None = Field(default=None, description="place in the queue while waiting")


class BoardCall(BaseModel):
    counter: str
    number: str
    state: TicketState
    service: str
    called_at: str | None = None
    announcement: str


class Board(BaseModel):
    center: str
    service_day: str
    now_serving: list[BoardCall]
    recent: list[BoardCall]
    waiting: dict[str, int]


class CounterStatus(BaseModel):
    code: str
    name: str
    services: list[str]
    current: Ticket | None = None
    served_today: int = 0


class QueueStatus(BaseModel):
    center: str
    service_day: str
    counts: dict[str, dict[str, int]] = Field(description="service → state → count, today")
    waiting: list[Ticket]
    counters: list[CounterStatus]
    average_wait_seconds: float | None = None
    average_service_seconds: float | None = None
    max_priority_streak: int


# --- the counter's view of its queue (server or local: the same shapes) ---------------------------


class QueueTicket(BaseModel):
    """A ticket as the counter shows and acts on it, from the central queue or the local one."""

    model_config = ConfigDict(extra="ignore")

    id: str
    number: str
    service: str
    state: TicketState
    counter: str | None = None
    priority: str | None = None
    service_day: str = ""
    officer: str | None = None
    issued_at: str
    called_at: str | None = None
    serving_at: str | None = None
    finished_at: str | None = None
    recalls: int = 0
    wait_seconds: int | None = None
    service_seconds: int | None = None
    dossier_code: str | None = None
    origin: str = "server"

    @property
    def is_open(self) -> bool:
        """Called or being served at a counter."""
        return self.state in ("called", "serving")


class ServiceWaiting(BaseModel):
    service: str
    waiting: int = 0
    priority: int = 0
    longest_wait_seconds: int | None = None
    next: str | None = None  # the number waiting longest


class CounterQueueView(BaseModel):
    """What the counter's home shows of the queue."""

    center: str | None = None
    service_day: str | None = None
    services: list[ServiceWaiting] = Field(default_factory=list)
    total_waiting: int = 0
    counts: dict[str, int] = Field(default_factory=dict)
    current: QueueTicket | None = None
    # the current ticket belongs to the central queue, which does not answer now: shown so it is
    # not forgotten, acted on once the server answers
    current_stale: bool = False
    source: Literal["server", "local"] = "local"
