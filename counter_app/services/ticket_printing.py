"""Print a queue ticket just issued at this PC, on the printer the settings name
(`ticket_printer`): an ESC/POS thermal printer, or "pdf" — a small PDF kept in the data dir and
sent to the CUPS queue `printer` when one is configured. Blocking: the TUI calls it from a worker.

A printer that fails never loses the ticket: it was issued before printing started, the error
says so and names the number, and `reprint` prints it again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.errors import CounterAppError, NotAvailable

if TYPE_CHECKING:
    from counter_app.config import Settings

SERVICE_NAMES = {"A": "Hộ tịch", "B": "Chứng thực", "C": "Đất đai", "D": "Khác"}


@dataclass
class PrintedTicket:
    number: str
    kind: str  # "escpos" | "pdf"
    detail: str  # the printer, the lp job id, or the PDF path


def enabled(settings: Settings) -> bool:
    return bool(settings.ticket_printer)


def ticket_info(settings: Settings, ticket: dict[str, Any], *, service_name: str | None = None):
    """The printable ticket (devices.printer.tickets.TicketInfo) from a ticket as the queue
    returns it (server or local)."""
    from counter_app.devices.printer.tickets import TicketInfo
    from counter_app.domain.queue import PRIORITY_REASONS

    issued = ticket.get("issued_at")
    try:
        at = dt.datetime.fromisoformat(issued) if issued else None
    except ValueError:
        at = None
    if at is None:
        at = dt.datetime.now(settings.tz)
    position = ticket.get("position")
    service = str(ticket.get("service") or "")
    return TicketInfo(
        center_name=settings.center_name or settings.center_code,
        number=str(ticket["number"]),
        service_name=service_name or f"{service} — {SERVICE_NAMES.get(service, '')}".strip(" —"),
        issued_at=at.astimezone(settings.tz),
        priority_reason=PRIORITY_REASONS.get(ticket.get("priority") or ""),
        waiting_ahead=int(position) - 1 if isinstance(position, int) and position > 0 else None,
    )


def print_issued(
    settings: Settings, ticket: dict[str, Any], *, service_name: str | None = None
) -> PrintedTicket:
    """Print `ticket` on the configured ticket printer; NotAvailable (naming the issued number)
    when the printer fails."""
    from counter_app.devices.printer.tickets import print_ticket

    target = settings.ticket_printer
    if not target:
        raise NotAvailable(
            "chưa cấu hình máy in số thứ tự / no ticket printer configured (ticket_printer)"
        )
    info = ticket_info(settings, ticket, service_name=service_name)
    pdf_dir = Path(settings.data_dir) / "tickets"
    try:
        if target == "pdf":
            pdf_dir.mkdir(parents=True, exist_ok=True)
            result = print_ticket(info, printer=None, pdf_dir=pdf_dir)
            assert result.pdf_path is not None
            if settings.printer:
                from counter_app.services.forms import print_pdf

                job = print_pdf(settings, result.pdf_path)
                return PrintedTicket(info.number, "pdf", f"{settings.printer} {job}")
            return PrintedTicket(info.number, "pdf", str(result.pdf_path))
        print_ticket(info, printer=target)
        return PrintedTicket(info.number, "escpos", target)
    except CounterAppError as exc:
        raise NotAvailable(_not_printed(info.number, exc.message)) from None
    except Exception as exc:  # noqa: BLE001 - escpos raises its own errors for a dead printer
        raise NotAvailable(_not_printed(info.number, f"{type(exc).__name__}: {exc}")) from None


def _not_printed(number: str, why: str) -> str:
    return (
        f"số {number} đã phát nhưng chưa in được / ticket {number} was issued but not printed: "
        f"{why}"
    )
