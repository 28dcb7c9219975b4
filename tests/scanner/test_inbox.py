"""Watched scan folder: finished files are offered once; half-written ones are not."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PIL import Image

from counter_app.devices.scanner.inbox import (
    InboxScanner,
    mark_imported,
    mark_rejected,
    purge_imported,
    watch_inbox,
)


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _jpeg(path: Path) -> bytes:
    Image.new("L", (64, 64), 128).save(path, "JPEG")
    return path.read_bytes()


def test_finished_file_offered_once_after_stable(tmp_path: Path) -> None:
    clock = Clock()
    inbox = InboxScanner(tmp_path, stable_s=2.0, clock=clock)
    _jpeg(tmp_path / "scan001.jpg")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".hidden.pdf").write_bytes(b"%PDF")
    assert inbox.poll() == []  # first sighting
    clock.t = 1.0
    assert inbox.poll() == []  # not stable long enough
    clock.t = 2.5
    [f] = inbox.poll()
    assert f.name == "scan001.jpg" and f.kind == "jpeg"
    clock.t = 10
    assert inbox.poll() == []  # offered once
    inbox.forget(f.path)
    clock.t = 11
    assert inbox.poll() == []
    clock.t = 14
    assert [x.name for x in inbox.poll()] == ["scan001.jpg"]  # offered again after forget


def test_half_written_file_not_taken(tmp_path: Path) -> None:
    clock = Clock()
    inbox = InboxScanner(tmp_path, stable_s=2.0, clock=clock)
    data = _jpeg(tmp_path / "src.jpg")
    (tmp_path / "src.jpg").unlink()
    growing = tmp_path / "phone.jpg"
    growing.write_bytes(data[:100])
    inbox.poll()
    for step in range(1, 5):  # keeps growing: never stable
        clock.t = step * 1.5
        with growing.open("ab") as fh:
            fh.write(data[100 + step: 101 + step])
        assert inbox.poll() == []
    clock.t = 30  # the writer stalled mid-file: stable but no JPEG end marker
    assert inbox.poll() == []
    growing.write_bytes(data)  # finished
    clock.t = 31
    inbox.poll()
    clock.t = 34
    assert [f.name for f in inbox.poll()] == ["phone.jpg"]


def test_temp_name_then_rename(tmp_path: Path) -> None:
    clock = Clock()
    inbox = InboxScanner(tmp_path, stable_s=1.0, clock=clock)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    (tmp_path / "SCAN_0001.pdf.part").write_bytes(pdf)
    (tmp_path / "~lock.pdf").write_bytes(pdf)
    inbox.poll()
    clock.t = 5
    assert inbox.poll() == []
    (tmp_path / "SCAN_0001.pdf.part").rename(tmp_path / "SCAN_0001.pdf")
    inbox.poll()
    clock.t = 6.5
    assert [f.name for f in inbox.poll()] == ["SCAN_0001.pdf"]


def test_move_aside_and_purge(tmp_path: Path) -> None:
    a = tmp_path / "a.jpg"
    _jpeg(a)
    moved = mark_imported(a)
    assert moved.parent.name == ".imported" and not a.exists()
    _jpeg(a)
    assert mark_imported(a).name == "a.1.jpg"
    _jpeg(tmp_path / "b.jpg")
    assert mark_rejected(tmp_path / "b.jpg").parent.name == ".rejected"
    assert purge_imported(tmp_path, older_than_s=3600) == 0
    assert purge_imported(tmp_path, older_than_s=-1) == 2


def test_watch_inbox_real_watcher(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _jpeg(inbox / "before.jpg")
    stop = threading.Event()
    ready = threading.Event()
    got: list[str] = []

    def run() -> None:
        for f in watch_inbox(inbox, stop_event=stop, stable_s=0.3, tick_s=0.1,
                             include_existing=False, ready=ready):
            got.append(f.name)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    assert ready.wait(10)
    data = _jpeg(tmp_path / "x.jpg")
    (inbox / "done.jpg").write_bytes(data)
    (inbox / "half.jpg").write_bytes(data[: len(data) // 2])  # writer paused mid-file
    deadline = time.monotonic() + 10
    while "done.jpg" not in got and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.8)
    stop.set()
    t.join(timeout=10)
    assert not t.is_alive()
    assert got == ["done.jpg"]  # the existing file was skipped, the half one not taken


def test_import_inbox_file(store, blobs, settings, tmp_path: Path) -> None:
    import pytest

    from counter_app.errors import BadInput
    from counter_app.services import digitization as dg
    from tests.scanner.conftest import DOSSIER_CODE

    settings.scan_inbox = tmp_path / "inbox"
    folder = dg.inbox_folder(settings)
    assert folder is not None and folder.is_dir()
    good = folder / "scan.jpg"
    _jpeg(good)
    result = dg.import_inbox_file(store, blobs, good, DOSSIER_CODE, 1, actor="c")
    assert result["attachments"][0]["pages"] == 1
    assert not good.exists() and Path(result["moved_to"]).parent.name == ".imported"
    bad = folder / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing here")
    with pytest.raises(BadInput, match="broken.pdf"):
        dg.import_inbox_file(store, blobs, bad, DOSSIER_CODE, 1, actor="c")
    assert (folder / ".rejected" / "broken.pdf").exists()
    other = folder / "other.jpg"
    _jpeg(other)
    with pytest.raises(BadInput):
        dg.import_inbox_file(store, blobs, other, DOSSIER_CODE, 42, actor="c")
    assert other.exists()  # the officer picked a wrong component: the file stays offered
