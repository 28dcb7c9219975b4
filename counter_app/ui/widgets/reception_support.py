"""Adapters between the reception screens and the services they call (no widgets here).

The catalog, calendar, forms and card-reader services are written in parallel with these screens;
each adapter calls the real service when it is installed and otherwise says clearly what is
missing (the procedure search falls back to a plain folded-words search over the local catalog).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.config import Settings

if TYPE_CHECKING:
    from counter_app.store.db import Store

# --- catalog -----------------------------------------------------------------------------------


def _norm_procedure(p: dict[str, Any]) -> dict[str, Any]:
    """One shape for the wizard, whatever the catalog returns (catalog JSON or table row)."""
    pt = p.get("processing_time") or {}
    unit = p.get("processing_unit") or (pt.get("unit") if isinstance(pt, dict) else None)
    value = p.get("processing_value")
    if value is None and isinstance(pt, dict):
        value = pt.get("value")
    comps = []
    for i, c in enumerate(p.get("components") or [], start=1):
        comps.append({**c, "index": int(c.get("index", i))})
    return {
        "code": p["code"],
        "version": p.get("version"),
        "name": p.get("name", ""),
        "field": p.get("field", ""),
        "processing_unit": unit or "working_days",
        "processing_value": float(value or 0),
        "cut_off": p.get("cut_off"),
        "fees": list(p.get("fees") or []),
        "components": comps,
        "subjects": [dict(x) for x in p.get("subjects") or []],
        "agency": p.get("agency", ""),
        "notes": p.get("notes", ""),
    }


class ProcedureSource:
    """Live procedure search for the wizard, over the catalog service's cached index."""

    def __init__(self, store: Store) -> None:
        from counter_app.services import catalog

        self.store = store
        self._catalog = catalog

    def search(self, text: str, limit: int = 30) -> list[dict[str, Any]]:
        if not text.strip():
            return []
        return list(self._catalog.search(self.store, text, limit=limit))

    def get(self, code: str) -> dict[str, Any]:
        return _norm_procedure(dict(self._catalog.get(self.store, code)))


def processing_label(p: dict[str, Any], lang: str = "vi") -> str:
    pt = p.get("processing_time")
    if isinstance(pt, dict):
        unit, value = pt.get("unit"), pt.get("value")
    else:
        unit, value = p.get("processing_unit"), p.get("processing_value")
    value = int(value) if isinstance(value, float) and value.is_integer() else value
    if unit == "same_day" or not value:
        return "trong ngày" if lang == "vi" else "same day"
    if unit == "working_hours":
        return f"{value} giờ làm việc" if lang == "vi" else f"{value} working hours"
    return f"{value} ngày làm việc" if lang == "vi" else f"{value} working days"


# --- calendar ----------------------------------------------------------------------------------


@dataclass
class AppointmentView:
    due: dt.datetime | None
    rule: str
    provisional: bool = False
    error: str = ""


def appointment(settings: Settings, proc: dict[str, Any], received_at: dt.datetime) -> AppointmentView:
    """The due date the receipt will carry, with the rule that produced it."""
    from counter_app.errors import CounterAppError
    from counter_app.services import calendar

    unit = "working_hours" if proc.get("processing_unit") == "working_hours" else "working_days"
    duration = 0 if proc.get("processing_unit") == "same_day" else proc.get("processing_value", 0)
    if isinstance(duration, float) and duration.is_integer():
        duration = int(duration)
    try:
        appt = calendar.get_calendar(settings).appointment(
            received_at, duration, unit, cut_off=proc.get("cut_off") or settings.cut_off
        )
    except CounterAppError as exc:
        return AppointmentView(None, "", error=str(exc))
    from counter_app.ui.i18n_reception import current_lang

    rule = appt.rule_in(current_lang()) if hasattr(appt, "rule_in") else appt.rule
    return AppointmentView(appt.due, rule, bool(getattr(appt, "provisional", False)))


# --- forms -------------------------------------------------------------------------------------


@dataclass
class FormResult:
    path: Path | None
    printed_to: str | None = None
    error: str = ""


def render_and_print(store: Store, settings: Settings, code: str, kind: str) -> FormResult:
    """Render the receipt / supplementation request / refusal slip; print it when a printer is
    configured. Blocking: call it from a thread worker."""
    from counter_app.errors import CounterAppError
    from counter_app.services import forms

    try:
        out = forms.default_form_path(settings, code, kind)
        path = Path(forms.render_form(store, settings, code, kind, out))
    except CounterAppError as exc:
        return FormResult(None, error=str(exc))
    if not settings.printer:
        return FormResult(path)
    try:
        job = forms.print_pdf(settings, path)
    except CounterAppError as exc:
        return FormResult(path, error=str(exc))
    return FormResult(path, printed_to=f"{settings.printer} ({job})")


# --- card reader -------------------------------------------------------------------------------


def read_card(
    ctx: Any,
    *,
    qr: str,
    progress: Any,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """Read the chip card with the card service (blocking: run it in a thread worker).

    The BAC keys come from the card's QR (scanned into the wizard first). Returns the docs/CARD.md §5
    JSON shape plus `photo_text`, the face photo drawn with half-block characters.
    `ctx.extras["card_transport"]` / `["card_trust_store"]` let tests and demos use an
    in-process card and their own CSCA."""
    from counter_app.errors import BadInput
    from counter_app.services import card_reader as svc

    if not qr:
        raise BadInput(
            "quét mã QR trên thẻ trước để mở chip / scan the card's QR first (it gives the chip's "
            "access keys)",
            field="qr",
        )
    keys = svc.CardKeys.from_qr(qr)
    trust = ctx.extras.get("card_trust_store") or svc.default_trust_store(ctx.settings.data_dir)
    result = svc.read_card(
        keys,
        trust_store=trust,
        progress=progress,
        timeout=timeout,
        transport=ctx.extras.get("card_transport"),
    )
    data = result.to_json()
    data["photo_text"] = None
    if result.photo is not None:
        data["photo_text"] = photo_text(result.photo.data)
    return data


def photo_text(image: bytes, width: int = 16) -> Any:
    """A face photo as Rich text: two pixels per cell with the upper-half block (no widget)."""
    import io

    from PIL import Image, UnidentifiedImageError
    from rich.style import Style
    from rich.text import Text

    try:
        img = Image.open(io.BytesIO(image)).convert("RGB")
    except (UnidentifiedImageError, OSError):
        return None
    height = max(2, round(img.height * width / img.width / 2) * 2)
    img = img.resize((width, height))
    px = img.load()
    text = Text()
    for y in range(0, height, 2):
        for x in range(width):
            top, bottom = px[x, y], px[x, y + 1]
            text.append("▀", Style(color=f"rgb{top}", bgcolor=f"rgb{bottom}"))
        if y + 2 < height:
            text.append("\n")
    return text
