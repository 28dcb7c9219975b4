"""Counter home: the current ticket, the queue as this counter sees it, today's dossiers here,
and the sync indicator. Queue actions and reads run in thread workers and come back as messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Digits, Static

from counter_app.contracts.tickets import CounterQueueView, QueueTicket
from counter_app.domain.dossier import status_label
from counter_app.errors import CounterAppError, NotCurrent
from counter_app.services.context import AppContext
from counter_app.ui.i18n import duration, get_language, t
from counter_app.ui.messages import HomeData, QueueActionDone, SyncRunDone, SyncStatus
from counter_app.ui.widgets.chrome import AppFooter, AppHeader

QUEUE_ACTIONS = ("call_next", "recall", "no_show", "transfer", "finish", "serve", "issue")
# actions on the ticket on the screen (named by its id: never "whatever the counter has now")
TICKET_ACTIONS = ("recall", "no_show", "finish", "serve", "transfer", "return")


def _short_time(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return dt.datetime.fromisoformat(value).strftime("%H:%M")
    except ValueError:
        return value


def _due(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return dt.datetime.fromisoformat(value).strftime("%d/%m %H:%M")
    except ValueError:
        return value


def _error_text(message: str) -> str:
    from counter_app.ui.i18n import get_language

    if " / " not in message:
        return message
    vi, _, en = message.partition(" / ")
    return en if get_language() == "en" else vi


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("f5", "queue('call_next')", "key.call_next"),
        Binding("f6", "queue('recall')", "key.recall"),
        Binding("f7", "queue('no_show')", "key.no_show"),
        Binding("f8", "queue('transfer')", "key.transfer"),
        Binding("f9", "queue('finish')", "key.finish"),
        Binding("n", "queue('call_next')", show=False),
        Binding("r", "queue('recall')", show=False),
        Binding("v", "queue('no_show')", show=False),
        Binding("c", "queue('transfer')", show=False),
        Binding("x", "queue('finish')", show=False),
        Binding("s", "queue('serve')", show=False),
        Binding("i", "queue('issue')", show=False),
        Binding("ctrl+r", "refresh", show=False),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.status: CounterQueueView = CounterQueueView()
        self.current: QueueTicket | None = None
        self.current_stale = False
        self.dossiers: list[dict[str, Any]] = []
        self.source = "local"
        self.sync: SyncStatus | None = None
        self.busy: str | None = None
        self.message_text = ""
        self.loaded = False
        self._loading = False
        self._reload = False
        self._sync_loading = False
        self._syncing = False
        self._notice: str | None = None
        self._after_action: Any = None  # sign out / quit once the ticket is settled
        self._message_error = False

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield AppHeader(id="header")
        with Horizontal(id="home-top"):
            with Vertical(id="ticket-panel", classes="panel"):
                yield Static(id="ticket-title", classes="panel-title")
                yield Digits("", id="ticket-number")
                yield Static(id="ticket-none")
                yield Static(id="ticket-detail")
            with Vertical(id="queue-panel", classes="panel"):
                yield Static(id="queue-title", classes="panel-title")
                yield Static(id="queue-table")
        yield Static(id="dossiers-title", classes="section-title")
        yield DataTable(id="dossiers", cursor_type="row", zebra_stripes=True)
        yield Static("", id="home-message")
        yield AppFooter()

    def on_mount(self) -> None:
        self.relabel()
        # The data loads in `on_screen_resume` (sent when the screen is first shown, too), in a
        # worker: a cold store open must not delay the screen itself.
        self.call_after_refresh(self.refresh_sync)
        app: Any = self.app
        self.set_interval(app.poll_seconds, self.refresh_data, name="home-poll")
        self.set_interval(
            getattr(app, "sync_poll_seconds", 5.0), self.refresh_sync, name="sync-poll"
        )
        self.set_interval(15.0, self._tick, name="clock")
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.relabel()
        self.refresh_data()

    def _tick(self) -> None:
        self.query_one(AppHeader).clock = self.app.now().strftime("%H:%M")  # type: ignore[attr-defined]

    def relabel(self) -> None:
        """Every text of the screen, in the current language."""
        officer = self.ctx.officer
        header = self.query_one(AppHeader)
        header.center = self.ctx.settings.center_code
        header.counter = self.ctx.counter_code
        header.officer = officer.full_name if officer else ""
        header.lang = t("app.title")
        self._tick()
        self.query_one("#ticket-title", Static).update(t("home.current"))
        self.query_one("#dossiers-title", Static).update(
            t("home.dossiers", counter=self.ctx.counter_code)
        )
        self._render_sync()
        self._render_ticket()
        self._render_queue()
        self._render_dossiers()

    # --- data ----------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Reload in a worker; while one runs, remember to run once more (no cancelled workers:
        a thread cannot be stopped, and its late answer would race the newer one)."""
        if self._loading:
            self._reload = True
            return
        self._loading = True
        self._load()

    def action_refresh(self) -> None:
        self.refresh_data()
        self.refresh_sync()

    @work(thread=True, group="home-load", exit_on_error=False)
    def _load(self) -> None:
        from counter_app.services.dossiers import list_dossiers

        app: Any = self.app
        try:
            queue = app.queue
            status = queue.status()
            reconnected, queue.reconnected = queue.reconnected, False
            today = app.now().date()
            dossiers = list_dossiers(self.ctx.store, day=today, counter_code=self.ctx.counter_code)
        except Exception as exc:  # noqa: BLE001 - shown, never fatal
            self.post_message(HomeData(None, [], error=str(exc)))
            return
        self.post_message(
            HomeData(
                status,
                dossiers,
                source=queue.source,
                notice=queue.last_server_error,
                reconnected=reconnected,
            )
        )

    def on_home_data(self, message: HomeData) -> None:
        self._loading = False
        if self._reload:
            self._reload = False
            self.refresh_data()
        if message.error or message.status is None:
            self._say(t("app.error", message=_error_text(message.error or "?")), error=True)
            return
        if message.reconnected:
            self._say(t("home.reconnected"))
        elif message.notice and message.notice != self._notice and not self._message_error:
            # (an action's own error, just said, is more precise than the general notice)
            self._say(t("home.server_notice", message=_error_text(message.notice)), error=True)
        self._notice = message.notice
        self.loaded = True
        self.status = message.status
        if self.busy is None:  # an action in flight answers for itself
            self.current = message.status.current
            self.current_stale = message.status.current_stale
        self.dossiers = message.dossiers
        self.source = message.source
        self._render_ticket()
        self._render_queue()
        self._render_dossiers()

    def refresh_sync(self) -> None:
        if self._sync_loading:
            return
        self._sync_loading = True
        self._load_sync()

    @work(thread=True, group="sync-read", exit_on_error=False)
    def _load_sync(self) -> None:
        from counter_app.services.sync_view import indicator

        try:
            info = indicator(self.ctx)
        except Exception as exc:  # noqa: BLE001 - shown in the sync indicator, never fatal
            self.post_message(SyncStatus(False, 0, last_error=str(exc)))
            return
        self.post_message(
            SyncStatus(
                info.get("online"),
                int(info.get("pending_ops") or 0),
                info.get("last_success"),
                info.get("last_error"),
            )
        )

    def on_sync_status(self, message: SyncStatus) -> None:
        self._sync_loading = False
        self.sync = message
        self._render_sync()
        if message.online and message.pending:
            # new work while the server answers: do not wait for the next 30 s round (offline,
            # the engine keeps its backoff)
            wake = getattr(self.app, "wake_sync", None)
            if callable(wake):
                wake()

    # --- rendering -------------------------------------------------------------------------------

    def _render_sync(self) -> None:
        header = self.query_one(AppHeader)
        s = self.sync
        if s is None:
            header.sync = ""
            return
        if s.online is None:
            text, style = t("sync.local"), "dim"
        elif s.online:
            text, style = t("sync.online"), "bold green"
        else:
            text, style = t("sync.offline"), "bold yellow"
        if s.pending:
            text += " · " + t("sync.pending", n=s.pending)
        header.sync = text
        header.sync_style = style

    def _render_ticket(self) -> None:
        self.ctx.extras["current_ticket"] = self.current  # the wizard links the dossier to it
        number = self.query_one("#ticket-number", Digits)
        none = self.query_one("#ticket-none", Static)
        detail = self.query_one("#ticket-detail", Static)
        ticket = self.current
        number.display = bool(ticket)
        none.display = not ticket
        if not self.loaded:
            none.update(Text(t("home.loading"), style="dim italic"))
            detail.update("")
            return
        if not ticket:
            number.update("")
            none.update(Text(t("home.none"), style="dim"))
            detail.update(Text(f"F5: {t('key.call_next')}", style="dim"))
            return
        number.update(ticket.number)
        lines = Text()
        lines.append(f"{ticket.service} {t(f'svc.{ticket.service}')}\n")
        state = t(f"state.{ticket.state}")
        lines.append(
            t("home.ticket_state", state=state, wait=duration(ticket.wait_seconds)) + "\n",
            style="bold" if ticket.state == "serving" else "",
        )
        if ticket.called_at:
            lines.append(t("home.called_at", time=_short_time(ticket.called_at)), style="dim")
            if ticket.recalls:
                lines.append(f" · {t('key.recall')} ×{ticket.recalls}", style="dim")
            lines.append("\n")
        if ticket.priority:
            lines.append(
                t("home.priority", reason=t(f"prio.{ticket.priority}")) + "\n", style="bold magenta"
            )
        if self.current_stale:
            lines.append(t("home.stale_ticket") + "\n", style="bold yellow")
        elif ticket.state == "called":
            lines.append(f"S: {t('key.serve')}", style="dim")
        detail.update(lines)

    def _render_queue(self) -> None:
        source = t("home.queue_source_server" if self.source == "server" else "home.queue_source_local")
        self.query_one("#queue-title", Static).update(f"{t('home.queue')} · {source}")
        table = Table(box=None, expand=True, padding=(0, 1), show_edge=False)
        table.add_column(t("home.col_service"), no_wrap=True, ratio=1, overflow="ellipsis")
        table.add_column(t("home.col_waiting"), justify="right", no_wrap=True, width=7)
        table.add_column(t("home.col_longest"), justify="right", no_wrap=True, width=12)
        if not self.loaded:
            table.add_row(Text(t("home.loading"), style="dim italic"), "", "")
            self.query_one("#queue-table", Static).update(table)
            return
        for g in self.status.services:
            wait = g.longest_wait_seconds
            style = "bold red" if wait is not None and wait >= 30 * 60 else ""
            prio = f" ★{g.priority}" if g.priority else ""
            table.add_row(
                f"{g.service} {t('svc.' + g.service)}",
                f"{g.waiting}{prio}",
                Text(duration(wait) if g.waiting else "—", style=style),
            )
        table.add_row(
            Text(t("home.total"), style="bold"),
            Text(str(self.status.total_waiting), style="bold"),
            "",
        )
        self.query_one("#queue-table", Static).update(table)

    def _render_dossiers(self) -> None:
        table = self.query_one("#dossiers", DataTable)
        table.clear(columns=True)
        width = max(60, self.size.width or 80)
        wide = width >= 110
        # Every code of this center starts with the same agency ID: narrow screens drop it.
        code_w = 26 if wide else 13
        ncols = 6 if wide else 5
        status_w = 18 if wide else 12  # the domain's wording ("Từ chối tiếp nhận"), cropped if narrow
        fixed = 2 * ncols + 5 + code_w + status_w + (11 if wide else 0) + 2
        applicant_w = 22 if wide else 16
        proc_w = max(10, width - fixed - applicant_w)
        table.add_column(t("home.col_time"), key="time", width=5)
        table.add_column(t("home.col_code"), key="code", width=code_w)
        table.add_column(t("home.col_applicant"), key="applicant", width=applicant_w)
        table.add_column(t("home.col_procedure"), key="procedure", width=proc_w)
        table.add_column(t("home.col_status"), key="status", width=status_w)
        if wide:
            table.add_column(t("home.col_due"), key="due", width=11)
        for d in self.dossiers:
            applicant = (d.get("applicant") or {}).get("full_name", "")
            status = status_label(str(d.get("status")), get_language())
            code = str(d.get("code", ""))
            if not wide and "-" in code:
                code = code.split("-", 1)[1]
            cells = [
                _short_time(d.get("received_at")),
                code,
                applicant,
                d.get("procedure_name", ""),
                status,
            ]
            if wide:
                cells.append(_due(d.get("appointment_at")))
            table.add_row(*cells, key=d.get("code"))
        if not self.loaded:
            return
        if not self.dossiers and not self.message_text:  # never over a message that matters
            self._say(t("home.no_dossiers"))
        elif self.message_text == t("home.no_dossiers"):
            self._say("")

    def on_resize(self) -> None:
        self._render_dossiers()

    def _say(self, text: str, *, error: bool = False) -> None:
        msg = self.query_one("#home-message", Static)
        self.message_text = text
        self._message_error = error
        msg.set_class(error, "error")
        msg.update(text)

    # --- queue actions --------------------------------------------------------------------------

    def action_queue(self, name: str) -> None:
        self.run_queue_action(name)

    def run_queue_action(self, name: str) -> None:
        """Entry point for keys, the palette and the app: ask what is needed, then run it."""
        if name not in QUEUE_ACTIONS:
            return
        if self.busy:
            self.app.bell()
            return
        if name == "issue":
            self._ask_issue()
            return
        if name == "call_next":
            self._ask_call_next()
            return
        ticket = self.current
        if ticket is None:
            self._say(t("home.no_current"), error=True)
            return
        if self.current_stale:  # a ticket of the central queue while the server is away
            self._say(t("home.stale_blocked", number=ticket.number), error=True)
            return
        if name == "transfer":
            from counter_app.ui.screens.pickers import ChoiceScreen, service_choices

            services = [s for s in self._services() if s != ticket.service]
            self.app.push_screen(
                ChoiceScreen(t("home.transfer_title", number=ticket.number), service_choices(services)),
                lambda value: self._start("transfer", ticket, value) if value else None,
            )
            return
        if name == "no_show":  # a citizen's turn is lost by one key: confirm first
            from counter_app.ui.screens.pickers import ConfirmScreen

            self.app.push_screen(
                ConfirmScreen(t("home.confirm_no_show", number=ticket.number)),
                lambda yes: self._start("no_show", ticket) if yes else None,
            )
            return
        if name == "recall" and ticket.state != "called":
            self._say(t("home.recall_serving", number=ticket.number), error=True)
            return
        self._start(name, ticket)

    def leave_with(self, action: str, ticket: QueueTicket, then: Any) -> None:
        """Finish or return the ticket, then (only if that worked) sign out or quit."""
        self._after_action = then
        self._start(action, ticket)

    def _ask_call_next(self) -> None:
        """F5. Nothing open: call. Being served: finish it and call. Only called (the citizen has
        not come): ask — recall, mark absent and call the next, or stay. A ticket of the central
        queue that cannot be updated now (server away): ask before calling from the local one."""
        from counter_app.ui.screens.pickers import ChoiceScreen

        ticket = self.current
        if ticket is None:
            self._start("call_next", None)
            return
        if self.current_stale:
            self.app.push_screen(
                ChoiceScreen(
                    t("home.stale_ask", number=ticket.number),
                    [("l", t("home.stale_leave")), ("", t("home.stay"))],
                ),
                lambda v: self._start("call_next", ticket) if v == "l" else None,
            )
            return
        if ticket.state == "serving":
            self._start("finish_and_next", ticket)
            return
        limit = self.ctx.settings.auto_absent_after_recalls
        if limit is not None and ticket.recalls >= limit:
            self._start("absent_and_next", ticket)  # the center's rule: no question asked
            return
        self.app.push_screen(
            ChoiceScreen(
                t("home.called_ask", number=ticket.number, recalls=ticket.recalls),
                [
                    ("r", t("home.called_recall")),
                    ("v", t("home.called_absent_next")),
                    ("", t("home.stay")),
                ],
            ),
            lambda v: self._after_called_choice(v, ticket),
        )

    def _after_called_choice(self, value: str | None, ticket: QueueTicket) -> None:
        if value == "r":
            self._start("recall", ticket)
        elif value == "v":
            self._start("absent_and_next", ticket)

    def _ask_issue(self) -> None:
        from counter_app.ui.screens.pickers import ChoiceScreen, priority_choices, service_choices

        def got_service(service: str | None) -> None:
            if not service:
                return
            self.app.push_screen(
                ChoiceScreen(t("home.priority_ask"), priority_choices(), hotkeys=False),
                lambda prio: self._start("issue", None, service, prio or None)
                if prio is not None
                else None,
            )

        self.app.push_screen(
            ChoiceScreen(t("home.issue_title"), service_choices(self._services())), got_service
        )

    def _services(self) -> list[str]:
        return [g.service for g in self.status.services] or ["A", "B", "C", "D"]

    def _start(self, name: str, ticket: QueueTicket | None, *args: Any) -> None:
        self.busy = name
        self._queue_worker(name, ticket, *args)

    @work(thread=True, group="queue", exit_on_error=False)
    def _queue_worker(self, name: str, ticket: QueueTicket | None, *args: Any) -> None:
        app: Any = self.app
        queue = app.queue
        before: QueueTicket | None = None
        then: str | None = None
        try:
            result: QueueTicket | None
            match name:
                case "issue":
                    result = queue.issue(args[0], args[1] if len(args) > 1 else None)
                case "call_next":
                    result = queue.call_next(ticket)
                case "finish_and_next" | "absent_and_next":
                    assert ticket is not None
                    then = "finish" if name == "finish_and_next" else "no_show"
                    before = queue.finish(ticket) if then == "finish" else queue.no_show(ticket)
                    result = queue.call_next(None)
                    name = "call_next"
                case "recall":
                    result = queue.recall(ticket)
                case "serve":
                    result = queue.start(ticket)
                case "no_show":
                    result = queue.no_show(ticket)
                case "finish":
                    result = queue.finish(ticket)
                case "transfer":
                    result = queue.transfer(ticket, args[0])
                case "return":
                    result = queue.return_to_queue(ticket)
                case _:
                    raise AssertionError(name)
        except NotCurrent as exc:
            self.post_message(
                QueueActionDone(name, None, error=str(exc), source=queue.source, stale=True)
            )
            return
        except CounterAppError as exc:
            self.post_message(
                QueueActionDone(name, None, error=str(exc), source=queue.source, then=then, before=before)
            )
            return
        except Exception as exc:  # noqa: BLE001 - shown to the officer; the queue screen stays usable
            self.post_message(QueueActionDone(name, None, error=f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(
            QueueActionDone(name, result, source=queue.source, then=then, before=before)
        )

    def on_queue_action_done(self, message: QueueActionDone) -> None:
        self.busy = None
        after, self._after_action = self._after_action, None
        if after is not None and not message.error:
            self.app.call_later(after)  # the ticket is settled: now sign out / quit
        ticket = message.ticket
        counter = self.ctx.counter_code
        if message.error:
            text = _error_text(message.error)
            if message.stale:
                text = t("home.not_current", message=text)
            elif message.before is not None:  # the first step went through, the call did not
                self.current = None
                text = t(f"home.then.{message.then}", number=message.before.number) + " " + text
            self._say(text, error=True)
            self.refresh_data()
            return
        if message.action == "call_next":
            text = t("home.called", number=ticket.number, counter=counter) if ticket else t("home.nobody")
            if message.before is not None:
                text = t(f"home.then.{message.then}", number=message.before.number) + " " + text
            if ticket is not None and message.source == "local" and self.source == "server":
                text += " " + t("home.switched_local")  # said, never silent
        elif ticket is None:
            text = ""
        else:
            key = {
                "recall": "home.recalled",
                "no_show": "home.no_showed",
                "finish": "home.finished",
                "serve": "home.serving",
                "transfer": "home.transferred",
                "return": "home.returned",
                "issue": "home.issued",
            }[message.action]
            text = t(key, number=ticket.number, service=ticket.service)
        self._say(text)
        if message.action == "issue" and ticket is not None:
            from counter_app.services import ticket_printing

            if ticket_printing.enabled(self.ctx.settings):
                self._print_ticket(ticket.model_dump())
        if message.action != "issue":
            self.current = ticket if ticket is not None and ticket.is_open else None
            self.current_stale = False
            self.source = message.source
        self._render_ticket()
        self.refresh_data()
        self.refresh_sync()

    @work(thread=True, group="ticket-print", exit_on_error=False)
    def _print_ticket(self, ticket: dict[str, Any]) -> None:
        """The ticket is already issued: a printer problem is said, never undoes it."""
        from counter_app.services import ticket_printing

        service = str(ticket.get("service") or "")
        label = t(f"svc.{service}")
        name = f"{service} — {label}" if label != f"svc.{service}" else None
        try:
            done = ticket_printing.print_issued(self.ctx.settings, ticket, service_name=name)
        except CounterAppError as exc:
            self.app.call_from_thread(self._say, exc.message, error=True)
            return
        self.app.call_from_thread(
            self._say, t("home.printed", number=done.number, where=done.detail)
        )

    # --- sync ------------------------------------------------------------------------------------

    def sync_now(self) -> None:
        if not self.ctx.settings.server_url:
            self._say(t("sync.no_server"), error=True)
            return
        if self._syncing:
            return
        self._syncing = True
        self._sync_worker()

    @work(thread=True, group="sync-run", exit_on_error=False)
    def _sync_worker(self) -> None:
        from counter_app.services import background_sync

        try:
            result = background_sync.sync_once(self.ctx)
        except Exception as exc:  # noqa: BLE001 - shown to the officer; the next round retries
            self.post_message(SyncRunDone(None, error=str(exc)))
            return
        self.post_message(SyncRunDone(result))

    def on_sync_run_done(self, message: SyncRunDone) -> None:
        self._syncing = False
        if message.error:
            self._say(t("sync.failed", message=_error_text(message.error)), error=True)
        else:
            r = message.result or {}
            self._say(t("sync.done", pushed=r.get("pushed", 0), pulled=r.get("pulled", 0)))
        self.refresh_sync()
