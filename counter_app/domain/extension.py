"""Extension of a late dossier (apology + new date, form 04): the rules the new date and the
moment of the apology must satisfy (docs/DOMAIN.md §0.6, §8.4).

- the new date is after the current appointment, in the future, on a working day;
- the apology is sent at the latest one working day before the appointment ("chậm nhất 01 ngày
  trước ngày hết hạn"): issued later, the reason why is recorded — the extension is still
  possible, the citizen must not lose the dossier for the body's own delay;
- the date is reset once only (checked by `dossier.check_transition`).

Pure: the caller passes the calendar and the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from counter_app.domain.calendar import WorkCalendar
from counter_app.errors import BadInput, InvalidTransition

MAX_LATE_REASON = 500


@dataclass(frozen=True)
class ExtensionCheck:
    new_due: dt.datetime  # in the calendar's zone
    apology_deadline: dt.date  # the last day the apology is on time
    issued_late: bool
    late_reason: str


def apology_deadline(cal: WorkCalendar, due: dt.datetime) -> dt.date:
    """The last working day before the day of the appointment."""
    return cal.add_working_days(cal.localize(due).date(), -1)


def check_extension(
    cal: WorkCalendar,
    *,
    current_due: dt.datetime,
    new_due: dt.datetime,
    now: dt.datetime,
    late_reason: str = "",
) -> ExtensionCheck:
    """Validate an extension; raises BadInput / InvalidTransition with the rule it breaks."""
    due = cal.localize(current_due)
    new = cal.localize(new_due).replace(microsecond=0)
    moment = cal.localize(now)
    if new <= due:
        raise InvalidTransition(
            f"ngày hẹn mới ({new:%H:%M %d/%m/%Y}) phải sau ngày hẹn hiện tại "
            f"({due:%H:%M %d/%m/%Y}) / the new date must be after the current appointment",
            field="new_due",
        )
    if new <= moment:
        raise InvalidTransition(
            f"ngày hẹn mới ({new:%H:%M %d/%m/%Y}) đã qua / the new date is in the past",
            field="new_due",
        )
    if not cal.is_working_day(new.date()):
        raise BadInput(
            f"ngày hẹn mới {new:%d/%m/%Y} không phải ngày làm việc / the new date is not a "
            "working day",
            field="new_due",
        )
    deadline = apology_deadline(cal, due)
    late = moment.date() > deadline
    reason = " ".join(late_reason.split())
    if len(reason) > MAX_LATE_REASON:
        raise BadInput(
            f"lý do quá dài (tối đa {MAX_LATE_REASON} ký tự) / reason too long",
            field="late_reason",
        )
    if late and not reason:
        raise InvalidTransition(
            f"văn bản xin lỗi phải gửi chậm nhất ngày {deadline:%d/%m/%Y} (01 ngày làm việc trước "
            f"ngày hẹn {due:%d/%m/%Y}); nay gửi muộn: ghi lý do gửi muộn / the apology is due one "
            "working day before the appointment: record why it is late",
            field="late_reason",
        )
    return ExtensionCheck(
        new_due=new, apology_deadline=deadline, issued_late=late, late_reason=reason if late else ""
    )
