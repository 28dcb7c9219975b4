"""Digitisation use cases: scan or attach the papers of a dossier component (số hóa thành phần).

Order of writes, so that kill -9 at any instant loses nothing and leaves nothing dangling:
1. pages are scanned/checked one at a time into a private work dir under `<blobs>/tmp/`;
2. the component PDF is built there and put into the blob store (temp + fsync + rename);
3. ONE store transaction inserts the Attachment row, its event and its outbox op — after checking,
   under the write lock, that the blob is still there.
A kill before 3 leaves at most an orphan blob (no row) and temp files; `gc_orphan_blobs()` and
`BlobStore.cleanup_temp()` remove them at the next start. Rows never point at a missing blob.

The TUI uses `ScanBatch` (scan more, add files, reorder/delete/rotate, preview, then
`commit_batch`); the CLI uses `scan_component` and `attach_files`, which are the same steps.

TUI sketch (all calls below run in a worker thread; callbacks fire in that thread, so post
messages from them, never touch widgets):

    prepare_storage(ctx.store, ctx.blobs)                       # once at start
    info = component_info(ctx.store, code, index)               # name + default profile
    batch = ScanBatch(ctx.blobs, ctx.settings)
    batch.scan(ScanRequest(device=..., source="adf", resolution=info["resolution"],
                           mode=info["mode"]), get_profile(info["profile"]),
               on_progress=..., on_page=..., cancel_event=ev)   # ScannerError: show .message
    batch.apply({"op": "move", "from": 3, "to": 1}); batch.rotate(0, 90); batch.delete(2)
    cells = halfblocks(batch.thumbnail(i, 96), cols=24)         # "▀" fg=top bg=bottom
    commit_batch(ctx.store, ctx.blobs, batch, code, index, actor=ctx.actor,
                 settings=ctx.settings); batch.close()
    for f in watch_inbox(inbox_folder(settings), stop_event=stop): offer f → import_inbox_file
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.devices.scanner import pages as page_ops
from counter_app.devices.scanner.pages import Page
from counter_app.errors import BadInput, IntegrityFailure, NotFound

if TYPE_CHECKING:
    from counter_app.config import Settings
    from counter_app.devices.scanner.imaging import ScanProfile
    from counter_app.devices.scanner.sane import ScanProgress, ScanRequest, ScanSession
    from counter_app.store.blobs import BlobStore
    from counter_app.store.db import Store

ORPHAN_GRACE_S = 3600.0  # a blob younger than this may belong to an attach still committing
RESERVE_BYTES = 100_000_000  # keep this much disk free for the database and the OS
OUT_PAGE_BYTES = 1_000_000  # generous upper bound of one encoded page, for the space check


def _limits(settings: Settings | None) -> tuple[int, int]:
    if settings is not None:
        return settings.scan_max_pages, settings.scan_max_bytes
    from counter_app.config import Settings

    fields = Settings.model_fields
    return int(fields["scan_max_pages"].default), int(fields["scan_max_bytes"].default)


# --- dossier and component -----------------------------------------------------------------------


def _dossier(session: Any, code: str) -> Any:
    from sqlmodel import or_, select

    from counter_app.store.models import Dossier

    code = code.strip()
    d = session.exec(
        select(Dossier).where(or_(Dossier.code == code, Dossier.lookup_code == code))
    ).first()
    if d is None:
        raise NotFound(f"không tìm thấy hồ sơ '{code}' / no dossier '{code}'", field="dossier")
    return d


def _component(dossier: Any, index: int) -> dict[str, Any]:
    comps = list(dossier.components or [])
    for c in comps:
        if int(c.get("index", -1)) == index:
            return c
    if not comps and index >= 1:
        return {"index": index, "name": ""}
    known = ", ".join(str(c.get("index")) for c in comps) or "—"
    raise BadInput(
        f"hồ sơ {dossier.code} không có thành phần số {index} (có: {known}) / dossier "
        f"{dossier.code} has no component {index}",
        field="component",
    )


def component_info(store: Store, dossier_code: str, component_index: int) -> dict[str, Any]:
    """Name of the component and the scan profile it gets by default (for the scan dialog)."""
    from counter_app.devices.scanner.imaging import profile_for_component

    with store.read() as session:
        d = _dossier(session, dossier_code)
        comp = _component(d, component_index)
    profile = profile_for_component(comp.get("name"))
    return {"dossier": d.code, "component": component_index, "name": comp.get("name", ""),
            "profile": profile.name, "mode": profile.mode, "resolution": profile.resolution}


# --- the batch of pages being prepared -----------------------------------------------------------


@dataclass
class ScanBatch:
    """Pages of one component before they are saved. Close it (or use `with`) to drop its files."""

    blobs: BlobStore
    settings: Settings | None = None
    pages: tuple[Page, ...] = ()
    _workdir: Path | None = field(default=None, repr=False)
    _ctx: Any = field(default=None, repr=False)
    _session: ScanSession | None = field(default=None, repr=False)
    _counter: int = 0

    def __enter__(self) -> ScanBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def workdir(self) -> Path:
        if self._workdir is None:
            self._ctx = self.blobs.workdir()
            self._workdir = self._ctx.__enter__()
        return self._workdir

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.__exit__(None, None, None)
        self._ctx = None
        self._workdir = None
        self.pages = ()

    def _stem(self) -> Path:
        self._counter += 1
        return self.workdir / f"page{self._counter:05d}"

    # scanning --------------------------------------------------------------------------------

    def scan(
        self,
        request: ScanRequest,
        profile: ScanProfile,
        *,
        on_progress: Callable[[ScanProgress], None] | None = None,
        on_page: Callable[[Page], None] | None = None,
        cancel_event: threading.Event | None = None,
    ) -> int:
        """Scan with `request`, appending each page as it arrives. Returns pages added.

        On a scanner error (jam, cover open…) the pages scanned before it stay in the batch and
        the error is raised: the officer fixes the paper and scans the rest.
        """
        from counter_app.devices.scanner.imaging import process_scan
        from counter_app.devices.scanner.sane import ScanSession

        max_pages, _max_bytes = _limits(self.settings)
        room = max_pages - len(self.pages)
        if room <= 0:
            raise BadInput(f"đã đủ {max_pages} trang tối đa / page limit {max_pages} reached",
                           field="pages")
        request = dataclasses.replace(request, max_pages=min(request.max_pages, room))
        self.blobs.check_space(required_space(request, profile))
        raw_dir = self.workdir / f"raw{self._counter:05d}"
        session = ScanSession(request, raw_dir, on_progress=on_progress)
        self._session = session
        stop_watch = threading.Event()
        if cancel_event is not None:
            def _watch() -> None:
                while not stop_watch.is_set():
                    if cancel_event.wait(0.1):
                        session.cancel()
                        return

            threading.Thread(target=_watch, name="scan-cancel", daemon=True).start()
        added = 0
        dpi = float(request.resolution)
        try:
            for raw in session.pages():
                try:
                    dpi = float(session.resolution or dpi)
                    page = process_scan(raw, profile, self._stem(), dpi=dpi,
                                        source=f"scan:{session.device}")
                finally:
                    raw.unlink(missing_ok=True)
                self.pages = (*self.pages, page)
                added += 1
                if on_page is not None:
                    on_page(page)
                if len(self.pages) >= max_pages:
                    session.cancel()
                    break
        except Exception as exc:
            from counter_app.devices.scanner.sane import ScanCancelled

            if isinstance(exc, ScanCancelled) and len(self.pages) >= max_pages:
                return added
            raise
        finally:
            stop_watch.set()
            self._session = None
        return added

    def cancel(self) -> None:
        """Stop the scan in progress (from any thread)."""
        s = self._session
        if s is not None:
            s.cancel()

    # files ---------------------------------------------------------------------------------

    def add_files(self, files: Sequence[Path | str]) -> list[Page]:
        """Check image files (all of them first) and append their pages. PDFs are refused here:
        they are stored as they are by `attach_files`."""
        from counter_app.devices.scanner.imaging import inspect_file, pages_from_image

        max_pages, max_bytes = _limits(self.settings)
        sources = [inspect_file(Path(f), max_bytes=max_bytes, max_pages=max_pages) for f in files]
        for s in sources:
            if s.kind == "pdf":
                raise BadInput(f"'{s.path.name}' là PDF: đính kèm trực tiếp / '{s.path.name}' is "
                               "a PDF: attach it as it is", field="file")
        total = len(self.pages) + sum(s.pages for s in sources)
        if total > max_pages:
            raise BadInput(f"quá {max_pages} trang / more than {max_pages} pages ({total})",
                           field="pages")
        added: list[Page] = []
        for s in sources:
            added += pages_from_image(s, self.workdir)
        self.pages = (*self.pages, *added)
        return added

    # page operations ---------------------------------------------------------------------------

    def apply(self, op: dict[str, Any]) -> tuple[Page, ...]:
        self.pages = page_ops.apply(self.pages, op)
        return self.pages

    def move(self, src: int, dst: int) -> None:
        self.pages = page_ops.move(self.pages, src, dst)

    def delete(self, *indices: int) -> None:
        self.pages = page_ops.delete(self.pages, indices)

    def rotate(self, index: int, degrees: int = 90) -> None:
        self.pages = page_ops.rotate(self.pages, index, degrees)

    def reorder(self, order: Sequence[int]) -> None:
        self.pages = page_ops.reorder(self.pages, order)

    def thumbnail(self, index: int, max_px: int = 96):  # type: ignore[no-untyped-def]
        from counter_app.devices.scanner.imaging import thumbnail

        page_ops._check_index(self.pages, index)
        return thumbnail(self.pages[index], max_px)

    def build_pdf(self) -> tuple[Path, int]:
        from counter_app.devices.scanner.imaging import build_pdf

        self._counter += 1
        out = self.workdir / f"component{self._counter:05d}.pdf"
        n = build_pdf(self.pages, out)
        _max_pages, max_bytes = _limits(self.settings)
        size = out.stat().st_size
        if size > max_bytes:
            out.unlink(missing_ok=True)
            raise BadInput(
                f"tệp PDF quá lớn: {size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB (giảm độ phân "
                f"giải hoặc chia nhỏ) / the PDF is too large", field="pages"
            )
        return out, n


def required_space(request: ScanRequest, profile: ScanProfile) -> int:
    """Disk space a scan needs: two raw pages, the encoded pages, the PDF twice, a reserve."""
    width_in, height_in = 210 / 25.4, 297 / 25.4
    channels = 3 if request.mode == "color" else 1
    raw = int(width_in * height_in * request.resolution ** 2 * channels)
    expected = 1 if request.source == "flatbed" else min(request.max_pages, 50)
    return RESERVE_BYTES + 2 * raw + 3 * expected * OUT_PAGE_BYTES


# --- saving ----------------------------------------------------------------------------------


def _now(session: Any, settings: Settings | None, now: dt.datetime | None) -> str:
    from zoneinfo import ZoneInfo

    from counter_app.services.clock import iso, legal_now

    tz = settings.tz if settings is not None else ZoneInfo("Asia/Ho_Chi_Minh")
    return iso(legal_now(session, tz, now=now))


def _store_attachments(
    store: Store,
    blobs: BlobStore,
    dossier_code: str,
    component_index: int,
    items: list[dict[str, Any]],
    *,
    actor: str,
    settings: Settings | None,
    now: dt.datetime | None,
    source: str,
) -> dict[str, Any]:
    """One transaction: an Attachment row + event + outbox op per stored blob."""
    from sqlmodel import select

    from counter_app.domain.ids import uuid7_str
    from counter_app.store.db import record
    from counter_app.store.models import Attachment

    out: list[dict[str, Any]] = []
    with store.write() as session:
        d = _dossier(session, dossier_code)
        _component(d, component_index)
        stamp = _now(session, settings, now)
        for item in items:
            sha = item["sha256"]
            # under the write lock: the orphan sweep cannot remove it before we commit
            if not blobs.exists(sha) or blobs.size(sha) != item["size"]:
                raise IntegrityFailure(
                    f"tệp quét {sha[:12]}… không còn trong kho / blob vanished before commit"
                )
            existing = session.exec(
                select(Attachment).where(
                    Attachment.dossier_id == d.id,
                    Attachment.component_index == component_index,
                    Attachment.sha256 == sha,
                )
            ).first()
            if existing is not None:
                out.append({**_att_dict(existing), "duplicate": True})
                continue
            att = Attachment(
                id=uuid7_str(),
                dossier_id=d.id,
                component_index=component_index,
                sha256=sha,
                pages=item["pages"],
                size=item["size"],
                mime=item["mime"],
                created_at=stamp,
            )
            session.add(att)
            session.flush()
            wire = {
                "id": att.id, "dossier_id": d.id, "dossier_code": d.code,
                "component_index": component_index, "sha256": sha, "size": att.size,
                "pages": att.pages, "mime": att.mime, "created_at": stamp, "source": source,
            }
            record(session, entity="attachment", entity_id=att.id, action="attach", actor=actor,
                   at=stamp, data={k: wire[k] for k in ("dossier_code", "component_index",
                                                        "sha256", "pages", "size")},
                   payload={"attachment": wire})
            record(session, entity="dossier", entity_id=d.id, action="attach", actor=actor,
                   at=stamp, push=False,
                   data={"component_index": component_index, "sha256": sha, "pages": att.pages,
                         "source": source})
            out.append({**_att_dict(att), "duplicate": False})
        code = d.code
    return {"dossier": code, "component": component_index, "attachments": out}


def _att_dict(a: Any) -> dict[str, Any]:
    return {"id": a.id, "sha256": a.sha256, "pages": a.pages, "size": a.size, "mime": a.mime,
            "created_at": a.created_at, "upload_state": a.upload_state}


def commit_batch(
    store: Store,
    blobs: BlobStore,
    batch: ScanBatch,
    dossier_code: str,
    component_index: int,
    *,
    actor: str,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
    source: str = "scan",
) -> dict[str, Any]:
    """Build the batch's PDF, store it (blob first), then record it. The batch is emptied."""
    with store.read() as session:  # fail before the work if the target is wrong
        _component(_dossier(session, dossier_code), component_index)
    pdf, n = batch.build_pdf()
    info = blobs.put_file(pdf)
    pdf.unlink(missing_ok=True)
    result = _store_attachments(
        store, blobs, dossier_code, component_index,
        [{"sha256": info.sha256, "size": info.size, "pages": n, "mime": "application/pdf"}],
        actor=actor, settings=settings, now=now, source=source,
    )
    batch.pages = ()
    return result


def stash_batch(blobs: BlobStore, batch: ScanBatch) -> dict[str, Any]:
    """Keep the batch's pages safe before the dossier exists: its PDF goes into the blob store
    (content-addressed, fsynced) and the returned item is recorded in the wizard's draft, so a
    crash or a power cut before "receive" loses no scan. The batch stays as it is (editable);
    `commit_stashed` attaches the item once the dossier is stored. A blob no draft and no
    attachment references any more is removed by the orphan sweep."""
    if not batch.pages:
        raise BadInput("chưa có trang nào / no page scanned", field="pages")
    pdf, n = batch.build_pdf()
    try:
        info = blobs.put_file(pdf)
    finally:
        pdf.unlink(missing_ok=True)
    return {"sha256": info.sha256, "size": info.size, "pages": n, "mime": "application/pdf"}


def commit_stashed(
    store: Store,
    blobs: BlobStore,
    dossier_code: str,
    component_index: int,
    items: Sequence[dict[str, Any]],
    *,
    actor: str,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Attach stashed scans to the component (one transaction; an item already attached is
    reported as a duplicate, so replaying after a crash attaches nothing twice)."""
    return _store_attachments(
        store, blobs, dossier_code, component_index, list(items),
        actor=actor, settings=settings, now=now, source="scan",
    )


def draft_blob_refs(session: Any) -> set[str]:
    """Blobs that open reception drafts hold (stashed scans waiting for "receive")."""
    from sqlmodel import select

    from counter_app.store.models import Draft

    refs: set[str] = set()
    for data in session.exec(select(Draft.data)).all():
        scans = (data or {}).get("scans") if isinstance(data, dict) else None
        if not isinstance(scans, dict):
            continue
        for items in scans.values():
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("sha256"), str):
                    refs.add(item["sha256"])
    return refs


def attach_files(
    store: Store,
    blobs: BlobStore,
    dossier_code: str,
    component_index: int,
    files: Sequence[Path | str],
    actor: str = "system",
    *,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Attach files (PDF/JPEG/PNG/TIFF) to a component, all or nothing.

    Every file is checked first (damaged, unknown type, too large or too many pages → BadInput and
    nothing is stored). Images become one PDF (JPEG and bilevel TIFF embedded as they are, others
    deflated losslessly); each PDF is kept byte for byte as its own attachment.
    """
    from counter_app.devices.scanner.imaging import inspect_file

    if not files:
        raise BadInput("chưa chọn tệp nào / no file given", field="files")
    max_pages, max_bytes = _limits(settings)
    prepare_storage(store, blobs)
    with store.read() as session:
        _component(_dossier(session, dossier_code), component_index)
    sources = [inspect_file(Path(f), max_bytes=max_bytes, max_pages=max_pages) for f in files]
    total_pages = sum(s.pages for s in sources)
    if total_pages > max_pages:
        raise BadInput(f"quá {max_pages} trang / more than {max_pages} pages ({total_pages})",
                       field="files")
    blobs.check_space(RESERVE_BYTES + 3 * sum(s.size for s in sources))
    images = [s for s in sources if s.kind != "pdf"]
    items: list[dict[str, Any]] = []
    with ScanBatch(blobs, settings) as batch:
        if images:
            batch.add_files([s.path for s in images])
            pdf, n = batch.build_pdf()
            info = blobs.put_file(pdf)
            items.append({"sha256": info.sha256, "size": info.size, "pages": n,
                          "mime": "application/pdf"})
        for s in sources:
            if s.kind == "pdf":
                info = blobs.put_file(s.path)
                items.append({"sha256": info.sha256, "size": info.size, "pages": s.pages,
                              "mime": "application/pdf"})
    return _store_attachments(store, blobs, dossier_code, component_index, items, actor=actor,
                              settings=settings, now=now, source="file")


def scan_component(
    store: Store,
    blobs: BlobStore,
    dossier_code: str,
    component_index: int,
    *,
    actor: str = "system",
    request: ScanRequest | None = None,
    profile: ScanProfile | str | None = None,
    settings: Settings | None = None,
    on_progress: Callable[[ScanProgress], None] | None = None,
    on_page: Callable[[Page], None] | None = None,
    cancel_event: threading.Event | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Scan one page (flatbed) or a feeder batch into one PDF attached to the component.

    The profile defaults from the component's name (text: 200 dpi grey JPEG; photo: colour);
    `request.mode`/`resolution` override it. Nothing is stored if the scan fails or is cancelled.
    """
    from counter_app.devices.scanner.imaging import get_profile, profile_for_component
    from counter_app.devices.scanner.sane import ScanRequest

    max_pages, _ = _limits(settings)
    prepare_storage(store, blobs)
    with store.read() as session:
        comp = _component(_dossier(session, dossier_code), component_index)
    if profile is None:
        prof = profile_for_component(comp.get("name"))
    elif isinstance(profile, str):
        prof = get_profile(profile)
    else:
        prof = profile
    if request is None:
        request = ScanRequest(resolution=prof.resolution, mode=prof.mode, max_pages=max_pages)
    else:
        prof = prof.with_overrides(resolution=request.resolution, mode=request.mode)
        if request.mode == "lineart" and prof.encoding != "g4":
            prof = prof.with_overrides(encoding="g4")
    with ScanBatch(blobs, settings) as batch:
        batch.scan(request, prof, on_progress=on_progress, on_page=on_page,
                   cancel_event=cancel_event)
        if not batch.pages:
            raise BadInput("không quét được trang nào / no page was scanned", field="pages")
        return commit_batch(store, blobs, batch, dossier_code, component_index, actor=actor,
                            settings=settings, now=now, source="scan")


# --- housekeeping ------------------------------------------------------------------------------


def gc_orphan_blobs(store: Store, blobs: BlobStore, *, grace_s: float = ORPHAN_GRACE_S
                    ) -> dict[str, int]:
    """Delete blobs no live Attachment row and no open reception draft references (a kill between
    blob and commit, a discarded draft's scans, or a retention purge's leftovers).

    Blobs younger than `grace_s` are kept (an attach in another process may be about to commit);
    the final check and the deletions happen under the store's write lock, so a row can never be
    committed for a blob deleted here.
    """
    from sqlmodel import col, select

    from counter_app.store.models import Attachment

    temp = blobs.cleanup_temp()
    candidates = []
    for sha in blobs:
        try:
            if blobs.age_seconds(sha) >= grace_s:
                candidates.append(sha)
        except FileNotFoundError:
            continue
    removed = 0
    if candidates:
        with store.write() as session:
            referenced: set[str] = draft_blob_refs(session)
            for i in range(0, len(candidates), 500):
                chunk = candidates[i:i + 500]
                referenced |= set(session.exec(
                    select(Attachment.sha256).where(col(Attachment.sha256).in_(chunk),
                                                    col(Attachment.purged_at).is_(None))
                ).all())
            for sha in candidates:
                if sha not in referenced and blobs.delete(sha):
                    removed += 1
    return {"orphans_removed": removed, "temp_removed": temp}


def purge_acknowledged(
    store: Store,
    blobs: BlobStore,
    *,
    retention_days: int,
    now: dt.datetime | None = None,
    actor: str = "system",
) -> dict[str, int]:
    """Retention (docs/DESIGN.md §3): remove scans from this PC N days after the server acknowledged
    them. The row stays (with `purged_at`); a blob still needed by a row not yet acknowledged stays.
    """
    from sqlmodel import col, select

    from counter_app.store.db import record
    from counter_app.store.models import Attachment

    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    limit = now - dt.timedelta(days=retention_days)

    def expired(acked_at: str | None) -> bool:
        if not acked_at:
            return False
        try:
            acked = dt.datetime.fromisoformat(str(acked_at))
        except ValueError:
            return False
        if acked.tzinfo is None:
            acked = acked.replace(tzinfo=dt.UTC)
        return acked <= limit

    purged = deleted = 0
    to_delete: list[str] = []
    with store.write() as session:
        rows = session.exec(
            select(Attachment).where(col(Attachment.acked_at).is_not(None),
                                     col(Attachment.purged_at).is_(None))
        ).all()
        stamp = now.isoformat(timespec="seconds")
        due = [r for r in rows if expired(r.acked_at)]
        due_ids = {r.id for r in due}
        for row in due:
            row.purged_at = stamp
            session.add(row)
            record(session, entity="attachment", entity_id=row.id, action="purge", actor=actor,
                   at=stamp, push=False, data={"sha256": row.sha256})
            purged += 1
        for sha in sorted({r.sha256 for r in due}):
            others = session.exec(
                select(Attachment).where(Attachment.sha256 == sha,
                                         col(Attachment.purged_at).is_(None))
            ).all()
            if all(o.id in due_ids for o in others):
                to_delete.append(sha)
    # after the commit: a crash here leaves blobs only purged rows point at, which the orphan
    # sweep removes (it counts rows with purged_at NULL as references)
    for sha in to_delete:
        if blobs.delete(sha):
            deleted += 1
    return {"purged": purged, "blobs_deleted": deleted}


def prepare_storage(store: Store, blobs: BlobStore) -> dict[str, int]:
    """Run at start (TUI, scan commands): temp files of dead processes and orphan blobs go."""
    blobs.ensure()
    return gc_orphan_blobs(store, blobs)


def suggested_profile(component_name: str | None) -> str:
    """The scan profile a component's name suggests (a birth certificate: "text"; a photo:
    "photo"…); "text" when nothing can be said. Only a suggestion the officer may change."""
    from counter_app.devices.scanner.imaging import profile_for_component

    try:
        return profile_for_component(component_name).name
    except Exception:  # noqa: BLE001 - the default profile is only a suggestion
        return "text"


def scan_request(device: str, source: str, profile: str,
                 defaults: dict[str, Any] | None = None) -> tuple[ScanRequest, ScanProfile]:
    """What to ask the scanner for one component: the profile's resolution and mode (plus the
    PC's defaults), one page from the flatbed. BadInput with the reason when it cannot be."""
    from counter_app.devices.scanner.imaging import get_profile
    from counter_app.devices.scanner.sane import ScanRequest

    chosen = get_profile(profile)
    kw: dict[str, Any] = {"resolution": chosen.resolution, "mode": chosen.mode, **(defaults or {})}
    if source == "flatbed":
        kw["max_pages"] = 1
    try:
        return ScanRequest(device=device, source=source, **kw), chosen
    except (TypeError, ValueError) as exc:
        raise BadInput(getattr(exc, "message", str(exc)), field="scan") from None


def is_cancelled(exc: BaseException) -> bool:
    """Whether a scan stopped because the officer cancelled it (not a scanner fault)."""
    from counter_app.devices.scanner.sane import ScanCancelled

    return isinstance(exc, ScanCancelled)


def thumbnail_cells(batch: ScanBatch, index: int, max_px: int, cols: int) -> Any:
    """A page of the batch as half-block cells for a text screen ("▀": foreground = top pixel,
    background = bottom), rows of (top, bottom) colours."""
    from counter_app.devices.scanner.imaging import halfblocks

    return halfblocks(batch.thumbnail(index, max_px), cols=cols)


def mark_inbox_imported(files: Sequence[Path]) -> None:
    """After the pages of inbox files are stored with a dossier: move the files into
    `.imported/` so they are not offered again (a file already gone is left alone)."""
    from counter_app.devices.scanner.inbox import mark_imported

    for f in files:
        try:
            if f.exists():
                mark_imported(f)
        except OSError:
            pass


def list_devices() -> list[dict[str, str]]:
    from counter_app.devices.scanner.sane import list_devices as _list

    return [d.as_dict() for d in _list()]


# --- watched folder ------------------------------------------------------------------------------


def inbox_folder(settings: Settings) -> Path | None:
    """The configured scan inbox (`scan_inbox`), created private if missing; None if not set."""
    if settings.scan_inbox is None:
        return None
    from counter_app.locations import ensure_private_dir

    return ensure_private_dir(Path(settings.scan_inbox).expanduser())


def import_inbox_file(
    store: Store,
    blobs: BlobStore,
    path: Path | str,
    dossier_code: str,
    component_index: int,
    *,
    actor: str,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Attach a file offered by `watch_inbox` and move it into `.imported/`.

    A damaged or foreign file is moved into `.rejected/` (so it is not offered again) and the
    BadInput is re-raised for the officer; a wrong dossier or component leaves the file in place.
    """
    from counter_app.devices.scanner.inbox import mark_imported, mark_rejected

    path = Path(path)
    try:
        result = attach_files(store, blobs, dossier_code, component_index, [path], actor,
                              settings=settings)
    except BadInput as exc:
        if exc.field == "file":
            result_path = mark_rejected(path)
            exc.message += f" → {result_path.parent.name}/"
        raise
    result["moved_to"] = str(mark_imported(path))
    return result
