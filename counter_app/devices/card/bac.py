"""ICAO 9303-11 §4.3 Basic Access Control (terminal side)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from counter_app.devices.card.crypto import (
    ENC,
    MAC,
    derive_key,
    key_seed,
    retail_mac,
    tdes_decrypt,
    tdes_encrypt,
)
from counter_app.devices.card.sm import SecureMessaging


class BACError(Exception):
    """The chip's authentication answer is not right (cryptogram, MAC or nonce)."""


def document_keys(mrz_information: str) -> tuple[bytes, bytes]:
    """(K_enc, K_mac) from the MRZ information."""
    seed = key_seed(mrz_information)
    return derive_key(seed, ENC), derive_key(seed, MAC)


@dataclass
class BACTerminal:
    """The terminal's half of BAC: build the MUTUAL AUTHENTICATE data, check the answer."""

    k_enc: bytes
    k_mac: bytes
    rnd_ifd: bytes = b""
    k_ifd: bytes = b""

    def __post_init__(self) -> None:
        self.rnd_ifd = self.rnd_ifd or os.urandom(8)
        self.k_ifd = self.k_ifd or os.urandom(16)

    def command_data(self, rnd_ic: bytes) -> bytes:
        if len(rnd_ic) != 8:
            raise BACError(f"challenge of {len(rnd_ic)} bytes, expected 8")
        self.rnd_ic = rnd_ic
        e_ifd = tdes_encrypt(self.k_enc, self.rnd_ifd + rnd_ic + self.k_ifd)
        return e_ifd + retail_mac(self.k_mac, e_ifd)

    def finish(self, response: bytes) -> SecureMessaging:
        """Verify the chip's E_IC ‖ M_IC and derive the session (keys and SSC)."""
        if len(response) != 40:
            raise BACError(f"authentication answer of {len(response)} bytes, expected 40")
        e_ic, m_ic = response[:32], response[32:]
        if retail_mac(self.k_mac, e_ic) != m_ic:
            raise BACError("bad MAC on the chip's authentication answer")
        r = tdes_decrypt(self.k_enc, e_ic)
        if r[:8] != self.rnd_ic or r[8:16] != self.rnd_ifd:
            raise BACError("the chip's answer does not match the challenges")
        k_ic = r[16:32]
        seed = bytes(a ^ b for a, b in zip(self.k_ifd, k_ic, strict=True))
        ssc = self.rnd_ic[4:] + self.rnd_ifd[4:]
        return SecureMessaging(derive_key(seed, ENC), derive_key(seed, MAC), ssc)
