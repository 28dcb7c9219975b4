"""From the lookup, as an officer would (issue 19 §3): forward a received dossier to the body that
decides it (Ctrl+G, form 06 printed), see the chain, take back what the body returns (Ctrl+B):
wrong keys and missing reasons are said in the dialog and change nothing."""

from __future__ import annotations

from textual.widgets import Input, Static

from counter_app.services import dossiers
from counter_app.ui.screens.lookup import LookupScreen
from tests.forms import pdftools as pt

from .conftest import HostApp, type_text
from .test_lookup_supervisor import receive


def _error(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#act-error", Static).render())


def _set(app, key: str, value: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one(f"#act-{key}", Input).value = value


async def _confirm(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f9")
    await pilot.pause()


async def test_forward_then_take_back_from_the_lookup(ctx) -> None:
    d = receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15")
    app = HostApp(ctx, LookupScreen)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "thu huong")
        await pilot.pause()
        assert screen.current["code"] == d["code"]
        await pilot.press("down")
        assert screen.check_action("handback", ()) is False  # nothing to take back yet
        await pilot.press("ctrl+g")
        await pilot.pause()
        # the procedure's competent body is offered
        assert app.screen.query_one("#act-to_body", Input).value == d["competent_agency"]
        _set(app, "to_body", "Phòng Văn hóa - Xã hội")
        _set(app, "kind", "7")
        await _confirm(app, pilot)
        assert "1, 2 hoặc 3" in _error(app)
        _set(app, "kind", "1")
        _set(app, "due", "30/11/2026 09:30")  # after the appointment (25/11)
        await _confirm(app, pilot)
        assert "không được sau ngày hẹn" in _error(app)
        assert dossiers.get(ctx.store, d["code"])["status"] == "received"
        _set(app, "due", "")
        _set(app, "receiver", "Nguyễn Văn Bình")
        await _confirm(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        out = dossiers.get(ctx.store, d["code"])
        assert out["status"] == "processing" and out["handovers"][0]["receiver"] == "Nguyễn Văn Bình"
        control = ctx.settings.data_dir / "forms" / f"{d['code']}-control.pdf"
        assert "Phòng Văn hóa - Xã hội" in pt.flat(pt.text(control))
        detail = str(screen.query_one("#lk-detail", Static).render())
        assert "Phòng Văn hóa - Xã hội" in detail and "đang xử lý tại cơ quan" in detail
        # while the body has it, "result ready" goes through the body
        assert screen.check_action("mark_done", ()) is None
        assert screen.check_action("forward", ()) is False
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.screen.query_one("#act-giver", Input).value == "Nguyễn Văn Bình"
        _set(app, "result", "3")
        await _confirm(app, pilot)
        assert "cần ghi lý do" in _error(app)
        _set(app, "result", "1")
        await _confirm(app, pilot)
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        back = dossiers.get(ctx.store, d["code"])
        assert back["status"] == "done" and back["handovers"][0]["timing"] == "early"
        msg = str(screen.query_one("#lk-message", Static).render())
        assert "Có kết quả" in msg and "Trước hạn" in msg
        await pilot.press("ctrl+k")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Trước hạn" in pt.flat(pt.text(control))


async def test_supervisor_sees_overdue_bodies_and_unsent_dossiers_and_opens_one(ctx) -> None:
    import datetime as dt

    from textual.widgets import DataTable

    from counter_app.services import forwarding
    from counter_app.ui.screens.supervisor import SupervisorScreen

    from .conftest import FROZEN_NOW

    held = receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15")
    idle = receive(ctx, "Phạm Văn Đức", "001085000123", "1985-01-01")
    forwarding.forward(ctx.store, ctx.settings, held["code"], to_body="Phòng Kinh tế",
                       kind="commune", actor="canbo1", now=FROZEN_NOW,
                       due=FROZEN_NOW + dt.timedelta(hours=2))
    later = FROZEN_NOW + dt.timedelta(days=1)  # Tue 24/11 09:30
    ctx.extras["clock"] = lambda: later
    app = HostApp(ctx, SupervisorScreen)
    async with app.run_test(size=(110, 60)) as pilot:
        await pilot.pause()
        screen = app.screen
        overdue = screen.query_one("#sv-held", DataTable)
        unsent = screen.query_one("#sv-unsent", DataTable)
        assert [str(k.value) for k in overdue.rows] == [held["code"]]
        assert [str(k.value) for k in unsent.rows] == [idle["code"]]
        assert "Phòng Kinh tế" in [str(c) for c in overdue.get_row_at(0)]
        assert "(1)" in str(screen.query_one("#sv-held-label", Static).render())
        overdue.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.current is not None and app.screen.current["code"] == held["code"]
        assert "QUÁ HẠN" in str(app.screen.query_one("#lk-detail", Static).render())
