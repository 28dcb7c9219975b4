"""Conflict rules of the sync (docs/DESIGN.md §4.5), pure.

- Ticket states have a precedence: a fact of higher precedence wins whatever the arrival order.
- A dossier transition applies only when the current state is its `from`.
- A plain change made on a stale base version is kept (event log) and flagged, not silently lost.
"""

from __future__ import annotations

from dataclasses import dataclass

TICKET_PRECEDENCE = {
    "waiting": 0,
    "called": 1,
    "transferred": 2,
    "cancelled": 3,
    "no_show": 4,
    "serving": 5,
    "done": 6,
}


@dataclass(frozen=True)
class Decision:
    apply: bool
    conflict: bool = False
    reason: str = ""


def merge_ticket_state(current: str | None, incoming: str) -> Decision:
    """Whether an incoming ticket state from a counter replaces the server's."""
    if incoming not in TICKET_PRECEDENCE:
        return Decision(False, False, f"unknown ticket state '{incoming}'")
    if current is None:
        return Decision(True)
    cur = TICKET_PRECEDENCE.get(current, -1)
    new = TICKET_PRECEDENCE[incoming]
    if new > cur:
        return Decision(True)
    if new == cur:
        return Decision(True)  # same state, newer details (times, counter)
    # A lower-precedence fact (e.g. "called" after "done"): kept in the log, state unchanged.
    # "called" again after "no_show" is a grace recall: that is a legitimate fact, not a conflict.
    if incoming in ("called", "serving") and current == "no_show":
        return Decision(True)
    return Decision(False, True, f"ticket already '{current}', '{incoming}' arrived later")


def dossier_transition(current: str | None, expected_from: str | None, target: str) -> Decision:
    """A transition applies only if the server's current state is the op's `from`."""
    if current is None:
        return Decision(True, True, "dossier unknown to the server; created from the counter's row")
    if expected_from is None or current == expected_from:
        return Decision(True)
    if current == target:
        return Decision(False, False, "already in that state")
    return Decision(
        False,
        True,
        f"dossier is '{current}' on the server, the counter moved it from '{expected_from}'",
    )


def stale_base(server_version: int, base_version: int | None) -> bool:
    return base_version is not None and base_version < server_version
