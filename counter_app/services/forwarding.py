"""Forwarding dossiers to the bodies that decide them and taking their results back (liên thông).

Every hand-over is a step in the dossier's `handovers` list (rules in `domain.forwarding`), written
with its event and sync op in one transaction: the server keeps the chain with the dossier, and
form 06 prints it. The dossier's status follows the chain: forwarded → "processing"; back with
the result → "done"; back with a request for papers → "need_supplement" (once); refused →
"refused".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from counter_app.config import Settings
from counter_app.domain import dossier as rules
from counter_app.domain import forwarding
from counter_app.errors import BadInput, InvalidTransition
from counter_app.services.calendar import get_calendar
from counter_app.services.clock import iso, legal_now
from counter_app.services.dossiers import _find, _wire, dossier_to_dict
from counter_app.store.db import Store, record
from counter_app.store.models import Dossier, Procedure

_STATUS_OF_RESULT = {
    forwarding.StepResult.DONE: rules.Status.DONE,
    forwarding.StepResult.NEED_SUPPLEMENT: rules.Status.NEED_SUPPLEMENT,
    forwarding.StepResult.REFUSED: rules.Status.REFUSED,
}


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def forward(
    store: Store,
    settings: Settings,
    code: str,
    *,
    to_body: str,
    kind: str,
    actor: str,
    receiver: str = "",
    due: dt.datetime | None = None,
    note: str = "",
    to_center: str = "",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Hand a received dossier to `to_body`; the dossier becomes "processing"."""
    cal = get_calendar(settings)
    with store.write() as session:
        d = _find(session, code)
        require_own(d, settings)
        moment = legal_now(session, settings.tz, now=now)
        plan = forwarding.plan_forward(
            cal,
            status=d.status,
            steps=list(d.handovers or []),
            received_at=dt.datetime.fromisoformat(d.received_at),
            appointment_at=_parse(d.appointment_at),
            to_body=to_body,
            kind=kind,
            now=moment,
            actor=actor,
            receiver=receiver,
            due=due,
            note=note,
            to_center=to_center,
        )
        if to_center and to_center == d.center_code:
            raise BadInput(
                "đây là trung tâm của hồ sơ, chọn cơ quan khác / that is this dossier's own center",
                field="to_center",
            )
        before = d.status
        if d.status == rules.Status.RECEIVED.value:
            d.status = rules.check_transition(d.status, rules.Status.PROCESSING.value).value
        return _save(
            session,
            d,
            [*d.handovers, plan.step],
            "forwarded",
            actor,
            iso(moment),
            before,
            plan.step,
        )


def take_back(
    store: Store,
    settings: Settings,
    code: str,
    *,
    result: str,
    actor: str,
    giver: str = "",
    note: str = "",
    next_body: str = "",
    next_kind: str = forwarding.BodyKind.COMMUNE.value,
    next_due: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Record what came back from the body holding the dossier.

    `passed_on` closes the step and opens the next one to `next_body` (the body sent it on);
    a withdrawal is recorded with `dossier set-status … withdrawn`, which closes the step."""
    if result == forwarding.StepResult.STOPPED.value:
        raise BadInput(
            "dừng giải quyết theo đề nghị người nộp: dùng 'Dừng giải quyết' (mẫu 05) / a stop is "
            "recorded as a withdrawal (form 05)",
            field="result",
        )
    cal = get_calendar(settings)
    with store.write() as session:
        d = _find(session, code)
        moment = legal_now(session, settings.tz, now=now)
        steps = list(d.handovers or [])
        routed_here = d.center_code != settings.center_code
        if routed_here:
            step = forwarding.open_step(steps) or {}
            if step.get("to_center") != settings.center_code:
                require_own(d, settings)
            if result not in forwarding.REMOTE_RESULTS:
                raise BadInput(
                    "hồ sơ của trung tâm khác chỉ trả về với kết quả, yêu cầu bổ sung hoặc từ "
                    "chối / a dossier routed here goes back with its result, a request for "
                    "papers or a refusal",
                    field="result",
                )
        closed = forwarding.close_step(
            cal, steps, result=result, now=moment, actor=actor, giver=giver, note=note
        )
        steps[closed["seq"] - 1] = closed
        before = d.status
        outcome = forwarding.StepResult(closed["result"])
        target = _STATUS_OF_RESULT.get(outcome)
        if target is not None:
            rules.check_transition(d.status, target.value, supplement_count=d.supplement_count)
            d.status = target.value
            if target is rules.Status.DONE:
                d.result_at = iso(moment)
            if target in (rules.Status.NEED_SUPPLEMENT, rules.Status.REFUSED):
                d.reason = closed["result_note"]
            if target is rules.Status.NEED_SUPPLEMENT:
                d.supplement_count += 1
        if outcome is forwarding.StepResult.PASSED_ON:
            if not next_body.strip():
                raise BadInput(
                    "chuyển tiếp cần tên cơ quan nhận tiếp / passing on needs the next body",
                    field="next_body",
                )
            nxt = forwarding.plan_forward(
                cal,
                status=d.status,
                steps=steps,
                received_at=dt.datetime.fromisoformat(d.received_at),
                appointment_at=_parse(d.appointment_at),
                to_body=next_body,
                kind=next_kind,
                now=moment,
                actor=actor,
                due=next_due,
                from_body=closed["to_body"],
            ).step
            steps.append(nxt)
        return _save(session, d, steps, "handed_back", actor, iso(moment), before, closed)


def require_own(d: Dossier, settings: Settings) -> None:
    """Only the center that received a dossier changes it; a center it is routed to only hands
    back the step addressed to it (`take_back`)."""
    if d.center_code != settings.center_code:
        raise InvalidTransition(
            f"hồ sơ của trung tâm {d.center_code}: chỉ ghi nhận kết quả trả về / a dossier of "
            "another center: only its result can be handed back here",
            field="center_code",
        )


def close_on_withdrawal(d: Dossier, *, actor: str, moment: dt.datetime, settings: Settings) -> None:
    """A withdrawn dossier leaves the body that holds it: its step closes as "stopped"."""
    steps = list(d.handovers or [])
    if forwarding.open_step(steps) is None:
        return
    closed = forwarding.close_step(
        get_calendar(settings),
        steps,
        result=forwarding.StepResult.STOPPED.value,
        now=moment,
        actor=actor,
        note="Người nộp đề nghị dừng giải quyết",
    )
    steps[closed["seq"] - 1] = closed
    d.handovers = steps


def refuse_while_held(d: Dossier, target: rules.Status) -> None:
    """A result, refusal or supplementation request for a dossier a body holds comes back
    through that body (`take_back`), so the chain on form 06 is never left open."""
    step = forwarding.open_step(list(d.handovers or []))
    if step is not None and target in _STATUS_OF_RESULT.values():
        raise InvalidTransition(
            f"hồ sơ đang ở {step['to_body']}: ghi nhận kết quả trả về (dossier handback) / the "
            "dossier is with a body: record what came back (dossier handback)",
            field="status",
        )


def _save(
    session: Any,
    d: Dossier,
    steps: list[dict[str, Any]],
    action: str,
    actor: str,
    stamp: str,
    before: str,
    step: dict[str, Any],
) -> dict[str, Any]:
    base = d.version
    d.handovers = steps
    d.version += 1
    d.updated_at = stamp
    session.add(d)
    summary = {
        k: step.get(k)
        for k in (
            "seq",
            "to_body",
            "to_kind",
            "to_center",
            "due_at",
            "result",
            "timing",
            "send_timing",
        )
    }
    record(
        session,
        entity="dossier",
        entity_id=d.id,
        action=action,
        actor=actor,
        at=stamp,
        data={"from": before, "to": d.status, "step": summary},
        payload={"dossier": _wire(d), "from": before, "to": d.status},
        base_version=base,
    )
    return dossier_to_dict(session, d)


def attention(
    store: Store, settings: Settings, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """For the supervisor: steps past their due time, and received dossiers not yet forwarded
    after their send deadline (same-day procedures excepted: they are resolved at the center)."""
    cal = get_calendar(settings)
    with store.read() as session:
        moment = legal_now(session, settings.tz, now=now)
        rows = session.exec(
            select(Dossier).where(
                Dossier.center_code == settings.center_code,
                Dossier.status.in_(  # type: ignore[attr-defined]
                    [
                        rules.Status.RECEIVED.value,
                        rules.Status.PROCESSING.value,
                        rules.Status.EXTENDED.value,
                    ]
                ),
            )
        ).all()
        same_day = set(
            session.exec(
                select(Procedure.code).where(Procedure.processing_unit == "same_day")
            ).all()
        )
    late_steps, unsent = [], []
    for d in rows:
        step = forwarding.overdue(list(d.handovers or []), moment)
        if step is not None:
            late_steps.append(
                {
                    "code": d.code,
                    "procedure_name": d.procedure_name,
                    "to_body": step["to_body"],
                    "sent_at": step["sent_at"],
                    "due_at": step["due_at"],
                    "late_days": cal.working_days_between(_parse(step["due_at"]), moment),
                }
            )
        elif (
            not d.handovers
            and d.status == rules.Status.RECEIVED.value
            and d.procedure_code not in same_day
        ):
            deadline = forwarding.send_deadline(cal, dt.datetime.fromisoformat(d.received_at))
            if deadline < moment:
                unsent.append(
                    {
                        "code": d.code,
                        "procedure_name": d.procedure_name,
                        "received_at": d.received_at,
                        "send_deadline": deadline.isoformat(),
                    }
                )
    late_steps.sort(key=lambda r: r["due_at"])
    with store.read() as session:
        foreign = session.exec(
            select(Dossier).where(
                Dossier.center_code != settings.center_code,
                Dossier.status.in_(  # type: ignore[attr-defined]
                    [rules.Status.PROCESSING.value, rules.Status.EXTENDED.value]
                ),
            )
        ).all()
    routed_here = []
    for d in foreign:
        step = forwarding.open_step(list(d.handovers or []))
        if step is not None and step.get("to_center") == settings.center_code:
            routed_here.append(
                {
                    "code": d.code,
                    "procedure_name": d.procedure_name,
                    "from_center": d.center_code,
                    "to_body": step["to_body"],
                    "sent_at": step["sent_at"],
                    "due_at": step["due_at"],
                    "overdue": _parse(step["due_at"]) < moment,
                }
            )
    routed_here.sort(key=lambda r: r["due_at"])
    unsent.sort(key=lambda r: r["received_at"])
    return {"overdue_steps": late_steps, "not_forwarded": unsent, "routed_here": routed_here}
