from __future__ import annotations

import datetime as dt

from counter_app.services.queue_client import QueueClient
from counter_app.ui.screens.live_view import LiveViewApp, LiveViewScreen, summarize
from tests.board.conftest import wait_for


def test_summarize_waits_alerts_and_totals() -> None:
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    status = {
        "counts": {"A": {"waiting": 2, "done": 3, "no_show": 1}, "B": {"called": 1}},
        "waiting": [
            {"number": "A010", "service": "A", "issued_at": "2026-11-23T08:30:00+00:00"},
            {"number": "A011", "service": "A", "issued_at": "2026-11-23T08:40:00+00:00"},
        ],
        "average_wait_seconds": 300.0,
        "average_service_seconds": None,
    }
    d = summarize(status, now, alert_seconds=20 * 60)
    assert d["services"]["A"] == {
        "waiting": 2,
        "longest": 1800.0,
        "average": 1500.0,
        "alert": True,
    }
    assert d["services"]["B"]["waiting"] == 0 and not d["services"]["B"]["alert"]
    assert [a["number"] for a in d["alerts"]] == ["A010", "A011"]  # 20 min counts as late
    assert (d["issued"], d["done"], d["no_show"], d["waiting"]) == (7, 3, 1, 2)
    assert summarize(status, now, alert_seconds=3600)["alerts"] == []


async def test_live_view_follows_the_server(server_factory) -> None:
    srv = server_factory(demo=True)
    sup = QueueClient(srv.url, username="giamsat", password="demo")
    officer = QueueClient(srv.url, username="canbo1", password="demo")
    app = LiveViewApp(sup, alert_minutes=20)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = app.screen
        assert isinstance(screen, LiveViewScreen)
        await wait_for(pilot, lambda: screen.connected and screen.digest is not None, 15)
        no_show_before = screen.digest["no_show"]
        officer.issue("A")
        counter = next(
            c["code"]
            for c in officer.status()["counters"]
            if "A" in c["services"] and c["current"] is None
        )
        ticket = officer.call_next(counter)
        assert ticket
        table = screen.query_one("#lv-counters")

        def shows_ticket() -> bool:
            row = table.get_row(counter)
            return row[3] == ticket["number"] and row[2] == "đang gọi"

        await wait_for(pilot, shows_ticket, 2.0)
        officer.no_show(counter)
        await wait_for(pilot, lambda: screen.digest["no_show"] == no_show_before + 1, 2.0)
        await wait_for(pilot, lambda: table.get_row(counter)[2] == "rảnh", 2.0)
        assert "Vắng mặt: " + str(no_show_before + 1) in str(
            screen.query_one("#lv-summary").render()
        )
        # no alert at 20 minutes for fresh tickets; with a 0 threshold every waiting one alerts
        alert = screen.query_one("#lv-alert")
        assert not alert.display
        waiting = officer.issue("B")
        await wait_for(
            pilot, lambda: any(t["id"] == waiting["id"] for t in screen.last_status["waiting"]), 2
        )
        screen.alert_seconds = 0
        screen._tick()
        await pilot.pause()
        assert alert.display and "công dân chờ quá" in str(alert.render())
        assert waiting["number"] in str(alert.render()) or len(screen.digest["alerts"]) > 5
        assert screen.digest["services"]["B"]["alert"]


async def test_live_view_in_english(server_factory) -> None:
    """The supervisor's view follows the UI language, also when switched while it is open (the
    public board stays Vietnamese)."""
    from counter_app.ui import i18n

    srv = server_factory(demo=True)
    sup = QueueClient(srv.url, username="giamsat", password="demo")
    i18n.set_language("vi")
    try:
        app = LiveViewApp(sup, alert_minutes=0)  # every waiting ticket alerts
        async with app.run_test(size=(140, 50)) as pilot:
            screen = app.screen
            await wait_for(pilot, lambda: screen.connected and screen.digest is not None, 15)
            await pilot.pause()

            def text(selector: str) -> str:
                return str(screen.query_one(selector).render())

            assert text("#lv-title").startswith("GIÁM SÁT HÀNG ĐỢI — trung tâm DEMO — ")
            i18n.set_language("en")
            screen.relabel()  # what the TUI does on F2
            await pilot.pause()
            assert text("#lv-title").startswith("QUEUE SUPERVISION — center DEMO — ")
            assert "Issued: " in text("#lv-summary") and "Average wait: " in text("#lv-summary")
            assert "citizens have waited over 0:00" in text("#lv-alert")
            services = screen.query_one("#lv-services")
            assert [str(c.label) for c in services.columns.values()] == [
                "Service", "Waiting", "Longest wait", "Average wait"
            ]
            assert str(services.get_row("A")[0]) == "A Civil status"
            footer = " ".join(str(k.render()) for k in screen.query("FooterKey"))
            assert "Close" in footer and "Quit" in footer and "Thoát" not in footer
            counters = screen.query_one("#lv-counters")
            assert {str(counters.get_row(k)[2]) for k in ("Q1", "Q2")} <= {
                "idle", "called", "serving"
            }
    finally:
        i18n.set_language("vi")
