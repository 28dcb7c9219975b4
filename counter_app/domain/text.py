"""Vietnamese text folding for search keys (pure, no I/O).

`fold("ĐĂNG KÝ KHAI SINH")` → `"dang ky khai sinh"`: NFC, lower case, tone and vowel marks removed,
"đ"/"Đ" → "d", every run of punctuation or whitespace → one space. Officers type without
diacritics, in capitals, with Telex left off: folding makes all of these compare equal.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "tokenize", "initials"]

# "đ" has no decomposition in Unicode: it is its own letter, so map it explicitly.
_D_MAP = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"}
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _strip_marks(ch: str) -> str:
    if ch in _D_MAP:
        return _D_MAP[ch]
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# Precomputed for Latin letters (Latin-1, Latin Extended-A/B, Latin Extended Additional, where
# all Vietnamese letters live): one str.translate does the work of NFD + filtering.
_TABLE = {
    cp: _strip_marks(chr(cp))
    for block in (range(0x00C0, 0x0250), range(0x1E00, 0x1F00))
    for cp in block
    if _strip_marks(chr(cp)) != chr(cp)
}


def fold(text: str) -> str:
    """Lower-case, diacritic-free, punctuation-free form of `text`, words separated by one space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text)).translate(_TABLE).lower()
    if not text.isascii():
        # Rare letters outside the table (combining marks left alone, other scripts).
        text = "".join(_strip_marks(ch) if not ch.isascii() else ch for ch in text)
        text = unicodedata.normalize("NFC", text)
    return _NON_WORD.sub(" ", text).strip()


def tokenize(text: str) -> list[str]:
    """The folded words of `text`, in order ("Cấp bản sao Trích lục" → ["cap", "ban", "sao", …])."""
    folded = fold(text)
    return folded.split() if folded else []


def initials(words: list[str]) -> str:
    """First letter of each word: ["dang", "ky", "khai", "sinh"] → "dkks"."""
    return "".join(w[0] for w in words if w)
