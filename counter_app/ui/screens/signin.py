"""Sign-in and lock screens. Password checks run in a thread worker (argon2 takes ~50 ms, the
server may take seconds); the worker posts `SignInDone`, the screen updates itself."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from counter_app.errors import CounterAppError
from counter_app.services.context import AppContext
from counter_app.ui.i18n import t
from counter_app.ui.messages import SignInDone
from counter_app.ui.widgets.chrome import AppFooter, AppHeader


def _vi_part(message: str) -> str:
    """Bilingual service messages are 'vi / en': show the half of the current language."""
    from counter_app.ui.i18n import get_language

    if " / " not in message:
        return message
    vi, _, en = message.partition(" / ")
    return en if get_language() == "en" else vi


# Typed ahead (the app still starting, or busy painting), the keys arrive in one burst and the app
# hands each to the field focused *at that moment*, before the previous key is handled. So Tab and
# Enter are priority bindings that move the focus at once, and a submit is queued on the password
# field behind the letters already on their way to it. Enter typed before the terminal went raw
# arrives as a newline: ctrl+j.
TYPE_AHEAD_BINDINGS = [
    Binding("tab", "move_focus(1)", show=False, priority=True),
    Binding("shift+tab", "move_focus(-1)", show=False, priority=True),
    Binding("enter,ctrl+j", "enter", show=False, priority=True),
]


class _TypeAheadForm(Screen[None]):
    """Input fields filled in order however fast the keys come; Enter on the last one submits."""

    def action_move_focus(self, step: int) -> None:
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_enter(self) -> None:
        focused = self.focused
        if not isinstance(focused, Input):
            return
        fields = list(self.query(Input))
        if focused is not fields[-1]:
            self.set_focus(fields[fields.index(focused) + 1])
            return
        # Queued on the field: handled after the keys it has not processed yet.
        focused.post_message(Input.Submitted(focused, focused.value))


class SignInScreen(_TypeAheadForm):
    BINDINGS = [Binding("escape", "clear", show=False), *TYPE_AHEAD_BINDINGS]

    def __init__(self, ctx: AppContext | None) -> None:
        """`ctx` may be None while the app still loads its settings (see `context_ready`)."""
        super().__init__()
        self.ctx = ctx
        self.busy = False

    def context_ready(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.relabel()

    def context_failed(self, message: str) -> None:
        self.query_one("#signin-error", Static).update(message)  # whole: it names the key

    def compose(self) -> ComposeResult:
        yield AppHeader(id="header")
        with Center(id="signin-wrap"), Vertical(id="signin-box", classes="card"):
            yield Static(id="signin-title", classes="card-title")
            yield Static(id="signin-subtitle", classes="muted")
            yield Label(id="lbl-username", classes="field-label")
            yield Input(id="username", max_length=64)
            yield Label(id="lbl-password", classes="field-label")
            yield Input(id="password", password=True, max_length=256)
            yield Static("", id="signin-error", classes="error")
            yield Static(id="signin-mode", classes="muted")
            yield Static(id="signin-hint", classes="muted")
        yield AppFooter()

    def on_mount(self) -> None:
        self.relabel()
        # set_focus, not Widget.focus (which defers it): the replayed keys need the field now.
        self.set_focus(self.query_one("#username", Input))
        release = getattr(self.app, "release_typeahead", None)
        if release is not None:  # the keys typed while the app started, now that they have a field
            self.app.call_later(release)

    def relabel(self) -> None:
        settings = self.ctx.settings if self.ctx is not None else None
        self.query_one("#signin-title", Static).update(t("signin.title"))
        subtitle = t("signin.subtitle")
        if settings is not None:
            subtitle += f" · {settings.center_name}"
        self.query_one("#signin-subtitle", Static).update(subtitle)
        self.query_one("#lbl-username", Label).update(t("signin.username"))
        self.query_one("#lbl-password", Label).update(t("signin.password"))
        mode = ""
        if settings is not None:
            url = settings.server_url
            mode = t("signin.mode_online", url=url) if url else t("signin.mode_offline")
        self.query_one("#signin-mode", Static).update(mode)
        self.query_one("#signin-hint", Static).update(t("signin.hint"))
        header = self.query_one(AppHeader)
        header.center = settings.center_code if settings is not None else ""
        header.counter = settings.counter_code if settings is not None else ""
        header.officer = ""
        header.lang = t("app.title")

    def action_clear(self) -> None:
        """Esc: start over (both fields empty, cursor in the username)."""
        self.query_one("#password", Input).value = ""
        username = self.query_one("#username", Input)
        username.value = ""
        username.focus()
        self.query_one("#signin-error", Static).update("")

    @on(Input.Submitted, "#password")
    def _submit(self) -> None:
        if self.busy:
            return
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self.query_one("#signin-error", Static).update(t("signin.empty"))
            self.query_one("#username" if not username else "#password", Input).focus()
            return
        self.busy = True
        self.query_one("#signin-error", Static).update(t("signin.working"))
        self._check(username, password)

    @work(thread=True, group="signin", exit_on_error=False)
    def _check(self, username: str, password: str) -> None:
        from counter_app.services import auth_local

        try:
            ctx = self.app.wait_ctx()  # type: ignore[attr-defined]
            result = auth_local.sign_in(ctx.store, ctx.settings, username, password)
        except CounterAppError as exc:
            self.post_message(SignInDone(None, error=str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - never leave the officer without an answer
            self.post_message(SignInDone(None, error=f"{type(exc).__name__}: {exc}"))
            return
        if result.token:
            ctx.extras["token"] = result.token
        self.post_message(
            SignInDone(result.officer, offline=result.offline and bool(ctx.settings.server_url))
        )

    def on_sign_in_done(self, message: SignInDone) -> None:
        self.busy = False
        if message.officer is None:
            self.query_one("#signin-error", Static).update(_vi_part(message.error or ""))
            pw = self.query_one("#password", Input)
            pw.value = ""
            pw.focus()
            return
        if message.offline:
            self.app.notify(t("signin.offline_used"), severity="warning")
        self.app.signed_in(message.officer)  # type: ignore[attr-defined]


class LockScreen(_TypeAheadForm):
    """Covers everything; only the same officer's password (or signing out) leaves it."""

    BINDINGS = [
        Binding("ctrl+o", "sign_out", "key.sign_out"),
        Binding("escape", "clear", show=False),
        *TYPE_AHEAD_BINDINGS,
    ]

    def __init__(self, ctx: AppContext, *, idle_minutes: float | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.idle_minutes = idle_minutes
        self.busy = False

    def compose(self) -> ComposeResult:
        yield AppHeader(id="header")
        with Center(id="signin-wrap"), Vertical(id="signin-box", classes="card"):
            yield Static(id="lock-title", classes="card-title")
            yield Static(id="lock-who")
            yield Static(id="lock-idle", classes="muted")
            yield Label(id="lbl-password", classes="field-label")
            yield Input(id="password", password=True, max_length=256)
            yield Static("", id="lock-error", classes="error")
            yield Static(id="lock-hint", classes="muted")
        yield AppFooter()

    def on_mount(self) -> None:
        self.relabel()
        self.set_focus(self.query_one("#password", Input))  # now: a burst's Enter needs a field

    def relabel(self) -> None:
        officer = self.ctx.officer
        self.query_one("#lock-title", Static).update(t("lock.title"))
        if officer is not None:
            self.query_one("#lock-who", Static).update(
                t("lock.who", name=officer.full_name, username=officer.username)
            )
        idle = "" if self.idle_minutes is None else t("lock.idle", minutes=_fmt_minutes(self.idle_minutes))
        self.query_one("#lock-idle", Static).update(idle)
        self.query_one("#lbl-password", Label).update(t("signin.password"))
        self.query_one("#lock-hint", Static).update(t("lock.hint"))
        header = self.query_one(AppHeader)
        header.center = self.ctx.settings.center_code
        header.counter = self.ctx.counter_code
        header.officer = officer.full_name if officer else ""
        header.lang = t("app.title")

    def action_clear(self) -> None:
        self.query_one("#password", Input).value = ""

    async def action_sign_out(self) -> None:
        await self.app.sign_out()  # type: ignore[attr-defined]

    @on(Input.Submitted, "#password")
    def _submit(self) -> None:
        if self.busy or self.ctx.officer is None:
            return
        password = self.query_one("#password", Input).value  # now, not when Enter was read
        if not password:
            return
        self.busy = True
        self.query_one("#lock-error", Static).update(t("signin.working"))
        self._check(self.ctx.officer.username, password)

    @work(thread=True, group="unlock", exit_on_error=False)
    def _check(self, username: str, password: str) -> None:
        from counter_app.services import auth_local

        try:
            # Online when the server answers (refreshes the token), else the cached verifier.
            result = auth_local.sign_in(self.ctx.store, self.ctx.settings, username, password)
        except CounterAppError as exc:
            self.post_message(SignInDone(None, error=str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - shown on the sign-in form; the officer can try again
            self.post_message(SignInDone(None, error=f"{type(exc).__name__}: {exc}"))
            return
        if result.token:
            self.ctx.extras["token"] = result.token
        self.post_message(SignInDone(result.officer))

    def on_sign_in_done(self, message: SignInDone) -> None:
        self.busy = False
        if message.officer is None:
            self.query_one("#lock-error", Static).update(_vi_part(message.error or ""))
            pw = self.query_one("#password", Input)
            pw.value = ""
            pw.focus()
            return
        self.app.unlocked()  # type: ignore[attr-defined]
        self.dismiss()


def _fmt_minutes(value: float) -> Any:
    return int(value) if value >= 1 else round(value, 2)
