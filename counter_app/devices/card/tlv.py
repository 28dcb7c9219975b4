"""BER-TLV (ISO 7816-4 / X.690) parsing: multi-byte tags, long-form lengths, nesting.

Bad input (truncated data, impossible lengths, indefinite lengths) raises TLVError, never
anything else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


class TLVError(ValueError):
    """The bytes are not well-formed BER-TLV."""


MAX_DEPTH = 32


@dataclass(frozen=True)
class TLV:
    tag: int
    value: bytes
    header_len: int = 0

    @property
    def constructed(self) -> bool:
        first = self.tag
        while first > 0xFF:
            first >>= 8
        return bool(first & 0x20)

    @property
    def children(self) -> list[TLV]:
        if not self.constructed:
            raise TLVError(f"tag {self.tag:X} is primitive")
        return parse_all(self.value)

    def find(self, tag: int) -> TLV | None:
        """First direct child with this tag."""
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def require(self, tag: int) -> TLV:
        child = self.find(tag)
        if child is None:
            raise TLVError(f"tag {tag:X} missing inside {self.tag:X}")
        return child


def read_tag(buf: bytes, off: int = 0) -> tuple[int, int]:
    """(tag, offset after the tag)."""
    if off >= len(buf):
        raise TLVError("truncated: no tag")
    tag = buf[off]
    off += 1
    if tag & 0x1F == 0x1F:
        count = 0
        while True:
            if off >= len(buf):
                raise TLVError("truncated multi-byte tag")
            b = buf[off]
            tag = (tag << 8) | b
            off += 1
            count += 1
            if count > 3:
                raise TLVError("tag longer than 4 bytes")
            if not b & 0x80:
                break
    return tag, off


def read_length(buf: bytes, off: int) -> tuple[int, int]:
    """(length, offset after the length field)."""
    if off >= len(buf):
        raise TLVError("truncated: no length")
    first = buf[off]
    off += 1
    if first < 0x80:
        return first, off
    n = first & 0x7F
    if n == 0:
        raise TLVError("indefinite length not allowed")
    if n > 4:
        raise TLVError(f"length field of {n} bytes")
    if off + n > len(buf):
        raise TLVError("truncated length field")
    return int.from_bytes(buf[off:off + n], "big"), off + n


def read_header(buf: bytes, off: int = 0) -> tuple[int, int, int]:
    """(tag, value length, header length) from the start of an encoded TLV."""
    tag, p = read_tag(buf, off)
    length, p = read_length(buf, p)
    return tag, length, p - off


def iter_tlv(buf: bytes) -> Iterator[TLV]:
    off = 0
    data = bytes(buf)
    while off < len(data):
        if data[off] in (0x00, 0xFF) and all(b in (0x00, 0xFF) for b in data[off:]):
            return  # padding after the last object (ISO 7816-4 §5.2.2)
        tag, p = read_tag(data, off)
        length, p = read_length(data, p)
        if p + length > len(data):
            raise TLVError(f"tag {tag:X}: value of {length} bytes overruns the data")
        yield TLV(tag, data[p:p + length], p - off)
        off = p + length


def parse_all(buf: bytes) -> list[TLV]:
    return list(iter_tlv(buf))


def parse_one(buf: bytes) -> TLV:
    """Exactly one TLV object (trailing padding allowed)."""
    items = parse_all(buf)
    if len(items) != 1:
        raise TLVError(f"expected one TLV object, found {len(items)}")
    return items[0]


def walk(buf: bytes, depth: int = 0) -> Iterator[TLV]:
    """Every object, depth first (checks the whole tree is well-formed)."""
    if depth > MAX_DEPTH:
        raise TLVError("nesting too deep")
    for item in iter_tlv(buf):
        yield item
        if item.constructed:
            yield from walk(item.value, depth + 1)


def encode_tag(tag: int) -> bytes:
    n = max(1, (tag.bit_length() + 7) // 8)
    return tag.to_bytes(n, "big")


def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def encode(tag: int, value: bytes) -> bytes:
    return encode_tag(tag) + encode_length(len(value)) + value
