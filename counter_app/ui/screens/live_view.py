"""Supervisor live view of the shared queue (GET /api/v1/queue/status), refreshed by the SSE stream.

Shows every counter (state, current number, officer when the server reports it, served today),
the queue per service (waiting count, longest and average wait, computed from the waiting
tickets' issue times), alerts — a highlighted row and a banner — when a citizen has waited longer
than the threshold (20 minutes by default), and the day's summary (tickets issued, done,
no-shows, average wait and service time).

Usable inside the counter TUI (push `LiveViewScreen(client)` for a supervisor) and standalone as
`LiveViewApp` (`counter-app board --supervisor`). The stream is followed in a thread worker that
reconnects by itself (counter_app.ui.board.listen_forever); waiting times are also recomputed
every few seconds, since they grow without any event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from counter_app.ui.board import listen_forever
from counter_app.ui.i18n import has, t
from counter_app.ui.widgets.chrome import AppFooter

DEFAULT_ALERT_MINUTES = 20.0
TICK_SECONDS = 5.0


def _state_label(state: str) -> str:
    key = f"lv.state.{state}"
    return t(key) if has(key) else state


def _service_label(code: str) -> str:
    """"A Hộ tịch" when the service code is one the UI names, else the code."""
    key = f"svc.{code}"
    return f"{code} {t(key)}" if has(key) else code


def _parse(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    t = dt.datetime.fromisoformat(value)
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _day(value: str | None) -> str:
    """A service day (YYYY-MM-DD from the server) as the officer reads dates: dd/mm/yyyy."""
    try:
        return dt.date.fromisoformat(value or "").strftime("%d/%m/%Y")
    except ValueError:
        return value or ""


def fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def summarize(status: dict[str, Any], now: dt.datetime, alert_seconds: float) -> dict[str, Any]:
    """Pure digest of a /queue/status body: per-service waits, alerts, the day's totals."""
    per_service: dict[str, dict[str, Any]] = {}
    alerts: list[dict[str, Any]] = []
    for ticket in status.get("waiting", []):
        issued = _parse(ticket.get("issued_at"))
        wait = max(0.0, (now - issued).total_seconds()) if issued else None
        row = per_service.setdefault(ticket["service"], {"waiting": 0, "waits": []})
        row["waiting"] += 1
        if wait is not None:
            row["waits"].append(wait)
            if wait >= alert_seconds:
                alerts.append({"number": ticket["number"], "service": ticket["service"], "wait": wait})
    for svc in status.get("counts", {}):
        per_service.setdefault(svc, {"waiting": 0, "waits": []})
    services = {
        svc: {
            "waiting": row["waiting"],
            "longest": max(row["waits"]) if row["waits"] else None,
            "average": sum(row["waits"]) / len(row["waits"]) if row["waits"] else None,
            "alert": any(w >= alert_seconds for w in row["waits"]),
        }
        for svc, row in sorted(per_service.items())
    }
    totals: dict[str, int] = {}
    for states in status.get("counts", {}).values():
        for st, n in states.items():
            totals[st] = totals.get(st, 0) + int(n)
    return {
        "services": services,
        "alerts": sorted(alerts, key=lambda a: -a["wait"]),
        "issued": sum(totals.values()),
        "done": totals.get("done", 0),
        "no_show": totals.get("no_show", 0),
        "waiting": totals.get("waiting", 0) + totals.get("transferred", 0),
        "average_wait": status.get("average_wait_seconds"),
        "average_service": status.get("average_service_seconds"),
    }


class LiveViewScreen(Screen):
    DEFAULT_CSS = """
    LiveViewScreen { layout: vertical; }
    LiveViewScreen #lv-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    LiveViewScreen #lv-conn { height: auto; color: $error; text-style: bold; padding: 0 1; }
    LiveViewScreen #lv-alert { height: auto; background: $error; color: $text; padding: 0 1; }
    LiveViewScreen #lv-body { height: 1fr; padding: 0 1; }
    LiveViewScreen .lv-head { margin-top: 1; text-style: bold; }
    LiveViewScreen DataTable { height: auto; max-height: 16; }
    """
    BINDINGS = [Binding("escape", "close", "lv.key.close"), Binding("r", "refresh", "lv.key.refresh")]

    def __init__(
        self,
        client: Any,
        *,
        alert_minutes: float = DEFAULT_ALERT_MINUTES,
        owns_client: bool = False,
    ) -> None:
        super().__init__()
        self.client = client
        self.owns_client = owns_client  # closed with the screen (ends the event stream too)
        self.alert_seconds = alert_minutes * 60
        self.connected = False
        self.last_status: dict[str, Any] | None = None
        self.digest: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("lv.title"), id="lv-title")
        yield Static(t("lv.connecting"), id="lv-conn")
        yield Static("", id="lv-alert")
        with VerticalScroll(id="lv-body"):
            yield Static(t("lv.head.counters"), classes="lv-head")
            yield DataTable(id="lv-counters", cursor_type="row", zebra_stripes=True)
            yield Static(t("lv.head.services"), classes="lv-head")
            yield DataTable(id="lv-services", cursor_type="row", zebra_stripes=True)
            yield Static(t("lv.head.summary"), classes="lv-head")
            yield Static("", id="lv-summary")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#lv-alert", Static).display = False
        self._add_columns()
        self.set_interval(TICK_SECONDS, self._tick)
        self.follow()

    def _add_columns(self) -> None:
        counters = self.query_one("#lv-counters", DataTable)
        counters.clear(columns=True)
        counters.add_columns(
            *(t(f"lv.col.{c}") for c in ("counter", "name", "state", "current", "officer", "served"))
        )
        services = self.query_one("#lv-services", DataTable)
        services.clear(columns=True)
        services.add_columns(*(t(f"lv.col.{c}") for c in ("service", "waiting", "longest", "average")))

    def relabel(self) -> None:
        """Every text again, in the current language (the app calls it when F2 switches)."""
        heads = ("lv.head.counters", "lv.head.services", "lv.head.summary")
        for widget, key in zip(self.query(".lv-head").results(Static), heads, strict=True):
            widget.update(t(key))
        self._add_columns()
        if self.last_status is not None:
            self._apply(self.last_status)
        else:
            self.query_one("#lv-title", Static).update(t("lv.title"))
        if self.connected or self.last_status is not None:
            self._set_connected(self.connected)
        else:
            self.query_one("#lv-conn", Static).update(t("lv.connecting"))
        self.query_one(AppFooter).refresh(recompose=True)

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "live")
        if self.owns_client:
            self.client.close()

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()

    def action_refresh(self) -> None:
        self.fetch_once()

    # --- data (threads) -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="live", exit_on_error=False)
    def follow(self) -> None:
        worker = get_current_worker()

        def refresh() -> None:
            status = self.client.status()
            self.app.call_from_thread(self._apply, status)

        def on_connect() -> None:
            refresh()
            self.app.call_from_thread(self._set_connected, True)

        listen_forever(
            self.client,
            on_connect=on_connect,
            on_event=lambda kind, data: refresh() if kind != "hello" else None,
            on_disconnect=lambda why: self.app.call_from_thread(self._set_connected, False),
            cancelled=lambda: worker.is_cancelled,
        )

    @work(thread=True, group="live-once", exit_on_error=False)
    def fetch_once(self) -> None:
        status = self.client.status()
        self.app.call_from_thread(self._apply, status)

    # --- rendering (main thread) --------------------------------------------------------------

    def _set_connected(self, ok: bool) -> None:
        self.connected = ok
        self.query_one("#lv-conn", Static).update("" if ok else f"⚠ {t('lv.disconnected')}")

    def _tick(self) -> None:
        if self.last_status is not None:
            self._apply(self.last_status)

    def _apply(self, status: dict[str, Any]) -> None:
        self.last_status = status
        now = dt.datetime.now(dt.UTC)
        d = self.digest = summarize(status, now, self.alert_seconds)
        self.query_one("#lv-title", Static).update(
            t(
                "lv.title_day",
                center=status.get("center", ""),
                day=_day(status.get("service_day")),
                limit=fmt_duration(self.alert_seconds),
            )
        )
        counters = self.query_one("#lv-counters", DataTable)
        counters.clear()
        for c in status.get("counters", []):
            cur = c.get("current") or {}
            state = _state_label(cur.get("state", "")) if cur else t("lv.idle")
            counters.add_row(
                c["code"],
                c.get("name") or "",
                state,
                cur.get("number", "—") if cur else "—",
                (cur.get("officer") or "—") if cur else "—",
                str(c.get("served_today", 0)),
                key=c["code"],
            )
        services = self.query_one("#lv-services", DataTable)
        services.clear()
        for svc, row in d["services"].items():
            style = "bold white on red" if row["alert"] else ""
            services.add_row(
                Text(_service_label(svc), style=style),
                Text(str(row["waiting"]), style=style),
                Text(fmt_duration(row["longest"]), style=style),
                Text(fmt_duration(row["average"]), style=style),
                key=svc,
            )
        alert = self.query_one("#lv-alert", Static)
        alert.display = bool(d["alerts"])
        if d["alerts"]:
            worst = ", ".join(f"{a['number']} ({fmt_duration(a['wait'])})" for a in d["alerts"][:5])
            alert.update(
                t("lv.alert", n=len(d["alerts"]), limit=fmt_duration(self.alert_seconds), worst=worst)
            )
        self.query_one("#lv-summary", Static).update(
            t(
                "lv.summary",
                issued=d["issued"],
                done=d["done"],
                no_show=d["no_show"],
                waiting=d["waiting"],
                wait=fmt_duration(d["average_wait"]),
                service=fmt_duration(d["average_service"]),
            )
        )


class LiveViewApp(App):
    """Standalone live view (`counter-app board --supervisor`)."""

    TITLE = "Giám sát hàng đợi"
    BINDINGS = [Binding("q", "quit", "lv.key.quit")]

    def __init__(self, client: Any, *, alert_minutes: float = DEFAULT_ALERT_MINUTES) -> None:
        super().__init__()
        self.client = client
        self.alert_minutes = alert_minutes

    def on_mount(self) -> None:
        self.push_screen(LiveViewScreen(self.client, alert_minutes=self.alert_minutes))

    def on_unmount(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - shutting down anyway
            pass
