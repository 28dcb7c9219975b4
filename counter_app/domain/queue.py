"""Queue rules (pure): ticket numbers, the service day, priority reasons, who is called next.

Shared by the central server and the counter's offline local queue (docs/DESIGN.md §4.6, docs/DOMAIN.md §0.7).

Ordering rule (`choose_next`):
1. A ticket transferred to *this* counter comes first (it already waited once), oldest first.
2. Otherwise priority tickets (people with meritorious service, the elderly, people with
   disabilities, pregnant women, people with small children) go before ordinary tickets, oldest
   first — but after `max_priority_streak` priority calls in a row, an ordinary ticket that is
   waiting is called instead, so ordinary tickets are never starved.
3. Within one class, tickets are called in the order they were issued (`pos`), whatever their
   service group; tickets transferred to another counter are invisible to this one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Ho_Chi_Minh"

# Priority reasons by law (docs/DOMAIN.md §0.7), with their Vietnamese labels.
PRIORITY_REASONS: dict[str, str] = {
    "merit": "Người có công với cách mạng",
    "elderly": "Người cao tuổi",
    "disabled": "Người khuyết tật",
    "pregnant": "Phụ nữ mang thai",
    "small_child": "Người đi cùng trẻ nhỏ",
}

# Ticket states (docs/DESIGN.md §3). "transferred" = waiting again, at another service or counter.
WAITING_STATES = ("waiting", "transferred")
OPEN_STATES = ("waiting", "transferred", "called", "serving")
FINAL_STATES = ("done", "no_show", "cancelled")
STATES = ("waiting", "called", "serving", "done", "no_show", "cancelled", "transferred")

# Allowed transitions of one ticket.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "waiting": ("called", "cancelled", "transferred"),
    "transferred": ("called", "cancelled", "transferred"),
    "called": ("serving", "done", "no_show", "transferred", "cancelled", "called"),
    "serving": ("done", "transferred"),
    "no_show": ("called",),  # grace recall: the citizen came back in time
    "done": (),
    "cancelled": (),
}

_SERVICE_RE = re.compile(r"^[A-Z]$")
_NUMBER_RE = re.compile(r"^([A-Z])(?:-(\d{2})-)?(\d{3,4})$")


class QueueRuleError(ValueError):
    """A queue rule was broken (bad service code, bad number, refused transition)."""


@dataclass(frozen=True)
class Candidate:
    """What the ordering rule needs to know about one waiting ticket."""

    id: str
    service: str
    pos: int  # issue order within the center (monotonic)
    priority: str | None = None
    target_counter: str | None = None  # set by a transfer to a specific counter

    @property
    def is_priority(self) -> bool:
        return bool(self.priority)


@dataclass(frozen=True)
class FairnessPolicy:
    max_priority_streak: int = 2  # at most this many priority calls in a row while others wait

    def __post_init__(self) -> None:
        if self.max_priority_streak < 1:
            raise QueueRuleError("max_priority_streak must be at least 1")


def check_service(code: str) -> str:
    """A service group code is one capital letter (A, B, …)."""
    if not isinstance(code, str) or not _SERVICE_RE.match(code):
        raise QueueRuleError(f"mã nhóm dịch vụ không hợp lệ / invalid service group '{code}'")
    return code


def check_priority(reason: str | None) -> str | None:
    if reason in (None, ""):
        return None
    if reason not in PRIORITY_REASONS:
        allowed = ", ".join(PRIORITY_REASONS)
        raise QueueRuleError(
            f"lý do ưu tiên không hợp lệ / unknown priority reason '{reason}' ({allowed})"
        )
    return reason


def format_number(service: str, seq: int, slot: str | None = None) -> str:
    """`A001` (server), or `A-07-001` for a ticket issued offline by the device in slot 07."""
    check_service(service)
    if not 1 <= seq <= 9999:
        raise QueueRuleError(f"số thứ tự ngoài khoảng / ticket sequence out of range: {seq}")
    if slot is None:
        return f"{service}{seq:03d}"
    if not re.match(r"^\d{2}$", slot):
        raise QueueRuleError(f"invalid device slot '{slot}'")
    return f"{service}-{slot}-{seq:03d}"


def parse_number(number: str) -> tuple[str, str | None, int]:
    """Inverse of `format_number`: (service, slot or None, seq)."""
    m = _NUMBER_RE.match(number.strip().upper()) if isinstance(number, str) else None
    if not m:
        raise QueueRuleError(f"số thứ tự không hợp lệ / invalid ticket number '{number}'")
    return m.group(1), m.group(2), int(m.group(3))


def service_day(now: dt.datetime, tz: str = DEFAULT_TZ) -> str:
    """The service day (YYYY-MM-DD) of an aware instant, in the center's time zone."""
    if now.tzinfo is None:
        raise QueueRuleError("service_day needs an aware datetime")
    return now.astimezone(ZoneInfo(tz)).date().isoformat()


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, ()):
        raise QueueRuleError(
            f"không thể chuyển vé từ '{current}' sang '{new}' / cannot move a ticket from {current} to {new}"
        )


def eligible(
    candidates: Iterable[Candidate], services: Sequence[str], counter: str
) -> list[Candidate]:
    """Waiting tickets this counter may call: its services, or transferred to it by name."""
    wanted = set(services)
    out = []
    for c in candidates:
        if c.target_counter is not None:
            if c.target_counter == counter:
                out.append(c)
        elif c.service in wanted:
            out.append(c)
    return out


def choose_next(
    candidates: Iterable[Candidate],
    *,
    services: Sequence[str],
    counter: str,
    priority_streak: int,
    policy: FairnessPolicy = FairnessPolicy(),
) -> Candidate | None:
    """The ticket `counter` calls next (see the module docstring), or None if nobody waits.

    `priority_streak` is the number of priority calls in a row just made in this queue.
    """
    pool = eligible(candidates, services, counter)
    if not pool:
        return None
    mine = [c for c in pool if c.target_counter == counter]
    if mine:
        return min(mine, key=lambda c: c.pos)
    prio = [c for c in pool if c.is_priority]
    ordinary = [c for c in pool if not c.is_priority]
    if prio and (not ordinary or priority_streak < policy.max_priority_streak):
        return min(prio, key=lambda c: c.pos)
    return min(ordinary, key=lambda c: c.pos) if ordinary else None


def next_streak(priority_streak: int, called: Candidate) -> int:
    """The streak after calling `called` (a targeted transfer does not count either way)."""
    if called.target_counter is not None:
        return priority_streak
    return priority_streak + 1 if called.is_priority else 0


def timings(
    issued_at: dt.datetime,
    called_at: dt.datetime | None,
    serving_at: dt.datetime | None,
    finished_at: dt.datetime | None,
) -> dict[str, int | None]:
    """Waiting and service time in whole seconds (None when not reached yet)."""
    wait = int((called_at - issued_at).total_seconds()) if called_at else None
    start = serving_at or called_at
    service = int((finished_at - start).total_seconds()) if finished_at and start else None
    return {"wait_seconds": wait, "service_seconds": service}


def announcement(number: str, counter_label: str) -> str:
    """What the board says aloud: 'Mời số A023 đến quầy số 2'."""
    label = counter_label[1:] if re.match(r"^Q\d+$", counter_label) else counter_label
    return f"Mời số {number} đến quầy số {label}"
