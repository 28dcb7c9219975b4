"""Drafts: a killed wizard resumes where it was; a dossier is never received twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from counter_app.services import dossiers, drafts
from counter_app.ui.screens.reception import ReceptionScreen

from .conftest import HostApp, insert_procedures, make_ctx

ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent(
    """
    import asyncio, sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from tests.ui.reception.conftest import HostApp, insert_procedures, make_ctx, paste_text, type_text
    from counter_app.services import drafts
    from counter_app.ui.screens.reception import ReceptionScreen

    async def main():
        ctx = make_ctx(Path({data!r}))
        insert_procedures(ctx.store)
        app = HostApp(ctx, ReceptionScreen)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await paste_text(pilot, "001190012345|123456789|Nguyễn Thị Hường|15031990|Nữ|Hà Nội|01012021")
            await type_text(pilot, "0912345678")
            await pilot.press("ctrl+n")
            await type_text(pilot, "ket hon")
            await pilot.press("enter")
            await pilot.pause()
            await type_text(pilot, "1")  # typed after the last step change: saved by autosave
            deadline = time.monotonic() + 60
            saved = False
            while time.monotonic() < deadline and not saved:
                d = drafts.load(ctx.store, "canbo1")
                saved = bool(d and d.data["components"] and d.data["components"][0]["original"] == 1)
                await pilot.pause(0.2)
            print("READY" if saved else "NOT-SAVED", d.id if d else "-", flush=True)
            while True:  # wait to be killed
                await pilot.pause(0.5)

    asyncio.run(main())
    """
)


def test_drafts_service_roundtrip(data_path: Path) -> None:
    ctx = make_ctx(data_path)
    try:
        assert drafts.load(ctx.store, "canbo1") is None
        did = drafts.new_id()
        drafts.save(ctx.store, officer="canbo1", draft_id=did, step="fee", data={"x": 1})
        drafts.save(ctx.store, officer="canbo1", draft_id=did, step="review", data={"x": 2})
        d = drafts.load(ctx.store, "canbo1")
        assert (d.id, d.step, d.data) == (did, "review", {"x": 2})
        assert drafts.load(ctx.store, "canbo2") is None
        from counter_app.errors import BadInput

        with pytest.raises(BadInput):
            drafts.save(ctx.store, officer="canbo2", draft_id=did, step="fee", data={})
        with pytest.raises(BadInput):
            drafts.save(ctx.store, officer="canbo1", draft_id=did, step="nowhere", data={})
        assert drafts.discard(ctx.store, did) is True
        assert drafts.discard(ctx.store, did) is False
        assert drafts.load(ctx.store, "canbo1") is None
    finally:
        ctx.close()


async def test_resume_after_kill(data_path: Path) -> None:
    script = CHILD.format(root=str(ROOT), data=str(data_path))
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith(("READY", "NOT-SAVED")) or proc.poll() is not None:
                break
        assert line.startswith("READY"), proc.stderr.read()
        draft_id = line.split()[1]
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # a power cut: no clean shutdown
        proc.wait(timeout=10)
    ctx = make_ctx(data_path)
    try:
        app = HostApp(ctx, ReceptionScreen)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert screen.step == "checklist"
            assert screen.draft_id == draft_id
            assert "khôi phục" in str(screen.query_one("#message").render())
            assert screen.query_one("#a-id").value == "001190012345"
            assert screen.query_one("#a-phone").value == "0912345678"
            assert screen.proc["code"] == "1.000894"
            assert screen.query_one("#orig-1").value == "1"
            assert screen.query_one("#orig-2").value == "0"
            await pilot.press("f4", "ctrl+n", "ctrl+n", "f9")
            await pilot.pause()
            assert screen.step == "done", str(screen.query_one("#message").render())
            await app.workers.wait_for_complete()
        (d,) = dossiers.list_dossiers(ctx.store)
        assert d["id"] == draft_id  # the draft id is the dossier's client_id
        assert d["status"] == "received"
        assert drafts.load(ctx.store, "canbo1") is None
    finally:
        ctx.close()


async def test_receive_twice_gives_one_dossier(ctx) -> None:
    """Crash after the receipt was stored but before the draft was removed: reopening the
    wizard shows the stored dossier and never receives it again."""
    did = drafts.new_id()
    data = {
        "applicant": {"id_number": "001190012345", "full_name": "Nguyễn Thị Hường",
                      "date_of_birth": "15/03/1990"},
        "procedure": "2.000815",
        "components": [{"index": 1, "original": 1, "copy": 1, "presented": False, "note": ""}],
        "copies": "1",
    }
    drafts.save(ctx.store, officer="canbo1", draft_id=did, step="review", data=data)
    req = {
        "procedure": "2.000815",
        "applicant": {"id_number": "001190012345", "full_name": "Nguyễn Thị Hường",
                      "date_of_birth": "1990-03-15"},
        "components": [{"index": 1, "original": 1, "copy": 1}],
        "client_id": did,
    }
    first = dossiers.receive(ctx.store, ctx.settings, req, actor="canbo1")
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.step == "done"
        assert first["code"] in str(screen.query_one("#message").render())
        await pilot.press("f9")
        await pilot.pause()
    again = dossiers.receive(ctx.store, ctx.settings, req, actor="canbo1")
    assert again["code"] == first["code"]
    assert len(dossiers.list_dossiers(ctx.store)) == 1
    assert drafts.load(ctx.store, "canbo1") is None


async def test_resumes_at_step_after_restart_same_data_dir(data_path: Path) -> None:
    ctx = make_ctx(data_path)
    insert_procedures(ctx.store)
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("enter")
        await pilot.press(*"001190012345")
        await pilot.press("enter", *"15031990", "enter", "H", "a", "enter")
        await pilot.press("ctrl+n")
        assert screen.step == "procedure"
        await pilot.press(*"2.000815")
        await pilot.pause()
        first_id = screen.draft_id
    ctx.close()  # no escape, no clean save: the app just went away
    ctx2 = make_ctx(data_path)
    try:
        app2 = HostApp(ctx2, ReceptionScreen)
        async with app2.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app2.screen
            assert screen.draft_id == first_id
            assert screen.step == "procedure"
            assert screen.query_one("#a-name").value == "Ha"
    finally:
        ctx2.close()


async def test_draft_of_a_changed_procedure_resumes(ctx) -> None:
    """A draft saved before the catalog changed: unknown components are dropped, nothing breaks;
    a draft naming a procedure that no longer exists says so and keeps the applicant."""
    drafts.save(
        ctx.store, officer="canbo1", draft_id=drafts.new_id(), step="checklist",
        data={
            "applicant": {"id_number": "001190012345", "full_name": "Lê Thị Hà",
                          "date_of_birth": "15/03/1990"},
            "procedure": "2.000815",
            "components": [
                {"index": 1, "original": 1, "copy": 1, "presented": False, "note": ""},
                {"index": 9, "original": 1, "copy": 0, "presented": False, "note": ""},
            ],
        },
    )
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.step == "checklist"
        assert sorted(screen.comp_values) == [1]
        assert screen.checklist is not None and screen.checklist.complete
    ctx2_draft = drafts.load(ctx.store, "canbo1")
    drafts.save(
        ctx.store, officer="canbo1", draft_id=ctx2_draft.id, step="checklist",
        data={**ctx2_draft.data, "procedure": "9.999999"},
    )
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.proc is None
        assert screen.step == "procedure"
        assert "9.999999" in str(screen.query_one("#message").render())
        assert screen.query_one("#a-name").value == "Lê Thị Hà"
        await pilot.press("ctrl+n")
        assert screen.step == "procedure"  # no procedure chosen: cannot go on
