"""What a person may type into a field that ends up on an official form (pure, no I/O).

Text from a keyboard, a card or a JSON file is normalised (NFC, spaces collapsed) and refused
when it holds what no name or address has: control characters (a NUL byte ends a C string and
hides the rest), and the invisible bidirectional controls that make a form print in another
order than it was stored (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C). A person's name
has at least two letters and only letters, spaces and the marks names use (' - .).
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_SPACES = re.compile(r"\s+")
_NAME_MARKS = frozenset(" '’-.")


class TextProblem(ValueError):
    """The text cannot be stored; the message says why, in Vietnamese and English."""


def clean(text: str, *, max_length: int, multiline: bool = False) -> str:
    """NFC-normalised text with runs of spaces made one (kept line breaks when `multiline`);
    TextProblem if it is too long or holds control or bidirectional-override characters."""
    if len(text) > max_length * 4:  # before normalising: a paste of megabytes is refused as is
        raise TextProblem(f"quá dài (tối đa {max_length} ký tự) / too long (at most {max_length} characters)")
    text = unicodedata.normalize("NFC", text)
    for ch in text:
        if ch in BIDI_CONTROLS:
            raise TextProblem(
                "có ký tự điều khiển hướng chữ ẩn / holds an invisible text-direction control "
                f"(U+{ord(ch):04X})"
            )
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in "\n\t"):
            raise TextProblem(f"có ký tự điều khiển / holds a control character (U+{ord(ch):04X})")
    if multiline:
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()
    else:
        text = _SPACES.sub(" ", text).strip()
    if len(text) > max_length:
        raise TextProblem(f"quá dài (tối đa {max_length} ký tự) / too long (at most {max_length} characters)")
    return text


def clean_person_name(text: str, *, max_length: int = 100) -> str:
    """A person's name as printed on forms: `clean`, then letters and name marks only, at least
    two letters (one letter is a typing slip, not a name)."""
    name = clean(text, max_length=max_length)
    letters = sum(1 for ch in name if ch.isalpha())
    odd = sorted({ch for ch in name if not ch.isalpha() and ch not in _NAME_MARKS})
    if odd:
        raise TextProblem(
            f"họ tên chỉ gồm chữ cái / a name holds letters only, not {' '.join(odd)[:20]!r}"
        )
    if letters < 2:
        raise TextProblem("họ tên quá ngắn (ít nhất 2 chữ cái) / name too short (at least 2 letters)")
    return name
