"""The scan dialog (số hóa thành phần): device, profile, source → Scan with per-page progress and
Cancel → thumbnails → reorder / delete / rotate by keys → Accept or Discard. Keyboard-only.

The dialog only displays and dispatches: listing devices and scanning run in thread workers that
report through messages (never touching widgets); the pages live in a `ScanBatch`
(services.digitization). Accept dismisses with the batch — the caller commits it (lookup) or keeps
it pending until the dossier exists (reception wizard); Discard closes it and returns None.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from counter_app.errors import CounterAppError
from counter_app.services import digitization as dg
from counter_app.ui.i18n_reception import localize_bindings, t

THUMB_PX = 96
THUMB_COLS = 16
INBOX = "__inbox__"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf")


@dataclass
class DevicesFound(Message):
    devices: list[dict[str, str]]
    error: str


@dataclass
class ScanProgressed(Message):
    page: int
    percent: float


@dataclass
class PageScanned(Message):
    count: int


@dataclass
class ScanFinished(Message):
    added: int
    error: str
    cancelled: bool


def thumbnail_text(batch: dg.ScanBatch, index: int, cols: int = THUMB_COLS) -> Text:
    """A page as half-block cells ("▀": foreground = top pixel, background = bottom)."""
    from rich.color import Color
    from rich.style import Style

    cells = dg.thumbnail_cells(batch, index, THUMB_PX, cols)
    text = Text(no_wrap=True)
    styles: dict[tuple[Any, Any], Style] = {}
    for r, row in enumerate(cells):
        if r:
            text.append("\n")
        for top, bottom in row:
            style = styles.get((top, bottom))
            if style is None:
                style = styles[(top, bottom)] = Style(
                    color=Color.from_rgb(*top[:3]), bgcolor=Color.from_rgb(*bottom[:3])
                )
            text.append("▀", style=style)
    return text


class PageStrip(Widget, can_focus=True):
    """The scanned pages side by side; ←/→ choose, Shift+←/→ move, Del delete, R rotate."""

    DEFAULT_CSS = """
    PageStrip { height: auto; min-height: 3; layout: horizontal; overflow-x: auto; }
    PageStrip:focus { background: $boost; }
    PageStrip .thumb { width: auto; height: auto; margin-right: 1; padding: 0 1;
                       border: round $panel; }
    PageStrip .thumb.-current { border: round $accent; }
    """

    BINDINGS = [
        Binding("left", "select(-1)", show=False),
        Binding("right", "select(1)", show=False),
        Binding("shift+left", "move(-1)", "sc.key.move"),
        Binding("shift+right", "move(1)", show=False),
        Binding("delete", "delete", "sc.key.delete"),
        Binding("r", "rotate", "sc.key.rotate"),
    ]

    class Changed(Message):
        pass

    def __init__(self, batch: dg.ScanBatch, *, id: str | None = None) -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self.batch = batch
        self.current = 0
        self.locked = False  # while a scan runs the batch belongs to the worker
        self._cache: dict[tuple[str, int], Text] = {}

    def rebuild(self) -> None:
        self.remove_children()
        pages = self.batch.pages
        if not pages:
            self.mount(Static(t("sc.no_pages"), classes="empty"))
            return
        self.current = max(0, min(self.current, len(pages) - 1))
        thumbs = []
        for i, page in enumerate(pages):
            key = (str(page.path), page.rotation)
            img = self._cache.get(key)
            if img is None:
                try:
                    img = self._cache[key] = thumbnail_text(self.batch, i)
                except Exception as exc:  # noqa: BLE001 - a bad preview must not lose the page
                    img = Text(f"?\n{type(exc).__name__}")
            label = Text.assemble(img, "\n", (t("sc.page", n=i + 1), "bold"))
            if page.rotation:
                label.append(f" ↻{page.rotation}°", style="dim")
            thumbs.append(Static(label, classes="thumb" + (" -current" if i == self.current else "")))
        self.mount_all(thumbs)

    def _op(self, fn: Any) -> None:
        if self.locked or not self.batch.pages:
            return
        fn()
        self.rebuild()
        self.post_message(self.Changed())

    def action_select(self, delta: int) -> None:
        if self.batch.pages and not self.locked:
            self.current = max(0, min(len(self.batch.pages) - 1, self.current + delta))
            self.rebuild()

    def action_move(self, delta: int) -> None:
        def go() -> None:
            dst = self.current + delta
            if 0 <= dst < len(self.batch.pages):
                self.batch.move(self.current, dst)
                self.current = dst

        self._op(go)

    def action_delete(self) -> None:
        self._op(lambda: self.batch.delete(self.current))

    def action_rotate(self) -> None:
        self._op(lambda: self.batch.rotate(self.current, 90))


class ScanDialog(ModalScreen["dg.ScanBatch | None"]):
    """Scan one component. Dismisses with the (non-empty) batch on Accept, None on Discard."""

    DEFAULT_CSS = """
    ScanDialog { align: center middle; }
    ScanDialog > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 100%; border: thick $primary;
        padding: 0 1; background: $surface;
    }
    ScanDialog .title { text-style: bold; margin-bottom: 1; }
    ScanDialog .row { height: auto; margin-bottom: 1; }
    ScanDialog .row Label { width: 12; padding-top: 0; }
    ScanDialog Select { width: 1fr; margin-right: 1; }
    ScanDialog #sc-inbox { height: auto; max-height: 6; display: none; }
    ScanDialog #sc-status { height: auto; }
    ScanDialog #sc-status.-error { color: $error; }
    ScanDialog #sc-pages-box { height: auto; max-height: 20; }
    ScanDialog #sc-buttons { height: auto; margin-top: 1; }
    ScanDialog Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("f5", "scan", "sc.key.scan", priority=True),
        Binding("f9", "accept", "sc.key.accept", priority=True),
        # Not priority: an open Select list closes on Esc first.
        Binding("escape", "cancel_or_discard", "sc.key.discard"),
    ]

    def __init__(
        self,
        title: str,
        blobs: Any,
        settings: Any,
        *,
        profile: str = "text",
        request_defaults: dict[str, Any] | None = None,
        batch: dg.ScanBatch | None = None,
        components: list[tuple[int, str]] | None = None,
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.heading = title
        self.settings = settings
        self.profile = profile
        self.request_defaults = dict(request_defaults or {})
        self.batch = batch if batch is not None else dg.ScanBatch(blobs, settings)
        self.devices: list[dict[str, str]] = []
        self.scanning = False
        self.cancel_event = threading.Event()
        self.imported: list[Path] = []
        self.status = ""
        self._confirm_discard = False
        # Lookup: the officer picks the component here; the wizard passes none (cursor row).
        self.components = list(components or [])
        self.component_index: int | None = self.components[0][0] if self.components else None

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.heading, classes="title")
            if self.components:
                with Horizontal(classes="row"):
                    yield Label(t("sc.component"))
                    yield Select(
                        [(f"{i}. {name}", i) for i, name in self.components],
                        value=self.components[0][0], allow_blank=False, id="sc-component",
                        compact=True,
                    )
            with Horizontal(classes="row"):
                yield Label(t("sc.device"))
                yield Select([], prompt=t("sc.searching"), id="sc-device", compact=True)
            with Horizontal(classes="row"):
                yield Label(t("sc.profile"))
                yield Select(
                    [(t("sc.profile.text"), "text"), (t("sc.profile.photo"), "photo")],
                    value=self.profile if self.profile in ("text", "photo") else "text",
                    allow_blank=False, id="sc-profile", compact=True,
                )
                yield Label(t("sc.source"))
                yield Select(
                    [(t("sc.source.flatbed"), "flatbed"), (t("sc.source.adf"), "adf")],
                    value=self.request_defaults.pop("source", "flatbed"),
                    allow_blank=False, id="sc-source", compact=True,
                )
            yield OptionList(id="sc-inbox")
            yield Static(t("sc.searching"), id="sc-status")
            with VerticalScroll(id="sc-pages-box"):
                yield PageStrip(self.batch, id="sc-pages")
            with Horizontal(id="sc-buttons"):
                yield Button(t("sc.btn.scan"), id="sc-scan", variant="primary", compact=True)
                yield Button(t("sc.btn.accept"), id="sc-accept", variant="success", compact=True)
                yield Button(t("sc.btn.discard"), id="sc-discard", variant="error", compact=True)

    def on_mount(self) -> None:
        self.strip.rebuild()
        self._find_devices()

    @property
    def strip(self) -> PageStrip:
        return self.query_one(PageStrip)

    def say(self, text: str, kind: str = "") -> None:
        self.status = text
        box = self.query_one("#sc-status", Static)
        box.update(text)
        box.set_class(kind == "error", "-error")

    # --- devices ---------------------------------------------------------------------------------

    @work(thread=True, group="scan-devices", exit_on_error=False)
    def _find_devices(self) -> None:
        try:
            devices, error = dg.list_devices(), ""
        except Exception as exc:  # noqa: BLE001 - shown, the inbox remains
            devices, error = [], getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        self.post_message(DevicesFound(devices, error))

    @on(DevicesFound)
    def _devices_found(self, event: DevicesFound) -> None:
        self.devices = event.devices
        sel = self.query_one("#sc-device", Select)
        options = [(_device_label(d), d["name"]) for d in self.devices]
        inbox = self._inbox()
        if inbox is not None:
            options.append((t("sc.inbox_option", folder=str(inbox)), INBOX))
        sel.set_options(options)
        if self.devices:
            sel.value = self.devices[0]["name"]
            self.say(t("sc.ready", n=len(self.devices)))
            sel.focus()
        else:
            msg = t("sc.no_device")
            if event.error:
                msg += f" ({event.error})"
            msg += " " + (t("sc.no_device_inbox") if inbox is not None else t("sc.no_inbox"))
            self.say(msg, "error")
            if inbox is not None:
                sel.value = INBOX
                self._show_inbox()

    def _inbox(self) -> Path | None:
        try:
            return dg.inbox_folder(self.settings) if self.settings is not None else None
        except Exception:  # noqa: BLE001 - an unusable folder is the same as none
            return None

    @on(Select.Changed, "#sc-component")
    def _component_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int):
            self.component_index = event.value
            name = dict(self.components).get(event.value, "")
            self.query_one("#sc-profile", Select).value = dg.suggested_profile(name)

    @on(Select.Changed, "#sc-device")
    def _device_changed(self, event: Select.Changed) -> None:
        if event.value == INBOX:
            self._show_inbox()
        else:
            self.query_one("#sc-inbox", OptionList).display = False

    def _show_inbox(self) -> None:
        inbox = self._inbox()
        ol = self.query_one("#sc-inbox", OptionList)
        files = []
        if inbox is not None:
            files = sorted(
                (p for p in inbox.iterdir()
                 if p.is_file() and not p.name.startswith(".")
                 and p.suffix.lower() in IMAGE_SUFFIXES),
                key=lambda p: p.stat().st_mtime, reverse=True,
            )
        ol.set_options(Option(p.name, id=str(p)) for p in files)
        ol.display = True
        if files:
            ol.highlighted = 0
            ol.focus()
        else:
            self.say(t("sc.inbox_empty", folder=str(inbox)), "error")

    @on(OptionList.OptionSelected, "#sc-inbox")
    def _inbox_selected(self, event: OptionList.OptionSelected) -> None:
        path = Path(str(event.option.id))
        try:
            self.batch.add_files([path])
        except Exception as exc:  # noqa: BLE001 - BadInput etc.: shown, nothing changes
            self.say(getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}", "error")
            return
        self.imported.append(path)
        self.strip.rebuild()
        self.say(t("sc.added_file", name=path.name, n=len(self.batch.pages)))

    # --- scanning --------------------------------------------------------------------------------

    def action_scan(self) -> None:
        if self.scanning:
            return
        device = self.query_one("#sc-device", Select).value
        if not self.devices or device in (INBOX, Select.BLANK):
            self.say(t("sc.no_device") + " " + t("sc.pick_device"), "error")
            return
        try:
            request, profile = dg.scan_request(
                str(device), str(self.query_one("#sc-source", Select).value),
                str(self.query_one("#sc-profile", Select).value), self.request_defaults)
        except CounterAppError as exc:
            self.say(exc.message, "error")
            return
        self.scanning = True
        self.strip.locked = True
        self.cancel_event = threading.Event()
        self.say(t("sc.starting"))
        self._scan(request, profile)

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def _scan(self, request: Any, profile: Any) -> None:
        added, error, cancelled = 0, "", False
        try:
            added = self.batch.scan(
                request, profile,
                on_progress=lambda p: self.post_message(ScanProgressed(p.page, p.percent)),
                on_page=lambda _p: self.post_message(PageScanned(len(self.batch.pages))),
                cancel_event=self.cancel_event,
            )
        except Exception as exc:  # noqa: BLE001 - shown; pages before the error stay
            if dg.is_cancelled(exc):
                cancelled = True
            else:
                error = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        self.post_message(ScanFinished(added, error, cancelled))

    @on(ScanProgressed)
    def _progressed(self, event: ScanProgressed) -> None:
        if self.scanning:
            self.say(t("sc.progress", page=event.page, percent=int(event.percent)))

    @on(PageScanned)
    def _page_scanned(self, event: PageScanned) -> None:
        self.say(t("sc.page_done", n=event.count))

    @on(ScanFinished)
    def _finished(self, event: ScanFinished) -> None:
        self.scanning = False
        self.strip.locked = False
        self.strip.current = max(0, len(self.batch.pages) - 1)
        self.strip.rebuild()
        if event.error:
            self.say(t("sc.error", error=event.error, n=len(self.batch.pages)), "error")
        elif event.cancelled:
            self.say(t("sc.cancelled", n=len(self.batch.pages)))
        else:
            self.say(t("sc.done", added=event.added, n=len(self.batch.pages)))
        self.strip.focus()

    # --- accept / discard ------------------------------------------------------------------------

    def on_key(self, event: Any) -> None:
        if event.key != "escape":
            self._confirm_discard = False

    def action_accept(self) -> None:
        if self.scanning:
            return
        if not self.batch.pages:
            self.say(t("sc.nothing"), "error")
            return
        self.dismiss(self.batch)

    def action_cancel_or_discard(self) -> None:
        if self.scanning:
            self.cancel_event.set()
            self.batch.cancel()
            self.say(t("sc.cancelling"))
            return
        if self.batch.pages and not self._confirm_discard:
            self._confirm_discard = True  # pages would be lost: ask for a second Esc
            self.say(t("sc.confirm_discard", n=len(self.batch.pages)), "error")
            return
        self.imported.clear()
        self.batch.close()
        self.dismiss(None)

    @on(Button.Pressed, "#sc-scan")
    def _b_scan(self) -> None:
        self.action_scan()

    @on(Button.Pressed, "#sc-accept")
    def _b_accept(self) -> None:
        self.action_accept()

    @on(Button.Pressed, "#sc-discard")
    def _b_discard(self) -> None:
        self.action_cancel_or_discard()


def _device_label(d: dict[str, Any]) -> str:
    from counter_app.services.simulated_devices import is_simulated_scanner

    label = f"{d.get('name', '')} — {d.get('model') or d.get('vendor') or ''}".strip(" —")
    return f"{label} — {t('sc.simulated')}" if is_simulated_scanner(d.get("name", "")) else label
