"""Snapshots of the wizard's steps at 80×24 and 160×48 (frozen clock, fixed lookup code,
cursor blink off). Each step is reached by resuming a saved draft, as after a restart.

Update after an intended change: `uv run --frozen pytest tests/ui/reception/test_snapshots.py
--snapshot-update`, then look at the SVGs."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from textual.reactive import reactive
from textual.widgets import Input

from counter_app.domain import dossier as rules
from counter_app.services import catalog, drafts

from .conftest import FROZEN_NOW, HostApp, insert_procedures, make_ctx

APPLICANT = {
    "id_number": "001190012345",
    "date_of_birth": "15/03/1990",
    "full_name": "Nguyễn Thị Hường",
    "sex": "Nữ",
    "phone": "0912345678",
    "address": "Số 1 Hàng Bạc, Hoàn Kiếm, Hà Nội",
}


def draft_for(step: str) -> dict:
    complete = step in ("review", "done")
    return {
        "applicant": APPLICANT,
        "applicant_source": "qr",
        "search": "dang ky",
        "procedure": None if step in ("applicant", "procedure") else "1.000894",
        "components": [
            {"index": 1, "original": 1, "copy": 0, "presented": False, "note": ""},
            {"index": 2, "original": 1 if complete else 0, "copy": 0, "presented": False,
             "note": "" if complete else "hẹn nộp sau"},
        ],
        "copies": "1",
        "fee_overrides": {"Lệ phí đăng ký kết hôn": "20000"} if step != "checklist" else {},
        "reason": "",
        "note": "",
    }


@pytest.fixture(autouse=True)
def _deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "lookup_code", lambda code, rand=None: f"{code}-TEST42")
    blink = reactive(False, init=False)
    blink.__set_name__(Input, "cursor_blink")
    monkeypatch.setattr(Input, "cursor_blink", blink)


SIZES = [(80, 24), (160, 48)]
STEPS = ["applicant", "procedure", "checklist", "fee", "review", "done"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("step", STEPS)
def test_wizard_step_snapshot(step: str, size: tuple[int, int], snap_compare) -> None:
    # A fixed data dir: the done page shows the saved form's path.
    data_dir = Path(tempfile.gettempdir()) / "counter_app_snapshots" / f"{step}-{size[0]}x{size[1]}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    ctx = make_ctx(data_dir)
    insert_procedures(ctx.store)
    catalog.invalidate_cache()
    drafts.save(
        ctx.store, officer="canbo1", draft_id="0190f000-0000-7000-8000-000000000001",
        step="review" if step == "done" else step, data=draft_for(step), now=FROZEN_NOW,
    )
    from counter_app.ui.screens.reception import ReceptionScreen

    app = HostApp(ctx, ReceptionScreen)

    async def run_before(pilot) -> None:
        await pilot.pause()
        if step == "done":
            await pilot.press("f9")
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        ctx.close()
        shutil.rmtree(data_dir, ignore_errors=True)
