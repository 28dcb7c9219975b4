"""The counter's queue keys never lose a citizen's turn (issue 15), on the local queue:
- F5 on a ticket only called asks (recall / mark absent and call the next / stay); Esc calls
  nobody and marks nobody absent;
- F7 asks before marking absent;
- the center's rule "absent after N recalls" acts without asking;
- leaving the counter (sign out, quit) with a ticket open asks what becomes of it.
The same against the real server is in test_queue_safety_server.py."""

from __future__ import annotations

from typing import Any

from counter_app.ui.app import make_app
from counter_app.ui.screens.home import HomeScreen
from counter_app.ui.screens.pickers import ChoiceScreen, ConfirmScreen
from counter_app.ui.screens.signin import SignInScreen

from .test_app_flows import SIZE, settle, sign_in, ticket_rows


def _states(ctx: Any) -> dict[str, str]:
    return {n: t.state for n, t in ticket_rows(ctx).items()}


async def test_double_f5_asks_and_escape_changes_nothing(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await pilot.press("f5")
        await settle(app, pilot)
        first = home.current
        assert first is not None and first.state == "called"
        before = _states(ctx)

        await pilot.press("f5")  # the second F5, two seconds later: a question, not a no-show
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert _states(ctx) == before and home.current.id == first.id

        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("r")  # recall
        await settle(app, pilot)
        assert ticket_rows(ctx)[first.number].recalls == 1 and home.current.id == first.id

        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("v")  # absent, then the next one
        await settle(app, pilot)
        assert ticket_rows(ctx)[first.number].state == "no_show"
        second = home.current
        assert second is not None and second.number != first.number and second.state == "called"
        assert first.number in home.message_text and second.number in home.message_text
        # the screen shows exactly what the store holds: one open ticket at Q1
        open_here = [n for n, tk in ticket_rows(ctx).items() if tk.counter_code == "Q1" and tk.state in ("called", "serving")]
        assert open_here == [second.number]


async def test_serving_then_f5_finishes_and_calls(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        home = app.screen
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        served = home.current
        assert served.state == "serving"
        await pilot.press("f5")
        await settle(app, pilot)
        assert ticket_rows(ctx)[served.number].state == "done"
        assert home.current is not None and home.current.number != served.number


async def test_f7_is_confirmed(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        home = app.screen
        await pilot.press("f5")
        await settle(app, pilot)
        ticket = home.current
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert ticket.number in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")
        await settle(app, pilot)
        assert ticket_rows(ctx)[ticket.number].state == "called"
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert ticket_rows(ctx)[ticket.number].state == "no_show" and home.current is None


async def test_center_rule_absent_after_recalls(settings, ctx, clock) -> None:
    settings.auto_absent_after_recalls = 1
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        home = app.screen
        await pilot.press("f5")
        await settle(app, pilot)
        first = home.current
        await pilot.press("f5")  # not recalled yet: asked
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("f5")  # recalled once: the rule marks absent and calls, no question
        await settle(app, pilot)
        assert not isinstance(app.screen, ChoiceScreen)
        assert ticket_rows(ctx)[first.number].state == "no_show"
        assert home.current is not None and home.current.number != first.number


async def test_sign_out_with_a_ticket_open_asks(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        home = app.screen
        await pilot.press("f5")
        await settle(app, pilot)
        ticket = home.current
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")  # stay
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen) and ctx.officer is not None
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("q")  # back to the head of its queue, then sign out
        await settle(app, pilot, rounds=6)
        assert isinstance(app.screen, SignInScreen) and ctx.officer is None
        row = ticket_rows(ctx)[ticket.number]
        assert row.state == "transferred" and row.counter_code is None and row.service == ticket.service


async def test_returned_ticket_is_called_first(settings, ctx, clock) -> None:
    """Returned to the head of its queue: the next call of its group takes it first."""
    from counter_app.services.queue_backend import LocalQueue

    q = LocalQueue(ctx.store, settings, lambda: "canbo1", clock)
    first = q.call_next("Q1", current=None)
    assert first is not None
    q.return_to_queue("Q1", ticket=first.id)
    again = q.call_next("Q2", current=None)
    assert again is not None and again.id == first.id


async def test_quit_with_nothing_open_just_quits(settings, ctx, clock) -> None:
    app = make_app(settings, ctx=ctx, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert app.return_code in (0, None)
