"""kill -9 during a scan or an attach leaves no half file and no dangling reference."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from counter_app.services import digitization as dg
from counter_app.store.blobs import BlobStore
from counter_app.store.db import Store
from counter_app.store.models import Attachment, Outbox
from tests.helpers import ROOT
from tests.scanner.conftest import DOSSIER_CODE


def _invariants(settings) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Every row's blob is complete; after the start-up sweep nothing else is left."""
    store = Store.open(settings.db_path)
    blobs = BlobStore(settings.data_dir / "blobs")
    try:
        with store.read() as s:
            rows = s.exec(select(Attachment)).all()
            ops = s.exec(select(Outbox).where(Outbox.entity == "attachment")).all()
        assert len(ops) == len(rows)  # an attachment row never exists without its op
        for r in rows:
            assert blobs.verify(r.sha256).size == r.size  # never a dangling or half blob
        dg.gc_orphan_blobs(store, blobs, grace_s=0)
        assert set(blobs) == {r.sha256 for r in rows}
        assert not blobs.tmp.exists() or list(blobs.tmp.iterdir()) == []
        return len(rows), len(list(blobs))
    finally:
        store.close()


def _scanimage_running(marker: str) -> bool:
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"scanimage" in cmd and marker.encode() in cmd:
            return True
    return False


@pytest.mark.sane
def test_kill_during_scan(store, settings, sane_env, tmp_path: Path) -> None:
    env = {**os.environ, **sane_env, "COUNTER_APP_DATA_DIR": str(settings.data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "counter_app", "scan", "page", "--dossier", DOSSIER_CODE,
         "--component", "1", "--device", "test:0", "--source", "adf",
         "--backend-option=--read-delay=yes", "--backend-option=--read-delay-duration=30000"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # wait until at least one page went through and the next one is on its way
        deadline = time.monotonic() + 60
        seen = ""
        assert proc.stderr is not None
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            seen += line
            if "page 3:" in line:
                break
            assert line, f"scan ended early: {seen}"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    work = BlobStore(settings.data_dir / "blobs").tmp
    assert any(work.iterdir())  # it was killed mid-work: pages were on disk
    time.sleep(0.5)
    assert not _scanimage_running(str(work))  # scanimage died with its parent
    assert _invariants(settings) == (0, 0)


ATTACH_LOOP = r"""
import sys
from pathlib import Path
from counter_app.config import load_settings
from counter_app.services import digitization as dg
from counter_app.store.blobs import BlobStore
from counter_app.store.db import Store
settings = load_settings(data_dir=sys.argv[1])
store = Store.open(settings.db_path)
blobs = BlobStore(settings.data_dir / "blobs")
files = sorted(Path(sys.argv[2]).iterdir())
print("ready", flush=True)
for i in range(1000):
    f = files[i % len(files)]
    dg.attach_files(store, blobs, sys.argv[3], 1 + i % 2, [f, files[(i + 1) % len(files)]],
                    actor="k")
"""


@pytest.mark.parametrize("kills", [
    pytest.param(4, id="short"),
    pytest.param(40, id="soak", marks=pytest.mark.soak),
])
def test_kill_during_attach_loop(store, settings, tmp_path: Path, kills: int) -> None:
    src = tmp_path / "src"
    src.mkdir()
    rnd = random.Random(kills)
    for i in range(6):
        Image.effect_noise((600 + i * 10, 800), 40 + i).save(src / f"{i}.jpg", quality=85)
    env = {**os.environ}
    for _ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, "-c", ATTACH_LOOP, str(settings.data_dir), str(src), DOSSIER_CODE],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
        )
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
            time.sleep(rnd.uniform(0.02, 0.6))
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(timeout=10)
        _invariants(settings)
    rows, stored = _invariants(settings)
    assert rows == stored  # one blob per distinct (component, pair) attached, nothing more
