"""The supervisor's sync-conflicts screen against a real server on loopback: a conflict made by
two counters (the second re-used the first one's dossier code, as a restored backup would) is
listed, cannot be resolved without a note, is resolved with one (the server records who), and
officers, offline sign-ins and an unreachable server get a clear message instead of a hang."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from textual.app import App
from textual.widgets import DataTable, Input, Static

from counter_app.config import load_settings
from counter_app.services.context import AppContext, Officer
from counter_app.ui.screens.conflicts import ConflictsScreen
from counter_app.ui.screens.supervisor import SupervisorScreen
from tests.server.conftest import free_port, login, start_server
from tests.sync.test_conflicts_api import make_code_clash


@pytest.fixture(scope="module")
def clash(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, dict]]:
    base = tmp_path_factory.mktemp("conflicts-ui")
    server = start_server(base)
    stores = []
    try:
        dos_a, _dos_b, stores = make_code_clash(server, base, random.Random(29))
        yield server, dos_a
    finally:
        for store in stores:
            store.close()
        server.stop()


def _ctx(
    data_dir: Path, server_url: str, username: str, role: str, token: str | None
) -> AppContext:
    settings = load_settings(data_dir=data_dir).model_copy(update={"server_url": server_url})
    ctx = AppContext.open(settings)
    ctx.officer = Officer(username=username, full_name=username, role=role, center_code="DEMO")
    if token:
        ctx.extras["token"] = token
    return ctx


class Host(App[None]):
    def __init__(self, ctx: AppContext, first: type) -> None:
        super().__init__()
        self.ctx = ctx
        self.first = first

    def on_mount(self) -> None:
        self.push_screen(self.first(self.ctx))


async def _settle(pilot, screen: ConflictsScreen, rounds: int = 100) -> str:
    """Wait until the worker has answered (the status line no longer says loading)."""
    status = screen.query_one("#cf-status", Static)
    for _ in range(rounds):
        await pilot.pause(0.05)
        text = str(status.render())
        if "Đang" not in text:
            return text
    return str(status.render())


async def test_supervisor_resolves_a_conflict_with_a_note(clash, tmp_path: Path) -> None:
    server, dos_a = clash
    token = login(server, "giamsat")["Authorization"].split()[1]
    ctx = _ctx(tmp_path, server.url, "giamsat", "supervisor", token)
    app = Host(ctx, SupervisorScreen)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("f6")  # from the supervisor screen
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ConflictsScreen)
            text = await _settle(pilot, screen)
            assert "xung đột chưa xử lý" in text
            table = screen.query_one("#cf-table", DataTable)
            codes = [table.get_row(k)[3] for k in table.rows]
            assert dos_a["code"] in codes
            table.move_cursor(row=codes.index(dos_a["code"]))
            await pilot.pause()
            conflict_id = int(str(table.get_row_at(table.cursor_row)[0]))
            assert dos_a["code"] in str(screen.query_one("#cf-detail", Static).render())

            await pilot.press("f9")  # no note yet: refused, nothing sent
            await pilot.pause()
            assert "Cần ghi chú" in str(screen.query_one("#cf-status", Static).render())
            assert app.focused is screen.query_one("#cf-note", Input)

            screen.query_one("#cf-note", Input).value = "Đã cấp mã mới, báo công dân qua điện thoại"
            await pilot.press("enter")
            for _ in range(100):
                await pilot.pause(0.05)
                if conflict_id not in {int(str(table.get_row(k)[0])) for k in table.rows}:
                    break
            assert conflict_id not in {int(str(table.get_row(k)[0])) for k in table.rows}
            await pilot.press("f6")  # show all: it is there, resolved
            await _settle(pilot, screen)
            row = next(
                table.get_row(k) for k in table.rows if int(str(table.get_row(k)[0])) == conflict_id
            )
            assert row[-1]  # resolved at …
            await pilot.press("escape")
            assert isinstance(app.screen, SupervisorScreen)
    finally:
        ctx.close()
    listing = httpx.get(
        server.api + "/sync/conflicts",
        params={"state": "resolved"},
        headers=login(server, "giamsat"),
    ).json()
    assert any(
        c["id"] == conflict_id and c["resolved_by"] == "giamsat" for c in listing["conflicts"]
    )


@pytest.mark.parametrize(
    ("role", "with_token", "url", "expected"),
    [
        ("officer", True, None, "chỉ dành cho giám sát"),
        ("supervisor", False, None, "đăng nhập ngoại tuyến"),
        ("supervisor", True, "closed", "không kết nối được máy chủ"),
    ],
)
async def test_clear_message_instead_of_a_list(
    clash, tmp_path: Path, role: str, with_token: bool, url: str | None, expected: str
) -> None:
    server, _ = clash
    token = login(server, "giamsat")["Authorization"].split()[1] if with_token else None
    server_url = f"http://127.0.0.1:{free_port()}" if url == "closed" else server.url
    ctx = _ctx(tmp_path, server_url, "canbo1" if role == "officer" else "giamsat", role, token)
    app = Host(ctx, ConflictsScreen)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            text = await _settle(pilot, screen)
            assert expected in text
            assert screen.query_one("#cf-status", Static).has_class("error")
            assert screen.query_one("#cf-table", DataTable).row_count == 0
    finally:
        ctx.close()
