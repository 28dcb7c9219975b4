"""The fonts embedded in printed documents.

- **Forms 01–07** are set in **Liberation Serif** (regular, bold, italic), metric-compatible with
  Times New Roman as Decree 30/2020/NĐ-CP asks of administrative documents, with full Vietnamese.
  The files ship unchanged (SIL Open Font License: a modified copy may not keep the reserved
  name, so no subsets of them ship); fpdf2 embeds only the glyphs a document uses.
- **Tickets** (80 mm PDF fallback) and any character Liberation Serif lacks use **DejaVu Sans**:
  the full files plus "-vi" subsets holding only the characters Vietnamese documents use (Latin,
  Vietnamese, combining marks, punctuation, ₫, check marks). Parsing a full DejaVu file costs
  about 80 ms per style; the subset loads ~8 times faster.

A document whose text has a character outside what its fonts cover gets DejaVu Sans as a fallback
(full files when outside the subset), so nothing is ever dropped. Regenerate the DejaVu subsets
after changing ``SUBSET_RANGES`` with ``uv run --frozen python -m counter_app.documents.fonts``
(needs fontTools, a dependency of fpdf2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FontSet:
    """One family as shipped: fpdf2 style -> file stem, its licence file, and whether
    "-vi" subsets ship beside the full files."""

    family: str
    styles: dict[str, str]
    licence: str
    has_subsets: bool


SANS = FontSet(
    "DejaVuSans",
    {"": "DejaVuSans", "B": "DejaVuSans-Bold", "I": "DejaVuSans-Oblique"},
    "LICENSE-DejaVu.txt",
    has_subsets=True,
)
SERIF = FontSet(
    "LiberationSerif",
    {"": "LiberationSerif-Regular", "B": "LiberationSerif-Bold", "I": "LiberationSerif-Italic"},
    "LICENSE-Liberation.txt",
    has_subsets=False,
)
FORM_FAMILY = SERIF.family
# kept for the ticket printer: its family and styles
FAMILY = SANS.family
STYLES = SANS.styles
SUBSET_SUFFIX = "-vi"

# Inclusive code point ranges kept in the subsets.
SUBSET_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B (Ơ ơ Ư ư Đ đ …)
    (0x0300, 0x036F),  # combining diacritical marks
    (0x1E00, 0x1EFF),  # Latin Extended Additional (precomposed Vietnamese: ầ ẫ ệ ữ …)
    (0x2000, 0x206F),  # general punctuation (– — ‘ ’ “ ” • … ‰)
    (0x20AB, 0x20AC),  # ₫ €
    (0x2116, 0x2116),  # №
    (0x2190, 0x2193),  # arrows
    (0x2212, 0x2212),  # minus
    (0x25A0, 0x25A1),  # ■ □
    (0x25CB, 0x25CF),  # ○ ●
    (0x2610, 0x2612),  # ☐ ☑ ☒
    (0x2713, 0x2718),  # ✓ ✔ ✕ ✖ ✗ ✘
)

_COVERED: frozenset[int] = frozenset(c for a, b in SUBSET_RANGES for c in range(a, b + 1))

# What Liberation Serif is known to hold (a test checks it against the shipped files): Latin,
# Vietnamese, combining marks, the usual punctuation, ₫ € №. Anything else falls back to DejaVu.
SERIF_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),
    (0x0300, 0x0301),
    (0x0303, 0x0303),
    (0x0309, 0x0309),
    (0x0323, 0x0323),
    (0x1EA0, 0x1EF9),  # precomposed Vietnamese
    (0x2013, 0x2014),  # – —
    (0x2018, 0x201E),  # ‘ ’ ‚ “ ” „
    (0x2020, 0x2022),  # † ‡ •
    (0x2026, 0x2026),  # …
    (0x2030, 0x2030),  # ‰
    (0x2039, 0x203A),  # ‹ ›
    (0x20AB, 0x20AC),  # ₫ €
    (0x2116, 0x2116),  # №
)
_SERIF_COVERED: frozenset[int] = frozenset(
    c for a, b in SERIF_RANGES for c in range(a, b + 1)
)
# Whitespace we turn into spaces or line breaks before setting text.
_ALLOWED_CONTROL = frozenset({0x09, 0x0A, 0x0D})


def fonts_dir() -> Path:
    from counter_app.locations import assets_dir

    return assets_dir() / "fonts"


def covered(texts: Iterable[str], *, within: frozenset[int] = _COVERED) -> bool:
    """True when every character of `texts` is in `within` (default: the DejaVu "-vi" subset)."""
    for text in texts:
        for ch in text:
            cp = ord(ch)
            if cp not in within and cp not in _ALLOWED_CONTROL:
                return False
    return True


def serif_covers(texts: Iterable[str]) -> bool:
    """True when Liberation Serif alone can set every character of `texts`."""
    return covered(texts, within=_SERIF_COVERED)


def font_files(
    fontset: FontSet = SANS, *, subset: bool = True, directory: Path | None = None
) -> dict[str, Path]:
    """fpdf2 style -> TTF path; raises NotAvailable when a shipped file is missing."""
    from counter_app.errors import NotAvailable

    base = directory or fonts_dir()
    subset = subset and fontset.has_subsets
    out: dict[str, Path] = {}
    for style, stem in fontset.styles.items():
        path = base / f"{stem}{SUBSET_SUFFIX if subset else ''}.ttf"
        if not path.is_file():
            if subset:  # a damaged install still prints, only more slowly
                return font_files(fontset, subset=False, directory=directory)
            raise NotAvailable(
                f"thiếu phông chữ / font file missing: {path} (reinstall counter-app)"
            )
        out[style] = path
    return out


def add_fonts(pdf: Any, fontset: FontSet, texts: Iterable[str]) -> None:
    """Register `fontset` on an fpdf2 document, plus DejaVu Sans as the fallback for any
    character of `texts` the set cannot show (so a name in another script is never dropped)."""
    texts = list(texts)
    if fontset is SANS:
        own_ok = covered(texts)
        files = font_files(SANS, subset=own_ok)
    else:
        own_ok = serif_covers(texts)
        files = font_files(fontset)
    for style, path in files.items():
        pdf.add_font(fontset.family, style, str(path))
    if fontset is not SANS and not own_ok:
        for style, path in font_files(SANS, subset=covered(texts)).items():
            pdf.add_font(SANS.family, style, str(path))
        pdf.set_fallback_fonts([SANS.family])


def build_subsets(src_dir: Path, out_dir: Path) -> list[Path]:
    """Write the "-vi" subsets of the full DejaVu files (deterministic output)."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    unicodes = sorted(_COVERED)
    written = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for stem in SANS.styles.values():
        font = TTFont(src_dir / f"{stem}.ttf")
        opts = ft_subset.Options()
        opts.layout_features = []  # fpdf2 sets text without shaping: GSUB/GPOS are dead weight
        opts.hinting = False  # print resolution: no TrueType hinting needed
        opts.name_IDs = ["*"]  # keep the copyright and licence strings
        opts.name_languages = ["*"]
        opts.notdef_outline = True
        opts.glyph_names = False
        opts.drop_tables += ["FFTM"]
        sub = ft_subset.Subsetter(opts)
        sub.populate(unicodes=unicodes)
        sub.subset(font)
        dest = out_dir / f"{stem}{SUBSET_SUFFIX}.ttf"
        font.save(dest)
        written.append(dest)
    return written


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys

    target = fonts_dir()
    for p in build_subsets(target, target):
        sys.stdout.write(f"{p} ({p.stat().st_size} bytes)\n")
