"""Widgets of the reception wizard: the step bar, the procedure picker, a checklist row."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from counter_app.domain import dossier as rules
from counter_app.ui.i18n_reception import t
from counter_app.ui.widgets.reception_support import ProcedureSource, processing_label

STEP_KEYS = ("applicant", "procedure", "checklist", "fee", "review")
RESULT_LIMIT = 12


class StepBar(Static):
    """One line: the wizard's steps, the current one highlighted."""

    DEFAULT_CSS = """
    StepBar { height: 1; padding: 0 1; background: $boost; }
    """

    def show(self, current: str) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, key in enumerate(STEP_KEYS, start=1):
            if i > 1:
                text.append(" › ", style="dim")
            label = f"{i} {t('rc.step.' + key)}"
            if key == current:
                text.append(label, style="bold reverse")
            elif STEP_KEYS.index(key) < (
                STEP_KEYS.index(current) if current in STEP_KEYS else len(STEP_KEYS)
            ):
                text.append(label, style="bold")
            else:
                text.append(label, style="dim")
        if current == "done":
            text.append("  ✓", style="bold green")
        self.update(text)


class SearchInput(Input):
    """The procedure search box: Up/Down move the highlight in the results below it."""

    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    class Move(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(delta))


class ProcedurePicker(Vertical):
    """Live search as you type; Enter picks the highlighted procedure."""

    DEFAULT_CSS = """
    ProcedurePicker { height: 1fr; }
    ProcedurePicker SearchInput { margin: 0 0 1 0; }
    ProcedurePicker OptionList { height: 1fr; min-height: 3; }
    ProcedurePicker #proc-count { height: 1; color: $text-muted; }
    """

    class Picked(Message):
        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    def __init__(self, source: ProcedureSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = source
        self.results: list[dict[str, Any]] = []
        self.last_query = ""
        self._count_line = ""

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder=t("rc.proc.placeholder"), id="proc-search", compact=True)
        yield Static("", id="proc-count")
        yield OptionList(id="proc-results")

    @property
    def search_input(self) -> SearchInput:
        return self.query_one(SearchInput)

    @property
    def option_list(self) -> OptionList:
        return self.query_one(OptionList)

    def run_search(self, text: str) -> None:
        """Search on every key press (no debounce): the catalog index answers in a few ms, and
        the list is only rebuilt when the result set changed."""
        self.last_query = text
        results = self.source.search(text, limit=RESULT_LIMIT)
        codes = [r["code"] for r in results]
        ol = self.option_list
        if codes != [r["code"] for r in self.results] or not results:
            lang = _lang()
            ol.set_options(
                Option(
                    Content.assemble(
                        (f"{r['code']} ", "bold"),
                        r.get("name", ""),
                        (f"  · {r.get('field', '')} · {processing_label(r, lang)}", "dim"),
                    ),
                    id=r["code"],
                )
                for r in results
            )
            if results:
                ol.highlighted = 0
        self.results = results
        if not text.strip():
            line = t("rc.proc.hint")
        elif results:
            line = t("rc.proc.count", n=len(results))
        else:
            line = t("rc.proc.none")
        if line != self._count_line:  # Static.update re-lays out the screen: only on change
            self._count_line = line
            self.query_one("#proc-count", Static).update(line)

    @on(Input.Changed, "#proc-search")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.run_search(event.value)

    @on(SearchInput.Move)
    def _move(self, event: SearchInput.Move) -> None:
        ol = self.option_list
        if ol.option_count == 0:
            return
        cur = ol.highlighted if ol.highlighted is not None else -1
        ol.highlighted = max(0, min(ol.option_count - 1, cur + event.delta))

    @on(Input.Submitted, "#proc-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.option_list
        if ol.highlighted is not None and ol.option_count:
            opt = ol.get_option_at_index(ol.highlighted)
            self.post_message(self.Picked(str(opt.id)))

    @on(OptionList.OptionSelected, "#proc-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Picked(str(event.option.id)))


def _lang() -> str:
    from counter_app.ui.i18n_reception import current_lang

    return current_lang()


def _count(value: str) -> int:
    value = value.strip()
    return int(value) if value.isdigit() else 0


class ComponentRow(Vertical):
    """One component of the checklist: expected counts, received counts, presented, note."""

    DEFAULT_CSS = """
    ComponentRow { height: auto; padding: 0 1; margin-bottom: 1; }
    ComponentRow .comp-name { width: 1fr; }
    ComponentRow Horizontal { height: 1; }
    ComponentRow Label { padding: 0 1 0 0; }
    ComponentRow Input.count { width: 5; margin-right: 2; }
    ComponentRow Input.note { width: 1fr; }
    ComponentRow Checkbox { margin-right: 2; }
    ComponentRow .comp-state { height: 1; }
    ComponentRow .comp-scan { height: 1; color: $text-muted; }
    ComponentRow .comp-scan.-scanned { color: $success; }
    ComponentRow.-missing .comp-state { color: $error; }
    ComponentRow.-ok .comp-state { color: $success; }
    """

    def __init__(self, spec: rules.ComponentSpec, received: dict[str, Any] | None = None) -> None:
        super().__init__(id=f"comp-{spec.index}")
        self.spec = spec
        self._initial = received or {}

    def compose(self) -> ComposeResult:
        s = self.spec
        need = []
        if s.original:
            need.append(t("rc.comp.need_original", n=s.original))
        if s.copy:
            need.append(t("rc.comp.need_copy", n=s.copy))
        if s.present_only:
            need.append(t("rc.comp.present_only"))
        req = "" if s.required else f" ({t('rc.comp.optional')})"
        yield Static(
            Text.assemble((f"{s.index}. ", "bold"), s.name, (f"{req} — {', '.join(need)}", "dim")),
            classes="comp-name",
        )
        r = self._initial
        with Horizontal():
            yield Label(t("rc.comp.original"))
            yield Input(
                str(r.get("original", 0)), type="integer", compact=True, classes="count",
                id=f"orig-{s.index}", max_length=2,
            )
            yield Label(t("rc.comp.copy"))
            yield Input(
                str(r.get("copy", 0)), type="integer", compact=True, classes="count",
                id=f"copy-{s.index}", max_length=2,
            )
            yield Checkbox(
                t("rc.comp.presented"), bool(r.get("presented", False)), compact=True,
                id=f"pres-{s.index}",
            )
            yield Input(
                str(r.get("note", "")), placeholder=t("rc.comp.note"), compact=True,
                classes="note", id=f"note-{s.index}", max_length=200,
            )
        yield Static("", classes="comp-state")
        yield Static("  ▤ " + t("sc.status.none"), classes="comp-scan")

    def show_scan(self, text: str, scanned: bool) -> None:
        """The component's digitization status ("đã số hóa 3 trang" / "chưa số hóa")."""
        box = self.query_one(".comp-scan", Static)
        box.update("  ▤ " + text)
        box.set_class(scanned, "-scanned")

    def value(self) -> dict[str, Any]:
        i = self.spec.index
        return {
            "index": i,
            "original": _count(self.query_one(f"#orig-{i}", Input).value),
            "copy": _count(self.query_one(f"#copy-{i}", Input).value),
            "presented": self.query_one(f"#pres-{i}", Checkbox).value,
            "note": self.query_one(f"#note-{i}", Input).value.strip(),
        }

    def fill_expected(self) -> None:
        i = self.spec.index
        self.query_one(f"#orig-{i}", Input).value = str(self.spec.original)
        self.query_one(f"#copy-{i}", Input).value = str(self.spec.copy)
        if self.spec.present_only:
            self.query_one(f"#pres-{i}", Checkbox).value = True

    def show_state(self, line: rules.ChecklistLine) -> None:
        state = self.query_one(".comp-state", Static)
        self.set_class(not line.ok and line.spec.required, "-missing")
        self.set_class(line.ok, "-ok")
        if line.ok:
            state.update("  ✓ " + t("rc.comp.ok"))
        elif line.spec.required:
            state.update("  ✗ " + line.lacking)
        else:
            state.update("  – " + t("rc.comp.not_given"))


def screen_header(ctx: Any) -> Widget | None:
    """The shell's one-line header (center, counter, officer, clock)."""
    from counter_app.ui.widgets.chrome import AppHeader

    header = AppHeader(id="header")
    header.center = ctx.settings.center_code
    header.counter = ctx.counter_code
    header.officer = ctx.officer.full_name if ctx.officer else ""
    clock = ctx.extras.get("clock")
    header.clock = (clock() if callable(clock) else _now(ctx)).strftime("%H:%M")
    return header


def _now(ctx: Any) -> Any:
    import datetime as dt

    return dt.datetime.now(ctx.settings.tz)


def screen_footer() -> Widget:
    """The shell's footer (descriptions translated live)."""
    from counter_app.ui.widgets.chrome import AppFooter

    return AppFooter()
