"""The shipped fonts: present, licensed, and the Vietnamese subsets match SUBSET_RANGES."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from counter_app.documents import fonts, forms
from tests.forms import pdftools as pt
from tests.forms.samples import CENTER, received

VIETNAMESE = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    "ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ₫"
)


def test_assets_and_licence() -> None:
    d = fonts.fonts_dir()
    for stem in fonts.STYLES.values():
        assert (d / f"{stem}.ttf").is_file()
        assert (d / f"{stem}{fonts.SUBSET_SUFFIX}.ttf").is_file()
    licence = (d / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert "Bitstream" in licence and "Permission is hereby granted" in licence


@pytest.mark.parametrize("stem", list(fonts.STYLES.values()))
def test_subsets_cover_vietnamese_and_match_the_ranges(stem: str) -> None:
    d = fonts.fonts_dir()
    full = set(TTFont(d / f"{stem}.ttf", lazy=True).getBestCmap())
    sub = set(TTFont(d / f"{stem}{fonts.SUBSET_SUFFIX}.ttf", lazy=True).getBestCmap())
    wanted = {c for a, b in fonts.SUBSET_RANGES for c in range(a, b + 1)}
    assert sub == full & wanted  # regenerate with `python -m counter_app.documents.fonts`
    assert {ord(ch) for ch in VIETNAMESE} <= sub


def test_covered() -> None:
    assert fonts.covered(["Nguyễn Thị Ánh Tuyết\n", VIETNAMESE, "— … “” ✓"])
    assert not fonts.covered(["Đặng 李"])


def test_build_subsets_is_reproducible(tmp_path: Path) -> None:
    out = fonts.build_subsets(fonts.fonts_dir(), tmp_path)
    assert [p.name for p in out] == [f"{s}-vi.ttf" for s in fonts.STYLES.values()]
    shipped = fonts.fonts_dir() / out[0].name
    assert set(TTFont(out[0], lazy=True).getBestCmap()) == set(
        TTFont(shipped, lazy=True).getBestCmap()
    )


def test_forms_embed_the_subset_fonts(tmp_path: Path) -> None:
    pdf = pt.write(tmp_path, forms.render_receipt(received(), CENTER))
    out = subprocess.run(
        [pt.need("pdffonts"), str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    assert len(rows) == 3
    for row in rows:
        assert "DejaVuSans" in row[0]
        assert row[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, with a ToUnicode map
