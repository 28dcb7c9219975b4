"""Dossier figures over a period, as a center is judged on them (issue 18; Decision 766/QĐ-TTg's
"tiến độ giải quyết" and "số hóa hồ sơ"). Pure: rows in, figures out.

Definitions (each dossier counts in the period of its local date of entry at the counter):

- **entered**: every dossier the counter recorded (received, sent back for supplementation at the
  counter, refused).
- **received**: a receipt with an appointment was issued (`appointment_at` set).
- **refused**: refused at the counter or by the deciding body. **withdrawn**: stopped at the
  applicant's request (form 05). **supplement_requested**: supplementation asked at least once.
- **early**: the result was ready (status "done", `result_at`) on a day before the appointment's
  day; **on_time**: ready later that day but not after the appointment; **late**: after it.
- **resolved** = early + on_time + late. **on_time_rate** = (early + on_time) / resolved (None
  when nothing is resolved yet).
- **open**: received, no result yet, not withdrawn nor refused; **overdue**: open and past its
  appointment at `now`.
- **digitization**: components handed over (an original or a copy) with the dossiers received,
  and how many of them have a stored scan; **digitization_rate** = scanned / handed over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

GROUPS = ("procedure", "field", "officer", "counter", "channel", "day", "center")  # center: across centers
FIGURES = (
    "entered",
    "received",
    "refused",
    "withdrawn",
    "supplement_requested",
    "early",
    "on_time",
    "late",
    "resolved",
    "open",
    "overdue",
    "components",
    "components_scanned",
)


@dataclass(frozen=True)
class ReportRow:
    """What the figures need of one dossier (times are aware datetimes, already local)."""

    status: str
    entered_on: dt.date
    appointment_at: dt.datetime | None
    result_at: dt.datetime | None
    supplement_count: int
    procedure: str  # "code name"
    field: str
    officer: str
    counter: str
    components: int  # handed over (original or copy)
    components_scanned: int
    id: str = ""  # the dossier's id (drill-down from a figure to its dossiers)
    center: str = ""  # the center's code (a province's report across centers)
    channel: str = "counter"  # how it was filed (domain.dossier.CHANNELS)


def counted_in(row: ReportRow, now: dt.datetime) -> set[str]:
    """The dossier figures (`FIGURES` but the component counts) this dossier counts in at `now`:
    the one rule behind the report and its drill-down."""
    out = {"entered"}
    if row.status == "refused":
        out.add("refused")
    if row.status == "withdrawn":
        out.add("withdrawn")
    if row.supplement_count > 0:
        out.add("supplement_requested")
    if row.appointment_at is None:
        return out
    out.add("received")
    timely = timeliness(row)
    if timely is not None:
        out.update(("resolved", timely))
    elif row.status not in CLOSED:
        out.add("open")
        if now > row.appointment_at:
            out.add("overdue")
    return out


CLOSED = ("withdrawn", "refused", "done", "returned")  # no longer open, whatever the appointment
RESULT_READY = ("done", "returned")


def timeliness(row: ReportRow) -> str | None:
    """"early", "on_time" or "late" for a dossier whose result is ready; None otherwise."""
    if row.appointment_at is None or row.result_at is None or row.status not in RESULT_READY:
        return None
    if row.result_at > row.appointment_at:
        return "late"
    if row.result_at.date() < row.appointment_at.date():
        return "early"
    return "on_time"


def group_name(by: str | None, key: Any, lang: str = "vi") -> str:
    """A report line's name as people read it: a channel by its wording, other keys as they
    are (a procedure already reads "code name", an officer by user name, a day as yyyy-mm-dd)."""
    if by == "channel":
        from counter_app.domain.dossier import channel_label

        return channel_label(str(key), lang)
    return str(key)


def group_key(row: ReportRow, by: str | None) -> str | None:
    """The line of the report `row` is counted on (None: the total only)."""
    if by is None:
        return None
    if by == "day":
        return row.entered_on.isoformat()
    return str(getattr(row, by) or "—")


@dataclass
class Figures:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, row: ReportRow, now: dt.datetime) -> None:
        c = self.counts
        for name in counted_in(row, now):
            c[name] += 1
        if row.appointment_at is not None:
            c["components"] += row.components
            c["components_scanned"] += row.components_scanned

    def as_dict(self) -> dict[str, Any]:
        c = self.counts
        out: dict[str, Any] = dict(c)
        resolved = c["resolved"]
        out["on_time_rate"] = (
            round((c["early"] + c["on_time"]) / resolved, 4) if resolved else None
        )
        out["digitization_rate"] = (
            round(c["components_scanned"] / c["components"], 4) if c["components"] else None
        )
        return out


# the keys of a dossier record (the counter's row, or the synced copy the server keeps) that
# `report_row` reads
RECORD_KEYS = (
    "id", "status", "received_at", "appointment_at", "result_at", "supplement_count",
    "procedure_code", "procedure_name", "officer", "counter_code", "components", "center_code",
    "channel",
)


def local_time(value: Any, tz: dt.tzinfo) -> dt.datetime | None:
    """An ISO time of a record in the center's time zone (naive = already local); None if absent
    or unreadable."""
    if not value:
        return None
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return at.astimezone(tz) if at.tzinfo else at.replace(tzinfo=tz)


def handed_over(components: Any) -> set[int]:
    """The component indexes handed over with a dossier (an original or a copy)."""
    out = set()
    for c in components or []:
        try:
            if int(c.get("original") or 0) > 0 or int(c.get("copy") or 0) > 0:
                out.add(int(c["index"]))
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
    return out


def report_row(
    record: dict[str, Any], *, tz: dt.tzinfo, field: str, scanned: set[int]
) -> ReportRow | None:
    """One dossier record as the figures need it (None without a readable time of entry)."""
    entered = local_time(record.get("received_at"), tz)
    if entered is None:
        return None
    handed = handed_over(record.get("components"))
    return ReportRow(
        status=str(record.get("status") or ""),
        entered_on=entered.date(),
        appointment_at=local_time(record.get("appointment_at"), tz),
        result_at=local_time(record.get("result_at"), tz),
        supplement_count=int(record.get("supplement_count") or 0),
        procedure=f"{record.get('procedure_code') or ''} {record.get('procedure_name') or ''}",
        field=field,
        officer=str(record.get("officer") or ""),
        counter=str(record.get("counter_code") or ""),
        components=len(handed),
        components_scanned=len(handed & scanned),
        id=str(record.get("id") or ""),
        center=str(record.get("center_code") or ""),
        channel=str(record.get("channel") or "counter"),
    )


def utc_text(at: dt.datetime | None) -> str | None:
    """An aware time as UTC text that sorts as the time does (for a store comparing in SQL)."""
    return None if at is None else at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def summed_fields(record: dict[str, Any], *, tz: dt.tzinfo, scanned: set[int]) -> dict[str, Any]:
    """What the figures of one dossier are summed from, each a plain value a database can add up
    (the server keeps them as columns and runs the report as one GROUP BY): the day of entry,
    the grouping fields, the appointment in UTC (overdue is decided at report time), the
    timeliness and the component counts. All None / 0 without a readable time of entry (such a
    dossier is in no period, as `report_row` drops it)."""
    row = report_row(record, tz=tz, field="", scanned=scanned)
    if row is None:
        return {"received_day": None, "counter_code": None, "procedure_name": None,
                "channel": None, "appointment_utc": None, "timeliness": None, "supplement_count": 0,
                "components": 0, "components_scanned": 0}
    return {
        "received_day": row.entered_on.isoformat(),
        "counter_code": row.counter or None,
        "procedure_name": str(record.get("procedure_name") or "") or None,
        "channel": row.channel,
        "appointment_utc": utc_text(row.appointment_at),
        "timeliness": timeliness(row),
        "supplement_count": row.supplement_count,
        "components": row.components,
        "components_scanned": row.components_scanned,
    }


def dossier_report(
    rows: Iterable[ReportRow], *, now: dt.datetime, by: str | None = None
) -> dict[str, Any]:
    """`{"total": figures, "groups": [{"key", **figures}, …]}` (groups sorted by key; none
    without `by`)."""
    if by is not None and by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)}")
    total = Figures()
    groups: dict[str, Figures] = {}
    for row in rows:
        total.add(row, now)
        if by is not None:
            groups.setdefault(group_key(row, by) or "", Figures()).add(row, now)
    return {
        "total": total.as_dict(),
        "groups": [{"key": k, **groups[k].as_dict()} for k in sorted(groups)],
    }


# --- queue -------------------------------------------------------------------------------------

QUEUE_GROUPS = ("service", "counter", "officer", "hour", "day", "center")


@dataclass(frozen=True)
class TicketRow:
    """What the queue figures need of one ticket (aware local datetimes)."""

    state: str
    service: str
    day: dt.date
    counter: str
    officer: str
    priority: bool
    issued_at: dt.datetime
    called_at: dt.datetime | None
    serving_at: dt.datetime | None
    finished_at: dt.datetime | None
    center: str = ""


TICKET_KEYS = (
    "state", "service", "service_day", "counter_code", "officer", "priority", "issued_at",
    "called_at", "serving_at", "finished_at", "center_code",
)


def ticket_row(values: Any, tz: dt.tzinfo) -> TicketRow | None:
    """The figures row of a ticket record (a mapping with `TICKET_KEYS`, as the counter's and the
    server's ticket tables both hold them); None when its day or issue time cannot be read."""
    issued_at = local_time(values["issued_at"], tz)
    try:
        day = dt.date.fromisoformat(str(values["service_day"]))
    except ValueError:
        return None
    if issued_at is None:
        return None
    return TicketRow(
        state=str(values["state"]), service=str(values["service"] or ""), day=day,
        counter=str(values["counter_code"] or ""), officer=str(values["officer"] or ""),
        priority=bool(values["priority"]), issued_at=issued_at,
        called_at=local_time(values["called_at"], tz),
        serving_at=local_time(values["serving_at"], tz),
        finished_at=local_time(values["finished_at"], tz),
        center=str(values.get("center_code") or ""),
    )


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100), at least 1
    return ordered[int(rank) - 1]


@dataclass
class QueueFigures:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("issued", "priority", "served", "absent", "transferred", "cancelled", "not_served"), 0))
    waits: list[float] = field(default_factory=list)  # minutes from issue to the first call
    services: list[float] = field(default_factory=list)  # minutes at the counter, served ones

    def add(self, row: TicketRow) -> None:
        c = self.counts
        c["issued"] += 1
        c["priority"] += int(row.priority)
        state = {"done": "served", "no_show": "absent"}.get(row.state, row.state)
        if state in ("served", "absent", "transferred", "cancelled"):
            c[state] += 1
        else:
            c["not_served"] += 1  # still waiting, called or at the counter when the day ended
        if row.called_at is not None:
            self.waits.append((row.called_at - row.issued_at).total_seconds() / 60)
        if row.state == "done" and row.finished_at is not None:
            began = row.serving_at or row.called_at
            if began is not None:
                self.services.append((row.finished_at - began).total_seconds() / 60)

    def as_dict(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 1)

        return {
            **self.counts,
            "wait_median_min": r(percentile(self.waits, 50)),
            "wait_p90_min": r(percentile(self.waits, 90)),
            "service_median_min": r(percentile(self.services, 50)),
            "service_p90_min": r(percentile(self.services, 90)),
        }


def _queue_key(row: TicketRow, by: str) -> str:
    if by == "day":
        return row.day.isoformat()
    if by == "hour":
        return f"{row.issued_at.hour:02d}:00"
    return str(getattr(row, by) or "—")


def queue_report(rows: Iterable[TicketRow], *, by: str | None = None) -> dict[str, Any]:
    """Tickets issued, served, absent…; wait (issue → first call) and service (at the counter)
    time, median and p90, in minutes; total and by service group, counter, officer, hour of
    issue or day."""
    if by is not None and by not in QUEUE_GROUPS:
        raise ValueError(f"by must be one of {', '.join(QUEUE_GROUPS)}")
    total = QueueFigures()
    groups: dict[str, QueueFigures] = {}
    for row in rows:
        total.add(row)
        if by is not None:
            groups.setdefault(_queue_key(row, by), QueueFigures()).add(row)
    return {
        "total": total.as_dict(),
        "groups": [{"key": k, **groups[k].as_dict()} for k in sorted(groups)],
    }


def daily_series(
    groups: Iterable[dict[str, Any]], start: dt.date, end: dt.date, figure: str
) -> list[float | None]:
    """One value of `figure` per day of `start`..`end` from a report grouped by day (None on a
    day without data: no dossier, no ticket, no rating)."""
    by_day = {str(g.get("key")): g.get(figure) for g in groups}
    days = (end - start).days + 1
    return [by_day.get((start + dt.timedelta(days=i)).isoformat()) for i in range(days)]
