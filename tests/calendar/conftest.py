"""Fixtures for the calendar tests: real settings, the shipped asset rows, a temp data dir."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from counter_app.config import Settings, load_settings
from counter_app.domain.calendar import WorkCalendar
from counter_app.services import calendar as calendar_service

VN = dt.timezone(dt.timedelta(hours=7))


def at(text: str) -> dt.datetime:
    """'2026-02-13T10:00' → aware datetime in +07:00."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    calendar_service.clear_cache()


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return load_settings(data_dir=data_dir)


@pytest.fixture
def cal(settings: Settings) -> WorkCalendar:
    return calendar_service.get_calendar(settings)


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    return load_settings(data_dir=data_dir, **overrides)


def notice_2027(**changes: Any) -> dict[str, Any]:
    """A complete, made-up official notice for 2027 with a Tết block that differs from the
    computed one (Fri 05/02 → Fri 12/02 off, Saturday 20/02 worked)."""
    src = "TB 9999/TB-BNV (thử nghiệm)"
    days = [
        ("2027-01-01", "holiday", "Tết Dương lịch"),
        ("2027-02-05", "holiday", "Giao thừa Tết Nguyên Đán"),
        ("2027-02-06", "holiday", "Tết Nguyên Đán (mùng một)"),
        ("2027-02-07", "holiday", "Mùng hai Tết Nguyên Đán"),
        ("2027-02-08", "holiday", "Mùng ba Tết Nguyên Đán"),
        ("2027-02-09", "holiday", "Mùng bốn Tết Nguyên Đán"),
        ("2027-02-10", "holiday", "Mùng năm Tết Nguyên Đán"),
        ("2027-02-11", "off", "Nghỉ Tết Nguyên Đán (hoán đổi)"),
        ("2027-02-12", "off", "Nghỉ Tết Nguyên Đán (hoán đổi)"),
        ("2027-02-20", "worked", "Ngày làm bù"),
        ("2027-04-16", "holiday", "Ngày Giỗ Tổ Hùng Vương"),
        ("2027-04-30", "holiday", "Ngày Chiến thắng"),
        ("2027-05-01", "holiday", "Ngày Quốc tế Lao động"),
        ("2027-05-03", "substitute", "Ngày Quốc tế Lao động (nghỉ bù)"),
        ("2027-09-01", "holiday", "Quốc khánh (ngày liền kề)"),
        ("2027-09-02", "holiday", "Quốc khánh"),
        ("2027-11-24", "holiday", "Ngày Văn hóa Việt Nam"),
    ]
    doc: dict[str, Any] = {
        "format": "counter-app.calendar-notice",
        "format_version": 1,
        "title": "Lịch nghỉ năm 2027 (thử nghiệm)",
        "source": src,
        "years": [2027],
        "days": [{"date": d, "kind": k, "name": n} for d, k, n in days],
    }
    doc.update(changes)
    return doc


def write_json(path: Path, obj: Any) -> Path:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
