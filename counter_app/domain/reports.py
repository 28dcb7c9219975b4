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

GROUPS = ("procedure", "field", "officer", "counter", "day")
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


@dataclass
class Figures:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, row: ReportRow, now: dt.datetime) -> None:
        c = self.counts
        c["entered"] += 1
        if row.status == "refused":
            c["refused"] += 1
        if row.status == "withdrawn":
            c["withdrawn"] += 1
        if row.supplement_count > 0:
            c["supplement_requested"] += 1
        if row.appointment_at is None:
            return
        c["received"] += 1
        c["components"] += row.components
        c["components_scanned"] += row.components_scanned
        if row.result_at is not None and row.status in ("done", "returned"):
            c["resolved"] += 1
            if row.result_at > row.appointment_at:
                c["late"] += 1
            elif row.result_at.date() < row.appointment_at.date():
                c["early"] += 1
            else:
                c["on_time"] += 1
        elif row.status not in ("withdrawn", "refused", "done", "returned"):
            c["open"] += 1
            if now > row.appointment_at:
                c["overdue"] += 1

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


def _key(row: ReportRow, by: str) -> str:
    if by == "day":
        return row.entered_on.isoformat()
    return str(getattr(row, by) or "—")


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
            groups.setdefault(_key(row, by), Figures()).add(row, now)
    return {
        "total": total.as_dict(),
        "groups": [{"key": k, **groups[k].as_dict()} for k in sorted(groups)],
    }
