"""Content-addressed blob store: layout, atomic writes, temp clean-up, integrity, disk space."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from counter_app.errors import BadInput, IntegrityFailure, NotAvailable
from counter_app.store.blobs import BlobStore, check_free_space
from tests.helpers import ROOT


def test_put_file_layout_and_dedupe(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    src = tmp_path / "a.bin"
    data = os.urandom(3 * 1024 * 1024 + 17)  # several chunks
    src.write_bytes(data)
    info = blobs.put_file(src)
    sha = hashlib.sha256(data).hexdigest()
    assert info.sha256 == sha and info.size == len(data)
    assert blobs.path(sha) == tmp_path / "blobs" / sha[:2] / sha[2:]
    assert blobs.path(sha).read_bytes() == data
    assert blobs.exists(sha) and blobs.size(sha) == len(data)
    with blobs.open(sha) as fh:
        assert fh.read(10) == data[:10]
    assert blobs.put_stream([data[:5], data[5:]]) == info  # same bytes, one file
    assert list(blobs) == [sha]
    assert list(blobs.tmp.iterdir()) == []  # no temp left behind
    assert blobs.verify(sha).size == len(data)
    if sys.platform != "win32":
        assert (blobs.path(sha).stat().st_mode & 0o777) == 0o600


def test_bad_hash_and_missing_blob(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "b").ensure()
    with pytest.raises(BadInput):
        blobs.path("../../etc/passwd")
    with pytest.raises(NotAvailable):
        blobs.open("0" * 64)
    with pytest.raises(NotAvailable):
        blobs.put_file(tmp_path / "nope.pdf")


def test_verify_detects_corruption(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "b")
    info = blobs.put_bytes(b"%PDF-1.4 hello")
    p = blobs.path(info.sha256)
    os.chmod(p, 0o600)
    p.write_bytes(b"%PDF-1.4 hellO")
    with pytest.raises(IntegrityFailure):
        blobs.verify(info.sha256)


def test_cleanup_temp_keeps_live_writers(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "b").ensure()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    (blobs.tmp / f"{dead_pid}-abcdef.part").write_bytes(b"half")
    (blobs.tmp / f"{dead_pid}-abcdef.work").mkdir()
    (blobs.tmp / f"{dead_pid}-abcdef.work" / "p0001.pnm").write_bytes(b"P5")
    (blobs.tmp / "junk").write_bytes(b"?")
    mine = blobs.tmp / f"{os.getpid()}-123abc.part"
    mine.write_bytes(b"in progress")
    assert blobs.cleanup_temp() == 3
    assert [p.name for p in blobs.tmp.iterdir()] == [mine.name]
    # a live writer's file is still removed once it is very old (PID reuse guard)
    assert blobs.cleanup_temp(now=time.time() + 3 * 24 * 3600) == 1


def test_free_space_check(tmp_path: Path) -> None:
    free = check_free_space(tmp_path, 1)
    assert free > 0
    with pytest.raises(NotAvailable) as err:
        BlobStore(tmp_path / "not-yet").check_space(free + 10**15)
    assert "không đủ dung lượng đĩa" in err.value.message


SLOW_WRITER = r"""
import sys, time
from counter_app.store.blobs import BlobStore
b = BlobStore(sys.argv[1])
def chunks():
    for i in range(10_000):
        yield b"x" * 65536
        if i == 3:
            print("writing", flush=True)
        time.sleep(0.01)
b.put_stream(chunks())
"""


def test_kill_during_write_leaves_no_blob(tmp_path: Path) -> None:
    root = tmp_path / "b"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(root)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "writing"
        time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    blobs = BlobStore(root)
    assert list(blobs) == []  # no final blob, complete or not
    leftovers = list(blobs.tmp.iterdir())
    assert len(leftovers) == 1 and leftovers[0].suffix == ".part"
    assert blobs.cleanup_temp() == 1
    assert list(blobs.tmp.iterdir()) == []
