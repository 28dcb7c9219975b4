"""The counter's queue router: the central queue on the real server when signed in online, the
local queue when signed in offline or when the server stops answering."""

from __future__ import annotations

import re

from counter_app.domain.queue import parse_number
from counter_app.services import auth_local, satisfaction
from counter_app.services.counter_queue import CounterQueue

from .conftest import free_port, frozen


def _signed_in(ctx, settings, username: str) -> None:
    result = auth_local.sign_in(ctx.store, settings, username, "demo")
    ctx.officer = result.officer
    if result.token:
        ctx.extras["token"] = result.token


def test_central_queue_then_local_when_the_server_goes(ctx, settings, real_server) -> None:
    settings.server_url = real_server
    _signed_in(ctx, settings, "canbo3")
    assert "token" in ctx.extras
    queue = CounterQueue(ctx)
    issued = queue.issue("C")
    assert queue.source == "server"
    service, slot, _seq = parse_number(issued.number)
    assert service == "C" and slot is None  # central numbers carry no device slot
    status = queue.status()
    assert queue.source == "server" and status.source == "server"
    assert any(g.service == "C" and g.waiting >= 1 for g in status.services)
    called = queue.call_next(status.current)
    assert queue.source == "server" and called.state == "called" and called.counter == "Q3"
    assert queue.status().current.number == called.number
    served = queue.start(called)
    assert served.state == "serving"
    done = queue.finish(served)
    assert done.state == "done" and done.number == called.number
    offer = satisfaction.pending(ctx.store, settings, "Q3")  # a ticket of the central queue too
    assert offer is not None and offer.number == done.number

    # The server stops answering: the same counter goes on with its local queue.
    settings.server_url = f"http://127.0.0.1:{free_port()}"
    queue.close()
    local = queue.issue("C")
    assert queue.source == "local" and re.match(r"^C-\d{2}-\d{3}$", local.number)
    # the first call after the server went away found it down at issue: the local queue
    assert queue.call_next(None).number is not None and queue.source == "local"


def test_offline_sign_in_uses_the_local_queue(ctx, settings) -> None:
    settings.server_url = f"http://127.0.0.1:{free_port()}"
    _signed_in(ctx, settings, "canbo1")
    assert "token" not in ctx.extras
    queue = CounterQueue(ctx, now=frozen)
    status = queue.status()
    assert queue.source == "local" and status.total_waiting > 0
    called = queue.call_next(status.current)
    assert queue.source == "local" and called.counter == "Q1"
    # finished: the citizen is asked to rate it on the terminal beside Q1 (issue 18 §3)
    done = queue.finish(queue.start(called))
    offer = satisfaction.pending(ctx.store, settings, "Q1", now=frozen())
    assert offer is not None and offer.ticket_id == done.id and offer.officer == "canbo1"
