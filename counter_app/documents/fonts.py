"""The fonts embedded in official forms: DejaVu Sans (Vietnamese glyphs, free to redistribute).

Two sets ship in ``assets/fonts/``:

- the full DejaVu Sans files (regular, bold, oblique), copied unchanged;
- "-vi" subsets of them holding only the characters Vietnamese forms use (Latin, Vietnamese,
  combining marks, punctuation, ₫, check marks). Parsing a full DejaVu file costs about 80 ms per
  style; the subset loads ~8 times faster, which keeps a form under the 200 ms budget.

A document whose text has any character outside the subset is set with the full files instead, so
nothing is ever dropped. Regenerate the subsets after changing ``SUBSET_RANGES`` with
``uv run --frozen python -m counter_app.documents.fonts`` (needs fontTools, a dependency of fpdf2).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

FAMILY = "DejaVuSans"
# fpdf2 style -> shipped file stem
STYLES: dict[str, str] = {"": "DejaVuSans", "B": "DejaVuSans-Bold", "I": "DejaVuSans-Oblique"}
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
# Whitespace we turn into spaces or line breaks before setting text.
_ALLOWED_CONTROL = frozenset({0x09, 0x0A, 0x0D})


def fonts_dir() -> Path:
    from counter_app.locations import assets_dir

    return assets_dir() / "fonts"


def covered(texts: Iterable[str]) -> bool:
    """True when every character of `texts` is in the Vietnamese subset."""
    for text in texts:
        for ch in text:
            cp = ord(ch)
            if cp not in _COVERED and cp not in _ALLOWED_CONTROL:
                return False
    return True


def font_files(*, subset: bool = True, directory: Path | None = None) -> dict[str, Path]:
    """fpdf2 style -> TTF path; raises NotAvailable when a shipped file is missing."""
    from counter_app.errors import NotAvailable

    base = directory or fonts_dir()
    out: dict[str, Path] = {}
    for style, stem in STYLES.items():
        path = base / f"{stem}{SUBSET_SUFFIX if subset else ''}.ttf"
        if not path.is_file():
            if subset:  # a damaged install still prints, only more slowly
                return font_files(subset=False, directory=directory)
            raise NotAvailable(
                f"thiếu phông chữ / font file missing: {path} (reinstall counter-app)"
            )
        out[style] = path
    return out


def build_subsets(src_dir: Path, out_dir: Path) -> list[Path]:
    """Write the "-vi" subsets of the full DejaVu files (deterministic output)."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    unicodes = sorted(_COVERED)
    written = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for stem in STYLES.values():
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
