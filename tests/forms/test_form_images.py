"""Pictures of every form, kept in `tests/forms/images/` and compared on each run.

The images are how a reviewer checks the look of a form against the circular's template without
running anything (see `images/README.md`); the test fails when a change moves what is printed
(more than 0.5 % of the page's pixels changed), so a layout change is always a visible, reviewed
change. After an intended change: `FORM_IMAGES_UPDATE=1 uv run --frozen pytest
tests/forms/test_form_images.py`, then look at the new images before committing them.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from counter_app.documents import book, forms
from tests.forms import pdftools as pt
from tests.forms.samples import CENTER, need_supplement, received, refused

IMAGES = Path(__file__).parent / "images"
DPI = 60
CHANGED_LEVEL = 64  # a pixel counts as changed when its grey level moves more than this
MAX_CHANGED = 0.005


def _control() -> dict[str, Any]:
    d = received(status="returned")
    d["handovers"] = [
        {
            "to_body": "Văn phòng đăng ký đất đai - Chi nhánh khu vực Demo",
            "kind": "vertical",
            "receiver": "Phạm Văn Bình",
            "sent_at": "2026-11-23T10:00:00+07:00",
            "sent_by": "ngoc.ttb",
            "send_timing": "on_time",
            "due_at": "2026-11-26T17:00:00+07:00",
            "back_at": "2026-11-26T09:00:00+07:00",
            "back_by": "ngoc.ttb",
            "giver": "Phạm Văn Bình",
            "result": "done",
            "timing": "on_time",
        }
    ]
    d["returned_at"] = "2026-11-27T08:30:00+07:00"
    d["returned_to"] = {"name": "Nguyễn Thị Ánh Tuyết", "officer": "ngoc.ttb"}
    return d


def _stop() -> dict[str, Any]:
    d = received(status="withdrawn", reason="Người nộp hồ sơ đi công tác dài ngày")
    d["updated_at"] = "2026-11-24T14:00:00+07:00"
    return d


def _book() -> bytes:
    rows = []
    for i, d in enumerate((received(), _control(), need_supplement(), refused()), start=1):
        rows.append({**d, "book_entry": f"01.{i:04d}", "book_volume": "2026"})
    return book.render_book(
        rows, CENTER, dt.date(2026, 11, 1), dt.date(2026, 11, 30), issued_on=dt.date(2026, 12, 1)
    )


ISSUED = dt.date(2026, 11, 23)
FORMS: dict[str, Callable[[], bytes]] = {
    "01-receipt": lambda: forms.render_receipt(
        received(book_entry="01.0007", book_volume="2026", form_number="01.0007"),
        CENTER,
        copies=("Liên 2: Giao người nộp hồ sơ",),
    ),
    "02-supplement": lambda: forms.render_supplement(need_supplement(), CENTER, issued_on=ISSUED),
    "03-refusal": lambda: forms.render_refusal(refused(), CENTER, issued_on=ISSUED),
    "04-apology": lambda: forms.render_apology(
        received(status="processing", reason="Cần xác minh thông tin tại nơi cư trú"),
        CENTER,
        new_due=dt.datetime(2026, 12, 2, 9, 5),
        issued_on=dt.date(2026, 11, 26),
    ),
    "05-stop": lambda: forms.render_stop(_stop(), CENTER, issued_on=dt.date(2026, 11, 24)),
    "06-control": lambda: forms.render_control(
        _control(), CENTER, officer_names={"ngoc.ttb": "Trần Thị Bích Ngọc"},
        issued_on=ISSUED,
    ),
    "07-book": _book,
}


def _raster(pdf: Path, out_stem: Path) -> Path:
    subprocess.run(
        [pt.need("pdftoppm"), "-r", str(DPI), "-gray", "-png", "-f", "1", "-l", "1",
         "-singlefile", str(pdf), str(out_stem)],
        check=True, capture_output=True, timeout=60,
    )
    return out_stem.with_suffix(".png")


@pytest.mark.parametrize("name", list(FORMS))
def test_form_looks_as_its_picture(tmp_path: Path, name: str) -> None:
    from PIL import Image, ImageChops

    pdf = pt.write(tmp_path, FORMS[name](), f"{name}.pdf")
    got = _raster(pdf, tmp_path / name)
    stored = IMAGES / f"{name}.png"
    if os.environ.get("FORM_IMAGES_UPDATE") == "1" or not stored.exists():
        IMAGES.mkdir(exist_ok=True)
        stored.write_bytes(got.read_bytes())
        if os.environ.get("FORM_IMAGES_UPDATE") != "1":
            pytest.fail(f"no picture for {name}: written {stored}, look at it and commit it")
        return
    with Image.open(got) as a, Image.open(stored) as b:
        a, b = a.convert("L"), b.convert("L")
        assert a.size == b.size, f"{name}: page size changed {b.size} → {a.size}"
        diff = ImageChops.difference(a, b).point(lambda v: 255 if v > CHANGED_LEVEL else 0)
        changed = diff.histogram()[255] / (a.size[0] * a.size[1])
    assert changed <= MAX_CHANGED, (
        f"{name}: {changed:.2%} of the page changed; if intended, update the pictures "
        "(FORM_IMAGES_UPDATE=1) and look at them"
    )
