"""The result-return dialog: who takes the result, their ID number, how it was checked.

The receiver's card identifies them best: its QR scanned into the first field fills the name and
ID number ("qr"); F5 then reads the chip with the keys the QR gives ("chip", with the passive
authentication result). Typed by hand, the officer ticks "ID checked" ("visual"). Editing the ID
after a card was read drops back to "visual"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from counter_app.errors import CounterAppError
from counter_app.ui.i18n_reception import localize_bindings, t

CardReader = Callable[[str, Callable[[str, int, int], None]], dict[str, Any]]


class _ChipRead(Message):
    def __init__(self, data: dict[str, Any] | None, error: str = "") -> None:
        super().__init__()
        self.data = data
        self.error = error


class _ChipProgress(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ReturnDialog(ModalScreen[bool]):
    """Collects the receiver; `submit(data)` stores it and returns an error text or None."""

    DEFAULT_CSS = """
    ReturnDialog { align: center middle; }
    ReturnDialog > Vertical {
        width: 80; max-width: 100%; height: auto; border: thick $primary; padding: 0 1;
        background: $surface;
    }
    ReturnDialog .title { text-style: bold; margin-bottom: 1; }
    ReturnDialog .row { height: 1; margin-bottom: 1; }
    ReturnDialog .row Label { width: 16; }
    ReturnDialog .row Input { width: 1fr; }
    ReturnDialog #ret-card { height: auto; color: $success; margin-bottom: 1; }
    ReturnDialog #ret-card.-warn { color: $warning; }
    ReturnDialog #ret-error { color: $error; height: auto; }
    ReturnDialog #ret-buttons { height: auto; margin-top: 1; }
    ReturnDialog Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "lk.ret.cancel"),
        Binding("f5", "read_chip", "lk.ret.chip", priority=True),
        Binding("f9", "confirm", "lk.key.return", priority=True),
    ]

    def __init__(
        self,
        code: str,
        submit: Callable[[dict[str, Any]], str | None],
        *,
        name: str = "",
        id_number: str = "",
        read_chip: CardReader | None = None,
        simulated_qr: str = "",
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.code = code
        self.submit = submit
        self._name = name
        self._id = id_number
        self.read_chip = read_chip
        self.simulated_qr = simulated_qr
        self.method = "visual"
        self.card_id = ""  # the ID number the card gave (QR or chip)
        self.qr = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("lk.ret.title", code=self.code), classes="title")
            with Horizontal(classes="row"):
                yield Label(t("lk.ret.qr"))
                yield Input(
                    placeholder=t("lk.ret.qr_ph"), id="ret-qr", compact=True, max_length=400
                )
            yield Static(t("lk.ret.card_hint"), id="ret-card")
            with Horizontal(classes="row"):
                yield Label(t("lk.ret.name"))
                yield Input(self._name, id="ret-name", compact=True, max_length=200)
            with Horizontal(classes="row"):
                yield Label(t("lk.ret.id"))
                yield Input(self._id, id="ret-id", compact=True, max_length=12)
            with Horizontal(classes="row"):
                yield Label(t("lk.ret.relation"))
                yield Input(
                    placeholder=t("lk.ret.relation_ph"), id="ret-relation", compact=True,
                    max_length=100,
                )
            yield Checkbox(t("lk.ret.checked"), False, id="ret-checked", compact=True)
            yield Static("", id="ret-error")
            with Horizontal(id="ret-buttons"):
                yield Button(t("lk.ret.ok"), id="ret-ok", variant="success", compact=True)
                yield Button(t("lk.ret.cancel"), id="ret-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#ret-qr", Input).focus()

    def values(self) -> dict[str, Any]:
        return {
            "receiver_name": self.query_one("#ret-name", Input).value.strip(),
            "receiver_id_number": self.query_one("#ret-id", Input).value.strip(),
            "relation": self.query_one("#ret-relation", Input).value.strip() or "applicant",
            "id_checked": self.query_one("#ret-checked", Checkbox).value,
            "id_method": self.method,
        }

    def _error(self, text: str) -> None:
        self.query_one("#ret-error", Static).update(text)

    def _card(self, text: str, *, warn: bool = False) -> None:
        box = self.query_one("#ret-card", Static)
        box.update(text)
        box.set_class(warn, "-warn")

    def _apply_qr(self, text: str) -> bool:
        from counter_app.domain.identity import parse_card_qr

        try:
            qr = parse_card_qr(text)
        except CounterAppError as exc:
            self._error(exc.message)
            return False
        self.qr = text
        self.card_id = qr.id_number
        if qr.full_name:
            self.query_one("#ret-name", Input).value = qr.full_name
        self.query_one("#ret-id", Input).value = qr.id_number
        self.method = "qr"
        self.query_one("#ret-checked", Checkbox).value = True
        self._error("")
        self._card(t("lk.ret.by_qr", name=qr.full_name or "", id=qr.id_number))
        return True

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "ret-qr":
            if event.input.value.strip() and self._apply_qr(event.input.value):
                self.query_one("#ret-relation", Input).focus()
            else:
                self.focus_next()
        elif event.input.id == "ret-relation":
            self.query_one("#ret-checked", Checkbox).focus()
        else:
            self.focus_next()

    @on(Input.Changed, "#ret-id")
    def _id_edited(self, event: Input.Changed) -> None:
        if self.card_id and event.value.strip() != self.card_id:
            self.method, self.card_id = "visual", ""
            self.query_one("#ret-checked", Checkbox).value = False
            self._card(t("lk.ret.card_dropped"), warn=True)

    def action_read_chip(self) -> None:
        if self.read_chip is None:
            self._error(t("lk.ret.no_reader"))
            return
        if not self.qr and self.simulated_qr:
            self._apply_qr(self.simulated_qr)  # the demo's simulated card: its QR "scanned"
        if not self.qr:
            self._error(t("lk.ret.need_qr"))
            self.query_one("#ret-qr", Input).focus()
            return
        self._card(t("rc.card.reading"))
        self._chip_worker(self.qr)

    @work(thread=True, exclusive=True, group="return-card", exit_on_error=False)
    def _chip_worker(self, qr: str) -> None:
        assert self.read_chip is not None

        def progress(file: str, done: int, total: int) -> None:
            self.post_message(_ChipProgress(t("rc.card.progress", file=file, done=done, total=total)))

        try:
            data = self.read_chip(qr, progress)
        except CounterAppError as exc:
            self.post_message(_ChipRead(None, exc.message))
        except Exception as exc:  # noqa: BLE001 - a device error is said, the dialog stays
            self.post_message(_ChipRead(None, f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(_ChipRead(data))

    @on(_ChipProgress)
    def _chip_progress(self, event: _ChipProgress) -> None:
        self._card(event.text)

    @on(_ChipRead)
    def _chip_read(self, event: _ChipRead) -> None:
        if event.data is None:
            self._card(t("rc.card.failed", error=event.error), warn=True)
            return
        d = event.data
        pa = (d.get("passive_auth") or {}).get("status", "?")
        chip_id = str(d.get("id_number") or "")
        self.card_id = ""
        self.query_one("#ret-name", Input).value = str(d.get("full_name") or "")
        self.query_one("#ret-id", Input).value = chip_id
        self.card_id = chip_id
        if pa == "failed":
            # a chip whose signature does not verify proves nothing: the officer checks by eye
            self.method = "visual"
            self.query_one("#ret-checked", Checkbox).value = False
            self._card(t("rc.card.pa_failed"), warn=True)
            return
        self.method = "chip"
        self.query_one("#ret-checked", Checkbox).value = True
        self._card(t("lk.ret.by_chip", name=d.get("full_name") or "", id=chip_id, pa=pa))

    @on(Button.Pressed, "#ret-ok")
    async def action_confirm(self) -> None:
        from counter_app.ui.widgets.dossier_action import keys_settled

        await keys_settled(self)
        error = self.submit(self.values())
        if error:
            self._error(error)
            return
        self.dismiss(True)

    @on(Button.Pressed, "#ret-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
