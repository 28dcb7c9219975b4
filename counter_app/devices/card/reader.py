"""Reading a Vietnamese chip ID card over any transport: SELECT applet, BAC with the first key
the card accepts (at most 3 tried, never in a loop), then DG1, DG13, DG2 and EF.SOD."""

from __future__ import annotations

from dataclasses import dataclass, field

from counter_app.devices.card.errors import WrongKeys
from counter_app.devices.card.icao import (
    DEFAULT_BLOCK,
    FileNotFound,
    IcaoSession,
    Progress,
    Stats,
    Transport,
)

MAX_KEY_ATTEMPTS = 3
DEFAULT_FILES = ("DG1", "DG13", "DG2", "SOD")
# A card missing these is still read: no photo, or passive authentication "failed" without SOD.
OPTIONAL_FILES = frozenset({"DG2", "DG13", "DG14", "DG15", "COM", "SOD"})


@dataclass
class RawDocument:
    files: dict[str, bytes]
    key_index: int  # which key (of those given) opened the card
    stats: Stats = field(default_factory=Stats)
    missing: list[str] = field(default_factory=list)


def read_document(transport: Transport, key_infos: list[str], *,
                  files: tuple[str, ...] = DEFAULT_FILES, progress: Progress | None = None,
                  extended: bool = False, block_size: int = DEFAULT_BLOCK) -> RawDocument:
    """Authenticate with the first accepted key and read the files (optional ones may be absent).

    WrongKeys once every key (at most MAX_KEY_ATTEMPTS) was refused.
    """
    if not key_infos:
        raise WrongKeys("Chưa có khoá truy cập thẻ / no access keys given")
    session = IcaoSession(transport, extended=extended, block_size=block_size)
    session.select_applet()
    opened = None
    for i, key in enumerate(key_infos[:MAX_KEY_ATTEMPTS]):
        if i:
            session.select_applet()  # some chips want a fresh selection after a refusal
        try:
            session.authenticate(key)
        except WrongKeys:
            continue
        opened = i
        break
    if opened is None:
        tried = min(len(key_infos), MAX_KEY_ATTEMPTS)
        extra_vi = f" (đã thử {tried} bộ ngày)" if tried > 1 else ""
        extra_en = f" ({tried} date sets tried)" if tried > 1 else ""
        raise WrongKeys(
            f"Thẻ từ chối khoá truy cập{extra_vi}: kiểm tra số định danh, ngày sinh và ngày hết "
            f"hạn / the card refused the access keys{extra_en}: check the ID number, birth date "
            "and expiry date")
    out: dict[str, bytes] = {}
    missing: list[str] = []
    for name in files:
        try:
            out[name] = session.read_file(name, progress)
        except FileNotFound:
            if name not in OPTIONAL_FILES:
                raise
            missing.append(name)
    return RawDocument(out, opened, session.stats, missing)
