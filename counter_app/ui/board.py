"""The public board: full-screen numbers called to each counter, updated live, read aloud.

Fed by the server's event stream (GET /api/v1/queue/events) in a thread worker that re-reads the
board (GET /queue/board) on connect and after every queue event, and reconnects by itself with
exponential backoff when the server goes away. Each new call (or recall) is announced in
Vietnamese with espeak-ng in a separate thread ("Mời số A023 đến quầy số 2"); `mute` only skips
playback, the phrase is still synthesized (and cached) so the next announcement is instant.

Textual's Digits widget draws 0-9 and A-F large; other service letters print at normal size.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static
from textual.worker import get_current_worker

from counter_app.errors import CounterAppError

log = logging.getLogger(__name__)

DISCONNECTED = "mất kết nối, đang kết nối lại…"
CARDS = 4
# Events after which what the board shows may have changed.
REFRESH_EVENTS = {
    "hello",
    "called",
    "recall",
    "start",
    "done",
    "finish",
    "no_show",
    "no-show",
    "transfer",
    "cancelled",
    "cancel",
    "issued",
}
ANNOUNCE_EVENTS = {"called", "recall"}


def counter_label(code: str) -> str:
    return code[1:] if code[:1] == "Q" and code[1:].isdigit() else code


def listen_forever(
    client: Any,
    *,
    on_connect: Callable[[], None],
    on_event: Callable[[str, dict[str, Any]], None],
    on_disconnect: Callable[[str], None],
    cancelled: Callable[[], bool],
    backoff: tuple[float, float] = (0.5, 10.0),
) -> None:
    """Run in a thread: follow the event stream until `cancelled()`, reconnecting with backoff."""
    delay = backoff[0]
    while not cancelled():
        try:
            on_connect()
            delay = backoff[0]
            for kind, data in client.events(heartbeats=True):
                if cancelled():
                    return
                if kind == "heartbeat":
                    continue
                on_event(kind, data)
            reason = "server closed the stream"
        except CounterAppError as exc:
            reason = str(exc)
        except Exception as exc:  # noqa: BLE001 - a closed client at shutdown, a decoding error…
            reason = f"{type(exc).__name__}: {exc}"
        if cancelled():
            return
        on_disconnect(reason)
        end = time.monotonic() + delay
        while time.monotonic() < end and not cancelled():
            time.sleep(0.05)
        delay = min(delay * 2, backoff[1])


class CallCard(Vertical):
    DEFAULT_CSS = """
    CallCard { width: 1fr; height: auto; border: heavy $primary; padding: 0 1; }
    CallCard.latest { border: heavy $warning; }
    CallCard Digits { width: auto; margin: 0 1; }
    CallCard .counter { text-style: bold; content-align: center middle; width: 100%; }
    """

    def compose(self) -> ComposeResult:
        yield Digits("", classes="number")
        yield Static("", classes="counter")

    def show(self, call: dict[str, Any] | None) -> None:
        self.display = call is not None
        if call is None:
            return
        self.query_one(Digits).update(call["number"])
        self.query_one(".counter", Static).update(f"QUẦY {counter_label(call['counter'])}")


class BoardApp(App):
    TITLE = "Bảng gọi số"
    CSS = """
    Screen { layout: vertical; }
    #title { text-style: bold; content-align: center middle; width: 100%; height: 3; }
    #conn { color: $error; text-style: bold; height: auto; width: 100%; }
    #cards { height: auto; }
    #recent-title { margin-top: 1; text-style: bold; }
    #recent { height: 1fr; }
    """
    BINDINGS = [("q", "quit", "Thoát")]

    def __init__(
        self,
        client: Any,
        *,
        center: str | None = None,
        voice_dir: Path | None = None,
        mute: bool = False,
        recent: int = 10,
        backoff: tuple[float, float] = (0.5, 10.0),
    ) -> None:
        super().__init__()
        self.client = client
        self.center = center
        self.voice_dir = voice_dir
        self.mute = mute
        self.recent = recent
        self.backoff = backoff
        self.connected = False
        self.last_board: dict[str, Any] | None = None
        self.voice_files: dict[str, Path] = {}  # announced phrase -> WAV
        self.voice_errors: list[str] = []
        self._voice_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Static(f"TRUNG TÂM {self.center or ''} — MỜI CÔNG DÂN ĐẾN QUẦY", id="title")
        yield Static("", id="conn")
        with Horizontal(id="cards"):
            for i in range(CARDS):
                yield CallCard(id=f"card-{i}", classes="latest" if i == 0 else "")
        yield Static("Các số vừa gọi", id="recent-title")
        yield Static("", id="recent")

    def on_mount(self) -> None:
        for card in self.query(CallCard):
            card.display = False
        self._set_connected(False, "đang kết nối…")
        self.listen()

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "sse")
        close = getattr(self.client, "close", None)
        if close:  # breaks a blocked stream read so the thread ends
            try:
                close()
            except Exception:  # noqa: BLE001 - shutting down anyway
                pass

    # --- stream (thread) ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sse", exit_on_error=False)
    def listen(self) -> None:
        worker = get_current_worker()

        def on_connect() -> None:
            board = self.client.board()
            self.call_from_thread(self._apply_board, board)
            self.call_from_thread(self._set_connected, True)

        def on_event(kind: str, data: dict[str, Any]) -> None:
            if kind in ANNOUNCE_EVENTS:
                ticket = data.get("ticket") or {}
                text = data.get("announcement")
                if not text and ticket.get("number"):
                    from counter_app.domain.queue import announcement

                    text = announcement(ticket["number"], ticket.get("counter") or "")
                if text:
                    self.call_from_thread(self.announce, text)
            if kind in REFRESH_EVENTS:
                board = self.client.board()
                self.call_from_thread(self._apply_board, board)

        listen_forever(
            self.client,
            on_connect=on_connect,
            on_event=on_event,
            on_disconnect=lambda why: self.call_from_thread(self._set_connected, False, why),
            cancelled=lambda: worker.is_cancelled,
            backoff=self.backoff,
        )

    # --- voice (thread) -----------------------------------------------------------------------

    @work(thread=True, group="voice", exit_on_error=False)
    def announce(self, text: str) -> None:
        if self.voice_dir is None:
            return
        from counter_app.services.announcements import speak

        with self._voice_lock:  # one announcement at a time, in call order
            try:
                self.voice_files[text] = speak(text, self.voice_dir, mute=self.mute)
            except CounterAppError as exc:
                self.voice_errors.append(str(exc))
                log.warning("announcement failed: %s", exc)

    # --- UI (main thread) ---------------------------------------------------------------------

    def _set_connected(self, ok: bool, why: str = "") -> None:
        self.connected = ok
        conn = self.query_one("#conn", Static)
        conn.update("" if ok else f"⚠ {DISCONNECTED}" if why != "đang kết nối…" else why)
        if not ok and why:
            log.info("board disconnected: %s", why)

    def _apply_board(self, board: dict[str, Any]) -> None:
        self.last_board = board
        if board.get("center") and not self.center:
            self.center = board["center"]
            self.query_one("#title", Static).update(
                f"TRUNG TÂM {self.center} — MỜI CÔNG DÂN ĐẾN QUẦY"
            )
        # Latest call per counter, most recent first.
        latest: list[dict[str, Any]] = []
        seen: set[str] = set()
        for call in board.get("recent", []):
            if call["counter"] and call["counter"] not in seen:
                seen.add(call["counter"])
                latest.append(call)
        for i, card in enumerate(self.query(CallCard)):
            card.show(latest[i] if i < len(latest) else None)
        lines = [
            f"{c['number']:>8}  →  Quầy {counter_label(c['counter'])}"
            for c in board.get("recent", [])[: self.recent]
        ]
        waiting = board.get("waiting") or {}
        if waiting:
            lines.append("")
            lines.append(
                "Đang chờ: " + ", ".join(f"{svc}: {n}" for svc, n in sorted(waiting.items()))
            )
        self.query_one("#recent", Static).update("\n".join(lines) or "Chưa gọi số nào hôm nay.")

    def shown_numbers(self) -> list[str]:
        return [str(c.query_one(Digits).value) for c in self.query(CallCard) if c.display]
