"""LDS data groups of the Vietnamese card: DG1 (MRZ), DG2 (face image), DG13 (personal data).

Everything is parsed with the BER-TLV parser; malformed content raises LDSError.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from counter_app.devices.card import tlv


class LDSError(ValueError):
    """A data group's content is not what the standard (or the card's known layout) says."""


# ----------------------------------------------------------------------------- DG1


def parse_dg1(data: bytes) -> str:
    """The MRZ text of DG1 (3 lines of 30 for TD1)."""
    try:
        outer = tlv.parse_one(data)
        if outer.tag != 0x61:
            raise LDSError(f"DG1 tag {outer.tag:X}, expected 61")
        mrz = outer.require(0x5F1F).value
    except tlv.TLVError as exc:
        raise LDSError(f"DG1: {exc}") from None
    try:
        text = mrz.decode("ascii")
    except UnicodeDecodeError:
        raise LDSError("DG1: MRZ is not ASCII") from None
    if len(text) == 90:
        return "\n".join((text[0:30], text[30:60], text[60:90]))
    if len(text) == 88:
        return "\n".join((text[0:44], text[44:88]))
    raise LDSError(f"DG1: MRZ of {len(text)} characters")


# ----------------------------------------------------------------------------- DG2

JPEG_MAGIC = b"\xff\xd8\xff"
JP2_MAGIC = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
J2K_MAGIC = b"\xff\x4f\xff\x51"


@dataclass(frozen=True)
class FaceImage:
    format: str  # "jpeg" | "jpeg2000"
    data: bytes
    width: int | None = None
    height: int | None = None


def _image_format(data: bytes) -> str | None:
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(JP2_MAGIC) or data.startswith(J2K_MAGIC):
        return "jpeg2000"
    return None


def parse_dg2(data: bytes) -> FaceImage:
    """The first face image of DG2 (75 → 7F61 → 7F60 → 5F2E/7F2E → ISO 19794-5 record)."""
    try:
        outer = tlv.parse_one(data)
        if outer.tag != 0x75:
            raise LDSError(f"DG2 tag {outer.tag:X}, expected 75")
        group = outer.require(0x7F61)
        bit = group.find(0x7F60)
        if bit is None:
            raise LDSError("DG2 has no biometric template")
        block = bit.find(0x5F2E) or bit.find(0x7F2E)
        if block is None:
            raise LDSError("DG2 has no biometric data block")
        record = block.value
    except tlv.TLVError as exc:
        raise LDSError(f"DG2: {exc}") from None
    return parse_iso19794_5(record)


def parse_iso19794_5(record: bytes) -> FaceImage:
    """The image of an ISO/IEC 19794-5 facial record ('FAC\\0' '010\\0' …)."""
    if len(record) < 14 or record[:4] != b"FAC\x00":
        raise LDSError("face record does not start with 'FAC'")
    pos = 14
    if len(record) < pos + 20:
        raise LDSError("face record truncated (facial information)")
    block_len = int.from_bytes(record[pos:pos + 4], "big")
    n_points = int.from_bytes(record[pos + 4:pos + 6], "big")
    info = pos + 20 + 8 * n_points
    if len(record) < info + 12:
        raise LDSError("face record truncated (image information)")
    data_type = record[info + 1]
    width = int.from_bytes(record[info + 2:info + 4], "big")
    height = int.from_bytes(record[info + 4:info + 6], "big")
    start = info + 12
    end = pos + block_len if pos + block_len <= len(record) and block_len > start - pos else len(
        record)
    image = record[start:end]
    fmt = _image_format(image)
    if fmt is None:
        raise LDSError(f"face image is neither JPEG nor JPEG 2000 (type {data_type})")
    return FaceImage(fmt, image, width or None, height or None)


# ----------------------------------------------------------------------------- DG13

_STRING_TAGS = {0x0C: "utf-8", 0x13: "latin-1", 0x16: "latin-1", 0x14: "latin-1",
                0x1A: "latin-1", 0x1E: "utf-16-be", 0x04: "utf-8"}


@dataclass
class PersonalData:
    id_number: str | None = None
    full_name: str | None = None
    date_of_birth: dt.date | None = None
    sex: str | None = None
    nationality: str | None = None
    ethnicity: str | None = None
    religion: str | None = None
    place_of_origin: str | None = None
    place_of_residence: str | None = None
    identifying_marks: str | None = None
    issue_date: dt.date | None = None
    expiry_date: dt.date | None = None
    no_expiry: bool = False
    father_name: str | None = None
    mother_name: str | None = None
    spouse_name: str | None = None
    old_id_number: str | None = None
    raw: dict[int, list[str]] | None = None
    problems: list[str] | None = None


def _text(item: tlv.TLV) -> str | None:
    enc = _STRING_TAGS.get(item.tag)
    if enc is None:
        return None
    try:
        s = item.value.decode(enc)
    except UnicodeDecodeError:
        raise LDSError(f"DG13: string tag {item.tag:X} is not valid {enc}") from None
    return unicodedata.normalize("NFC", s).strip()


def _strings(item: tlv.TLV, depth: int = 0) -> list[str]:
    if depth > 8:
        raise LDSError("DG13 nested too deep")
    s = _text(item)
    if s is not None:
        return [s]
    if item.constructed:
        out: list[str] = []
        for child in item.children:
            out += _strings(child, depth + 1)
        return out
    return []


def _entries(items: list[tlv.TLV], out: dict[int, list[str]], depth: int = 0) -> None:
    if depth > 8:
        raise LDSError("DG13 nested too deep")
    for item in items:
        if not item.constructed:
            continue
        children = item.children
        if (item.tag == 0x30 and children and children[0].tag == 0x02
                and 1 <= len(children[0].value) <= 2
                and all(c.tag in _STRING_TAGS or c.tag in (0x30, 0x31) for c in children[1:])
                and not any(c.tag == 0x06 for c in children)):
            n = int.from_bytes(children[0].value, "big")
            values: list[str] = []
            for c in children[1:]:
                values += _strings(c, depth + 1)
            out.setdefault(n, []).extend(values)
        else:
            _entries(children, out, depth + 1)


def _date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    s = text.strip().replace("-", "/").replace(".", "/")
    parts = s.split("/")
    try:
        if len(parts) == 3:
            d, m, y = (int(p) for p in parts)
            return dt.date(y, m, d)
        if len(s) == 8 and s.isdigit():
            return dt.date(int(s[4:]), int(s[2:4]), int(s[:2]))
    except ValueError:
        pass
    raise LDSError(f"DG13: {what} '{text}' is not a date dd/mm/yyyy")


def _lenient_date(text: str | None, what: str, problems: list[str]) -> dt.date | None:
    try:
        return _date(text, what)
    except LDSError as exc:
        problems.append(str(exc))
        return None


def _is_no_expiry(text: str | None) -> bool:
    if not text:
        return False
    low = unicodedata.normalize("NFC", text).casefold()
    return "không thời hạn" in low or "khong thoi han" in low or low.startswith("31/12/2099")


def parse_dg13(data: bytes) -> PersonalData:
    try:
        outer = tlv.parse_one(data)
        if outer.tag != 0x6D:
            raise LDSError(f"DG13 tag {outer.tag:X}, expected 6D")
        entries: dict[int, list[str]] = {}
        _entries(outer.children, entries)
    except tlv.TLVError as exc:
        raise LDSError(f"DG13: {exc}") from None
    if not entries:
        raise LDSError("DG13 has no entries")

    def one(n: int) -> str | None:
        vals = [v for v in entries.get(n, []) if v]
        return vals[0] if vals else None

    parents = list(entries.get(13, []))
    expiry_text = one(12)
    problems: list[str] = []
    p = PersonalData(
        id_number=one(1), full_name=one(2),
        date_of_birth=_lenient_date(one(3), "date of birth", problems),
        sex=one(4), nationality=one(5), ethnicity=one(6), religion=one(7),
        place_of_origin=one(8), place_of_residence=one(9), identifying_marks=one(10),
        issue_date=_lenient_date(one(11), "issue date", problems),
        no_expiry=_is_no_expiry(expiry_text),
        spouse_name=one(14), old_id_number=one(15), raw=entries, problems=problems,
    )
    if not p.no_expiry:
        p.expiry_date = _lenient_date(expiry_text, "expiry date", problems)
    p.father_name = (parents[0] or None) if len(parents) > 0 else None
    p.mother_name = (parents[1] or None) if len(parents) > 1 else None
    return p


# ----------------------------------------------------------------------------- builders
# Used by the test card emulator and the demo; kept here so the layout lives in one place.


def build_dg1(mrz: str) -> bytes:
    return tlv.encode(0x61, tlv.encode(0x5F1F, mrz.replace("\n", "").encode("ascii")))


def build_dg2(image: bytes, *, width: int = 240, height: int = 320, jpeg2000: bool = False) -> bytes:
    info = bytes(20)
    info = (len(info) + 12 + len(image)).to_bytes(4, "big") + info[4:]
    image_info = bytes([1, 1 if jpeg2000 else 0]) + width.to_bytes(2, "big") + \
        height.to_bytes(2, "big") + bytes([1, 2]) + bytes(4)
    body = info + image_info + image
    record = b"FAC\x00010\x00" + (14 + len(body)).to_bytes(4, "big") + b"\x00\x01" + body
    bit = tlv.encode(0x7F60, tlv.encode(0xA1, tlv.encode(0x80, b"\x01\x01"))
                     + tlv.encode(0x5F2E, record))
    return tlv.encode(0x75, tlv.encode(0x7F61, tlv.encode(0x02, b"\x01") + bit))


def build_dg13(fields: dict[int, str | tuple[str, ...]]) -> bytes:
    """DG13 as reported for CCCD: SEQUENCE{INTEGER 1, OID, SET OF SEQUENCE{INTEGER n, value}}."""
    items = b""
    for n in sorted(fields):
        value = fields[n]
        if isinstance(value, tuple):
            inner = b"".join(tlv.encode(0x0C, v.encode("utf-8")) for v in value)
            enc = tlv.encode(0x30, inner)
        else:
            enc = tlv.encode(0x0C, value.encode("utf-8"))
        items += tlv.encode(0x30, tlv.encode(0x02, bytes([n])) + enc)
    oid = tlv.encode(0x06, bytes.fromhex("28D316010008"))
    body = tlv.encode(0x02, b"\x01") + oid + tlv.encode(0x31, items)
    return tlv.encode(0x6D, tlv.encode(0x30, body))
