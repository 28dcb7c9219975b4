"""Content-addressed attachments on the server: resumable, streamed, hash-verified uploads.

A blob is known to a center only after an attachment op of that center referenced it (BlobRef):
HEAD and PATCH answer 404 for any other hash, so a center can never probe another's files.

A hash is not a capability: each center proves it holds a blob by uploading all of it, verified
against the SHA-256, before it may download it — even when another center already uploaded the
same bytes (HEAD then still answers this center's own offset, so it cannot learn that the server
has them). Each center's upload has its own declared size and its own partial file, so a wrong
claim by one center never blocks another. Bytes go to `<data_dir>/blobs/partial/<center>/<sha>`
at the client's `Upload-Offset`; the received offset is recorded after each request (also when
the connection drops midway), so a resumed upload re-sends almost nothing. The verified file is
stored once per hash (`<data_dir>/blobs/<sha[:2]>/<sha>`, mode 0600).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from counter_app.server.crud.common import ApiError, now_iso
from counter_app.server.deps import AppContext
from counter_app.server.sync.models import Blob, BlobRef

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_locks: dict[str, asyncio.Lock] = {}


def _root(c: AppContext) -> Path:
    return Path(c.settings.data_dir) / "blobs"


def final_path(c: AppContext, sha: str) -> Path:
    return _root(c) / sha[:2] / sha


def _part_path(c: AppContext, center: str, sha: str) -> Path:
    tag = hashlib.sha256(center.encode()).hexdigest()[:16]  # a safe folder name per center
    return _root(c) / "partial" / tag / sha


def _not_found() -> ApiError:
    return ApiError(404, "blob_not_found", "không có tệp này / unknown blob for this center")


def status(c: AppContext, center: str, sha: str) -> dict[str, Any]:
    """This center's upload of the blob: its declared size, the bytes it sent, whether it is
    verified. 404 when the center never referenced the hash."""
    sha = sha.lower()
    if not _SHA_RE.match(sha):
        raise _not_found()
    with c.db.read() as s:
        ref = s.get(BlobRef, (center, sha))
    if ref is None:
        raise _not_found()
    return {"sha256": sha, "size": ref.size, "offset": ref.received, "complete": ref.verified}


def headers(st: dict[str, Any]) -> dict[str, str]:
    return {
        "Upload-Offset": str(st["offset"]),
        "Upload-Length": str(st["size"]),
        "Upload-Complete": "1" if st["complete"] else "0",
        "Cache-Control": "no-store",
    }


def complete_path(c: AppContext, center: str, sha: str) -> Path:
    st = status(c, center, sha)
    if not st["complete"]:
        raise ApiError(409, "blob_incomplete", "tệp chưa tải lên đủ / blob upload not complete")
    return final_path(c, sha.lower())


def _record(
    c: AppContext, center: str, sha: str, received: int, *, verified: bool = False
) -> None:
    """This center's progress; once verified, the blob itself is recorded complete."""
    with c.db.write() as s:
        ref = s.get(BlobRef, (center, sha))
        if ref is None:  # pragma: no cover - refs are never deleted
            return
        ref.received = received
        ref.verified = verified
        s.add(ref)
        if verified:
            blob = s.get(Blob, sha) or Blob(sha256=sha, size=received, created_at=now_iso())
            blob.size = received
            blob.received = received
            blob.complete = True
            blob.completed_at = blob.completed_at or now_iso()
            s.add(blob)


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


async def append(
    c: AppContext, center: str, sha: str, offset: int, stream: AsyncIterator[bytes]
) -> dict[str, Any]:
    sha = sha.lower()
    lock = _locks.setdefault(sha, asyncio.Lock())
    async with lock:
        st = status(c, center, sha)
        if st["complete"]:
            return st
        if offset != st["offset"]:
            raise ApiError(
                409,
                "offset_mismatch",
                f"vị trí tải lên sai / upload offset is {st['offset']}, not {offset}",
                headers=headers(st),
            )
        size = int(st["size"])
        part = _part_path(c, center, sha)
        _private_dir(c, part.parent)
        received = offset
        interrupted: BaseException | None = None
        fd = os.open(part, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+b") as fh:
            fh.truncate(offset)
            fh.seek(offset)
            try:
                async for chunk in stream:
                    if received + len(chunk) > size:
                        raise ApiError(
                            413, "too_large", f"blob is {size} bytes; the upload goes past it"
                        )
                    fh.write(chunk)
                    received += len(chunk)
            except ApiError:
                fh.truncate(offset)
                raise
            except BaseException as exc:  # noqa: BLE001 - the client went away midway: keep what arrived
                interrupted = exc
            fh.flush()
            os.fsync(fh.fileno())
        if received < size:
            _record(c, center, sha, received)
            if interrupted is not None:
                raise interrupted
            return {"sha256": sha, "size": size, "offset": received, "complete": False}
        actual = await asyncio.to_thread(_hash_file, part)
        if actual != sha:
            part.unlink(missing_ok=True)
            _record(c, center, sha, 0)
            raise ApiError(
                422,
                "hash_mismatch",
                "tệp tải lên sai mã băm / uploaded bytes do not match the SHA-256; start again",
            )
        target = final_path(c, sha)
        if target.exists():  # another center stored the same bytes: this one proved it has them
            part.unlink(missing_ok=True)
        else:
            _private_dir(c, target.parent)
            os.replace(part, target)
            _fsync_dir(target.parent)
        _record(c, center, sha, size, verified=True)
        return {"sha256": sha, "size": size, "offset": size, "complete": True}


def _private_dir(c: AppContext, path: Path) -> None:
    """Create the folder and every folder between it and the blob root with mode 0700."""
    root = _root(c)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for folder in (path, *path.parents):
        if folder == root.parent:
            break
        if folder.stat().st_mode & 0o077:
            os.chmod(folder, 0o700)
