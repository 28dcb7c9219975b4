"""Sync conflicts of the center, for supervisors (opened from the supervisor screen, F6).

A conflict is a fact a counter recorded that disagreed with the server (a dossier code or a ticket
number already used, a change made on a stale version…); a refused op (malformed, or naming a
record of another center) is listed too, marked as refused. Both facts are kept; the supervisor
reads the list, does what is needed (calls the citizen, gives a new code…) and marks the
conflict resolved with a note saying what was done. The server is asked from a thread worker: the
screen never waits on the network.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from counter_app.errors import CounterAppError
from counter_app.services import server_session
from counter_app.services.context import AppContext
from counter_app.ui.i18n_reception import localize_bindings, set_lang, t
from counter_app.ui.widgets.reception_steps import screen_footer, screen_header

COLUMNS = ("id", "at", "entity", "what", "applicant", "device", "reason", "resolved")


def _when(value: str | None) -> str:
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value).strftime("%H:%M %d/%m/%Y")
    except ValueError:
        return value[:16]


class ConflictsScreen(Screen[None]):
    DEFAULT_CSS = """
    ConflictsScreen { layout: vertical; }
    ConflictsScreen #cf-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    ConflictsScreen #cf-status { height: auto; padding: 0 1; margin: 1 0 0 0; }
    ConflictsScreen #cf-status.error { color: $error; text-style: bold; }
    ConflictsScreen #cf-table { height: 1fr; margin: 0 1; }
    ConflictsScreen #cf-detail { height: auto; max-height: 6; padding: 0 1; color: $text-muted; }
    ConflictsScreen #cf-note { margin: 0 1; }
    """

    BINDINGS = [
        Binding("f5", "reload", "cf.key.reload"),
        Binding("f6", "toggle_state", "cf.key.toggle"),
        Binding("f9", "resolve", "cf.key.resolve"),
        Binding("escape", "close", "cf.key.close"),
    ]

    def __init__(self, ctx: AppContext, *, name: str | None = None) -> None:
        set_lang(ctx.settings.lang)
        super().__init__(name=name)
        localize_bindings(self)
        self.ctx = ctx
        self.state = "open"
        self.rows: dict[str, dict[str, Any]] = {}
        self.busy = False

    def compose(self) -> ComposeResult:
        header = screen_header(self.ctx)
        if header is not None:
            yield header
        yield Static(t("cf.title"), id="cf-title")
        yield Static(t("cf.loading"), id="cf-status")
        yield DataTable(id="cf-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="cf-detail")
        yield Input(placeholder=t("cf.note.placeholder"), id="cf-note", max_length=500)
        yield screen_footer()

    def on_mount(self) -> None:
        table = self.query_one("#cf-table", DataTable)
        for key in COLUMNS:
            table.add_column(t(f"cf.col.{key}"), key=key)
        table.focus()
        self.action_reload()

    # --- actions -------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._say(t("cf.loading"))
        self._load(self.state)

    def action_toggle_state(self) -> None:
        self.state = "all" if self.state == "open" else "open"
        self.action_reload()

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_resolve()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.rows.get(str(event.row_key.value)) if event.row_key else None
        self.query_one("#cf-detail", Static).update(self._detail(row) if row else "")

    def action_resolve(self) -> None:
        if self.busy:
            return
        row = self._selected()
        if row is None:
            self._say(t("cf.none_selected"), error=True)
            return
        if row.get("resolved_at"):
            self._say(t("cf.already", who=row.get("resolved_by") or "?"), error=True)
            return
        note = self.query_one("#cf-note", Input).value.strip()
        if not note:
            self._say(t("cf.note.required"), error=True)
            self.query_one("#cf-note", Input).focus()
            return
        self._say(t("cf.resolving", id=row["id"]))
        self._resolve(int(row["id"]), note)

    # --- workers (network off the UI thread) ---------------------------------------------------

    @work(thread=True, exclusive=True, group="conflicts", exit_on_error=False)
    def _load(self, state: str) -> None:
        try:
            server_session.require_supervisor(self.ctx)
            with server_session.officer_client(self.ctx) as client:
                listing = client.conflicts(state)
        except CounterAppError as exc:
            self.app.call_from_thread(self._say, exc.message, True)
            return
        self.app.call_from_thread(self._show, listing)

    @work(thread=True, exclusive=True, group="conflicts", exit_on_error=False)
    def _resolve(self, conflict_id: int, note: str) -> None:
        self.busy = True
        try:
            with server_session.officer_client(self.ctx) as client:
                client.resolve_conflict(conflict_id, note)
        except CounterAppError as exc:
            self.app.call_from_thread(self._say, exc.message, True)
            return
        finally:
            self.busy = False
        self.app.call_from_thread(self._resolved, conflict_id)

    # --- display -------------------------------------------------------------------------------

    def _resolved(self, conflict_id: int) -> None:
        self.query_one("#cf-note", Input).value = ""
        self.query_one("#cf-table", DataTable).focus()
        self._load(self.state)
        self.notify(t("cf.done", id=conflict_id))

    def _show(self, listing: dict[str, Any]) -> None:
        table = self.query_one("#cf-table", DataTable)
        table.clear()
        self.rows = {}
        for c in listing.get("conflicts", []):
            key = str(c["id"])
            self.rows[key] = c
            sm = c.get("summary") or {}
            what = (
                t(f"cf.entity.{c['entity']}")
                if c["entity"] in ("dossier", "ticket", "attachment")
                else c["entity"]
            )
            if c.get("kind") == "rejected":  # an op the server refused: quarantined
                what = t("cf.kind.rejected", what=what)
            table.add_row(
                key,
                _when(c.get("created_at")),
                what,
                str(sm.get("code") or sm.get("number") or ""),
                str(sm.get("applicant") or ""),
                str(c.get("device_slot") or ""),
                str(c.get("reason") or "")[:60],
                _when(c.get("resolved_at")),
                key=key,
            )
        n_open = int(listing.get("open", 0))
        scope = t("cf.scope.open") if self.state == "open" else t("cf.scope.all")
        self._say(t("cf.summary", n=n_open, scope=scope, shown=len(self.rows)))
        if not self.rows:
            self.query_one("#cf-detail", Static).update(t("cf.empty"))

    def _detail(self, c: dict[str, Any]) -> str:
        sm = c.get("summary") or {}
        parts = [f"#{c['id']} · {c.get('reason') or ''}"]
        extra = ", ".join(f"{k}: {v}" for k, v in sm.items() if v)
        if extra:
            parts.append(extra)
        if c.get("resolved_at"):
            parts.append(t("cf.resolved_by", who=c.get("resolved_by"), at=_when(c["resolved_at"])))
        return "\n".join(parts)

    def _selected(self) -> dict[str, Any] | None:
        table = self.query_one("#cf-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - no row under the cursor
            return None
        return self.rows.get(str(key.value))

    def _say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#cf-status", Static)
        status.update(text)
        status.set_class(error, "error")
