"""The reception wizard driven from the keyboard only (Pilot), on a real SQLite store."""

from __future__ import annotations

from counter_app.services import dossiers, drafts
from counter_app.ui.screens.reception import ReceptionScreen

from .conftest import APPLICANT, HostApp, type_text


async def fill_applicant(pilot) -> None:
    await pilot.press("enter")  # empty QR field → ID number
    await type_text(pilot, APPLICANT["id_number"])
    await pilot.press("enter")
    await type_text(pilot, APPLICANT["dob"])
    await pilot.press("enter")
    await type_text(pilot, APPLICANT["full_name"])
    await pilot.press("enter", "enter")  # name → sex (left empty) → phone
    await type_text(pilot, APPLICANT["phone"])
    await pilot.press("enter", "enter")  # phone → address (empty) → next step


async def test_receive_complete_dossier_by_keys(ctx) -> None:
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReceptionScreen)
        await fill_applicant(pilot)
        assert screen.step == "procedure", screen.query_one("#message").render()
        await type_text(pilot, "khai sinh")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.step == "checklist"
        assert screen.proc["code"] == "1.001193"
        await pilot.press("f4")
        await pilot.press("ctrl+n")
        assert screen.step == "fee"
        await pilot.press("ctrl+n")
        assert screen.step == "review"
        await pilot.press("f9")
        await pilot.pause()
        assert screen.step == "done", str(screen.query_one("#message").render())
        await app.workers.wait_for_complete()
        await pilot.pause()
    stored = dossiers.list_dossiers(ctx.store)
    assert len(stored) == 1
    d = stored[0]
    assert d["status"] == "received"
    assert d["applicant"]["full_name"] == APPLICANT["full_name"]
    assert d["applicant"]["date_of_birth"] == "1990-03-15"
    assert d["procedure_code"] == "1.001193"
    assert d["officer"] == "canbo1"
    assert d["appointment_at"].startswith("2026-11-23T17:00")  # same day, before 15:00
    assert drafts.load(ctx.store, "canbo1") is None
