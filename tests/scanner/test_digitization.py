"""Digitisation use cases on a real SQLite store, blob store and the SANE test backend."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from counter_app.devices.scanner.imaging import PROFILES
from counter_app.devices.scanner.sane import ScanCancelled, ScannerError, ScanRequest
from counter_app.errors import BadInput, NotAvailable, NotFound
from counter_app.services import digitization as dg
from counter_app.store.models import Attachment, Event, Outbox
from tests.scanner.conftest import DOSSIER_CODE, page_means, page_sizes, pdfinfo


def _rows(store):  # type: ignore[no-untyped-def]
    with store.read() as s:
        return (s.exec(select(Attachment)).all(), s.exec(select(Event)).all(),
                s.exec(select(Outbox)).all())


def _image(path: Path, shade: int = 200, size=(827, 1169)) -> Path:  # A4 at 100 dpi
    Image.new("L", size, shade).save(path, dpi=(100, 100))
    return path


def test_attach_images_and_pdf(store, blobs, settings, tmp_path: Path) -> None:
    a = _image(tmp_path / "a.jpg", 40)
    b = _image(tmp_path / "b.png", 220)
    pdf_pages = tmp_path / "scan.pdf"
    from counter_app.devices.scanner import imaging

    page = imaging.pages_from_image(imaging.inspect_file(a, max_bytes=10**7, max_pages=9),
                                    tmp_path)
    imaging.build_pdf(page * 2, pdf_pages)
    result = dg.attach_files(store, blobs, DOSSIER_CODE, 1, [a, b, pdf_pages], actor="canbo1",
                             settings=settings)
    atts = result["attachments"]
    assert [a["pages"] for a in atts] == [2, 2]  # images → one PDF; the PDF kept as it is
    assert atts[1]["sha256"] == __import__("hashlib").sha256(pdf_pages.read_bytes()).hexdigest()
    for att in atts:
        assert blobs.exists(att["sha256"]) and blobs.size(att["sha256"]) == att["size"]
        assert att["mime"] == "application/pdf" and att["upload_state"] == "pending"
    combined = blobs.path(atts[0]["sha256"])
    assert pdfinfo(combined)["Pages"] == "2"
    assert page_sizes(combined)[0] == pytest.approx((595.4, 841.7), abs=1.5)
    means = page_means(combined, tmp_path)
    assert means[0] < 80 < 180 < means[1]  # order kept: dark page first
    rows, events, outbox = _rows(store)
    assert len(rows) == 2 and {r.component_index for r in rows} == {1}
    assert [o.entity for o in outbox] == ["attachment", "attachment"]
    payload = outbox[0].payload["attachment"]
    assert payload["dossier_code"] == DOSSIER_CODE and payload["sha256"] == atts[0]["sha256"]
    assert {e.entity for e in events} == {"attachment", "dossier"}
    # attaching the same files again adds nothing
    again = dg.attach_files(store, blobs, DOSSIER_CODE, 1, [pdf_pages], actor="canbo1")
    assert again["attachments"][0]["duplicate"] is True
    assert len(_rows(store)[0]) == 2


def test_attach_shows_in_dossier_view(store, blobs, tmp_path: Path) -> None:
    from counter_app.services import dossiers

    dg.attach_files(store, blobs, DOSSIER_CODE, 2, [_image(tmp_path / "x.jpg")], actor="c")
    d = dossiers.get(store, DOSSIER_CODE)
    comp = next(c for c in d["components"] if c["index"] == 2)
    assert comp["attachments"][0]["pages"] == 1


def test_attach_is_all_or_nothing(store, blobs, tmp_path: Path) -> None:
    good = _image(tmp_path / "good.jpg")
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(BadInput, match="bad.jpg"):
        dg.attach_files(store, blobs, DOSSIER_CODE, 1, [good, bad], actor="c")
    with pytest.raises(NotFound):
        dg.attach_files(store, blobs, "NO-SUCH", 1, [good], actor="c")
    with pytest.raises(BadInput, match="thành phần số 9"):
        dg.attach_files(store, blobs, DOSSIER_CODE, 9, [good], actor="c")
    with pytest.raises(NotAvailable):
        dg.attach_files(store, blobs, DOSSIER_CODE, 1, [tmp_path / "missing.png"], actor="c")
    assert _rows(store) == ([], [], [])
    assert list(blobs) == [] and list(blobs.tmp.iterdir()) == []


def test_attach_limits_from_settings(store, blobs, settings, tmp_path: Path) -> None:
    files = [_image(tmp_path / f"{i}.jpg") for i in range(3)]
    settings.scan_max_pages = 2
    with pytest.raises(BadInput, match="quá 2 trang"):
        dg.attach_files(store, blobs, DOSSIER_CODE, 1, files, actor="c", settings=settings)
    settings.scan_max_pages = 200
    settings.scan_max_bytes = 2048
    big = _image(tmp_path / "big.png", size=(900, 900))
    Image.effect_noise((900, 900), 60).save(big)
    with pytest.raises(BadInput, match="quá lớn"):
        dg.attach_files(store, blobs, DOSSIER_CODE, 1, [big], actor="c", settings=settings)
    assert _rows(store)[0] == []


@pytest.mark.sane
def test_scan_single_page(store, blobs, settings, sane_env) -> None:
    progress = []
    result = dg.scan_component(
        store, blobs, DOSSIER_CODE, 1, actor="canbo1", settings=settings,
        request=ScanRequest(device="test:0", backend_args=["--test-picture=Grid"]),
        on_progress=progress.append,
    )
    [att] = result["attachments"]
    pdf = blobs.path(att["sha256"])
    assert pdfinfo(pdf)["Pages"] == "1"
    # the test backend's bed is 200 × 200 mm (A4 clamped to it): 566.9 pt square
    assert page_sizes(pdf) == [pytest.approx((566.9, 566.9), abs=1.0)]
    assert att["size"] < 150_000
    assert progress and progress[-1].pages_done >= 0
    assert list(blobs.tmp.iterdir()) == []  # raw pages and work dir gone


@pytest.mark.sane
def test_scan_adf_batch_photo_profile(store, blobs, settings, sane_env, tmp_path) -> None:
    pages = []
    result = dg.scan_component(
        store, blobs, DOSSIER_CODE, 3, actor="canbo1", settings=settings,
        request=ScanRequest(device="test:0", source="adf", resolution=100, mode="color",
                            backend_args=["--test-picture=Color pattern"]),
        on_page=pages.append,
    )
    assert len(pages) == 10 and all(p.components == 3 for p in pages)
    [att] = result["attachments"]
    assert att["pages"] == 10
    assert pdfinfo(blobs.path(att["sha256"]))["Pages"] == "10"
    assert dg.component_info(store, DOSSIER_CODE, 3)["profile"] == "photo"


@pytest.mark.sane
def test_batch_reorder_delete_rotate_then_commit(store, blobs, settings, sane_env, tmp_path):
    with dg.ScanBatch(blobs, settings) as batch:
        for picture in ("Solid black", "Solid white", "Grid"):
            batch.scan(ScanRequest(device="test:0", resolution=75,
                                   backend_args=[f"--test-picture={picture}"]), PROFILES["text"])
        assert len(batch.pages) == 3
        batch.apply({"op": "move", "from": 2, "to": 1})  # white first
        batch.rotate(2, 90)
        extra = batch.pages[1]
        batch.add_files([_image(tmp_path / "extra.png", 128, (300, 200))])
        batch.delete(3)
        assert batch.pages[1] == extra
        assert batch.thumbnail(0).size[0] <= 96
        result = dg.commit_batch(store, blobs, batch, DOSSIER_CODE, 1, actor="canbo1")
        assert batch.pages == ()
    pdf = blobs.path(result["attachments"][0]["sha256"])
    means = page_means(pdf, tmp_path)
    assert len(means) == 3
    assert means[0] > 250 and means[1] < 5 and 60 < means[2] < 200  # white, black, grid
    from tests.scanner.conftest import page_rotations

    assert page_rotations(pdf) == [0, 0, 90]


@pytest.mark.sane
def test_scanner_error_stores_nothing(store, blobs, settings, sane_env) -> None:
    with pytest.raises(ScannerError) as err:
        dg.scan_component(store, blobs, DOSSIER_CODE, 1, actor="c", settings=settings,
                          request=ScanRequest(device="test:0", backend_args=[
                              "--read-return-value=SANE_STATUS_JAMMED"]))
    assert err.value.kind == "jammed"
    assert _rows(store)[0] == [] and list(blobs) == []
    assert list(blobs.tmp.iterdir()) == []


@pytest.mark.sane
def test_cancel_scan_stores_nothing(store, blobs, settings, sane_env) -> None:
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    with pytest.raises(ScanCancelled):
        dg.scan_component(store, blobs, DOSSIER_CODE, 1, actor="c", settings=settings,
                          request=ScanRequest(device="test:0", backend_args=[
                              "--read-delay=yes", "--read-delay-duration=200000"]),
                          cancel_event=cancel)
    assert _rows(store)[0] == [] and list(blobs) == []


@pytest.mark.sane
def test_disk_space_checked_before_scanning(store, blobs, settings, sane_env,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    free = shutil.disk_usage(blobs.root).free
    monkeypatch.setattr(dg, "RESERVE_BYTES", free + 10**12)
    with pytest.raises(NotAvailable, match="không đủ dung lượng"):
        dg.scan_component(store, blobs, DOSSIER_CODE, 1, actor="c", settings=settings,
                          request=ScanRequest(device="test:0"))
    assert list(blobs.tmp.iterdir()) == []


def test_gc_orphan_blobs(store, blobs, tmp_path: Path) -> None:
    kept = dg.attach_files(store, blobs, DOSSIER_CODE, 1, [_image(tmp_path / "k.jpg")],
                           actor="c")["attachments"][0]["sha256"]
    orphan = blobs.put_bytes(b"%PDF-1.4 orphan").sha256
    (blobs.tmp / "999999999-dead.part").write_bytes(b"x")
    assert dg.gc_orphan_blobs(store, blobs)["orphans_removed"] == 0  # too young: maybe in flight
    old = os.path.getmtime(blobs.path(orphan)) - 7200
    os.utime(blobs.path(orphan), (old, old))
    os.utime(blobs.path(kept), (old, old))
    result = dg.gc_orphan_blobs(store, blobs)
    assert result == {"orphans_removed": 1, "temp_removed": 0}
    assert list(blobs) == [kept]
    assert dg.prepare_storage(store, blobs)["orphans_removed"] == 0


def test_purge_acknowledged_after_retention(store, blobs, tmp_path: Path) -> None:
    import datetime as dt

    a = dg.attach_files(store, blobs, DOSSIER_CODE, 1, [_image(tmp_path / "a.jpg", 10)],
                        actor="c")["attachments"][0]
    b = dg.attach_files(store, blobs, DOSSIER_CODE, 2, [_image(tmp_path / "b.jpg", 250)],
                        actor="c")["attachments"][0]
    # the same file also attached to component 3 and not acknowledged yet
    dg.attach_files(store, blobs, DOSSIER_CODE, 3, [tmp_path / "b.jpg"], actor="c")
    now = dt.datetime(2026, 12, 31, tzinfo=dt.UTC)
    with store.write() as s:
        for row in s.exec(select(Attachment)).all():
            if row.component_index in (1, 2):
                row.acked_at = "2026-11-24T08:00:00+00:00"
                row.upload_state = "done"
                s.add(row)
    assert dg.purge_acknowledged(store, blobs, retention_days=60, now=now) == {
        "purged": 0, "blobs_deleted": 0}
    result = dg.purge_acknowledged(store, blobs, retention_days=30, now=now)
    assert result == {"purged": 2, "blobs_deleted": 1}
    assert not blobs.exists(a["sha256"])
    assert blobs.exists(b["sha256"])  # still needed by the unacknowledged row
    with store.read() as s:
        rows = {r.component_index: r for r in s.exec(select(Attachment)).all()}
    assert rows[1].purged_at and rows[2].purged_at and rows[3].purged_at is None
    assert dg.purge_acknowledged(store, blobs, retention_days=30, now=now)["purged"] == 0
