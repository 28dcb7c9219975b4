"""The subject of a procedure: the person the dossier is about, when it is not the requester.

A mother registers her child's birth, a son the death of his father, two people their marriage: the
requester (người nộp hồ sơ) is the applicant, and the catalog says which other persons the
procedure is about (`subjects`). Each is asked for at the counter and printed on the forms, so the
receipt says whose birth it is.

Catalog shape (one entry of a procedure's `subjects`, at most `MAX_SUBJECTS`):

    {"role": "child", "label": "Người được đăng ký khai sinh", "label_en": "Child registered",
     "fields": ["full_name", "date_of_birth", "sex"], "required": true}

`role` is a short key (lower-case letters, digits, `_`), unique in the procedure; `fields` a subset
of `FIELDS` (`full_name` always asked); `required` (default true) means a dossier cannot be
*received* without it (it can still be refused, or sent back for supplementation).

A dossier stores the subjects given: `[{"role", "label", "full_name", "date_of_birth"?, "sex"?,
"id_number"?}]`, in the catalog's order. Pure rules; names go through the same checks as the
applicant's (`entered_text.clean_person_name`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from counter_app.domain import entered_text
from counter_app.errors import BadInput

FIELDS = ("full_name", "date_of_birth", "sex", "id_number")
MAX_SUBJECTS = 4
SEXES = ("Nam", "Nữ")
_ROLE_RE = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
_ID_RE = re.compile(r"^\d{9}$|^\d{12}$")


@dataclass(frozen=True)
class SubjectSpec:
    role: str
    label: str
    label_en: str = ""
    fields: tuple[str, ...] = ("full_name", "date_of_birth")
    required: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "label": self.label,
            "label_en": self.label_en,
            "fields": list(self.fields),
            "required": self.required,
        }


def parse_specs(raw: Any, where: str = "subjects") -> list[SubjectSpec]:
    """The catalog's `subjects` list, checked; raises ValueError saying what is wrong."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError(f"{where}: phải là danh sách / must be a list")
    if len(raw) > MAX_SUBJECTS:
        raise ValueError(f"{where}: tối đa {MAX_SUBJECTS} / at most {MAX_SUBJECTS}")
    specs: list[SubjectSpec] = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise ValueError(f"{at}: phải là đối tượng / must be an object")
        unknown = sorted(set(item) - {"role", "label", "label_en", "fields", "required"})
        if unknown:
            raise ValueError(f"{at}.{unknown[0]}: khóa không hợp lệ / unknown key")
        role = item.get("role")
        if not isinstance(role, str) or not _ROLE_RE.match(role):
            raise ValueError(f"{at}.role: chữ thường, số, '_' (≤ 20) / lower-case key, got {role!r}")
        if any(s.role == role for s in specs):
            raise ValueError(f"{at}.role: trùng / duplicate {role!r}")
        label, label_en = item.get("label"), item.get("label_en", "")
        if not isinstance(label, str) or not label.strip() or len(label) > 100:
            raise ValueError(f"{at}.label: thiếu hoặc quá dài / missing or longer than 100")
        if not isinstance(label_en, str) or len(label_en) > 100:
            raise ValueError(f"{at}.label_en: phải là chuỗi ≤ 100 / must be a string ≤ 100")
        fields = item.get("fields", ["full_name", "date_of_birth"])
        if (
            not isinstance(fields, list)
            or not all(isinstance(f, str) and f in FIELDS for f in fields)
            or len(set(fields)) != len(fields)
        ):
            raise ValueError(f"{at}.fields: các giá trị trong / values among {', '.join(FIELDS)}")
        required = item.get("required", True)
        if not isinstance(required, bool):
            raise ValueError(f"{at}.required: phải là true/false / must be a boolean")
        ordered = ("full_name", *[f for f in FIELDS if f in fields and f != "full_name"])
        specs.append(SubjectSpec(role, label.strip(), label_en.strip(), ordered, required))
    return specs


def spec_label(spec: dict[str, Any], lang: str = "vi") -> str:
    """A catalog subject's label in `lang` (the Vietnamese one when there is no English)."""
    return (spec.get("label_en") if lang == "en" else "") or spec.get("label") or spec["role"]


def _bad(role: str, field: str, message: str) -> BadInput:
    return BadInput(message, field=f"subjects.{role}.{field}")


def check_subjects(
    specs: list[SubjectSpec],
    given: list[dict[str, Any]],
    *,
    today: dt.date,
    require_all: bool,
) -> list[dict[str, Any]]:
    """The subjects of a dossier as stored: each one known to the procedure, its fields valid,
    every required one present when `require_all` (the dossier is being received)."""
    by_role = {s.role: s for s in specs}
    seen: dict[str, dict[str, Any]] = {}
    for item in given:
        role = str(item.get("role") or "")
        spec = by_role.get(role)
        if spec is None:
            raise BadInput(
                f"thủ tục không có người '{role[:20]}' / the procedure has no subject '{role[:20]}'",
                field="subjects",
            )
        if role in seen:
            raise _bad(role, "role", f"{spec.label}: nhập hai lần / given twice")
        seen[role] = _one(spec, item, today)
    out: list[dict[str, Any]] = []
    for spec in specs:
        if spec.role in seen:
            out.append(seen[spec.role])
        elif require_all and spec.required:
            raise _bad(
                spec.role,
                "full_name",
                f"thiếu thông tin {spec.label.lower()} / missing: {spec.label_en or spec.role}",
            )
    return out


def _one(spec: SubjectSpec, item: dict[str, Any], today: dt.date) -> dict[str, Any]:
    role = spec.role
    unknown = sorted(set(item) - {"role", "label", *FIELDS})
    if unknown:
        raise _bad(role, unknown[0], f"{spec.label}: khóa không hợp lệ / unknown key {unknown[0]!r}")
    name = item.get("full_name")
    if not isinstance(name, str) or not name.strip():
        raise _bad(role, "full_name", f"{spec.label}: thiếu họ tên / missing name")
    try:
        name = entered_text.clean_person_name(name)
    except entered_text.TextProblem as exc:
        raise _bad(role, "full_name", f"{spec.label}: {exc}") from None
    out: dict[str, Any] = {"role": role, "label": spec.label, "full_name": name}
    for field in spec.fields[1:]:
        value = item.get(field)
        if value in (None, ""):
            raise _bad(role, field, f"{spec.label}: thiếu {_FIELD_VI[field]} / missing {field}")
        out[field] = _value(spec, field, value, today)
    for field in set(FIELDS) - set(spec.fields):
        if item.get(field) not in (None, ""):
            raise _bad(role, field, f"{spec.label}: không hỏi {_FIELD_VI[field]} / {field} not asked")
    return out


_FIELD_VI = {
    "full_name": "họ tên",
    "date_of_birth": "ngày sinh",
    "sex": "giới tính",
    "id_number": "số định danh",
}


def _value(spec: SubjectSpec, field: str, value: Any, today: dt.date) -> str:
    role = spec.role
    if not isinstance(value, str):
        raise _bad(role, field, f"{spec.label}: {_FIELD_VI[field]} phải là chuỗi / must be a string")
    value = value.strip()
    if field == "date_of_birth":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise _bad(
                role, field, f"{spec.label}: ngày sinh YYYY-MM-DD / date of birth YYYY-MM-DD"
            ) from None
        if day > today:
            raise _bad(role, field, f"{spec.label}: ngày sinh sau hôm nay / date of birth in future")
        if day.year < 1880:
            raise _bad(role, field, f"{spec.label}: ngày sinh trước 1880 / before 1880")
        return day.isoformat()
    if field == "sex":
        folded = {"nam": "Nam", "nu": "Nữ", "nữ": "Nữ", "male": "Nam", "female": "Nữ"}
        sex = folded.get(value.lower())
        if sex is None:
            raise _bad(role, field, f"{spec.label}: giới tính Nam hoặc Nữ / sex Nam or Nữ")
        return sex
    if not _ID_RE.match(value):
        raise _bad(role, field, f"{spec.label}: số định danh 12 số (hoặc CMND 9 số) / 12 digits")
    return value


def describe(subject: dict[str, Any], *, lang: str = "vi") -> str:
    """One line for a form or a screen: "Nguyễn Văn An, sinh ngày 01/02/2026, Nam"."""
    parts = [str(subject.get("full_name") or "")]
    born = subject.get("date_of_birth")
    if born:
        try:
            day = dt.date.fromisoformat(str(born))
        except ValueError:
            day = None
        if day is not None:
            parts.append(("born " if lang == "en" else "sinh ngày ") + day.strftime("%d/%m/%Y"))
    if subject.get("sex"):
        parts.append(str(subject["sex"]))
    if subject.get("id_number"):
        parts.append(("ID " if lang == "en" else "số định danh ") + str(subject["id_number"]))
    return ", ".join(p for p in parts if p)
