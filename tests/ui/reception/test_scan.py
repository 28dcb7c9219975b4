"""Scanning from the reception wizard (issue 8 item 6) with the real SANE `test` backend: the scan
dialog, pages kept pending until the dossier is received, then committed to the component."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from counter_app.services import dossiers
from counter_app.ui.screens.reception import ReceptionScreen
from counter_app.ui.widgets.reception_scan import PageStrip, ScanDialog

from .conftest import HostApp, type_text
from .test_wizard import fill_applicant

SYSTEM_TEST_CONF = Path("/etc/sane.d/test.conf")


def sane_dir(base: Path, backends: str) -> Path:
    if shutil.which("scanimage") is None or not SYSTEM_TEST_CONF.exists():
        pytest.skip("sane-utils (scanimage and /etc/sane.d/test.conf) is not installed")
    d = base / "sane"
    d.mkdir(exist_ok=True)
    (d / "dll.conf").write_text(backends)
    shutil.copy(SYSTEM_TEST_CONF, d / "test.conf")
    return d


@pytest.fixture
def sane_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ctx) -> None:
    """Only SANE's `test` backend (test:0, test:1); small fast scans (75 dpi, ≤ 2 ADF sheets)."""
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_dir(tmp_path, "test\n")))
    ctx.extras["scan_request_defaults"] = {"resolution": 75, "max_pages": 2}


@pytest.fixture
def no_scanner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SANE configuration with no backend at all: no device is found."""
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_dir(tmp_path, "\n")))


async def wait_until(pilot, cond, what: str, tries: int = 600) -> None:
    for _ in range(tries):
        if cond():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def status(dialog: ScanDialog) -> str:
    return dialog.status


async def to_checklist(pilot, screen) -> None:
    await fill_applicant(pilot)
    await type_text(pilot, "khai sinh")
    await pilot.press("enter")
    await pilot.pause()
    assert screen.step == "checklist"


async def open_dialog(pilot, app, *, devices: bool = True) -> ScanDialog:
    await pilot.press("f12")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ScanDialog)
    await wait_until(pilot, lambda: dialog.status and dialog.status != "Đang tìm máy quét…",
                     "the device list")
    if devices:
        assert dialog.devices, dialog.status
    return dialog


async def scan(pilot, dialog: ScanDialog, expect_pages: int) -> None:
    await pilot.press("f5")
    await pilot.pause()
    await wait_until(pilot, lambda: not dialog.scanning, "the scan")
    assert len(dialog.batch.pages) == expect_pages, dialog.status


async def receive(pilot, app, screen) -> dict:
    await pilot.press("f4", "ctrl+n")
    assert screen.step == "fee"
    await pilot.press("ctrl+n")
    assert screen.step == "review"
    await pilot.press("f9")
    await pilot.pause()
    assert screen.step == "done", str(screen.query_one("#message").render())
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen.result


@pytest.mark.sane
async def test_scan_flatbed_and_adf_then_receive(ctx, sane_test) -> None:
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await to_checklist(pilot, screen)
        row1 = screen.query_one("#comp-1")
        assert "chưa số hóa" in str(row1.query_one(".comp-scan").render())
        dialog = await open_dialog(pilot, app)
        assert "Tờ khai đăng ký khai sinh" in dialog.heading
        await scan(pilot, dialog, 1)  # flatbed: one page
        assert "Quét xong 1 trang" in dialog.status
        dialog.query_one("#sc-source").value = "adf"
        await scan(pilot, dialog, 3)  # the feeder: two more sheets (capped by the test defaults)
        strip = dialog.query_one(PageStrip)
        assert app.focused is strip and strip.current == 2
        first = dialog.batch.pages[0].path
        await pilot.press("r")  # rotate page 3
        assert dialog.batch.pages[2].rotation == 90
        await pilot.press("left", "left", "shift+right")  # page 1 becomes page 2
        assert dialog.batch.pages[1].path == first
        await pilot.press("delete")  # …and is deleted
        assert len(dialog.batch.pages) == 2 and first not in [p.path for p in dialog.batch.pages]
        await pilot.press("f9")
        await pilot.pause()
        assert app.screen is screen
        assert "2 trang chờ lưu" in str(row1.query_one(".comp-scan").render())
        assert dossiers.list_dossiers(ctx.store) == []  # nothing stored before "receive"
        result = await receive(pilot, app, screen)
        assert "đã số hóa 2 trang" in str(screen.query_one("#result").render())
    d = dossiers.get(ctx.store, result["code"], with_history=False)
    [att] = d["components"][0]["attachments"]
    assert att["pages"] == 2 and att["mime"] == "application/pdf"
    assert ctx.blobs.path(att["sha256"]).exists()
    assert all(not c["attachments"] for c in d["components"][1:])


@pytest.mark.sane
async def test_discard_leaves_nothing(ctx, sane_test) -> None:
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await to_checklist(pilot, screen)
        dialog = await open_dialog(pilot, app)
        await scan(pilot, dialog, 1)
        workdir = dialog.batch.workdir
        await pilot.press("escape")  # pages would be lost: a second Esc is needed
        await pilot.pause()
        assert app.screen is dialog and "Esc lần nữa" in dialog.status
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.pending_scans == {}
        assert not workdir.exists()
        result = await receive(pilot, app, screen)
    d = dossiers.get(ctx.store, result["code"], with_history=False)
    assert all(not c["attachments"] for c in d["components"])
    assert not any(ctx.blobs.tmp.iterdir()) if ctx.blobs.tmp.exists() else True


async def test_no_scanner_says_so(ctx, no_scanner) -> None:
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await to_checklist(pilot, screen)
        dialog = await open_dialog(pilot, app, devices=False)
        assert "Không tìm thấy máy quét" in dialog.status
        await pilot.press("f5")  # nothing to scan with: a clear message, no crash
        await pilot.pause()
        assert "Không tìm thấy máy quét" in dialog.status and not dialog.scanning
        await pilot.press("f9")  # nothing to accept
        await pilot.pause()
        assert app.screen is dialog and "Chưa có trang" in dialog.status
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.pending_scans == {}


@pytest.mark.sane
async def test_lookup_digitizes_a_received_dossier(ctx, sane_test) -> None:
    from counter_app.ui.screens.lookup import LookupScreen

    from .conftest import FROZEN_NOW

    d = dossiers.receive(
        ctx.store, ctx.settings,
        {"procedure": "1.001193",
         "applicant": {"id_number": "001085012345", "full_name": "Phạm Văn Bình",
                       "date_of_birth": "1985-02-01", "phone": "0987654321"},
         "components": [{"index": 1, "original": 1}, {"index": 2, "original": 1},
                        {"index": 3, "presented": True}]},
        actor="canbo1", now=FROZEN_NOW,
    )
    app = HostApp(ctx, LookupScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, d["code"][-6:])
        await pilot.pause()
        assert screen.current and screen.current["code"] == d["code"]
        assert "chưa số hóa" in str(screen.query_one("#lk-detail").render())
        dialog = await open_dialog(pilot, app)
        dialog.query_one("#sc-component").value = 2
        await pilot.pause()
        assert dialog.component_index == 2
        await scan(pilot, dialog, 1)
        await pilot.press("f9")
        await pilot.pause()
        assert app.screen is screen
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "đã số hóa 1 trang" in str(screen.query_one("#lk-detail").render())
    got = dossiers.get(ctx.store, d["code"], with_history=False)
    assert [len(c["attachments"]) for c in got["components"]] == [0, 1, 0, 0]
    assert got["components"][1]["attachments"][0]["pages"] == 1


async def test_no_scanner_import_from_watched_folder(ctx, no_scanner, tmp_path: Path) -> None:
    from PIL import Image

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    Image.new("L", (850, 1100), 255).save(inbox / "giay-chung-sinh.png", dpi=(100, 100))
    ctx.settings.scan_inbox = inbox
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await to_checklist(pilot, screen)
        await pilot.press("tab", "tab", "tab", "tab")  # component 1's fields → component 2
        await pilot.pause()
        assert screen._focused_row().spec.index == 2
        dialog = await open_dialog(pilot, app, devices=False)
        assert "Không tìm thấy máy quét" in dialog.status and "thư mục" in dialog.status
        await pilot.press("enter")  # the file list has focus: take the newest file
        await pilot.pause()
        assert len(dialog.batch.pages) == 1, dialog.status
        await pilot.press("f9")
        await pilot.pause()
        result = await receive(pilot, app, screen)
    got = dossiers.get(ctx.store, result["code"], with_history=False)
    assert [len(c["attachments"]) for c in got["components"]] == [0, 1, 0, 0]
    assert not (inbox / "giay-chung-sinh.png").exists()
    assert (inbox / ".imported").is_dir()


@pytest.mark.sane
async def test_cancel_during_adf_batch_keeps_scanned_pages(ctx, sane_test) -> None:
    # A slow feeder (the test backend waits 0.1 s after each buffer) so Esc lands mid-batch even
    # on an idle machine (at 20 ms a buffer, a whole 10-page batch once finished before the poll).
    ctx.extras["scan_request_defaults"] = {
        "resolution": 75, "max_pages": 10,
        "backend_args": ["--read-delay=yes", "--read-delay-duration=100000"],
    }
    seen: list[str] = []
    app = HostApp(ctx, ReceptionScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await to_checklist(pilot, screen)
        dialog = await open_dialog(pilot, app)
        dialog.query_one("#sc-source").value = "adf"
        # Pilot.press/pause wait for the app to be idle, which it is not while progress messages
        # stream in; so this test calls the actions bound to F5 and Esc and polls with sleep.
        dialog.action_scan()
        for _ in range(600):
            seen.append(dialog.status)
            if "Đang quét trang 2:" in dialog.status or not dialog.scanning:
                break
            await asyncio.sleep(0.02)
        assert dialog.scanning, (dialog.status, len(dialog.batch.pages))
        dialog.action_cancel_or_discard()  # Esc while scanning: cancel, the dialog stays
        await wait_until(pilot, lambda: not dialog.scanning, "the cancel")
        assert app.screen is dialog
        assert "Đã hủy quét" in dialog.status, dialog.status
        kept = len(dialog.batch.pages)
        assert kept < 10
        assert any("Đang quét trang 1:" in s for s in seen), seen  # per-page progress shown
        if kept:
            await pilot.press("f9")
            await pilot.pause()
            assert len(screen.pending_scans[1].pages) == kept
            screen.drop_pending_scans()
        else:
            await pilot.press("escape")
