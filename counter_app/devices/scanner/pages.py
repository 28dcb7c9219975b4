"""Pages of a component being digitised, and the officer's page operations (pure functions).

A `Page` points at an encoded page file on disk (never pixels in memory). Reorder, delete and
rotate return a new tuple and never touch the files; rotation is a PDF /Rotate, so a JPEG or G4
page is turned without being re-encoded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from counter_app.errors import BadInput

# kind: "jpeg" (DCT bytes as-is), "g4" (single-strip CCITT G4 TIFF, strip copied as-is),
# "raw" (any image file PIL reads, deflated losslessly at build time; `frame` for multi-page TIFF)


@dataclass(frozen=True)
class Page:
    path: Path
    kind: str
    width: int  # pixels
    height: int
    dpi: float  # dots per inch used for the page size
    rotation: int = 0  # clockwise degrees shown by the viewer (0, 90, 180, 270)
    frame: int = 0
    source: str = ""  # file name or "scan:<device>"
    components: int = 1  # colour channels (1 gray / 3 RGB)
    g4_offset: int = 0
    g4_length: int = 0
    black_is_1: bool = False
    bytes: int = 0  # encoded size on disk

    @property
    def size_mm(self) -> tuple[float, float]:
        """Displayed size in millimetres (after rotation)."""
        w, h = self.width / self.dpi * 25.4, self.height / self.dpi * 25.4
        return (h, w) if self.rotation % 180 else (w, h)


Pages = tuple[Page, ...]


def _check_index(pages: Sequence[Page], index: int) -> int:
    if not 0 <= index < len(pages):
        raise BadInput(
            f"không có trang {index + 1} (có {len(pages)} trang) / no page {index + 1} "
            f"(there are {len(pages)})",
            field="page",
        )
    return index


def move(pages: Sequence[Page], src: int, dst: int) -> Pages:
    """Move page `src` so that it ends up at position `dst` (0-based)."""
    _check_index(pages, src)
    _check_index(pages, dst)
    out = list(pages)
    page = out.pop(src)
    out.insert(dst, page)
    return tuple(out)


def reorder(pages: Sequence[Page], order: Sequence[int]) -> Pages:
    """New order given as a permutation of 0-based indices (every page exactly once)."""
    if sorted(order) != list(range(len(pages))):
        raise BadInput(
            "thứ tự trang phải liệt kê mỗi trang đúng một lần / the new order must list every "
            "page exactly once",
            field="order",
        )
    return tuple(pages[i] for i in order)


def delete(pages: Sequence[Page], indices: Sequence[int]) -> Pages:
    for i in indices:
        _check_index(pages, i)
    drop = set(indices)
    return tuple(p for i, p in enumerate(pages) if i not in drop)


def rotate(pages: Sequence[Page], index: int, degrees: int) -> Pages:
    """Turn one page clockwise by a multiple of 90°."""
    _check_index(pages, index)
    if degrees % 90:
        raise BadInput("chỉ xoay theo bội số 90° / rotate by multiples of 90°", field="degrees")
    out = list(pages)
    out[index] = replace(out[index], rotation=(out[index].rotation + degrees) % 360)
    return tuple(out)


def rotate_all(pages: Sequence[Page], degrees: int) -> Pages:
    out: Pages = tuple(pages)
    for i in range(len(out)):
        out = rotate(out, i, degrees)
    return out


def apply(pages: Sequence[Page], op: dict) -> Pages:
    """Apply one operation given as data: {"op": "move"|"reorder"|"delete"|"rotate", …}.

    Page numbers in operations are 1-based, as the officer sees them.
    """
    kind = op.get("op")
    try:
        if kind == "move":
            return move(pages, int(op["from"]) - 1, int(op["to"]) - 1)
        if kind == "reorder":
            return reorder(pages, [int(i) - 1 for i in op["order"]])
        if kind == "delete":
            return delete(pages, [int(i) - 1 for i in op["pages"]])
        if kind == "rotate":
            if "page" in op:
                return rotate(pages, int(op["page"]) - 1, int(op.get("degrees", 90)))
            return rotate_all(pages, int(op.get("degrees", 90)))
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInput(f"thao tác trang không hợp lệ / bad page operation {op!r}: {exc}",
                       field="op") from None
    raise BadInput(f"thao tác trang không rõ / unknown page operation {kind!r}", field="op")
