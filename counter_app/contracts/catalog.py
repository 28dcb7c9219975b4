"""What a procedure catalog must hold (the import format of services/catalog.py), checked and
normalised: shared by the counter (`counter-app catalog import`, the catalog pulled with a sync)
and the server (`admin catalog import`), so both refuse the same entries with the same reasons.
Pure: data in, normalised entries (with their content hash) out, or BadInput naming the entry
and field."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from counter_app.errors import BadInput

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
_COMPONENT_KEYS = {"index", "name", "original", "copy", "required", "note"}


def local_code(name: str) -> str:
    """The stable code given to a procedure the national portal lists without one."""
    import unicodedata

    digest = hashlib.sha1(unicodedata.normalize("NFC", name.strip()).encode("utf-8")).hexdigest()
    return f"LOCAL.{digest[:6]}"


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


def _objects(entry: dict[str, Any], i: int, key: str,
             allowed: set[str]) -> list[tuple[int, str, dict[str, Any]]]:
    """The objects of a list field (fees, components): (position, "key[j]", object), each an
    object with only `allowed` keys, else BadInput naming it."""
    items = entry.get(key, [])
    if not isinstance(items, list):
        raise _bad(i, key, "phải là danh sách / must be a list")
    out = []
    for j, item in enumerate(items):
        where = f"{key}[{j}]"
        if not isinstance(item, dict):
            raise _bad(i, where, "phải là đối tượng / must be an object")
        extra = sorted(set(item) - allowed)
        if extra:
            raise _bad(i, f"{where}.{extra[0]}", "khóa không hợp lệ / unknown key")
        out.append((j, where, item))
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

    fees = []
    for _j, where, f in _objects(entry, i, "fees", _FEE_KEYS):
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

    components = []
    for j, where, c in _objects(entry, i, "components", _COMPONENT_KEYS):
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
