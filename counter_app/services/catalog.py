"""The procedure catalog: versioned import, cached search, look-up (docs/DESIGN.md §3, §4.9, §6).

Import format: a JSON list of procedures shaped like `data/procedures_sample.json` (or an object
`{"procedures": [...]}`). Each entry:

    code            "1.001193" as on the national portal, or null → a stable local code
                    "LOCAL.<first 6 hex of sha1(name)>"
    name, field, level, agency, notes, source, confidence    strings (name required)
    processing_time {"value": n ≥ 0, "unit": "same_day" | "working_days" | "working_hours"};
                    same_day is stored as value 0, unit "same_day" — the dossier service reads it
                    as a duration of 0 working days (result the same day, or the next working day
                    when received after the cut-off)
    cut_off         "HH:MM" or null (null → the center's default, settings.cut_off)
    fees            [{"name", "amount_vnd": int ≥ 0 | null (set by the province), "note"?,
                      "per"?: "dossier" (default, once) | "copy" | "page",
                      "page_tiers"?: [{"from_page", "amount_vnd"}], "cap_per_copy_vnd"?}]
                    (domain/fees.py: how each unit is charged)
    components      [{"name", "original": int ≥ 0, "copy": int ≥ 0, "required": bool, "note"?}],
                    stored numbered from 1 ("index")
    subjects        optional [{"role", "label", "label_en"?, "fields"?, "required"?}]: the persons the
                    procedure is about besides the requester (the child of a birth registration,
                    both parties of a marriage) — domain/subjects.py
    legal_basis     [str]
    aliases         optional [str]: other words officers use for it (searchable)
    valid_from      optional "YYYY-MM-DD" (default: the import day)

Versioning: entries are matched by code. Same content (sha256 of the normalised entry) → nothing
happens; changed content → a new row with version + 1, and the previous row gets current=False and
valid_to; it is never deleted, so a dossier keeps the version it was received under. Procedures
missing from the file are left as they are (a province can import a partial list). One import is
one transaction: one bad entry and nothing is stored. Each import appends one event (push=False).

Aliases are kept (folded) in `search_key`: "name | field | code | alias ; alias".
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select

from counter_app.contracts.catalog import local_code, validate_catalog
from counter_app.domain.catalog_search import CatalogIndex, SearchDoc
from counter_app.domain.text import fold
from counter_app.errors import BadInput, NotFound
from counter_app.locations import demo_catalog_path
from counter_app.store.db import Store, record
from counter_app.store.models import Procedure

__all__ = [
    "import_catalog",
    "validate_catalog",
    "read_catalog",
    "versions",
    "search",
    "get",
    "list_fields",
    "count",
    "ensure_demo_catalog",
    "demo_catalog_path",
    "local_code",
    "invalidate_cache",
    "warm_up",
]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_CURRENT = Procedure.current == True  # noqa: E712 - SQL expression, not a Python comparison


def _search_key(norm: dict[str, Any]) -> str:
    key = f"{fold(norm['name'])} | {fold(norm['field'])} | {norm['code'].lower()}"
    aliases = [fold(a) for a in norm.get("aliases", []) if fold(a)]
    return key + (" | " + " ; ".join(aliases) if aliases else "")


def _aliases_of(search_key: str) -> tuple[str, ...]:
    parts = search_key.split(" | ", 3)
    if len(parts) < 4:
        return ()
    return tuple(a.strip() for a in parts[3].split(" ; ") if a.strip())


def read_catalog(path_or_obj: Any) -> tuple[Any, str]:
    """(data, source name) from a path (JSON file) or an already parsed object."""
    if isinstance(path_or_obj, str | Path):
        from counter_app.services.json_input import CATALOG_LIMITS, read_json

        return read_json(path_or_obj, CATALOG_LIMITS), str(path_or_obj)
    return path_or_obj, "<object>"


# --- import --------------------------------------------------------------------------------------


def import_catalog(
    store: Store,
    path_or_obj: Any,
    actor: str,
    *,
    now: dt.datetime | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """Import (or re-import) a catalog in one transaction. Returns {added, updated, unchanged, …}."""
    data, default_source = read_catalog(path_or_obj)
    source = source or default_source
    entries = validate_catalog(data)
    now = (now or dt.datetime.now(TZ)).astimezone(TZ)
    at = now.isoformat(timespec="seconds")
    today = now.date().isoformat()
    added: list[str] = []
    updated: list[dict[str, Any]] = []
    unchanged = 0
    with store.write() as session:
        current = {p.code: p for p in session.exec(select(Procedure).where(_CURRENT))}
        max_versions = dict(
            session.exec(
                select(Procedure.code, func.max(Procedure.version)).group_by(Procedure.code)
            ).all()
        )
        for norm in entries:
            code = norm["code"]
            old = current.get(code)
            if old is not None and old.content_hash == norm["content_hash"]:
                unchanged += 1
                continue
            valid_from = norm["valid_from"] or today
            version = int(max_versions.get(code) or 0) + 1
            if old is not None:
                old.current = False
                old.valid_to = valid_from
                session.add(old)
                session.flush()  # the old row stops being current before the new one appears
                updated.append({"code": code, "from_version": old.version, "to_version": version})
            else:
                added.append(code)
            session.add(
                Procedure(
                    code=code,
                    version=version,
                    name=norm["name"],
                    field=norm["field"],
                    level=norm["level"],
                    processing_value=norm["processing_value"],
                    processing_unit=norm["processing_unit"],
                    cut_off=norm["cut_off"],
                    fees=norm["fees"],
                    components=norm["components"],
                    subjects=norm["subjects"],
                    legal_basis=norm["legal_basis"],
                    agency=norm["agency"],
                    notes=norm["notes"],
                    source=norm["source"],
                    confidence=norm["confidence"],
                    content_hash=norm["content_hash"],
                    valid_from=valid_from,
                    valid_to=None,
                    current=True,
                    search_key=_search_key(norm),
                )
            )
        session.flush()
        from counter_app.domain.ids import uuid7_str

        import_id = uuid7_str()
        record(
            session,
            entity="catalog",
            entity_id=import_id,
            action="import",
            actor=actor,
            data={
                "source": source,
                "entries": len(entries),
                "added": added,
                "updated": updated,
                "unchanged": unchanged,
            },
            at=at,
            push=False,
        )
    invalidate_cache(store)
    return {
        "import_id": import_id,
        "source": source,
        "entries": len(entries),
        "added": len(added),
        "updated": len(updated),
        "unchanged": unchanged,
        "added_codes": added,
        "updated_codes": updated,
    }


def ensure_demo_catalog(store: Store, actor: str = "system") -> dict[str, Any] | None:
    """Import the shipped demo catalog when the catalog is empty; None when it already has rows."""
    if count(store) > 0:
        return None
    return import_catalog(store, demo_catalog_path(), actor)


# --- read side -----------------------------------------------------------------------------------


def _processing_time(p: Procedure) -> dict[str, Any]:
    value = p.processing_value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return {"value": value, "unit": p.processing_unit}


def _summary(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "version": p.version,
        "name": p.name,
        "field": p.field,
        "level": p.level,
        "agency": p.agency,
        "processing_time": _processing_time(p),
        "cut_off": p.cut_off,
        "fees": [dict(f) for f in p.fees],
    }


def _full(p: Procedure) -> dict[str, Any]:
    out = _summary(p)
    out.update(
        {
            "components": [
                {
                    "index": int(c.get("index", i)),
                    "name": c.get("name", ""),
                    "original": int(c.get("original") or 0),
                    "copy": int(c.get("copy") or 0),
                    "required": bool(c.get("required", True)),
                    "note": c.get("note") or "",
                }
                for i, c in enumerate(p.components, start=1)
            ],
            "subjects": [dict(x) for x in p.subjects or []],
            "legal_basis": list(p.legal_basis),
            "aliases": list(_aliases_of(p.search_key)),
            "notes": p.notes,
            "source": p.source,
            "confidence": p.confidence,
            "content_hash": p.content_hash,
            "valid_from": p.valid_from,
            "valid_to": p.valid_to,
            "current": p.current,
        }
    )
    return out


def count(store: Store) -> int:
    """Number of current procedures."""
    with store.read() as session:
        return int(session.exec(select(func.count()).select_from(Procedure).where(_CURRENT)).one())


def get(store: Store, code: str, version: int | None = None) -> dict[str, Any]:
    """One procedure (the current version, or the given one) with numbered components."""
    code = (code or "").strip()
    with store.read() as session:
        q = select(Procedure).where(Procedure.code == code)
        if version is None:
            q = q.where(_CURRENT)
        else:
            q = q.where(Procedure.version == version)
        p = session.exec(q.order_by(col(Procedure.version).desc())).first()
        if p is None and version is None:
            # A code typed in another case ("local.1a2b3c").
            p = session.exec(
                select(Procedure).where(func.lower(Procedure.code) == code.lower(), _CURRENT)
            ).first()
    if p is None:
        what = f"'{code}'" + (f" phiên bản {version}" if version is not None else "")
        raise NotFound(
            f"không có thủ tục mã {what} / unknown procedure {code!r}"
            + (f" version {version}" if version is not None else ""),
            field="code",
        )
    return _full(p)


def versions(store: Store, code: str) -> list[dict[str, Any]]:
    """Every stored version of a procedure, oldest first."""
    with store.read() as session:
        rows = session.exec(
            select(Procedure).where(Procedure.code == code).order_by(col(Procedure.version))
        ).all()
    return [
        {
            "version": p.version,
            "current": p.current,
            "valid_from": p.valid_from,
            "valid_to": p.valid_to,
        }
        for p in rows
    ]


def list_fields(store: Store) -> list[dict[str, Any]]:
    """The fields (lĩnh vực) of the current catalog with their procedure counts."""
    with store.read() as session:
        rows = session.exec(
            select(Procedure.field, func.count()).where(_CURRENT).group_by(Procedure.field)
        ).all()
    return sorted(({"field": f, "count": int(n)} for f, n in rows), key=lambda r: fold(r["field"]))


# --- cached search -------------------------------------------------------------------------------


class _Cached:
    __slots__ = ("stamp", "index", "rows")

    def __init__(
        self, stamp: tuple[int, ...], index: CatalogIndex, rows: dict[int, dict[str, Any]]
    ):
        self.stamp = stamp
        self.index = index
        self.rows = rows


class _Watch:
    """Notices catalog changes cheaply: SQLite's `PRAGMA data_version` changes when any other
    connection (this process or another) commits; only then is the catalog stamp re-read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con: sqlite3.Connection | None = None
        self.lock = threading.Lock()
        self.data_version: int | None = None
        self.stamp: tuple[int, ...] = ()

    def current(self) -> tuple[int, ...]:
        with self.lock:
            if self.con is None:  # first use, or evicted meanwhile by another thread
                self.con = sqlite3.connect(
                    self.path, check_same_thread=False, isolation_level=None, timeout=15
                )
                self.data_version = None
            version = self.con.execute("PRAGMA data_version").fetchone()[0]
            if version != self.data_version or not self.stamp:
                self.stamp = tuple(int(x) for x in self.con.execute(_STAMP_SQL).fetchone())
                self.data_version = version
            return self.stamp

    def close(self) -> None:
        with self.lock:
            if self.con is not None:
                self.con.close()
                self.con = None


_cache: dict[str, _Cached] = {}
_watches: dict[str, _Watch] = {}
_cache_lock = threading.Lock()
_MAX_STORES = 8  # data dirs cached per process (one in the TUI; many in a test session)
_STAMP_SQL = (
    "SELECT count(*), coalesce(max(id), 0), coalesce(sum(current), 0), coalesce(sum(version), 0) "
    "FROM procedure"
)


def invalidate_cache(store: Store | None = None) -> None:
    """Forget the cached index (of one store, or all); closes the change watcher's connection."""
    with _cache_lock:
        keys = list(_cache.keys() | _watches.keys()) if store is None else [str(store.path)]
        for key in keys:
            _cache.pop(key, None)
            watch = _watches.pop(key, None)
            if watch is not None:
                watch.close()


def _watch_for(store: Store) -> _Watch:
    key = str(store.path)
    watch = _watches.get(key)
    if watch is None:
        with _cache_lock:
            watch = _watches.get(key)
            if watch is None:
                watch = _Watch(store.path)
                while len(_watches) >= _MAX_STORES:  # the oldest first (dicts keep order)
                    old_key = next(iter(_watches))
                    _watches.pop(old_key).close()
                    _cache.pop(old_key, None)
                _watches[key] = watch
    return watch


def _index_for(store: Store) -> _Cached:
    key = str(store.path)
    stamp = _watch_for(store).current()
    cached = _cache.get(key)
    if cached is not None and cached.stamp == stamp:
        return cached
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached.stamp == stamp:
            return cached
        with store.read() as session:
            procs = session.exec(select(Procedure).where(_CURRENT)).all()
        rows = {p.id: _summary(p) for p in procs if p.id is not None}
        index = CatalogIndex(
            SearchDoc(
                key=p.id,
                code=p.code,
                name=p.name,
                field=p.field,
                aliases=_aliases_of(p.search_key),
                level=p.level,
            )
            for p in procs
            if p.id is not None
        )
        cached = _Cached(stamp, index, rows)
        _cache[key] = cached
        return cached


def warm_up(store: Store) -> int:
    """Build (or check) the cached index now, e.g. when the TUI starts; returns its size."""
    return len(_index_for(store).index)


def search(store: Store, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Best-first matches of `text` among current procedures (cached index; see catalog_search)."""
    if limit < 1:
        raise BadInput("limit phải ≥ 1 / limit must be ≥ 1", field="limit")
    cached = _index_for(store)
    out = []
    for hit in cached.index.search(text, limit):
        row = dict(cached.rows[hit.key])
        row["fees"] = [dict(f) for f in row["fees"]]
        row["score"] = hit.score
        row["match"] = hit.match
        out.append(row)
    return out
