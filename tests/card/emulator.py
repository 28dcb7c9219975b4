"""The vpcd bridge (docs/CARD.md §6): puts a FakeCccd behind a real PC/SC reader for the tests.

The card is a TCP client of vpcd: each message is a 2-byte big-endian length then the payload; a
1-byte payload is a control (0 power off, 1 power on, 2 reset, 4 send ATR), anything longer is a
command APDU answered with a response APDU.
"""

from __future__ import annotations

import socket
import struct
import threading

from counter_app.devices.card.fake import (  # noqa: F401  (re-exported for the tests)
    ATR_EXTENDED,
    ATR_SHORT,
    Behaviour,
    Citizen,
    build_files,
    demo_photo,
)
from counter_app.devices.card.fake import FakeCccd as CccdCard

test_photo = demo_photo
test_photo.__test__ = False  # type: ignore[attr-defined]


class VirtualCard:
    """Connects a CccdCard to vpcd (a virtual reader) on a thread; insert/remove at will."""

    def __init__(self, card: CccdCard, port: int, host: str = "127.0.0.1") -> None:
        self.card = card
        self.host, self.port = host, port
        self.sock: socket.socket | None = None
        self.thread: threading.Thread | None = None
        self._stop = threading.Event()

    def insert(self, timeout: float = 5.0) -> None:
        self.remove()
        self.card.reset()
        self.card.remove_now = False
        self.card.hang_now = False
        self._stop.clear()
        self.sock = socket.create_connection((self.host, self.port), timeout=timeout)
        self.sock.settimeout(0.2)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        self.thread = threading.Thread(target=self._run, args=(self.sock,), daemon=True,
                                       name="virtual-card")
        self.thread.start()

    def remove(self) -> None:
        self._stop.set()
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=5)
        self.thread = None

    def _recv_exact(self, sock: socket.socket, n: int) -> bytes | None:
        buf = b""
        while len(buf) < n:
            if self._stop.is_set():
                return None
            try:
                chunk = sock.recv(n - len(buf))
                # vpcd writes the length and the APDU separately: acknowledge at once, or
                # Nagle + delayed ACK add 40 ms to every exchange.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            except TimeoutError:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            buf += chunk
        return buf

    def _run(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            head = self._recv_exact(sock, 2)
            if head is None:
                return
            (length,) = struct.unpack(">H", head)
            payload = self._recv_exact(sock, length) if length else b""
            if payload is None:
                return
            if len(payload) == 1:
                ctrl = payload[0]
                if ctrl in (0, 1, 2):
                    self.card.reset()
                    continue
                if ctrl == 4:
                    out = self.card.atr
                else:
                    continue
            else:
                out = self.card.process(payload)
                if self.card.hang_now:
                    continue  # never answer; vpcd waits
                if self.card.remove_now:
                    self._stop.set()
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    sock.close()
                    return
            try:
                sock.sendall(struct.pack(">H", len(out)) + out)
            except OSError:
                return
