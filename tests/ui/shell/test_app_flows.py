"""Pilot tests: the app shell driven from keys, on a seeded demo store."""

from __future__ import annotations

import asyncio
import io
import socket
from typing import Any

from sqlmodel import select
from textual.widgets import Digits, Input, Static

from counter_app.services.context import AppContext
from counter_app.store.models import Ticket
from counter_app.ui import i18n
from counter_app.ui.app import CounterApp, make_app
from counter_app.ui.screens.help import HelpScreen
from counter_app.ui.screens.home import HomeScreen
from counter_app.ui.screens.signin import LockScreen, SignInScreen
from counter_app.ui.widgets.chrome import AppHeader

from .conftest import frozen

SIZE = (120, 35)


async def settle(app: CounterApp, pilot: Any, rounds: int = 3) -> None:
    """Let workers finish and their messages be handled (no fixed sleeps)."""
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def sign_in(app: CounterApp, pilot: Any, username: str = "canbo1", password: str = "demo") -> None:
    await pilot.press(*username)
    await pilot.press("enter")
    await pilot.press(*password)
    await pilot.press("enter")
    await settle(app, pilot)


def text_of(app: CounterApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def ticket_rows(ctx: AppContext) -> dict[str, Ticket]:
    with ctx.store.read() as session:
        return {t.number: t for t in session.exec(select(Ticket)).all()}


async def test_wrong_password_then_right(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SignInScreen)
        await sign_in(app, pilot, password="sai-mat-khau")
        assert isinstance(app.screen, SignInScreen)
        assert "Sai tên đăng nhập hoặc mật khẩu" in text_of(app, "#signin-error")
        assert app.screen.query_one("#password", Input).value == ""
        assert app.focused is app.screen.query_one("#password", Input)
        # Unknown user: the same message (nobody learns which usernames exist).
        await pilot.press("escape")
        await sign_in(app, pilot, username="khongco")
        assert "Sai tên đăng nhập hoặc mật khẩu" in text_of(app, "#signin-error")
        await pilot.press("escape")
        await sign_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert ctx.officer is not None and ctx.officer.username == "canbo1"
        header = app.screen.query_one(AppHeader)
        assert header.officer == "Nguyễn Thị Lan"
        assert header.counter == "Q1" and header.center == "DEMO"
        assert header.clock == "09:30"


async def test_offline_sign_in_when_server_unreachable(settings, ctx, clock) -> None:
    # A configured server that does not answer (closed loopback port): offline verifier is used.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.server_url = f"http://127.0.0.1:{port}"
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "canbo2")
        assert isinstance(app.screen, HomeScreen)
        assert ctx.officer is not None and ctx.officer.counter_code == "Q2"
        assert any("ngoại tuyến" in n.message for n in app._notifications)


async def test_lock_after_idle_and_unlock(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock, idle_lock_seconds=0.3)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert app.home_screen() is not None  # signed in (the lock may already be on top)
        for _ in range(100):
            await asyncio.sleep(0.05)
            if isinstance(app.screen, LockScreen):
                break
        assert isinstance(app.screen, LockScreen)
        # Queue keys do nothing while locked.
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"sai")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        assert "Sai tên đăng nhập hoặc mật khẩu" in text_of(app, "#lock-error")
        app.idle_lock_seconds = 3600  # do not lock again while we look
        await pilot.press(*"demo")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert ctx.officer is not None and ctx.officer.username == "canbo1"


async def test_lock_key_and_sign_out(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        assert ctx.officer is None


async def test_queue_keys(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.status.total_waiting > 0

        await pilot.press("f5")
        await settle(app, pilot)
        first = home.current
        assert first is not None and first.state == "called" and first.counter == "Q1"
        assert home.query_one("#ticket-number", Digits).value == first.number
        assert first.number in home.message_text
        assert ticket_rows(ctx)[first.number].state == "called"

        await pilot.press("f6")  # recall
        await settle(app, pilot)
        assert ticket_rows(ctx)[first.number].recalls == 1
        assert "Gọi lại" in home.message_text

        await pilot.press("f7")  # no-show: asked first, Esc keeps the citizen's turn
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        assert ticket_rows(ctx)[first.number].state == "called"
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert ticket_rows(ctx)[first.number].state == "no_show"
        assert home.current is None

        await pilot.press("f5")
        await settle(app, pilot)
        second = home.current
        assert second is not None and second.number != first.number
        await pilot.press("s")  # the citizen came: serving
        await settle(app, pilot)
        assert ticket_rows(ctx)[second.number].state == "serving"
        await pilot.press("f9")  # finish
        await settle(app, pilot)
        assert ticket_rows(ctx)[second.number].state == "done"
        assert home.current is None
        assert "xong" in home.message_text


async def test_transfer_with_picker(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        home = app.screen
        await pilot.press("f5")
        await settle(app, pilot)
        number = home.current.number
        target = "D" if home.current.service != "D" else "A"
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press(target.lower())
        await settle(app, pilot)
        row = ticket_rows(ctx)[number]
        assert row.state == "transferred" and row.service == target and row.counter_code is None
        assert app.screen is home and home.current is None


async def test_no_current_ticket_is_said_plainly(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.screen.message_text == "Chưa có số nào đang phục vụ."


async def test_language_switch(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        assert text_of(app, "#signin-title") == "ĐĂNG NHẬP"
        await pilot.press("f2")
        await pilot.pause()
        assert i18n.get_language() == "en"
        assert text_of(app, "#signin-title") == "SIGN IN"
        await sign_in(app, pilot, password="wrong")
        assert "wrong username or password" in text_of(app, "#signin-error")
        await pilot.press("escape")
        await sign_in(app, pilot)
        assert text_of(app, "#ticket-title") == "NOW SERVING"
        assert "TODAY'S DOSSIERS" in text_of(app, "#dossiers-title")
        await pilot.press("f2")
        await pilot.pause()
        assert text_of(app, "#ticket-title") == "ĐANG PHỤC VỤ"


async def test_english_from_settings(seeded_dir, clock) -> None:
    from .conftest import make_settings

    settings = make_settings(seeded_dir, lang="en")
    app = make_app(settings, clock=clock)
    try:
        async with app.run_test(size=SIZE):
            assert text_of(app, "#signin-title") == "SIGN IN"
    finally:
        app.ctx.close()


async def test_help_and_palette(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        console = Console(width=120, record=True, file=io.StringIO())
        console.print(app.screen._table())
        table = console.export_text()
        for word in ("F5", "Gọi số", "Vắng mặt", "Tiếp nhận", "Ctrl+L"):
            assert word in table
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # Command palette: type an action's name, Enter runs it.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"goi so")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.current is not None and home.current.state == "called"


def test_every_lazy_screen_imports() -> None:
    """Screens are imported on first use (start-up speed), never guarded: a broken import fails
    here, not quietly at the counter."""
    import importlib

    from counter_app.ui import app as app_module

    for name, (modname, clsname) in app_module.LAZY_SCREENS.items():
        assert isinstance(getattr(importlib.import_module(modname), clsname), type), name


async def test_new_dossier_opens_the_wizard(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        number = app.screen.current.number
        await pilot.press("f3")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ReceptionScreen"
        assert ctx.extras["clock"] is frozen
        # The wizard is linked to the ticket, which is now being served.
        assert app.screen.ticket == number
        assert ticket_rows(ctx)[number].state == "serving"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen) and app.screen.current.state == "serving"


async def test_actions_need_a_signed_in_officer(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.press("f5")
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)


async def test_store_opens_in_the_background(settings, clock) -> None:
    """`make_app(settings)` paints before the store is open; sign-in waits for the same open."""
    from counter_app.services.lazy_store import LazyStore

    app = make_app(settings, clock=clock)
    assert isinstance(app.ctx.store, LazyStore)
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, SignInScreen)
            await sign_in(app, pilot)
            assert isinstance(app.screen, HomeScreen)
            assert app.ctx.store.is_open
            await settle(app, pilot)
            assert app.screen.loaded and app.screen.status.total_waiting > 0
    finally:
        app.ctx.close()


def test_lazy_store_reports_the_same_error_to_every_caller(tmp_path) -> None:
    import pytest

    from counter_app.config import load_settings
    from counter_app.errors import BadInput
    from counter_app.services.lazy_store import LazyStore

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = LazyStore(load_settings(data_dir=blocker / "data"))
    for _ in range(2):
        with pytest.raises(BadInput, match="part of the path is a file"):
            store.open_now()
    with pytest.raises(BadInput):
        store.read()


async def test_settings_load_after_the_first_paint(settings, clock) -> None:
    """As `counter-app` starts: sign-in paints first, the settings and store load behind it."""
    import threading

    from counter_app.errors import BadInput

    gate = threading.Event()

    def loader():
        gate.wait(10)
        return settings

    app = make_app(settings_loader=loader, clock=clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert isinstance(app.screen, SignInScreen) and app.ctx is None
            await pilot.press(*"canbo1")  # typing works before the settings are there
            gate.set()
            await pilot.press("enter")
            await pilot.press(*"demo")
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, HomeScreen)
            assert app.ctx is not None and app.ctx.officer.username == "canbo1"
            assert app.screen.loaded and app.screen.status.total_waiting > 0
    finally:
        if app.ctx is not None:
            app.ctx.close()

    def broken():
        raise BadInput("cấu hình không hợp lệ / invalid configuration: lang")

    app = make_app(settings_loader=broken)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert any("cấu hình không hợp lệ" in n.message for n in app._notifications)
        await sign_in(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "cấu hình không hợp lệ" in text_of(app, "#signin-error")


def burst(app: CounterApp, keys: list[str]) -> None:
    """Keys as a terminal delivers them when the officer types while the app is busy: all
    queued at once, none handled before the next arrives."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_letters_in_a_burst_after_ctrl_l_never_reach_the_home_keys(settings, ctx, clock) -> None:
    """Ctrl+L then letters in one burst: the lock comes first; the letters (s = serve,
    i = issue a ticket on the home) do nothing to the queue. Then the password in one burst."""
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        before = {n: t.state for n, t in ticket_rows(ctx).items()}
        burst(app, ["ctrl+l", *"sai", "enter"])
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        assert {n: t.state for n, t in ticket_rows(ctx).items()} == before
        burst(app, [*"sai", "enter"])
        await settle(app, pilot)
        assert "Sai tên đăng nhập hoặc mật khẩu" in text_of(app, "#lock-error")
        burst(app, [*"demo", "enter"])
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_sign_in_takes_a_burst_with_tab_and_enter(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        burst(app, [*"canbo1", "tab", *"demo", "enter"])
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert ctx.officer is not None and ctx.officer.username == "canbo1"
