"""Image side of digitisation: scan profiles, file checks, page encoding, PDF assembly, thumbnails.

Everything works one page at a time on files in a scratch directory: a page is decoded, cleaned
(auto-crop, optional deskew, paper whitening), encoded once (grey/colour JPEG or bilevel CCITT G4)
and dropped from memory before the next one. Files brought by the officer keep their encoding when
the PDF can carry it (JPEG as DCT, bilevel TIFF as G4); anything else is deflated losslessly.

Pillow and pypdf are imported inside the functions (cold start of the CLI).
"""

from __future__ import annotations

import os
import struct
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from counter_app.devices.scanner.pages import Page
from counter_app.errors import BadInput, NotAvailable

MAX_PIXELS = 150_000_000  # per page: 600 dpi A3 colour is ~70 M
A4_IN = (210 / 25.4, 297 / 25.4)
MIMES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
}


# --- profiles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanProfile:
    """How one kind of paper is scanned and encoded."""

    name: str
    mode: str  # gray | color | lineart
    resolution: int
    encoding: str  # jpeg | g4
    quality: int = 60  # JPEG quality
    # Per-A4-page byte budget: JPEG quality steps down (not below min_quality) to meet it.
    budget: int | None = None
    min_quality: int = 35
    # Over budget even at min_quality: store the page as bilevel G4 instead, if thresholding it
    # changes pixels by less than this on average (plain print; a photo or a grey stamp keeps
    # the JPEG). None = never.
    bilevel_fallback: float | None = None
    auto_crop: bool = True
    deskew: bool = False
    whiten: bool = True  # push paper-white to pure white (smaller JPEG, cleaner print)

    def with_overrides(self, **kw: Any) -> ScanProfile:
        return replace(self, **{k: v for k, v in kw.items() if v is not None})


PROFILES: dict[str, ScanProfile] = {
    # Typed or handwritten pages: 200 dpi grey JPEG (≈ ≤ 150 KB per A4 page, docs/DESIGN.md §4.7).
    "text": ScanProfile("text", "gray", 200, "jpeg", quality=60, budget=150_000,
                        bilevel_fallback=12.0),
    # Photos, colour certificates, stamps that must stay red: colour JPEG.
    "photo": ScanProfile("photo", "color", 200, "jpeg", quality=75, whiten=False),
    # Plain black-on-white print, smallest files: bilevel CCITT G4.
    "bilevel": ScanProfile("bilevel", "lineart", 200, "g4"),
}

_PHOTO_WORDS = ("anh ", "anh chan dung", "hinh", "the mau", "ban mau", "photo")


def profile_for_component(name: str | None) -> ScanProfile:
    """The default profile for a component of the catalog, from its name ("02 ảnh 4x6" → photo)."""
    if not name:
        return PROFILES["text"]
    from counter_app.domain.text import fold

    key = f" {fold(name)} "
    if any(f" {w}" in key for w in _PHOTO_WORDS) and " ban sao " not in key:
        return PROFILES["photo"]
    return PROFILES["text"]


def get_profile(name: str) -> ScanProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise BadInput(
            f"không có cấu hình quét '{name}' / unknown scan profile '{name}' "
            f"({', '.join(PROFILES)})",
            field="profile",
        ) from None


# --- checking files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    path: Path
    kind: str  # pdf | jpeg | png | tiff
    pages: int
    size: int

    @property
    def mime(self) -> str:
        return MIMES[self.kind]


def sniff(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return None
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


def _damaged(path: Path, why: str) -> BadInput:
    return BadInput(
        f"tệp '{path.name}' bị hỏng hoặc không đọc được ({why}) / damaged or unreadable file "
        f"'{path.name}' ({why})",
        field="file",
    )


def inspect_file(path: Path | str, *, max_bytes: int, max_pages: int) -> SourceFile:
    """Check one file the officer attaches: a complete PDF/JPEG/PNG/TIFF within the limits."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotAvailable(f"không có tệp / no such file: {path}") from None
    if not path.is_file():
        raise BadInput(f"không phải tệp / not a file: {path}", field="file")
    if size == 0:
        raise _damaged(path, "tệp rỗng / empty")
    if size > max_bytes:
        raise BadInput(
            f"tệp '{path.name}' quá lớn: {size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB / file "
            "too large",
            field="file",
        )
    kind = sniff(path)
    if kind is None:
        raise BadInput(
            f"tệp '{path.name}' không phải PDF, JPEG, PNG hoặc TIFF / '{path.name}' is not a "
            "PDF, JPEG, PNG or TIFF file",
            field="file",
        )
    pages = _check_pdf(path) if kind == "pdf" else _check_image(path)
    if pages > max_pages:
        raise BadInput(
            f"tệp '{path.name}' có {pages} trang, tối đa {max_pages} / too many pages "
            f"({pages} > {max_pages})",
            field="file",
        )
    return SourceFile(path, kind, pages, size)


def _check_pdf(path: Path) -> int:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - 2048))
        if b"%%EOF" not in fh.read():
            raise _damaged(path, "PDF bị cắt cụt / truncated PDF")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            raise BadInput(
                f"PDF '{path.name}' có mật khẩu, không lưu được / '{path.name}' is "
                "password-protected",
                field="file",
            )
        count = len(reader.pages)
        for page in reader.pages:
            box = page.mediabox
            if float(box.width) <= 0 or float(box.height) <= 0:
                raise _damaged(path, "trang không có kích thước / page without a size")
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
    except BadInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError, AssertionError) as exc:
        raise _damaged(path, f"PDF: {exc}") from None
    if count == 0:
        raise _damaged(path, "PDF không có trang nào / PDF without pages")
    return count


def _open_image(path: Path):  # -> PIL.Image.Image
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadInput(f"ảnh '{path.name}' quá lớn / image too large", field="file") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise _damaged(path, str(exc)) from None
    return img


def _check_image(path: Path) -> int:
    """Fully decode every frame (a truncated JPEG or a bad PNG CRC is caught here)."""
    from PIL import Image

    try:
        with _open_image(path) as img:
            img.verify()
        with _open_image(path) as img:
            frames = getattr(img, "n_frames", 1)
            for i in range(frames):
                img.seek(i)
                w, h = img.size
                if w * h > MAX_PIXELS or w < 8 or h < 8:
                    raise BadInput(
                        f"ảnh '{path.name}' có kích thước bất thường {w}×{h} / unusual image size",
                        field="file",
                    )
                img.load()
    except BadInput:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, EOFError,
            struct.error) as exc:
        raise _damaged(path, str(exc)) from None
    return frames


# --- page geometry -------------------------------------------------------------------------------


def page_dpi(width: int, height: int, dpi: float | None) -> float:
    """The DPI to lay a page out with: its own if plausible, else what fits it into A4."""
    if dpi and 50 <= dpi <= 2400:
        w_mm, h_mm = width / dpi * 25.4, height / dpi * 25.4
        if max(w_mm, h_mm) <= 432 and min(w_mm, h_mm) >= 20:
            return float(dpi)
    long_px, short_px = max(width, height), min(width, height)
    return max(long_px / A4_IN[1], short_px / A4_IN[0])


def _info_dpi(img: Any) -> float | None:
    dpi = img.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and dpi[0]:
        try:
            return float(dpi[0])
        except (TypeError, ValueError):
            return None
    return None


_EXIF_ROTATION = {3: 180, 6: 90, 8: 270}


# --- pages from files the officer brings -----------------------------------------------------


def pages_from_image(src: SourceFile, workdir: Path) -> list[Page]:
    """Pages of a JPEG/PNG/TIFF, embedded as they are whenever the PDF can carry them."""
    out: list[Page] = []
    with _open_image(src.path) as img:
        if src.kind == "jpeg":
            orientation = img.getexif().get(0x0112, 1)
            if img.mode in ("L", "RGB") and orientation in (1, 3, 6, 8):
                w, h = img.size
                out.append(Page(src.path, "jpeg", w, h, page_dpi(w, h, _info_dpi(img)),
                                rotation=_EXIF_ROTATION.get(orientation, 0),
                                source=src.path.name, components=1 if img.mode == "L" else 3,
                                bytes=src.size))
                return out
            # CMYK, mirrored orientation…: normalise once, losslessly
            from PIL import ImageOps

            fixed = ImageOps.exif_transpose(img).convert("RGB")
            dst = workdir / f"{len(os.listdir(workdir)):05d}.png"
            fixed.save(dst, "PNG")
            w, h = fixed.size
            return [Page(dst, "raw", w, h, page_dpi(w, h, _info_dpi(img)), source=src.path.name,
                         components=3, bytes=dst.stat().st_size)]
        frames = getattr(img, "n_frames", 1)
        for i in range(frames):
            img.seek(i)
            w, h = img.size
            dpi = page_dpi(w, h, _info_dpi(img))
            if src.kind == "tiff" and img.mode == "1":
                # re-pack bilevel frames as single-strip G4: lossless for 1-bit images
                frame = img.copy()
                page = encode_g4(frame, workdir / f"{len(os.listdir(workdir)):05d}.tif", dpi)
                out.append(replace(page, source=src.path.name))
                continue
            out.append(Page(src.path, "raw", w, h, dpi, frame=i, source=src.path.name,
                            components=1 if img.mode in ("1", "L", "LA") else 3,
                            bytes=src.size // frames))
    return out


# --- cleaning and encoding scanned pages ---------------------------------------------------


def auto_crop(img):  # type: ignore[no-untyped-def]
    """Trim the scanner lid / backing around the paper.

    The border colour is read from the outermost pixels; if it is dark (lid, ADF backing, a table
    under a phone photo) everything that differs from it clearly is the paper and the image is
    cropped to it, with a small margin. A light border means paper reaches the edges: no crop
    (cropping a white page to its text would change the document's size).
    """
    from PIL import ImageChops, ImageFilter, ImageStat

    gray = img.convert("L")
    w, h = gray.size
    scale = max(1, max(w, h) // 600)
    small = gray.reduce(scale) if scale > 1 else gray
    sw, sh = small.size
    if sw < 16 or sh < 16:
        return img
    edge = max(1, min(sw, sh) // 100)
    strips = [small.crop((0, 0, sw, edge)), small.crop((0, sh - edge, sw, sh)),
              small.crop((0, 0, edge, sh)), small.crop((sw - edge, 0, sw, sh))]
    stats = [ImageStat.Stat(s) for s in strips]
    # a lid is one flat dark colour; a patterned edge (a form's frame, a grid) is not a border
    flat = [int(st.median[0]) for st in stats if st.stddev[0] < 25 and st.median[0] < 160]
    if len(flat) < 3:
        return img
    border = sorted(flat)[len(flat) // 2]
    diff = ImageChops.difference(small, small.point(lambda _v: border))
    mask = diff.point(lambda v: 255 if v > 60 else 0).filter(ImageFilter.MedianFilter(5))
    box = mask.getbbox()
    if box is None:
        return img
    bw, bh = box[2] - box[0], box[3] - box[1]
    if bw * bh < 0.15 * sw * sh or (bw >= sw - 2 * edge and bh >= sh - 2 * edge):
        return img
    pad = edge
    left = max(0, (box[0] + pad) * scale)
    top = max(0, (box[1] + pad) * scale)
    right = min(w, (box[2] - pad) * scale)
    bottom = min(h, (box[3] - pad) * scale)
    if right - left < 16 or bottom - top < 16:
        return img
    return img.crop((left, top, right, bottom))


def deskew(img, *, max_angle: float = 5.0, step: float = 0.25):  # type: ignore[no-untyped-def]
    """Straighten text lines: the angle whose row profile has the highest variance wins.

    Returns (image, angle in degrees; 0.0 when already straight or undecidable).
    """
    from PIL import Image, ImageOps, ImageStat

    gray = img.convert("L")
    w, h = gray.size
    scale = max(1, max(w, h) // 800)
    small = gray.reduce(scale) if scale > 1 else gray
    ink = ImageOps.invert(small).point(lambda v: 255 if v > 96 else 0)

    def score(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=False)
        rows = turned.resize((1, turned.size[1]), Image.Resampling.BOX)
        return ImageStat.Stat(rows).var[0]

    base = score(0.0)
    best, best_angle = base, 0.0
    n = int(max_angle / step)
    for i in range(-n, n + 1):
        angle = i * step
        if angle == 0:
            continue
        s = score(angle)
        if s > best:
            best, best_angle = s, angle
    if best_angle == 0.0 or best < base * 1.05:
        return img, 0.0
    fill = 255 if img.mode in ("L", "1") else (255, 255, 255)
    return img.rotate(best_angle, resample=Image.Resampling.BILINEAR, expand=False,
                      fillcolor=fill), best_angle


def whiten(img, *, white: int = 200):  # type: ignore[no-untyped-def]
    """Stretch levels so paper (≥ `white`) becomes pure white; ink keeps its contrast."""
    lut = [255 if v >= white else int(v * 255 / white) for v in range(256)]
    if img.mode == "RGB":
        return img.point(lut * 3)
    return img.point(lut)


def otsu_threshold(gray) -> int:  # type: ignore[no-untyped-def]
    hist = gray.histogram()[:256]
    total = sum(hist)
    sum_all = sum(i * c for i, c in enumerate(hist))
    w_b = sum_b = 0
    best, threshold = -1.0, 128
    for t in range(256):
        w_b += hist[t]
        if w_b == 0:
            continue
        w_f = total - w_b
        if w_f == 0:
            break
        sum_b += t * hist[t]
        m_b, m_f = sum_b / w_b, (sum_all - sum_b) / w_f
        between = w_b * w_f * (m_b - m_f) ** 2
        if between > best:
            best, threshold = between, t
    return threshold


def bilevel_error(gray) -> float:  # type: ignore[no-untyped-def]
    """Mean change (0–255) that thresholding would make: ~10 for print, 50+ for photos."""
    from PIL import ImageChops, ImageStat

    if gray.mode != "L":
        gray = gray.convert("L")
    t = otsu_threshold(gray)
    binary = gray.point(lambda v: 255 if v > t else 0)
    return float(ImageStat.Stat(ImageChops.difference(gray, binary)).mean[0])


def encode_g4(img, dst: Path, dpi: float) -> Page:  # type: ignore[no-untyped-def]
    """Write a bilevel single-strip G4 TIFF and describe where its strip lies (for the PDF)."""
    from PIL import Image

    if img.mode != "1":
        gray = img.convert("L")
        t = otsu_threshold(gray)
        img = gray.point(lambda v: 255 if v > t else 0).convert("1", dither=Image.Dither.NONE)
    w, h = img.size
    img.save(dst, "TIFF", compression="group4", dpi=(dpi, dpi), tiffinfo={278: h})
    with Image.open(dst) as tif:
        offsets = tif.tag_v2.get(273)
        counts = tif.tag_v2.get(279)
        photometric = tif.tag_v2.get(262, 0)
    if not offsets or len(offsets) != 1:
        raise ValueError("G4 TIFF is not single-strip")
    return Page(dst, "g4", w, h, dpi, components=1, g4_offset=int(offsets[0]),
                g4_length=int(counts[0]), black_is_1=photometric == 1,
                bytes=int(counts[0]))


def process_scan(src: Path, profile: ScanProfile, dst_stem: Path, *, dpi: float,
                 source: str = "scan") -> Page:
    """Clean and encode one scanned page file (PNM); the caller deletes `src` afterwards."""
    from PIL import Image

    try:
        with Image.open(src) as raw:
            raw.load()
            img = raw if raw.mode in ("L", "RGB", "1") else raw.convert("RGB")
            if img.mode == "1":
                img = img.convert("L")
            if profile.mode == "gray" and img.mode == "RGB":
                img = img.convert("L")
            if profile.auto_crop:
                img = auto_crop(img)
            if profile.deskew:
                img, _angle = deskew(img)
            if profile.encoding == "g4":
                return replace(encode_g4(img, dst_stem.with_suffix(".tif"), dpi), source=source)
            if profile.whiten:
                img = whiten(img)
            dst = dst_stem.with_suffix(".jpg")
            w, h = img.size
            budget = None
            if profile.budget:
                area = (w / dpi) * (h / dpi) / (A4_IN[0] * A4_IN[1])
                budget = profile.budget * max(area, 0.05)
            steps = [profile.quality]
            if budget is not None and profile.min_quality < profile.quality:
                steps += [(profile.quality + profile.min_quality) // 2, profile.min_quality]
            for quality in steps:
                img.save(dst, "JPEG", quality=quality, optimize=True, dpi=(dpi, dpi))
                if budget is None or dst.stat().st_size <= budget:
                    break
            if (budget is not None and profile.bilevel_fallback is not None
                    and dst.stat().st_size > budget
                    and bilevel_error(img) < profile.bilevel_fallback):
                dst.unlink()
                g4 = encode_g4(img, dst_stem.with_suffix(".tif"), dpi)
                return replace(g4, source=source)
            return Page(dst, "jpeg", w, h, dpi, source=source,
                        components=1 if img.mode == "L" else 3, bytes=dst.stat().st_size)
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadInput(f"trang quét bị hỏng / a scanned page is unreadable: {exc}",
                       field="page") from None


# --- the component PDF -----------------------------------------------------------------------


def build_pdf(pages: list[Page] | tuple[Page, ...], out: Path) -> int:
    """Write all pages into one PDF at `out` (fsynced). Returns the page count."""
    from counter_app.devices.scanner.pdfwriter import PdfPageWriter

    if not pages:
        raise BadInput("không có trang nào để lưu / no pages to store", field="pages")
    with open(out, "wb") as fh:
        writer = PdfPageWriter(fh)
        for p in pages:
            w_pt, h_pt = p.width / p.dpi * 72, p.height / p.dpi * 72
            if p.kind == "jpeg":
                writer.add_jpeg(p.path, width=p.width, height=p.height, components=p.components,
                                width_pt=w_pt, height_pt=h_pt, rotate=p.rotation)
            elif p.kind == "g4":
                writer.add_g4(p.path, p.g4_offset, p.g4_length, width=p.width, height=p.height,
                              black_is_1=p.black_is_1, width_pt=w_pt, height_pt=h_pt,
                              rotate=p.rotation)
            else:
                writer.add_raw(_raw_pixels(p), width_pt=w_pt, height_pt=h_pt, rotate=p.rotation)
        writer.close()
        fh.flush()
        os.fsync(fh.fileno())
    return len(pages)


def _raw_pixels(p: Page):  # type: ignore[no-untyped-def]
    from PIL import Image

    with Image.open(p.path) as img:
        if p.frame:
            img.seek(p.frame)
        img.load()
        if img.mode == "1":
            return img.copy()
        if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
            rgba = img.convert("RGBA")
            base = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            flat = Image.alpha_composite(base, rgba)
            return flat.convert("L" if p.components == 1 else "RGB")
        if img.mode in ("L", "I;16", "I", "F"):
            return img.convert("L") if img.mode != "L" else img.copy()
        return img.convert("RGB")


# --- thumbnails for the terminal -------------------------------------------------------------


def thumbnail(page: Page, max_px: int = 96):  # type: ignore[no-untyped-def]
    """A small PIL image of the page as the viewer shows it (rotation applied)."""
    from PIL import Image

    with Image.open(page.path) as img:
        if page.kind == "raw" and page.frame:
            img.seek(page.frame)
        if page.kind == "jpeg":
            img.draft("L" if page.components == 1 else "RGB", (max_px * 2, max_px * 2))
        img.load()
        small = img.convert("L" if page.components == 1 else "RGB")
        small.thumbnail((max_px, max_px))
    if page.rotation:
        small = small.rotate(-page.rotation, expand=True)
    return small


def halfblocks(img, cols: int) -> list[list[tuple[tuple[int, int, int], tuple[int, int, int]]]]:  # type: ignore[no-untyped-def]
    """Cells for a terminal preview: each cell is (top colour, bottom colour) for "▀".

    The TUI renders row r, cell c as "▀" with foreground = top, background = bottom.
    """
    from PIL import Image

    rgb = img.convert("RGB")
    w, h = rgb.size
    cols = max(1, cols)
    rows2 = max(2, round(h * cols / w))  # pixel rows (two per text row); cells are ~1:2
    rows2 += rows2 % 2
    small = rgb.resize((cols, rows2), Image.Resampling.BOX)
    px = small.load()
    return [
        [(px[c, r], px[c, r + 1]) for c in range(cols)]  # type: ignore[index]
        for r in range(0, rows2, 2)
    ]
