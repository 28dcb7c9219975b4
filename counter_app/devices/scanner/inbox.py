"""Watched scan folder: files dropped by a network scanner or copied from a phone.

A file is offered once it is complete: an accepted type (PDF/JPEG/PNG/TIFF), not a temp name
(`.part`, `.tmp`, `.crdownload`, `~…`, dot-files), its size and mtime unchanged for `stable_s`,
openable for reading, and — for PDF/JPEG/PNG — ending with its format's end marker. A writer that
pauses mid-file therefore is not taken; a writer that renames a finished temp file is taken after
one stability period.

`watch_inbox()` is a blocking iterator meant for a TUI worker thread: it wakes on file-system events
(watchfiles) and on a tick, and stops when `stop_event` is set. `InboxScanner.poll()` is the same
decision without watching (tests, Windows shares where notifications are unreliable).
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from counter_app.errors import NotAvailable

ACCEPTED = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".tif": "tiff",
            ".tiff": "tiff"}
TEMP_SUFFIXES = (".part", ".tmp", ".crdownload", ".download", ".partial", ".filepart", "~")
IMPORTED_DIR = ".imported"
REJECTED_DIR = ".rejected"


@dataclass(frozen=True)
class InboxFile:
    path: Path
    kind: str  # pdf | jpeg | png | tiff (from the extension; the content is checked on attach)
    size: int
    mtime: float

    @property
    def name(self) -> str:
        return self.path.name


def is_candidate(path: Path) -> bool:
    name = path.name
    if name.startswith((".", "~")) or name.lower().endswith(TEMP_SUFFIXES):
        return False
    return path.suffix.lower() in ACCEPTED


def looks_complete(path: Path, kind: str) -> bool:
    """Cheap end-marker check (a half-written file usually lacks it)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            if size == 0:
                return False
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError:  # e.g. locked by the writer on Windows
        return False
    if kind == "pdf":
        return b"%%EOF" in tail
    if kind == "jpeg":
        return tail.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")
    if kind == "png":
        return b"IEND" in tail[-16:]
    return True


class InboxScanner:
    """Remembers what it saw; `poll()` returns the files that just became complete."""

    def __init__(self, folder: Path | str, *, stable_s: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.folder = Path(folder)
        self.stable_s = stable_s
        self._clock = clock
        self._seen: dict[Path, tuple[int, int, float]] = {}
        self._offered: dict[Path, tuple[int, int]] = {}

    def check_folder(self) -> None:
        if not self.folder.is_dir():
            raise NotAvailable(
                f"không có thư mục nhận tệp quét / scan inbox folder not found: {self.folder}"
            )

    def poll(self) -> list[InboxFile]:
        self.check_folder()
        now = self._clock()
        ready: list[InboxFile] = []
        present: set[Path] = set()
        for entry in sorted(self.folder.iterdir()):
            if not is_candidate(entry):
                continue
            try:
                st = entry.stat()
            except OSError:
                continue
            if not entry.is_file():
                continue
            present.add(entry)
            key = (st.st_size, st.st_mtime_ns)
            if self._offered.get(entry) == key:
                continue
            prev = self._seen.get(entry)
            if prev is None or prev[:2] != key:
                self._seen[entry] = (*key, now)
                continue
            if now - prev[2] < self.stable_s:
                continue
            kind = ACCEPTED[entry.suffix.lower()]
            if not looks_complete(entry, kind):
                continue
            self._offered[entry] = key
            ready.append(InboxFile(entry, kind, st.st_size, st.st_mtime))
        for gone in set(self._seen) - present:
            self._seen.pop(gone, None)
        for gone in set(self._offered) - present:
            self._offered.pop(gone, None)
        return ready

    def skip_existing(self) -> None:
        """Treat what is in the folder now as already offered."""
        self.check_folder()
        for entry in self.folder.iterdir():
            if is_candidate(entry) and entry.is_file():
                st = entry.stat()
                self._offered[entry] = (st.st_size, st.st_mtime_ns)

    def forget(self, path: Path) -> None:
        """Offer `path` again if it is still there at the next poll (e.g. the officer skipped it)."""
        self._offered.pop(Path(path), None)
        self._seen.pop(Path(path), None)


def watch_inbox(
    folder: Path | str,
    *,
    stop_event: threading.Event,
    stable_s: float = 2.0,
    tick_s: float = 0.5,
    include_existing: bool = True,
    force_polling: bool | None = None,
    ready: threading.Event | None = None,
) -> Iterator[InboxFile]:
    """Yield each complete new file until `stop_event` is set (run it in a worker thread).

    `ready` is set once the folder has been read (files arriving after it are new).
    """
    import watchfiles

    scanner = InboxScanner(folder, stable_s=stable_s)
    scanner.check_folder()
    if not include_existing:
        scanner.skip_existing()
    first = scanner.poll()
    if ready is not None:
        ready.set()
    yield from first
    for _changes in watchfiles.watch(
        scanner.folder,
        stop_event=stop_event,
        rust_timeout=max(50, int(tick_s * 1000)),
        yield_on_timeout=True,
        debounce=int(tick_s * 1000),
        recursive=False,
        raise_interrupt=False,
        force_polling=force_polling,
        watch_filter=None,
    ):
        if stop_event.is_set():
            return
        yield from scanner.poll()


def _move_aside(path: Path, sub: str) -> Path:
    target_dir = path.parent / sub
    target_dir.mkdir(mode=0o700, exist_ok=True)
    target = target_dir / path.name
    n = 1
    while target.exists():
        target = target_dir / f"{path.stem}.{n}{path.suffix}"
        n += 1
    shutil.move(str(path), target)
    with contextlib.suppress(OSError):
        target.touch()  # retention counts from the import
    return target


def mark_imported(path: Path | str) -> Path:
    """Move an attached file out of the way (into `.imported/`; retention clears it later)."""
    return _move_aside(Path(path), IMPORTED_DIR)


def mark_rejected(path: Path | str) -> Path:
    """Move a damaged or refused file into `.rejected/` so it is not offered again."""
    return _move_aside(Path(path), REJECTED_DIR)


def purge_imported(folder: Path | str, *, older_than_s: float) -> int:
    """Delete imported files older than the retention period. Returns how many."""
    d = Path(folder) / IMPORTED_DIR
    if not d.is_dir():
        return 0
    limit = time.time() - older_than_s
    n = 0
    for f in d.iterdir():
        with contextlib.suppress(OSError):
            if f.is_file() and f.stat().st_mtime < limit:
                f.unlink()
                n += 1
    return n
