"""The counter TUI: `CounterApp(ctx)` and the `make_app(settings, …)` factory.

Flow: sign-in → counter home; F3 opens the reception wizard, F4 lookup, F10 supervisor (those
screens are imported lazily: a build without one of them still runs and says so). The app locks
itself after `settings.idle_lock_minutes` without a key or a click. Every action is a key, a
command palette entry (Ctrl+P) and a line of the help screen (F1); the mouse is never required.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import threading
import time

# zoneinfo imported here, in the main thread, before any worker starts: when the settings worker
# and the UI thread imported it at the same moment, both could find no time zone at all
# ("No time zone found with key Asia/Ho_Chi_Minh", 3 starts in 15 on this machine).
import zoneinfo  # noqa: F401
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from counter_app.services.context import AppContext, Officer
from counter_app.ui import i18n
from counter_app.ui.i18n import t

if TYPE_CHECKING:
    from counter_app.config import Settings

from counter_app.ui.actions import ACTIONS, HOME_ALIASES, ActionSpec  # noqa: F401 - re-exported

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]



# Screens built by the reception engineer, imported on first use.
LAZY_SCREENS: dict[str, tuple[str, str]] = {
    "reception": ("counter_app.ui.screens.reception", "ReceptionScreen"),
    "lookup": ("counter_app.ui.screens.lookup", "LookupScreen"),
    "supervisor": ("counter_app.ui.screens.supervisor", "SupervisorScreen"),
}


class CounterCommands(Provider):
    """Command palette entries for every action, in the current language."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app = self.app
        assert isinstance(app, CounterApp)
        out = []
        for spec in ACTIONS:
            if not app.action_available(spec):
                continue
            out.append((t(spec.label), t(spec.help), _runner(app, spec.name)))
        return out

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        # Officers type without accents: match on the folded text ("goi so" finds "Gọi số").
        from counter_app.domain.text import fold

        folded = fold(query)
        if not folded:
            return
        matcher = self.matcher(folded)
        for title, help_text, callback in self._commands():
            score = max(matcher.match(fold(title)), matcher.match(fold(help_text)) * 0.8)
            if score > 0:
                yield Hit(score, title, callback, help=help_text)


def _runner(app: CounterApp, name: str) -> Callable[[], Any]:
    def run() -> None:
        app.dispatch(name)

    return run


class CounterApp(App[None]):
    TITLE = "counter-app"
    CSS_PATH = str(Path(__file__).with_name("styles") / "app.tcss")
    COMMANDS = {CounterCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "key.help"),
        Binding("f2", "switch_language", "key.language", show=False),
        Binding("ctrl+q", "quit", "key.quit", priority=True, show=False),
        Binding("ctrl+l", "lock", "key.lock", show=False),
        Binding("ctrl+o", "sign_out", "key.sign_out", show=False),
        Binding("f3", "new_dossier", "key.new_dossier"),
        Binding("f4", "lookup", "key.lookup"),
        Binding("f10", "supervisor", "key.supervisor", show=False),
        Binding("f11", "live_view", "key.live_view", show=False),
        Binding("ctrl+s", "sync_now", "key.sync", show=False),
    ]

    def __init__(
        self,
        ctx: AppContext | None,
        *,
        clock: Clock | None = None,
        idle_lock_seconds: float | None = None,
        queue: Any = None,
        poll_seconds: float = 5.0,
        sync_poll_seconds: float = 5.0,
        settings_loader: Callable[[], Settings] | None = None,
        lang: str | None = None,
    ) -> None:
        """`ctx`, or (`ctx=None`) a `settings_loader` run in a worker after the first paint:
        reading and validating the settings imports pydantic, which costs half a bare Textual
        start; the sign-in screen does not need to wait for it."""
        super().__init__()
        if ctx is None and settings_loader is None:
            raise ValueError("CounterApp needs a context or a settings loader")
        self.ctx: AppContext | None = None
        self._settings_loader = settings_loader
        self._ctx_ready = threading.Event()
        self._ctx_error: BaseException | None = None
        self._clock = clock
        self._idle_override = idle_lock_seconds
        self.idle_lock_seconds = idle_lock_seconds if idle_lock_seconds is not None else 600.0
        self.poll_seconds = poll_seconds
        self.sync_poll_seconds = sync_poll_seconds  # the header's sync indicator (probes /health)
        self._last_input = time.monotonic()
        self._queue = queue
        self._stop_sync = threading.Event()  # for background loops that must end with the app
        self._sync_wake = threading.Event()  # new local work while online: sync now
        # Keys typed before the sign-in screen has focus (the officer types while the app starts).
        self._typeahead: list[events.Key] | None = []
        if lang:
            i18n.set_language(lang)
        if ctx is not None:
            self._install_context(ctx, set_lang=not lang)

    def _install_context(self, ctx: AppContext, *, set_lang: bool = True) -> None:
        self.ctx = ctx
        # One clock for every screen: the wizard, lookup and supervisor read ctx.extras["clock"].
        if self._clock is not None:
            ctx.extras["clock"] = self._clock
        self._clock = self._clock or ctx.extras.get("clock")  # type: ignore[assignment]
        if self._idle_override is None:
            self.idle_lock_seconds = ctx.settings.idle_lock_minutes * 60.0
        if set_lang:
            i18n.set_language(ctx.settings.lang)
        self._ctx_ready.set()

    def wait_ctx(self, timeout: float = 120.0) -> AppContext:
        """For worker threads: the context once the settings are loaded (or their error)."""
        if not self._ctx_ready.wait(timeout):
            raise TimeoutError("settings not loaded in time")
        if self.ctx is None:
            raise self._ctx_error or RuntimeError("no context")
        return self.ctx

    def _context_loaded(self, ctx: AppContext | None, error: str | None) -> None:
        """UI thread: the worker loaded the settings (or failed); screens relabel."""
        if ctx is not None:
            lang_before = i18n.get_language()
            self._install_context(ctx, set_lang=True)
            for screen in self.screen_stack:
                hook = getattr(screen, "context_ready", None)
                if callable(hook):
                    hook(ctx)
            if i18n.get_language() != lang_before:
                self.refresh_language()
            self.set_interval(
                max(0.05, min(15.0, self.idle_lock_seconds / 4)), self._check_idle, name="idle-lock"
            )
        else:
            self._ctx_ready.set()
            for screen in self.screen_stack:
                hook = getattr(screen, "context_failed", None)
                if callable(hook):
                    hook(error or "?")
            self.notify(t("app.error", message=error or "?"), severity="error", timeout=600)

    @property
    def load_error(self) -> BaseException | None:
        """Why the settings could not be loaded (the CLI reports it after the app exits)."""
        return self._ctx_error

    # --- services the screens use ------------------------------------------------------------

    def now(self) -> dt.datetime:
        """The time shown and written by the UI (injectable for tests and snapshots)."""
        if self._clock is not None:
            return self._clock()
        if self.ctx is None:
            from zoneinfo import ZoneInfo

            return dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(microsecond=0)
        return dt.datetime.now(self.ctx.settings.tz).replace(microsecond=0)

    @property
    def queue(self) -> Any:
        """The queue the counter works with: the central one when reachable, else the local one."""
        if self._queue is None:
            from counter_app.services.counter_queue import CounterQueue

            self._queue = CounterQueue(self.ctx, now=self.now)
        return self._queue

    @property
    def officer(self) -> Officer | None:
        return self.ctx.officer if self.ctx is not None else None

    # --- lifecycle ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        from counter_app.ui.screens.signin import SignInScreen

        self.theme = "textual-dark"
        # After the first paint: the import work must not hold the GIL while the screen draws.
        self.call_after_refresh(self._prefetch)
        if self.ctx is None or self.ctx.officer is None:
            self.push_screen(SignInScreen(self.ctx))
        else:
            self.call_later(self.release_typeahead)
            self._enter_home()
        if self.ctx is not None:
            interval = max(0.05, min(15.0, self.idle_lock_seconds / 4))
            self.set_interval(interval, self._check_idle, name="idle-lock")

    @work(thread=True, group="prefetch", exit_on_error=False)
    def _prefetch(self) -> None:
        """Load the settings, open the store and pay the big imports while the officer reads the
        sign-in screen; then the garbage collector gets the survivors frozen (see startup_gc)."""
        from counter_app.ui import startup_gc

        try:
            self._warm_up()
        finally:
            startup_gc.settle()

    def _warm_up(self) -> None:
        if self.ctx is None and self._settings_loader is not None:
            from counter_app.services.lazy_store import LazyStore

            try:
                settings = self._settings_loader()
            except Exception as exc:  # noqa: BLE001 - a bad config: say it plainly, the app cannot go on
                self._ctx_error = exc
                self.call_from_thread(self._context_loaded, None, str(exc))
                return
            ctx = AppContext(settings=settings, store=LazyStore(settings))  # type: ignore[arg-type]
            self.call_from_thread(self._context_loaded, ctx, None)
        if self.ctx is None:
            return
        open_now = getattr(self.ctx.store, "open_now", None)
        try:
            if callable(open_now):
                open_now()
            from counter_app.services import auth_local, dossiers  # noqa: F401  (imports only)

            auth_local.warm_up(self.ctx.store)
        except Exception as exc:
            log.exception("cannot open the data store")
            self.call_from_thread(
                self.notify, t("app.error", message=str(exc)), severity="error", timeout=30
            )
            return
        # First what the sign-in and the home need (the officer may have typed ahead and be
        # waiting), then the wizard's catalog and the forms.
        try:
            from argon2 import PasswordHasher  # noqa: F401
            from rich.text import Text

            Text.from_markup("")  # loads rich's emoji table: 14 ms of the home's first frame
            import counter_app.services.counter_queue
            import counter_app.services.sync_view
            import counter_app.ui.screens.home

            if self.ctx.settings.server_url:
                import httpx  # noqa: F401
        except Exception:
            log.warning("home warm-up failed", exc_info=True)
        try:
            from counter_app.services import catalog

            catalog.warm_up(self.ctx.store)
        except Exception:  # an empty or broken catalog shows up in the wizard, not here
            log.warning("catalog warm-up failed", exc_info=True)
        try:
            from counter_app.services import forms

            forms.warm_up()
        except Exception:
            log.warning("forms warm-up failed", exc_info=True)
        try:  # the screens an officer opens first (F3, F4): their import is off the first open
            import counter_app.ui.screens.lookup
            import counter_app.ui.screens.reception  # noqa: F401
        except Exception:
            log.warning("screen warm-up failed", exc_info=True)

    def _enter_home(self) -> None:
        from counter_app.ui.screens.home import HomeScreen

        self.push_screen(HomeScreen(self.ctx))

    def signed_in(self, officer: Officer) -> None:
        """Called by the sign-in screen: replace it with the counter home."""
        from counter_app.ui.screens.home import HomeScreen

        self.ctx.officer = officer
        self._last_input = time.monotonic()
        self.switch_screen(HomeScreen(self.ctx))
        # Not before the home's first frame: the sync's imports and first round would compete
        # with it for the interpreter.
        self.set_timer(0.5, self._start_background_sync)

    def _start_background_sync(self) -> None:
        """An enrolled install syncs by itself (services/background_sync)."""
        if getattr(self, "_sync_thread", None) is not None:
            return
        from counter_app.services import background_sync

        self._sync_thread = background_sync.start(self.ctx, self._stop_sync, self._sync_wake)

    def wake_sync(self) -> None:
        """Ask the background sync to run now (it is between rounds, or busy: then next)."""
        self._sync_wake.set()

    def stop_background(self) -> None:
        self._stop_sync.set()

    def exit(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._stop_sync.set()
        super().exit(*args, **kwargs)

    async def sign_out(self) -> None:
        from counter_app.ui.screens.signin import SignInScreen

        self.ctx.officer = None
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        await self.switch_screen(SignInScreen(self.ctx))

    # --- idle lock ---------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.Paste):
            self._last_input = time.monotonic()
        if self._typeahead is not None and isinstance(event, events.Key) and not event.is_forwarded:
            self._typeahead.append(event)  # the sign-in is not focused yet: keep it for later
            return
        await super().on_event(event)

    async def release_typeahead(self) -> None:
        """The first screen has focused its field: hand it the keys typed while the app started,
        in order. Call it with `call_later`: it then runs in the app's queue, so no key still
        waiting there can overtake these."""
        keys, self._typeahead = self._typeahead, None
        for key in keys or ():
            await super().on_event(key)

    def _check_idle(self) -> None:
        if self.ctx is None or self.ctx.officer is None or self.is_locked:
            return
        if time.monotonic() - self._last_input >= self.idle_lock_seconds:
            self.lock(idle=True)

    @property
    def is_locked(self) -> bool:
        from counter_app.ui.screens.signin import LockScreen

        return any(isinstance(s, LockScreen) for s in self.screen_stack)

    def lock(self, *, idle: bool = False) -> None:
        from counter_app.ui.screens.signin import LockScreen

        if self.ctx is None or self.ctx.officer is None or self.is_locked:
            return
        self.push_screen(LockScreen(self.ctx, idle_minutes=self.idle_lock_seconds / 60 if idle else None))

    def unlocked(self) -> None:
        self._last_input = time.monotonic()

    # --- actions -----------------------------------------------------------------------------

    def action_available(self, spec: ActionSpec) -> bool:
        if spec.scope == "app":
            return True
        if self.ctx is None or self.ctx.officer is None or self.is_locked:
            return False
        if spec.scope == "home":
            return self.home_screen() is not None
        return True

    def home_screen(self) -> Any:
        from counter_app.ui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                return screen
        return None

    def dispatch(self, name: str) -> None:
        """Run an action by name from anywhere (palette, help): home actions go to home."""
        spec = next((s for s in ACTIONS if s.name == name), None)
        if spec is None:
            return
        if not self.action_available(spec):
            self.bell()
            return
        if spec.scope == "home":
            home = self.home_screen()
            home.run_queue_action(name)
            return
        self.call_later(self.run_action, name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        spec = next((s for s in ACTIONS if s.name == action), None)
        if spec is not None and spec.scope != "app" and not self.action_available(spec):
            return False
        return True

    def action_help(self) -> None:
        from counter_app.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen())

    def action_switch_language(self) -> None:
        # No toast: every label changes at once, which says it plainly.
        i18n.set_language("en" if i18n.get_language() == "vi" else "vi")
        self.refresh_language()

    def refresh_language(self) -> None:
        """Every screen in the stack re-renders its texts (screens may define `relabel`)."""
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if callable(relabel):
                relabel()
            for footer in screen.query("Footer"):
                footer.refresh(recompose=True)
        self.refresh_bindings()

    def action_lock(self) -> None:
        self.lock()

    async def action_sign_out(self) -> None:
        self.leave_counter(self.sign_out)

    async def action_quit(self) -> None:
        self.leave_counter(self.exit)

    def leave_counter(self, then: Callable[[], Any]) -> None:
        """Signing out or quitting with a ticket called or being served: ask what becomes of it
        (finish, back to the head of its queue, transfer), so that the next person to sign in
        does not inherit a citizen nobody serves."""
        from counter_app.ui.screens.pickers import ChoiceScreen

        home = self.home_screen()
        ticket = home.current if home is not None and not home.current_stale else None
        if ticket is None or self.ctx is None or self.ctx.officer is None:
            self.call_later(then)
            return
        choices = [
            ("f", i18n.t("leave.finish")),
            ("q", i18n.t("leave.return")),
            ("t", i18n.t("leave.transfer")),
            ("", i18n.t("leave.stay")),
        ]

        def chosen(value: str | None) -> None:
            if value == "f":
                home.leave_with("finish", ticket, then)
            elif value == "q":
                home.leave_with("return", ticket, then)
            elif value == "t":
                home.run_queue_action("transfer")

        self.push_screen(
            ChoiceScreen(i18n.t("leave.ask", number=ticket.number, state=i18n.t(f"state.{ticket.state}")), choices),
            chosen,
        )

    def action_new_dossier(self) -> None:
        """The wizard, linked to the ticket being served (a called ticket starts being served)."""
        home = self.home_screen()
        current = home.current if home is not None and not home.current_stale else None
        if current is not None and current.state == "called":
            home.run_queue_action("serve")
        self.open_screen("reception", ticket=current.number if current else None)

    def action_lookup(self) -> None:
        self.open_screen("lookup")

    def action_supervisor(self) -> None:
        self.open_screen("supervisor")

    def action_live_view(self) -> None:
        """The center's queue live, from the server (supervisors): every counter, waits, alerts,
        the day's summary. The screen talks to the server in its own workers."""
        from counter_app.errors import CounterAppError
        from counter_app.services import server_session
        from counter_app.ui.screens.live_view import LiveViewScreen

        if self.ctx is None or any(isinstance(s, LiveViewScreen) for s in self.screen_stack):
            return
        try:
            server_session.require_supervisor(self.ctx)
            client = server_session.officer_client(self.ctx)
        except CounterAppError as exc:
            self.notify(exc.message, severity="warning")
            return
        self.push_screen(LiveViewScreen(client, owns_client=True))

    def action_sync_now(self) -> None:
        home = self.home_screen()
        if home is not None:
            home.sync_now()

    def open_screen(self, name: str, **kwargs: Any) -> Screen[Any] | None:
        """Push one of the lazily imported screens (imported on first use, for start-up speed)."""
        modname, clsname = LAZY_SCREENS[name]
        if any(type(s).__name__ == clsname for s in self.screen_stack):
            return None
        cls = getattr(importlib.import_module(modname), clsname)
        try:
            kwargs = {k: v for k, v in kwargs.items() if v is not None}
            try:
                screen = cls(self.ctx, **kwargs)
            except TypeError:
                if not kwargs:
                    raise
                screen = cls(self.ctx)  # a screen that takes only the context
        except Exception as exc:  # a broken screen must not take the counter down
            log.exception("screen %s failed to open", name)
            self.notify(t("app.error", message=str(exc)), severity="error")
            return None
        self.push_screen(screen)
        return screen

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from ()




def make_app(
    settings: Settings | None = None,
    *,
    ctx: AppContext | None = None,
    officer: Officer | None = None,
    clock: Clock | None = None,
    idle_lock_seconds: float | None = None,
    queue: Any = None,
    poll_seconds: float = 5.0,
    sync_poll_seconds: float = 5.0,
    settings_loader: Callable[[], Settings] | None = None,
    lang: str | None = None,
) -> CounterApp:
    """Build the app. The store opens in the background (`LazyStore`) unless a context is given;
    with `settings_loader` instead of `settings`, even the settings load after the first paint."""
    if ctx is None and settings is not None:
        from counter_app.services.lazy_store import LazyStore

        ctx = AppContext(settings=settings, store=LazyStore(settings))  # type: ignore[arg-type]
    if ctx is not None and officer is not None:
        ctx.officer = officer
    return CounterApp(
        ctx,
        clock=clock,
        idle_lock_seconds=idle_lock_seconds,
        queue=queue,
        poll_seconds=poll_seconds,
        sync_poll_seconds=sync_poll_seconds,
        settings_loader=settings_loader,
        lang=lang,
    )
