"""The citizen-facing rating terminal beside a counter (`counter-app rate --counter Q1`, issue 18
§3): a second screen or a touch screen on the counter PC, sharing the counter's data dir.

Idle until the officer finishes a ticket at the counter; then it asks the citizen "rất hài lòng /
hài lòng / không hài lòng" (keys 1–3 or touch), and for "không hài lòng" the reasons from the fixed
list (optional); it thanks them and goes idle again. Reads and writes run in thread workers; the
service keeps one rating per ticket, so a double tap or a stale screen never records two.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Button, ContentSwitcher, Static

from counter_app.domain import satisfaction as rules
from counter_app.errors import CounterAppError, InvalidTransition
from counter_app.services import satisfaction
from counter_app.services.satisfaction import Offer
from counter_app.ui import i18n
from counter_app.ui.i18n import t

POLL_S = 1.0
THANKS_S = 5.0
REASONS_IDLE_S = 60.0  # a citizen who walks away from the reasons: the rating is sent as it is


class RateApp(App):
    TITLE = "Đánh giá mức độ hài lòng"
    CSS = """
    Screen { align: center middle; }
    #head { width: 100%; height: auto; content-align: center middle; text-align: center;
            text-style: bold; padding: 1 0; }
    #pages { width: 100%; height: 1fr; }
    .message { width: 100%; height: 1fr; content-align: center middle; text-align: center;
               text-style: bold; }
    #question, #reasons-title, #ticket { width: 100%; text-align: center; height: auto;
                                        padding: 1 0 0 0; }
    #question, #reasons-title { text-style: bold; }
    #levels { grid-size: 3; grid-gutter: 2; height: 9; padding: 1 2; }
    #levels Button { width: 100%; height: 100%; text-style: bold; }
    #reason-list { grid-size: 2; grid-gutter: 1 2; height: auto; padding: 1 2; }
    #reason-list Button { width: 100%; height: 3; }
    #send { width: 100%; height: 3; margin: 1 2 0 2; }
    .hint { width: 100%; text-align: center; color: $text-muted; height: auto; padding: 1 0; }
    #status { width: 100%; height: auto; text-align: center; color: $error; }
    """
    BINDINGS = [
        Binding("1", "key_digit(1)", show=False),
        Binding("2", "key_digit(2)", show=False),
        Binding("3", "key_digit(3)", show=False),
        Binding("4", "key_digit(4)", show=False),
        Binding("5", "key_digit(5)", show=False),
        Binding("6", "key_digit(6)", show=False),
        Binding("7", "key_digit(7)", show=False),
        Binding("enter", "send", show=False, priority=True),
        Binding("l", "language", show=False),
    ]

    def __init__(self, store: Any, settings: Any, counter: str, *, poll_s: float = POLL_S,
                 thanks_s: float = THANKS_S) -> None:
        super().__init__()
        self.store = store
        self.settings = settings
        self.counter = counter
        self.poll_s = poll_s
        self.thanks_s = thanks_s
        self.offer: Offer | None = None
        self.level: str | None = None  # chosen "unsatisfied", reasons being ticked
        self.reasons: set[str] = set()
        self.sending = False
        self.page = "idle"
        self._back_to_idle: Any = None
        self._reasons_timer: Any = None

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="head")
        with ContentSwitcher(initial="idle", id="pages"):
            yield Static("", id="idle", classes="message")
            with Vertical(id="ask"):
                yield Static("", id="ticket")
                yield Static("", id="question")
                with Grid(id="levels"):
                    for i, level in enumerate(rules.LEVELS, start=1):
                        yield Button("", id=f"level-{level}", name=str(i),
                                     variant=("success", "primary", "error")[i - 1])
                yield Static("", id="ask-hint", classes="hint")
            with Vertical(id="reasons"):
                yield Static("", id="reasons-title")
                with Grid(id="reason-list"):
                    for code in rules.REASON_CODES:
                        yield Button("", id=f"reason-{code}")
                yield Button("", id="send", variant="primary")
                yield Static("", id="reasons-hint", classes="hint")
            yield Static("", id="thanks", classes="message")
        yield Static("", id="status")
        yield Button("", id="language")

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # keys go to the terminal's bindings, never to a focused box
        self._texts()
        self.set_interval(self.poll_s, self._poll)
        self._poll()

    def _texts(self) -> None:
        lang = i18n.get_language()
        self.title = t("rate.title")
        # the configured name is the center's full name ("Trung tâm Phục vụ hành chính công xã …")
        name = self.settings.center_name or t("rate.center", center=self.settings.center_code)
        self.query_one("#head", Static).update(
            f"{name.upper()}\n{t('rate.counter', counter=self.counter)}"
        )
        self.query_one("#idle", Static).update(t("rate.idle"))
        self.query_one("#question", Static).update(t("rate.ask"))
        self.query_one("#ask-hint", Static).update(t("rate.keys"))
        for i, level in enumerate(rules.LEVELS, start=1):
            self.query_one(f"#level-{level}", Button).label = (
                f"{i}\n\n{rules.level_label(level, lang).upper()}"
            )
        self.query_one("#reasons-title", Static).update(t("rate.reasons"))
        self.query_one("#reasons-hint", Static).update(t("rate.reasons_keys"))
        self.query_one("#send", Button).label = t("rate.send")
        self.query_one("#language", Button).label = t("rate.language")
        self._show_reasons()
        self._show_ticket()

    def _show_ticket(self) -> None:
        o = self.offer
        if o is None:
            return
        text = (t("rate.ticket", number=o.number, officer=o.officer_name) if o.officer_name
                else t("rate.ticket_only", number=o.number))
        self.query_one("#ticket", Static).update(text)

    def _show_reasons(self) -> None:
        lang = i18n.get_language()
        for i, code in enumerate(rules.REASON_CODES, start=1):
            mark = "☑" if code in self.reasons else "☐"
            button = self.query_one(f"#reason-{code}", Button)
            button.label = f"{i}  {mark}  {rules.reason_label(code, lang)}"
            button.variant = "warning" if code in self.reasons else "default"

    def _go(self, page: str) -> None:
        self.page = page
        self.query_one(ContentSwitcher).current = page

    # --- polling -----------------------------------------------------------------------------

    def _poll(self) -> None:
        if self.page in ("idle", "ask") and not self.sending:
            self._fetch()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _fetch(self) -> None:
        try:
            found = satisfaction.pending(self.store, self.settings, self.counter)
        except Exception:  # noqa: BLE001 - a busy or locked store: the next poll tries again
            return
        self.call_from_thread(self._offered, found)

    def _offered(self, found: Offer | None) -> None:
        if self.page not in ("idle", "ask") or self.sending:
            return
        if found is None:
            if self.page == "ask":
                self._reset()
            return
        if self.offer is None or found.ticket_id != self.offer.ticket_id:
            self.offer = found
            self.level, self.reasons = None, set()
            self._show_ticket()
            self._go("ask")
            self.query_one("#status", Static).update("")

    # --- answers -----------------------------------------------------------------------------

    def action_key_digit(self, n: int) -> None:
        if self.page == "ask" and 1 <= n <= len(rules.LEVELS):
            self._choose(rules.LEVELS[n - 1])
        elif self.page == "reasons" and 1 <= n <= len(rules.REASON_CODES):
            self._toggle(rules.REASON_CODES[n - 1])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        ident = event.button.id or ""
        if ident.startswith("level-") and self.page == "ask":
            self._choose(ident.removeprefix("level-"))
        elif ident.startswith("reason-") and self.page == "reasons":
            self._toggle(ident.removeprefix("reason-"))
        elif ident == "send":
            self.action_send()
        elif ident == "language":
            self.action_language()

    def _choose(self, level: str) -> None:
        if self.offer is None or self.sending:
            return
        if level == "unsatisfied":
            self.level, self.reasons = level, set()
            self._show_reasons()
            self._go("reasons")
            self._reasons_timer = self.set_timer(REASONS_IDLE_S, self.action_send)
            return
        self._send(level, [])

    def _toggle(self, code: str) -> None:
        self.reasons ^= {code}
        self._show_reasons()
        if self._reasons_timer is not None:
            self._reasons_timer.reset()

    def action_send(self) -> None:
        if self.page == "reasons" and self.level is not None:
            self._send(self.level, [c for c in rules.REASON_CODES if c in self.reasons])

    def action_language(self) -> None:
        i18n.set_language("en" if i18n.get_language() == "vi" else "vi")
        self._texts()

    def _send(self, level: str, reasons: list[str]) -> None:
        if self.offer is None or self.sending:
            return  # a double tap: the first answer is the one sent
        self.sending = True
        if self._reasons_timer is not None:
            self._reasons_timer.stop()
            self._reasons_timer = None
        self._save(self.offer.ticket_id, level, reasons)

    @work(thread=True, group="save", exit_on_error=False)
    def _save(self, ticket_id: str, level: str, reasons: list[str]) -> None:
        error: str | None = None
        closed = False
        try:
            satisfaction.rate(self.store, self.settings, self.counter, ticket_id=ticket_id,
                              level=level, reasons=reasons)
        except InvalidTransition:
            closed = True  # rated already, or the counter moved on to the next citizen
        except CounterAppError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown on the screen, the terminal keeps running
            error = type(exc).__name__
        self.call_from_thread(self._saved, error, closed)

    def _saved(self, error: str | None, closed: bool) -> None:
        self.sending = False
        if error is not None:
            self.query_one("#status", Static).update(t("rate.not_saved", message=error))
            self._go("ask")
            return
        self.query_one("#thanks", Static).update(t("rate.closed") if closed else t("rate.thanks"))
        self._go("thanks")
        self._back_to_idle = self.set_timer(self.thanks_s, self._reset)

    def _reset(self) -> None:
        self.offer, self.level, self.reasons = None, None, set()
        self.query_one("#status", Static).update("")
        self._go("idle")
