"""fold() and tokenize(): the search key every catalog and applicant look-up relies on."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.text import fold, initials, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ĐĂNG KÝ KHAI SINH", "dang ky khai sinh"),
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("đăng ký kết hôn", "dang ky ket hon"),
        ("Cấp Giấy xác nhận tình trạng hôn nhân", "cap giay xac nhan tinh trang hon nhan"),
        ("Ưu tiên: người cao tuổi, phụ nữ có thai", "uu tien nguoi cao tuoi phu nu co thai"),
        ("Chứng thực chữ ký (kể cả điểm chỉ)", "chung thuc chu ky ke ca diem chi"),
        ("Liên thông: khai sinh – thường trú – BHYT", "lien thong khai sinh thuong tru bhyt"),
        ("  nhiều    khoảng\ttrắng\n", "nhieu khoang trang"),
        ("snake_case/and-dash", "snake case and dash"),
        ("Sở Tư pháp", "so tu phap"),
        ("", ""),
        ("!!! ...", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_decomposed_input_equals_composed() -> None:
    composed = "Đăng ký thường trú"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert fold(decomposed) == fold(composed) == "dang ky thuong tru"


def test_all_vietnamese_vowels_fold_to_ascii() -> None:
    vowels = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    folded = fold(vowels + vowels.upper() + "đĐ")
    assert folded.isascii()
    assert set(folded) <= set("aeiouyd")


def test_tokenize_and_initials() -> None:
    assert tokenize("Cấp bản sao Trích lục hộ tịch") == [
        "cap",
        "ban",
        "sao",
        "trich",
        "luc",
        "ho",
        "tich",
    ]
    assert tokenize("1.001193") == ["1", "001193"]
    assert tokenize("") == []
    assert initials(tokenize("Đăng ký khai sinh")) == "dkks"


@given(st.text(max_size=60))
def test_fold_is_idempotent_and_clean(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert once == once.lower() or not once.isascii()
