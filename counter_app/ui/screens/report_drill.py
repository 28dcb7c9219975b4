"""Drill-down from a report figure to its dossiers (issue 18 §4): the dossiers counted in one cell
of the dossier report (a line × a figure), listed from `services.reports.dossiers_behind` in a
worker; Enter opens one in the lookup screen (its detail and actions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from counter_app.domain.dossier import status_label
from counter_app.errors import CounterAppError
from counter_app.services.context import AppContext
from counter_app.ui.i18n_reception import localize_bindings, t
from counter_app.ui.widgets.reception_steps import screen_footer, screen_header


class DrillDone(Message):
    def __init__(self, rows: list[dict[str, Any]] | None, error: str = "") -> None:
        super().__init__()
        self.rows = rows
        self.error = error


def _when(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return f"{dt.datetime.fromisoformat(value):%d/%m %H:%M}"
    except ValueError:
        return value[:16]


class ReportDrillScreen(Screen):
    DEFAULT_CSS = """
    ReportDrillScreen { layout: vertical; }
    ReportDrillScreen #rd-title { height: auto; padding: 0 1; background: $boost; text-style: bold; }
    ReportDrillScreen #rd-table { height: 1fr; }
    ReportDrillScreen #rd-status { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter", "open", "rd.key.open", show=True),
        Binding("escape", "close", "sv.key.close"),
    ]

    def __init__(self, ctx: AppContext, start: dt.date, end: dt.date, *, by: str | None,
                 key: str | None, figure: str, title: str) -> None:
        super().__init__()
        localize_bindings(self)
        self.ctx = ctx
        self.start, self.end, self.by, self.key, self.figure = start, end, by, key, figure
        self.heading = title
        self.rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        header = screen_header(self.ctx)
        if header is not None:
            yield header
        yield Static(self.heading, id="rd-title")
        yield DataTable(id="rd-table", cursor_type="row", zebra_stripes=True)
        yield Static(t("rp.working"), id="rd-status")
        yield screen_footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("code", "received", "applicant", "procedure", "status", "appointment",
                    "result", "officer"):
            table.add_column(t(f"rd.col.{key}"), key=key)
        self._load()

    def _now(self) -> dt.datetime | None:
        clock = self.ctx.extras.get("clock")
        return clock() if callable(clock) else None

    @work(thread=True, exclusive=True, group="drill", exit_on_error=False)
    def _load(self) -> None:
        from counter_app.services import reports

        try:
            rows = reports.dossiers_behind(
                self.ctx.store, self.ctx.settings, self.start, self.end, by=self.by,
                key=self.key, figure=self.figure, now=self._now(),
            )
        except CounterAppError as exc:
            self.post_message(DrillDone(None, exc.message))
            return
        except Exception as exc:  # noqa: BLE001 - shown; reading changes nothing
            self.post_message(DrillDone(None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(DrillDone(rows))

    @on(DrillDone)
    def _done(self, event: DrillDone) -> None:
        status = self.query_one("#rd-status", Static)
        if event.rows is None:
            status.update(Text(event.error, style="bold red"))
            return
        self.rows = event.rows
        table = self.query_one(DataTable)
        table.clear()
        lang = self.ctx.settings.lang
        for r in event.rows:
            table.add_row(
                r["code"], _when(r["received_at"]), r["applicant"], r["procedure"][:48],
                status_label(r["status"], lang), _when(r["appointment_at"]),
                _when(r["result_at"]), r["officer"] or "", key=r["code"],
            )
        status.update(t("rd.count", n=len(event.rows)))
        table.focus()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return
        from counter_app.ui.screens.lookup import LookupScreen

        code = self.rows[table.cursor_row]["code"]
        self.app.push_screen(LookupScreen(self.ctx, query=code))

    @on(DataTable.RowSelected)
    def _selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
