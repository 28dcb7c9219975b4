"""Counter actions name the ticket the officer sees (issue 15): the server refuses to act on
another ticket than the one on the screen (409 `not_current`), call-next with `current` never
closes a ticket the officer did not see, and `return` puts a ticket back at the head of its
queue. Old clients (no body) keep today's behaviour."""

from __future__ import annotations

import httpx
import pytest

from tests.server.conftest import ServerProcess, login


@pytest.fixture
def q(demo_server: ServerProcess) -> httpx.Client:
    return httpx.Client(base_url=demo_server.api + "/queue", headers=login(demo_server, "canbo2"), timeout=10)


def _clear(q: httpx.Client) -> None:
    """Close whatever the counter has open (the module's server is shared)."""
    for _ in range(5):
        counters = q.get("/status").json()["counters"]
        cur = next((c["current"] for c in counters if c["code"] == "Q2"), None)
        if not cur or cur["state"] not in ("called", "serving"):
            return
        q.post("/counters/Q2/no-show" if cur["state"] == "called" else "/counters/Q2/finish")


def test_action_on_another_ticket_is_refused(q: httpx.Client) -> None:
    _clear(q)
    q.post("/tickets", json={"service": "A"})
    q.post("/tickets", json={"service": "A"})
    first = q.post("/counters/Q2/call-next", json={"current": None}).json()
    # the officer's screen still shows `first`; meanwhile it was finished elsewhere and the
    # counter called another one
    q.post("/counters/Q2/finish", json={"ticket": first["id"]})
    second = q.post("/counters/Q2/call-next", json={"current": None}).json()
    r = q.post("/counters/Q2/no-show", json={"ticket": first["id"]})
    assert r.status_code == 409 and r.json()["code"] == "not_current"
    assert q.get(f"/tickets/{second['id']}").json()["state"] == "called"  # untouched
    for action in ("start", "finish", "return"):
        r = q.post(f"/counters/Q2/{action}", json={"ticket": first["id"]})
        assert r.status_code == 409, action
    r = q.post("/counters/Q2/recall", json={"ticket": first["id"]})
    assert r.status_code == 409
    r = q.post("/counters/Q2/transfer", json={"service": "B", "ticket": first["id"]})
    assert r.status_code == 409
    assert q.post("/counters/Q2/start", json={"ticket": second["id"]}).json()["state"] == "serving"
    assert q.post("/counters/Q2/finish", json={"ticket": second["id"]}).json()["state"] == "done"


def test_call_next_never_closes_a_ticket_not_on_the_screen(q: httpx.Client) -> None:
    _clear(q)
    q.post("/tickets", json={"service": "A"})
    q.post("/tickets", json={"service": "A"})
    called = q.post("/counters/Q2/call-next", json={"current": None}).json()
    # a second F5 from a screen that does not know about `called` (e.g. after a reconnect)
    r = q.post("/counters/Q2/call-next", json={"current": None})
    assert r.status_code == 409 and r.json()["code"] == "not_current"
    assert called["number"] in r.json()["detail"]
    assert q.get(f"/tickets/{called['id']}").json()["state"] == "called"
    # the officer decided (the screen named it): closed as absent, the next one called
    r = q.post("/counters/Q2/call-next", json={"current": called["id"]})
    assert r.status_code == 200 and r.json()["id"] != called["id"]
    assert q.get(f"/tickets/{called['id']}").json()["state"] == "no_show"


def test_return_puts_the_ticket_back_at_the_head(q: httpx.Client, demo_server: ServerProcess) -> None:
    _clear(q)
    mine = q.post("/counters/Q2/call-next", json={"current": None})
    if mine.status_code == 204:
        q.post("/tickets", json={"service": "A"})
        mine = q.post("/counters/Q2/call-next", json={"current": None})
    ticket = mine.json()
    back = q.post("/counters/Q2/return", json={"ticket": ticket["id"]}).json()
    assert back["state"] == "transferred" and back["counter"] is None
    assert back["service"] == ticket["service"]
    # another counter serving that group calls it first (it keeps its place)
    other = httpx.Client(base_url=demo_server.api + "/queue", headers=login(demo_server, "canbo3"), timeout=10)
    for _ in range(3):
        cur = next(c["current"] for c in other.get("/status").json()["counters"] if c["code"] == "Q3")
        if not cur or cur["state"] not in ("called", "serving"):
            break
        other.post("/counters/Q3/finish")
    got = other.post("/counters/Q3/call-next").json()
    assert got["id"] == ticket["id"] or got.get("priority")  # a priority ticket may go first
    other.close()


def test_old_clients_without_a_body_still_work(q: httpx.Client) -> None:
    _clear(q)
    q.post("/tickets", json={"service": "A"})
    called = q.post("/counters/Q2/call-next")
    assert called.status_code == 200
    assert q.post("/counters/Q2/start").json()["state"] == "serving"
    assert q.post("/counters/Q2/finish").json()["state"] == "done"
