"""A streaming PDF writer for scanned pages: one image per page, embedded without re-encoding.

JPEG pages go in as DCTDecode and bilevel pages as CCITT G4 exactly as encoded (their bytes are
copied from the page file in chunks); other images are deflated losslessly row block by row block.
Each page is written as soon as it is added, so memory stays flat whatever the page count
(img2pdf, by contrast, builds the whole document in memory before writing it).
The output has no timestamps: the same pages give the same bytes, hence the same SHA-256.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 16


class PdfPageWriter:
    """Write pages to `out` (a binary file opened for writing); call `close()` to finish."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._offsets: dict[int, int] = {}
        self._pos = 0
        self._kids: list[int] = []
        self._next = 3  # 1 = catalog, 2 = pages tree (written last)
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self._closed = False

    @property
    def page_count(self) -> int:
        return len(self._kids)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._pos += len(data)

    def _begin(self, num: int) -> None:
        self._offsets[num] = self._pos
        self._write(b"%d 0 obj\n" % num)

    def _alloc(self) -> int:
        n = self._next
        self._next += 1
        return n

    def _page(self, image_dict: bytes, writer, width_pt: float, height_pt: float,
              rotate: int) -> None:  # type: ignore[no-untyped-def]
        img, content, page = self._alloc(), self._alloc(), self._alloc()
        # image XObject: the dictionary's /Length is known before the stream
        self._begin(img)
        length, body = writer
        self._write(image_dict + b" /Length %d >>\nstream\n" % length)
        written = body(self._write)
        if written != length:
            raise ValueError(f"image stream length {written} != {length}")
        self._write(b"\nendstream\nendobj\n")
        ops = b"q %s 0 0 %s 0 0 cm /Im0 Do Q" % (_num(width_pt), _num(height_pt))
        self._begin(content)
        self._write(b"<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(ops), ops))
        self._begin(page)
        rot = b" /Rotate %d" % (rotate % 360) if rotate % 360 else b""
        self._write(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources << /XObject "
            b"<< /Im0 %d 0 R >> >> /Contents %d 0 R%s >>\nendobj\n"
            % (_num(width_pt), _num(height_pt), img, content, rot)
        )
        self._kids.append(page)

    def add_jpeg(self, path: Path, *, width: int, height: int, components: int,
                 width_pt: float, height_pt: float, rotate: int = 0) -> None:
        cs = {1: b"/DeviceGray", 3: b"/DeviceRGB"}.get(components)
        if cs is None:
            raise ValueError(f"unsupported JPEG with {components} components")
        size = Path(path).stat().st_size
        head = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
                b"/BitsPerComponent 8 /Filter /DCTDecode" % (width, height, cs))
        self._page(head, (size, _copy_file(path)), width_pt, height_pt, rotate)

    def add_g4(self, data_path: Path, offset: int, length: int, *, width: int, height: int,
               black_is_1: bool, width_pt: float, height_pt: float, rotate: int = 0) -> None:
        head = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d "
                b"/Rows %d /BlackIs1 %s >>"
                % (width, height, width, height, b"true" if black_is_1 else b"false"))
        self._page(head, (length, _copy_range(data_path, offset, length)), width_pt, height_pt,
                   rotate)

    def add_raw(self, image, *, width_pt: float, height_pt: float,  # type: ignore[no-untyped-def]
                rotate: int = 0) -> None:
        """A decoded PIL image in mode 1, L or RGB, deflated losslessly."""
        mode = image.mode
        bpc, cs = {"1": (1, b"/DeviceGray"), "L": (8, b"/DeviceGray"),
                   "RGB": (8, b"/DeviceRGB")}[mode]
        w, h = image.size
        comp = zlib.compressobj(6)
        # compress in row blocks: the compressed stream is held (its /Length goes first), the raw
        # pixels of the whole page are not duplicated
        parts: list[bytes] = []
        rows = max(1, (1 << 20) // max(1, len(image.crop((0, 0, w, 1)).tobytes())))
        for top in range(0, h, rows):
            block = image.crop((0, top, w, min(h, top + rows))).tobytes()
            if mode == "1":
                pass  # PIL packs mode 1 rows MSB first, 1 = white: matches /DeviceGray 1-bit
            parts.append(comp.compress(block))
        parts.append(comp.flush())
        data = b"".join(parts)
        head = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
                b"/BitsPerComponent %d /Filter /FlateDecode" % (w, h, cs, bpc))

        def body(write):  # type: ignore[no-untyped-def]
            write(data)
            return len(data)

        self._page(head, (len(data), body), width_pt, height_pt, rotate)

    def close(self) -> None:
        if self._closed:
            return
        if not self._kids:
            raise ValueError("a PDF needs at least one page")
        self._closed = True
        self._begin(1)
        self._write(b"<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        self._begin(2)
        kids = b" ".join(b"%d 0 R" % k for k in self._kids)
        self._write(b"<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n" % (kids, len(self._kids)))
        info = self._alloc()
        self._begin(info)
        self._write(b"<< /Producer (counter-app) >>\nendobj\n")
        xref = self._pos
        count = self._next
        lines = [b"xref\n0 %d\n" % count, b"0000000000 65535 f \n"]
        for num in range(1, count):
            lines.append(b"%010d 00000 n \n" % self._offsets[num])
        self._write(b"".join(lines))
        self._write(b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                    % (count, info, xref))
        self._out.flush()


def _num(value: float) -> bytes:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.encode()


def _copy_file(path: Path):  # type: ignore[no-untyped-def]
    def body(write):  # type: ignore[no-untyped-def]
        n = 0
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                write(chunk)
                n += len(chunk)
        return n

    return body


def _copy_range(path: Path, offset: int, length: int):  # type: ignore[no-untyped-def]
    def body(write):  # type: ignore[no-untyped-def]
        n = 0
        with open(path, "rb") as fh:
            fh.seek(offset)
            while n < length:
                chunk = fh.read(min(CHUNK, length - n))
                if not chunk:
                    break
                write(chunk)
                n += len(chunk)
        return n

    return body
