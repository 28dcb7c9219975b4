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
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from counter_app.errors import BadInput

UNITS = ("same_day", "working_days", "working_hours")
CONFIDENCE = ("verified", "partly", "belief", "unknown", "")
_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def local_code(name: str) -> str:
    """The stable code given to a procedure the national portal lists without one."""
    import unicodedata

    digest = hashlib.sha1(unicodedata.normalize("NFC", name.strip()).encode("utf-8")).hexdigest()
    return f"LOCAL.{digest[:6]}"


# --- validation (pure) ---------------------------------------------------------------------------

NonNegative = Annotated[int, Field(ge=0)]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Named = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    """JSON as written: no coercion ("1" is not 1, true is not 1), no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class PageTier(_Strict):
    from_page: NonNegative
    amount_vnd: NonNegative


class FeeIn(_Strict):
    """A fee (domain/fees.py): once per dossier, per copy, or per page with tiers and a cap."""

    name: Named
    amount_vnd: NonNegative | None  # required: null = set by the province
    note: Text | None = None
    per: Literal["dossier", "copy", "page"] | None = None
    page_tiers: Annotated[list[PageTier], Field(min_length=1, max_length=10)] | None = Field(
        default=None, validate_default=True)
    cap_per_copy_vnd: NonNegative | None = None

    @field_validator("amount_vnd", mode="before")
    @classmethod
    def _whole_float(cls, v: Any) -> Any:
        return int(v) if isinstance(v, float) and v.is_integer() else v

    @field_validator("page_tiers")
    @classmethod
    def _tiers(cls, v: list[PageTier] | None, info: ValidationInfo) -> list[PageTier] | None:
        if info.data.get("per") != "page":
            if v is not None:
                raise PydanticCustomError("page_only", "chỉ dùng khi per = page / only for per = page")
            return v
        if v is None:
            if info.data.get("amount_vnd") is None:
                raise PydanticCustomError("tiers", "phí theo trang cần mức / a page fee needs tiers")
            return v
        starts = [t.from_page for t in v]
        if starts[0] != 1 or starts != sorted(set(starts)):
            raise PydanticCustomError(
                "tiers", "bậc tăng dần, bắt đầu từ trang 1 / tiers rise from page 1")
        return v

    @field_validator("cap_per_copy_vnd")
    @classmethod
    def _cap(cls, v: int | None, info: ValidationInfo) -> int | None:
        if v is not None and info.data.get("per") != "page":
            raise PydanticCustomError("page_only", "chỉ dùng khi per = page / only for per = page")
        return v

    def normalised(self) -> dict[str, Any]:
        """Only what differs from a plain per-dossier fee is kept, so older entries hash the same."""
        out: dict[str, Any] = {"name": self.name, "amount_vnd": self.amount_vnd,
                               "note": self.note or ""}
        if self.per in ("copy", "page"):
            out["per"] = self.per
        if self.per == "page":
            tiers = self.page_tiers or [PageTier(from_page=1, amount_vnd=self.amount_vnd or 0)]
            out["page_tiers"] = [t.model_dump() for t in tiers]
            if self.cap_per_copy_vnd is not None:
                out["cap_per_copy_vnd"] = self.cap_per_copy_vnd
        return out


class ComponentIn(_Strict):
    index: int | None = None  # numbered from 1 in the order given
    name: Named
    original: NonNegative = 0
    copies: NonNegative = Field(default=0, alias="copy")
    required: bool = True
    note: Text | None = None


class ProcessingTime(_Strict):
    unit: Literal["same_day", "working_days", "working_hours"]
    value: Annotated[float, Field(ge=0)] | None = Field(default=None, validate_default=True)

    @field_validator("value")
    @classmethod
    def _value(cls, v: float | None, info: ValidationInfo) -> float | None:
        unit = info.data.get("unit")
        if v is None and unit != "same_day":
            raise PydanticCustomError("missing", "thiếu / missing")
        if unit == "same_day" and v not in (None, 0):
            raise PydanticCustomError("same_day", "same_day phải có value 0 / same_day needs value 0")
        return v


class ProcedureEntry(_Strict):
    """One procedure of an imported catalog (the format in services/catalog.py)."""

    code: str | None = None
    name: Named
    field: Text | None = None
    level: Text | None = None
    processing_time: ProcessingTime
    cut_off: Annotated[str, StringConstraints(strip_whitespace=True,
                                              pattern=_TIME_RE.pattern)] | None = None
    fees: list[FeeIn] = []
    components: list[ComponentIn] = []
    subjects: Any = None  # checked by domain.subjects.parse_specs
    legal_basis: list[str] | None = None
    agency: Text | None = None
    notes: Text | None = None
    source: Text | None = None
    confidence: Literal["verified", "partly", "belief", "unknown", ""] | None = None
    aliases: list[str] | None = None
    valid_from: Annotated[str, StringConstraints(pattern=_DATE_RE.pattern)] | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        if not _CODE_RE.match(v.strip()):
            raise PydanticCustomError("code", 'mã không hợp lệ / invalid code (e.g. "1.001193" or null)')
        return v.strip()

    @field_validator("components")
    @classmethod
    def _numbered(cls, v: list[ComponentIn]) -> list[ComponentIn]:
        for j, c in enumerate(v):
            if c.index is not None and c.index != j + 1:
                raise PydanticCustomError(
                    "index", "components[{j}].index phải là {n} (đánh số từ 1) / must be {n}",
                    {"j": j, "n": j + 1})
        return v

    @field_validator("valid_from")
    @classmethod
    def _day(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                dt.date.fromisoformat(v)
            except ValueError:
                raise PydanticCustomError("date", "phải là ngày YYYY-MM-DD / must be YYYY-MM-DD") from None
        return v


# how each kind of refusal reads (the field is named before it)
_MESSAGES = {
    "missing": "thiếu / missing",
    "extra_forbidden": "khóa không hợp lệ / unknown key",
    "string_type": "phải là chuỗi / must be a string",
    "string_too_short": "không được để trống / must not be empty",
    "string_pattern_mismatch": "sai dạng / wrong format",
    "int_type": "phải là số nguyên ≥ 0 / must be an integer ≥ 0",
    "greater_than_equal": "phải ≥ 0 / must be ≥ 0",
    "float_type": "phải là số ≥ 0 / must be a number ≥ 0",
    "finite_number": "phải là số ≥ 0 / must be a number ≥ 0",
    "bool_type": "phải là true/false / must be a boolean",
    "list_type": "phải là danh sách / must be a list",
    "model_type": "phải là đối tượng / must be an object",
    "model_attributes_type": "phải là đối tượng / must be an object",
    "dict_type": "phải là đối tượng / must be an object",
    "literal_error": "không thuộc danh sách cho phép / not one of the allowed values",
    "too_short": "1–10 bậc / 1–10 tiers",
    "too_long": "1–10 bậc / 1–10 tiers",
}


def _bad(i: int, field: str, message: str) -> BadInput:
    where = f"procedures[{i}].{field}" if field else f"procedures[{i}]"
    return BadInput(f"{where}: {message}", field=where)


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "constrained-")) and part not in (
                "int", "float", "str", "list[str]", "none", "nullable"):
            out += f".{part}" if out else str(part)
    return out


def _refusal(i: int, exc: ValidationError) -> BadInput:
    """The first thing wrong with entry `i`, named "procedures[i].fees[0].amount_vnd: why"."""
    first = exc.errors(include_url=False)[0]
    kind = first["type"]
    message = first["msg"] if kind not in _MESSAGES else _MESSAGES[kind]
    if kind == "literal_error":
        message += f" ({first['ctx'].get('expected', '')})"
    if "input" in first and kind not in ("missing", "extra_forbidden") and not isinstance(
            first["input"], dict | list):
        message += f", got {first['input']!r}"[:120]
    return _bad(i, _where(tuple(first["loc"])), message)


def _normalise(entry: Any, i: int) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise _bad(
            i, "", f"phải là một đối tượng JSON / must be an object, got {type(entry).__name__}"
        )
    try:
        e = ProcedureEntry.model_validate(entry)
    except ValidationError as exc:
        raise _refusal(i, exc) from None
    from counter_app.domain.subjects import parse_specs

    try:
        subjects = [spec.as_dict() for spec in parse_specs(e.subjects)]
    except ValueError as exc:
        raise _bad(i, "subjects", str(exc)) from None
    pt = e.processing_time
    value = 0 if pt.value is None else pt.value
    cut_off = None
    if e.cut_off is not None:
        h, m = e.cut_off.split(":")
        cut_off = f"{int(h):02d}:{m}"
    return {
        "code": e.code or local_code(e.name),
        "name": e.name,
        "field": e.field or "",
        "level": e.level or "",
        "processing_value": int(value) if float(value).is_integer() else float(value),
        "processing_unit": pt.unit,
        "cut_off": cut_off,
        "fees": [f.normalised() for f in e.fees],
        "components": [
            {"index": j + 1, "name": c.name, "original": c.original, "copy": c.copies,
             "required": c.required, "note": c.note or ""}
            for j, c in enumerate(e.components)
        ],
        "subjects": subjects,
        "legal_basis": [x.strip() for x in e.legal_basis or [] if x.strip()],
        "agency": e.agency or "",
        "notes": e.notes or "",
        "source": e.source or "",
        "confidence": e.confidence or "",
        "aliases": [x.strip() for x in e.aliases or [] if x.strip()],
        "valid_from": e.valid_from,
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
