"""Snapshots of the sign-in, counter home, lock and help screens at 80×24 and 160×48.

The clock is frozen (conftest.NOW), the demo data is seeded at a fixed time, the cursor does not
blink. Update after an intended change:
`uv run --frozen pytest tests/ui/shell/test_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import pytest
from textual.reactive import reactive
from textual.widgets import Input

from counter_app.services.context import Officer
from counter_app.ui.app import make_app

SIZES = [(80, 24), (160, 48)]
OFFICER = Officer("canbo1", "Nguyễn Thị Lan", "officer", "Q1", "DEMO")


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    blink = reactive(False, init=False)
    blink.__set_name__(Input, "cursor_blink")
    monkeypatch.setattr(Input, "cursor_blink", blink)


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_sign_in(snap_compare, settings, ctx, clock, size) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)

    async def before(pilot) -> None:
        await pilot.press(*"canbo1")
        await pilot.press("enter")
        await pilot.press(*"sai")
        await pilot.press("enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_with_a_called_ticket(snap_compare, settings, ctx, clock, size) -> None:
    app = make_app(settings, ctx=ctx, clock=clock, officer=OFFICER)

    async def before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("f5")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_in_english(snap_compare, settings, ctx, clock, size) -> None:
    app = make_app(settings, ctx=ctx, clock=clock, officer=OFFICER)

    async def before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("f2")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=before)


def test_help(snap_compare, settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock, officer=OFFICER)

    async def before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_lock(snap_compare, settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock, officer=OFFICER)

    async def before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("ctrl+l")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
