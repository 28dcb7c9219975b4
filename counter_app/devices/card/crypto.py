"""ICAO 9303-11 BAC cryptography: key derivation, 2-key 3DES, retail MAC, padding.

Document Basic Access Control uses 2-key Triple-DES in CBC mode with a zero IV (§9.8.6.1) and
ISO/IEC 9797-1 MAC algorithm 3 with DES and padding method 2 (§9.8.6.2).
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

ZERO_IV = bytes(8)
ENC = 1
MAC = 2


class CryptoError(ValueError):
    """Bad padding or a key/data size that cannot be right."""


def adjust_parity(key: bytes) -> bytes:
    """Set each byte's least significant bit so that the byte has odd parity (DES keys)."""
    out = bytearray()
    for b in key:
        high = b & 0xFE
        out.append(high | (0 if bin(high).count("1") % 2 else 1))
    return bytes(out)


def key_seed(mrz_information: str) -> bytes:
    """K_seed: the first 16 bytes of SHA-1 of the MRZ information (§9.7.1)."""
    return hashlib.sha1(mrz_information.encode("ascii")).digest()[:16]


def derive_key(seed: bytes, counter: int) -> bytes:
    """3DES key (16 bytes, parity adjusted) from a seed and counter 1 (enc) or 2 (MAC) (§9.7.1)."""
    digest = hashlib.sha1(seed + counter.to_bytes(4, "big")).digest()
    return adjust_parity(digest[:16])


def pad(data: bytes, block: int = 8) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros up to a multiple of the block size."""
    data = data + b"\x80"
    return data + bytes((-len(data)) % block)


def unpad(data: bytes) -> bytes:
    i = len(data) - 1
    while i >= 0 and data[i] == 0x00:
        i -= 1
    if i < 0 or data[i] != 0x80 or len(data) - i > 8:
        raise CryptoError("bad padding")
    return data[:i]


def _tdes(key: bytes) -> TripleDES:
    """TripleDES with an 8 (single DES), 16 (2-key) or 24-byte key, given as 24 bytes."""
    if len(key) == 8:
        key = key * 3
    elif len(key) == 16:
        key = key + key[:8]
    return TripleDES(key)


def _cipher(key: bytes, iv: bytes = ZERO_IV) -> Cipher:
    return Cipher(_tdes(key), modes.CBC(iv))


def tdes_encrypt(key: bytes, data: bytes, iv: bytes = ZERO_IV) -> bytes:
    if len(data) % 8:
        raise CryptoError("3DES data must be a multiple of 8 bytes")
    enc = _cipher(key, iv).encryptor()
    return enc.update(data) + enc.finalize()


def tdes_decrypt(key: bytes, data: bytes, iv: bytes = ZERO_IV) -> bytes:
    if len(data) % 8 or not data:
        raise CryptoError("3DES data must be a non-empty multiple of 8 bytes")
    dec = _cipher(key, iv).decryptor()
    return dec.update(data) + dec.finalize()


def retail_mac(key: bytes, data: bytes, *, padded: bool = False) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 (DES CBC with Ka, then D(Kb), E(Ka) on the last block)."""
    if len(key) != 16:
        raise CryptoError("retail MAC needs a 16-byte key")
    msg = data if padded else pad(data)
    if len(msg) % 8 or not msg:
        raise CryptoError("MAC input must be a non-empty multiple of 8 bytes")
    ka, kb = key[:8], key[8:]
    last = tdes_encrypt(ka, msg)[-8:]  # a single 8-byte key is single DES
    dec = Cipher(_tdes(kb), modes.ECB()).decryptor()
    h = dec.update(last) + dec.finalize()
    enc = Cipher(_tdes(ka), modes.ECB()).encryptor()
    return enc.update(h) + enc.finalize()
