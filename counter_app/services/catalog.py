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
import hashlib
import json
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select

from counter_app.domain.catalog_search import CatalogIndex, SearchDoc
from counter_app.domain.text import fold
from counter_app.errors import BadInput, NotFound
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
UNITS = ("same_day", "working_days", "working_hours")
CONFIDENCE = ("verified", "partly", "belief", "unknown", "")
_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ENTRY_KEYS = {
    "code",
    "name",
    "field",
    "level",
    "processing_time",
    "cut_off",
    "fees",
    "components",
    "subjects",
    "legal_basis",
    "agency",
    "notes",
    "source",
    "confidence",
    "aliases",
    "valid_from",
}
_FEE_KEYS = {"name", "amount_vnd", "note", "per", "page_tiers", "cap_per_copy_vnd"}
_CURRENT = Procedure.current == True  # noqa: E712 - SQL expression, not a Python comparison
_COMPONENT_KEYS = {"index", "name", "original", "copy", "required", "note"}


def local_code(name: str) -> str:
    """The stable code given to a procedure the national portal lists without one."""
    import unicodedata

    digest = hashlib.sha1(unicodedata.normalize("NFC", name.strip()).encode("utf-8")).hexdigest()
    return f"LOCAL.{digest[:6]}"


def demo_catalog_path() -> Path:
    from counter_app.locations import assets_dir

    return assets_dir() / "catalog" / "demo_catalog.json"


# --- validation (pure) ---------------------------------------------------------------------------


def _bad(i: int, field: str, message: str) -> BadInput:
    where = f"procedures[{i}].{field}" if field else f"procedures[{i}]"
    return BadInput(f"{where}: {message}", field=where)


def _text(entry: dict[str, Any], i: int, key: str, *, required: bool = False) -> str:
    value = entry.get(key)
    if value is None:
        if required:
            raise _bad(i, key, "thiếu / missing")
        return ""
    if not isinstance(value, str):
        raise _bad(i, key, f"phải là chuỗi / must be a string, got {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise _bad(i, key, "không được để trống / must not be empty")
    return value


def _count(value: Any, i: int, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(i, where, f"phải là số nguyên ≥ 0 / must be an integer ≥ 0, got {value!r}")
    return value


def _fee_unit(f: dict[str, Any], i: int, where: str) -> dict[str, Any]:
    """`per` (dossier | copy | page), and for a page fee its tiers and cap (domain/fees.py).
    Only what differs from a plain per-dossier fee is kept, so older entries hash the same."""
    per = f.get("per") or "dossier"
    if per not in ("dossier", "copy", "page"):
        raise _bad(i, f"{where}.per", f"phải là dossier, copy hoặc page / got {per!r}")
    if per != "page" and ("page_tiers" in f or "cap_per_copy_vnd" in f):
        raise _bad(i, f"{where}.page_tiers", "chỉ dùng khi per = page / only for per = page")
    out: dict[str, Any] = {} if per == "dossier" else {"per": per}
    if per != "page":
        return out
    tiers_in = f.get("page_tiers")
    if tiers_in is None:
        if f.get("amount_vnd") is None:
            raise _bad(i, f"{where}.page_tiers", "phí theo trang cần mức / a page fee needs tiers")
        tiers_in = [{"from_page": 1, "amount_vnd": f["amount_vnd"]}]
    if not isinstance(tiers_in, list) or not 1 <= len(tiers_in) <= 10:
        raise _bad(i, f"{where}.page_tiers", "1–10 bậc / 1–10 tiers")
    tiers = []
    for k, t in enumerate(tiers_in):
        tw = f"{where}.page_tiers[{k}]"
        if not isinstance(t, dict) or set(t) != {"from_page", "amount_vnd"}:
            raise _bad(i, tw, 'cần {"from_page", "amount_vnd"} / needs from_page and amount_vnd')
        start = _count(t["from_page"], i, f"{tw}.from_page")
        tiers.append({"from_page": start, "amount_vnd": _count(t["amount_vnd"], i, f"{tw}.amount_vnd")})
    starts = [t["from_page"] for t in tiers]
    if starts[0] != 1 or starts != sorted(set(starts)):
        raise _bad(i, f"{where}.page_tiers", "bậc tăng dần, bắt đầu từ trang 1 / tiers rise from page 1")
    out["page_tiers"] = tiers
    cap = f.get("cap_per_copy_vnd")
    if cap is not None:
        out["cap_per_copy_vnd"] = _count(cap, i, f"{where}.cap_per_copy_vnd")
    return out


def _normalise(entry: Any, i: int) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise _bad(
            i, "", f"phải là một đối tượng JSON / must be an object, got {type(entry).__name__}"
        )
    unknown = sorted(set(entry) - _ENTRY_KEYS)
    if unknown:
        raise _bad(
            i,
            unknown[0],
            f"khóa không hợp lệ / unknown key (allowed: {', '.join(sorted(_ENTRY_KEYS))})",
        )
    name = _text(entry, i, "name", required=True)
    raw_code = entry.get("code")
    if raw_code is None or (isinstance(raw_code, str) and not raw_code.strip()):
        code = local_code(name)
    elif isinstance(raw_code, str) and _CODE_RE.match(raw_code.strip()):
        code = raw_code.strip()
    else:
        raise _bad(
            i, "code", f'mã không hợp lệ / invalid code {raw_code!r} (e.g. "1.001193" or null)'
        )

    pt = entry.get("processing_time")
    if not isinstance(pt, dict):
        raise _bad(i, "processing_time", 'thiếu hoặc sai / missing or not {"value", "unit"}')
    unit = pt.get("unit")
    if unit not in UNITS:
        raise _bad(
            i, "processing_time.unit", f"phải là / must be one of {', '.join(UNITS)}, got {unit!r}"
        )
    value = pt.get("value", 0 if unit == "same_day" else None)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value != value:
        raise _bad(
            i, "processing_time.value", f"phải là số ≥ 0 / must be a number ≥ 0, got {value!r}"
        )
    if unit == "same_day" and value != 0:
        raise _bad(i, "processing_time.value", "same_day phải có value 0 / same_day needs value 0")
    extra = sorted(set(pt) - {"value", "unit"})
    if extra:
        raise _bad(i, f"processing_time.{extra[0]}", "khóa không hợp lệ / unknown key")
    value = int(value) if float(value).is_integer() else float(value)

    cut_off = entry.get("cut_off")
    if cut_off is not None:
        if not isinstance(cut_off, str) or not _TIME_RE.match(cut_off.strip()):
            raise _bad(i, "cut_off", f"phải có dạng HH:MM / must be HH:MM, got {cut_off!r}")
        h, m = cut_off.strip().split(":")
        cut_off = f"{int(h):02d}:{m}"

    fees_in = entry.get("fees", [])
    if not isinstance(fees_in, list):
        raise _bad(i, "fees", "phải là danh sách / must be a list")
    fees = []
    for j, f in enumerate(fees_in):
        where = f"fees[{j}]"
        if not isinstance(f, dict):
            raise _bad(i, where, "phải là đối tượng / must be an object")
        extra = sorted(set(f) - _FEE_KEYS)
        if extra:
            raise _bad(i, f"{where}.{extra[0]}", "khóa không hợp lệ / unknown key")
        fname = f.get("name")
        if not isinstance(fname, str) or not fname.strip():
            raise _bad(i, f"{where}.name", "thiếu tên lệ phí / missing fee name")
        if "amount_vnd" not in f:
            raise _bad(
                i,
                f"{where}.amount_vnd",
                "thiếu (dùng null nếu do tỉnh quy định) / missing (null = set by province)",
            )
        amount = f["amount_vnd"]
        if amount is not None:
            if isinstance(amount, float) and amount.is_integer():
                amount = int(amount)
            amount = _count(amount, i, f"{where}.amount_vnd")
        note = f.get("note") or ""
        if not isinstance(note, str):
            raise _bad(i, f"{where}.note", "phải là chuỗi / must be a string")
        fee: dict[str, Any] = {"name": fname.strip(), "amount_vnd": amount, "note": note.strip()}
        fee.update(_fee_unit(f, i, where))
        fees.append(fee)

    comps_in = entry.get("components", [])
    if not isinstance(comps_in, list):
        raise _bad(i, "components", "phải là danh sách / must be a list")
    components = []
    for j, c in enumerate(comps_in):
        where = f"components[{j}]"
        if not isinstance(c, dict):
            raise _bad(i, where, "phải là đối tượng / must be an object")
        extra = sorted(set(c) - _COMPONENT_KEYS)
        if extra:
            raise _bad(i, f"{where}.{extra[0]}", "khóa không hợp lệ / unknown key")
        cname = c.get("name")
        if not isinstance(cname, str) or not cname.strip():
            raise _bad(i, f"{where}.name", "thiếu tên thành phần / missing component name")
        if "index" in c and c["index"] != j + 1:
            raise _bad(i, f"{where}.index", f"phải là {j + 1} (đánh số từ 1) / must be {j + 1}")
        required = c.get("required", True)
        if not isinstance(required, bool):
            raise _bad(i, f"{where}.required", "phải là true/false / must be a boolean")
        note = c.get("note") or ""
        if not isinstance(note, str):
            raise _bad(i, f"{where}.note", "phải là chuỗi / must be a string")
        components.append(
            {
                "index": j + 1,
                "name": cname.strip(),
                "original": _count(c.get("original", 0), i, f"{where}.original"),
                "copy": _count(c.get("copy", 0), i, f"{where}.copy"),
                "required": required,
                "note": note.strip(),
            }
        )

    def str_list(key: str) -> list[str]:
        items = entry.get(key, [])
        if items is None:
            return []
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            raise _bad(i, key, "phải là danh sách chuỗi / must be a list of strings")
        return [x.strip() for x in items if x.strip()]

    confidence = _text(entry, i, "confidence")
    if confidence not in CONFIDENCE:
        raise _bad(
            i, "confidence", f"phải là / must be one of {', '.join(c for c in CONFIDENCE if c)}"
        )
    valid_from = entry.get("valid_from")
    if valid_from is not None:
        try:
            if not isinstance(valid_from, str) or not _DATE_RE.match(valid_from):
                raise ValueError
            dt.date.fromisoformat(valid_from)
        except ValueError:
            raise _bad(
                i, "valid_from", f"phải là ngày YYYY-MM-DD / must be YYYY-MM-DD, got {valid_from!r}"
            ) from None

    from counter_app.domain.subjects import parse_specs

    try:
        subjects = [spec.as_dict() for spec in parse_specs(entry.get("subjects"))]
    except ValueError as exc:
        raise _bad(i, "subjects", str(exc)) from None

    return {
        "code": code,
        "name": name,
        "field": _text(entry, i, "field"),
        "level": _text(entry, i, "level"),
        "processing_value": value,
        "processing_unit": unit,
        "cut_off": cut_off,
        "fees": fees,
        "components": components,
        "subjects": subjects,
        "legal_basis": str_list("legal_basis"),
        "agency": _text(entry, i, "agency"),
        "notes": _text(entry, i, "notes"),
        "source": _text(entry, i, "source"),
        "confidence": confidence,
        "aliases": str_list("aliases"),
        "valid_from": valid_from,
    }


def _content_hash(norm: dict[str, Any]) -> str:
    # (an entry without subjects hashes as before they existed: no new version on re-import)
    content = {
        k: v for k, v in norm.items() if k != "valid_from" and not (k == "subjects" and not v)
    }
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _search_key(norm: dict[str, Any]) -> str:
    key = f"{fold(norm['name'])} | {fold(norm['field'])} | {norm['code'].lower()}"
    aliases = [fold(a) for a in norm.get("aliases", []) if fold(a)]
    return key + (" | " + " ; ".join(aliases) if aliases else "")


def _aliases_of(search_key: str) -> tuple[str, ...]:
    parts = search_key.split(" | ", 3)
    if len(parts) < 4:
        return ()
    return tuple(a.strip() for a in parts[3].split(" ; ") if a.strip())


def validate_catalog(data: Any) -> list[dict[str, Any]]:
    """Check and normalise a whole catalog; raise BadInput naming the first bad entry and field."""
    if isinstance(data, dict) and "procedures" in data:
        data = data["procedures"]
    if not isinstance(data, list):
        raise BadInput(
            "danh mục phải là một danh sách JSON các thủ tục / the catalog must be a JSON list of procedures",
            field="procedures",
        )
    out = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(data):
        norm = _normalise(entry, i)
        if norm["code"] in seen:
            raise _bad(
                i,
                "code",
                f"mã '{norm['code']}' trùng với procedures[{seen[norm['code']]}] / duplicate code",
            )
        seen[norm["code"]] = i
        norm["content_hash"] = _content_hash(norm)
        out.append(norm)
    return out


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
