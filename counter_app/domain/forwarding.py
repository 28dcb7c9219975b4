"""Forwarding a received dossier (liên thông) to the body that decides it, and the result coming
back: the hand-over chain that form 06 (Phiếu kiểm soát quá trình giải quyết hồ sơ) prints.

A dossier's chain is a list of *steps*. A step opens when the one-stop counter (or the body that
had it) hands the dossier to a body — one of the commune's own departments, a vertical agency's
desk (land registration office, police, tax, social insurance, post) or another commune's center —
and closes when that body hands it back with its result. One step is open at a time.

Each hand-over is judged like form 06 asks, "trước hạn / đúng hạn / quá hạn":

- sending: a dossier received by 15:00 leaves the counter the same working day; received later,
  at the start of the next working day ("chuyển vào đầu giờ ngày làm việc tiếp theo đối với
  trường hợp tiếp nhận sau 15 giờ", docs/DOMAIN.md §8.5). "Start" is read as the first working hour;
- coming back: against the step's own due time (at most the dossier's appointment). Back on an
  earlier day than the due day is early; by the due time, on time; later, late.

Pure: the caller passes the calendar and the clock; steps are plain dicts (as stored in JSON).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from counter_app.domain.calendar import WorkCalendar
from counter_app.errors import BadInput, InvalidTransition

MAX_BODY = 200
MAX_PERSON = 100
MAX_NOTE = 500
MAX_STEPS = 30
FORWARD_CUT_OFF = dt.time(15, 0)
START_GRACE = dt.timedelta(hours=1)  # "đầu giờ": within the first working hour


class BodyKind(StrEnum):
    COMMUNE = "commune"  # a department of the commune People's Committee
    VERTICAL = "vertical"  # a vertical agency (land office, police, tax, social insurance, post)
    OTHER_CENTER = "other_center"  # another commune's center (competence elsewhere)


BODY_KIND_LABELS = {
    "vi": {
        BodyKind.COMMUNE: "Cơ quan chuyên môn thuộc UBND xã",
        BodyKind.VERTICAL: "Cơ quan ngành dọc",
        BodyKind.OTHER_CENTER: "Trung tâm Phục vụ hành chính công khác",
    },
    "en": {
        BodyKind.COMMUNE: "Commune department",
        BodyKind.VERTICAL: "Vertical agency",
        BodyKind.OTHER_CENTER: "Another center",
    },
}


class StepResult(StrEnum):
    DONE = "done"  # the result is ready: the dossier is resolved
    PASSED_ON = "passed_on"  # the body sent it on to another body (the next step opens)
    NEED_SUPPLEMENT = "need_supplement"  # the body asks for the missing papers (form 02)
    REFUSED = "refused"  # the body refuses to resolve it (reasons in writing)
    STOPPED = "stopped"  # the applicant withdrew while the body had it (form 05)


RESULT_LABELS = {
    "vi": {
        StepResult.DONE: "Có kết quả",
        StepResult.PASSED_ON: "Chuyển tiếp",
        StepResult.NEED_SUPPLEMENT: "Yêu cầu bổ sung",
        StepResult.REFUSED: "Từ chối giải quyết",
        StepResult.STOPPED: "Dừng giải quyết",
    },
    "en": {
        StepResult.DONE: "Result ready",
        StepResult.PASSED_ON: "Passed on",
        StepResult.NEED_SUPPLEMENT: "Supplementation asked",
        StepResult.REFUSED: "Refused",
        StepResult.STOPPED: "Stopped",
    },
}


class Timing(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


TIMING_LABELS = {
    "vi": {Timing.EARLY: "Trước hạn", Timing.ON_TIME: "Đúng hạn", Timing.LATE: "Quá hạn"},
    "en": {Timing.EARLY: "Early", Timing.ON_TIME: "On time", Timing.LATE: "Late"},
}

# Dossier states from which a dossier can be handed to a body.
FORWARDABLE = frozenset({"received", "processing", "extended"})


_FIELD_NAMES = {
    "to_body": ("tên cơ quan nhận", "the receiving body"),
    "to_center": ("mã trung tâm nhận", "the receiving center's code"),
    "receiver": ("người nhận", "the receiver"),
    "note": ("lý do / ghi chú", "the reason"),
    "giver": ("người giao", "the giver"),
    "from_body": ("cơ quan giao", "the giving body"),
}


def _text(value: Any, field: str, limit: int, *, required: bool) -> str:
    vi, en = _FIELD_NAMES.get(field, (field, field))
    text = " ".join(str(value or "").split())
    if required and not text:
        raise BadInput(f"cần ghi {vi} / {en} is required", field=field)
    if len(text) > limit:
        raise BadInput(f"{vi} quá dài (tối đa {limit} ký tự) / {en} is too long", field=field)
    if any(ord(c) < 32 for c in text):
        raise BadInput(f"{vi} có ký tự điều khiển / control characters in {en}", field=field)
    return text


def open_step(steps: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The step whose body still holds the dossier, if any."""
    return next((s for s in reversed(steps) if not s.get("back_at")), None)


def send_deadline(cal: WorkCalendar, received_at: dt.datetime) -> dt.datetime:
    """When a dossier received at `received_at` must have left the counter."""
    t = cal.localize(received_at)
    if cal.is_working_day(t.date()) and t.time() <= FORWARD_CUT_OFF:
        return cal.end_of_working_day(t.date())
    start = cal.periods_on(cal.next_working_day(t.date()))[0][0]
    return start + START_GRACE


def judge(done_at: dt.datetime, due: dt.datetime, cal: WorkCalendar) -> Timing:
    """Early (an earlier day than the due day), on time (by the due time) or late."""
    done, limit = cal.localize(done_at), cal.localize(due)
    if done.date() < limit.date():
        return Timing.EARLY
    return Timing.ON_TIME if done <= limit else Timing.LATE


@dataclass(frozen=True)
class Forward:
    """A validated hand-over to a body; `step` is the dict to append to the chain."""

    step: dict[str, Any]


def plan_forward(
    cal: WorkCalendar,
    *,
    status: str,
    steps: list[dict[str, Any]],
    received_at: dt.datetime,
    appointment_at: dt.datetime | None,
    to_body: str,
    kind: str,
    now: dt.datetime,
    actor: str,
    receiver: str = "",
    due: dt.datetime | None = None,
    note: str = "",
    to_center: str = "",
    from_body: str = "",
) -> Forward:
    """Check a hand-over to `to_body` and build its step.

    The step's due time defaults to the dossier's appointment and may not be later than it (a
    body cannot be given more time than the citizen was promised); it must be in the future."""
    if status not in FORWARDABLE:
        raise InvalidTransition(
            f"hồ sơ ở trạng thái '{status}' không chuyển xử lý được / a dossier in this state "
            "cannot be forwarded",
            field="status",
        )
    if open_step(steps) is not None:
        held = open_step(steps) or {}
        raise InvalidTransition(
            f"hồ sơ đang ở {held.get('to_body')}: ghi nhận kết quả trả về trước / the dossier is "
            "still with a body: record what came back first",
            field="status",
        )
    if len(steps) >= MAX_STEPS:
        raise BadInput("quá nhiều bước chuyển / too many hand-overs", field="steps")
    try:
        body_kind = BodyKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in BodyKind)
        raise BadInput(
            f"loại cơ quan không hợp lệ / unknown body kind ({allowed})", field="kind"
        ) from None
    body = _text(to_body, "to_body", MAX_BODY, required=True)
    center = _text(to_center, "to_center", 32, required=body_kind is BodyKind.OTHER_CENTER)
    if center and body_kind is not BodyKind.OTHER_CENTER:
        # a center code with another kind is a slip (a field typed in the wrong box): say so
        raise BadInput(
            "mã trung tâm chỉ ghi khi chuyển trung tâm khác (loại 3) / a center code goes only "
            "with kind other_center",
            field="to_center",
        )
    if center and not all(c.isalnum() or c in "._-" for c in center):
        raise BadInput("mã trung tâm không hợp lệ / bad center code", field="to_center")
    moment = cal.localize(now).replace(microsecond=0)
    limit = cal.localize(appointment_at) if appointment_at else None
    step_due = cal.localize(due).replace(microsecond=0) if due else limit
    if step_due is None:
        raise BadInput(
            "cần hạn xử lý của bước này / the step needs a due time (no appointment)", field="due"
        )
    if step_due <= moment:
        raise InvalidTransition(
            f"hạn xử lý {step_due:%H:%M %d/%m/%Y} đã qua / the step's due time is past",
            field="due",
        )
    if limit is not None and step_due > limit:
        raise InvalidTransition(
            f"hạn xử lý ({step_due:%H:%M %d/%m/%Y}) không được sau ngày hẹn trả kết quả "
            f"({limit:%H:%M %d/%m/%Y}) / a step cannot be due after the appointment",
            field="due",
        )
    first = not steps
    deadline = send_deadline(cal, received_at) if first else None
    step = {
        "seq": len(steps) + 1,
        "from_body": _text(from_body, "from_body", MAX_BODY, required=False),
        "to_body": body,
        "to_kind": body_kind.value,
        "to_center": center or None,
        "receiver": _text(receiver, "receiver", MAX_PERSON, required=False),
        "sent_at": moment.isoformat(),
        "sent_by": actor,
        "due_at": step_due.isoformat(),
        "send_deadline": deadline.isoformat() if deadline else None,
        "send_timing": judge(moment, deadline, cal).value if deadline else None,
        "note": _text(note, "note", MAX_NOTE, required=False),
        "back_at": None,
        "back_by": None,
        "giver": "",
        "result": None,
        "result_note": "",
        "timing": None,
    }
    return Forward(step)


def close_step(
    cal: WorkCalendar,
    steps: list[dict[str, Any]],
    *,
    result: str,
    now: dt.datetime,
    actor: str,
    giver: str = "",
    note: str = "",
) -> dict[str, Any]:
    """Record what came back from the body holding the dossier; returns the closed step (a copy).

    A refusal or a request for supplementation needs its reason (`note`), printed for the
    citizen."""
    step = open_step(steps)
    if step is None:
        raise InvalidTransition(
            "hồ sơ không ở cơ quan nào / the dossier is not with any body", field="status"
        )
    try:
        outcome = StepResult(result)
    except ValueError:
        allowed = ", ".join(r.value for r in StepResult)
        raise BadInput(
            f"kết quả không hợp lệ / unknown result ({allowed})", field="result"
        ) from None
    text = _text(
        note, "note", MAX_NOTE, required=outcome in (StepResult.REFUSED, StepResult.NEED_SUPPLEMENT)
    )
    moment = cal.localize(now).replace(microsecond=0)
    sent = dt.datetime.fromisoformat(step["sent_at"])
    if moment < sent:
        raise InvalidTransition(
            "thời điểm nhận lại trước thời điểm chuyển / back before it was sent", field="now"
        )
    closed = dict(step)
    closed |= {
        "back_at": moment.isoformat(),
        "back_by": actor,
        "giver": _text(giver, "giver", MAX_PERSON, required=False),
        "result": outcome.value,
        "result_note": text,
        "timing": judge(moment, dt.datetime.fromisoformat(step["due_at"]), cal).value,
    }
    return closed


def overdue(steps: list[dict[str, Any]], now: dt.datetime) -> dict[str, Any] | None:
    """The open step whose due time has passed, if any (shown to the supervisor)."""
    step = open_step(steps)
    if step is None:
        return None
    return step if dt.datetime.fromisoformat(step["due_at"]) < now else None


def timing_label(value: str | None, lang: str = "vi") -> str:
    if not value:
        return ""
    return TIMING_LABELS["en" if lang == "en" else "vi"][Timing(value)]


# --- routing to another center (through the server) ----------------------------------------------

REMOTE_RESULTS = frozenset({StepResult.DONE.value, StepResult.NEED_SUPPLEMENT.value, StepResult.REFUSED.value})
_CLOSE_KEYS = ("back_at", "back_by", "giver", "result", "result_note", "timing")


def routed_to(steps: list[dict[str, Any]], own_center: str) -> str | None:
    """The other center holding the dossier's open step, if any."""
    step = open_step(steps)
    if step is None or step.get("to_kind") != BodyKind.OTHER_CENTER.value:
        return None
    center = step.get("to_center")
    return str(center) if center and center != own_center else None


def remote_close(
    stored: list[dict[str, Any]], incoming: Any, center: str
) -> dict[str, Any]:
    """The step a center the dossier was routed to closes, taken from what it pushed: only the
    closing fields of its own open step, every other step unchanged. Raises BadInput (why)."""
    step = open_step(stored)
    if step is None or step.get("to_center") != center:
        raise BadInput("the dossier's open step is not addressed to this center", field="handovers")
    if not isinstance(incoming, list) or len(incoming) != len(stored):
        raise BadInput("the hand-over chain was changed, not just closed", field="handovers")
    seq = int(step["seq"])
    for i, (old, new) in enumerate(zip(stored, incoming, strict=True), start=1):
        if not isinstance(new, dict):
            raise BadInput("malformed hand-over step", field="handovers")
        if i != seq and old != new:
            raise BadInput(f"step {i} was changed by the receiving center", field="handovers")
    new = incoming[seq - 1]
    unchanged = {k: v for k, v in step.items() if k not in _CLOSE_KEYS}
    if {k: new.get(k) for k in unchanged} != unchanged:
        raise BadInput("the step's own fields were changed", field="handovers")
    if new.get("result") not in REMOTE_RESULTS:
        raise BadInput("a routed step closes with done, need_supplement or refused", field="result")
    if new.get("timing") not in {t.value for t in Timing}:
        raise BadInput("unknown timing", field="timing")
    try:
        back = dt.datetime.fromisoformat(str(new.get("back_at")))
    except ValueError:
        raise BadInput("bad back_at", field="back_at") from None
    if back < dt.datetime.fromisoformat(step["sent_at"]):
        raise BadInput("back before it was sent", field="back_at")
    closed = dict(step)
    for key in _CLOSE_KEYS:
        value = new.get(key)
        closed[key] = value if not isinstance(value, str) else value[:MAX_NOTE]
    if closed["result"] != StepResult.DONE.value and not str(closed.get("result_note") or "").strip():
        raise BadInput("a refusal or a request for papers needs its reason", field="result_note")
    return closed
