"""F1: every key of the app, from the same action table as the footer and the palette."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from counter_app.ui.actions import ACTIONS, HOME_ALIASES
from counter_app.ui.i18n import t


def _key_label(key: str) -> str:
    return "+".join(part.capitalize() if len(part) > 1 else part.upper() for part in key.split("+"))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "key.close"),
        Binding("f1", "close", show=False),
        Binding("q", "close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="card"):
            yield Static(t("help.title"), classes="card-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(self._table(), id="help-table")
                yield Static(self._qr_help(), id="help-qr")
            yield Static(t("help.footer"), classes="muted")

    def _table(self) -> Table:
        aliases: dict[str, list[str]] = {}
        for key, action in HOME_ALIASES.items():
            aliases.setdefault(action, []).append(key.upper())
        table = Table(show_header=False, box=None, expand=True, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True, width=12)
        table.add_column(no_wrap=True, ratio=1)
        table.add_column(style="dim", ratio=2)
        section = None
        ordered = [a for a in ACTIONS if a.scope == "home"] + [a for a in ACTIONS if a.scope != "home"]
        for spec in ordered:
            name = "help.home" if spec.scope == "home" else "help.global"
            if name != section:
                if section is not None:
                    table.add_row("", "", "")
                section = name
                table.add_row("", Text(t(name), style="bold underline"), "")
            keys = [_key_label(spec.keys), *aliases.get(spec.name, [])]
            table.add_row(" / ".join(keys), t(spec.label), t(spec.help))
        table.add_row("Ctrl+P", t("key.palette"), t("help.palette"))
        table.add_row("Tab", "", "⇆")
        table.add_row("", "", "")
        table.add_row("", Text(t("help.mouse"), style="italic"), "")
        return table

    def _qr_help(self) -> Text:
        """How the card's QR code reads (asked for at the counter, and nowhere else written)."""
        text = Text()
        text.append(t("help.qr_title") + "\n", style="bold underline")
        text.append(t("help.qr"))
        return text

    def action_close(self) -> None:
        self.dismiss()
