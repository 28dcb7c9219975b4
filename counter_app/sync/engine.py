"""The sync engine: push the outbox, upload blobs, pull the change log — once, or forever with a
bounded, jittered backoff. Used by `counter-app sync run` and by the TUI's background worker.

Order matters (docs/DESIGN.md §4.7): ops first (every dossier reaches the server before any scan),
then blobs, then the pull.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import col, func, select

from counter_app.config import Settings
from counter_app.contracts.sync import MAX_BATCH, PROTOCOL
from counter_app.errors import CounterAppError, NotAvailable, ServerUnreachable
from counter_app.store.db import Store, device_info, get_state, set_state
from counter_app.store.models import Attachment, Outbox
from counter_app.sync import apply as pull_apply
from counter_app.sync.device import DeviceCredentials, load, save
from counter_app.sync.http import BatchTooLarge, ServerError, SyncConflict, SyncHttp

CHUNK = 256 * 1024
BACKOFF_MIN_S = 5.0
BACKOFF_MAX_S = 600.0
Progress = Callable[[str, int, int], None]


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _record_offset(s: Any, server_ms: int, t0: float, t1: float) -> None:
    """Server time minus local time, measured at the middle of the round trip."""
    set_state(s, "clock_offset_ms", int(server_ms - (t0 + t1) / 2 * 1000))
    set_state(s, "clock_offset_at", _now_iso())


class SyncLock:
    """Only one pusher per data dir (the TUI's worker and a `sync run` must not interleave)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = None

    def acquire(self, timeout: float = 30.0) -> None:
        self._fh = open(self.path, "a+")
        deadline = time.monotonic() + timeout
        while True:
            try:
                if os.name == "nt":  # pragma: no cover - Windows counters
                    import msvcrt

                    msvcrt.locking(self._fh.fileno(), msvcrt.LK_NBLCK, 1)
                else:
                    import fcntl

                    fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError:
                if time.monotonic() > deadline:
                    self._fh.close()
                    self._fh = None
                    raise NotAvailable(
                        "một tiến trình đồng bộ khác đang chạy / another sync is running"
                    ) from None
                time.sleep(0.1)

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing releases the lock
            self._fh = None


class SyncEngine:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        creds: DeviceCredentials | None = None,
        transport: httpx.BaseTransport | None = None,
        batch: int = MAX_BATCH,
        import_procedures: Callable[[list[dict[str, Any]]], object],
    ) -> None:
        """`import_procedures` stores the catalog entries a pull brings (the catalog service's
        versioned import: services/sync_runner.engine passes it; sync sits below services)."""
        self.store = store
        self.settings = settings
        self.import_procedures = import_procedures
        self.creds = creds or load(settings.data_dir)
        if self.creds is None:
            raise NotAvailable(
                "máy này chưa đăng ký với máy chủ / this install is not enrolled: run `counter-app enroll`"
            )
        self.http = SyncHttp(self.creds, transport)
        self.batch = max(1, min(batch, MAX_BATCH))
        self._round_epochs = 0
        self.stats: dict[str, int] = {
            "pushed": 0,
            "duplicates": 0,
            "conflicts": 0,
            "rejected": 0,
            "pulled": 0,
            "blob_bytes": 0,
            "blobs": 0,
            "epochs": 0,
        }

    def close(self) -> None:
        self.http.close()

    @contextmanager
    def _locked(self):  # type: ignore[no-untyped-def]
        lock = SyncLock(Path(self.settings.data_dir) / "sync.lock")
        lock.acquire()
        try:
            yield
        finally:
            lock.release()

    # --- one round ---------------------------------------------------------------------------

    def run_once(self, progress: Progress | None = None) -> dict[str, Any]:
        with self._locked():
            self._round_epochs = 0  # the re-epoch bound is per round, not per engine lifetime
            try:
                self.push(progress)
                self.upload_blobs(progress)
                self.pull(progress)
            except (CounterAppError, ServerError, SyncConflict) as exc:
                self._record_status(ok=False, error=str(exc))
                raise
            self._record_status(ok=True)
        return dict(self.stats)

    def _record_status(self, *, ok: bool, error: str | None = None) -> None:
        with self.store.write() as s:
            st = dict(get_state(s, "sync_status", {}) or {})
            st["last_attempt"] = _now_iso()
            if ok:
                st["last_success"] = st["last_attempt"]
                st["online"] = True
            else:
                st["last_error"] = error
                st["last_error_at"] = st["last_attempt"]
                st["online"] = not isinstance(error, str) or "unreachable" not in error
            set_state(s, "sync_status", st)

    # --- push --------------------------------------------------------------------------------

    def push(self, progress: Progress | None = None) -> int:
        total = 0
        for _round in range(10_000):
            with self.store.read() as s:
                ops = s.exec(
                    select(Outbox)
                    .where(col(Outbox.acked_at).is_(None))
                    .order_by(Outbox.device_seq)
                    .limit(self.batch)
                ).all()
                pending = s.exec(
                    select(func.count()).select_from(Outbox).where(col(Outbox.acked_at).is_(None))
                ).one()
            if not ops:
                return total
            body = {
                "protocol": PROTOCOL,
                "device_id": self.creds.device_id,
                "epoch": self.creds.epoch,
                "ops": [
                    {
                        "op_id": o.op_id,
                        "device_seq": o.device_seq,
                        "epoch": self.creds.epoch,
                        "hlc": o.hlc,
                        "schema_version": o.schema_version,
                        "entity": o.entity,
                        "entity_id": o.entity_id,
                        "op": o.op,
                        "payload": o.payload,
                        "base_version": o.base_version,
                        "created_at": o.created_at,
                    }
                    for o in ops
                ],
            }
            t0 = time.time()
            try:
                answer = self.http.push(body)
            except SyncConflict as conflict:
                self._handle_conflict(conflict, ops[0].device_seq)
                continue
            except BatchTooLarge:
                if len(ops) == 1:
                    raise  # one op over the server's limit: reported, retried with backoff
                self.batch = max(1, len(ops) // 2)  # fewer ops per push from now on
                continue
            t1 = time.time()
            self._ack(answer, (t0 + t1) / 2)
            total += len(answer["results"])
            if progress:
                progress("push", total, total + int(pending) - len(ops))
            if not answer["results"]:
                return total
        return total

    def _ack(self, answer: dict[str, Any], local_mid: float) -> None:
        at = _now_iso()
        by_id = {r["op_id"]: r for r in answer["results"]}
        with self.store.write() as s:
            rows = s.exec(select(Outbox).where(col(Outbox.op_id).in_(list(by_id)))).all()
            for row in rows:
                r = by_id[row.op_id]
                row.acked_at = at
                row.sent_at = row.sent_at or at
                row.result = {"status": r["status"], "reason": r.get("reason")}
                if r["status"] == "rejected":
                    row.rejected_reason = r.get("reason") or "rejected"
                s.add(row)
                key = {
                    "applied": "pushed",
                    "duplicate": "duplicates",
                    "conflict": "conflicts",
                    "rejected": "rejected",
                }[r["status"]]
                self.stats[key] += 1
            _record_offset(s, int(answer["server_time_ms"]), local_mid, local_mid)

    def _handle_conflict(self, conflict: SyncConflict, first_seq: int) -> None:
        body = conflict.body
        if conflict.code == "seq_gap":
            expected = int(body.get("expected_seq") or 1)
            with self.store.write() as s:
                lowest = s.exec(select(func.min(Outbox.device_seq))).one()
                if lowest is None or lowest > expected:
                    pass  # the server lacks ops we no longer hold: start a new epoch below
                else:
                    for row in s.exec(select(Outbox).where(Outbox.device_seq >= expected)).all():
                        row.acked_at = None
                        s.add(row)
                    return
        if conflict.code in ("seq_gap", "device_regressed", "stale_epoch"):
            self.new_epoch()
            return
        raise ServerError(f"sync refused: {conflict}")

    def new_epoch(self) -> int:
        """Restored backup (or a server that lost our ops): a new epoch; re-push every op held."""
        if self._round_epochs >= 3:
            raise ServerError("the server keeps refusing our sequence; giving up this round")
        epoch = self.http.new_epoch()
        self.creds.epoch = epoch
        save(self.settings.data_dir, self.creds)
        with self.store.write() as s:
            info = device_info(s)
            info["epoch"] = epoch
            set_state(s, "device", info)
            for row in s.exec(select(Outbox)).all():
                row.epoch = epoch
                row.acked_at = None
                s.add(row)
        self.stats["epochs"] += 1
        self._round_epochs += 1
        return epoch

    # --- blobs -------------------------------------------------------------------------------

    def _blob_path(self, sha: str) -> Path:
        from counter_app.store.blobs import BlobStore

        return Path(BlobStore(Path(self.settings.data_dir) / "blobs").path(sha))

    def upload_blobs(self, progress: Progress | None = None) -> int:
        with self.store.read() as s:
            acked = {
                eid
                for eid in s.exec(
                    select(Outbox.entity_id).where(
                        Outbox.entity == "attachment", col(Outbox.acked_at).is_not(None)
                    )
                ).all()
            }
            todo = [
                a
                for a in s.exec(
                    select(Attachment).where(
                        col(Attachment.upload_state).in_(["pending", "uploading"])
                    )
                ).all()
                if a.id in acked
            ]
        done = 0
        for att in todo:
            self._upload_one(att, progress)
            done += 1
        return done

    def _upload_one(self, att: Attachment, progress: Progress | None) -> None:
        path = self._blob_path(att.sha256)
        if not path.exists():
            raise NotAvailable(f"thiếu tệp quét / scan file missing: {att.sha256}")
        size = path.stat().st_size
        head = self.http.request("HEAD", f"/blobs/{att.sha256}")
        if head.status_code == 404:
            return  # the server has not applied the attachment op yet: next round
        offset = int(head.headers.get("Upload-Offset", "0"))
        complete = head.headers.get("Upload-Complete") == "1"
        with path.open("rb") as fh:
            while not complete and offset < size:
                fh.seek(offset)
                chunk = fh.read(CHUNK)
                try:
                    resp = self.http.request(
                        "PATCH",
                        f"/blobs/{att.sha256}",
                        content=chunk,
                        headers={
                            "Upload-Offset": str(offset),
                            "Content-Type": "application/offset+octet-stream",
                        },
                    )
                except SyncConflict as conflict:  # 409: our offset was stale; resume from theirs
                    offset = int(conflict.body.get("offset") or 0)
                    head = self.http.request("HEAD", f"/blobs/{att.sha256}")
                    offset = int(head.headers.get("Upload-Offset", "0"))
                    continue
                if resp.status_code == 422:
                    raise ServerError(f"blob {att.sha256[:12]} rejected: hash mismatch")
                if resp.status_code >= 400:
                    raise ServerError(f"blob upload answered {resp.status_code}")
                offset = int(resp.headers.get("Upload-Offset", offset + len(chunk)))
                complete = resp.headers.get("Upload-Complete") == "1"
                self.stats["blob_bytes"] += len(chunk)
                self.http.bytes_sent += len(chunk)
                with self.store.write() as s:
                    row = s.get(Attachment, att.id)
                    if row is not None:
                        row.uploaded_offset = offset
                        row.upload_state = "uploading"
                        s.add(row)
                if progress:
                    progress("blob", offset, size)
        with self.store.write() as s:
            row = s.get(Attachment, att.id)
            if row is not None:
                row.uploaded_offset = size
                row.upload_state = "done"
                row.acked_at = _now_iso()
                s.add(row)
        self.stats["blobs"] += 1

    # --- pull --------------------------------------------------------------------------------

    def pull(self, progress: Progress | None = None) -> int:
        total = 0
        for _page in range(10_000):
            with self.store.read() as s:
                cur = pull_apply.cursor(s)
                ref = get_state(s, "sync_ref")
                proc_after = int(get_state(s, "sync_proc_cursor", 0) or 0)
            t0 = time.time()
            try:
                page = self.http.pull(cur, ref, proc_after)
            except SyncConflict as conflict:
                if conflict.status == 410:  # compacted: start over with a full snapshot
                    with self.store.write() as s:
                        set_state(s, "sync_cursor", 0)
                    continue
                raise
            if page.get("procedures"):
                self.import_procedures([p["data"] for p in page["procedures"]])
            t1 = time.time()
            with self.store.write() as s:
                total += pull_apply.apply_page(s, page, self.creds.center)
                set_state(s, "sync_proc_cursor", int(page.get("proc_cursor", proc_after)))
                if "server_time_ms" in page:  # every exchange records the clock offset (§4.5)
                    _record_offset(s, int(page["server_time_ms"]), t0, t1)
            self.stats["pulled"] += len(page.get("changes", []))
            if progress:
                progress("pull", total, total)
            if not page.get("more"):
                return total
        return total

    # --- forever -----------------------------------------------------------------------------

    def run_forever(
        self,
        stop: threading.Event,
        progress: Progress | None = None,
        on_status: Callable[[dict[str, Any]], None] | None = None,
        wake: threading.Event | None = None,
    ) -> None:
        """Sync until `stop` is set: every 30 s after a success, with jittered backoff after a
        failure. Setting `wake` starts the next round at once (new work while online)."""
        delay = BACKOFF_MIN_S
        while not stop.is_set():
            try:
                self.run_once(progress)
                delay = BACKOFF_MIN_S
                wait = 30.0
            except (ServerUnreachable, ServerError, SyncConflict, CounterAppError):
                wait = next_delay(delay)
                delay = min(delay * 2, BACKOFF_MAX_S)
            if on_status:
                on_status(status(self.store, self.settings))
            _pause(stop, wake, wait)


def _pause(stop: threading.Event, wake: threading.Event | None, seconds: float) -> None:
    """Wait up to `seconds`, ending early when `stop` or `wake` is set (`wake` is consumed)."""
    if wake is None:
        stop.wait(seconds)
        return
    deadline = time.monotonic() + seconds
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        if wake.wait(min(left, 0.25)):
            wake.clear()
            return


def next_delay(delay: float, rng: random.Random | None = None) -> float:
    """Full-jitter exponential backoff, bounded to [BACKOFF_MIN_S/2, BACKOFF_MAX_S]."""
    r = (rng or random).uniform(0.5, 1.0)
    return max(BACKOFF_MIN_S / 2, min(BACKOFF_MAX_S, delay * r))


def status(store: Store, settings: Settings) -> dict[str, Any]:
    from counter_app.sync.status import sync_status

    return sync_status(store, settings)
