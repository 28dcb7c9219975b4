"""The reception wizard driven from the keyboard only (Pilot), on a real SQLite store."""

from __future__ import annotations

from counter_app.services import dossiers, drafts
from counter_app.ui.screens.reception import ReceptionScreen

from .conftest import APPLICANT, HostApp, paste_text, type_text


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
        first = screen.form
        assert first is not None and first.path is not None and first.path.exists()
        first.path.unlink()
        await pilot.press("f8")  # print again (a jammed printer): the form is made again
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.step == "done" and screen.form is not None and screen.form.path.exists()
        assert len(dossiers.list_dossiers(ctx.store)) == 1  # F8 here refuses nothing
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


QR_TEXT = "001190012345||Lê Thị Hà|15031990|Nữ|Hà Nội|01012021"


async def to_review_incomplete(pilot, screen, *, keys: bool = False) -> None:
    """Applicant from a QR scan; marriage registration with one of two papers."""
    if keys:
        await type_text(pilot, QR_TEXT)  # a keyboard-wedge scanner types into the focused field
    else:
        await paste_text(pilot, QR_TEXT)
    await pilot.pause()
    assert screen.applicant_source == "qr"
    assert screen.query_one("#a-name").value == "Lê Thị Hà"
    await pilot.press("ctrl+n")
    if keys:
        await type_text(pilot, "ket hon")
    else:
        await paste_text(pilot, "ket hon")
    await pilot.press("enter")
    await pilot.pause()
    assert screen.step == "checklist"
    await type_text(pilot, "1")  # component 1: one original (focus starts there)
    await pilot.press("ctrl+n", "ctrl+n")
    assert screen.step == "review"


async def test_request_supplementation(ctx) -> None:
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await to_review_incomplete(pilot, screen, keys=True)
        assert screen.query_one("#b-receive").disabled
        await pilot.press("f9")  # receive is refused: a required component is missing
        await pilot.pause()
        assert screen.step == "review"
        assert "số 2" in str(screen.query_one("#message").render())
        assert dossiers.list_dossiers(ctx.store) == []
        await paste_text(pilot, "Nộp giấy xác nhận tình trạng hôn nhân")
        await pilot.press("f6")
        await pilot.pause()
        assert screen.step == "done"
        await app.workers.wait_for_complete()
    (d,) = dossiers.list_dossiers(ctx.store)
    assert d["status"] == "need_supplement"
    assert d["applicant"]["source"] == "qr"
    assert [m["index"] for m in d["missing"]] == [2]
    assert d["reason"] == "Nộp giấy xác nhận tình trạng hôn nhân"
    assert d["appointment_at"] is None


async def test_refuse_requires_reason(ctx) -> None:
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await to_review_incomplete(pilot, screen)
        await pilot.press("f8")
        await pilot.pause()
        assert screen.step == "review"
        assert "lý do" in str(screen.query_one("#message").render())
        assert dossiers.list_dossiers(ctx.store) == []
        await paste_text(pilot, "Không thuộc thẩm quyền")
        await pilot.press("f8")
        await pilot.pause()
        assert screen.step == "done"
        await app.workers.wait_for_complete()
        # A second F8 on the result page does not store a second dossier.
        await pilot.press("f8")
    (d,) = dossiers.list_dossiers(ctx.store)
    assert d["status"] == "refused"
    assert d["reason"] == "Không thuộc thẩm quyền"


async def test_applicant_checks_block_next_step(ctx) -> None:
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("enter")
        await type_text(pilot, "001090012345")  # 4th digit 0: a man born in the 1900s
        await pilot.press("enter")
        await type_text(pilot, "15032001")  # … but born in 2001
        await pilot.press("enter")
        await type_text(pilot, "Lan")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step == "applicant"
        assert "thế kỷ" in str(screen.query_one("#message").render())
        assert screen.focused is screen.query_one("#a-id")
        assert screen.query_one("#a-id").has_class("-invalid")
        # A bad QR text says so and keeps what was typed.
        await pilot.press("shift+tab")
        await paste_text(pilot, "not|a|card")
        await pilot.press("enter")
        await pilot.pause()
        assert "QR" in str(screen.query_one("#message").render())
        assert screen.query_one("#a-name").value == "Lan"


async def test_back_and_forth_keeps_input(ctx) -> None:
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await to_review_incomplete(pilot, screen)
        await pilot.press("ctrl+b", "ctrl+b")
        assert screen.step == "checklist"
        assert screen.query_one("#orig-1").value == "1"
        await pilot.press("ctrl+b", "ctrl+b")
        assert screen.step == "applicant"
        assert screen.query_one("#a-id").value == "001190012345"
        await pilot.press("ctrl+n", "ctrl+n")
        assert screen.step == "checklist"
        assert screen.query_one("#orig-1").value == "1"


async def test_english_labels(ctx) -> None:
    from counter_app.ui import i18n

    i18n.set_language("en")
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "Applicant" in str(screen.query_one("#stepbar").render())
        await pilot.press("ctrl+n")  # nothing typed: the ID number is missing
        await pilot.pause()
        assert screen.step == "applicant"
        assert "ID number is missing" in str(screen.query_one("#message").render())


async def test_language_switch_keeps_input(ctx) -> None:
    """The shell calls relabel() on every screen after F2: texts change, input stays."""
    from counter_app.ui import i18n

    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await paste_text(pilot, QR_TEXT)
        await pilot.press("ctrl+n")
        await paste_text(pilot, "ket hon")
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "1")
        i18n.set_language("en")
        screen.relabel()
        await pilot.pause()
        await pilot.pause()
        assert screen.step == "checklist"
        assert "Components" in str(screen.query_one("#stepbar").render())
        assert screen.query_one("#orig-1").value == "1"
        assert screen.query_one("#a-name").value == "Lê Thị Hà"
        await pilot.press("ctrl+b", "ctrl+b")
        assert screen.step == "applicant"


async def test_ticket_being_served_is_linked(ctx) -> None:
    ctx.extras["current_ticket"] = {"number": "A023", "state": "serving"}
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.ticket == "A023"
        await pilot.press("f3", "f3")  # discard and start again: still the same citizen
        await pilot.pause()
        assert screen.ticket == "A023"
        assert screen.collect()["ticket"] == "A023"


async def test_a_too_long_paste_is_refused_with_a_reason(ctx) -> None:
    """A 5,000-character paste into the name used to be dropped without a word."""
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        name = screen.query_one("#a-name")
        name.focus()
        await pilot.pause()
        assert app.focused is name
        await paste_text(pilot, "Nguyễn " * 715)
        await pilot.pause()
        message = str(screen.query_one("#message").render())
        assert "5005" in message and "100" in message, message
        assert name.value == "" and name.has_class("-invalid")


async def test_a_one_letter_name_is_refused(ctx) -> None:
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("enter")
        await type_text(pilot, APPLICANT["id_number"])
        await pilot.press("enter")
        await type_text(pilot, APPLICANT["dob"])
        await pilot.press("enter")
        await type_text(pilot, "A")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step == "applicant"
        assert "ít nhất 2 chữ cái" in str(screen.query_one("#message").render())


async def test_resumed_draft_says_the_local_time(ctx) -> None:
    """Drafts are stamped in UTC; the message says the time as the header's clock does."""
    import datetime as dt

    from sqlmodel import select

    from counter_app.store.models import Draft as DraftRow

    drafts.save(
        ctx.store,
        officer="canbo1",
        draft_id="d-local-time",
        step="applicant",
        data={"applicant": {"full_name": "Lê Hà"}},
    )
    with ctx.store.write() as s:
        row = s.exec(select(DraftRow)).one()
        row.updated_at = dt.datetime(2026, 11, 23, 1, 15, tzinfo=dt.UTC).isoformat()  # 08:15 here
        s.add(row)
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = str(app.screen.query_one("#message").render())
        assert "08:15" in message and "01:15" not in message, message


async def test_channel_chosen_in_review_is_recorded(ctx) -> None:
    """A dossier that came by post: the officer picks the channel by keys in the review step
    (at the counter unless said); it is kept in the draft and recorded with the dossier."""
    from textual.widgets import Select

    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await to_review_incomplete(pilot, screen)
        channel = screen.query_one("#r-channel", Select)
        assert channel.value == "counter"
        await pilot.press("shift+tab")  # from the reason field up to the channel
        assert app.focused is channel
        await pilot.press("enter", "down", "enter")  # the list opens on "Trực tiếp"
        await pilot.pause()
        assert channel.value == "post", channel.value
        assert screen.collect()["channel"] == "post"
        await pilot.press("tab")
        await paste_text(pilot, "Nộp giấy xác nhận tình trạng hôn nhân")
        await pilot.press("f6")
        await pilot.pause()
        assert screen.step == "done", str(screen.query_one("#message").render())
        await app.workers.wait_for_complete()
    (d,) = dossiers.list_dossiers(ctx.store)
    assert d["channel"] == "post" and d["status"] == "need_supplement"
