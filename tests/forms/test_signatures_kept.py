"""Signature blocks never stand alone on a page (Decree 30/2020, Annex I): whatever the length of
the form, the page holding the signatures also holds the form's closing text."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from counter_app.documents import forms
from tests.forms import pdftools as pt
from tests.forms.samples import CENTER, need_supplement, received, refused


def _receipt(n: int) -> dict[str, Any]:
    d = received()
    template = d["components"][0]
    d["components"] = [
        {**copy.deepcopy(template), "index": i, "name": f"Giấy tờ số {i:02d} của hồ sơ"}
        for i in range(1, n + 1)
    ]
    return d


def _supplement(n: int) -> dict[str, Any]:
    d = need_supplement()
    d["missing"] = [
        {"index": i, "name": f"Giấy tờ số {i:02d}", "lacking": "Bản chính có chữ ký"}
        for i in range(1, n + 1)
    ]
    return d


def _refusal(n: int) -> dict[str, Any]:
    d = refused()
    d["reason"] = "\n".join(f"Lý do số {i:02d}: giấy tờ không hợp lệ" for i in range(1, n + 1))
    return d


CASES: list[tuple[str, Callable[..., bytes], Callable[[int], dict[str, Any]], str, str, int]] = [
    # kind, renderer, dossier of size n, closing text, signature role, largest n tried
    ("receipt", forms.render_receipt, _receipt, "Vào Sổ theo dõi hồ sơ", "NGƯỜI TIẾP NHẬN", 20),
    ("supplement", forms.render_supplement, _supplement, "chỉ thực hiện một lần", "NGƯỜI HƯỚNG DẪN", 18),
    ("refusal", forms.render_refusal, _refusal, "Xin thông báo để ông/bà", "NGƯỜI TIẾP NHẬN", 24),
]


@pytest.mark.parametrize(("kind", "render", "make", "closing", "role", "top"), CASES, ids=[c[0] for c in CASES])
def test_signatures_share_their_page_with_the_closing_text(
    tmp_path: Path,
    kind: str,
    render: Callable[..., bytes],
    make: Callable[[int], dict[str, Any]],
    closing: str,
    role: str,
    top: int,
) -> None:
    multi_page = 0
    for n in range(1, top + 1):
        pdf = pt.write(tmp_path, render(make(n), CENTER, "A5"), f"{kind}-{n}.pdf")
        pages = pt.pages(pdf)
        last = pt.flat(pt.text(pdf, page=pages))
        assert role in last, (n, pages)
        assert closing in last, f"{kind} with {n} rows: signatures alone on page {pages}"
        multi_page += pages > 1
    assert multi_page  # the sizes tried do reach a second page
