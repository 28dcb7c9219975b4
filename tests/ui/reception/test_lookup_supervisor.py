"""Lookup (by unaccented name), marking the result ready, returning it; the supervisor view."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Static

from counter_app.services import dossiers
from counter_app.ui.screens.lookup import LookupScreen
from counter_app.ui.screens.supervisor import SupervisorScreen

from .conftest import FROZEN_NOW, TZ, HostApp, paste_text, type_text


def receive(
    ctx, name: str, id_number: str, dob: str, *, when: dt.datetime = FROZEN_NOW, code="2.000815", ticket=None
) -> dict:
    return dossiers.receive(
        ctx.store,
        ctx.settings,
        {
            "procedure": code,
            "applicant": {"id_number": id_number, "full_name": name, "date_of_birth": dob, "phone": "0987654321"},
            "components": [{"index": 1, "original": 1, "copy": 1}],
            "ticket": ticket,
        },
        actor="canbo1",
        now=when,
    )


async def test_lookup_by_unaccented_name_done_and_return(ctx) -> None:
    d1 = receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15")
    receive(ctx, "Phạm Văn Đức", "001085000123", "1985-01-01")
    app = HostApp(ctx, LookupScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "thu huong")
        await pilot.pause()
        table = screen.query_one("#lk-results", DataTable)
        assert table.row_count == 1
        assert screen.current["code"] == d1["code"]
        # Returning before the result arrived is refused by the state machine (binding disabled).
        await pilot.press("f6")
        await pilot.pause()
        assert dossiers.get(ctx.store, d1["code"])["status"] == "received"
        await pilot.press("down")  # into the results
        await pilot.press("f5")  # result ready
        await pilot.pause()
        assert dossiers.get(ctx.store, d1["code"])["status"] == "done"
        assert "Có kết quả" in str(screen.query_one("#lk-detail", Static).render())
        await pilot.press("f6")
        await pilot.pause()
        # Name and ID prefilled from the applicant; confirming without "ID checked" is refused.
        await pilot.press("f9")
        await pilot.pause()
        assert "kiểm tra giấy tờ" in str(app.screen.query_one("#ret-error", Static).render())
        assert dossiers.get(ctx.store, d1["code"])["status"] == "done"
        await pilot.press("enter", "enter", "enter")  # card QR (none) → name → id → relation
        await type_text(pilot, "chinh chu")
        await pilot.press("enter", "space")  # → "ID checked" → tick it
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
    d = dossiers.get(ctx.store, d1["code"])
    assert d["status"] == "returned"
    assert d["returned_to"]["name"] == "Lê Thị Thu Hương"
    assert d["returned_to"]["id_checked"] is True
    assert [h["action"] for h in d["history"]] == ["receive", "transition", "returned"]


async def test_lookup_by_id_number_and_phone(ctx) -> None:
    d1 = receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15")
    app = HostApp(ctx, LookupScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "0011900")
        await pilot.pause()
        assert screen.current["code"] == d1["code"]
        from counter_app.ui import i18n

        i18n.set_language("en")
        screen.relabel()
        await pilot.pause()
        assert "Applicant:" in str(screen.query_one("#lk-detail", Static).render())
        i18n.set_language("vi")
        screen.relabel()
        await pilot.press("ctrl+f", "ctrl+u")
        await type_text(pilot, "zzzz")
        await pilot.pause()
        assert screen.current is None
        assert "Không tìm thấy" in str(screen.query_one("#lk-count", Static).render())


async def test_supervisor_counts_overdue_and_due_today(ctx) -> None:
    # Received last Monday with a 1-working-day procedure: overdue today.
    old = receive(ctx, "Phạm Văn Đức", "001085000123", "1985-01-01", when=FROZEN_NOW - dt.timedelta(days=7))
    # Received this morning, same-day procedure: due today at 17:00.
    today = dossiers.receive(
        ctx.store, ctx.settings,
        {
            "procedure": "1.001193",
            "applicant": {"id_number": "001190012345", "full_name": "Lê Thị Thu Hương", "date_of_birth": "1990-03-15"},
            "components": [
                {"index": 1, "original": 1}, {"index": 2, "original": 1}, {"index": 3, "presented": True},
            ],
        },
        actor="canbo1", now=FROZEN_NOW.replace(hour=8, tzinfo=TZ),
    )
    refused = dossiers.receive(
        ctx.store, ctx.settings,
        {
            "procedure": "1.001193", "outcome": "refuse", "reason": "Không thuộc thẩm quyền",
            "applicant": {"id_number": "001190012345", "full_name": "Lê Thị Thu Hương", "date_of_birth": "1990-03-15"},
        },
        actor="canbo1", now=FROZEN_NOW,
    )
    app = HostApp(ctx, SupervisorScreen)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.data["total"] == 2
        assert screen.data["by_status"] == {"received": 1, "refused": 1}
        overdue = screen.query_one("#sv-overdue", DataTable)
        due = screen.query_one("#sv-due", DataTable)
        assert [str(k.value) for k in overdue.rows] == [old["code"]]
        assert [str(k.value) for k in due.rows] == [today["code"]]
        assert refused["code"] not in [str(k.value) for k in due.rows]
        assert "Quá hạn (1)" in str(screen.query_one("#sv-overdue-label", Static).render())
        status = screen.query_one("#sv-status", DataTable)
        assert status.row_count == 2
        from counter_app.ui import i18n

        i18n.set_language("en")
        screen.relabel()
        await pilot.pause()
        assert "Overdue (1)" in str(screen.query_one("#sv-overdue-label", Static).render())
        assert "Received" in [str(c) for c in status.get_row_at(0)]


def _seed(ctx) -> None:
    from counter_app.domain import dossier as rules

    rules_lookup = rules.lookup_code
    rules.lookup_code = lambda code, rand=None: f"{code}-TEST42"
    try:
        receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15")
        receive(ctx, "Phạm Văn Đức", "001085000123", "1985-01-01", when=FROZEN_NOW - dt.timedelta(days=7))
    finally:
        rules.lookup_code = rules_lookup


def test_lookup_snapshot(ctx, snap_compare) -> None:
    _seed(ctx)

    async def run_before(pilot) -> None:
        await pilot.pause()
        await type_text(pilot, "huong")
        await pilot.pause()

    assert snap_compare(HostApp(ctx, LookupScreen), terminal_size=(80, 24), run_before=run_before)


def test_supervisor_snapshot(ctx, snap_compare) -> None:
    _seed(ctx)
    assert snap_compare(HostApp(ctx, SupervisorScreen), terminal_size=(80, 24))


async def test_supplementation_completed_at_lookup(ctx) -> None:
    """Requested on Monday; the papers come on Wednesday: received with a new due date, and the
    receipt is rendered (form 01)."""
    from pathlib import Path

    d = dossiers.receive(
        ctx.store, ctx.settings,
        {
            "procedure": "1.000894", "outcome": "supplement",
            "reason": "Thiếu giấy xác nhận tình trạng hôn nhân",
            "applicant": {"id_number": "001190012345", "full_name": "Lê Thị Hà", "date_of_birth": "1990-03-15"},
            "components": [{"index": 1, "original": 1}],
        },
        actor="canbo1", now=FROZEN_NOW,
    )
    later = FROZEN_NOW + dt.timedelta(days=2)  # Wednesday 25/11 09:30
    ctx.extras["clock"] = lambda: later
    app = HostApp(ctx, LookupScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await paste_text(pilot, d["code"])
        assert screen.current["status"] == "need_supplement"
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("f9")  # still missing: refused, the dialog stays
        await pilot.pause()
        assert "số 2" in str(app.screen.query_one("#sup-error", Static).render())
        await pilot.press("f4", "f9")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = str(screen.query_one("#lk-message", Static).render())
    stored = dossiers.get(ctx.store, d["code"])
    assert stored["status"] == "received"
    assert stored["appointment_at"].startswith("2026-11-30T09:30")  # 3 working days from Wed
    assert stored["missing"] == []
    pdf = Path(ctx.settings.data_dir) / "forms"
    assert any(p.name.endswith("-receipt.pdf") for p in pdf.iterdir()), message


async def test_lookup_by_queue_ticket_finds_each_of_its_dossiers(ctx) -> None:
    """One ticket may lead to several dossiers: typing its number finds them all, and the
    detail names the ticket."""
    d1 = receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15", ticket="B-07-012")
    d2 = receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15", ticket="B-07-012")
    receive(ctx, "Phạm Văn Đức", "001085000123", "1985-01-01", ticket="B-07-013")
    found = {d["code"] for d in dossiers.lookup(ctx.store, "b-07-012")}
    assert found == {d1["code"], d2["code"]}
    app = HostApp(ctx, LookupScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "B-07-012")
        await pilot.pause()
        assert screen.query_one("#lk-results", DataTable).row_count == 2
        assert "B-07-012" in str(screen.query_one("#lk-detail", Static).render())


async def test_supervisor_prints_the_book_for_a_period(ctx) -> None:
    """F7: form 07 for a period typed as dd/mm/yyyy (default: this month to today); a bad date
    is refused in the dialog; the book is made in a worker and its path shown."""
    from textual.widgets import Input

    from counter_app.services.book import default_book_path
    from counter_app.ui.widgets.dossier_action import DossierActionDialog
    from tests.forms import pdftools as pt

    receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15")
    receive(ctx, "Phạm Văn Đức", "001085000123", "1985-01-01", when=FROZEN_NOW - dt.timedelta(days=3))
    app = HostApp(ctx, SupervisorScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DossierActionDialog)
        assert dialog.query_one("#act-start", Input).value == "01/11/2026"
        assert dialog.query_one("#act-end", Input).value == "23/11/2026"
        dialog.query_one("#act-end", Input).value = "31/02/2026"
        await pilot.press("f9")
        await pilot.pause()
        assert app.screen is dialog
        assert "dd/mm/yyyy" in str(dialog.query_one("#act-error", Static).render())
        dialog.query_one("#act-end", Input).value = "22/11/2026"
        await pilot.press("f9")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#sv-updated", Static).render())
        assert "1 hồ sơ" in status, status
    path = default_book_path(ctx.settings, dt.date(2026, 11, 1), dt.date(2026, 11, 22))
    text = pt.flat(pt.text(path))
    assert "Phạm Văn Đức" in text and "Lê Thị Thu Hương" not in text  # 23/11 is outside
