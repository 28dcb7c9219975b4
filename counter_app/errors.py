"""Error types shared by every layer, each with the CLI exit code of docs/DESIGN.md §6.

0 ok · 1 unexpected error · 2 usage or bad input · 3 device, file or resource not available ·
4 denied (credentials, keys, role) · 5 integrity failure · 6 interrupted · 7 server unreachable.
"""

from __future__ import annotations


class CounterAppError(Exception):
    """Base class: a clear, one-line message for the officer, and an exit code."""

    exit_code = 1

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        if self.field and self.field not in self.message:
            return f"{self.field}: {self.message}"
        return self.message


class BadInput(CounterAppError):
    """Usage error or invalid data (names the offending field)."""

    exit_code = 2


class NotAvailable(CounterAppError):
    """A device, file or resource is missing or busy."""

    exit_code = 3


class Denied(CounterAppError):
    """Wrong credentials or keys, or a missing role."""

    exit_code = 4


class IntegrityFailure(CounterAppError):
    """Data failed an integrity check (hash, signature, MAC)."""

    exit_code = 5


class Interrupted(CounterAppError):
    """The operation was cut off midway (card removed, connection lost)."""

    exit_code = 6


class ServerUnreachable(CounterAppError):
    """The central server could not be reached when it was needed."""

    exit_code = 7


class NotFound(BadInput):
    """A named record (procedure, dossier, ticket…) does not exist."""


class InvalidTransition(BadInput):
    """A state machine refused a transition."""


class NotCurrent(InvalidTransition):
    """The ticket the officer acted on is no longer the one open at the counter (someone, or a
    sync, changed it): nothing was done; the screen must show the counter as it is now."""
