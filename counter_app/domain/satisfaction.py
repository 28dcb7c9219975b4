"""Citizens' satisfaction with the service at the counter (issue 18 §3; Circular 03/2025: the
commune center "theo dõi, đánh giá mức độ hài lòng").

A rating belongs to one finished queue ticket (one rating per ticket), and through it to the
officer, the counter and the dossiers received for that ticket. Three levels, plus optional
reasons from a fixed list (asked when the citizen is not satisfied). Pure rules and figures: the
store, the rating terminal and the reports build on these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

LEVELS = ("very_satisfied", "satisfied", "unsatisfied")
LEVEL_LABELS = {
    "very_satisfied": ("Rất hài lòng", "Very satisfied"),
    "satisfied": ("Hài lòng", "Satisfied"),
    "unsatisfied": ("Không hài lòng", "Not satisfied"),
}
# what a citizen who is not satisfied may tick (several allowed, none required)
REASONS = (
    ("wait", "Thời gian chờ lâu", "Waited too long"),
    ("attitude", "Thái độ cán bộ chưa tốt", "The officer was not courteous"),
    ("guidance", "Hướng dẫn chưa rõ ràng, đầy đủ", "The guidance was unclear or incomplete"),
    ("extra_papers", "Yêu cầu giấy tờ ngoài quy định", "Papers not required by law were asked for"),
    ("slow", "Tiếp nhận, xử lý chậm", "Receiving or processing was slow"),
    ("fees", "Phí, lệ phí chưa rõ ràng", "Fees were not made clear"),
    ("facilities", "Cơ sở vật chất chưa đáp ứng", "Facilities were inadequate"),
)
REASON_CODES = tuple(code for code, _vi, _en in REASONS)
OFFER_MINUTES = 10  # a finished ticket can be rated for this long (then the terminal goes idle)
GROUPS = ("officer", "procedure", "counter", "service", "day", "center")
NO_DOSSIER = "—"  # the key of ratings of tickets that filed no dossier (advice, lookup…)


# the ticket column that gives a grouping's tickets served (a procedure is not on the ticket)
SERVED_COLUMN = {"officer": "officer", "counter": "counter_code", "center": "center_code",
                 "service": "service", "day": "service_day"}


def served_counts(rows: Iterable[tuple[Any, int]], by: str | None) -> tuple[int, dict[str, int]]:
    """Tickets served: the total and, for a grouping the tickets carry, per key, from
    `(SERVED_COLUMN[by] value, count)` rows (`service` rows when the grouping has no column)."""
    total = 0
    per: dict[str, int] = {}
    for key, n in rows:
        total += n
        if by in SERVED_COLUMN:
            name = str(key or NO_DOSSIER)
            per[name] = per.get(name, 0) + n
    return total, per


class RatingError(ValueError):
    """A rating that cannot be kept as given."""


def level_label(level: str, lang: str = "vi") -> str:
    vi, en = LEVEL_LABELS.get(level, (level, level))
    return en if lang == "en" else vi


def reason_label(code: str, lang: str = "vi") -> str:
    for c, vi, en in REASONS:
        if c == code:
            return en if lang == "en" else vi
    return code


def check_rating(level: str, reasons: Iterable[str]) -> tuple[str, list[str]]:
    """The level and reasons as stored (reasons deduplicated, in the list's order)."""
    if level not in LEVELS:
        raise RatingError(f"mức đánh giá không hợp lệ / unknown level {level!r}")
    given = list(reasons)
    unknown = [r for r in given if r not in REASON_CODES]
    if unknown:
        raise RatingError(f"lý do không có trong danh sách / unknown reason {unknown[0]!r}")
    return level, [code for code in REASON_CODES if code in given]


def offer_open(finished_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a ticket finished at `finished_at` may still be rated at `now`."""
    return dt.timedelta(0) <= now - finished_at <= dt.timedelta(minutes=OFFER_MINUTES) or (
        now < finished_at <= now + dt.timedelta(minutes=1)  # another PC's clock slightly ahead
    )


@dataclass(frozen=True)
class RatingRow:
    """What the figures need of one rating."""

    level: str
    reasons: tuple[str, ...]
    officer: str
    counter: str
    service: str
    day: dt.date
    procedures: tuple[str, ...] = ()
    center: str = ""


def rating_row(values: Any) -> RatingRow | None:
    """The figures row of a stored rating (a mapping with level, reasons, officer, counter_code,
    service, service_day, procedure_codes — the counter's and the server's records alike)."""
    try:
        day = dt.date.fromisoformat(str(values["service_day"]))
    except (KeyError, ValueError):
        return None
    if values.get("level") not in LEVELS:
        return None
    return RatingRow(
        level=str(values["level"]),
        reasons=tuple(r for r in values.get("reasons") or () if r in REASON_CODES),
        officer=str(values.get("officer") or ""),
        counter=str(values.get("counter_code") or ""),
        service=str(values.get("service") or ""),
        day=day,
        procedures=tuple(str(p) for p in values.get("procedure_codes") or ()),
        center=str(values.get("center_code") or ""),
    )


@dataclass
class SatisfactionFigures:
    rated: int = 0
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    reasons: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASON_CODES, 0))
    served: int | None = None  # tickets served in the group, when known: the rated share

    def add(self, row: RatingRow) -> None:
        self.rated += 1
        self.levels[row.level] = self.levels.get(row.level, 0) + 1
        for r in row.reasons:
            self.reasons[r] = self.reasons.get(r, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        happy = self.levels["very_satisfied"] + self.levels["satisfied"]
        return {
            "rated": self.rated,
            **self.levels,
            "satisfaction_rate": round(happy / self.rated, 4) if self.rated else None,
            "reasons": dict(self.reasons),
            "served": self.served,
            "rated_share": (
                round(min(self.rated, self.served) / self.served, 4) if self.served else None
            ),
        }


def _keys(row: RatingRow, by: str) -> tuple[str, ...]:
    if by == "day":
        return (row.day.isoformat(),)
    if by == "procedure":
        return row.procedures or (NO_DOSSIER,)  # a ticket with two procedures counts in both
    return (str(getattr(row, by) or NO_DOSSIER),)


def satisfaction_report(
    rows: Iterable[RatingRow],
    *,
    by: str | None = None,
    served: dict[str, int] | None = None,
    served_total: int | None = None,
) -> dict[str, Any]:
    """Ratings by level, satisfaction rate ((very satisfied + satisfied) / rated), reasons
    counted, and — when the tickets served are given (total and per group key) — the share of
    served tickets that were rated."""
    if by is not None and by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)}")
    total = SatisfactionFigures(served=served_total)
    groups: dict[str, SatisfactionFigures] = {}
    for row in rows:
        total.add(row)
        if by is None:
            continue
        for key in _keys(row, by):
            groups.setdefault(key, SatisfactionFigures()).add(row)
    if by is not None and served:
        for key, n in served.items():
            groups.setdefault(key, SatisfactionFigures()).served = n
    return {
        "total": total.as_dict(),
        "groups": [{"key": k, **groups[k].as_dict()} for k in sorted(groups)],
    }
