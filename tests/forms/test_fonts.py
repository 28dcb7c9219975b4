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
    for stem in fonts.SANS.styles.values():
        assert (d / f"{stem}.ttf").is_file()
        assert (d / f"{stem}{fonts.SUBSET_SUFFIX}.ttf").is_file()
    for stem in fonts.SERIF.styles.values():
        assert (d / f"{stem}.ttf").is_file()
        assert not (d / f"{stem}{fonts.SUBSET_SUFFIX}.ttf").exists()  # OFL: shipped unchanged
    licence = (d / fonts.SANS.licence).read_text(encoding="utf-8")
    assert "Bitstream" in licence and "Permission is hereby granted" in licence
    ofl = (d / fonts.SERIF.licence).read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl and "Reserved Font Name Liberation" in ofl


@pytest.mark.parametrize("stem", list(fonts.SANS.styles.values()))
def test_subsets_cover_vietnamese_and_match_the_ranges(stem: str) -> None:
    d = fonts.fonts_dir()
    full = set(TTFont(d / f"{stem}.ttf", lazy=True).getBestCmap())
    sub = set(TTFont(d / f"{stem}{fonts.SUBSET_SUFFIX}.ttf", lazy=True).getBestCmap())
    wanted = {c for a, b in fonts.SUBSET_RANGES for c in range(a, b + 1)}
    assert sub == full & wanted  # regenerate with `python -m counter_app.documents.fonts`
    assert {ord(ch) for ch in VIETNAMESE} <= sub


@pytest.mark.parametrize("stem", list(fonts.SERIF.styles.values()))
def test_serif_holds_what_serif_ranges_promise(stem: str) -> None:
    cmap = set(TTFont(fonts.fonts_dir() / f"{stem}.ttf", lazy=True).getBestCmap())
    promised = {c for a, b in fonts.SERIF_RANGES for c in range(a, b + 1)}
    assert promised <= cmap
    assert {ord(ch) for ch in VIETNAMESE} <= cmap


def test_covered() -> None:
    assert fonts.covered(["Nguyễn Thị Ánh Tuyết\n", VIETNAMESE, "— … “” ✓"])
    assert not fonts.covered(["Đặng 李"])
    assert fonts.serif_covers(["Nguyễn Thị Ánh Tuyết\n", VIETNAMESE, "— … “” №"])
    assert not fonts.serif_covers(["☑"])
    assert not fonts.serif_covers(["Đặng 李"])


def test_build_subsets_is_reproducible(tmp_path: Path) -> None:
    out = fonts.build_subsets(fonts.fonts_dir(), tmp_path)
    assert [p.name for p in out] == [f"{s}-vi.ttf" for s in fonts.SANS.styles.values()]
    shipped = fonts.fonts_dir() / out[0].name
    assert set(TTFont(out[0], lazy=True).getBestCmap()) == set(
        TTFont(shipped, lazy=True).getBestCmap()
    )


def _pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(
        [pt.need("pdffonts"), str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return [line.split() for line in out.splitlines()[2:]]


def test_forms_are_set_in_a_times_metric_serif_embedded_as_subsets(tmp_path: Path) -> None:
    """Decree 30/2020: Times New Roman-metric type. Liberation Serif regular, bold and italic,
    each embedded as a subset with a ToUnicode map (the text stays searchable)."""
    rows = _pdffonts(pt.write(tmp_path, forms.render_receipt(received(), CENTER)))
    assert len(rows) == 3
    names = sorted(row[0].split("+", 1)[1] for row in rows)
    assert names == ["LiberationSerif", "LiberationSerifBold", "LiberationSerifItalic"]
    for row in rows:
        assert row[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, with a ToUnicode map


def test_a_character_the_serif_lacks_falls_back_and_is_printed(tmp_path: Path) -> None:
    """A foreign applicant's name in another script (Armenian, which Liberation lacks) is set
    with DejaVu Sans as the fallback: nothing is dropped, the rest stays in the serif."""
    d = received()
    d["applicant"] = {**d["applicant"], "full_name": "Trần Văn Հայկ Ավետիսյան"}
    pdf = pt.write(tmp_path, forms.render_receipt(d, CENTER))
    names = {row[0].split("+", 1)[1] for row in _pdffonts(pdf)}
    assert "LiberationSerif" in names
    assert any(n.startswith("DejaVuSans") for n in names)
    assert "Հայկ" in pt.text(pdf)
