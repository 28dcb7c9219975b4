"""Small keyboard pickers: a service group (transfer, issue) and a priority reason."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from counter_app.ui.i18n import t


class ChoiceScreen(ModalScreen[str | None]):
    """A titled list; Enter (or the option's letter) picks, Esc cancels (returns None)."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], *, hotkeys: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.hotkeys = hotkeys

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box", classes="card"):
            yield Static(self.title_text, classes="card-title")
            yield OptionList(*(Option(label, id=value or "-") for value, label in self.choices), id="picker")
            yield Static(f"Enter: {t('key.ok')} · Esc: {t('key.cancel')}", classes="muted")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        value = event.option.id
        self.dismiss("" if value == "-" else value)

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        if not self.hotkeys or len(key) != 1:
            return
        for value, _label in self.choices:
            if value and value.lower() == key.lower():
                event.stop()
                self.dismiss(value)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: Enter (or Y) says yes, Esc (or N) says no."""

    BINDINGS = [
        Binding("enter,y", "answer(True)", "key.ok", priority=True),
        Binding("escape,n", "answer(False)", "key.cancel", priority=True),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box", classes="card"):
            yield Static(self.question, classes="card-title", id="confirm-question")
            yield Static(f"{t('confirm.yes')} · {t('confirm.no')}", classes="muted")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def service_choices(services: list[str]) -> list[tuple[str, str]]:
    return [(s, f"{s}  {t(f'svc.{s}') if t(f'svc.{s}') != f'svc.{s}' else ''}") for s in services]


def priority_choices() -> list[tuple[str, str]]:
    from counter_app.domain.queue import PRIORITY_REASONS

    out = [("", f"— {t('home.priority_ask')}")]
    for i, code in enumerate(PRIORITY_REASONS, start=1):
        out.append((code, f"{i}. {t(f'prio.{code}')}"))
    return out
