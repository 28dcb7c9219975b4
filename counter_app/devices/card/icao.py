"""Talking to an ICAO 9303 eMRTD applet: SELECT, BAC, READ BINARY under secure messaging.

The transport (a PC/SC connection or an in-process fake) is any object with `transmit`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from counter_app.devices.card import tlv
from counter_app.devices.card.bac import BACError, BACTerminal, document_keys
from counter_app.devices.card.errors import (
    AccessDenied,
    CardProtocolError,
    NotAnIdCard,
    WrongKeys,
)
from counter_app.devices.card.sm import Command, SecureMessaging, SMError, split_response

AID_MRTD = bytes.fromhex("A0000002471001")

# Short file identifiers → (FID, name)
FILES = {
    "COM": 0x011E, "SOD": 0x011D, "CardAccess": 0x011C,
    "DG1": 0x0101, "DG2": 0x0102, "DG13": 0x010D, "DG14": 0x010E, "DG15": 0x010F,
}
SW_OK = 0x9000
SW_END_OF_FILE = 0x6282
SW_WRONG_LENGTH = 0x6700
SW_SECURITY = 0x6982
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_OFFSET = 0x6B00
WRONG_KEY_SW = (0x6300, 0x6988, 0x6982, 0x6A80)
#: A common default block size under 3DES secure messaging (answers stay ≤ 256 bytes).
DEFAULT_BLOCK = 0xDF
EXTENDED_BLOCK = 0x7F0
MAX_FILE = 0x8000 + EXTENDED_BLOCK  # READ BINARY (B0) offsets stop at 0x7FFF

Progress = Callable[[str, int, int], None]


class Transport(Protocol):
    def transmit(self, apdu: bytes) -> bytes:
        """Send a command APDU, return the response APDU (data ‖ SW1 SW2)."""
        ...


class FileNotFound(CardProtocolError):
    def __init__(self, name: str) -> None:
        super().__init__(f"không có tệp {name} / file {name} not found")
        self.name = name


@dataclass
class Stats:
    apdus: int = 0
    bytes_out: int = 0
    bytes_in: int = 0
    payload: int = 0  # file bytes received
    per_file: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (APDUs, bytes)


def extended_length_from_atr(atr: bytes) -> bool:
    """Whether the ATR's historical bytes announce extended Lc/Le (ISO 7816-4 §8.1.1.2.7)."""
    try:
        if len(atr) < 2:
            return False
        t0 = atr[1]
        k = t0 & 0x0F
        i = 2
        y = t0 >> 4
        while True:
            count = bin(y).count("1")
            td_present = bool(y & 0x8)
            i += count
            if not td_present:
                break
            y = atr[i - 1] >> 4
        hist = atr[i:i + k]
        if not hist or hist[0] != 0x80:
            return False
        j = 1
        while j < len(hist):
            tag, n = hist[j] >> 4, hist[j] & 0x0F
            value = hist[j + 1:j + 1 + n]
            if tag == 0x7 and len(value) >= 3:
                return bool(value[2] & 0x40)
            j += 1 + n
    except IndexError:
        return False
    return False


class IcaoSession:
    """One conversation with the applet; after `authenticate` every command uses SM."""

    def __init__(self, transport: Transport, *, block_size: int = DEFAULT_BLOCK,
                 extended: bool = False) -> None:
        self.transport = transport
        self.extended = extended
        self.block_size = EXTENDED_BLOCK if extended and block_size <= DEFAULT_BLOCK else block_size
        self.sm: SecureMessaging | None = None
        self.stats = Stats()

    # -- plumbing
    def _raw(self, apdu: bytes) -> bytes:
        self.stats.apdus += 1
        self.stats.bytes_out += len(apdu)
        resp = self.transport.transmit(apdu)
        self.stats.bytes_in += len(resp)
        return resp

    def send(self, cmd: Command) -> tuple[bytes, int]:
        """(data, SW) of a command, protected when a BAC session is open."""
        if self.sm is None:
            resp = self._raw(cmd.encode())
            try:
                data, sw = split_response(resp)
            except SMError as exc:
                raise CardProtocolError(str(exc)) from None
            if sw >> 8 == 0x61:  # T=0 style: more data waiting
                resp = self._raw(Command(0x00, 0xC0, 0, 0, le=(sw & 0xFF) or 256).encode())
                try:
                    data2, sw = split_response(resp)
                except SMError as exc:
                    raise CardProtocolError(str(exc)) from None
                data += data2
            return data, sw
        try:
            return self.sm.unprotect(self._raw(self.sm.protect(cmd)))
        except SMError as exc:
            self.sm = None  # the session is gone
            raise CardProtocolError(str(exc)) from None

    # -- applet and access
    def select_applet(self) -> None:
        _, sw = self.send(Command(0x00, 0xA4, 0x04, 0x0C, AID_MRTD))
        if sw != SW_OK:
            raise NotAnIdCard(f"SELECT AID → {sw:04X}")

    def authenticate(self, mrz_information: str) -> None:
        """BAC with the MRZ information; WrongKeys when the card refuses."""
        self.sm = None
        k_enc, k_mac = document_keys(mrz_information)
        rnd_ic, sw = self.send(Command(0x00, 0x84, 0x00, 0x00, le=8))
        if sw != SW_OK or len(rnd_ic) != 8:
            raise CardProtocolError(f"GET CHALLENGE → {sw:04X}, {len(rnd_ic)} bytes")
        term = BACTerminal(k_enc, k_mac)
        resp, sw = self.send(Command(0x00, 0x82, 0x00, 0x00, term.command_data(rnd_ic), le=0x28))
        if sw in WRONG_KEY_SW or (sw & 0xFFF0) == 0x63C0:
            raise WrongKeys()
        if sw != SW_OK:
            raise CardProtocolError(f"MUTUAL AUTHENTICATE → {sw:04X}")
        try:
            self.sm = term.finish(resp)
        except BACError as exc:
            raise CardProtocolError(str(exc)) from None

    # -- files
    def select_file(self, name: str) -> None:
        fid = FILES[name]
        _, sw = self.send(Command(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big")))
        if sw == SW_FILE_NOT_FOUND:
            raise FileNotFound(name)
        if sw == SW_SECURITY:
            raise AccessDenied()
        if sw != SW_OK:
            raise CardProtocolError(f"SELECT {name} → {sw:04X}")

    def read_binary(self, offset: int, length: int) -> tuple[bytes, int]:
        if not 0 <= offset <= 0x7FFF:
            raise CardProtocolError(f"offset {offset} out of range")
        return self.send(Command(0x00, 0xB0, offset >> 8, offset & 0xFF, le=length))

    def read_file(self, name: str, progress: Progress | None = None) -> bytes:
        """SELECT then READ BINARY to the end of the file's outer TLV (short answers continue
        from where they stopped)."""
        apdus0, in0 = self.stats.apdus, self.stats.bytes_in
        self.select_file(name)
        buf = bytearray()
        total: int | None = None
        ask = self.block_size
        while total is None or len(buf) < total:
            want = ask if total is None else min(ask, total - len(buf))
            data, sw = self.read_binary(len(buf), want)
            if sw == SW_SECURITY:
                raise AccessDenied()
            if sw in (SW_WRONG_LENGTH,) or (sw >> 8) == 0x6C:
                # The card will not answer past the end: learn the length from the header first.
                exact = sw & 0xFF if (sw >> 8) == 0x6C else 0
                if exact and exact < want:
                    ask = exact
                elif total is None and want > 6:
                    ask = 6  # enough for any tag and length of an LDS file
                elif want > 1:
                    ask = max(1, want // 2)  # a tiny file, or a card stricter than it says
                else:
                    raise CardProtocolError(f"READ BINARY {name} → {sw:04X}")
                continue
            if sw not in (SW_OK, SW_END_OF_FILE):
                raise CardProtocolError(f"READ BINARY {name} @{len(buf)} → {sw:04X}")
            if not data:
                raise CardProtocolError(f"{name}: no data at offset {len(buf)}")
            if len(data) > want:
                raise CardProtocolError(f"{name}: {len(data)} bytes returned for {want} asked")
            buf += data
            if total is None and len(buf) >= 2:
                try:
                    _, length, header = tlv.read_header(bytes(buf))
                except tlv.TLVError:
                    if len(buf) >= 6:
                        raise CardProtocolError(f"{name}: bad TLV header") from None
                else:
                    total = header + length
                    if total > MAX_FILE:
                        raise CardProtocolError(f"{name}: length {total} too large")
                    ask = self.block_size
            # 6282 ("end of file before Le bytes") with a short answer: carry on from where the
            # card stopped; a file that really ends early answers 6B00 to the next read.
            if progress is not None:
                progress(name, min(len(buf), total or len(buf)), total or len(buf))
        data = bytes(buf[:total])
        self.stats.payload += len(data)
        self.stats.per_file[name] = (self.stats.apdus - apdus0, self.stats.bytes_in - in0)
        return data
