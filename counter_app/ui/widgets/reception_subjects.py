"""Whom the dossier is about besides the applicant (the child of a birth registration, both
parties of a marriage): one block of inputs per person the procedure asks for
(domain/subjects.py). Used by the reception wizard's checklist step and the supplementation
dialog; the service checks everything again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from counter_app.domain.identity import parse_ddmmyyyy
from counter_app.domain.subjects import spec_label
from counter_app.errors import BadInput
from counter_app.ui.i18n_reception import current_lang, t

# field → (message key of its label, max length)
_FIELDS: dict[str, tuple[str, int]] = {
    "full_name": ("rc.a.name", 100),
    "date_of_birth": ("rc.a.dob", 10),
    "sex": ("rc.a.sex", 3),
    "id_number": ("rc.a.id_number", 12),
}


def _shown(role: str, field: str) -> str:
    return f"s-{role}-{field}"


def _display_date(value: str) -> str:
    """A stored ISO date back as the officer types it (dd/mm/yyyy)."""
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


class SubjectsPanel(Vertical):
    """Inputs for the procedure's subjects; hidden when it has none."""

    DEFAULT_CSS = """
    SubjectsPanel { height: auto; margin-bottom: 1; }
    SubjectsPanel .subject-title { text-style: bold; margin-top: 1; }
    SubjectsPanel .field-row { height: 1; }
    SubjectsPanel .field-row Label { width: 20; }
    SubjectsPanel .field-row Input { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.specs: list[dict[str, Any]] = []
        self.display = False

    async def build(self, specs: list[dict[str, Any]], values: list[dict[str, Any]] | None) -> None:
        """Show `specs` (the catalog's) filled with `values` (a draft's, or a dossier's)."""
        self.specs = [dict(s) for s in specs or []]
        await self.remove_children()
        by_role = {str(v.get("role")): v for v in values or [] if isinstance(v, dict)}
        widgets: list[Any] = []
        for spec in self.specs:
            role = str(spec["role"])
            label = spec_label(spec, current_lang())
            if not spec.get("required", True):
                label += t("rc.subj.optional")
            widgets.append(Static(label, classes="subject-title"))
            given = by_role.get(role, {})
            for field in spec.get("fields") or ["full_name", "date_of_birth"]:
                key, limit = _FIELDS[field]
                value = str(given.get(field) or "")
                if field == "date_of_birth" and value:
                    value = _display_date(value)
                row = Horizontal(
                    Label(t(key)),
                    Input(
                        value,
                        placeholder=t(f"rc.subj.{field}.ph"),
                        id=_shown(role, field),
                        compact=True,
                        max_length=limit,
                    ),
                    classes="field-row",
                )
                widgets.append(row)
        if widgets:
            widgets.insert(0, Static(t("rc.subj.title"), classes="section"))
        await self.mount_all(widgets)
        self.display = bool(self.specs)

    def _value(self, role: str, field: str) -> str:
        found = self.query(f"#{_shown(role, field)}")
        return found.first(Input).value.strip() if found else ""

    def values(self) -> list[dict[str, Any]]:
        """What is typed, as typed (for a draft)."""
        out = []
        for spec in self.specs:
            role = str(spec["role"])
            typed = {f: self._value(role, f) for f in spec.get("fields") or []}
            if any(typed.values()):
                out.append({"role": role, **typed})
        return out

    def payload(self) -> list[dict[str, Any]]:
        """The subjects as the service wants them (ISO dates); a person left blank is left out
        (the service then says whether the procedure needs them). Raises BadInput naming the
        input."""
        for inp in self.query(Input):
            inp.remove_class("-invalid")
        out = []
        for item in self.values():
            role = item["role"]
            if "date_of_birth" in item and item["date_of_birth"]:
                try:
                    day = parse_ddmmyyyy(item["date_of_birth"], field_name="date_of_birth")
                except BadInput as exc:
                    raise BadInput(exc.message, field=f"subjects.{role}.date_of_birth") from None
                item["date_of_birth"] = day.isoformat()
            out.append({k: v for k, v in item.items() if v})
        return out

    def show_error(self, field: str | None) -> bool:
        """Mark and focus the input named by a service error (`subjects.<role>.<field>`)."""
        parts = (field or "").split(".")
        if len(parts) != 3 or parts[0] != "subjects":
            return False
        found = self.query(f"#{_shown(parts[1], parts[2])}")
        if not found:
            return False
        inp = found.first(Input)
        inp.add_class("-invalid")
        inp.focus()
        return True

    def first_input(self) -> Input | None:
        found = self.query(Input)
        return found.first() if found else None
