"""PC/SC backend (pyscard's low-level `smartcard.scard`): readers, card presence, exclusive
connections with a transaction, and APDU transmission. pyscard is imported lazily.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from counter_app.devices.card.errors import CardRemoved, NoCard, NoReader, ReaderBusy


def _scard():
    try:
        from smartcard import scard
    except ImportError as exc:  # pragma: no cover - pyscard is a dependency
        raise NoReader(f"Không có thư viện PC/SC (pyscard) / PC/SC library missing: {exc}") from None
    return scard


def _error_text(hresult: int) -> str:
    scard = _scard()
    try:
        return scard.SCardGetErrorMessage(hresult).strip().rstrip(".")
    except Exception:  # noqa: BLE001 - only a message text: fall back to the code
        return f"0x{hresult & 0xFFFFFFFF:08X}"


class Context:
    """An SCard context (released on close)."""

    def __init__(self) -> None:
        scard = _scard()
        hresult, self.handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise NoReader("Dịch vụ thẻ thông minh (pcscd) không chạy / the smart card service "
                           f"(pcscd) is not running: {_error_text(hresult)}")

    def close(self) -> None:
        scard = _scard()
        if self.handle is not None:
            scard.SCardReleaseContext(self.handle)
            self.handle = None

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def readers(self) -> list[str]:
        scard = _scard()
        hresult, names = scard.SCardListReaders(self.handle, [])
        if hresult in (scard.SCARD_E_NO_READERS_AVAILABLE,) or not names:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise NoReader(f"Không liệt kê được đầu đọc thẻ / cannot list card readers: "
                           f"{_error_text(hresult)}")
        return list(names)

    def states(self, readers: list[str], timeout_ms: int = 0,
               known: dict[str, int] | None = None) -> dict[str, tuple[int, bytes]]:
        """reader → (event state, ATR); waits up to timeout_ms for a change from `known`."""
        scard = _scard()
        query = [(r, (known or {}).get(r, scard.SCARD_STATE_UNAWARE)) for r in readers]
        hresult, result = scard.SCardGetStatusChange(self.handle, timeout_ms, query)
        if hresult == scard.SCARD_E_TIMEOUT:
            return {r: ((known or {}).get(r, 0), b"") for r in readers}
        if hresult != scard.SCARD_S_SUCCESS:
            raise NoReader(f"Không đọc được trạng thái đầu đọc / cannot read reader state: "
                           f"{_error_text(hresult)}")
        return {name: (state & ~scard.SCARD_STATE_CHANGED, bytes(atr))
                for name, state, atr in result}


def card_present(state: int) -> bool:
    scard = _scard()
    return bool(state & scard.SCARD_STATE_PRESENT) and not state & scard.SCARD_STATE_MUTE


def list_readers() -> list[str]:
    with Context() as ctx:
        return ctx.readers()


@dataclass
class ReaderStatus:
    name: str
    card_present: bool
    atr: bytes


def reader_status() -> list[ReaderStatus]:
    with Context() as ctx:
        names = ctx.readers()
        if not names:
            return []
        states = ctx.states(names)
        return [ReaderStatus(n, card_present(s), atr) for n, (s, atr) in states.items()]


def wait_for_card(reader: str | None = None, timeout: float = 0.0,
                  cancel: threading.Event | None = None) -> str:
    """The name of a reader holding a card, waiting up to `timeout` seconds for one.

    NoReader if there is no reader (or not the one named), NoCard if no card came in time.
    """
    deadline = time.monotonic() + max(0.0, timeout)
    with Context() as ctx:
        while True:
            names = ctx.readers()
            if reader is not None:
                if reader not in names:
                    matches = [n for n in names if n.startswith(reader)]
                    if not matches:
                        if time.monotonic() >= deadline:
                            raise NoReader(f"Không tìm thấy đầu đọc thẻ '{reader}' / card "
                                           f"reader '{reader}' not found")
                        time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
                        continue
                    names = matches[:1]
                else:
                    names = [reader]
            if not names:
                if time.monotonic() >= deadline:
                    raise NoReader()
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
                continue
            states = ctx.states(names)
            for name, (state, _atr) in states.items():
                if card_present(state):
                    return name
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (cancel is not None and cancel.is_set()):
                raise NoCard()
            ctx.states(names, int(min(remaining, 0.5) * 1000),
                       {n: s for n, (s, _a) in states.items()})


def watch_cards(callback: Callable[[str, bool], None], stop: threading.Event,
                poll: float = 0.5) -> None:
    """Call callback(reader, present) on every card insertion/removal until `stop` is set.

    Runs in the caller's thread (start it in a worker thread); the TUI forwards the calls to the
    UI thread with post_message.
    """
    known: dict[str, int] = {}
    ctx: Context | None = None
    try:
        while not stop.is_set():
            try:
                if ctx is None:
                    ctx = Context()
                names = ctx.readers()
                if not names:
                    stop.wait(poll)
                    continue
                states = ctx.states(names, int(poll * 1000), {n: known.get(n, 0) for n in names})
            except NoReader:
                if ctx is not None:
                    ctx.close()
                    ctx = None
                stop.wait(poll)
                continue
            for name, (state, _atr) in states.items():
                present = card_present(state)
                if name not in known or card_present(known[name]) != present:
                    callback(name, present)
                known[name] = state
    finally:
        if ctx is not None:
            ctx.close()


class PcscConnection:
    """An exclusive connection to the card in one reader, inside a PC/SC transaction."""

    def __init__(self, reader: str) -> None:
        self.reader = reader
        self.ctx = Context()
        self.card = None
        scard = _scard()
        try:
            hresult, self.card, self.protocol = scard.SCardConnect(
                self.ctx.handle, reader, scard.SCARD_SHARE_EXCLUSIVE,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
            if hresult == scard.SCARD_E_SHARING_VIOLATION:
                raise ReaderBusy()
            if hresult in (scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_REMOVED_CARD,
                           scard.SCARD_W_UNRESPONSIVE_CARD, scard.SCARD_W_UNPOWERED_CARD):
                raise NoCard()
            if hresult in (scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE):
                raise NoReader(f"Không tìm thấy đầu đọc thẻ '{reader}' / card reader '{reader}'"
                               " not found")
            if hresult != scard.SCARD_S_SUCCESS:
                raise NoCard(f"Không kết nối được thẻ / cannot connect to the card: "
                             f"{_error_text(hresult)}")
            hresult = scard.SCardBeginTransaction(self.card)
            if hresult != scard.SCARD_S_SUCCESS:
                raise ReaderBusy(f"Không giữ được đầu đọc / cannot lock the reader: "
                                 f"{_error_text(hresult)}")
            hresult, _name, _state, _proto, atr = scard.SCardStatus(self.card)
            self.atr = bytes(atr) if hresult == scard.SCARD_S_SUCCESS else b""
        except BaseException:
            self.close()
            raise

    def transmit(self, apdu: bytes) -> bytes:
        scard = _scard()
        if self.card is None:
            raise CardRemoved()
        hresult, response = scard.SCardTransmit(self.card, self.protocol, list(apdu))
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardRemoved(f"Thẻ bị rút ra hoặc mất kết nối khi đang đọc / card removed or "
                              f"connection lost during the read ({_error_text(hresult)})")
        if len(response) < 2:  # the reader lost the card mid-exchange (vpcd: socket closed)
            raise CardRemoved()
        return bytes(response)

    def close(self, reset: bool = True) -> None:
        """End the transaction and disconnect, resetting the card (ends the BAC session)."""
        scard = _scard()
        if self.card is not None:
            disposition = scard.SCARD_RESET_CARD if reset else scard.SCARD_LEAVE_CARD
            scard.SCardEndTransaction(self.card, scard.SCARD_LEAVE_CARD)
            scard.SCardDisconnect(self.card, disposition)
            self.card = None
        self.ctx.close()

    def __enter__(self) -> PcscConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
