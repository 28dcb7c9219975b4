"""The supervisor's dossier report for a period (issue 18): asked for in a dialog (period, one
line per procedure / field / officer / counter / day), computed in a worker
(services.reports.dossiers_report), shown as a table; F9 saves it for a spreadsheet (CSV)."""

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

from counter_app.errors import CounterAppError
from counter_app.services.context import AppContext
from counter_app.ui.i18n_reception import localize_bindings, t
from counter_app.ui.widgets.reception_steps import screen_footer, screen_header

BY_CHOICES = ("procedure", "field", "officer", "counter", "day")
COLUMNS = (
    "entered", "received", "refused", "withdrawn", "supplement_requested", "early", "on_time",
    "late", "open", "overdue", "on_time_rate", "digitization_rate",
)


class ReportDone(Message):
    def __init__(self, report: dict[str, Any] | None, error: str = "") -> None:
        super().__init__()
        self.report = report
        self.error = error


def _cell(key: str, value: Any) -> Text:
    if key.endswith("_rate"):
        text = "—" if value is None else f"{100 * value:.1f} %"
        style = ""
        if key == "on_time_rate" and value is not None and value < 0.95:
            style = "bold red"
        return Text(text, style=style, justify="right")
    style = "bold red" if key in ("overdue", "late") and value else ""
    return Text(str(value), style=style, justify="right")


# what an officer may type for the grouping: the key, its number, or its Vietnamese word
_BY_WORDS = {
    "thu tuc": "procedure", "linh vuc": "field", "can bo": "officer", "quay": "counter",
    "ngay": "day", "tong": None, "toan trung tam": None,
}


def grouping(text: str) -> str | None:
    """"thủ tục" / "procedure" / "1" → "procedure"; empty → None (total only); "?" if unknown."""
    from counter_app.domain.text import fold

    word = " ".join(fold(text).split())
    if not word:
        return None
    if word in BY_CHOICES:
        return word
    if word.isdigit() and 1 <= int(word) <= len(BY_CHOICES):
        return BY_CHOICES[int(word) - 1]
    return _BY_WORDS.get(word, "?")


def ask_period(screen: Screen, ctx: AppContext, today: dt.date) -> None:
    """The period dialog; on OK pushes a ReportScreen that computes in a worker."""
    from counter_app.services import book
    from counter_app.ui.widgets.dossier_action import DossierActionDialog, Field

    chosen: dict[str, Any] = {}

    def submit(values: dict[str, str]) -> str | None:
        try:
            start, end = book.parse_period(values["start"], values["end"])
        except CounterAppError as exc:
            return exc.message
        by = grouping(values["by"])
        if by == "?":
            return t("rp.err.by")
        chosen.update(start=start, end=end, by=by)
        return None

    def done(ok: bool | None) -> None:
        if ok and chosen:
            screen.app.push_screen(ReportScreen(ctx, chosen["start"], chosen["end"], chosen["by"]))

    fields = [
        Field("start", t("sv.book.from"), "dd/mm/yyyy", f"{today.replace(day=1):%d/%m/%Y}", 10),
        Field("end", t("sv.book.to"), "dd/mm/yyyy", f"{today:%d/%m/%Y}", 10),
        Field("by", t("rp.by"), t("rp.by.ph"), t("rp.by.default"), 20),
    ]
    screen.app.push_screen(
        DossierActionDialog(t("rp.title"), fields, submit, hint=t("rp.hint")), done
    )


class ReportScreen(Screen):
    DEFAULT_CSS = """
    ReportScreen { layout: vertical; }
    ReportScreen #rp-title { height: auto; padding: 0 1; background: $boost; text-style: bold; }
    ReportScreen #rp-table { height: 1fr; }
    ReportScreen #rp-status { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("f9", "save_csv", "rp.key.csv"),
        Binding("escape", "close", "sv.key.close"),
    ]

    def __init__(
        self, ctx: AppContext, start: dt.date, end: dt.date, by: str | None, *, name: str | None = None
    ) -> None:
        super().__init__(name=name)
        localize_bindings(self)
        self.ctx = ctx
        self.start, self.end, self.by = start, end, by
        self.report: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        header = screen_header(self.ctx)
        if header is not None:
            yield header
        yield Static(
            t("rp.heading", start=f"{self.start:%d/%m/%Y}", end=f"{self.end:%d/%m/%Y}"),
            id="rp-title",
        )
        yield DataTable(id="rp-table", cursor_type="row", zebra_stripes=True)
        yield Static(t("rp.working"), id="rp-status")
        yield screen_footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(t(f"rp.by.{self.by or 'total'}"), key="key", width=34)
        for key in COLUMNS:
            table.add_column(t(f"rp.col.{key}"), key=key)
        self._compute()

    def _now(self) -> dt.datetime | None:
        clock = self.ctx.extras.get("clock")
        return clock() if callable(clock) else None

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def _compute(self) -> None:
        from counter_app.services import reports

        try:
            out = reports.dossiers_report(
                self.ctx.store, self.ctx.settings, self.start, self.end, by=self.by, now=self._now()
            )
        except CounterAppError as exc:
            self.post_message(ReportDone(None, exc.message))
            return
        except Exception as exc:  # noqa: BLE001 - shown; a report changes nothing
            self.post_message(ReportDone(None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(ReportDone(out))

    @on(ReportDone)
    def _done(self, event: ReportDone) -> None:
        status = self.query_one("#rp-status", Static)
        if event.report is None:
            status.update(Text(event.error, style="bold red"))
            return
        self.report = event.report
        table = self.query_one(DataTable)
        table.clear()
        for group in event.report["groups"]:
            table.add_row(str(group["key"]), *(_cell(k, group[k]) for k in COLUMNS))
        total = event.report["total"]
        table.add_row(
            Text(t("rp.total"), style="bold"), *(_cell(k, total[k]) for k in COLUMNS), key="total"
        )
        status.update(t("rp.done", n=total["entered"], definitions=t("rp.definitions")))
        table.focus()

    def action_save_csv(self) -> None:
        if self.report is None:
            return
        from counter_app.services import reports

        try:
            path = reports.save_report_csv(self.ctx.settings, self.report)
        except CounterAppError as exc:
            self.notify(exc.message, severity="error")
            return
        self.query_one("#rp-status", Static).update(t("rp.saved", path=str(path)))
        self.notify(t("rp.saved", path=str(path)), timeout=10)

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
