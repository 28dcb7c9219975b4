"""A small form for one action on a stored dossier (extension + form 04, stop + form 05, fee
payment): labelled text fields, F9 to confirm, Esc to cancel. The caller's `submit(values)`
runs the service and returns an error text (shown, the dialog stays) or None (closed)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from counter_app.errors import BadInput
from counter_app.ui.i18n_reception import localize_bindings, t

_WHEN = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2})[:h](\d{2}))?\s*$")


def parse_when(text: str, default_time: dt.time) -> dt.datetime:
    """'27/11/2026 09:30' or '27/11/2026' (at `default_time`), as typed at the counter."""
    m = _WHEN.match(text)
    if not m:
        raise BadInput(t("lk.err.when"), field="new_due")
    d, mo, y, hh, mm = m.groups()
    try:
        day = dt.date(int(y), int(mo), int(d))
        at = dt.time(int(hh), int(mm)) if hh is not None else default_time
    except ValueError:
        raise BadInput(t("lk.err.when"), field="new_due") from None
    return dt.datetime.combine(day, at)


async def keys_settled(screen: ModalScreen) -> None:  # type: ignore[type-arg]
    """Let the dialog's inputs take the keys already dispatched to them. F9 is a priority
    binding, run as soon as it is read: keys typed just before it are still queued at their
    Input, and the values must include them."""
    inputs = list(screen.query(Input))
    for _ in range(100):
        if all(getattr(i, "_message_queue", None) is None or i._message_queue.empty() for i in inputs):
            return
        await asyncio.sleep(0)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    placeholder: str = ""
    value: str = ""
    max_length: int = 500


class DossierActionDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    DossierActionDialog { align: center middle; }
    DossierActionDialog > Vertical {
        width: 80; max-width: 100%; height: auto; border: thick $primary; padding: 0 1;
        background: $surface;
    }
    DossierActionDialog .title { text-style: bold; margin-bottom: 1; }
    DossierActionDialog .hint { color: $text-muted; margin-bottom: 1; height: auto; }
    DossierActionDialog .row { height: 1; margin-bottom: 1; }
    DossierActionDialog .row Label { width: 22; }
    DossierActionDialog .row Input { width: 1fr; }
    DossierActionDialog #act-error { color: $error; height: auto; }
    DossierActionDialog #act-buttons { height: auto; margin-top: 1; }
    DossierActionDialog Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "lk.ret.cancel"),
        Binding("f9", "confirm", "lk.act.confirm", priority=True),
        # Enter moves on within the key's own dispatch (not through Input.Submitted, a message
        # handled later): what the officer types right after Enter lands in the next field
        Binding("enter", "enter", show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        submit: Callable[[dict[str, str]], str | None],
        *,
        hint: str = "",
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.title_text = title
        self.fields = fields
        self.submit = submit
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            if self.hint:
                yield Static(self.hint, classes="hint")
            for f in self.fields:
                with Horizontal(classes="row"):
                    yield Label(f.label)
                    yield Input(
                        f.value, placeholder=f.placeholder, id=f"act-{f.key}", compact=True,
                        max_length=f.max_length,
                    )
            yield Static("", id="act-error")
            with Horizontal(id="act-buttons"):
                yield Button(t("lk.act.confirm"), id="act-ok", variant="success", compact=True)
                yield Button(t("lk.ret.cancel"), id="act-cancel", compact=True)

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def values(self) -> dict[str, str]:
        return {f.key: self.query_one(f"#act-{f.key}", Input).value.strip() for f in self.fields}

    async def action_enter(self) -> None:
        focused = self.focused
        if isinstance(focused, Button):
            focused.press()
        elif isinstance(focused, Input) and focused.id == f"act-{self.fields[-1].key}":
            await self.action_confirm()
        else:
            self.focus_next()

    @on(Button.Pressed, "#act-ok")
    async def action_confirm(self) -> None:
        await keys_settled(self)
        error = self.submit(self.values())
        if error:
            self.query_one("#act-error", Static).update(error)
            return
        self.dismiss(True)

    @on(Button.Pressed, "#act-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
