"""Periods of reports and books: a day typed as officers write it, the named periods a supervisor
asks for ("tháng trước", "quý 3", "this week"…), and the bounds every period keeps (1 to 366 days).
Pure: the counter's services and the server's API both read periods through this module."""

from __future__ import annotations

import datetime as dt
import re

from counter_app.domain.text import fold

MAX_PERIOD_DAYS = 366

_DAY_RE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_NUMBERED = re.compile(r"^(thang|month|quy|quarter|q)\s*(\d{1,2}|i{1,3}|iv)(?:\s*[/-]?\s*(\d{4}))?$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

PRESET_WORDS = (
    "hôm nay", "hôm qua", "tuần này", "tuần trước", "tháng này", "tháng trước", "quý này",
    "quý trước", "năm nay", "năm trước", "tháng 1–12[/năm]", "quý 1–4[/năm]",
)


class PeriodError(ValueError):
    """A day or a period that cannot be read or kept; `field` names the input ("from", "to")."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def parse_day(text: str, *, field: str = "date") -> dt.date:
    """dd/mm/yyyy (as officers write dates) or YYYY-MM-DD."""
    raw = (text or "").strip()
    try:
        if m := _DAY_RE.match(raw):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _ISO_RE.match(raw):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    raise PeriodError(
        f"ngày không hợp lệ '{raw[:20]}' (dd/mm/yyyy) / bad date (dd/mm/yyyy or YYYY-MM-DD)", field
    )


def check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise PeriodError("ngày kết thúc trước ngày bắt đầu / the period ends before it starts", "to")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodError(
            f"kỳ dài quá {MAX_PERIOD_DAYS} ngày / the period is longer than {MAX_PERIOD_DAYS} days",
            "to",
        )


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _quarter(year: int, q: int) -> tuple[dt.date, dt.date]:
    return _month(year, 3 * q - 2)[0], _month(year, 3 * q)[1]


def preset(text: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The named period `text` around `today` (Vietnamese with or without accents, or English),
    None if `text` names none. Current periods end today; past ones are whole."""
    word = " ".join(fold(text or "").replace("this ", "this_").split())
    q_now = (today.month - 1) // 3 + 1
    monday = today - dt.timedelta(days=today.weekday())
    named = {
        ("hom nay", "today"): (today, today),
        ("hom qua", "yesterday"): (today - dt.timedelta(days=1),) * 2,
        ("tuan nay", "this_week"): (monday, today),
        ("tuan truoc", "last week"): (monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)),
        ("thang nay", "this_month"): (today.replace(day=1), today),
        ("thang truoc", "last month"): _month(*((today.year, today.month - 1) if today.month > 1
                                                else (today.year - 1, 12))),
        ("quy nay", "this_quarter"): (_quarter(today.year, q_now)[0], today),
        ("quy truoc", "last quarter"): _quarter(*((today.year, q_now - 1) if q_now > 1
                                                  else (today.year - 1, 4))),
        ("nam nay", "this_year"): (dt.date(today.year, 1, 1), today),
        ("nam truoc", "last year"): (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
    }
    for names, period in named.items():
        if word in names:
            return period[0], period[1]
    m = _NUMBERED.match(word)
    if not m:
        return None
    kind, number, year_text = m.groups()
    n = _ROMAN.get(number) or (int(number) if number.isdigit() else 0)
    year = int(year_text) if year_text else today.year
    if kind in ("thang", "month") and 1 <= n <= 12:
        return _month(year, n)
    if kind in ("quy", "quarter", "q") and 1 <= n <= 4:
        return _quarter(year, n)
    return None


def parse_period(start: str, end: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """A period as typed: a named period in `start` (then `end` is not read), or two days."""
    named = preset(start, today)
    if named is not None:
        return named
    period = parse_day(start, field="from"), parse_day(end or "", field="to")
    check_period(*period)
    return period
