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
_D_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, diacritic-free, punctuation-free form of `text`, words separated by one space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text)).translate(_D_MAP).lower()
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = unicodedata.normalize("NFC", stripped)
    return _NON_WORD.sub(" ", stripped).strip()


def tokenize(text: str) -> list[str]:
    """The folded words of `text`, in order ("Cấp bản sao Trích lục" → ["cap", "ban", "sao", …])."""
    folded = fold(text)
    return folded.split() if folded else []


def initials(words: list[str]) -> str:
    """First letter of each word: ["dang", "ky", "khai", "sinh"] → "dkks"."""
    return "".join(w[0] for w in words if w)
