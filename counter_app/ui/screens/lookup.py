"""Dossier lookup and result return: find by code, ID number, name (accents optional) or
phone; see the details and history; mark the result as arrived; hand it over (who, ID checked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from counter_app.domain import dossier as rules
from counter_app.domain.dossier import channel_label
from counter_app.errors import CounterAppError
from counter_app.services import catalog, dossiers
from counter_app.services.context import AppContext
from counter_app.ui.i18n_reception import current_lang, localize_bindings, set_lang, t
from counter_app.ui.widgets.dossier_action import DossierActionDialog, Field, parse_when
from counter_app.ui.widgets.dossier_forwarding import (
    can_forward,
    chain_text,
    forward_dialog,
    handback_dialog,
    held,
)
from counter_app.ui.widgets.reception_return import ReturnDialog
from counter_app.ui.widgets.reception_steps import screen_footer, screen_header
from counter_app.ui.widgets.reception_supplement import SupplementDialog
from counter_app.ui.widgets.reception_support import FormResult, render_and_print


def _fmt(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return dt.datetime.fromisoformat(value).strftime("%H:%M %d/%m/%Y")
    except ValueError:
        return value


def status_label(status: str) -> str:
    return rules.status_label(status, current_lang())


@dataclass
class LookupScanStored(Message):
    code: str
    index: int
    pages: int
    error: str


@dataclass
class LookupFormDone(Message):
    code: str
    result: FormResult


class _ResultsTable(DataTable):
    BINDINGS = [Binding("up", "up_or_search", show=False)]

    def action_up_or_search(self) -> None:
        if self.cursor_row <= 0:
            self.screen.query_one("#lk-search", Input).focus()
        else:
            self.action_cursor_up()


class LookupScreen(Screen):
    """Issue 4 item 5: lookup and result return."""

    DEFAULT_CSS = """
    LookupScreen { layout: vertical; }
    LookupScreen #lk-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    LookupScreen #lk-search { margin: 1 1 0 1; }
    LookupScreen #lk-count { height: 1; padding: 0 1; color: $text-muted; }
    LookupScreen #lk-results { height: 40%; min-height: 5; margin: 0 1; }
    LookupScreen #lk-detail-box { height: 1fr; margin: 0 1; border-top: solid $primary; }
    LookupScreen #lk-detail { height: auto; }
    LookupScreen #lk-message { height: auto; max-height: 2; padding: 0 1; }
    LookupScreen #lk-message.-error { background: $error 25%; }
    LookupScreen #lk-message.-ok { color: $success; }
    """

    BINDINGS = [
        Binding("f5", "mark_done", "lk.key.done"),
        Binding("f6", "return_result", "lk.key.return"),
        Binding("f7", "supplemented", "lk.key.supplemented"),
        Binding("f8", "print_form", "lk.key.print"),
        Binding("f9", "extend", "lk.key.extend"),
        Binding("ctrl+g", "forward", "lk.key.forward"),
        Binding("ctrl+b", "handback", "lk.key.handback"),
        Binding("ctrl+t", "pay", "lk.key.pay"),
        # rarer: listed by F1 and the command palette, not in the footer
        Binding("ctrl+d", "stop", "lk.key.stop", show=False),
        Binding("ctrl+k", "print_control", "lk.key.control", show=False),
        Binding("f12", "scan", "lk.key.scan"),
        Binding("ctrl+f", "focus_search", "lk.key.search", priority=True),
        Binding("escape", "close", "lk.key.close"),
    ]

    def __init__(self, ctx: AppContext, *, query: str = "", name: str | None = None) -> None:
        set_lang(ctx.settings.lang)
        super().__init__(name=name)
        localize_bindings(self)
        self.ctx = ctx
        self.initial_query = query
        self.rows: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        header = screen_header(self.ctx)
        if header is not None:
            yield header
        yield Static(t("lk.title"), id="lk-title")
        yield Input(self.initial_query, placeholder=t("lk.placeholder"), id="lk-search", compact=True)
        yield Static(t("lk.hint"), id="lk-count")
        table = _ResultsTable(id="lk-results", cursor_type="row", zebra_stripes=True)
        table.add_column(t("lk.col.code"), key="code")
        table.add_column(t("lk.col.applicant"), key="applicant")
        table.add_column(t("lk.col.status"), key="status")
        table.add_column(t("lk.col.due"), key="due")
        table.add_column(t("lk.col.procedure"), key="procedure")
        yield table
        with VerticalScroll(id="lk-detail-box"):
            yield Static("", id="lk-detail")
        yield Static("", id="lk-message")
        yield screen_footer()

    def relabel(self) -> None:
        """Called by the shell after a language switch."""
        localize_bindings(self)
        self.query_one("#lk-title", Static).update(t("lk.title"))
        self.query_one("#lk-search", Input).placeholder = t("lk.placeholder")
        table = self.query_one("#lk-results", DataTable)
        for key, col in table.columns.items():
            col.label = Text(t(f"lk.col.{key.value}"))
        table.refresh()
        self._refresh_current()
        self.refresh_bindings()

    def on_mount(self) -> None:
        self.query_one("#lk-search", Input).focus()
        if self.initial_query:
            self.search(self.initial_query)

    # --- search ----------------------------------------------------------------------------------

    def say(self, text: str, kind: str = "info") -> None:
        msg = self.query_one("#lk-message", Static)
        msg.update(text)
        msg.set_class(kind == "error", "-error")
        msg.set_class(kind == "ok", "-ok")

    def search(self, text: str) -> None:
        text = text.strip()
        table = self.query_one("#lk-results", DataTable)
        table.clear()
        count = self.query_one("#lk-count", Static)
        if len(text) < 2:
            self.rows = []
            count.update(t("lk.hint"))
            self.show_detail(None)
            return
        try:
            self.rows = dossiers.lookup(self.ctx.store, text)
        except CounterAppError as exc:
            self.rows = []
            self.say(exc.message, "error")
        for d in self.rows:
            table.add_row(
                d["code"],
                (d.get("applicant") or {}).get("full_name", ""),
                status_label(d["status"]),
                _fmt(d.get("appointment_at")),
                d.get("procedure_name", ""),
                key=d["code"],
            )
        count.update(t("lk.count", n=len(self.rows)) if self.rows else t("lk.none"))
        if self.rows:
            self.show_detail(self.rows[0]["code"])
        else:
            self.show_detail(None)

    @on(Input.Changed, "#lk-search")
    def _changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#lk-search")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.rows:
            self.query_one("#lk-results", DataTable).focus()

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.focused is self.query_one("#lk-search", Input) and self.rows:
            self.query_one("#lk-results", DataTable).focus()
            event.stop()

    @on(DataTable.RowHighlighted, "#lk-results")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value:
            self.show_detail(str(event.row_key.value))

    # --- details ---------------------------------------------------------------------------------

    def show_detail(self, code: str | None) -> None:
        box = self.query_one("#lk-detail", Static)
        if code is None:
            self.current = None
            box.update("")
            self.refresh_bindings()
            return
        try:
            d = dossiers.get(self.ctx.store, code, with_history=True)
        except CounterAppError as exc:
            self.current = None
            box.update(Text(exc.message, style="red"))
            return
        self.current = d
        box.update(self.render_detail(d))
        self.refresh_bindings()

    def render_detail(self, d: dict[str, Any]) -> Text:
        a = d.get("applicant") or {}
        text = Text()

        def line(label: str, value: str, style: str = "") -> None:
            text.append(t(label) + " ", style="bold")
            text.append(value + "\n", style=style)

        text.append(f"{d['code']}", style="bold reverse")
        text.append(f"  {d.get('lookup_code', '')}\n", style="dim")
        dob = a.get("date_of_birth", "")
        if dob:
            dob = dt.date.fromisoformat(dob).strftime("%d/%m/%Y")
        who = " — ".join(x for x in (a.get("full_name", ""), a.get("id_number", ""), dob, a.get("phone") or "") if x)
        line("lk.detail.applicant", who)
        line("lk.detail.procedure", f"{d.get('procedure_code', '')} {d.get('procedure_name', '')}")
        line("lk.detail.status", status_label(d["status"]), "bold")
        if d.get("center_code") not in (None, self.ctx.settings.center_code):
            text.append(t("lk.detail.routed_here", center=d["center_code"]) + "\n", style="bold yellow")
        received = f"{_fmt(d.get('received_at'))} · {d.get('counter_code') or ''}"
        if d.get("channel") not in (None, "counter"):  # by post or online: said where it was entered
            received += f" · {channel_label(d['channel'], current_lang())}"
        line("lk.detail.received", received)
        if d.get("ticket_number"):
            line("lk.detail.ticket", d["ticket_number"])
        if d.get("appointment_at"):
            line("lk.detail.due", _fmt(d["appointment_at"]))
        line("lk.detail.officer", d.get("officer", ""))
        if int(d.get("fee_vnd") or 0) > 0:
            from counter_app.domain.fees import payment_text

            paid = payment_text(d.get("payment"), current_lang())
            line("lk.detail.fee", f"{rules.format_vnd(d['fee_vnd'])} — {paid}",
                 "" if d.get("payment") else "yellow")
        if d.get("apology_late_reason"):
            line("lk.detail.late_reason", d["apology_late_reason"])
        comps = d.get("components") or []
        if comps:
            got = sum(1 for c in comps if c.get("ok"))
            line("lk.detail.components", f"{got}/{len(comps)}")
            for m in d.get("missing") or []:
                text.append(f"  ✗ {m['index']}. {m['name']}: {m.get('lacking', '')}\n", style="red")
            for c in comps:
                pages = sum(int(a.get("pages") or 0) for a in c.get("attachments") or [])
                scan = t("sc.status.pages", n=pages) if pages else t("sc.status.none")
                text.append(f"  ▤ {c.get('index')}. {c.get('name', '')}: ", style="dim")
                text.append(scan + "\n", style="green" if pages else "dim")
        text.append_text(chain_text(d, self._now()))
        if d.get("reason"):
            line("rc.review.reason", d["reason"])
        if d.get("returned_to"):
            r = d["returned_to"]
            line(
                "lk.detail.returned",
                f"{r.get('name', '')} ({r.get('id_number', '')}) — {_fmt(d.get('returned_at'))}",
            )
        more = [t("lk.more.control")]
        if _can("stop", d):
            more.append(t("lk.more.stop"))
        text.append("  ".join(more) + "\n", style="dim")
        text.append("\n" + t("lk.detail.history") + "\n", style="bold underline")
        for ev in d.get("history") or []:
            action = ev.get("action", "")
            label = t(f"lk.act.{action}") if f"lk.act.{action}" in _known() else action
            data = ev.get("data") or {}
            extra = ""
            if data.get("from") and data.get("to"):
                extra = f": {status_label(data['from'])} → {status_label(data['to'])}"
            text.append(f"  {_fmt(ev.get('at'))}  {ev.get('actor', '')}  {label}{extra}\n")
        return text

    # --- actions ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        foreign = bool(self.current) and self.current.get("center_code") not in (
            None, self.ctx.settings.center_code
        )
        if foreign and action not in ("handback", "print_control", "close", "focus_search"):
            # another center's dossier routed here: only its result is handed back from here
            return False
        if action == "mark_done":
            return bool(self.current) and not held(self.current) and rules.Status.DONE in (
                rules.TRANSITIONS.get(rules.Status(self.current["status"]), frozenset())
            ) or None
        if action == "forward":
            return bool(self.current) and can_forward(self.current)
        if action == "handback":
            return bool(self.current) and held(self.current) is not None
        if action == "print_control":
            return bool(self.current) and self.current["status"] != rules.Status.REFUSED.value
        if action == "return_result":
            return bool(self.current) and self.current["status"] == rules.Status.DONE.value or None
        if action == "supplemented":
            # Shown only when it applies (the footer is short at 80 columns).
            return bool(self.current) and self.current["status"] == rules.Status.NEED_SUPPLEMENT.value
        if action in ("extend", "stop", "pay"):
            return bool(self.current) and _can(action, self.current)
        if action == "scan":
            return bool(self.current and self.current.get("components"))
        if action == "print_form":
            return bool(self.current) and form_kind(self.current["status"]) is not None or None
        return True

    def action_focus_search(self) -> None:
        self.query_one("#lk-search", Input).focus()

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def _refresh_current(self) -> None:
        code = self.current["code"] if self.current else None
        query = self.query_one("#lk-search", Input).value
        self.search(query)
        if code:
            table = self.query_one("#lk-results", DataTable)
            try:
                table.move_cursor(row=table.get_row_index(code))
            except Exception:  # noqa: BLE001 - the row may have left the result list
                pass
            self.show_detail(code)

    def action_mark_done(self) -> None:
        if not self.current:
            self.say(t("lk.msg.pick"), "error")
            return
        code = self.current["code"]
        try:
            dossiers.transition(
                self.ctx.store, self.ctx.settings, code, rules.Status.DONE.value,
                actor=self.ctx.actor, now=self._now(),
            )
        except CounterAppError as exc:
            self.say(exc.message, "error")
            return
        self._refresh_current()
        self.say(t("lk.msg.done", code=code), "ok")

    def _now(self) -> dt.datetime | None:
        clock = self.ctx.extras.get("clock")
        return clock() if callable(clock) else None

    def action_return_result(self) -> None:
        if not self.current:
            self.say(t("lk.msg.pick"), "error")
            return
        d = self.current
        code = d["code"]
        a = d.get("applicant") or {}

        def submit(values: dict[str, Any]) -> str | None:
            try:
                dossiers.record_return(
                    self.ctx.store, self.ctx.settings, code, actor=self.ctx.actor,
                    now=self._now(), **values,
                )
            except CounterAppError as exc:
                return exc.message
            return None

        def done(ok: bool | None) -> None:
            if ok:
                self._refresh_current()
                name = (self.current or {}).get("returned_to", {}) or {}
                self.say(t("lk.msg.returned", code=code, name=name.get("name", "")), "ok")
                # the return record: form 06's last row is signed by the receiver
                self._print(code, "control")

        def read_chip(qr: str, progress: Any) -> dict[str, Any]:
            from counter_app.ui.widgets.reception_support import read_card

            return read_card(self.ctx, qr=qr, progress=progress)

        self.app.push_screen(
            ReturnDialog(
                code, submit, name=a.get("full_name", ""), id_number=a.get("id_number", ""),
                read_chip=read_chip,
                simulated_qr=str(self.ctx.extras.get("card_simulated_qr") or ""),
            ),
            done,
        )

    def action_supplemented(self) -> None:
        """The citizen brought the missing papers: receive the dossier, new due date, receipt."""
        if not self.current:
            self.say(t("lk.msg.pick"), "error")
            return
        d = self.current
        code = d["code"]

        def submit(components: list[dict[str, Any]], subjects: list[dict[str, Any]]) -> str | None:
            try:
                dossiers.complete_supplement(
                    self.ctx.store, self.ctx.settings, code, components, actor=self.ctx.actor,
                    now=self._now(), subjects=subjects,
                )
            except CounterAppError as exc:
                return exc.message
            return None

        try:  # whom the dossier is about, as its procedure version asks (blank if unknown here)
            specs = catalog.get(
                self.ctx.store, d["procedure_code"], version=d.get("procedure_version")
            ).get("subjects", [])
        except CounterAppError:
            specs = []

        def done(ok: bool | None) -> None:
            if ok:
                self._refresh_current()
                due = _fmt((self.current or {}).get("appointment_at"))
                self.say(t("lk.msg.supplemented", code=code, due=due), "ok")
                self._print(code, "receipt")

        self.app.push_screen(SupplementDialog(d, submit, specs), done)

    def action_extend(self) -> None:
        """Late: apology with a new date (form 04), once; the rules are the service's."""
        if not self.current or not _can("extend", self.current):
            return
        d = self.current
        code = d["code"]
        due = dt.datetime.fromisoformat(d["appointment_at"])

        def submit(values: dict[str, str]) -> str | None:
            try:
                new_due = parse_when(values["new_due"], due.time().replace(tzinfo=None))
                dossiers.transition(
                    self.ctx.store, self.ctx.settings, code, rules.Status.EXTENDED.value,
                    actor=self.ctx.actor, reason=values["reason"], new_due=new_due,
                    late_reason=values["late_reason"], now=self._now(),
                )
            except CounterAppError as exc:
                return exc.message
            return None

        def done(ok: bool | None) -> None:
            if ok:
                self._refresh_current()
                new = _fmt((self.current or {}).get("appointment_at"))
                self.say(t("lk.msg.extended", code=code, due=new), "ok")
                self._print(code, "apology")

        fields = [
            Field("new_due", t("lk.ext.new_due"), t("lk.ext.new_due_ph")),
            Field("reason", t("lk.ext.reason"), t("lk.ext.reason_ph")),
            Field("late_reason", t("lk.ext.late_reason"), t("lk.ext.late_reason_ph")),
        ]
        hint = t("lk.ext.hint", due=_fmt(d["appointment_at"]))
        self.app.push_screen(
            DossierActionDialog(t("lk.ext.title", code=code), fields, submit, hint=hint), done
        )

    def action_stop(self) -> None:
        """The applicant asks to stop (form 05)."""
        if not self.current or not _can("stop", self.current):
            return
        code = self.current["code"]

        def submit(values: dict[str, str]) -> str | None:
            try:
                dossiers.transition(
                    self.ctx.store, self.ctx.settings, code, rules.Status.WITHDRAWN.value,
                    actor=self.ctx.actor, reason=values["reason"], now=self._now(),
                )
            except CounterAppError as exc:
                return exc.message
            return None

        def done(ok: bool | None) -> None:
            if ok:
                self._refresh_current()
                self.say(t("lk.msg.stopped", code=code), "ok")
                self._print(code, "stop")

        fields = [Field("reason", t("lk.stop.reason"), t("lk.stop.reason_ph"))]
        self.app.push_screen(
            DossierActionDialog(t("lk.stop.title", code=code), fields, submit), done
        )

    def action_pay(self) -> None:
        """Record how the fee was paid, when it was not at reception."""
        if not self.current or not _can("pay", self.current):
            return
        d = self.current
        code = d["code"]

        def submit(values: dict[str, str]) -> str | None:
            method = _PAY_KEYS.get(values["method"].strip().lower(), values["method"].strip())
            try:
                dossiers.record_payment(
                    self.ctx.store, self.ctx.settings, code, method=method,
                    reference=values["reference"], actor=self.ctx.actor, now=self._now(),
                )
            except CounterAppError as exc:
                return exc.message
            return None

        def done(ok: bool | None) -> None:
            if ok:
                self._refresh_current()
                self.say(t("lk.msg.paid", code=code, amount=rules.format_vnd(d["fee_vnd"])), "ok")

        fields = [
            Field("method", t("lk.pay.method"), t("lk.pay.method_ph"), "1", 10),
            Field("reference", t("lk.pay.reference"), t("rc.fee.payref_ph"), "", 64),
        ]
        hint = t("lk.pay.hint", amount=rules.format_vnd(d["fee_vnd"]))
        self.app.push_screen(
            DossierActionDialog(t("lk.pay.title", code=code), fields, submit, hint=hint), done
        )

    def action_forward(self) -> None:
        """Hand the dossier to the body that decides it (liên thông); form 06 goes with it."""
        if not self.current or not can_forward(self.current):
            return
        code = self.current["code"]

        def done(ok: bool | None) -> None:
            if ok:
                self._refresh_current()
                step = held(self.current or {}) or {}
                self.say(
                    t("lk.msg.forwarded", code=code, body=step.get("to_body", ""),
                      due=_fmt(step.get("due_at"))),
                    "ok",
                )
                self._print(code, "control")

        self.app.push_screen(forward_dialog(self.ctx, self.current, self._now), done)

    def action_handback(self) -> None:
        """What the body sent back: the result, a request for papers, a refusal, or passed on."""
        if not self.current or held(self.current) is None:
            return
        code = self.current["code"]

        def done(ok: bool | None) -> None:
            if ok:
                from counter_app.domain import forwarding as fw

                self._refresh_current()
                d = self.current or {}
                closed = [s for s in d.get("handovers") or [] if s.get("back_at")][-1]
                lang = "en" if current_lang() == "en" else "vi"
                result = fw.RESULT_LABELS[lang][fw.StepResult(closed["result"])]
                timing = fw.timing_label(closed.get("timing"), lang)
                self.say(t("lk.msg.handed_back", code=code, result=result, timing=timing), "ok")
                if d.get("status") == rules.Status.NEED_SUPPLEMENT.value:
                    self._print(code, "supplement")

        self.app.push_screen(handback_dialog(self.ctx, self.current, self._now), done)

    def action_print_control(self) -> None:
        if self.current:
            self._print(self.current["code"], "control")

    def action_scan(self) -> None:
        """Digitize a component of the dossier shown (received earlier): stored on Accept."""
        from counter_app.ui.widgets.reception_scan import ScanDialog

        if not self.current:
            self.say(t("lk.msg.pick"), "error")
            return
        d = self.current
        code = d["code"]
        comps = [(int(c["index"]), str(c.get("name", ""))) for c in d.get("components") or []]
        if not comps:
            return
        from counter_app.services.digitization import suggested_profile

        profile = suggested_profile(comps[0][1])
        dialog = ScanDialog(
            t("sc.title_dossier", code=code, index=comps[0][0], name=comps[0][1]),
            self.ctx.blobs, self.ctx.settings, profile=profile, components=comps,
            request_defaults=self.ctx.extras.get("scan_request_defaults"),  # type: ignore[arg-type]
        )

        def done(batch: Any) -> None:
            if batch is None or dialog.component_index is None:
                return
            self.say(t("rc.done.form_pending"))
            self._store_scan(code, dialog.component_index, batch, list(dialog.imported))

        self.app.push_screen(dialog, done)

    @work(thread=True, group="scan-commit", exit_on_error=False)
    def _store_scan(self, code: str, index: int, batch: Any, imported: list[Any]) -> None:
        from counter_app.services import digitization as dg
        from counter_app.services.digitization import mark_inbox_imported

        pages, error = len(batch.pages), ""
        try:
            dg.commit_batch(self.ctx.store, self.ctx.blobs, batch, code, index,
                            actor=self.ctx.actor, settings=self.ctx.settings)
            mark_inbox_imported(imported)
        except Exception as exc:  # noqa: BLE001 - shown; nothing half-stored (see commit_batch)
            error = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        finally:
            batch.close()
        self.post_message(LookupScanStored(code, index, pages, error))

    @on(LookupScanStored)
    def _scan_stored(self, event: LookupScanStored) -> None:
        if event.error:
            self.say(t("sc.msg.store_failed", index=event.index, error=event.error), "error")
            return
        if self.current and self.current.get("code") == event.code:
            self.show_detail(event.code)
        self.say(t("sc.msg.stored", n=event.pages, index=event.index), "ok")

    def action_print_form(self) -> None:
        if not self.current:
            self.say(t("lk.msg.pick"), "error")
            return
        kind = form_kind(self.current["status"])
        if kind:
            self._print(self.current["code"], kind)

    def _print(self, code: str, kind: str) -> None:
        self.say(t("rc.done.form_pending"))
        self._form_worker(code, kind)

    @work(thread=True, exclusive=True, group="form", exit_on_error=False)
    def _form_worker(self, code: str, kind: str) -> None:
        try:
            result = render_and_print(self.ctx.store, self.ctx.settings, code, kind)
        except Exception as exc:  # noqa: BLE001 - shown; the dossier is stored either way
            result = FormResult(None, error=f"{type(exc).__name__}: {exc}")
        self.post_message(LookupFormDone(code, result))

    @on(LookupFormDone)
    def _form_done(self, event: LookupFormDone) -> None:
        r = event.result
        if r.path is None:
            self.say(r.error, "error")
            return
        text = t("rc.done.form_saved", path=str(r.path))
        if r.printed_to:
            text += " · " + t("rc.done.printed", printer=r.printed_to)
        if r.error:
            text += " · " + r.error
        self.say(text, "error" if r.error else "ok")


_PAY_KEYS = {"1": "cash", "2": "transfer", "3": "vietqr"}
_OPEN_FOR_STOP = {
    rules.Status.RECEIVED.value,
    rules.Status.PROCESSING.value,
    rules.Status.EXTENDED.value,
    rules.Status.NEED_SUPPLEMENT.value,
}


def _can(action: str, d: dict[str, Any]) -> bool:
    """Whether a lookup action applies to the dossier shown (its key is hidden otherwise)."""
    status = d.get("status")
    if action == "extend":
        return (
            status in (rules.Status.RECEIVED.value, rules.Status.PROCESSING.value)
            and not d.get("extension_count")
            and bool(d.get("appointment_at"))
        )
    if action == "stop":
        return status in _OPEN_FOR_STOP
    if action == "pay":
        return (
            status in {s.value for s in dossiers.PAYABLE}
            and int(d.get("fee_vnd") or 0) > 0
            and not d.get("payment")
        )
    return False


def form_kind(status: str) -> str | None:
    """The form that fits a dossier's state: receipt (01), supplementation (02), refusal (03)."""
    return {
        rules.Status.RECEIVED.value: "receipt",
        rules.Status.PROCESSING.value: "receipt",
        rules.Status.EXTENDED.value: "receipt",
        rules.Status.DONE.value: "receipt",
        rules.Status.NEED_SUPPLEMENT.value: "supplement",
        rules.Status.REFUSED.value: "refusal",
        rules.Status.WITHDRAWN.value: "stop",
    }.get(status)


def _known() -> set[str]:
    from counter_app.ui.i18n_reception import MESSAGES

    return set(MESSAGES)
