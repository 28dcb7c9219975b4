"""The reception wizard: applicant → procedure → checklist → fee and appointment → review →
receive / request supplementation / refuse. One screen, every step from the keyboard; the draft is
saved on every step (and a few seconds after any edit), so a crash or a power cut resumes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, ContentSwitcher, Input, Label, Select, Static

from counter_app.domain import dossier as rules
from counter_app.domain import entered_text
from counter_app.domain.dossier import CHANNELS, channel_label
from counter_app.domain.subjects import describe as describe_subject
from counter_app.domain.subjects import spec_label
from counter_app.errors import BadInput, CounterAppError
from counter_app.services import dossiers, drafts
from counter_app.services.context import AppContext
from counter_app.ui.i18n_reception import current_lang, localize_bindings, set_lang, t
from counter_app.ui.widgets.limited_input import LimitedInput
from counter_app.ui.widgets.reception_fee import FeeExtras, payment_words
from counter_app.ui.widgets.reception_steps import (
    STEP_KEYS,
    ComponentRow,
    ProcedurePicker,
    StepBar,
    screen_footer,
    screen_header,
)
from counter_app.ui.widgets.reception_subjects import SubjectsPanel
from counter_app.ui.widgets.reception_support import (
    AppointmentView,
    FormResult,
    ProcedureSource,
    appointment,
    render_and_print,
)

STEPS = (*STEP_KEYS, "done")


class StepScroll(VerticalScroll, can_focus=False):
    """A step's page: scrolls to the focused field, never takes focus itself."""

APPLICANT_FIELDS = (
    ("a-id", "id_number", "rc.a.id_number"),
    ("a-dob", "date_of_birth", "rc.a.dob"),
    ("a-name", "full_name", "rc.a.name"),
    ("a-sex", "sex", "rc.a.sex"),
    ("a-phone", "phone", "rc.a.phone"),
    ("a-address", "address", "rc.a.address"),
)
FIELD_TO_INPUT = {key: wid for wid, key, _ in APPLICANT_FIELDS}
FORM_KIND = {"receive": "receipt", "supplement": "supplement", "refuse": "refusal"}
# the service's own bounds (services.dossiers.ApplicantIn): the field stops where the form would
FIELD_LIMITS = {"id_number": 12, "full_name": 100, "phone": 20, "address": 500}
AUTOSAVE_SECONDS = 3.0


@dataclass
class CardProgress(Message):
    file: str
    done: int
    total: int


@dataclass
class CardRead(Message):
    data: dict[str, Any]


@dataclass
class CardFailed(Message):
    error: str


@dataclass
class ScansCommitted(Message):
    """The accepted scans were stored (or not) once the dossier existed."""

    code: str
    results: dict[int, str]
    errors: list[str]


def _scans_of(data: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    """The stashed scans a draft names, per component index (malformed entries dropped)."""
    out: dict[int, list[dict[str, Any]]] = {}
    scans = data.get("scans")
    if not isinstance(scans, dict):
        return out
    for key, items in scans.items():
        try:
            index = int(key)
        except (TypeError, ValueError):
            continue
        good = [
            dict(x)
            for x in (items if isinstance(items, list) else [])
            if isinstance(x, dict) and {"sha256", "size", "pages", "mime"} <= x.keys()
        ]
        if good:
            out[index] = good
    return out


@dataclass
class FormDone(Message):
    """A thread worker finished rendering (and maybe printing) the outcome's form."""

    code: str
    result: FormResult


def _fmt_dt(value: str | dt.datetime | None) -> str:
    if not value:
        return "—"
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.strftime("%H:%M %d/%m/%Y")


def _norm_sex(value: str) -> str | None:
    v = value.strip().casefold()
    if not v:
        return None
    if v in ("nam", "m", "male"):
        return "Nam"
    if v in ("nữ", "nu", "f", "female"):
        return "Nữ"
    raise BadInput(t("rc.err.sex"), field="sex")


def _local_hhmm(stamp: str, tz: Any) -> str:
    """HH:MM of an ISO time in the center's time zone (drafts are stamped in UTC)."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).strftime("%H:%M %d/%m/%Y")


def _current_ticket(ctx: AppContext) -> str | None:
    """The ticket being served at this counter, when the shell recorded it (hook:
    ctx.extras["current_ticket"] = {"number": …} or the number itself)."""
    value = ctx.extras.get("current_ticket")
    if isinstance(value, dict):
        value = value.get("number")
    elif value is not None and hasattr(value, "number"):  # a QueueTicket
        value = value.number
    return str(value) if value else None


class ReceptionScreen(Screen):
    """Receive one dossier at the counter (docs/DESIGN.md §1, issue 4 item 3)."""

    DEFAULT_CSS = """
    ReceptionScreen { layout: vertical; }
    ReceptionScreen #body { height: 1fr; }
    ReceptionScreen .step { height: 1fr; padding: 0 1; }
    ReceptionScreen .field-row { height: 1; margin-bottom: 1; }
    ReceptionScreen .field-row Label { width: 20; }
    ReceptionScreen .field-row Input { width: 1fr; }
    ReceptionScreen .field-row Input.-invalid { background: $error 30%; }
    ReceptionScreen .section { text-style: bold; margin-bottom: 1; }
    ReceptionScreen #card-panel { height: auto; }
    ReceptionScreen #card-photo { width: 18; height: auto; display: none; }
    ReceptionScreen #card-status { width: 1fr; height: auto; color: $text-muted; }
    ReceptionScreen #checklist-summary { height: auto; margin-bottom: 1; }
    ReceptionScreen #checklist-summary.-missing { color: $error; }
    ReceptionScreen #fee-lines, ReceptionScreen #appt { height: auto; margin-bottom: 1; }
    ReceptionScreen #fee-overrides { height: auto; }
    ReceptionScreen .fee-name { height: auto; }
    ReceptionScreen #appt.-provisional { color: $warning; }
    ReceptionScreen #review-summary { height: auto; margin-bottom: 1; }
    ReceptionScreen #outcome-buttons { height: auto; margin-top: 1; }
    ReceptionScreen #outcome-buttons Button { margin-right: 2; }
    ReceptionScreen #result { height: auto; }
    ReceptionScreen #message { height: auto; max-height: 3; padding: 0 1; }
    ReceptionScreen #message.-error { background: $error 25%; color: $text; }
    ReceptionScreen #message.-ok { color: $success; }
    """

    BINDINGS = [
        Binding("ctrl+n", "next", "rc.key.next", priority=True),
        Binding("ctrl+b", "back", "rc.key.back", priority=True),
        Binding("ctrl+s", "save", "rc.key.save", show=False, priority=True),
        Binding("f5", "read_card", "rc.key.card"),
        Binding("f7", "use_card", "rc.key.use_card"),
        Binding("f4", "fill_expected", "rc.key.fill"),
        Binding("f9", "outcome('receive')", "rc.key.receive", priority=True),
        Binding("f6", "outcome('supplement')", "rc.key.supplement", priority=True),
        Binding("f8", "outcome('refuse')", "rc.key.refuse", priority=True),
        Binding("f8", "reprint", "rc.key.reprint", priority=True),  # on the result step
        Binding("f3", "new", "rc.key.new"),
        Binding("f12", "scan_component", "rc.key.scan"),
        Binding("escape", "close", "rc.key.close"),
        Binding("enter", "done_enter", show=False),
    ]

    def __init__(self, ctx: AppContext, *, ticket: str | None = None, name: str | None = None) -> None:
        set_lang(ctx.settings.lang)
        super().__init__(name=name)
        localize_bindings(self)
        self.ctx = ctx
        self.ticket = ticket or _current_ticket(ctx)
        self.source = ProcedureSource(ctx.store)
        self._clock: Callable[[], dt.datetime] | None = ctx.extras.get("clock")  # type: ignore[assignment]
        self.step = "applicant"
        self.draft_id = drafts.new_id()
        self.proc: dict[str, Any] | None = None
        self.comp_values: dict[int, dict[str, Any]] = {}
        self.fee_overrides: dict[str, str] = {}
        self.applicant_source = "manual"
        self.passive_auth: str | None = None
        self.checklist: rules.Checklist | None = None
        self.appt: AppointmentView | None = None
        self.result: dict[str, Any] | None = None
        self.form: FormResult | None = None
        self._dirty = False
        self._restoring = False
        self._confirm_new = False
        self._fee_names: dict[str, str] = {}
        self._last_qr = ""
        self._card_data: dict[str, Any] | None = None
        self._apply_error = ""
        # Accepted scans per component index: the batch (still editable in the dialog), its PDF
        # stashed in the blob store and named in the draft (`scans`), and the stashed items of a
        # resumed draft; all attached to the dossier once it exists.
        self.pending_scans: dict[int, Any] = {}
        self.pending_inbox: dict[int, list[Any]] = {}
        self.batch_stash: dict[int, dict[str, Any]] = {}
        self._stash_gen: dict[int, int] = {}
        self.saved_scans: dict[int, list[dict[str, Any]]] = {}
        self.scan_results: dict[int, str] = {}

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        header = screen_header(self.ctx)
        if header is not None:
            yield header
        yield StepBar(id="stepbar")
        with ContentSwitcher(initial="step-applicant", id="body"):
            with StepScroll(id="step-applicant", classes="step"):
                yield Static(t("rc.a.title"), classes="section")
                with Horizontal(classes="field-row"):
                    yield Label(t("rc.a.qr"))
                    yield Input(placeholder=t("rc.a.qr_placeholder"), id="a-qr", compact=True)
                for wid, key, label in APPLICANT_FIELDS:
                    with Horizontal(classes="field-row"):
                        yield Label(t(label))
                        yield LimitedInput(
                            placeholder=t(label + ".ph"), id=wid, compact=True,
                            max_length=FIELD_LIMITS.get(key, 200),
                        )
                with Horizontal(id="card-panel"):
                    yield Static("", id="card-photo")
                    yield Static(t("rc.a.card_hint"), id="card-status")
            with StepScroll(id="step-procedure", classes="step"):
                yield Static(t("rc.proc.title"), classes="section")
                yield ProcedurePicker(self.source, id="picker")
            with StepScroll(id="step-checklist", classes="step"):
                yield Static(t("rc.comp.title"), classes="section", id="checklist-title")
                yield SubjectsPanel(id="subjects")
                yield Static("", id="checklist-summary")
            with StepScroll(id="step-fee", classes="step"):
                yield Static(t("rc.fee.title"), classes="section")
                yield Static("", id="fee-lines")
                with Horizontal(classes="field-row"):
                    yield Label(t("rc.fee.copies"))
                    yield Input("1", type="integer", id="f-copies", compact=True, max_length=2)
                yield Vertical(id="fee-overrides")
                yield FeeExtras(id="fee-extras")
                yield Static("", id="appt")
            with StepScroll(id="step-review", classes="step"):
                yield Static(t("rc.review.title"), classes="section")
                yield Static("", id="review-summary")
                with Horizontal(classes="field-row"):
                    yield Label(t("rc.review.channel"))
                    yield Select(
                        [(channel_label(c, current_lang()), c) for c in CHANNELS],
                        value="counter", allow_blank=False, id="r-channel", compact=True,
                    )
                with Horizontal(classes="field-row"):
                    yield Label(t("rc.review.reason"))
                    yield Input(placeholder=t("rc.review.reason_ph"), id="r-reason", compact=True)
                with Horizontal(classes="field-row"):
                    yield Label(t("rc.review.note"))
                    yield Input(placeholder=t("rc.review.note_ph"), id="r-note", compact=True)
                with Horizontal(id="outcome-buttons"):
                    yield Button(t("rc.btn.receive"), id="b-receive", variant="success", compact=True)
                    yield Button(t("rc.btn.supplement"), id="b-supplement", variant="warning", compact=True)
                    yield Button(t("rc.btn.refuse"), id="b-refuse", variant="error", compact=True)
            with StepScroll(id="step-done", classes="step"):
                yield Static("", id="result")
        yield Static("", id="message")
        yield screen_footer()

    async def on_mount(self) -> None:
        self.title = t("rc.title")
        if self.ticket is None:
            self.ticket = self._detect_ticket()
        self.query_one(StepBar).show(self.step)
        self.query_one(ProcedurePicker).run_search("")
        await self._resume()
        self.set_interval(AUTOSAVE_SECONDS, self._autosave, name="draft-autosave")
        self._warm_up()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """Build the catalog search index and the calendar off the UI thread while the officer
        types the applicant, so the first key of the procedure search is as fast as the rest."""
        from counter_app.services import calendar, catalog

        catalog.warm_up(self.ctx.store)
        calendar.prewarm(self.ctx.settings)

    def relabel(self) -> None:
        """Called by the shell after a language switch: rebuild every text, keep the input."""
        localize_bindings(self)
        self.call_later(self._relabel)

    async def _relabel(self) -> None:
        data = self.collect() if self.step != "done" else None
        step = self.step
        await self.recompose()
        self.step = "applicant"
        self.query_one(StepBar).show("applicant")
        self.query_one(ProcedurePicker).run_search("")
        if data is not None:
            await self.apply(data)
            await self.go(step, validate=False)
        else:
            self._show_result()
        self.refresh_bindings()

    def _detect_ticket(self) -> str | None:
        """The ticket being served: ctx.extras["current_ticket"], else the counter home's
        `current` ticket (duck-typed: no import of the shell's screens)."""
        found = _current_ticket(self.ctx)
        if found:
            return found
        for screen in self.app.screen_stack:
            cur = getattr(screen, "current", None)
            if getattr(cur, "is_open", False):
                return str(cur.number)
        return None

    # --- helpers ---------------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        if self._clock is not None:
            return self._clock()
        from counter_app.services.clock import legal_now

        return legal_now(None, self.ctx.settings.tz)

    def _frozen_now(self) -> dt.datetime | None:
        return self._clock() if self._clock is not None else None

    def _input(self, wid: str) -> Input:
        return self.query_one(f"#{wid}", Input)

    def say(self, text: str, kind: str = "info") -> None:
        msg = self.query_one("#message", Static)
        msg.update(text)
        msg.set_class(kind == "error", "-error")
        msg.set_class(kind == "ok", "-ok")

    def _officer(self) -> str:
        return self.ctx.actor

    # --- draft -----------------------------------------------------------------------------------

    def _channel(self) -> str:
        """How the dossier was filed (review step): at the counter unless the officer says."""
        value = self.query_one("#r-channel", Select).value
        return value if isinstance(value, str) and value in CHANNELS else "counter"

    def collect(self) -> dict[str, Any]:
        """Everything typed so far, as JSON (the draft's data)."""
        data: dict[str, Any] = {
            "applicant": {key: self._input(wid).value for wid, key, _ in APPLICANT_FIELDS},
            "applicant_source": self.applicant_source,
            "passive_auth": self.passive_auth,
            "search": self.query_one(ProcedurePicker).search_input.value,
            "procedure": self.proc["code"] if self.proc else None,
            "procedure_version": self.proc.get("version") if self.proc else None,
            "components": [self.comp_values[i] for i in sorted(self.comp_values)],
            "subjects": self.query_one(SubjectsPanel).values(),
            "copies": self._input("f-copies").value,
            "fee_overrides": dict(self.fee_overrides),
            "fee_extras": self.query_one(FeeExtras).state(),
            "reason": self._input("r-reason").value,
            "note": self._input("r-note").value,
            "channel": self._channel(),
            "ticket": self.ticket,
            "scans": self._stashed_items(),
        }
        return data

    def _stashed_items(self) -> dict[str, list[dict[str, Any]]]:
        """Per component, the scans already safe in the blob store (the draft's `scans`)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for index in sorted(set(self.saved_scans) | set(self.batch_stash)):
            items = list(self.saved_scans.get(index, []))
            if index in self.batch_stash:
                items.append(self.batch_stash[index])
            if items:
                out[str(index)] = items
        return out

    def save_draft(self) -> None:
        if self.step == "done" or self._restoring:
            return
        self._sync_components()
        try:
            drafts.save(
                self.ctx.store,
                officer=self._officer(),
                draft_id=self.draft_id,
                step=self.step,
                data=self.collect(),
                counter_code=self.ctx.counter_code,
                now=self._frozen_now(),
            )
            self._dirty = False
        except CounterAppError as exc:
            self.say(t("rc.err.draft", error=str(exc)), "error")

    def _autosave(self) -> None:
        if self._dirty:
            self.save_draft()

    async def _resume(self) -> None:
        draft = drafts.load(self.ctx.store, self._officer())
        if draft is None:
            self._focus_step()
            return
        self.draft_id = draft.id
        if draft.dossier_code:
            # Received just before a crash: show the stored dossier, never receive it twice,
            # and attach the scans the draft kept (attaching twice is a no-op).
            self.saved_scans = _scans_of(draft.data)
            self.scan_results = self._attach_stashed(draft.dossier_code)
            self.result = dossiers.get(self.ctx.store, draft.dossier_code, with_history=False)
            drafts.discard(self.ctx.store, draft.id)
            self._show_result()
            self.say(t("rc.msg.already_received", code=draft.dossier_code), "ok")
            return
        await self.apply(draft.data)
        step = draft.step if draft.step in STEP_KEYS else "applicant"
        if self.proc is None and STEPS.index(step) > STEPS.index("procedure"):
            step = "procedure"
        await self.go(step, validate=False)
        when = _local_hhmm(draft.updated_at, self.ctx.settings.tz)  # as the header's clock
        if self._apply_error:
            self.say(f"{t('rc.msg.resumed', time=when)} — {self._apply_error}", "error")
        else:
            self.say(t("rc.msg.resumed", time=when), "ok")

    async def apply(self, data: dict[str, Any]) -> None:
        """Put a draft's data back into the widgets."""
        self._restoring = True
        self._apply_error = ""
        try:
            applicant = data.get("applicant") or {}
            for wid, key, _ in APPLICANT_FIELDS:
                self._input(wid).value = str(applicant.get(key) or "")
            self.applicant_source = data.get("applicant_source") or "manual"
            self.passive_auth = data.get("passive_auth")
            self.ticket = data.get("ticket") or self.ticket
            picker = self.query_one(ProcedurePicker)
            picker.search_input.value = data.get("search") or ""
            picker.run_search(picker.search_input.value)
            self.comp_values = {int(c["index"]): dict(c) for c in data.get("components") or []}
            self.fee_overrides = {str(k): str(v) for k, v in (data.get("fee_overrides") or {}).items()}
            self._input("f-copies").value = str(data.get("copies") or "1")
            self.query_one(FeeExtras).restore(data.get("fee_extras") or {})
            self._input("r-reason").value = data.get("reason") or ""
            self._input("r-note").value = data.get("note") or ""
            if data.get("channel") in CHANNELS:
                self.query_one("#r-channel", Select).value = data["channel"]
            self.saved_scans = _scans_of(data)
            code = data.get("procedure")
            if code:
                try:
                    self.proc = self.source.get(code)
                except CounterAppError as exc:
                    self.proc = None
                    self._apply_error = exc.message
                    self.say(exc.message, "error")
                else:
                    # The catalog may have changed since the draft was saved: keep only the
                    # components the current version still has.
                    known = {spec.index for spec in self._specs()}
                    self.comp_values = {i: v for i, v in self.comp_values.items() if i in known}
                    await self._build_checklist(subjects=data.get("subjects") or [])
                    await self._build_fee_inputs()
        finally:
            self._restoring = False

    # --- navigation ------------------------------------------------------------------------------

    async def go(self, step: str, *, validate: bool = True) -> bool:
        """Show `step`; moving forward validates the steps in between."""
        if step == self.step and self.step != "applicant":
            return True
        cur = STEPS.index(self.step)
        target = STEPS.index(step)
        if validate and target > cur:
            # Every step before the target, not only the ones crossed now: a resumed draft may
            # sit past a step that no longer holds (e.g. its procedure left the catalog).
            for s in STEPS[:target]:
                if not self._validate(s):
                    return False
        self._sync_components()
        self.step = step
        self.query_one(ContentSwitcher).current = f"step-{step}"
        self.query_one(StepBar).show(step)
        if step == "checklist":
            self._refresh_checklist()
        elif step == "fee":
            self._refresh_fee(recompute_appointment=True)
        elif step == "review":
            self._refresh_review()
        self.say("")
        self.save_draft()
        self._focus_step()
        self.refresh_bindings()
        return True

    def _focus_step(self) -> None:
        if self.step == "applicant":
            first = self._input("a-qr") if not self._input("a-id").value else self._input("a-id")
            first.focus()
        elif self.step == "procedure":
            self.query_one(ProcedurePicker).search_input.focus()
        elif self.step == "checklist":
            inputs = self.query("#step-checklist Input")
            if inputs:
                inputs.first().focus()
        elif self.step == "fee":
            self._input("f-copies").focus()
        elif self.step == "review":
            self._input("r-reason").focus()

    async def action_next(self) -> None:
        if self.step == "done":
            await self.action_new()
            return
        idx = STEPS.index(self.step)
        if idx < len(STEP_KEYS) - 1:
            await self.go(STEPS[idx + 1])

    async def action_back(self) -> None:
        idx = STEPS.index(self.step)
        if 0 < idx < len(STEPS) - 1:
            await self.go(STEPS[idx - 1], validate=False)

    def action_save(self) -> None:
        self.save_draft()
        self.say(t("rc.msg.saved"), "ok")

    def action_close(self) -> None:
        self.save_draft()
        self.drop_pending_scans()
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    async def action_new(self) -> None:
        if self.step != "done" and not self._confirm_new:
            self._confirm_new = True
            self.say(t("rc.msg.confirm_new"), "error")
            self.set_timer(4, self._cancel_confirm)
            return
        self._confirm_new = False
        if self.step != "done":
            drafts.discard(self.ctx.store, self.draft_id)
        await self.reset()

    def _cancel_confirm(self) -> None:
        self._confirm_new = False

    async def reset(self) -> None:
        self.drop_pending_scans()
        self.scan_results = {}
        self.draft_id = drafts.new_id()
        self.result = None
        self.form = None
        self.proc = None
        self.appt = None
        self.checklist = None
        self.ticket = self._detect_ticket()
        await self.apply({})
        self.applicant_source = "manual"
        self.passive_auth = None
        self._last_qr = ""
        self._card_data = None
        photo = self.query_one("#card-photo", Static)
        photo.update("")
        photo.display = False
        self.query_one("#card-status", Static).update(t("rc.a.card_hint"))
        for wid, *_ in APPLICANT_FIELDS:
            self._input(wid).remove_class("-invalid")
        self._input("a-qr").value = ""
        await self.query_one("#step-checklist").remove_children(ComponentRow)
        await self.query_one(SubjectsPanel).build([], [])
        await self.query_one("#fee-overrides").remove_children()
        self.query_one(FeeExtras).reset()
        await self.query_one(FeeExtras).build([])
        self.step = "applicant"
        self.query_one(ContentSwitcher).current = "step-applicant"
        self.query_one(StepBar).show("applicant")
        self.say(t("rc.msg.new"))
        self._focus_step()
        self.refresh_bindings()

    async def action_done_enter(self) -> None:
        if self.step == "done":
            await self.action_new()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "done_enter":
            return self.step == "done"
        if action == "outcome":
            return self.step == "review"
        if action == "reprint":
            return self.step == "done" and bool(self.result)
        if action in ("fill_expected", "scan_component"):
            return self.step == "checklist"
        if action == "read_card":
            return self.step == "applicant"
        if action == "use_card":
            return self.step == "applicant" and self._card_data is not None
        if action in ("back",):
            return self.step not in ("applicant", "done")
        return True

    # --- validation ------------------------------------------------------------------------------

    def _validate(self, step: str) -> bool:
        try:
            if step == "applicant":
                self.applicant_payload()
            elif step == "procedure":
                if self.proc is None:
                    raise BadInput(t("rc.err.no_procedure"), field="procedure")
            elif step == "checklist":
                self.query_one(SubjectsPanel).payload()
            elif step == "fee":
                self.fee_result()
        except CounterAppError as exc:
            self._show_error(step, exc)
            return False
        return True

    def _show_error(self, step: str, exc: CounterAppError) -> None:
        if self.step != step:
            self.step = step
            self.query_one(ContentSwitcher).current = f"step-{step}"
            self.query_one(StepBar).show(step)
            self.refresh_bindings()
        self.say(exc.message, "error")
        field = (exc.field or "").removeprefix("applicant.")
        wid = FIELD_TO_INPUT.get(field)
        if step == "applicant" and wid:
            inp = self._input(wid)
            inp.add_class("-invalid")
            inp.focus()
        elif step == "procedure":
            self.query_one(ProcedurePicker).search_input.focus()
        elif step == "checklist":
            self.query_one(SubjectsPanel).show_error(exc.field)
        elif step == "fee":
            self._input("f-copies").focus()

    @on(LimitedInput.TooLong)
    def _too_long(self, event: LimitedInput.TooLong) -> None:
        event.input.add_class("-invalid")
        self.say(t("rc.err.too_long", n=event.length, limit=event.limit), "error")

    def applicant_payload(self) -> dict[str, Any]:
        """The applicant as the service wants it; raises BadInput naming the field."""
        from counter_app.domain.identity import parse_ddmmyyyy, validate_id_number

        for wid, *_ in APPLICANT_FIELDS:
            self._input(wid).remove_class("-invalid")
        values = {key: self._input(wid).value.strip() for wid, key, _ in APPLICANT_FIELDS}
        validate_id_number(values["id_number"])
        if not values["date_of_birth"]:
            raise BadInput(t("rc.err.dob_missing"), field="date_of_birth")
        dob = parse_ddmmyyyy(values["date_of_birth"], field_name="date_of_birth")
        if dob > self.now().date():
            raise BadInput(t("rc.err.dob_future"), field="date_of_birth")
        if not values["full_name"]:
            raise BadInput(t("rc.err.name_missing"), field="full_name")
        # the rules of every name and address printed on a form (letters, no control characters)
        for key, check in (
            ("full_name", entered_text.clean_person_name),
            ("address", lambda v: entered_text.clean(v, max_length=500)),
        ):
            try:
                values[key] = check(values[key])
            except entered_text.TextProblem as exc:
                raise BadInput(str(exc), field=key) from None
        sex = _norm_sex(values["sex"])
        validate_id_number(values["id_number"], dob, female=None if sex is None else sex == "Nữ")
        payload: dict[str, Any] = {
            "id_number": values["id_number"],
            "full_name": values["full_name"],
            "date_of_birth": dob.isoformat(),
            "source": self.applicant_source,
        }
        if sex:
            payload["sex"] = sex
        if values["phone"]:
            payload["phone"] = values["phone"]
        if values["address"]:
            payload["address"] = values["address"]
        if self.passive_auth:
            payload["passive_auth"] = self.passive_auth
        from pydantic import ValidationError

        try:
            dossiers.ApplicantIn.model_validate(payload)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = str(err["loc"][0]) if err["loc"] else "applicant"
            raise BadInput(
                f"{t('rc.a.' + {'full_name': 'name', 'date_of_birth': 'dob'}.get(loc, loc))}: "
                f"{err['msg'].removeprefix('Value error, ')}",
                field=loc,
            ) from None
        return payload

    # --- applicant step --------------------------------------------------------------------------

    def _apply_qr(self, text: str) -> bool:
        from counter_app.domain.identity import parse_card_qr

        try:
            qr = parse_card_qr(text)
        except CounterAppError as exc:
            self.say(t("rc.err.qr", error=exc.message), "error")
            return False
        self._input("a-id").value = qr.id_number
        self._input("a-dob").value = qr.birth_date.strftime("%d/%m/%Y")
        if qr.full_name:
            self._input("a-name").value = qr.full_name
        if qr.sex:
            self._input("a-sex").value = qr.sex
        if qr.address:
            self._input("a-address").value = qr.address
        self._input("a-qr").value = ""
        self._last_qr = text.strip()
        self.applicant_source = "qr"
        self.say(t("rc.msg.qr_ok", id=qr.id_number), "ok")
        self._dirty = True
        self._input("a-phone").focus()
        return True

    @staticmethod
    def _looks_like_full_qr(text: str) -> bool:
        parts = text.split("|")
        return (
            len(parts) >= 7
            and len(parts[0]) == 12
            and parts[0].isdigit()
            and len(parts[-1]) == 8
            and parts[-1].isdigit()
        )

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if self._restoring:
            return
        wid = event.input.id or ""
        if event.input.has_focus:
            self._dirty = True
        if wid in ("a-qr", "a-id") and "|" in event.value and self._looks_like_full_qr(event.value):
            # A keyboard-wedge scanner types the whole QR text (into whichever field has focus).
            self._apply_qr(event.value)
            return
        if wid.startswith(("a-", "s-")):
            event.input.remove_class("-invalid")
        elif wid.startswith(("orig-", "copy-", "note-")):
            self._refresh_checklist()
        elif wid == "f-copies" or wid.startswith(("fo-", "fq-")) or wid in ("f-payref", "f-delivery-to"):
            if wid.startswith("fo-"):
                name = self._fee_names.get(wid)
                if name is not None:
                    self.fee_overrides[name] = event.value
            self._refresh_fee()

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        if self._restoring:
            return
        self._dirty = True
        self._refresh_checklist()

    @on(Input.Submitted)
    async def _input_submitted(self, event: Input.Submitted) -> None:
        wid = event.input.id or ""
        if wid == "a-qr":
            if event.value.strip():
                self._apply_qr(event.value)
            else:
                self._input("a-id").focus()
            return
        last_of_step = {"a-address": True}
        if self.step == "fee":
            shown = [
                i.id for i in self.query("#step-fee Input")
                if i.id and i.display and i.parent is not None and i.parent.display
            ]
            if shown:
                last_of_step[shown[-1]] = True
        if self.step == "checklist" and self.comp_values:
            last = max(self.comp_values)
            last_of_step[f"note-{last}"] = True
        if wid == "r-reason":
            self._focus_first_outcome()
            return
        if wid == "r-note":
            self._focus_first_outcome()
            return
        if last_of_step.get(wid):
            await self.action_next()
        else:
            self.focus_next()

    def _focus_first_outcome(self) -> None:
        for bid in ("b-receive", "b-supplement", "b-refuse"):
            b = self.query_one(f"#{bid}", Button)
            if not b.disabled:
                b.focus()
                return

    def action_read_card(self) -> None:
        status = self.query_one("#card-status", Static)
        simulated = self.ctx.extras.get("card_simulated_qr")
        if not self._last_qr and simulated and self._apply_qr(simulated):
            self.say(t("rc.card.simulated"), "ok")  # the demo's simulated card: its QR "scanned"
        if not self._last_qr:
            status.update(t("rc.card.need_keys"))
            self.say(t("rc.card.need_keys"), "error")
            self._input("a-qr").focus()
            return
        status.update(t("rc.card.reading"))
        self._read_card(self._last_qr)

    @work(thread=True, exclusive=True, group="card", exit_on_error=False)
    def _read_card(self, qr: str) -> None:
        """Runs the card service off the UI thread; progress and the result come back as
        messages (post_message is thread-safe)."""
        from counter_app.ui.widgets.reception_support import read_card

        def progress(file: str, done: int, total: int) -> None:
            self.post_message(CardProgress(file, done, total))

        try:
            data = read_card(self.ctx, qr=qr, progress=progress)
        except CounterAppError as exc:
            self.post_message(CardFailed(exc.message))
        except Exception as exc:  # noqa: BLE001 - a device error must not close the wizard
            self.post_message(CardFailed(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(CardRead(data))

    @on(CardProgress)
    def _card_progress(self, event: CardProgress) -> None:
        self.query_one("#card-status", Static).update(
            t("rc.card.progress", file=event.file, done=event.done, total=event.total)
        )

    @on(CardFailed)
    def _card_failed(self, event: CardFailed) -> None:
        self.query_one("#card-status", Static).update(t("rc.card.failed", error=event.error))
        self.say(t("rc.card.failed", error=event.error), "error")

    @on(CardRead)
    def _card_read(self, event: CardRead) -> None:
        d = event.data
        self._card_data = d
        pa = (d.get("passive_auth") or {}).get("status", "?")
        photo = self.query_one("#card-photo", Static)
        if d.get("photo_text") is not None:
            photo.update(d["photo_text"])
            photo.display = True
        body = Text(
            t("rc.card.done", name=d.get("full_name") or "", id=d.get("id_number") or "", pa=pa)
        )
        dob = d.get("date_of_birth")
        lines = [
            (t("rc.a.dob"), dt.date.fromisoformat(dob).strftime("%d/%m/%Y") if dob else ""),
            (t("rc.a.sex"), d.get("sex") or ""),
            (t("rc.a.address"), d.get("place_of_residence") or ""),
        ]
        for label, value in lines:
            body.append(f"\n{label}: ", style="bold")
            body.append(value)
        if pa == "failed":
            body.append("\n⚠ " + t("rc.card.pa_failed"), style="bold red")
        if self.ctx.extras.get("card_simulated_qr"):
            body.append("\n" + t("rc.card.simulated_label"), style="bold yellow")
        self.query_one("#card-status", Static).update(body)
        self.say(t("rc.card.use_hint"), "ok")
        self.refresh_bindings()

    def action_use_card(self) -> None:
        self.use_card_data()

    def use_card_data(self) -> None:
        """Fill the applicant from the chip (the chip's data is authoritative)."""
        d = self._card_data
        if not d:
            return
        self._input("a-id").value = d.get("id_number") or ""
        dob = d.get("date_of_birth")
        if dob:
            self._input("a-dob").value = dt.date.fromisoformat(dob).strftime("%d/%m/%Y")
        self._input("a-name").value = d.get("full_name") or ""
        self._input("a-sex").value = d.get("sex") or ""
        self._input("a-address").value = d.get("place_of_residence") or ""
        self.applicant_source = "card"
        self.passive_auth = (d.get("passive_auth") or {}).get("status")
        self._dirty = True
        self.say(t("rc.card.used"), "ok")
        self._input("a-phone").focus()

    # --- procedure step --------------------------------------------------------------------------

    @on(ProcedurePicker.Picked)
    async def _picked(self, event: ProcedurePicker.Picked) -> None:
        try:
            proc = self.source.get(event.code)
        except CounterAppError as exc:
            self.say(exc.message, "error")
            return
        if self.proc is None or self.proc["code"] != proc["code"]:
            self.comp_values = {}
            self.fee_overrides = {}
        self.proc = proc
        await self._build_checklist()
        await self._build_fee_inputs()
        self._dirty = True
        await self.go("checklist")

    # --- checklist step --------------------------------------------------------------------------

    def _specs(self) -> list[rules.ComponentSpec]:
        return rules.specs_from_catalog(self.proc["components"]) if self.proc else []

    async def _build_checklist(self, subjects: list[dict[str, Any]] | None = None) -> None:
        panel = self.query_one(SubjectsPanel)
        await panel.build(
            (self.proc or {}).get("subjects") or [],
            panel.values() if subjects is None else subjects,
        )
        cont = self.query_one("#step-checklist", StepScroll)
        await cont.remove_children(ComponentRow)
        rows = [ComponentRow(spec, self.comp_values.get(spec.index)) for spec in self._specs()]
        for spec in self._specs():
            self.comp_values.setdefault(
                spec.index,
                {"index": spec.index, "original": 0, "copy": 0, "presented": False, "note": ""},
            )
        if self.proc:
            self.query_one("#checklist-title", Static).update(
                Text.assemble(t("rc.comp.title"), " — ", (self.proc["name"], "bold"))
            )
        await cont.mount_all(rows)
        self._refresh_checklist()

    def _sync_components(self) -> None:
        for row in self.query(ComponentRow):
            self.comp_values[row.spec.index] = row.value()

    def evaluate_checklist(self) -> rules.Checklist:
        self._sync_components()
        received = [
            rules.ComponentReceived(
                int(c["index"]), int(c["original"]), int(c["copy"]), bool(c["presented"]), c["note"]
            )
            for c in self.comp_values.values()
        ]
        return rules.evaluate_checklist(self._specs(), received)

    def _refresh_checklist(self) -> None:
        if self.proc is None or self._restoring:
            return
        try:
            self.checklist = self.evaluate_checklist()
        except CounterAppError as exc:
            self.say(exc.message, "error")
            return
        by_index = {line.spec.index: line for line in self.checklist.lines}
        for row in self.query(ComponentRow):
            line = by_index.get(row.spec.index)
            if line is not None:
                row.show_state(line)
            self._show_scan_state(row)
        summary = self.query_one("#checklist-summary", Static)
        missing = self.checklist.missing
        required = [ln for ln in self.checklist.lines if ln.spec.required]
        if missing:
            summary.update(
                t("rc.comp.summary_missing", ok=len(required) - len(missing), total=len(required))
            )
        else:
            summary.update(t("rc.comp.summary_ok", total=len(required)))
        summary.set_class(bool(missing), "-missing")

    # --- scanning (số hóa) -----------------------------------------------------------------------

    def _show_scan_state(self, row: ComponentRow) -> None:
        index = row.spec.index
        batch = self.pending_scans.get(index)
        n = sum(int(item.get("pages") or 0) for item in self.saved_scans.get(index, []))
        n += len(batch.pages) if batch is not None else 0
        if n:
            row.show_scan(t("sc.status.pending", n=n), True)
        else:
            row.show_scan(t("sc.status.none"), False)

    def _focused_row(self) -> ComponentRow | None:
        node = self.focused
        while node is not None and not isinstance(node, ComponentRow):
            node = node.parent
        if node is None:
            rows = list(self.query(ComponentRow))
            return rows[0] if len(rows) == 1 else None
        return node

    def action_scan_component(self) -> None:
        """Open the scan dialog for the component under the cursor (its pages wait for receive)."""
        from counter_app.services import digitization as dg
        from counter_app.ui.widgets.reception_scan import ScanDialog

        if self.step != "checklist":
            return
        row = self._focused_row()
        if row is None:
            self.say(t("sc.msg.pick_component"), "error")
            return
        spec = row.spec
        index = spec.index
        profile = dg.suggested_profile(spec.name)
        batch = self.pending_scans.get(index) or dg.ScanBatch(self.ctx.blobs, self.ctx.settings)
        dialog = ScanDialog(
            t("sc.title", index=index, name=spec.name), self.ctx.blobs, self.ctx.settings,
            profile=profile, batch=batch,
            request_defaults=self.ctx.extras.get("scan_request_defaults"),  # type: ignore[arg-type]
        )

        def done(result: Any) -> None:
            if result is None:
                self.pending_scans.pop(index, None)
                self.pending_inbox.pop(index, None)
                self._stash_gen[index] = self._stash_gen.get(index, 0) + 1
                if self.batch_stash.pop(index, None) is not None:
                    self.save_draft()
            else:
                self.pending_scans[index] = result
                self.pending_inbox.setdefault(index, []).extend(dialog.imported)
                self.say(t("sc.msg.pending", n=len(result.pages), index=index), "ok")
                self._stash_gen[index] = self._stash_gen.get(index, 0) + 1
                self._stash(index, result, self._stash_gen[index])
            self._show_scan_state(row)
            row.query_one(Input).focus()

        self.app.push_screen(dialog, done)

    def drop_pending_scans(self) -> None:
        for batch in self.pending_scans.values():
            batch.close()
        self.pending_scans = {}
        self.pending_inbox = {}
        self.batch_stash = {}
        self.saved_scans = {}

    @work(thread=True, group="scan-stash", exit_on_error=False)
    def _stash(self, index: int, batch: Any, generation: int) -> None:
        """Put the accepted pages in the blob store and name them in the draft (a worker: the
        PDF takes a moment). On failure the pages stay in memory and are stored on receive."""
        from counter_app.services import digitization as dg

        try:
            item = dg.stash_batch(self.ctx.blobs, batch)
        except Exception as exc:  # noqa: BLE001 - the batch itself is still there
            msg = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            self.app.call_from_thread(self.say, t("sc.msg.store_failed", index=index, error=msg),
                                      "error")
            return
        self.app.call_from_thread(self._stashed, index, batch, generation, item)

    def _stashed(self, index: int, batch: Any, generation: int, item: dict[str, Any]) -> None:
        # Only the newest acceptance of this component's batch counts (a later one re-stashes).
        if self._stash_gen.get(index) == generation and self.pending_scans.get(index) is batch:
            self.batch_stash[index] = item
            self.save_draft()

    def _attach_stashed(self, code: str) -> dict[int, str]:
        """Attach every stashed scan (resumed draft + accepted batches) to dossier `code`, before
        the draft is discarded. Batches whose stash is not ready are left to `_commit_scans`."""
        from counter_app.services import digitization as dg
        from counter_app.services.digitization import mark_inbox_imported

        results: dict[int, str] = {}
        for index, items in sorted(self._stashed_items().items()):
            i = int(index)
            try:
                dg.commit_stashed(self.ctx.store, self.ctx.blobs, code, i, items,
                                  actor=self.ctx.actor, settings=self.ctx.settings)
                results[i] = t("sc.status.pages", n=sum(int(x["pages"]) for x in items))
            except CounterAppError as exc:
                results[i] = t("sc.msg.store_failed", index=i, error=exc.message)
            if i in self.batch_stash:
                batch = self.pending_scans.pop(i, None)
                if batch is not None:
                    batch.close()
                mark_inbox_imported(self.pending_inbox.pop(i, []))
        self.batch_stash = {}
        self.saved_scans = {}
        return results

    @work(thread=True, exclusive=True, group="scan-commit", exit_on_error=False)
    def _commit_scans(
        self, code: str, pending: dict[int, Any], inbox: dict[int, list[Any]]
    ) -> None:
        """Store the scans accepted during the checklist, now that the dossier exists."""
        from counter_app.services import digitization as dg
        from counter_app.services.digitization import mark_inbox_imported

        results: dict[int, str] = {}
        errors: list[str] = []
        results.update(self.scan_results)
        for index, batch in sorted(pending.items()):
            try:
                n = len(batch.pages)
                dg.commit_batch(self.ctx.store, self.ctx.blobs, batch, code, index,
                                actor=self.ctx.actor, settings=self.ctx.settings)
                results[index] = t("sc.status.pages", n=n)
                mark_inbox_imported(inbox.get(index, []))
            except Exception as exc:  # noqa: BLE001 - the dossier is stored; say what failed
                msg = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                results[index] = t("sc.msg.store_failed", index=index, error=msg)
                errors.append(results[index])
            finally:
                batch.close()
        self.post_message(ScansCommitted(code, results, errors))

    @on(ScansCommitted)
    def _scans_committed(self, event: ScansCommitted) -> None:
        if self.result and self.result.get("code") == event.code:
            self.scan_results = event.results
            self._show_result()
            if event.errors:
                self.say("; ".join(event.errors), "error")

    def action_fill_expected(self) -> None:
        self._dirty = True
        for row in self.query(ComponentRow):
            if row.spec.required:
                row.fill_expected()
        self._refresh_checklist()

    # --- fee step --------------------------------------------------------------------------------

    async def _build_fee_inputs(self) -> None:
        cont = self.query_one("#fee-overrides", Vertical)
        await cont.remove_children()
        self._fee_names = {}
        rows = []
        for i, fee in enumerate(self.proc["fees"] if self.proc else []):
            if fee.get("amount_vnd") is not None:
                continue
            wid = f"fo-{i}"
            name = str(fee.get("name", ""))
            self._fee_names[wid] = name
            rows.append(Static(t("rc.fee.amount_for", name=name), classes="fee-name"))
            rows.append(
                Horizontal(
                    Label(t("rc.fee.amount")),
                    Input(
                        self.fee_overrides.get(name, ""), type="integer", id=wid, compact=True,
                        placeholder=t("rc.fee.amount_ph"), max_length=12,
                    ),
                    classes="field-row",
                )
            )
        await cont.mount_all(rows)
        await self.query_one(FeeExtras).build(self.proc["fees"] if self.proc else [])

    def fee_result(self) -> rules.FeeResult:
        copies_text = self._input("f-copies").value.strip() or "1"
        if not copies_text.isdigit() or not 1 <= int(copies_text) <= 50:
            raise BadInput(t("rc.err.copies"), field="copies")
        overrides = {
            k: int(v) for k, v in self.fee_overrides.items() if str(v).strip().isdigit()
        }
        quantities = self.query_one(FeeExtras).quantities()
        return rules.compute_fee(self.proc["fees"] if self.proc else [], overrides, quantities)

    @on(Select.Changed, "#f-pay")
    def _pay_changed(self) -> None:
        if self._restoring:
            return
        self._dirty = True
        self._refresh_fee()
        if self.query_one(FeeExtras).method in ("transfer", "vietqr"):
            self._input("f-payref").focus()

    def _refresh_fee(self, *, recompute_appointment: bool = False) -> None:
        if self.proc is None or self._restoring:
            return
        lines_widget = self.query_one("#fee-lines", Static)
        try:
            fee = self.fee_result()
        except CounterAppError as exc:
            lines_widget.update(Text(exc.message, style="bold red"))
            return
        text = Text()
        for line in fee.lines:
            amount = rules.format_vnd(line["amount_vnd"])
            text.append(f"• {line['name']}: ", style="")
            text.append(amount + "\n", style="bold")
            if line.get("detail"):
                text.append(f"  {line['detail']}\n")
            elif line["name"] in fee.needs_pages:
                text.append("  " + t("rc.fee.needs_pages") + "\n", style="yellow")
            if line.get("note"):
                text.append(f"  {line['note']}\n", style="dim")
        if not fee.lines:
            text.append(t("rc.fee.none") + "\n")
        text.append(t("rc.fee.total", amount=rules.format_vnd(fee.total_vnd)), style="bold")
        if fee.unknown:
            text.append("\n" + t("rc.fee.unknown", n=len(fee.unknown)), style="yellow")
        lines_widget.update(text)
        self.query_one(FeeExtras).show_payment(fee.total_vnd > 0)
        if recompute_appointment or self.appt is None:
            self.appt = appointment(self.ctx.settings, self.proc, self.now())
        appt_w = self.query_one("#appt", Static)
        a = self.appt
        if a.error:
            appt_w.update(Text(t("rc.fee.appt_error", error=a.error), style="yellow"))
        else:
            body = Text.assemble(
                (t("rc.fee.appt") + " ", "bold"), (_fmt_dt(a.due), "bold"), "\n",
                (t("rc.fee.rule") + " ", "dim"), a.rule,
            )
            if a.provisional:
                body.append("\n⚠ " + t("rc.fee.provisional"), style="bold yellow")
            appt_w.update(body)
        appt_w.set_class(bool(a.provisional), "-provisional")

    # --- review and outcome ----------------------------------------------------------------------

    def _refresh_review(self) -> None:
        text = Text()
        try:
            a = self.applicant_payload()
            dob = dt.date.fromisoformat(a["date_of_birth"]).strftime("%d/%m/%Y")
            text.append(t("rc.review.applicant") + " ", style="bold")
            text.append(f"{a['full_name']} — {a['id_number']} — {dob}")
            if a.get("phone"):
                text.append(f" — {a['phone']}")
            text.append("\n")
        except CounterAppError as exc:
            text.append(exc.message + "\n", style="red")
        if self.proc:
            text.append(t("rc.review.procedure") + " ", style="bold")
            text.append(f"{self.proc['code']} {self.proc['name']}\n")
            try:
                subjects = self.query_one(SubjectsPanel).payload()
            except CounterAppError as exc:
                text.append(exc.message + "\n", style="red")
                subjects = []
            given = {who["role"]: who for who in subjects}
            for spec in self.proc.get("subjects") or []:  # in the catalog's order
                label = spec_label(spec, current_lang())
                who = given.get(spec["role"])
                if who is not None:
                    text.append(f"  {label}: ", style="bold")
                    text.append(describe_subject(who, lang=current_lang()) + "\n")
                elif spec.get("required", True):
                    text.append(f"  ✗ {label}: {t('rc.subj.missing')}\n", style="red")
        checklist = self.checklist = self.evaluate_checklist() if self.proc else None
        complete = bool(checklist and checklist.complete)
        if checklist:
            text.append(t("rc.review.components") + " ", style="bold")
            got = sum(1 for ln in checklist.lines if ln.ok)
            text.append(t("rc.review.components_n", ok=got, total=len(checklist.lines)) + "\n")
            for ln in checklist.missing:
                text.append(f"  ✗ {ln.spec.index}. {ln.spec.name}: {ln.lacking}\n", style="red")
        try:
            fee = self.fee_result()
            text.append(t("rc.review.fee") + " ", style="bold")
            text.append(rules.format_vnd(fee.total_vnd))
            if fee.total_vnd > 0:
                text.append(" — " + payment_words(self.query_one(FeeExtras)))
            if fee.needs_pages:
                text.append("  ⚠ " + t("rc.fee.needs_pages"), style="yellow")
            if fee.unknown:
                text.append(
                    "  ⚠ " + t("rc.review.fee_unknown", names=", ".join(fee.unknown)),
                    style="yellow",
                )
            text.append("\n")
        except CounterAppError as exc:
            text.append(exc.message + "\n", style="red")
        try:
            from counter_app.domain.delivery import delivery_text

            where = delivery_text(
                self.query_one(FeeExtras).delivery(), self.ctx.settings.center_name, current_lang()
            )
            text.append(t("rc.review.delivery") + " ", style="bold")
            text.append(where + "\n")
        except CounterAppError as exc:
            text.append(exc.message + "\n", style="red")
        if self.proc and self.appt is None:
            self.appt = appointment(self.ctx.settings, self.proc, self.now())
        if self.appt and self.appt.due:
            text.append(t("rc.review.due") + " ", style="bold")
            text.append(_fmt_dt(self.appt.due))
            if self.appt.provisional:
                text.append("  ⚠ " + t("rc.fee.provisional_short"), style="yellow")
            text.append("\n")
            text.append(f"  {self.appt.rule}\n", style="dim")
        elif self.appt and self.appt.error:
            text.append(t("rc.fee.appt_error", error=self.appt.error) + "\n", style="yellow")
        if not complete:
            text.append(t("rc.review.incomplete"), style="bold yellow")
        self.query_one("#review-summary", Static).update(text)
        self.query_one("#b-receive", Button).disabled = not complete
        reason = self._input("r-reason")
        reason.placeholder = t("rc.review.reason_ph" if complete else "rc.review.guidance_ph")

    def action_outcome(self, outcome: str) -> None:
        if self.step != "review":
            return
        self.submit(outcome)

    @on(Button.Pressed, "#b-receive")
    def _b_receive(self) -> None:
        self.submit("receive")

    @on(Button.Pressed, "#b-supplement")
    def _b_supplement(self) -> None:
        self.submit("supplement")

    @on(Button.Pressed, "#b-refuse")
    def _b_refuse(self) -> None:
        self.submit("refuse")

    def build_request(self, outcome: str) -> dict[str, Any]:
        assert self.proc is not None
        self._sync_components()
        self.fee_result()  # raises BadInput on a bad number of sets
        overrides = {k: int(v) for k, v in self.fee_overrides.items() if str(v).strip().isdigit()}
        req: dict[str, Any] = {
            "procedure": self.proc["code"],
            "applicant": self.applicant_payload(),
            "subjects": self.query_one(SubjectsPanel).payload(),
            "components": [
                {
                    "index": c["index"],
                    "original": c["original"],
                    "copy": c["copy"],
                    "presented": c["presented"],
                    "note": c["note"],
                }
                for c in (self.comp_values[i] for i in sorted(self.comp_values))
            ],
            "outcome": outcome,
            "channel": self._channel(),
            "reason": self._input("r-reason").value.strip(),
            "note": self._input("r-note").value.strip(),
            "fee_overrides": overrides,
            "fee_quantities": self.query_one(FeeExtras).request_quantities(),
            "copies": int(self._input("f-copies").value.strip() or "1"),
            "client_id": self.draft_id,
        }
        if self.proc.get("version"):
            req["procedure_version"] = self.proc["version"]
        if self.ticket:
            req["ticket"] = self.ticket
        if outcome == "receive":
            payment = self.query_one(FeeExtras).payment(self.fee_result().total_vnd)
            if payment is not None:
                req["payment"] = payment
            delivery = self.query_one(FeeExtras).delivery()
            if delivery is not None:
                req["delivery"] = delivery
        return req

    def submit(self, outcome: str) -> None:
        """Store the outcome through services.dossiers.receive (idempotent on the draft id)."""
        if self.result is not None:
            return
        for step in ("applicant", "procedure", "checklist", "fee"):
            if not self._validate(step):
                return
        reason = self._input("r-reason").value.strip()
        if outcome == "refuse" and not reason:
            self.say(t("rc.err.reason_required"), "error")
            self._input("r-reason").focus()
            return
        checklist = self.evaluate_checklist()
        if outcome == "receive" and not checklist.complete:
            first = checklist.missing[0]
            self.say(t("rc.err.incomplete", index=first.spec.index, name=first.spec.name), "error")
            return
        if outcome == "supplement" and checklist.complete and not reason:
            self.say(t("rc.err.supplement_complete"), "error")
            self._input("r-reason").focus()
            return
        if outcome == "receive" and not self._fee_ready():
            return
        self.save_draft()
        try:
            req = self.build_request(outcome)
            result = dossiers.receive(
                self.ctx.store,
                self.ctx.settings,
                req,
                actor=self.ctx.actor,
                counter_code=self.ctx.counter_code,
                now=self._frozen_now(),
            )
        except CounterAppError as exc:
            if (exc.field or "").startswith("subjects"):  # whom it is about: back to that input
                self._show_error("checklist", exc)
            else:
                self.say(exc.message, "error")
            return
        except Exception as exc:  # noqa: BLE001 - keep the input, tell the officer
            self.say(t("rc.err.unexpected", error=f"{type(exc).__name__}: {exc}"), "error")
            return
        self.result = result
        # the stashed scans are attached before the draft that names them goes
        self.scan_results = self._attach_stashed(result["code"])
        drafts.discard(self.ctx.store, self.draft_id)
        pending, inbox = self.pending_scans, self.pending_inbox
        self.pending_scans, self.pending_inbox = {}, {}
        self._show_result()
        self.say(t("rc.msg.stored", code=result["code"]), "ok")
        self._render_form(result["code"], FORM_KIND[outcome])
        if pending:
            self._commit_scans(result["code"], pending, inbox)

    def _fee_ready(self) -> bool:
        """Before receiving: page counts of a per-page fee entered, the payment complete."""
        extras = self.query_one(FeeExtras)
        fee = self.fee_result()
        try:
            if fee.needs_pages:
                raise BadInput(t("rc.fee.needs_pages"), field="pages")
            extras.payment(fee.total_vnd)
            extras.delivery()
        except CounterAppError as exc:
            self.step = "review"
            self._show_error("fee", exc)
            target = extras.first_pages_input() if exc.field == "pages" else None
            if (exc.field or "").startswith("delivery"):
                target = self._input("f-delivery-to")
            (target or self._input("f-payref")).focus()
            return False
        return True

    def _show_result(self) -> None:
        r = self.result or {}
        self.step = "done"
        self.query_one(ContentSwitcher).current = "step-done"
        self.query_one(StepBar).show("done")
        status = r.get("status", "")
        head = {
            "received": t("rc.done.received"),
            "need_supplement": t("rc.done.supplement"),
            "refused": t("rc.done.refused"),
        }.get(status, r.get("status_label", status))
        text = Text()
        text.append(head + "\n", style="bold green" if status == "received" else "bold yellow")
        text.append(t("rc.done.code") + " ", style="bold")
        text.append(f"{r.get('code', '')}\n")
        text.append(t("rc.done.lookup") + " ", style="bold")
        text.append(f"{r.get('lookup_code', '')}\n")
        if r.get("ticket_number"):
            text.append(t("rc.done.ticket") + " ", style="bold")
            text.append(f"{r['ticket_number']}\n")
        text.append(t("rc.review.applicant") + " ", style="bold")
        text.append(f"{(r.get('applicant') or {}).get('full_name', '')}\n")
        text.append(t("rc.review.procedure") + " ", style="bold")
        text.append(f"{r.get('procedure_code', '')} {r.get('procedure_name', '')}\n")
        for who in r.get("subjects") or []:
            text.append(f"  {who.get('label', '')}: ", style="bold")
            text.append(describe_subject(who, lang=current_lang()) + "\n")
        if r.get("appointment_at"):
            text.append(t("rc.review.due") + " ", style="bold")
            text.append(_fmt_dt(r["appointment_at"]) + "\n")
            if r.get("due_rule"):
                text.append(f"  {r['due_rule']}\n", style="dim")
            if r.get("provisional_due"):
                text.append("⚠ " + t("rc.fee.provisional") + "\n", style="yellow")
        if status == "received":
            text.append(t("rc.review.fee") + " ", style="bold")
            text.append(rules.format_vnd(r.get("fee_vnd")) + "\n")
        for m in r.get("missing") or []:
            text.append(f"  ✗ {m['index']}. {m['name']}: {m.get('lacking', '')}\n", style="red")
        if r.get("reason"):
            text.append(t("rc.review.reason") + " ", style="bold")
            text.append(r["reason"] + "\n")
        for index, line in sorted(self.scan_results.items()):
            text.append(f"  ▤ {index}. {line}\n")
        text.append("\n")
        if self.form is None:
            text.append(t("rc.done.form_pending") + "\n", style="dim")
        elif self.form.path:
            text.append(t("rc.done.form_saved", path=str(self.form.path)) + "\n")
            if self.form.printed_to:
                text.append(t("rc.done.printed", printer=self.form.printed_to) + "\n")
        if self.form is not None and self.form.error:
            text.append(self.form.error + "\n", style="yellow")
        text.append("\n" + t("rc.done.hint"), style="dim")
        self.query_one("#result", Static).update(text)
        self.refresh_bindings()
        self.set_focus(None)

    def action_reprint(self) -> None:
        """F8 on the result: print the form again (a jammed printer, a second copy)."""
        r = self.result or {}
        kind = {"received": "receipt", "need_supplement": "supplement", "refused": "refusal"}.get(
            r.get("status", "")
        )
        if not kind:
            return
        self.form = None
        self._show_result()
        self._render_form(r["code"], kind)

    @work(thread=True, exclusive=True, group="form", exit_on_error=False)
    def _render_form(self, code: str, kind: str) -> None:
        try:
            result = render_and_print(self.ctx.store, self.ctx.settings, code, kind)
        except Exception as exc:  # noqa: BLE001 - shown to the officer, the dossier is stored
            result = FormResult(None, error=f"{type(exc).__name__}: {exc}")
        self.post_message(FormDone(code, result))

    @on(FormDone)
    def _form_done(self, event: FormDone) -> None:
        if self.result and self.result.get("code") == event.code:
            self.form = event.result
            self._show_result()
