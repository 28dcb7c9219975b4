"""Fixtures for the reception wizard, lookup and supervisor screens.

A minimal host App pushes one of our screens with an AppContext on a temporary store (a real
SQLite file, migrations run) holding a few procedures inserted directly, so these tests do not
depend on the app shell. The clock is frozen through `ctx.extras["clock"]`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.app import App
from textual.screen import Screen

from counter_app.config import load_settings
from counter_app.domain.text import fold
from counter_app.services.context import AppContext, Officer
from counter_app.store.db import Store
from counter_app.store.models import Procedure

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 23 Nov 2026, 09:30 — the next day (24/11) is a public holiday from 2026.
FROZEN_NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=TZ)

PROCEDURES = [
    {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "level": "xa",
        "processing_unit": "same_day",
        "processing_value": 0,
        "fees": [{"name": "Lệ phí đăng ký khai sinh đúng hạn", "amount_vnd": 0, "note": "Miễn"}],
        "components": [
            {"index": 1, "name": "Tờ khai đăng ký khai sinh", "original": 1, "copy": 0, "required": True},
            {"index": 2, "name": "Giấy chứng sinh", "original": 1, "copy": 0, "required": True},
            {"index": 3, "name": "Giấy tờ tùy thân của người yêu cầu", "original": 0, "copy": 0, "required": True},
            {"index": 4, "name": "Văn bản ủy quyền (nếu nộp thay)", "original": 1, "copy": 0, "required": False},
        ],
    },
    {
        "code": "1.000894",
        "name": "Đăng ký kết hôn",
        "field": "Hộ tịch",
        "level": "xa",
        "processing_unit": "working_days",
        "processing_value": 3,
        "fees": [{"name": "Lệ phí đăng ký kết hôn", "amount_vnd": None, "note": "Do HĐND tỉnh quy định"}],
        "components": [
            {"index": 1, "name": "Tờ khai đăng ký kết hôn", "original": 1, "copy": 0, "required": True},
            {"index": 2, "name": "Giấy xác nhận tình trạng hôn nhân", "original": 1, "copy": 0, "required": True},
        ],
    },
    {
        "code": "2.000815",
        "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "field": "Chứng thực",
        "level": "xa",
        "processing_unit": "working_days",
        "processing_value": 1,
        "fees": [{"name": "Phí chứng thực bản sao", "amount_vnd": 2000, "note": "mỗi trang"}],
        "components": [
            {"index": 1, "name": "Bản chính giấy tờ cần chứng thực", "original": 1, "copy": 1, "required": True},
        ],
    },
]

# A 1990-born woman: 4th digit 1 (female, 1900s), digits 5–6 "90".
APPLICANT = {
    "id_number": "001190012345",
    "full_name": "Nguyễn Thị Hường",
    "dob": "15031990",
    "phone": "0912345678",
}
KEY_NAMES = {" ": "space", "/": "slash", ".": "full_stop", "-": "minus", "|": "vertical_line"}


async def type_text(pilot, text: str) -> None:
    """Type `text` key by key, as an officer (or a keyboard-wedge scanner) would."""
    await pilot.press(*[KEY_NAMES.get(ch, ch) for ch in text])


async def paste_text(pilot, text: str) -> None:
    """Paste `text` into the focused widget (quicker than keys for long free text)."""
    from textual import events

    focused = pilot.app.focused
    assert focused is not None, "nothing has focus"
    focused.post_message(events.Paste(text))
    await pilot.pause()


def insert_procedures(store: Store) -> None:
    with store.write() as session:
        for p in PROCEDURES:
            session.add(
                Procedure(
                    code=p["code"],
                    version=1,
                    name=p["name"],
                    field=p["field"],
                    level=p["level"],
                    processing_value=p["processing_value"],
                    processing_unit=p["processing_unit"],
                    fees=p["fees"],
                    components=p["components"],
                    agency="UBND xã",
                    current=True,
                    search_key=f"{fold(p['name'])} | {fold(p['field'])} | {p['code'].lower()}",
                )
            )


def make_ctx(data_dir: Path, *, clock: Callable[[], dt.datetime] | None = None, lang: str = "vi") -> AppContext:
    settings = load_settings(data_dir=data_dir, lang=lang)
    ctx = AppContext.open(settings)
    ctx.officer = Officer(
        username="canbo1", full_name="Trần Văn Cán", counter_code="Q1", center_code="DEMO"
    )
    ctx.extras["clock"] = clock or (lambda: FROZEN_NOW)
    return ctx


class HostApp(App[None]):
    """Pushes one screen made by `factory(ctx)`; nothing else."""

    def __init__(self, ctx: AppContext, factory: Callable[[AppContext], Screen]) -> None:
        super().__init__()
        self.ctx = ctx
        self.factory = factory

    def on_mount(self) -> None:
        self.push_screen(self.factory(self.ctx))


@pytest.fixture
def data_path(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def ctx(data_path: Path) -> Iterator[AppContext]:
    from counter_app.services import catalog

    c = make_ctx(data_path)
    insert_procedures(c.store)
    catalog.invalidate_cache()
    yield c
    c.close()


@pytest.fixture(autouse=True)
def _vi_language() -> Iterator[None]:
    """Vietnamese by default; tests that switch language restore it."""
    from counter_app.ui import i18n_reception

    i18n_reception.set_lang("vi")
    try:
        from counter_app.ui import i18n

        i18n.set_language("vi")
    except ImportError:
        pass
    yield
    i18n_reception.set_lang("vi")
    try:
        from counter_app.ui import i18n

        i18n.set_language("vi")
    except ImportError:
        pass
