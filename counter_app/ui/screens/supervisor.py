"""Local supervisor screen: today's counts by status and procedure, overdue and due-today
dossiers of this center's store (services.dossiers.summary)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from counter_app.errors import CounterAppError
from counter_app.services import dossiers, sync_view
from counter_app.services.context import AppContext
from counter_app.ui.i18n_reception import localize_bindings, set_lang, t
from counter_app.ui.screens.lookup import status_label
from counter_app.ui.widgets.reception_steps import screen_footer, screen_header

REFRESH_SECONDS = 30.0


class BookDone(Message):
    """The book of dossiers (form 07) was made in a worker: its path, count, or an error."""

    def __init__(self, text: str, ok: bool) -> None:
        super().__init__()
        self.text = text
        self.ok = ok


def _fmt(value: str | None) -> str:
    if not value:
        return "—"
    return dt.datetime.fromisoformat(value).strftime("%H:%M %d/%m/%Y")


class SupervisorScreen(Screen):
    """Issue 4 item 6."""

    DEFAULT_CSS = """
    SupervisorScreen { layout: vertical; }
    SupervisorScreen #sv-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    SupervisorScreen #sv-body { height: 1fr; padding: 0 1; }
    SupervisorScreen #sv-headline { height: auto; margin: 1 0; text-style: bold; }
    SupervisorScreen #sv-quarantine { height: auto; color: $warning; }
    SupervisorScreen #sv-quarantine.-empty { display: none; }
    SupervisorScreen #sv-counts { height: auto; }
    SupervisorScreen #sv-counts > DataTable { width: 1fr; height: auto; max-height: 12; margin-right: 1; }
    SupervisorScreen .sv-label { height: 1; margin-top: 1; text-style: bold; }
    SupervisorScreen #sv-overdue-label { color: $error; }
    SupervisorScreen #sv-overdue, SupervisorScreen #sv-due { height: auto; max-height: 14; }
    SupervisorScreen #sv-held-label, SupervisorScreen #sv-unsent-label { color: $warning; }
    SupervisorScreen #sv-held, SupervisorScreen #sv-unsent { height: auto; max-height: 12; }
    SupervisorScreen #sv-updated { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("f5", "refresh_data", "sv.key.refresh"),
        Binding("f6", "conflicts", "sv.key.conflicts"),
        Binding("f7", "book", "sv.key.book"),
        Binding("f8", "report", "sv.key.report"),
        Binding("escape", "close", "sv.key.close"),
    ]

    def __init__(self, ctx: AppContext, *, name: str | None = None) -> None:
        set_lang(ctx.settings.lang)
        super().__init__(name=name)
        localize_bindings(self)
        self.ctx = ctx
        self.data: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        header = screen_header(self.ctx)
        if header is not None:
            yield header
        yield Static(t("sv.title"), id="sv-title")
        with VerticalScroll(id="sv-body"):
            yield Static("", id="sv-headline")
            yield Static("", id="sv-quarantine")
            with Horizontal(id="sv-counts"):
                yield DataTable(id="sv-status", cursor_type="row")
                yield DataTable(id="sv-procedure", cursor_type="row")
            yield Static("", id="sv-overdue-label", classes="sv-label")
            yield DataTable(id="sv-overdue", cursor_type="row", zebra_stripes=True)
            yield Static("", id="sv-due-label", classes="sv-label")
            yield DataTable(id="sv-due", cursor_type="row", zebra_stripes=True)
            yield Static("", id="sv-held-label", classes="sv-label")
            yield DataTable(id="sv-held", cursor_type="row", zebra_stripes=True)
            yield Static("", id="sv-unsent-label", classes="sv-label")
            yield DataTable(id="sv-unsent", cursor_type="row", zebra_stripes=True)
            yield Static("", id="sv-routed-label", classes="sv-label")
            yield DataTable(id="sv-routed", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sv-updated")
        yield screen_footer()

    def on_mount(self) -> None:
        status = self.query_one("#sv-status", DataTable)
        status.add_column(t("sv.col.status"), key="status")
        status.add_column(t("sv.col.count"), key="n")
        proc = self.query_one("#sv-procedure", DataTable)
        proc.add_column(t("sv.col.procedure"), key="procedure")
        proc.add_column(t("sv.col.count"), key="n")
        for tid in ("#sv-overdue", "#sv-due"):
            table = self.query_one(tid, DataTable)
            table.add_column(t("sv.col.due"), key="due")
            table.add_column(t("sv.col.code"), key="code")
            table.add_column(t("sv.col.applicant"), key="applicant")
            table.add_column(t("sv.col.status"), key="status")
            table.add_column(t("sv.col.procedure"), key="procedure")
        held = self.query_one("#sv-held", DataTable)
        held.add_column(t("sv.col.step_due"), key="step_due")
        held.add_column(t("sv.col.late_days"), key="late_days")
        held.add_column(t("sv.col.code"), key="code")
        held.add_column(t("sv.col.body"), key="body")
        held.add_column(t("sv.col.procedure"), key="procedure")
        unsent = self.query_one("#sv-unsent", DataTable)
        unsent.add_column(t("sv.col.send_deadline"), key="send_deadline")
        unsent.add_column(t("sv.col.code"), key="code")
        unsent.add_column(t("sv.col.received"), key="received")
        unsent.add_column(t("sv.col.procedure"), key="procedure")
        routed = self.query_one("#sv-routed", DataTable)
        routed.add_column(t("sv.col.step_due"), key="step_due")
        routed.add_column(t("sv.col.code"), key="code")
        routed.add_column(t("sv.col.from_center"), key="from_center")
        routed.add_column(t("sv.col.body"), key="body")
        routed.add_column(t("sv.col.procedure"), key="procedure")
        self.action_refresh_data()
        self.set_interval(REFRESH_SECONDS, self.action_refresh_data, name="supervisor-refresh")
        self.query_one("#sv-overdue", DataTable).focus()

    def relabel(self) -> None:
        """Called by the shell after a language switch."""
        from rich.text import Text

        localize_bindings(self)
        self.query_one("#sv-title", Static).update(t("sv.title"))
        for table in self.query(DataTable):
            for key, col in table.columns.items():
                col.label = Text(t(f"sv.col.{'count' if key.value == 'n' else key.value}"))
            table.refresh()
        self.action_refresh_data()
        self.refresh_bindings()

    def _now(self) -> dt.datetime | None:
        clock = self.ctx.extras.get("clock")
        return clock() if callable(clock) else None

    def action_refresh_data(self) -> None:
        try:
            self.data = dossiers.summary(self.ctx.store, self.ctx.settings, now=self._now())
        except CounterAppError as exc:
            self.query_one("#sv-headline", Static).update(exc.message)
            return
        d = self.data
        refused = sync_view.quarantined(self.ctx)
        note = self.query_one("#sv-quarantine", Static)
        note.set_class(not refused, "-empty")
        if refused:
            note.update(t("sv.quarantined", n=len(refused), reason=refused[-1]["reason"][:120]))
        day = dt.date.fromisoformat(d["day"]).strftime("%d/%m/%Y")
        self.query_one("#sv-headline", Static).update(t("sv.today", day=day, total=d["total"]))
        status = self.query_one("#sv-status", DataTable)
        status.clear()
        for s, n in sorted(d["by_status"].items(), key=lambda kv: -kv[1]):
            status.add_row(status_label(s), str(n), key=s)
        if not d["by_status"]:
            status.add_row(t("sv.empty"), "0")
        proc = self.query_one("#sv-procedure", DataTable)
        proc.clear()
        for name, n in d["by_procedure"].items():
            proc.add_row(name, str(n))
        if not d["by_procedure"]:
            proc.add_row(t("sv.empty"), "0")
        for key, tid, label_id, label in (
            ("overdue", "#sv-overdue", "#sv-overdue-label", "sv.overdue"),
            ("due_today", "#sv-due", "#sv-due-label", "sv.due_today"),
        ):
            rows = d[key]
            self.query_one(label_id, Static).update(t(label, n=len(rows)))
            table = self.query_one(tid, DataTable)
            table.clear()
            for b in rows:
                table.add_row(
                    _fmt(b["appointment_at"]), b["code"], b.get("applicant") or "",
                    status_label(b["status"]), b.get("procedure") or "", key=b["code"],
                )
        self._show_forwarding()
        when = self._now() or dt.datetime.now(self.ctx.settings.tz)
        self.query_one("#sv-updated", Static).update(t("sv.updated", time=when.strftime("%H:%M:%S")))

    def _show_forwarding(self) -> None:
        """Steps overdue at a deciding body, and dossiers not forwarded in time (issue 19 §2)."""
        from counter_app.services import forwarding

        try:
            att = forwarding.attention(self.ctx.store, self.ctx.settings, now=self._now())
        except CounterAppError as exc:
            self.query_one("#sv-held-label", Static).update(exc.message)
            return
        self.query_one("#sv-held-label", Static).update(
            t("sv.held", n=len(att["overdue_steps"]))
        )
        held = self.query_one("#sv-held", DataTable)
        held.clear()
        for r in att["overdue_steps"]:
            held.add_row(
                _fmt(r["due_at"]), str(r["late_days"]), r["code"], r["to_body"],
                r["procedure_name"], key=r["code"],
            )
        self.query_one("#sv-unsent-label", Static).update(
            t("sv.unsent", n=len(att["not_forwarded"]))
        )
        unsent = self.query_one("#sv-unsent", DataTable)
        unsent.clear()
        for r in att["not_forwarded"]:
            unsent.add_row(
                _fmt(r["send_deadline"]), r["code"], _fmt(r["received_at"]), r["procedure_name"],
                key=r["code"],
            )
        routed = att.get("routed_here") or []
        self.query_one("#sv-routed-label", Static).update(t("sv.routed_here", n=len(routed)))
        table = self.query_one("#sv-routed", DataTable)
        table.clear()
        for r in routed:
            due = Text(_fmt(r["due_at"]), style="bold red" if r["overdue"] else "")
            table.add_row(
                due, r["code"], r["from_center"], r["to_body"], r["procedure_name"], key=r["code"]
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a dossier row opens it in the lookup (its detail, history and actions)."""
        if event.data_table.id in ("sv-status", "sv-procedure") or event.row_key.value is None:
            return
        from counter_app.ui.screens.lookup import LookupScreen

        self.app.push_screen(LookupScreen(self.ctx, query=str(event.row_key.value)))

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_report(self) -> None:
        """The dossier report for a period (issue 18), computed in a worker on its own screen."""
        from counter_app.ui.screens.report import ask_period

        ask_period(self, self.ctx, (self._now() or dt.datetime.now(self.ctx.settings.tz)).date())

    def action_book(self) -> None:
        """Form 07 for a period (default: this month up to today), made in a worker."""
        from counter_app.services import book
        from counter_app.ui.widgets.dossier_action import DossierActionDialog, Field

        today = (self._now() or dt.datetime.now(self.ctx.settings.tz)).date()
        period: dict[str, dt.date] = {}

        def submit(values: dict[str, str]) -> str | None:
            try:
                start, end = book.parse_period(values["start"], values["end"], today=today)
            except CounterAppError as exc:
                return exc.message
            period.update(start=start, end=end)
            return None

        def done(ok: bool | None) -> None:
            if ok and period:
                start, end = period["start"], period["end"]
                self.query_one("#sv-updated", Static).update(
                    t("sv.book.working", start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}")
                )
                self._book_worker(start, end, today)

        fields = [
            Field("start", t("sv.book.from"), "dd/mm/yyyy", f"{today.replace(day=1):%d/%m/%Y}", 10),
            Field("end", t("sv.book.to"), "dd/mm/yyyy", f"{today:%d/%m/%Y}", 10),
        ]
        self.app.push_screen(
            DossierActionDialog(t("sv.book.title"), fields, submit, hint=t("sv.book.hint")), done
        )

    @work(thread=True, exclusive=True, group="book", exit_on_error=False)
    def _book_worker(self, start: dt.date, end: dt.date, today: dt.date) -> None:
        from counter_app.services import book, forms

        try:
            path, n = book.render_book_file(
                self.ctx.store, self.ctx.settings, start, end, today=today
            )
        except CounterAppError as exc:
            self.post_message(BookDone(exc.message, False))
            return
        except Exception as exc:  # noqa: BLE001 - shown; nothing is changed by a failed book
            self.post_message(BookDone(f"{type(exc).__name__}: {exc}", False))
            return
        text = t("sv.book.done", n=n, path=str(path))
        if not self.ctx.settings.printer:
            self.post_message(BookDone(text, True))
            return
        try:
            printed = forms.print_pdf(self.ctx.settings, path)
        except CounterAppError as exc:
            self.post_message(BookDone(f"{text} · {exc.message}", False))
            return
        self.post_message(BookDone(f"{text} · {printed}", True))

    @on(BookDone)
    def _book_done(self, event: BookDone) -> None:
        self.query_one("#sv-updated", Static).update(event.text)
        self.notify(event.text, severity="information" if event.ok else "error", timeout=15)

    def action_conflicts(self) -> None:
        """The center's sync conflicts (from the server; supervisors only)."""
        from counter_app.ui.screens.conflicts import ConflictsScreen

        self.app.push_screen(ConflictsScreen(self.ctx))
