"""No personal data in logs: a logging filter that every handler of the process gets.

The server and the counter log what they do, never whom it was about. Our own log calls name
records by id; this filter is the net under them, for messages that come from elsewhere:

- an exception's message is withheld (its type and the traceback's frames are kept): database
  drivers and libraries put values into messages (a CCCD number in a failed INSERT's DETAIL);
- in the rest of a message, what looks like an ID number (9–12 digits), a phone number, a
  bearer token, a device secret or an e-mail address is replaced by a placeholder.

`install()` puts it on the root logger's handler (created if there is none), on Python's last-
resort handler, and on the handlers uvicorn configured, then sets the process umask so that every
file the process creates is private (0600 / folders 0700): databases, their WAL files, blobs,
printed forms and logs all hold personal data.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # signed tokens (JWT-like: three base64url parts) and long opaque secrets
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), "<token>"),
    (re.compile(r"(?i)\b(bearer|secret|password|token)([\"'=: ]+)[^\s\"',;]{6,}"), r"\1\2<hidden>"),
    (re.compile(r"\b[A-Za-z0-9_-]{40,}\b"), "<secret>"),
    # e-mail addresses
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "<email>"),
    # phone numbers (Vietnamese 0xx… or +84…), with spaces or dots between groups
    (re.compile(r"(?<![\w.])(?:\+?84|0)(?:[ .-]?\d){8,10}(?![\w])"), "<phone>"),
    # ID numbers: 12-digit CCCD, 9-digit CMND (and any other long digit run)
    (re.compile(r"(?<![\w.-])\d{9,12}(?![\w-])"), "<id>"),
)


def redact(text: str) -> str:
    """The text with what looks like personal data or a secret replaced."""
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def _exception_text(exc_info: tuple) -> str:  # type: ignore[type-arg]
    etype, _value, tb = exc_info
    frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
    name = getattr(etype, "__qualname__", str(etype))
    return f"Traceback (most recent call last):\n{frames}{name}: <message withheld: may hold personal data>"


def _safe_arg(value: object) -> object:
    if isinstance(value, bool | int | float) or value is None:
        return value
    return redact(value if isinstance(value, str) else str(value))


class RedactingFilter(logging.Filter):
    """Rewrites each record in place before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_counter_app_redacted", False):
            return True
        # the format and each argument separately: formatters such as uvicorn's access log read
        # `record.args` themselves; numbers stay numbers (a `%d` needs one)
        record.msg = redact(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {k: _safe_arg(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_safe_arg(a) for a in record.args)
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = _exception_text(record.exc_info)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._counter_app_redacted = True  # type: ignore[attr-defined]
        return True


_FILTER = RedactingFilter()


def protect_handlers(*logger_names: str) -> None:
    """Put the filter on every handler of these loggers (and the root's, and the last resort)."""
    names = ("", *logger_names)
    for name in names:
        for handler in logging.getLogger(name).handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
    last = logging.lastResort
    if last is not None and _FILTER not in last.filters:
        last.addFilter(_FILTER)


def install(*, root_handler: bool = False, level: int = logging.WARNING) -> None:
    """Private files from now on, and every log line of the process through the filter.

    `root_handler` adds a stderr handler to the root logger when it has none (the server). The
    TUI does not want one: Textual captures `sys.stderr` while it runs, and a handler holding the
    real stream would write over the screen; its records reach the last-resort handler, which
    looks `sys.stderr` up at each record, filtered like the others."""
    os.umask(0o077)
    # a handler that fails prints the record and the exception it was handling to stderr,
    # around every filter: never
    logging.raiseExceptions = False
    root = logging.getLogger()
    if root_handler and not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(level)
    protect_handlers("uvicorn", "uvicorn.error", "uvicorn.access", "counter_app")
