"""Page cleaning, encoding, page operations, the streaming PDF writer and file checks."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from counter_app.devices.scanner import imaging
from counter_app.devices.scanner import pages as ops
from counter_app.devices.scanner.pages import Page
from counter_app.errors import BadInput
from tests.scanner.conftest import page_means, page_rotations, page_sizes, pdfinfo


def text_page(w: int = 800, h: int = 1100, angle: float = 0.0) -> Image.Image:
    img = Image.new("L", (w, h), 235)
    d = ImageDraw.Draw(img)
    for y in range(80, h - 80, 30):
        d.rectangle((60, y, w - 60, y + 10), fill=20)
    return img.rotate(angle, fillcolor=235) if angle else img


def test_profiles_by_component() -> None:
    assert imaging.profile_for_component("Tờ khai đăng ký khai sinh").name == "text"
    assert imaging.profile_for_component("02 ảnh 4x6 cm").name == "photo"
    assert imaging.profile_for_component(None).name == "text"
    text = imaging.PROFILES["text"]
    assert (text.mode, text.resolution, text.encoding) == ("gray", 200, "jpeg")
    assert imaging.PROFILES["photo"].mode == "color"
    with pytest.raises(BadInput):
        imaging.get_profile("sepia")


def test_auto_crop_removes_dark_lid() -> None:
    lid = Image.new("L", (1000, 1300), 15)
    lid.paste(text_page(800, 1100), (100, 120))
    cropped = imaging.auto_crop(lid)
    w, h = cropped.size
    assert 760 <= w <= 800 and 1060 <= h <= 1100


def test_auto_crop_leaves_full_pages_alone() -> None:
    page = text_page()
    assert imaging.auto_crop(page).size == page.size
    black = Image.new("L", (500, 500), 0)
    assert imaging.auto_crop(black).size == black.size
    grid = Image.new("L", (600, 600), 255)
    d = ImageDraw.Draw(grid)
    for x in range(0, 600, 60):
        for y in range(0, 600, 60):
            if (x + y) // 60 % 2 == 0:
                d.rectangle((x, y, x + 29, y + 29), fill=0)
    assert imaging.auto_crop(grid).size == grid.size


def test_deskew_finds_the_angle() -> None:
    skewed = text_page(angle=2.0)
    straight, angle = imaging.deskew(skewed)
    assert angle == pytest.approx(-2.0, abs=0.5)
    assert imaging.deskew(text_page())[1] == 0.0


def _page(i: int) -> Page:
    return Page(Path(f"/x/{i}.jpg"), "jpeg", 100, 100, 100.0, source=str(i))


def test_page_operations_are_pure() -> None:
    pages = tuple(_page(i) for i in range(4))
    moved = ops.move(pages, 3, 0)
    assert [p.source for p in moved] == ["3", "0", "1", "2"]
    assert [p.source for p in pages] == ["0", "1", "2", "3"]  # unchanged
    assert [p.source for p in ops.delete(pages, [0, 2])] == ["1", "3"]
    turned = ops.rotate(pages, 1, 90)
    assert turned[1].rotation == 90 and pages[1].rotation == 0
    assert ops.rotate(turned, 1, 270)[1].rotation == 0
    assert [p.source for p in ops.apply(pages, {"op": "reorder", "order": [2, 1, 4, 3]})] == [
        "1", "0", "3", "2"]
    assert ops.apply(pages, {"op": "rotate", "degrees": 180})[3].rotation == 180
    for bad in ({"op": "move", "from": 9, "to": 1}, {"op": "reorder", "order": [1, 1, 2, 3]},
                {"op": "rotate", "page": 1, "degrees": 45}, {"op": "shuffle"},
                {"op": "delete", "pages": ["x"]}):
        with pytest.raises(BadInput):
            ops.apply(pages, bad)


@given(st.permutations(list(range(6))))
def test_reorder_then_inverse_is_identity(order: list[int]) -> None:
    pages = tuple(_page(i) for i in range(6))
    inverse = sorted(range(6), key=lambda i: order[i])
    assert ops.reorder(ops.reorder(pages, order), inverse) == pages


def test_pdf_from_jpeg_g4_and_raw_pages(tmp_path: Path) -> None:
    page = text_page(1654, 2339)  # A4 at 200 dpi
    raw = tmp_path / "scan.pnm"
    page.save(raw)
    grey = dataclasses.replace(imaging.PROFILES["text"], budget=None)  # always grey JPEG
    text = imaging.process_scan(raw, grey, tmp_path / "t", dpi=200)
    bilevel = imaging.process_scan(raw, imaging.PROFILES["bilevel"], tmp_path / "b", dpi=200)
    png = tmp_path / "c.png"
    Image.new("RGBA", (400, 300), (255, 0, 0, 128)).save(png, dpi=(100, 100))
    src = imaging.inspect_file(png, max_bytes=10**7, max_pages=10)
    [colour] = imaging.pages_from_image(src, tmp_path)
    assert (text.kind, bilevel.kind, colour.kind) == ("jpeg", "g4", "raw")
    assert bilevel.bytes < 60_000 and bilevel.bytes < text.bytes
    out = tmp_path / "c.pdf"
    assert imaging.build_pdf([text, bilevel, ops.rotate([colour], 0, 90)[0]], out) == 3
    info = pdfinfo(out)
    assert info["Pages"] == "3"
    sizes = page_sizes(out)
    assert sizes[0] == pytest.approx((595.4, 842.0), abs=1.0)  # A4 in points
    assert sizes[1] == pytest.approx(sizes[0], abs=0.1)
    assert sizes[2] == pytest.approx((288.0, 216.0), abs=0.5)  # 400×300 px at 100 dpi
    assert page_rotations(out) == [0, 0, 90]  # turned by /Rotate, pixels untouched
    means = page_means(out, tmp_path)
    # the text page and its bilevel twin render alike (G4 polarity right), not black or blank
    assert 150 < means[0] < 250 and abs(means[0] - means[1]) < 25
    # JPEG bytes are embedded as they are (no re-encoding)
    assert text.path.read_bytes() in out.read_bytes()


def test_attached_jpeg_kept_as_is_with_exif_rotation(tmp_path: Path) -> None:
    img = Image.new("RGB", (3200, 2400), (200, 180, 160))  # a phone photo, 72 dpi in EXIF
    exif = Image.Exif()
    exif[0x0112] = 6  # phone held upright: view turned 90°
    jpg = tmp_path / "phone.jpg"
    img.save(jpg, quality=80, exif=exif)
    src = imaging.inspect_file(jpg, max_bytes=10**7, max_pages=10)
    [p] = imaging.pages_from_image(src, tmp_path)
    assert p.kind == "jpeg" and p.rotation == 90 and p.path == jpg
    out = tmp_path / "o.pdf"
    imaging.build_pdf([p], out)
    w, h = page_sizes(out)[0]
    assert page_rotations(out) == [90]  # landscape pixels shown upright
    # 72 dpi would make a 1.1 m page: fitted into A4 instead (short side = 210 mm)
    assert h == pytest.approx(595.3, abs=1) and w <= 842.5
    assert jpg.read_bytes() in out.read_bytes()


def test_multipage_tiff(tmp_path: Path) -> None:
    frames = [text_page(400, 560).convert("1"), Image.new("L", (400, 560), 128)]
    tif = tmp_path / "m.tif"
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="tiff_lzw",
                   dpi=(100, 100))
    src = imaging.inspect_file(tif, max_bytes=10**7, max_pages=10)
    assert src.pages == 2 and src.mime == "image/tiff"
    pages = imaging.pages_from_image(src, tmp_path)
    assert [p.kind for p in pages] == ["g4", "raw"]
    out = tmp_path / "m.pdf"
    imaging.build_pdf(pages, out)
    assert pdfinfo(out)["Pages"] == "2"


def _jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    text_page(300, 400).save(buf, "JPEG")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("cut.jpg", lambda: _jpeg_bytes()[:-2000], "bị hỏng"),
        ("fake.pdf", lambda: b"%PDF-1.4\n" + b"garbage " * 100 + b"\n%%EOF\n", "bị hỏng"),
        ("cut.pdf", lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog", "truncated"),
        ("notes.png", lambda: "Ghi chú của cán bộ".encode(), "không phải PDF, JPEG, PNG"),
        ("empty.tif", lambda: b"", "empty"),
        ("bad.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "bị hỏng"),
    ],
)
def test_damaged_or_foreign_files_rejected(tmp_path: Path, name, content, words) -> None:
    f = tmp_path / name
    f.write_bytes(content())
    with pytest.raises(BadInput) as err:
        imaging.inspect_file(f, max_bytes=10**7, max_pages=10)
    assert words in err.value.message
    assert name in err.value.message


def test_limits(tmp_path: Path) -> None:
    f = tmp_path / "a.jpg"
    f.write_bytes(_jpeg_bytes())
    with pytest.raises(BadInput, match="quá lớn"):
        imaging.inspect_file(f, max_bytes=100, max_pages=10)
    tif = tmp_path / "m.tif"
    Image.new("L", (50, 50)).save(tif, save_all=True,
                                  append_images=[Image.new("L", (50, 50))] * 3)
    with pytest.raises(BadInput, match="4 trang"):
        imaging.inspect_file(tif, max_bytes=10**7, max_pages=3)


def test_thumbnail_and_halfblocks(tmp_path: Path) -> None:
    raw = tmp_path / "s.pnm"
    text_page(800, 1100).save(raw)
    p = imaging.process_scan(raw, imaging.PROFILES["text"], tmp_path / "t", dpi=100)
    p = ops.rotate([p], 0, 90)[0]
    th = imaging.thumbnail(p, 64)
    assert max(th.size) <= 64 and th.size[0] > th.size[1]  # landscape after the turn
    cells = imaging.halfblocks(th, 20)
    assert len(cells[0]) == 20 and all(len(c) == 2 for c in cells[0])


def test_text_profile_meets_the_page_budget(tmp_path: Path) -> None:
    """A dense print page over budget as grey JPEG falls back to G4; a photo stays JPEG."""
    import random

    rnd = random.Random(3)
    page = Image.new("L", (1654, 2339), 232)
    d = ImageDraw.Draw(page)
    for y in range(150, 2190, 26):  # dense, irregular "words"
        x = 150
        while x < 1480:
            w = rnd.randint(20, 90)
            d.rectangle((x, y, x + w, y + rnd.randint(8, 16)), fill=rnd.randint(10, 40))
            for _ in range(6):
                px, py = rnd.randint(x, x + w), rnd.randint(y, y + 16)
                d.point((px, py), fill=232)
            x += w + rnd.randint(8, 20)
    raw = tmp_path / "dense.pnm"
    page.save(raw)
    p = imaging.process_scan(raw, imaging.PROFILES["text"], tmp_path / "d", dpi=200)
    assert p.bytes <= 150_000
    photo = Image.linear_gradient("L").resize((1654, 2339))
    photo = Image.blend(photo, Image.effect_noise((1654, 2339), 90), 0.5)
    photo.save(raw)
    q = imaging.process_scan(raw, imaging.PROFILES["text"], tmp_path / "p", dpi=200)
    assert q.kind == "jpeg"
    assert imaging.bilevel_error(imaging.whiten(photo)) > 12 > imaging.bilevel_error(imaging.whiten(page))
