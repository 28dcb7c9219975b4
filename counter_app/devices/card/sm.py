"""ICAO 9303-11 §9.8 secure messaging (3DES): protect command APDUs, verify and open responses.

Command: CLA | 0x0C, DO'87' (01 ‖ encrypted padded data), DO'97' (Le), DO'8E' (MAC over
SSC ‖ padded header ‖ DOs). Response: DO'87', DO'99' (status), DO'8E'. The send sequence counter
is incremented before each command and each response. Any malformed answer raises SMError.
"""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.devices.card import tlv
from counter_app.devices.card.crypto import (
    CryptoError,
    pad,
    retail_mac,
    tdes_decrypt,
    tdes_encrypt,
    unpad,
)


class SMError(Exception):
    """The card's answer is not valid secure messaging (missing object, bad MAC, bad padding)."""


@dataclass
class Command:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None  # None: no Le; 0 .. 65536 (256/65536 coded as 00/0000)

    def encode(self, *, extended: bool | None = None) -> bytes:
        """Plain ISO 7816-4 encoding (short unless a field needs extended length)."""
        head = bytes([self.cla, self.ins, self.p1, self.p2])
        ext = extended if extended is not None else (
            len(self.data) > 255 or (self.le is not None and self.le > 256))
        out = head
        if ext:
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                le = b"" if self.data else b"\x00"
                out += le + (self.le % 65536).to_bytes(2, "big")
            return out
        if self.data:
            out += bytes([len(self.data)]) + self.data
        if self.le is not None:
            out += bytes([self.le % 256])
        return out


def split_response(resp: bytes) -> tuple[bytes, int]:
    if len(resp) < 2:
        raise SMError(f"response of {len(resp)} bytes has no status word")
    return resp[:-2], int.from_bytes(resp[-2:], "big")


class SecureMessaging:
    """One BAC session: session keys and the send sequence counter."""

    def __init__(self, ks_enc: bytes, ks_mac: bytes, ssc: bytes | int) -> None:
        self.ks_enc = ks_enc
        self.ks_mac = ks_mac
        self.ssc = ssc if isinstance(ssc, int) else int.from_bytes(ssc, "big")

    def _next_ssc(self) -> bytes:
        self.ssc = (self.ssc + 1) % (1 << 64)
        return self.ssc.to_bytes(8, "big")

    @property
    def ssc_bytes(self) -> bytes:
        return self.ssc.to_bytes(8, "big")

    def protect(self, cmd: Command) -> bytes:
        """The protected APDU for a plain command (increments the SSC)."""
        cla = cmd.cla | 0x0C
        header = bytes([cla, cmd.ins, cmd.p1, cmd.p2])
        dos = b""
        if cmd.data:
            enc = tdes_encrypt(self.ks_enc, pad(cmd.data))
            # Odd INS (e.g. B1) would use DO'85'; this reader only sends even INS.
            dos += tlv.encode(0x87, b"\x01" + enc)
        extended = cmd.le is not None and cmd.le > 256
        if cmd.le is not None:
            if extended:
                dos += tlv.encode(0x97, (cmd.le % 65536).to_bytes(2, "big"))
            else:
                dos += tlv.encode(0x97, bytes([cmd.le % 256]))
        ssc = self._next_ssc()
        mac = retail_mac(self.ks_mac, ssc + pad(header) + dos)
        body = dos + tlv.encode(0x8E, mac)
        extended = extended or len(body) > 255
        return Command(cla, cmd.ins, cmd.p1, cmd.p2, body, 65536 if extended else 256).encode(
            extended=extended)

    def unprotect(self, resp: bytes) -> tuple[bytes, int]:
        """(plain data, status word) of a protected response; raises SMError if it is not valid.

        A bare status word other than 9000 (the card reporting an error without SM) is returned
        as is, with empty data: it can only ever mean failure, so it cannot be forged into success.
        The counter still advances, as the card's did.
        """
        body, sw = split_response(resp)
        ssc = self._next_ssc()
        if not body:
            if sw == 0x9000:
                raise SMError("response without secure messaging objects")
            return b"", sw
        try:
            items = tlv.parse_all(body)
        except tlv.TLVError as exc:
            raise SMError(f"malformed SM response: {exc}") from None
        do87 = do99 = do8e = None
        mac_input = b""
        for item in items:
            raw = tlv.encode(item.tag, item.value)
            if item.tag == 0x87 and do87 is None and do8e is None:
                do87 = item.value
                mac_input += raw
            elif item.tag == 0x99 and do99 is None and do8e is None:
                do99 = item.value
                mac_input += raw
            elif item.tag == 0x8E and do8e is None:
                do8e = item.value
            else:
                raise SMError(f"unexpected object {item.tag:X} in SM response")
        if do8e is None:
            raise SMError("SM response without MAC (DO'8E')")
        if do99 is None or len(do99) != 2:
            raise SMError("SM response without a valid status (DO'99')")
        if len(do8e) != 8 or retail_mac(self.ks_mac, ssc + mac_input) != do8e:
            raise SMError("bad MAC on the card's response")
        data = b""
        if do87 is not None:
            if len(do87) < 9 or do87[0] != 0x01 or (len(do87) - 1) % 8:
                raise SMError("malformed encrypted data (DO'87')")
            try:
                data = unpad(tdes_decrypt(self.ks_enc, do87[1:]))
            except CryptoError as exc:
                raise SMError(f"encrypted data: {exc}") from None
        inner_sw = int.from_bytes(do99, "big")
        return data, inner_sw
