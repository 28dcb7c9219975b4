"""Property tests (hypothesis) of the appointment rules over 2025–2027."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.config import load_settings
from counter_app.domain.calendar import WorkCalendar
from counter_app.services import calendar as calendar_service

VN = dt.timezone(dt.timedelta(hours=7))
PERIODS = ((7 * 60, 11 * 60 + 30), (13 * 60 + 30, 17 * 60))


@pytest.fixture(scope="module")
def cal(tmp_path_factory: pytest.TempPathFactory) -> WorkCalendar:
    data_dir: Path = tmp_path_factory.mktemp("caldata")
    return calendar_service.get_calendar(load_settings(data_dir=data_dir))


def _oracle_working_day(cal: WorkCalendar, day: dt.date) -> bool:
    """Independent of WorkCalendar.is_working_day: rows listed for the year + Mon–Fri."""
    rows = {r.date: r.kind for r in cal.holidays_in_year(day.year)}
    if day in rows:
        return rows[day] == "worked"
    return day.isoweekday() <= 5


def _in_working_hours(t: dt.datetime, *, allow_end: bool) -> bool:
    m = t.hour * 60 + t.minute + t.second / 60
    return any(a <= m < b or (allow_end and m == b) for a, b in PERIODS)


def _working_minutes(cal: WorkCalendar, a: dt.datetime, b: dt.datetime) -> float:
    total = 0.0
    day = a.date()
    while day <= b.date():
        if _oracle_working_day(cal, day):
            for s, e in PERIODS:
                ps = dt.datetime.combine(day, dt.time(0), tzinfo=VN) + dt.timedelta(minutes=s)
                pe = dt.datetime.combine(day, dt.time(0), tzinfo=VN) + dt.timedelta(minutes=e)
                lo, hi = max(a, ps), min(b, pe)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 60
        day += dt.timedelta(days=1)
    return total


received_st = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 11, 30)
).map(lambda t: t.replace(microsecond=0))

PROPS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPS
@given(received=received_st, n=st.integers(min_value=0, max_value=30))
def test_working_days_properties(cal: WorkCalendar, received: dt.datetime, n: int) -> None:
    appt = cal.appointment(received, n, "working_days")
    r = received.replace(tzinfo=VN)
    assert appt.due >= r
    assert appt.due.utcoffset() == dt.timedelta(hours=7)
    assert _oracle_working_day(cal, appt.due.date())
    assert _in_working_hours(appt.due, allow_end=(n == 0))
    if n > 0:
        assert cal.working_days_between(appt.counted_from, appt.due) == n
        assert appt.due.time() == appt.counted_from.time()
    assert appt.provisional == (appt.due.year >= 2027)
    later = cal.appointment(received, n + 1, "working_days")
    if n > 0:
        assert later.due > appt.due
    else:
        # same-day after the cut-off is due at the *end* of the next working day, while one
        # working day keeps the time of receipt: monotonic by date, not always by the hour
        assert later.due.date() >= appt.due.date()


@PROPS
@given(
    received=received_st,
    quarters=st.integers(min_value=0, max_value=4 * 60),
    extra=st.integers(min_value=1, max_value=40),
)
def test_working_hours_properties(
    cal: WorkCalendar, received: dt.datetime, quarters: int, extra: int
) -> None:
    hours = quarters / 4
    appt = cal.appointment(received, hours, "working_hours")
    r = received.replace(tzinfo=VN)
    assert appt.due >= r
    assert _oracle_working_day(cal, appt.due.date())
    assert _in_working_hours(appt.due, allow_end=True)
    if quarters:
        assert _working_minutes(cal, appt.counted_from, appt.due) == pytest.approx(hours * 60)
    longer = cal.appointment(received, (quarters + extra) / 4, "working_hours")
    assert longer.due > appt.due or quarters == 0


@PROPS
@given(received=received_st, cut=st.times(min_value=dt.time(7), max_value=dt.time(17)))
def test_same_day_properties(cal: WorkCalendar, received: dt.datetime, cut: dt.time) -> None:
    cut = cut.replace(second=0, microsecond=0)
    appt = cal.appointment(received, 0, "same_day", cut_off=cut)
    start = appt.counted_from
    assert appt.due >= received.replace(tzinfo=VN)
    assert appt.due.time() == dt.time(17, 0)
    assert _oracle_working_day(cal, appt.due.date())
    if start.time().replace(microsecond=0) <= cut:
        assert appt.due.date() == start.date()
    else:
        assert cal.working_days_between(start.date(), appt.due.date()) == 1
    # never later than one working day of processing, never earlier than same day
    one_day = cal.appointment(received, 1, "working_days")
    assert appt.due.date() <= one_day.due.date()


@PROPS
@given(received=received_st)
def test_clamp_is_idempotent_and_in_working_time(cal: WorkCalendar, received: dt.datetime) -> None:
    t = cal.clamp_to_working_time(received)
    assert t >= received.replace(tzinfo=VN)
    assert cal.is_working_time(t)
    assert cal.clamp_to_working_time(t) == t
    # nothing between received and t is working time (check the period starts in between)
    probe = cal.next_working_period_start(received)
    assert probe >= t
