"""Whom the dossier is about, in the wizard (issue 19 §5): a birth registration asks for the
child on the checklist step, refuses to be received without it (back to the input), keeps it in
the draft, shows it on the review and result, and the supplementation dialog completes it."""

from __future__ import annotations

from counter_app.services import dossiers, drafts
from counter_app.ui.screens.lookup import LookupScreen
from counter_app.ui.screens.reception import ReceptionScreen
from counter_app.ui.widgets.reception_subjects import SubjectsPanel
from counter_app.ui.widgets.reception_supplement import SupplementDialog
from tests.helpers import ask_for_the_child

from .conftest import HostApp, paste_text, type_text
from .test_wizard import fill_applicant


def _message(screen) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one("#message").render())


async def _to_checklist(pilot, screen) -> None:  # type: ignore[no-untyped-def]
    await fill_applicant(pilot)
    await type_text(pilot, "khai sinh")
    await pilot.press("enter")
    await pilot.pause()
    assert screen.step == "checklist" and screen.proc["code"] == "1.001193"


async def test_birth_asks_for_the_child_and_prints_it(ctx) -> None:
    ask_for_the_child(ctx.store)
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        await _to_checklist(pilot, screen)
        panel = screen.query_one(SubjectsPanel)
        assert panel.display and app.focused is screen.query_one("#s-child-full_name")
        # Nothing typed for the child: the checklist goes on (it may be a refusal), but
        # receiving brings the officer back to the child's name.
        await pilot.press("f4", "ctrl+n", "ctrl+n")
        assert screen.step == "review"
        assert "✗ Người được đăng ký khai sinh: chưa nhập" in str(
            screen.query_one("#review-summary").render()
        )
        await pilot.press("f9")
        await pilot.pause()
        assert screen.step == "checklist", _message(screen)
        assert "người được đăng ký khai sinh" in _message(screen)
        assert app.focused is screen.query_one("#s-child-full_name")
        assert dossiers.list_dossiers(ctx.store) == []
        # A birth date after today is refused at the step itself, on its input.
        await type_text(pilot, "Nguyen Van Binh")
        await pilot.press("enter")
        await type_text(pilot, "24112026")
        await pilot.press("enter")
        await type_text(pilot, "Nam")
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.press("f9")
        await pilot.pause()
        assert screen.step == "checklist" and "sau hôm nay" in _message(screen)
        dob = screen.query_one("#s-child-date_of_birth")
        assert app.focused is dob and dob.has_class("-invalid")
        dob.value = ""
        await type_text(pilot, "01/11/2026")
        saved = drafts.load(ctx.store, "canbo1")
        await pilot.press("ctrl+n", "ctrl+n")
        review = str(screen.query_one("#review-summary").render())
        assert "Người được đăng ký khai sinh: Nguyen Van Binh, sinh ngày 01/11/2026, Nam" in review
        await pilot.press("f9")
        await pilot.pause()
        assert screen.step == "done", _message(screen)
        assert "Nguyen Van Binh" in str(screen.query_one("#result").render())
        await app.workers.wait_for_complete()
    assert saved is not None and saved.data["subjects"][0]["full_name"] == "Nguyen Van Binh"
    (d,) = dossiers.list_dossiers(ctx.store)
    assert d["subjects"] == [
        {"role": "child", "label": "Người được đăng ký khai sinh", "full_name": "Nguyen Van Binh",
         "date_of_birth": "2026-11-01", "sex": "Nam"}
    ]


async def test_a_resumed_draft_keeps_the_child(ctx) -> None:
    ask_for_the_child(ctx.store)
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await _to_checklist(pilot, app.screen)
        await paste_text(pilot, "Lò Thị Mai")
        app.screen.save_draft()
    again = HostApp(ctx, ReceptionScreen)
    async with again.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = again.screen
        assert screen.step == "checklist", _message(screen)
        assert screen.query_one("#s-child-full_name").value == "Lò Thị Mai"


async def test_supplementation_dialog_completes_the_child(ctx) -> None:
    ask_for_the_child(ctx.store)
    applicant = {"id_number": "001190012345", "full_name": "Nguyễn Thị Hường",
                 "date_of_birth": "1990-03-15"}
    d = dossiers.receive(
        ctx.store, ctx.settings,
        {"procedure": "1.001193", "applicant": applicant, "outcome": "supplement",
         "components": [{"index": 1, "original": 1}], "reason": "Thiếu giấy chứng sinh"},
        actor="canbo1",
    )
    app = HostApp(ctx, LookupScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.current = dossiers.get(ctx.store, d["code"])
        screen.action_supplemented()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SupplementDialog)
        await pilot.press("f4")  # every required paper handed over
        dialog.action_confirm()
        await pilot.pause()
        assert "người được đăng ký khai sinh" in str(dialog.query_one("#sup-error").render())
        dialog.query_one("#s-child-full_name").value = "Lò Văn Páo"
        dialog.query_one("#s-child-date_of_birth").value = "02/11/2026"
        dialog.query_one("#s-child-sex").value = "nam"
        dialog.action_confirm()
        await pilot.pause()
        await app.workers.wait_for_complete()
    got = dossiers.get(ctx.store, d["code"])
    assert got["status"] == "received"
    assert got["subjects"][0] | {} == {
        "role": "child", "label": "Người được đăng ký khai sinh", "full_name": "Lò Văn Páo",
        "date_of_birth": "2026-11-02", "sex": "Nam",
    }
