"""The legal working-day calendar and the appointment rules (docs/DOMAIN.md §0.1–0.3, §4, §8.5).

Pure: no file or network I/O. The statutory days of a year come from the `holidays` package
(imported lazily, cached per year); official notices (shipped asset rows and notices imported by an
admin, parsed here from already-read JSON objects) and provincial overrides are passed in.

Layering, lowest to highest priority, decided per *year*:

1. computed rows (``holidays`` for VN: Tết, Hùng Kings, 30/4, 1/5, 2/9 + adjacent day, 24/11 from
   2026, substitute days, known swaps) — used only for a year no official notice covers, and then
   every row is **provisional**;
2. official notices: a notice declares the years it covers and lists *every* day off (and every
   make-up Saturday) of those years; for a covered year the computed rows are dropped. Several
   notices for one year are merged in order, a later row winning on the same date (kind
   ``worked`` on a weekday cancels an earlier day off);
3. provincial overrides (configuration), which win over everything.

Kinds: ``holiday`` (statutory holiday), ``substitute`` (day off in place of a holiday that fell on
the weekly rest day), ``off`` (other day off, e.g. a swapped weekday), ``worked`` (a day worked,
e.g. a make-up Saturday). ``worked`` is a working day; the other three are not. A date without a
row is a working day when its ISO weekday is one of the working weekdays.

Times: every datetime is aware and expressed in the calendar's zone (Asia/Ho_Chi_Minh by default);
naive input means that zone. Working time is half-open: a period 07:00–11:30 contains 07:00:00 and
11:29:59 but not 11:30:00. The cut-off reads as the rule is written, "tiếp nhận sau 15 giờ": a
dossier counted as received at 15:00:00 (cut-off 15:00) is *not* after it and is due the same day;
15:00:01 is after it (times are compared to the second).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from counter_app.errors import BadInput

DayKind = Literal["holiday", "substitute", "off", "worked"]
KINDS: tuple[str, ...] = ("holiday", "substitute", "off", "worked")
NON_WORKING_KINDS = frozenset({"holiday", "substitute", "off"})
Unit = Literal["working_days", "working_hours", "same_day"]
UNITS: tuple[str, ...] = ("working_days", "working_hours", "same_day")

NOTICE_FORMAT = "counter-app.calendar-notice"
NOTICE_FORMAT_VERSION = 1

#: Vietnam has used UTC+7 since 1975; the service passes ZoneInfo("Asia/Ho_Chi_Minh") instead.
VN_TZ = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")

_MIN_YEAR, _MAX_YEAR = 1995, 2100
_SEARCH_LIMIT_DAYS = 800  # no calendar has 800 days without a working day; guards bad data

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# --------------------------------------------------------------------------------------------
# Day rows and notices


@dataclasses.dataclass(frozen=True, slots=True)
class DayRow:
    """One dated row of the calendar."""

    date: dt.date
    kind: DayKind
    name: str
    source: str
    provisional: bool = False
    name_en: str = ""

    @property
    def working(self) -> bool:
        return self.kind == "worked"

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "name": self.name,
            "name_en": self.name_en or self.name,
            "source": self.source,
            "provisional": self.provisional,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Notice:
    """An official notice (or the shipped asset): complete day rows for the years it covers."""

    years: frozenset[int]
    rows: tuple[DayRow, ...]
    title: str = ""
    origin: str = ""  # where it was loaded from (file name), for messages only

    def rows_in_year(self, year: int) -> list[DayRow]:
        return [r for r in self.rows if r.date.year == year]


def _field_error(field: str, message_vi: str, message_en: str, origin: str = "") -> BadInput:
    where = f"{origin}: " if origin else ""
    return BadInput(f"{where}{field}: {message_vi} / {message_en}", field=field)


def parse_day_row(
    obj: Any,
    *,
    field: str = "day",
    default_source: str = "",
    provisional: bool = False,
    origin: str = "",
) -> DayRow:
    """Validate one ``{"date", "kind", "name", "name_en"?, "source"?}`` object."""
    if not isinstance(obj, Mapping):
        raise _field_error(field, "phải là một đối tượng JSON", "must be a JSON object", origin)
    allowed = {"date", "kind", "name", "name_en", "source", "provisional"}
    extra = sorted(set(obj) - allowed)
    if extra:
        raise _field_error(f"{field}.{extra[0]}", "khóa không được hỗ trợ", "unknown key", origin)
    raw_date = obj.get("date")
    if not isinstance(raw_date, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw_date):
        raise _field_error(
            f"{field}.date",
            f"ngày không hợp lệ {raw_date!r}, cần YYYY-MM-DD",
            "expected a date YYYY-MM-DD",
            origin,
        )
    try:
        date = dt.date.fromisoformat(raw_date)
    except ValueError:
        raise _field_error(
            f"{field}.date", f"ngày không tồn tại {raw_date!r}", "no such date", origin
        ) from None
    kind = obj.get("kind")
    if kind not in KINDS:
        raise _field_error(
            f"{field}.kind",
            f"loại ngày {kind!r} không hợp lệ, cần một trong {', '.join(KINDS)}",
            f"kind must be one of {', '.join(KINDS)}",
            origin,
        )
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _field_error(f"{field}.name", "thiếu tên ngày", "a name is required", origin)
    name_en = obj.get("name_en", "")
    if not isinstance(name_en, str):
        raise _field_error(f"{field}.name_en", "phải là chuỗi", "must be a string", origin)
    source = obj.get("source", default_source)
    if not isinstance(source, str) or not source.strip():
        raise _field_error(
            f"{field}.source", "thiếu văn bản căn cứ", "the source document is required", origin
        )
    if "provisional" in obj and not isinstance(obj["provisional"], bool):
        raise _field_error(
            f"{field}.provisional", "phải là true/false", "must be a boolean", origin
        )
    return DayRow(
        date=date,
        kind=kind,  # type: ignore[arg-type]
        name=name.strip(),
        source=source.strip(),
        provisional=provisional,
        name_en=name_en.strip(),
    )


def parse_notice(obj: Any, *, origin: str = "") -> Notice:
    """Validate a notice object (the JSON format documented in assets/calendar/FORMAT.md).

    Raises BadInput naming the offending field, e.g. ``days[3].kind``.
    """
    if not isinstance(obj, Mapping):
        raise _field_error(
            "(root)", "tệp phải là một đối tượng JSON", "must be a JSON object", origin
        )
    allowed = {"format", "format_version", "title", "source", "years", "days", "notes"}
    extra = sorted(set(obj) - allowed)
    if extra:
        raise _field_error(extra[0], "khóa không được hỗ trợ", "unknown key", origin)
    if obj.get("format") != NOTICE_FORMAT:
        raise _field_error(
            "format", f"phải là {NOTICE_FORMAT!r}", f"must be {NOTICE_FORMAT!r}", origin
        )
    if obj.get("format_version") != NOTICE_FORMAT_VERSION:
        raise _field_error(
            "format_version",
            f"phiên bản không hỗ trợ {obj.get('format_version')!r}",
            f"unsupported version (expected {NOTICE_FORMAT_VERSION})",
            origin,
        )
    title = obj.get("title", "")
    if not isinstance(title, str):
        raise _field_error("title", "phải là chuỗi", "must be a string", origin)
    source = obj.get("source", "")
    if not isinstance(source, str):
        raise _field_error("source", "phải là chuỗi", "must be a string", origin)
    years_raw = obj.get("years")
    if (
        not isinstance(years_raw, list)
        or not years_raw
        or any(isinstance(y, bool) or not isinstance(y, int) for y in years_raw)
    ):
        raise _field_error(
            "years",
            "cần danh sách năm, ví dụ [2027]",
            "expected a list of years like [2027]",
            origin,
        )
    for y in years_raw:
        if not _MIN_YEAR <= y <= _MAX_YEAR:
            raise _field_error(
                "years",
                f"năm {y} ngoài khoảng {_MIN_YEAR}–{_MAX_YEAR}",
                f"year {y} out of range",
                origin,
            )
    if len(set(years_raw)) != len(years_raw):
        raise _field_error("years", "năm bị lặp", "duplicate year", origin)
    years = frozenset(years_raw)
    days_raw = obj.get("days")
    if not isinstance(days_raw, list) or not days_raw:
        raise _field_error("days", "cần danh sách ngày", "expected a non-empty list", origin)
    rows: list[DayRow] = []
    seen: dict[dt.date, int] = {}
    for i, item in enumerate(days_raw):
        row = parse_day_row(item, field=f"days[{i}]", default_source=source, origin=origin)
        if row.date.year not in years:
            raise _field_error(
                f"days[{i}].date",
                f"ngày {row.date:%d/%m/%Y} không thuộc các năm {sorted(years)}",
                "date outside the notice's years",
                origin,
            )
        if row.date in seen:
            raise _field_error(
                f"days[{i}].date",
                f"ngày {row.date:%d/%m/%Y} trùng với days[{seen[row.date]}]",
                "duplicate date",
                origin,
            )
        seen[row.date] = i
        rows.append(row)
    return Notice(
        years=years, rows=tuple(sorted(rows, key=lambda r: r.date)), title=title, origin=origin
    )


def notice_from_rows(rows: Iterable[DayRow], years: Iterable[int], title: str = "") -> Notice:
    """Build a notice in code (tests, server-side sync) without JSON."""
    rows = tuple(sorted(rows, key=lambda r: r.date))
    ys = frozenset(years)
    for r in rows:
        if r.date.year not in ys:
            raise BadInput(
                f"{r.date} không thuộc các năm / outside years {sorted(ys)}", field="date"
            )
    return Notice(years=ys, rows=rows, title=title)


def statutory_dates(year: int) -> dict[dt.date, str]:
    """Dates the Labour Code makes holidays in `year`, which every complete notice must list:
    1/1, Lunar New Year's day, Hùng Kings day, 30/4, 1/5, 2/9 and (from 2026) 24/11."""
    out = {
        dt.date(year, 1, 1): "Tết Dương lịch",
        dt.date(year, 4, 30): "Ngày Chiến thắng",
        dt.date(year, 5, 1): "Ngày Quốc tế Lao động",
        dt.date(year, 9, 2): "Quốc khánh",
    }
    if year >= 2026:
        out[dt.date(year, 11, 24)] = "Ngày Văn hóa Việt Nam"
    for d, name in _lunar_statutory(year).items():
        out[d] = name
    return dict(sorted(out.items()))


@functools.lru_cache(maxsize=256)
def _lunar_statutory(year: int) -> dict[dt.date, str]:
    import holidays  # lazy: ~0.25 s

    en = holidays.country_holidays("VN", years=year, observed=False, language="en_US")
    out = {}
    for d, name in en.items():
        if name == "Lunar New Year":
            out[d] = "Tết Nguyên Đán (mùng một)"
        elif name.startswith("Hung Kings"):
            out[d] = "Ngày Giỗ Tổ Hùng Vương"
    return out


def check_notice_complete(
    rows_by_year: Mapping[int, Iterable[DayRow]], *, origin: str = ""
) -> None:
    """Each covered year must list every statutory holiday that falls on a weekday (Mon–Fri) as
    a day off (BadInput otherwise).

    Called on the union of all official rows of a year, so a later notice may add only a swap.
    """
    for year, rows in sorted(rows_by_year.items()):
        by_date = {r.date: r for r in rows}
        for d, name in statutory_dates(year).items():
            if d.isoweekday() > 5:
                continue  # on a weekly rest day it need not be listed (its substitute should be)
            row = by_date.get(d)
            if row is None or row.kind not in NON_WORKING_KINDS:
                raise _field_error(
                    "days",
                    f"năm {year} thiếu ngày lễ {d:%d/%m/%Y} ({name}); thông báo phải liệt kê đủ "
                    "mọi ngày nghỉ của năm",
                    f"year {year} lacks the statutory holiday {d.isoformat()}; a notice must list "
                    "every day off of its years",
                    origin,
                )


# --------------------------------------------------------------------------------------------
# Computed (provisional) rows from the `holidays` package


def holidays_library_id() -> str:
    import holidays

    return f"holidays-{holidays.__version__}"


@functools.lru_cache(maxsize=64)
def computed_rows(year: int) -> tuple[DayRow, ...]:
    """Rows the `holidays` package computes for Vietnam in `year`, all provisional."""
    import holidays

    years = [year - 1, year, year + 1]  # swaps are registered under the year of their off day
    vi = holidays.country_holidays("VN", years=years, language="vi")
    en = holidays.country_holidays("VN", years=years, language="en_US")
    source = (
        f"Tính theo Bộ luật Lao động 2019 Điều 111–112 (thư viện holidays {holidays.__version__}),"
        " chưa có thông báo chính thức"
    )
    rows: list[DayRow] = []
    for d, name in sorted(vi.items()):
        if d.year != year:
            continue
        if "nghỉ bù" in name:
            kind: DayKind = "substitute"
        elif name.startswith("Ngày nghỉ (thay cho"):
            kind = "off"
        else:
            kind = "holiday"
        rows.append(DayRow(d, kind, name, source, provisional=True, name_en=str(en.get(d, name))))
    off_rows = [r for r in rows if r.kind == "off"]
    for d in sorted(getattr(vi, "weekend_workdays", ())):
        if d.year != year:
            continue
        paired = next((r for r in off_rows if f"{d:%d/%m/%Y}" in r.name), None)
        suffix = f" (thay cho ngày nghỉ {paired.date:%d/%m/%Y})" if paired else ""
        suffix_en = f" (for the day off {paired.date:%d/%m/%Y})" if paired else ""
        rows.append(
            DayRow(
                d,
                "worked",
                "Ngày làm bù" + suffix,
                source,
                provisional=True,
                name_en="Make-up working day" + suffix_en,
            )
        )
    return tuple(sorted(rows, key=lambda r: r.date))


# --------------------------------------------------------------------------------------------
# Working time


def _parse_hhmm(text: str, field: str) -> int:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if (
        not m
        or int(m.group(1)) > 24
        or int(m.group(2)) > 59
        or (int(m.group(1)) == 24 and int(m.group(2)) != 0)
    ):
        raise BadInput(f"giờ không hợp lệ {text!r}, cần HH:MM / not a time like 15:00", field=field)
    return int(m.group(1)) * 60 + int(m.group(2))


@dataclasses.dataclass(frozen=True, slots=True)
class WorkingTime:
    """Legal working periods (minutes after midnight, half-open) and working ISO weekdays.

    Reception hours (e.g. a Saturday-morning desk) are *not* part of this: deadlines count legal
    working time only.
    """

    periods: tuple[tuple[int, int], ...] = ((7 * 60, 11 * 60 + 30), (13 * 60 + 30, 17 * 60))
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})

    def __post_init__(self) -> None:
        if not self.periods:
            raise BadInput("cần ít nhất một buổi làm việc / at least one period", field="periods")
        last = -1
        for start, end in self.periods:
            if not (0 <= start < end <= 24 * 60) or start < last:
                raise BadInput(
                    f"buổi làm việc không hợp lệ {_fmt_min(start)}–{_fmt_min(end)} / bad period",
                    field="periods",
                )
            last = end
        if not self.weekdays or any(not 1 <= d <= 7 for d in self.weekdays):
            raise BadInput("ngày trong tuần là 1…7 / weekdays are 1…7", field="weekdays")

    @classmethod
    def from_strings(cls, periods: Iterable[str], weekdays: Iterable[int]) -> WorkingTime:
        """From config-style ``"07:00-11:30"`` strings."""
        out = []
        for text in periods:
            a, sep, b = text.partition("-")
            if not sep:
                raise BadInput(f"buổi {text!r} không hợp lệ / not a period", field="periods")
            out.append((_parse_hhmm(a, "periods"), _parse_hhmm(b, "periods")))
        return cls(tuple(out), frozenset(weekdays))

    @property
    def day_start(self) -> int:
        return self.periods[0][0]

    @property
    def day_end(self) -> int:
        return self.periods[-1][1]

    def describe(self) -> str:
        return ", ".join(f"{_fmt_min(a)}–{_fmt_min(b)}" for a, b in self.periods)


def _fmt_min(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --------------------------------------------------------------------------------------------
# Appointment result


@dataclasses.dataclass(frozen=True, slots=True)
class Appointment:
    """The due date of a dossier and how it was obtained."""

    due: dt.datetime
    received_at: dt.datetime  # as given, in the calendar's zone
    counted_from: dt.datetime  # receipt moved into working time
    duration: Decimal
    unit: Unit
    # working_days | working_hours | same_day_before_cut_off | same_day_after_cut_off
    rule_code: str
    rule_vi: str
    rule_en: str
    provisional: bool
    provisional_years: tuple[int, ...]
    calendar_version: str
    skipped: tuple[DayRow, ...]
    cut_off: dt.time | None = None

    @property
    def rule(self) -> str:
        return self.rule_vi

    def rule_in(self, lang: str) -> str:
        return self.rule_en if lang == "en" else self.rule_vi

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        dur: int | float = (
            int(self.duration) if self.duration == int(self.duration) else float(self.duration)
        )
        return {
            "due": self.due.isoformat(timespec="seconds"),
            "rule": self.rule_in(lang),
            "rule_vi": self.rule_vi,
            "rule_en": self.rule_en,
            "rule_code": self.rule_code,
            "provisional": self.provisional,
            "provisional_years": list(self.provisional_years),
            "calendar_version": self.calendar_version,
            "received_at": self.received_at.isoformat(timespec="seconds"),
            "counted_from": self.counted_from.isoformat(timespec="seconds"),
            "duration": dur,
            "unit": self.unit,
            "cut_off": self.cut_off.strftime("%H:%M") if self.cut_off else None,
            "skipped": [r.to_dict() for r in self.skipped],
        }


# --------------------------------------------------------------------------------------------
# The calendar


class WorkCalendar:
    """Working days and working time of one center; immutable once built."""

    def __init__(
        self,
        *,
        notices: Sequence[Notice] = (),
        overrides: Iterable[DayRow] = (),
        working_time: WorkingTime | None = None,
        tz: dt.tzinfo = VN_TZ,
        cut_off: dt.time | str = "15:00",
        computed_id: str | None = None,
        use_computed: bool = True,
    ) -> None:
        self.notices = tuple(notices)
        self.overrides = tuple(sorted(overrides, key=lambda r: r.date))
        self.working_time = working_time or WorkingTime()
        self.tz = tz
        self.cut_off = _as_time(cut_off, "cut_off")
        self.use_computed = use_computed
        self._computed_id = computed_id
        self.official_years: frozenset[int] = frozenset().union(*(n.years for n in self.notices))
        self._years: dict[int, dict[dt.date, DayRow]] = {}
        self._version: str | None = None

    # ---- rows -------------------------------------------------------------------------------

    def _rows_of_year(self, year: int) -> dict[dt.date, DayRow]:
        rows = self._years.get(year)
        if rows is not None:
            return rows
        rows = {}
        if year in self.official_years:
            for notice in self.notices:
                if year in notice.years:
                    for r in notice.rows_in_year(year):
                        rows[r.date] = r
        elif self.use_computed:
            for r in computed_rows(year):
                rows[r.date] = r
        for r in self.overrides:
            if r.date.year == year:
                rows[r.date] = dataclasses.replace(r, provisional=False)
        self._years[year] = rows
        return rows

    def row(self, day: dt.date) -> DayRow | None:
        return self._rows_of_year(day.year).get(day)

    def holidays_in_year(self, year: int) -> list[DayRow]:
        """Every row of `year` (days off and days worked), by date."""
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            raise BadInput(
                f"năm {year} ngoài khoảng {_MIN_YEAR}–{_MAX_YEAR} / year out of range", field="year"
            )
        return sorted(self._rows_of_year(year).values(), key=lambda r: r.date)

    def is_provisional_year(self, year: int) -> bool:
        return year not in self.official_years

    @property
    def version(self) -> str:
        """Hash of everything the dates depend on: notices, overrides, working time, zone and
        the computing library's version (computed rows are a function of it)."""
        if self._version is None:
            payload = {
                "v": 1,
                "notices": [
                    {"years": sorted(n.years), "rows": [_row_key(r) for r in n.rows]}
                    for n in self.notices
                ],
                "overrides": [_row_key(r) for r in self.overrides],
                "periods": list(self.working_time.periods),
                "weekdays": sorted(self.working_time.weekdays),
                "tz": str(self.tz),
                "computed": (self._computed_id or holidays_library_id())
                if self.use_computed
                else None,
            }
            digest = hashlib.sha256(
                json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
            ).hexdigest()
            self._version = f"cal1-{digest[:16]}"
        return self._version

    # ---- days -------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date | dt.datetime) -> bool:
        if isinstance(day, dt.datetime):
            day = self.localize(day).date()
        row = self.row(day)
        if row is not None:
            return row.kind == "worked"
        return day.isoweekday() in self.working_time.weekdays

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (before it when n < 0); n = 0 returns `day`."""
        if isinstance(day, dt.datetime):
            raise TypeError("add_working_days takes a date; use appointment() for datetimes")
        if isinstance(n, bool) or not isinstance(n, int):
            raise BadInput("số ngày phải là số nguyên / days must be an integer", field="duration")
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        d = day
        idle = 0
        while remaining:
            d = d + dt.timedelta(days=step)
            if self.is_working_day(d):
                remaining -= 1
                idle = 0
            else:
                idle += 1
                if idle > _SEARCH_LIMIT_DAYS:
                    raise BadInput(
                        "lịch không có ngày làm việc / no working day found", field="calendar"
                    )
        return d

    def working_days_between(self, start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> int:
        """Working days d with start < d <= end (negative when end < start).

        For overdue detection: ``working_days_between(due, now)`` > 0 means late by that many
        working days.
        """
        a = self.localize(start).date() if isinstance(start, dt.datetime) else start
        b = self.localize(end).date() if isinstance(end, dt.datetime) else end
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a
        while d < b:
            d += dt.timedelta(days=1)
            if self.is_working_day(d):
                count += 1
        return count

    # ---- time -------------------------------------------------------------------------------

    def localize(self, t: dt.datetime) -> dt.datetime:
        """Naive = the calendar's zone; aware = converted into it."""
        if not isinstance(t, dt.datetime):
            raise BadInput("cần ngày giờ / a datetime is required", field="received_at")
        return t.replace(tzinfo=self.tz) if t.tzinfo is None else t.astimezone(self.tz)

    def _at(self, day: dt.date, minutes: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=self.tz) + dt.timedelta(minutes=minutes)

    def periods_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """Working periods of `day` (empty on a non-working day)."""
        if not self.is_working_day(day):
            return []
        return [(self._at(day, a), self._at(day, b)) for a, b in self.working_time.periods]

    def is_working_time(self, t: dt.datetime) -> bool:
        t = self.localize(t)
        return any(a <= t < b for a, b in self.periods_on(t.date()))

    def next_working_period_start(self, t: dt.datetime) -> dt.datetime:
        """The start of the first working period that begins at or after `t`."""
        t = self.localize(t)
        day = t.date()
        for a, _b in self.periods_on(day):
            if a >= t:
                return a
        nxt = self.next_working_day(day)
        return self._at(nxt, self.working_time.day_start)

    def clamp_to_working_time(self, t: dt.datetime) -> dt.datetime:
        """`t` itself inside working time, else the start of the next working period."""
        t = self.localize(t)
        if self.is_working_time(t):
            return t
        return self.next_working_period_start(t)

    def end_of_working_day(self, day: dt.date) -> dt.datetime:
        return self._at(day, self.working_time.day_end)

    def add_working_hours(
        self, start: dt.datetime, hours: float | int | Decimal | str
    ) -> dt.datetime:
        """`start` moved into working time, plus `hours` counted only inside working periods.

        A result that lands exactly on the end of a period stays there (due 11:30, not 13:30).
        """
        minutes = _as_minutes(hours)
        t = self.clamp_to_working_time(start)
        remaining = dt.timedelta(minutes=minutes)
        for _ in range(100_000):
            end = next(b for a, b in self.periods_on(t.date()) if a <= t < b)
            available = end - t
            if remaining <= available:
                return t + remaining
            remaining -= available
            t = self.next_working_period_start(end)
        raise BadInput("thời hạn quá dài / duration too long", field="duration")  # pragma: no cover

    # ---- appointment ------------------------------------------------------------------------

    def appointment(
        self,
        received_at: dt.datetime,
        duration: int | float | Decimal | str,
        unit: str = "working_days",
        cut_off: dt.time | str | None = None,
    ) -> Appointment:
        """The due date of a dossier received at `received_at` (docs/DOMAIN.md §0.3).

        - ``working_days`` N > 0: the N-th working day after the (working-time) day of receipt, at
          the time of receipt clamped into working hours;
        - ``working_hours`` H > 0: H hours counted inside working periods;
        - duration 0 (any unit, or unit ``same_day``): counted as received at or before the
          cut-off → the same day at the end of working hours; after it ("sau 15 giờ") → the next
          working day at the end of its working hours.
        """
        if unit not in UNITS:
            raise BadInput(
                f"đơn vị {unit!r} không hợp lệ, cần working_days, working_hours hoặc same_day / "
                "unknown unit",
                field="unit",
            )
        dur = _as_decimal(duration)
        if unit == "same_day" and dur != 0:
            raise BadInput(
                "same_day chỉ đi với thời hạn 0 / same_day needs duration 0", field="duration"
            )
        if unit == "working_days" and dur != dur.to_integral_value():
            raise BadInput(
                f"số ngày làm việc phải là số nguyên, nhận {duration!r} / working days must be a "
                "whole number",
                field="duration",
            )
        cut = self.cut_off if cut_off is None else _as_time(cut_off, "cut_off")
        received = self.localize(received_at)
        if not _MIN_YEAR <= received.year <= _MAX_YEAR - 1:
            raise BadInput(
                f"ngày tiếp nhận {received:%d/%m/%Y} ngoài khoảng {_MIN_YEAR}–{_MAX_YEAR - 1} / "
                "date of receipt out of range",
                field="received_at",
            )
        start = self.clamp_to_working_time(received)
        if dur == 0:
            if start.time().replace(microsecond=0) <= cut:
                due = self.end_of_working_day(start.date())
                code = "same_day_before_cut_off"
            else:
                due = self.end_of_working_day(self.next_working_day(start.date()))
                code = "same_day_after_cut_off"
            unit_out: Unit = "same_day" if unit == "same_day" else unit  # type: ignore[assignment]
        elif unit == "working_days":
            due_day = self.add_working_days(start.date(), int(dur))
            due = dt.datetime.combine(due_day, start.timetz())
            code = "working_days"
            unit_out = "working_days"
        else:
            due = self.add_working_hours(start, dur)
            code = "working_hours"
            unit_out = "working_hours"
        due = due.replace(microsecond=0)
        years = range(received.year, due.year + 1)
        prov_years = tuple(y for y in years if self.is_provisional_year(y))
        skipped = tuple(
            r
            for y in years
            for r in self.holidays_in_year(y)
            if received.date() <= r.date <= due.date() and r.kind in NON_WORKING_KINDS
        )
        weekend_days = self._plain_rest_days(received.date(), due.date())
        rule_vi, rule_en = _explain(
            self, code, dur, received, start, due, skipped, weekend_days, prov_years, cut
        )
        return Appointment(
            due=due,
            received_at=received,
            counted_from=start,
            duration=dur,
            unit=unit_out,
            rule_code=code,
            rule_vi=rule_vi,
            rule_en=rule_en,
            provisional=bool(prov_years),
            provisional_years=prov_years,
            calendar_version=self.version,
            skipped=skipped,
            cut_off=cut if dur == 0 else None,
        )

    def _plain_rest_days(self, a: dt.date, b: dt.date) -> int:
        """Non-working days between a and b (inclusive) that have no row: the weekly rest days."""
        n = 0
        d = a
        while d <= b:
            if self.row(d) is None and d.isoweekday() not in self.working_time.weekdays:
                n += 1
            d += dt.timedelta(days=1)
        return n


# --------------------------------------------------------------------------------------------
# Helpers


def _row_key(r: DayRow) -> list[str]:
    return [r.date.isoformat(), r.kind, r.name, r.source]


def _as_time(value: dt.time | str, field: str) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        minutes = _parse_hhmm(value, field)
        if minutes >= 24 * 60:
            raise BadInput(f"giờ không hợp lệ {value!r} / not a time like 15:00", field=field)
        return dt.time(minutes // 60, minutes % 60)
    raise BadInput(f"giờ không hợp lệ {value!r} / not a time like 15:00", field=field)


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise BadInput("thời hạn phải là số / duration must be a number", field="duration")
    try:
        dec = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise BadInput(
            f"thời hạn {value!r} không phải là số / duration must be a number", field="duration"
        ) from None
    if not dec.is_finite():
        raise BadInput("thời hạn phải là số hữu hạn / duration must be finite", field="duration")
    if dec < 0:
        raise BadInput(
            f"thời hạn không được âm ({value}) / duration must not be negative", field="duration"
        )
    if dec > 10_000:
        raise BadInput(f"thời hạn quá lớn ({value}) / duration too large", field="duration")
    return dec


def _as_minutes(hours: Any) -> int:
    dec = _as_decimal(hours) * 60
    if dec != dec.to_integral_value():
        raise BadInput(
            f"thời hạn {hours} giờ không tròn phút / hours must be a whole number of minutes",
            field="duration",
        )
    return int(dec)


def _fmt_day(d: dt.date) -> str:
    return f"{d:%d/%m/%Y}"


def _fmt_num(dec: Decimal) -> str:
    if dec == dec.to_integral_value():
        return str(int(dec))
    return format(dec.normalize(), "f").replace(".", ",")


_TET_MARKERS = (
    "Tết Nguyên Đán",
    "Tết Nguyên đán",
    "Giao thừa",
    "Tết (",
    "Mùng ",
    "29 Tết",
    "28 Tết",
)


def _label(row: DayRow, lang: str) -> str:
    if any(m in row.name for m in _TET_MARKERS) or row.name.startswith("Tết Âm"):
        return "Lunar New Year" if lang == "en" else "Tết Nguyên Đán"
    if lang == "en":
        return row.name_en or row.name
    return row.name


def _group_rows(cal: WorkCalendar, rows: Sequence[DayRow], lang: str) -> list[str]:
    """Consecutive days off with one label (weekly rest days may sit between) → one range."""
    groups: list[tuple[dt.date, dt.date, str, bool]] = []
    for r in rows:
        label = _label(r, lang)
        if groups:
            a, b, lab, prov = groups[-1]
            gap_ok = all(
                not cal.is_working_day(b + dt.timedelta(days=k))
                for k in range(1, (r.date - b).days)
            )
            if lab == label and gap_ok:
                groups[-1] = (a, r.date, lab, prov or r.provisional)
                continue
        groups.append((r.date, r.date, label, r.provisional))
    out = []
    tag = " (provisional)" if lang == "en" else " (dự kiến)"
    for a, b, label, prov in groups:
        span = _fmt_day(a) if a == b else f"{a:%d/%m}–{_fmt_day(b)}"
        out.append(f"{span} {label}{tag if prov else ''}")
    return out


def _explain(
    cal: WorkCalendar,
    code: str,
    dur: Decimal,
    received: dt.datetime,
    start: dt.datetime,
    due: dt.datetime,
    skipped: Sequence[DayRow],
    weekend_days: int,
    prov_years: Sequence[int],
    cut: dt.time,
) -> tuple[str, str]:
    def when(t: dt.datetime, lang: str) -> str:
        names = WEEKDAYS_EN if lang == "en" else WEEKDAYS_VI
        return f"{t:%H:%M} {names[t.weekday()]} {_fmt_day(t.date())}"

    skipped_vi = _group_rows(cal, skipped, "vi")
    skipped_en = _group_rows(cal, skipped, "en")
    if weekend_days:
        skipped_vi.append(f"{weekend_days} ngày nghỉ hằng tuần")
        skipped_en.append(f"{weekend_days} weekly rest day{'s' if weekend_days > 1 else ''}")
    skip_vi = f" (bỏ qua: {'; '.join(skipped_vi)})" if skipped_vi else ""
    skip_en = f" (skipping: {'; '.join(skipped_en)})" if skipped_en else ""
    moved_vi = moved_en = ""
    if start != received:
        day_off = not cal.is_working_day(received.date())
        why_vi = "vào ngày nghỉ" if day_off else "ngoài giờ làm việc"
        why_en = "on a day off" if day_off else "outside working hours"
        moved_vi = (
            f"; tiếp nhận lúc {received:%H:%M} {_fmt_day(received.date())} {why_vi} "
            f"nên tính từ {when(start, 'vi')}"
        )
        moved_en = (
            f"; received at {received:%H:%M} {_fmt_day(received.date())} {why_en}, "
            f"so counted from {when(start, 'en')}"
        )
    n = _fmt_num(dur)
    if code == "working_days":
        vi = (
            f"{n} ngày làm việc kể từ ngày tiếp nhận {_fmt_day(received.date())}{skip_vi}"
            f"{moved_vi}; hẹn trả {when(due, 'vi')}"
        )
        en = (
            f"{n} working day{'s' if dur != 1 else ''} from the day of receipt "
            f"{_fmt_day(received.date())}{skip_en}{moved_en}; due {when(due, 'en')}"
        )
    elif code == "working_hours":
        vi = (
            f"{n} giờ làm việc kể từ {when(received, 'vi')}, chỉ tính giờ trong các buổi "
            f"{cal.working_time.describe()}{skip_vi}{moved_vi}; hẹn trả {when(due, 'vi')}"
        )
        en = (
            f"{n} working hour{'s' if dur != 1 else ''} from {when(received, 'en')}, counting "
            f"only {cal.working_time.describe()}{skip_en}{moved_en}; due {when(due, 'en')}"
        )
    else:
        c = cut.strftime("%H:%M")
        if code == "same_day_before_cut_off":
            vi = (
                f"Giải quyết trong ngày: tiếp nhận không muộn hơn {c}{moved_vi} nên trả kết quả "
                f"trong ngày, hẹn trả {when(due, 'vi')}{skip_vi}"
            )
            en = (
                f"Same-day procedure: received no later than {c}{moved_en}, so the result is due the "
                f"same day, {when(due, 'en')}{skip_en}"
            )
        else:
            vi = (
                f"Giải quyết trong ngày: tiếp nhận lúc {start:%H:%M:%S} {_fmt_day(start.date())}, "
                f"sau {c}{moved_vi} nên trả vào ngày làm việc tiếp theo, hẹn trả "
                f"{when(due, 'vi')}{skip_vi}"
            )
            en = (
                f"Same-day procedure: received at {start:%H:%M:%S} {_fmt_day(start.date())}, "
                f"after the {c} cut-off{moved_en}, so due the next working day, "
                f"{when(due, 'en')}{skip_en}"
            )
    if prov_years:
        ys = ", ".join(str(y) for y in prov_years)
        vi += f". Lịch nghỉ năm {ys} chưa có thông báo chính thức: ngày hẹn là dự kiến"
        en += f". No official holiday notice for {ys} yet: the date is provisional"
    return vi, en
