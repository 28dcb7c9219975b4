"""The result-return dialog: who takes the result, their ID number, "ID checked"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from counter_app.ui.i18n_reception import localize_bindings, t


class ReturnDialog(ModalScreen[bool]):
    """Collects the receiver; `submit(data)` stores it and returns an error text or None."""

    DEFAULT_CSS = """
    ReturnDialog { align: center middle; }
    ReturnDialog > Vertical {
        width: 76; max-width: 100%; height: auto; border: thick $primary; padding: 0 1;
        background: $surface;
    }
    ReturnDialog .title { text-style: bold; margin-bottom: 1; }
    ReturnDialog .row { height: 1; margin-bottom: 1; }
    ReturnDialog .row Label { width: 16; }
    ReturnDialog .row Input { width: 1fr; }
    ReturnDialog #ret-error { color: $error; height: auto; }
    ReturnDialog #ret-buttons { height: auto; margin-top: 1; }
    ReturnDialog Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "lk.ret.cancel"),
        Binding("f9", "confirm", "lk.key.return", priority=True),
    ]

    def __init__(
        self,
        code: str,
        submit: Callable[[dict[str, Any]], str | None],
        *,
        name: str = "",
        id_number: str = "",
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.code = code
        self.submit = submit
        self._name = name
        self._id = id_number

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("lk.ret.title", code=self.code), classes="title")
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
        self.query_one("#ret-name", Input).focus()

    def values(self) -> dict[str, Any]:
        return {
            "receiver_name": self.query_one("#ret-name", Input).value.strip(),
            "receiver_id_number": self.query_one("#ret-id", Input).value.strip(),
            "relation": self.query_one("#ret-relation", Input).value.strip() or "applicant",
            "id_checked": self.query_one("#ret-checked", Checkbox).value,
        }

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "ret-relation":
            self.query_one("#ret-checked", Checkbox).focus()
        else:
            self.focus_next()

    @on(Button.Pressed, "#ret-ok")
    def action_confirm(self) -> None:
        error = self.submit(self.values())
        if error:
            self.query_one("#ret-error", Static).update(error)
            return
        self.dismiss(True)

    @on(Button.Pressed, "#ret-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
