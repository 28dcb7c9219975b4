"""Periods typed by a supervisor: days, named periods around today, the 1–366-day bound."""

from __future__ import annotations

import datetime as dt

import pytest

from counter_app.domain.periods import PeriodError, parse_day, parse_period, preset

SAT = dt.date(2026, 12, 5)  # a Saturday in the fourth quarter


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("hôm nay", SAT, SAT),
        ("Hôm qua", dt.date(2026, 12, 4), dt.date(2026, 12, 4)),
        ("tuần này", dt.date(2026, 11, 30), SAT),
        ("tuan truoc", dt.date(2026, 11, 23), dt.date(2026, 11, 29)),
        ("tháng này", dt.date(2026, 12, 1), SAT),
        ("THÁNG TRƯỚC", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ("quý này", dt.date(2026, 10, 1), SAT),
        ("quý trước", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("năm nay", dt.date(2026, 1, 1), SAT),
        ("last year", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("this month", dt.date(2026, 12, 1), SAT),
        ("tháng 2", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("tháng 2/2028", dt.date(2028, 2, 1), dt.date(2028, 2, 29)),  # leap year
        ("quý IV/2025", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ("Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("quý 3 2026", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ],
)
def test_named_periods(text: str, start: dt.date, end: dt.date) -> None:
    assert preset(text, SAT) == (start, end)
    assert parse_period(text, "ignored", SAT) == (start, end)


def test_first_month_and_quarter_look_back_a_year() -> None:
    jan = dt.date(2027, 1, 10)
    assert preset("tháng trước", jan) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert preset("quý trước", jan) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_days_and_bounds() -> None:
    assert parse_period("01/11/2026", "2026-11-30", SAT) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert parse_day(" 5/12/2026 ") == SAT
    for text in ("tháng 13", "quý 5", "tuần sau", "32/01/2026", "2026-02-30", "", "01-12-2026"):
        assert preset(text, SAT) is None
    with pytest.raises(PeriodError) as err:
        parse_period("32/01/2026", "01/02/2026", SAT)
    assert err.value.field == "from"
    with pytest.raises(PeriodError) as err:
        parse_period("02/02/2026", "01/02/2026", SAT)
    assert err.value.field == "to"
    with pytest.raises(PeriodError):
        parse_period("01/01/2025", "05/01/2026", SAT)  # longer than 366 days
