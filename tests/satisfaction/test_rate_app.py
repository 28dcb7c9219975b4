"""The citizen's rating terminal (`counter-app rate`), driven with the keys and taps a citizen
uses, on a real store shared with the counter: idle → ask → (reasons) → thanks → idle."""

from __future__ import annotations

import datetime as dt

from textual.widgets import ContentSwitcher, Static

from counter_app.config import Settings
from counter_app.services import satisfaction
from counter_app.store.db import Store
from counter_app.store.models import Rating
from counter_app.ui import i18n
from counter_app.ui.rate_app import RateApp
from tests.satisfaction.tickets import serve_ticket


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=7)))


def _ratings(store: Store) -> list[Rating]:
    with store.read() as s:
        return list(s.exec(Rating.__table__.select()).all())


async def _wait_page(app: RateApp, pilot, page: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(60):
        if app.query_one(ContentSwitcher).current == page:
            return
        await pilot.pause(0.05)
    raise AssertionError(f"page {app.query_one(ContentSwitcher).current}, expected {page}")


async def test_unsatisfied_with_reasons_then_idle(store: Store, settings: Settings) -> None:
    i18n.set_language("vi")
    app = RateApp(store, settings, "Q1", poll_s=0.05, thanks_s=0.3)
    async with app.run_test(size=(100, 32)) as pilot:
        await _wait_page(app, pilot, "idle")
        ticket = serve_ticket(store, settings, _now() - dt.timedelta(minutes=6))
        satisfaction.offer(store, settings, ticket, "Q1")
        await _wait_page(app, pilot, "ask")
        assert ticket.number in str(app.query_one("#ticket", Static).render())
        await pilot.press("3")
        await _wait_page(app, pilot, "reasons")
        await pilot.press("1", "2", "2", "6")  # wait, attitude (ticked twice: off), fees
        await pilot.press("enter", "enter")  # a second Enter while saving: one rating
        await _wait_page(app, pilot, "thanks")
        assert "Cảm ơn" in str(app.query_one("#thanks", Static).render())
        await _wait_page(app, pilot, "idle")
    rows = _ratings(store)
    assert len(rows) == 1 and rows[0].level == "unsatisfied" and rows[0].reasons == ["wait", "fees"]


async def test_touch_double_tap_and_english(store: Store, settings: Settings) -> None:
    i18n.set_language("vi")
    app = RateApp(store, settings, "Q1", poll_s=0.05, thanks_s=5)
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            ticket = serve_ticket(store, settings, _now() - dt.timedelta(minutes=6))
            satisfaction.offer(store, settings, ticket, "Q1")
            await _wait_page(app, pilot, "ask")
            await pilot.click("#language")
            assert "Are you satisfied" in str(app.query_one("#question", Static).render())
            await pilot.click("#level-very_satisfied")
            await pilot.click("#level-satisfied")  # a second tap lands on the next box
            await _wait_page(app, pilot, "thanks")
            assert "Thank you" in str(app.query_one("#thanks", Static).render())
    finally:
        i18n.set_language("vi")
    rows = _ratings(store)
    assert [r.level for r in rows] == ["very_satisfied"]


async def test_offer_for_another_counter_or_lapsed_is_not_shown(
    store: Store, settings: Settings
) -> None:
    app = RateApp(store, settings, "Q2", poll_s=0.05)
    async with app.run_test(size=(100, 32)) as pilot:
        ticket = serve_ticket(store, settings, _now() - dt.timedelta(minutes=6))
        satisfaction.offer(store, settings, ticket, "Q1")  # finished at Q1, terminal of Q2
        await pilot.pause(0.3)
        assert app.query_one(ContentSwitcher).current == "idle"
        await pilot.press("1")
    assert _ratings(store) == []
