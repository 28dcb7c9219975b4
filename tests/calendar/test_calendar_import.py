"""Importing an official notice: validation naming the field, atomic copy, layering."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from counter_app.errors import BadInput, NotAvailable
from counter_app.services import calendar as calendar_service
from tests.calendar.conftest import at, make_settings, notice_2027, write_json

D = dt.date


def _files(data_dir: Path) -> list[str]:
    d = data_dir / "calendar"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def test_import_replaces_computed_year(data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(data_dir)
    before = calendar_service.get_calendar(settings)
    assert before.appointment(at("2027-02-04T16:10"), 3).provisional
    result = calendar_service.import_notice(
        settings, write_json(tmp_path / "n.json", notice_2027())
    )
    assert not result.already_imported and result.years == [2027] and result.rows == 17
    assert result.path.parent == data_dir / "calendar"
    assert (data_dir / "calendar").stat().st_mode & 0o777 == 0o700
    cal = calendar_service.get_calendar(settings)
    assert cal is not before and cal.version != before.version
    assert result.calendar_version == cal.version
    assert not cal.is_provisional_year(2027)
    # Thu 04/02/2027 is now a working day; Tết off Fri 05 → Fri 12; Sat 20/02 worked
    appt = cal.appointment(at("2027-02-04T16:10"), 3)
    assert appt.due.isoformat() == "2027-02-17T16:10:00+07:00"
    assert not appt.provisional and "dự kiến" not in appt.rule
    assert cal.is_working_day(D(2027, 2, 20))
    assert not cal.is_working_day(D(2027, 9, 1)) and cal.is_working_day(D(2027, 9, 3))
    rows = cal.holidays_in_year(2027)
    assert all(not r.provisional for r in rows)
    assert {r.source for r in rows} == {"TB 9999/TB-BNV (thử nghiệm)"}
    # another process (fresh cache) sees the same
    calendar_service.clear_cache()
    assert calendar_service.get_calendar(settings).version == cal.version


def test_import_twice_is_a_no_op(data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(data_dir)
    f = write_json(tmp_path / "n.json", notice_2027())
    first = calendar_service.import_notice(settings, f)
    second = calendar_service.import_notice(settings, f)
    assert second.already_imported and second.path == first.path
    assert len(_files(data_dir)) == 1


def test_later_notice_adds_a_swap(data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(data_dir)
    calendar_service.import_notice(settings, write_json(tmp_path / "a.json", notice_2027()))
    swap = {
        "format": "counter-app.calendar-notice",
        "format_version": 1,
        "source": "CV 1/VPCP-KGVX (thử nghiệm)",
        "years": [2027],
        "days": [
            {"date": "2027-04-29", "kind": "off", "name": "Nghỉ hoán đổi"},
            {"date": "2027-04-24", "kind": "worked", "name": "Làm bù"},
            {"date": "2027-02-12", "kind": "worked", "name": "Đi làm (hủy ngày nghỉ)"},
        ],
    }
    calendar_service.import_notice(settings, write_json(tmp_path / "b.json", swap))
    cal = calendar_service.get_calendar(settings)
    assert not cal.is_working_day(D(2027, 4, 29))
    assert cal.is_working_day(D(2027, 4, 24))
    assert cal.is_working_day(D(2027, 2, 12))  # the later row wins
    assert not cal.is_working_day(D(2027, 2, 11))
    assert len(_files(data_dir)) == 2


def test_incomplete_year_is_refused_and_nothing_is_copied(data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(data_dir)
    doc = notice_2027()
    doc["days"] = [d for d in doc["days"] if d["date"] != "2027-04-16"]
    with pytest.raises(BadInput) as exc:
        calendar_service.import_notice(settings, write_json(tmp_path / "n.json", doc))
    assert exc.value.field == "days" and "16/04/2027" in str(exc.value)
    assert _files(data_dir) == []
    # a notice with only Tết for a year nobody covered yet is refused the same way
    only_tet = notice_2027()
    only_tet["days"] = only_tet["days"][1:10]
    with pytest.raises(BadInput, match="01/01/2027"):
        calendar_service.import_notice(settings, write_json(tmp_path / "t.json", only_tet))
    assert _files(data_dir) == []


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.update(format="other"), "format"),
        (lambda d: d.update(format_version=2), "format_version"),
        (lambda d: d.update(years=[]), "years"),
        (lambda d: d.update(years=["2027"]), "years"),
        (lambda d: d.update(extra=1), "extra"),
        (lambda d: d["days"][1].update(kind="vacation"), "days[1].kind"),
        (lambda d: d["days"][2].update(date="2027-02-30"), "days[2].date"),
        (lambda d: d["days"][2].update(date="07/02/2027"), "days[2].date"),
        (lambda d: d["days"][3].update(date="2028-01-01"), "days[3].date"),
        (lambda d: d["days"][4].update(date="2027-02-05"), "days[4].date"),
        (lambda d: d["days"][5].update(name=""), "days[5].name"),
        (lambda d: d["days"][5].update(colour="red"), "days[5].colour"),
        (lambda d: (d.pop("source"), d["days"][0].pop("source", None)), "days[0].source"),
        (lambda d: d.update(days="none"), "days"),
    ],
)
def test_bad_notice_names_the_field(data_dir: Path, tmp_path: Path, mutate, field: str) -> None:
    doc = notice_2027()
    mutate(doc)
    f = write_json(tmp_path / "bad.json", doc)
    with pytest.raises(BadInput) as exc:
        calendar_service.import_notice(make_settings(data_dir), f)
    assert exc.value.field == field
    assert field in str(exc.value) and str(f) in str(exc.value)
    assert _files(data_dir) == []


def test_unreadable_files(data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(data_dir)
    with pytest.raises(NotAvailable):
        calendar_service.import_notice(settings, tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "counter-app.calendar-notice",\n  "years": [2027,]}')
    with pytest.raises(BadInput, match="dòng 2"):
        calendar_service.import_notice(settings, broken)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"name": "T\xeat"}')
    with pytest.raises(BadInput, match="UTF-8"):
        calendar_service.import_notice(settings, latin)
    with pytest.raises(BadInput):
        calendar_service.import_notice(settings, tmp_path)
    assert _files(data_dir) == []


def test_rows_printed_by_holidays_can_be_reimported(data_dir: Path, tmp_path: Path) -> None:
    """The documented workflow: start from the computed rows, wrap them as a notice."""
    settings = make_settings(data_dir)
    cal = calendar_service.get_calendar(settings)
    days = [r.to_dict() for r in cal.holidays_in_year(2028)]
    doc = {
        "format": "counter-app.calendar-notice",
        "format_version": 1,
        "years": [2028],
        "days": days,
    }
    calendar_service.import_notice(settings, write_json(tmp_path / "n.json", doc))
    cal2 = calendar_service.get_calendar(settings)
    assert not cal2.is_provisional_year(2028)
    assert [(r.date, r.kind) for r in cal2.holidays_in_year(2028)] == [
        (r.date, r.kind) for r in cal.holidays_in_year(2028)
    ]


def test_corrupted_imported_file_is_reported(data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(data_dir)
    result = calendar_service.import_notice(
        settings, write_json(tmp_path / "n.json", notice_2027())
    )
    result.path.write_text(json.dumps({"format": "counter-app.calendar-notice"}))
    calendar_service.clear_cache()
    with pytest.raises(BadInput) as exc:
        calendar_service.get_calendar(settings)
    assert result.path.name in str(exc.value)


def test_correction_for_a_shipped_year_merges_with_the_asset(
    data_dir: Path, tmp_path: Path
) -> None:
    settings = make_settings(data_dir)
    doc = {
        "format": "counter-app.calendar-notice",
        "format_version": 1,
        "source": "CV 2/VPCP-KGVX (thử nghiệm)",
        "years": [2026],
        "days": [{"date": "2026-12-31", "kind": "off", "name": "Nghỉ hoán đổi"}],
    }
    calendar_service.import_notice(settings, write_json(tmp_path / "n.json", doc))
    cal = calendar_service.get_calendar(settings)
    assert not cal.is_working_day(D(2026, 12, 31))
    assert not cal.is_working_day(D(2026, 2, 17))  # the shipped Tết rows are kept
    assert cal.is_working_day(D(2026, 1, 10))


def test_weekend_statutory_day_need_not_be_listed(data_dir: Path, tmp_path: Path) -> None:
    doc = notice_2027()
    # 1/5/2027 and the first lunar day 06/02/2027 fall on Saturday
    doc["days"] = [d for d in doc["days"] if d["date"] not in ("2027-05-01", "2027-02-06")]
    calendar_service.import_notice(make_settings(data_dir), write_json(tmp_path / "n.json", doc))
    doc["days"] = [d for d in doc["days"] if d["date"] != "2027-04-30"]  # a Friday: required
    other = make_settings(tmp_path / "other")  # no earlier notice to complete the year
    with pytest.raises(BadInput, match="30/04/2027"):
        calendar_service.import_notice(other, write_json(tmp_path / "m.json", doc))
