"""Content-addressed file store for scans: `<root>/ab/cdef…` named by the SHA-256 of the bytes.

- Writes stream through a temp file in `<root>/tmp/` while hashing, then fsync + rename + directory
  fsync: a blob path either does not exist or holds the complete, verified bytes (kill -9 safe).
- Temp files and scan work directories carry the writer's PID in their name, so `cleanup_temp()`
  at start removes only what a dead process left (a live TUI next to a CLI command keeps its own).
- Blobs are immutable; putting the same bytes twice keeps one file (and refreshes its mtime, so a
  concurrent orphan sweep sees it as fresh).

The sync engine uploads from here (`open`, `size`, `path`), resuming at an offset.
Every blob must be referenced by an `Attachment` row once its writer committed: the start-up
sweep (`services.digitization.gc_orphan_blobs`) deletes unreferenced blobs older than an hour.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from counter_app.errors import BadInput, IntegrityFailure, NotAvailable

CHUNK = 1 << 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_TEMP_NAME = re.compile(r"^(\d+)-[0-9a-f]+(\.part|\.work)$")
# A temp entry whose owner still runs is kept unless it is older than this (PID reuse guard).
STALE_TEMP_S = 24 * 3600


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int


def _fsync_dir(path: Path) -> None:
    """Make a rename durable (POSIX); Windows cannot open a directory and needs nothing."""
    if sys.platform.startswith("win"):
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform.startswith("win"):  # no cheap check: rely on the age rule
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_sha256(sha256: str) -> str:
    sha = sha256.strip().lower()
    if not _HEX64.match(sha):
        raise BadInput(f"mã băm không hợp lệ / not a SHA-256 hex digest: {sha256!r}", field="sha256")
    return sha


def check_free_space(path: Path, need_bytes: int) -> int:
    """Raise NotAvailable when the file system of `path` has less than `need_bytes` free."""
    probe = Path(path)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < need_bytes:
        raise NotAvailable(
            f"không đủ dung lượng đĩa: còn {free // 1_000_000} MB, cần {need_bytes // 1_000_000} MB"
            f" / not enough disk space: {free // 1_000_000} MB free, "
            f"{need_bytes // 1_000_000} MB needed ({probe})"
        )
    return free


class BlobStore:
    """Content-addressed blobs under `root` (normally `<data_dir>/blobs`)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"

    # --- layout -------------------------------------------------------------------------------

    def ensure(self) -> BlobStore:
        from counter_app.locations import ensure_private_dir

        ensure_private_dir(self.root)
        ensure_private_dir(self.tmp)
        return self

    def path(self, sha256: str) -> Path:
        sha = check_sha256(sha256)
        return self.root / sha[:2] / sha[2:]

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            raise NotAvailable(f"không có tệp quét / no blob {sha256}") from None

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError:
            raise NotAvailable(f"không có tệp quét / no blob {sha256}") from None

    def __iter__(self) -> Iterator[str]:
        """Every stored hash (temp files excluded)."""
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if len(sub.name) != 2 or not sub.is_dir():
                continue
            for f in sorted(sub.iterdir()):
                sha = sub.name + f.name
                if _HEX64.match(sha) and f.is_file():
                    yield sha

    # --- writing ------------------------------------------------------------------------------

    def _temp_name(self, suffix: str) -> Path:
        return self.tmp / f"{os.getpid()}-{uuid.uuid4().hex}{suffix}"

    def put_stream(self, chunks: BinaryIO | Iterable[bytes]) -> BlobInfo:
        """Store a byte stream (a readable binary file or an iterable of chunks)."""
        self.ensure()
        temp = self._temp_name(".part")
        digest = hashlib.sha256()
        size = 0
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        try:
            with os.fdopen(fd, "wb", closefd=True) as out:
                if hasattr(chunks, "read"):
                    reader = chunks
                    source: Iterable[bytes] = iter(lambda: reader.read(CHUNK), b"")  # type: ignore[union-attr]
                else:
                    source = chunks  # type: ignore[assignment]
                for chunk in source:
                    if not chunk:
                        continue
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            return self._commit(temp, digest.hexdigest(), size)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()

    def put_file(self, path: Path | str) -> BlobInfo:
        path = Path(path)
        try:
            fh = path.open("rb")
        except FileNotFoundError:
            raise NotAvailable(f"không có tệp / no such file: {path}") from None
        except OSError as exc:
            raise NotAvailable(f"không đọc được tệp / cannot read {path}: {exc}") from None
        with fh:
            return self.put_stream(fh)

    def put_bytes(self, data: bytes) -> BlobInfo:
        return self.put_stream([data])

    def _commit(self, temp: Path, sha: str, size: int) -> BlobInfo:
        final = self.root / sha[:2] / sha[2:]
        if final.is_file() and final.stat().st_size == size:
            os.utime(final)  # fresh again for the orphan sweep's grace period
            return BlobInfo(sha, size)
        final.parent.mkdir(mode=0o700, exist_ok=True)
        os.replace(temp, final)
        _fsync_dir(final.parent)
        _fsync_dir(self.root)
        return BlobInfo(sha, size)

    # --- maintenance --------------------------------------------------------------------------

    @contextlib.contextmanager
    def workdir(self) -> Iterator[Path]:
        """A private scratch directory (scanned pages) removed on exit, or by `cleanup_temp`."""
        self.ensure()
        d = self._temp_name(".work")
        d.mkdir(mode=0o700)
        try:
            yield d
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def cleanup_temp(self, *, now: float | None = None) -> int:
        """Remove temp files and work dirs left by dead processes (or very old). Returns count."""
        if not self.tmp.is_dir():
            return 0
        now = time.time() if now is None else now
        removed = 0
        for entry in self.tmp.iterdir():
            m = _TEMP_NAME.match(entry.name)
            try:
                age = now - entry.lstat().st_mtime
            except FileNotFoundError:
                continue
            if m and _pid_alive(int(m.group(1))) and age < STALE_TEMP_S:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
            removed += 1
        return removed

    def delete(self, sha256: str) -> bool:
        """Remove one blob (orphan sweep and retention only)."""
        p = self.path(sha256)
        try:
            p.unlink()
        except FileNotFoundError:
            return False
        with contextlib.suppress(OSError):
            p.parent.rmdir()  # only when empty
        return True

    def age_seconds(self, sha256: str, *, now: float | None = None) -> float:
        now = time.time() if now is None else now
        return now - self.path(sha256).stat().st_mtime

    def verify(self, sha256: str) -> BlobInfo:
        """Re-hash a stored blob; IntegrityFailure if its bytes do not match its name."""
        sha = check_sha256(sha256)
        digest = hashlib.sha256()
        size = 0
        with self.open(sha) as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
        if digest.hexdigest() != sha:
            raise IntegrityFailure(f"tệp quét bị hỏng / blob {sha} does not match its hash")
        return BlobInfo(sha, size)

    def check_space(self, need_bytes: int) -> int:
        return check_free_space(self.root, need_bytes)
