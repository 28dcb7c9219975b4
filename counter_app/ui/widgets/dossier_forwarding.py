"""Forwarding in the lookup screen: hand the dossier to the body that decides it (Ctrl+G), take
back what the body returns (Ctrl+B), and the chain shown in the dossier's detail.

Dialogs only: the rules and the writes are `services.forwarding`'s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rich.text import Text

from counter_app.domain import forwarding as fw
from counter_app.errors import BadInput, CounterAppError
from counter_app.services import forwarding
from counter_app.ui.i18n_reception import current_lang, t
from counter_app.ui.widgets.dossier_action import DossierActionDialog, Field, parse_when

KIND_KEYS = {"1": "commune", "2": "vertical", "3": "other_center"}
RESULT_KEYS = {"1": "done", "2": "passed_on", "3": "need_supplement", "4": "refused"}


def _hm(value: str | None) -> str:
    if not value:
        return "—"
    return dt.datetime.fromisoformat(value).strftime("%H:%M %d/%m/%Y")


def guess_kind(body: str) -> str:
    """The procedure's competent body as a default: the commune's own or a vertical agency."""
    low = body.lower()
    return "1" if ("ủy ban" in low or "ubnd" in low or not low.strip()) else "2"


def held(d: dict[str, Any]) -> dict[str, Any] | None:
    return fw.open_step(list(d.get("handovers") or []))


def can_forward(d: dict[str, Any]) -> bool:
    return d.get("status") in fw.FORWARDABLE and held(d) is None


def _key(values: dict[str, str], name: str, table: dict[str, str], field: str) -> str:
    raw = values[name].strip().lower()
    if raw in table:
        return table[raw]
    if raw in table.values():
        return raw
    raise BadInput(t(f"fw.err.{field}"), field=field)


def forward_dialog(
    ctx: Any, d: dict[str, Any], now: Callable[[], dt.datetime | None]
) -> DossierActionDialog:
    code = d["code"]
    due = d.get("appointment_at")
    default_time = dt.datetime.fromisoformat(due).time() if due else dt.time(17, 0)
    body = d.get("competent_agency") or ""

    def submit(values: dict[str, str]) -> str | None:
        try:
            kind = _key(values, "kind", KIND_KEYS, "kind")
            step_due = parse_when(values["due"], default_time) if values["due"] else None
            forwarding.forward(
                ctx.store, ctx.settings, code, to_body=values["to_body"], kind=kind,
                to_center=values["center"], receiver=values["receiver"], due=step_due,
                note=values["note"], actor=ctx.actor, now=now(),
            )
        except CounterAppError as exc:
            return exc.message
        return None

    fields = [
        Field("to_body", t("fw.to_body"), t("fw.to_body_ph"), body, fw.MAX_BODY),
        Field("kind", t("fw.kind"), t("fw.kind_ph"), guess_kind(body), 14),
        Field("center", t("fw.center"), t("fw.center_ph"), "", 32),
        Field("receiver", t("fw.receiver"), t("fw.receiver_ph"), "", fw.MAX_PERSON),
        Field("due", t("fw.due"), t("fw.due_ph", due=_hm(due)), "", 20),
        Field("note", t("fw.note"), "", "", fw.MAX_NOTE),
    ]
    return DossierActionDialog(
        t("fw.title", code=code), fields, submit, hint=t("fw.hint", due=_hm(due))
    )


def handback_dialog(
    ctx: Any, d: dict[str, Any], now: Callable[[], dt.datetime | None]
) -> DossierActionDialog:
    code = d["code"]
    step = held(d) or {}

    def submit(values: dict[str, str]) -> str | None:
        try:
            result = _key(values, "result", RESULT_KEYS, "result")
            forwarding.take_back(
                ctx.store, ctx.settings, code, result=result, giver=values["giver"],
                note=values["note"], next_body=values["next_body"], actor=ctx.actor, now=now(),
                next_kind=guess_kind_value(values["next_body"]),
            )
        except CounterAppError as exc:
            return exc.message
        return None

    fields = [
        Field("result", t("fw.result"), t("fw.result_ph"), "1", 16),
        Field("giver", t("fw.giver"), t("fw.giver_ph"), step.get("receiver") or "", fw.MAX_PERSON),
        Field("note", t("fw.back_note"), t("fw.back_note_ph"), "", fw.MAX_NOTE),
        Field("next_body", t("fw.next_body"), t("fw.next_body_ph"), "", fw.MAX_BODY),
    ]
    hint = t(
        "fw.back_hint", body=step.get("to_body", ""), sent=_hm(step.get("sent_at")),
        due=_hm(step.get("due_at")),
    )
    return DossierActionDialog(t("fw.back_title", code=code), fields, submit, hint=hint)


def guess_kind_value(body: str) -> str:
    return KIND_KEYS[guess_kind(body)]


def chain_text(d: dict[str, Any], now: dt.datetime | None = None) -> Text:
    """The hand-over chain for the detail panel: one line per step, overdue in red."""
    lang = current_lang()
    text = Text()
    steps = list(d.get("handovers") or [])
    if not steps:
        return text
    text.append(t("fw.detail.title") + "\n", style="bold")
    now = now or dt.datetime.now(dt.UTC)
    for s in steps:
        text.append(f"  {s.get('seq')}. → {s.get('to_body', '')}", style="bold")
        if s.get("receiver"):
            text.append(f" ({s['receiver']})")
        text.append(f"  {t('fw.detail.sent')} {_hm(s.get('sent_at'))}")
        if s.get("send_timing"):
            late = s["send_timing"] == "late"
            text.append(f" [{fw.timing_label(s['send_timing'], lang)}]", style="red" if late else "")
        text.append(f"  {t('fw.detail.due')} {_hm(s.get('due_at'))}\n")
        if s.get("back_at"):
            result = fw.RESULT_LABELS["en" if lang == "en" else "vi"][fw.StepResult(s["result"])]
            late = s.get("timing") == "late"
            text.append(f"     ← {result} {_hm(s['back_at'])}")
            text.append(
                f" [{fw.timing_label(s.get('timing'), lang)}]", style="red" if late else "green"
            )
            if s.get("result_note"):
                text.append(f" — {s['result_note']}")
            text.append("\n")
        elif dt.datetime.fromisoformat(s["due_at"]) < now:
            text.append(f"     {t('fw.detail.overdue')}\n", style="bold red")
        else:
            text.append(f"     {t('fw.detail.held')}\n", style="yellow")
    return text
