"""The citizen came back with the missing papers: tick what they brought, then the dossier is
received and its due date computed again from today (services.dossiers.complete_supplement)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from counter_app.domain import dossier as rules
from counter_app.errors import CounterAppError
from counter_app.ui.i18n_reception import localize_bindings, t
from counter_app.ui.widgets.reception_steps import ComponentRow
from counter_app.ui.widgets.reception_subjects import SubjectsPanel


def specs_of(dossier: dict[str, Any]) -> list[rules.ComponentSpec]:
    """The components as received (each line keeps what the procedure expected)."""
    return [
        rules.ComponentSpec(
            index=int(c["index"]),
            name=str(c.get("name", "")),
            original=int(c.get("expected_original") or 0),
            copy=int(c.get("expected_copy") or 0),
            required=bool(c.get("required", True)),
        )
        for c in dossier.get("components") or []
    ]


class SupplementDialog(ModalScreen[bool]):
    """Edit the counts of the components; `submit(components)` returns an error text or None."""

    DEFAULT_CSS = """
    SupplementDialog { align: center middle; }
    SupplementDialog > VerticalScroll {
        width: 96; max-width: 100%; height: auto; max-height: 90%; border: thick $warning;
        padding: 0 1; background: $surface;
    }
    SupplementDialog .title { text-style: bold; margin-bottom: 1; }
    SupplementDialog #sup-error { color: $error; height: auto; }
    SupplementDialog #sup-buttons { height: auto; margin-top: 1; }
    SupplementDialog Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "lk.ret.cancel"),
        Binding("f4", "fill", "rc.key.fill"),
        Binding("f9", "confirm", "lk.key.supplemented", priority=True),
    ]

    def __init__(
        self,
        dossier: dict[str, Any],
        submit: Callable[[list[dict[str, Any]], list[dict[str, Any]]], str | None],
        subject_specs: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.dossier = dossier
        self.submit = submit
        self.subject_specs = subject_specs or []

    def compose(self) -> ComposeResult:
        d = self.dossier
        by_index = {int(c["index"]): c for c in d.get("components") or []}
        with VerticalScroll():
            yield Static(t("lk.sup.title", code=d["code"]), classes="title")
            if d.get("reason"):
                yield Static(Text.assemble((t("rc.review.reason") + " ", "bold"), d["reason"]))
            for spec in specs_of(d):
                yield ComponentRow(spec, by_index.get(spec.index))
            yield SubjectsPanel(id="sup-subjects")
            yield Static("", id="sup-error")
            with Horizontal(id="sup-buttons"):
                yield Button(t("lk.sup.ok"), id="sup-ok", variant="success", compact=True)
                yield Button(t("lk.ret.cancel"), id="sup-cancel", compact=True)

    async def on_mount(self) -> None:
        await self.query_one(SubjectsPanel).build(self.subject_specs, self.dossier.get("subjects"))
        self._refresh()
        missing = [r for r in self.query(ComponentRow) if r.has_class("-missing")]
        first = (missing or list(self.query(ComponentRow)))
        if first:
            first[0].query_one(Input).focus()

    def values(self) -> list[dict[str, Any]]:
        return [row.value() for row in self.query(ComponentRow)]

    def _refresh(self) -> None:
        received = [
            rules.ComponentReceived(
                v["index"], v["original"], v["copy"], v["presented"], v["note"]
            )
            for v in self.values()
        ]
        checklist = rules.evaluate_checklist(specs_of(self.dossier), received)
        lines = {ln.spec.index: ln for ln in checklist.lines}
        for row in self.query(ComponentRow):
            row.show_state(lines[row.spec.index])

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self._refresh()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_fill(self) -> None:
        for row in self.query(ComponentRow):
            if row.spec.required:
                row.fill_expected()
        self._refresh()

    @on(Button.Pressed, "#sup-ok")
    def action_confirm(self) -> None:
        panel = self.query_one(SubjectsPanel)
        try:
            subjects = panel.payload()
        except CounterAppError as exc:
            error: str | None = exc.message
            panel.show_error(exc.field)
        else:
            error = self.submit(self.values(), subjects)
        if error:
            self.query_one("#sup-error", Static).update(error)
            return
        self.dismiss(True)

    @on(Button.Pressed, "#sup-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
