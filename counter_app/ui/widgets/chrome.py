"""The app's header (center · counter · officer · sync state · clock) and a translated footer."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from counter_app.ui.i18n import has, t


class AppHeader(Widget):
    """One line, docked at the top. The app sets its reactives; it renders, nothing more."""

    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        height: 1;
        background: $primary;
        color: $text;
    }
    """

    center: reactive[str] = reactive("")
    counter: reactive[str] = reactive("")
    officer: reactive[str] = reactive("")
    sync: reactive[str] = reactive("")
    sync_style: reactive[str] = reactive("")
    clock: reactive[str] = reactive("")
    lang: reactive[str] = reactive("vi")  # only to trigger a re-render on a language switch

    def render(self) -> Text:
        right = Text(no_wrap=True)
        if self.sync:
            right.append(self.sync, style=self.sync_style or "")
            right.append("  ")
        if self.clock:
            right.append(self.clock + " ", style="bold")
        width = self.size.width
        room = max(0, width - right.cell_len - 1)
        left = self._left(with_title=True)
        if left.cell_len > room:
            left = self._left(with_title=False)  # narrow: the app's name goes first
        if left.cell_len > room:
            left.truncate(room, overflow="ellipsis")
        pad = max(0, width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * pad, right)

    def _left(self, *, with_title: bool) -> Text:
        left = Text(no_wrap=True, overflow="ellipsis")
        if with_title:
            left.append(f" {t('app.title')} ", style="bold")
            left.append("│ ", style="dim")
        else:
            left.append(" ")
        if self.center:
            left.append(self.center + " ")
            left.append("│ ", style="dim")
        if self.counter:
            left.append(t("app.counter", counter=self.counter) + " ", style="bold")
            left.append("│ ", style="dim")
        left.append(self.officer or t("app.not_signed_in"))
        return left


class AppFooter(Footer):
    """Textual's Footer, with binding descriptions given as i18n keys translated on compose."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = translate_description(widget.description)
                if isinstance(widget.tooltip, str):
                    widget.tooltip = translate_description(widget.tooltip)
            yield widget


def translate_description(text: str) -> str:
    return t(text) if text and has(text) else text
