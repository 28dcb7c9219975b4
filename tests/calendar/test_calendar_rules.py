"""Appointment rules and the working-day calendar on real dates (docs/DOMAIN.md §0.3, §4)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from counter_app.domain.calendar import (
    DayRow,
    WorkCalendar,
    WorkingTime,
    check_notice_complete,
    notice_from_rows,
    parse_notice,
)
from counter_app.errors import BadInput
from counter_app.locations import assets_dir
from counter_app.services import calendar as calendar_service
from tests.calendar.conftest import at, make_settings

D = dt.date


def due(cal: WorkCalendar, received: str, n, unit: str = "working_days", cut_off=None) -> str:
    return cal.appointment(at(received), n, unit, cut_off=cut_off).due.isoformat()


# ---------------------------------------------------------------------------------- asset rows


def test_asset_rows_match_domain_table() -> None:
    raw = json.loads((assets_dir() / "calendar" / "vn_2025_2026.json").read_text("utf-8"))
    notice = parse_notice(raw)
    assert notice.years == {2025, 2026}
    rows = {r.date: r for r in notice.rows}
    expected = {
        D(2025, 1, 1): "holiday",
        D(2025, 1, 27): "holiday",
        D(2025, 1, 31): "holiday",
        D(2025, 4, 7): "holiday",
        D(2025, 4, 26): "worked",
        D(2025, 4, 30): "holiday",
        D(2025, 5, 1): "holiday",
        D(2025, 5, 2): "off",
        D(2025, 9, 1): "holiday",
        D(2025, 9, 2): "holiday",
        D(2026, 1, 1): "holiday",
        D(2026, 1, 2): "off",
        D(2026, 1, 10): "worked",
        D(2026, 2, 16): "holiday",
        D(2026, 2, 20): "holiday",
        D(2026, 4, 26): "holiday",
        D(2026, 4, 27): "substitute",
        D(2026, 4, 30): "holiday",
        D(2026, 5, 1): "holiday",
        D(2026, 8, 22): "worked",
        D(2026, 8, 31): "off",
        D(2026, 9, 1): "holiday",
        D(2026, 9, 2): "holiday",
        D(2026, 11, 24): "holiday",
    }
    for day, kind in expected.items():
        assert rows[day].kind == kind, day
    # Tết 2025 27–31/01 and 2026 16–20/02 are all listed, nothing else in those weeks
    assert [d for d in rows if D(2025, 1, 20) <= d <= D(2025, 2, 9)] == [
        D(2025, 1, 27) + dt.timedelta(days=i) for i in range(5)
    ]
    assert [d for d in rows if D(2026, 2, 9) <= d <= D(2026, 2, 27)] == [
        D(2026, 2, 16) + dt.timedelta(days=i) for i in range(5)
    ]
    # make-up days are Saturdays; swapped days off are weekdays; every row has a source
    for r in notice.rows:
        assert r.source and r.name and r.name_en
        if r.kind == "worked":
            assert r.date.isoweekday() == 6
        if r.kind in ("off", "substitute"):
            assert r.date.isoweekday() <= 5
    check_notice_complete({y: notice.rows_in_year(y) for y in notice.years})


def test_holidays_in_year_lists_kinds_sources_and_provisional(cal: WorkCalendar) -> None:
    rows_2026 = cal.holidays_in_year(2026)
    assert all(not r.provisional for r in rows_2026)
    assert {r.date: r.kind for r in rows_2026}[D(2026, 1, 10)] == "worked"
    rows_2027 = {r.date: r for r in cal.holidays_in_year(2027)}
    assert all(r.provisional for r in rows_2027.values())
    assert rows_2027[D(2027, 5, 3)].kind == "substitute"
    assert rows_2027[D(2027, 4, 16)].kind == "holiday"  # Hùng Kings, 10/3 Đinh Mùi
    assert rows_2027[D(2027, 11, 24)].kind == "holiday"
    assert rows_2027[D(2027, 2, 6)].kind == "holiday"  # first lunar day, a Saturday
    assert "holidays" in rows_2027[D(2027, 1, 1)].source
    assert cal.is_provisional_year(2027) and not cal.is_provisional_year(2026)
    d = rows_2027[D(2027, 5, 3)].to_dict()
    assert set(d) >= {"date", "kind", "name", "source", "provisional"}
    with pytest.raises(BadInput):
        cal.holidays_in_year(1800)


def test_working_day_basics(cal: WorkCalendar) -> None:
    assert cal.is_working_day(D(2026, 1, 10))  # make-up Saturday counts
    assert not cal.is_working_day(D(2026, 1, 3))  # an ordinary Saturday
    assert not cal.is_working_day(D(2026, 1, 2))  # swapped day off
    assert cal.is_working_day(D(2025, 4, 26))
    assert not cal.is_working_day(D(2025, 5, 2))
    assert not cal.is_working_day(D(2026, 4, 27))  # substitute day is not a working day
    assert cal.is_working_day(D(2026, 8, 22))
    assert not cal.is_working_day(D(2026, 8, 31))
    assert not cal.is_working_day(D(2026, 11, 24))
    assert not cal.is_working_day(D(2027, 5, 3))  # computed substitute for Sat 1/5/2027
    assert cal.is_working_day(D(2027, 5, 4))


# ---------------------------------------------------------------------------------- working days


def test_tet_2026_received_friday_before(cal: WorkCalendar) -> None:
    appt = cal.appointment(at("2026-02-13T10:00"), 3, "working_days")
    # off Sat 14 → Sun 22; working days Mon 23, Tue 24, Wed 25
    assert appt.due.isoformat() == "2026-02-25T10:00:00+07:00"
    assert not appt.provisional
    assert "Tết Nguyên Đán" in appt.rule and "16/02–20/02/2026" in appt.rule
    assert "Lunar New Year" in appt.rule_en
    assert [r.date for r in appt.skipped] == [D(2026, 2, 16) + dt.timedelta(i) for i in range(5)]


def test_received_during_tet_2026_counts_from_next_working_period(cal: WorkCalendar) -> None:
    appt = cal.appointment(at("2026-02-17T09:00"), 1)
    assert appt.counted_from.isoformat() == "2026-02-23T07:00:00+07:00"
    assert appt.due.isoformat() == "2026-02-24T07:00:00+07:00"
    assert "vào ngày nghỉ" in appt.rule


def test_tet_2027_is_provisional(cal: WorkCalendar) -> None:
    # computed block Thu 04/02 → Wed 10/02/2027, not decided by the Government yet
    appt = cal.appointment(at("2027-02-03T10:00"), 3)
    assert appt.due.isoformat() == "2027-02-15T10:00:00+07:00"
    assert appt.provisional and appt.provisional_years == (2027,)
    assert "dự kiến" in appt.rule and "provisional" in appt.rule_en
    # the CLI example of DESIGN: received Thu 04/02/2027 16:10 (a computed day off)
    appt = cal.appointment(at("2027-02-04T16:10"), 3)
    assert appt.counted_from.isoformat() == "2027-02-11T07:00:00+07:00"
    assert appt.due.isoformat() == "2027-02-16T07:00:00+07:00"
    assert appt.rule.startswith("3 ngày làm việc kể từ ngày tiếp nhận 04/02/2027 (bỏ qua: ")


def test_year_end_crossing_into_provisional_year(cal: WorkCalendar) -> None:
    appt = cal.appointment(at("2026-12-30T10:00"), 5)
    # Thu 31/12, (Fri 1/1 holiday), Mon 4, Tue 5, Wed 6, Thu 7
    assert appt.due.isoformat() == "2027-01-07T10:00:00+07:00"
    assert appt.provisional and appt.provisional_years == (2027,)
    assert not cal.appointment(at("2026-12-28T10:00"), 2).provisional


def test_30_4_and_1_5(cal: WorkCalendar) -> None:
    assert due(cal, "2026-04-29T09:00", 1) == "2026-05-04T09:00:00+07:00"
    # Hùng 2026 falls on Sunday: substitute Monday 27/04
    assert due(cal, "2026-04-24T09:00", 1) == "2026-04-28T09:00:00+07:00"
    # 2025: swap — Fri 02/05 off, Sat 26/04 worked
    assert due(cal, "2025-04-25T09:00", 1) == "2025-04-26T09:00:00+07:00"
    assert due(cal, "2025-04-29T09:00", 1) == "2025-05-05T09:00:00+07:00"
    # 2027: 30/4 Fri, 1/5 Sat → substitute Mon 03/05
    appt = cal.appointment(at("2027-04-29T09:00"), 1)
    assert appt.due.isoformat() == "2027-05-04T09:00:00+07:00"
    assert D(2027, 5, 3) in [r.date for r in appt.skipped]
    assert appt.provisional


def test_national_day(cal: WorkCalendar) -> None:
    assert due(cal, "2025-08-29T10:00", 1) == "2025-09-03T10:00:00+07:00"
    # 2026: Mon 31/08 off (swap), Tue 1/9, Wed 2/9 holidays
    assert due(cal, "2026-08-28T10:00", 1) == "2026-09-03T10:00:00+07:00"
    # the make-up Saturday 22/08/2026 counts
    assert due(cal, "2026-08-21T10:00", 1) == "2026-08-22T10:00:00+07:00"
    assert due(cal, "2026-08-20T10:00", 3) == "2026-08-24T10:00:00+07:00"  # Fri, Sat 22, Mon


def test_culture_day_24_11_2026(cal: WorkCalendar) -> None:
    assert due(cal, "2026-11-23T10:00", 1) == "2026-11-25T10:00:00+07:00"
    assert due(cal, "2026-11-20T10:00", 2) == "2026-11-25T10:00:00+07:00"


def test_new_year_2026_swap(cal: WorkCalendar) -> None:
    assert due(cal, "2025-12-31T09:00", 1) == "2026-01-05T09:00:00+07:00"
    assert due(cal, "2026-01-09T09:00", 1) == "2026-01-10T09:00:00+07:00"  # Sat 10/01 worked
    assert due(cal, "2026-01-08T09:00", 2) == "2026-01-10T09:00:00+07:00"
    assert due(cal, "2026-01-10T09:00", 1) == "2026-01-12T09:00:00+07:00"  # received that Saturday


def test_weekends(cal: WorkCalendar) -> None:
    assert due(cal, "2026-03-06T10:00", 1) == "2026-03-09T10:00:00+07:00"
    appt = cal.appointment(at("2026-03-08T10:00"), 1)  # Sunday
    assert appt.counted_from.isoformat() == "2026-03-09T07:00:00+07:00"
    assert appt.due.isoformat() == "2026-03-10T07:00:00+07:00"
    assert "2 ngày nghỉ hằng tuần" not in appt.rule  # only Sunday 08/03 is in range
    assert "1 ngày nghỉ hằng tuần" in appt.rule


def test_lunch_and_evening_receipt(cal: WorkCalendar) -> None:
    lunch = cal.appointment(at("2026-03-04T11:45"), 1)
    assert lunch.counted_from.isoformat() == "2026-03-04T13:30:00+07:00"
    assert lunch.due.isoformat() == "2026-03-05T13:30:00+07:00"
    assert "ngoài giờ làm việc" in lunch.rule and "outside working hours" in lunch.rule_en
    evening = cal.appointment(at("2026-03-04T17:30"), 1)
    assert evening.counted_from.isoformat() == "2026-03-05T07:00:00+07:00"
    assert evening.due.isoformat() == "2026-03-06T07:00:00+07:00"
    assert due(cal, "2026-03-04T06:15", 1) == "2026-03-05T07:00:00+07:00"
    # period ends are outside (half-open): 11:30:00 → 13:30, 11:29:59 stays
    assert due(cal, "2026-03-04T11:30", 1) == "2026-03-05T13:30:00+07:00"
    assert due(cal, "2026-03-04T11:29:59", 1) == "2026-03-05T11:29:59+07:00"
    assert due(cal, "2026-03-04T17:00", 1) == "2026-03-06T07:00:00+07:00"
    assert due(cal, "2026-03-04T16:59", 1) == "2026-03-05T16:59:00+07:00"


def test_naive_and_foreign_zone_input(cal: WorkCalendar) -> None:
    naive = cal.appointment(dt.datetime(2026, 3, 4, 10, 0), 2)
    utc = cal.appointment(dt.datetime(2026, 3, 4, 3, 0, tzinfo=dt.UTC), 2)
    assert naive.due == utc.due
    assert naive.due.isoformat() == "2026-03-06T10:00:00+07:00"
    # 23:30 UTC on Tue 03/03 is 06:30 Wed 04/03 in Hà Nội
    late = cal.appointment(dt.datetime(2026, 3, 3, 23, 30, tzinfo=dt.UTC), 1)
    assert late.counted_from.isoformat() == "2026-03-04T07:00:00+07:00"


# ---------------------------------------------------------------------------------- same day


@pytest.mark.parametrize(
    ("received", "expected", "code"),
    [
        ("2026-03-04T14:59", "2026-03-04T17:00:00+07:00", "same_day_before_cut_off"),
        ("2026-03-04T14:59:59", "2026-03-04T17:00:00+07:00", "same_day_before_cut_off"),
        # "sau 15 giờ": 15:00:00 itself is not after the cut-off, one second later is
        ("2026-03-04T15:00", "2026-03-04T17:00:00+07:00", "same_day_before_cut_off"),
        ("2026-03-04T15:00:00.900", "2026-03-04T17:00:00+07:00", "same_day_before_cut_off"),
        ("2026-03-04T15:00:01", "2026-03-05T17:00:00+07:00", "same_day_after_cut_off"),
        ("2026-03-04T15:01", "2026-03-05T17:00:00+07:00", "same_day_after_cut_off"),
        ("2026-03-04T11:45", "2026-03-04T17:00:00+07:00", "same_day_before_cut_off"),
        ("2026-03-04T17:30", "2026-03-05T17:00:00+07:00", "same_day_before_cut_off"),
        ("2026-03-08T09:00", "2026-03-09T17:00:00+07:00", "same_day_before_cut_off"),  # Sunday
        ("2026-03-06T15:05", "2026-03-09T17:00:00+07:00", "same_day_after_cut_off"),  # Friday
        ("2026-02-13T15:30", "2026-02-23T17:00:00+07:00", "same_day_after_cut_off"),  # before Tết
        ("2026-01-09T16:00", "2026-01-10T17:00:00+07:00", "same_day_after_cut_off"),  # make-up Sat
    ],
)
def test_same_day_cut_off_boundary(
    cal: WorkCalendar, received: str, expected: str, code: str
) -> None:
    appt = cal.appointment(at(received), 0, "same_day")
    assert appt.due.isoformat() == expected
    assert appt.rule_code == code
    assert appt.cut_off == dt.time(15, 0)
    # duration 0 in another unit is the same rule
    assert cal.appointment(at(received), 0, "working_days").due == appt.due


def test_same_day_after_cut_off_versus_one_working_day(cal: WorkCalendar) -> None:
    """Both rules of DOMAIN §0.3 applied literally: after the cut-off a same-day dossier is due at
    the end of the next working day (17:00), a 1-working-day dossier at the time of receipt."""
    same_day = cal.appointment(at("2025-01-02T15:10"), 0)
    one_day = cal.appointment(at("2025-01-02T15:10"), 1)
    assert same_day.due.isoformat() == "2025-01-03T17:00:00+07:00"
    assert one_day.due.isoformat() == "2025-01-03T15:10:00+07:00"


def test_same_day_rule_text(cal: WorkCalendar) -> None:
    before = cal.appointment(at("2026-03-04T14:59"), 0)
    assert "không muộn hơn 15:00" in before.rule and "trong ngày" in before.rule
    after = cal.appointment(at("2026-03-04T15:00:01"), 0)
    assert "15:00:01" in after.rule and "sau 15:00" in after.rule
    assert "ngày làm việc tiếp theo" in after.rule
    assert "cut-off" in after.rule_en


def test_cut_off_per_procedure_and_from_settings(data_dir) -> None:
    cal = calendar_service.get_calendar(make_settings(data_dir))
    assert cal.appointment(at("2026-03-04T15:30"), 0, cut_off="16:00").due.day == 4
    assert cal.appointment(at("2026-03-04T15:30"), 0, cut_off=dt.time(16)).due.day == 4
    assert cal.appointment(at("2026-03-04T15:30"), 0).due.day == 5
    cal14 = calendar_service.get_calendar(make_settings(data_dir, cut_off="14:00"))
    assert cal14.appointment(at("2026-03-04T14:30"), 0).due.day == 5
    assert cal14.appointment(at("2026-03-04T13:59"), 0).due.day == 4
    with pytest.raises(BadInput) as exc:
        cal.appointment(at("2026-03-04T15:30"), 0, cut_off="3pm")
    assert exc.value.field == "cut_off"


# ---------------------------------------------------------------------------------- working hours


@pytest.mark.parametrize(
    ("received", "hours", "expected"),
    [
        ("2026-03-04T16:10", 1, "2026-03-05T07:10:00+07:00"),  # over the night
        ("2026-03-04T10:30", 2, "2026-03-04T14:30:00+07:00"),  # over lunch
        ("2026-03-04T07:00", 4.5, "2026-03-04T11:30:00+07:00"),  # lands on the period end
        ("2026-03-02T07:00", 8, "2026-03-02T17:00:00+07:00"),  # a full day
        ("2026-03-06T16:00", 8, "2026-03-09T16:00:00+07:00"),  # Friday over the weekend
        ("2026-03-04T11:15", "0.5", "2026-03-04T13:45:00+07:00"),
        ("2026-03-04T12:00", 1, "2026-03-04T14:30:00+07:00"),  # received at lunch
        ("2026-03-04T17:30", 2, "2026-03-05T09:00:00+07:00"),  # received in the evening
        ("2026-02-13T16:00", 2, "2026-02-23T08:00:00+07:00"),  # over Tết 2026
        ("2026-01-09T16:00", 3, "2026-01-10T09:00:00+07:00"),  # make-up Saturday counts
        ("2026-03-04T09:00", 16, "2026-03-06T09:00:00+07:00"),  # two full days
    ],
)
def test_working_hours(cal: WorkCalendar, received: str, hours, expected: str) -> None:
    appt = cal.appointment(at(received), hours, "working_hours")
    assert appt.due.isoformat() == expected
    assert appt.rule_code == "working_hours"
    assert "giờ làm việc" in appt.rule


def test_add_working_hours_direct(cal: WorkCalendar) -> None:
    assert cal.add_working_hours(at("2026-03-04T10:00"), 0) == at("2026-03-04T10:00")
    assert cal.add_working_hours(at("2026-03-04T11:45"), 0) == at("2026-03-04T13:30")
    with pytest.raises(BadInput):
        cal.add_working_hours(at("2026-03-04T10:00"), "0.001")  # not whole minutes


# ---------------------------------------------------------------------------------- helpers


def test_next_working_period_start(cal: WorkCalendar) -> None:
    assert cal.next_working_period_start(at("2026-03-04T07:00")) == at("2026-03-04T07:00")
    assert cal.next_working_period_start(at("2026-03-04T11:00")) == at("2026-03-04T13:30")
    assert cal.next_working_period_start(at("2026-03-04T17:00")) == at("2026-03-05T07:00")
    assert cal.next_working_period_start(at("2026-02-13T16:00")) == at("2026-02-23T07:00")
    assert cal.next_working_period_start(at("2026-01-09T18:00")) == at("2026-01-10T07:00")
    assert cal.is_working_time(at("2026-03-04T07:00"))
    assert not cal.is_working_time(at("2026-03-04T11:30"))


def test_add_working_days_and_between(cal: WorkCalendar) -> None:
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert cal.add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)
    assert cal.add_working_days(D(2026, 3, 4), 0) == D(2026, 3, 4)
    assert cal.add_working_days(D(2026, 1, 12), -1) == D(2026, 1, 10)
    # overdue detection: due Wed 04/03, now Mon 09/03 → late by Thu, Fri, Mon
    assert cal.working_days_between(at("2026-03-04T10:00"), at("2026-03-09T08:00")) == 3
    assert cal.working_days_between(D(2026, 3, 9), D(2026, 3, 4)) == -3
    assert cal.working_days_between(D(2026, 3, 4), D(2026, 3, 4)) == 0
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    with pytest.raises(BadInput):
        cal.add_working_days(D(2026, 3, 4), 1.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- config


def test_province_overrides(data_dir) -> None:
    base = calendar_service.get_calendar(make_settings(data_dir))
    settings = make_settings(
        data_dir,
        calendar_overrides=[
            {"date": "2026-03-10", "kind": "off", "name": "Ngày giải phóng tỉnh", "source": "QĐ 1"},
            {"date": "2026-03-14", "kind": "worked", "name": "Làm bù", "source": "QĐ 1"},
            {"date": "2027-03-10", "kind": "off", "name": "Ngày giải phóng tỉnh"},
        ],
    )
    cal = calendar_service.get_calendar(settings)
    assert not cal.is_working_day(D(2026, 3, 10))
    assert cal.is_working_day(D(2026, 3, 14))
    assert due(cal, "2026-03-09T10:00", 1) == "2026-03-11T10:00:00+07:00"
    assert due(cal, "2026-03-13T10:00", 1) == "2026-03-14T10:00:00+07:00"
    row = {r.date: r for r in cal.holidays_in_year(2026)}[D(2026, 3, 10)]
    assert row.source == "QĐ 1" and not row.provisional
    assert cal.version != base.version
    # an override does not make a year official
    assert cal.is_provisional_year(2027)
    assert not cal.is_working_day(D(2027, 3, 10))
    assert not {r.date: r for r in cal.holidays_in_year(2027)}[D(2027, 3, 10)].provisional


def test_saturday_reception_is_not_legal_working_time(data_dir) -> None:
    settings = make_settings(data_dir, working_hours={"saturday_reception": ["07:30-11:30"]})
    cal = calendar_service.get_calendar(settings)
    assert not cal.is_working_day(D(2026, 3, 7))
    appt = cal.appointment(at("2026-03-07T09:00"), 1)
    assert appt.counted_from.isoformat() == "2026-03-09T07:00:00+07:00"
    assert appt.due.isoformat() == "2026-03-10T07:00:00+07:00"


def test_custom_working_hours_change_dates_and_version(data_dir) -> None:
    base = calendar_service.get_calendar(make_settings(data_dir))
    settings = make_settings(data_dir, working_hours={"periods": ["07:30-11:30", "13:00-16:30"]})
    cal = calendar_service.get_calendar(settings)
    assert cal.version != base.version
    assert due(cal, "2026-03-04T07:10", 1) == "2026-03-05T07:30:00+07:00"
    assert cal.appointment(at("2026-03-04T10:00"), 0).due.isoformat() == (
        "2026-03-04T16:30:00+07:00"
    )
    assert due(cal, "2026-03-04T16:00", 1, "working_hours") == "2026-03-05T08:00:00+07:00"


def test_calendar_version_is_stable(data_dir) -> None:
    a = calendar_service.get_calendar(make_settings(data_dir))
    calendar_service.clear_cache()
    b = calendar_service.get_calendar(make_settings(data_dir))
    assert a is not b and a.version == b.version
    assert a.version.startswith("cal1-")
    assert calendar_service.get_calendar(make_settings(data_dir)) is b  # cached
    assert a.appointment(at("2026-03-04T10:00"), 1).calendar_version == a.version


# ---------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("duration", "unit", "field"),
    [
        (-1, "working_days", "duration"),
        ("-0.5", "working_hours", "duration"),
        ("abc", "working_days", "duration"),
        (1.5, "working_days", "duration"),
        (True, "working_days", "duration"),
        ("nan", "working_hours", "duration"),
        (2, "same_day", "duration"),
        (1, "weeks", "unit"),
    ],
)
def test_bad_input_names_the_field(cal: WorkCalendar, duration, unit, field) -> None:
    with pytest.raises(BadInput) as exc:
        cal.appointment(at("2026-03-04T10:00"), duration, unit)
    assert exc.value.field == field
    assert "/" in exc.value.message  # Vietnamese / English


def test_received_out_of_range_or_not_a_datetime(cal: WorkCalendar) -> None:
    with pytest.raises(BadInput) as exc:
        cal.appointment(dt.datetime(1980, 1, 1, 9), 1)
    assert exc.value.field == "received_at"
    with pytest.raises(BadInput) as exc:
        cal.appointment(D(2026, 3, 4), 1)  # type: ignore[arg-type]
    assert exc.value.field == "received_at"


def test_working_time_validation() -> None:
    with pytest.raises(BadInput):
        WorkingTime(((600, 500),))
    with pytest.raises(BadInput):
        WorkingTime(((420, 700), (600, 900)))
    with pytest.raises(BadInput):
        WorkingTime(weekdays=frozenset({0}))
    wt = WorkingTime.from_strings(["07:00-11:30", "13:30-17:00"], [1, 2, 3, 4, 5])
    assert wt == WorkingTime()


def test_domain_calendar_without_config_or_computed_rows() -> None:
    """The pure object works from plain values; an official year never touches `holidays`."""
    rows = [DayRow(D(2030, 1, 1), "holiday", "Tết Dương lịch", "BLLĐ")]
    cal = WorkCalendar(notices=[notice_from_rows(rows, [2030])], use_computed=False)
    assert not cal.is_working_day(D(2030, 1, 1))
    assert cal.appointment(dt.datetime(2029, 12, 31, 9), 1).due.isoformat() == (
        "2030-01-02T09:00:00+07:00"
    )


def test_domain_is_pure_and_lazy() -> None:
    code = (
        "import sys; import counter_app.domain.calendar as c; "
        "bad = [m for m in ('holidays', 'pydantic', 'sqlmodel', 'textual', 'httpx', "
        "'counter_app.config') if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""


def test_prewarm_computes_current_and_next_year(data_dir) -> None:
    cal = calendar_service.prewarm(make_settings(data_dir), today=D(2026, 11, 23))
    assert 2026 in cal._years and 2027 in cal._years
    assert calendar_service.get_calendar(make_settings(data_dir)) is cal
