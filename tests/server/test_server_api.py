"""The server as a real process (SQLite and PostgreSQL): health, OpenAPI, sign-in, the queue flow."""

from __future__ import annotations

import httpx

from tests.server.conftest import ServerProcess, login


def test_health_and_openapi(demo_server: ServerProcess) -> None:
    h = httpx.get(demo_server.api + "/health", timeout=10).json()
    assert h["status"] == "ok"
    assert h["database"] == ("sqlite" if demo_server.database_url is None else "postgresql")
    spec = httpx.get(demo_server.url + "/openapi.json", timeout=10).json()
    paths = spec["paths"]
    for path in (
        "/api/v1/health",
        "/api/v1/auth/token",
        "/api/v1/queue/tickets",
        "/api/v1/queue/counters/{code}/call-next",
        "/api/v1/queue/board",
        "/api/v1/queue/status",
        "/api/v1/queue/events",
        "/api/v1/devices/enroll",
    ):
        assert path in paths, path


def test_ticket_flow(demo_server: ServerProcess) -> None:
    api = demo_server.api
    officer = login(demo_server, "canbo3")
    with httpx.Client(base_url=api, headers=officer, timeout=10) as c:
        # drain what the demo seeded (and earlier tests left) at counter Q3
        while c.post("/queue/counters/Q3/call-next").status_code == 200:
            pass
        a = c.post("/queue/tickets", json={"service": "C", "priority": None})
        assert a.status_code == 201, a.text
        t = a.json()
        assert {"id", "number", "service", "state", "counter"} <= t.keys()
        assert t["number"].startswith("C") and t["state"] == "waiting" and t["counter"] is None
        p = c.post("/queue/tickets", json={"service": "C", "priority": "disabled"}).json()
        # priority first
        first = c.post("/queue/counters/Q3/call-next")
        assert first.status_code == 200
        assert first.json()["id"] == p["id"] and first.json()["counter"] == "Q3"
        # recall repeats the call
        r = c.post("/queue/counters/Q3/recall")
        assert r.status_code == 200 and r.json()["recalls"] == 1
        # the citizen arrives, then the officer calls next: the served one is closed as done
        assert c.post("/queue/counters/Q3/start").json()["state"] == "serving"
        second = c.post("/queue/counters/Q3/call-next").json()
        assert second["id"] == t["id"]
        done = c.get(f"/queue/tickets/{p['id']}").json()
        assert done["state"] == "done" and done["service_seconds"] is not None
        # nobody waits now → 204; the one only called becomes a no-show
        assert c.post("/queue/counters/Q3/call-next").status_code == 204
        ns = c.get(f"/queue/tickets/{t['id']}").json()
        assert ns["state"] == "no_show"
        # grace recall: the citizen came back
        back = c.post("/queue/counters/Q3/recall", json={"number": t["number"]})
        assert back.status_code == 200 and back.json()["state"] == "called", back.text
        # transfer to service D at counter Q4
        tr = c.post("/queue/counters/Q3/transfer", json={"service": "D", "counter": "Q4"})
        assert tr.status_code == 200 and tr.json()["state"] == "transferred"
        assert tr.json()["service"] == "D" and tr.json()["target_counter"] == "Q4"
    with httpx.Client(base_url=api, headers=login(demo_server, "canbo4"), timeout=10) as c4:
        got = c4.post("/queue/counters/Q4/call-next").json()
        assert got["id"] == t["id"] and got["counter"] == "Q4" and got["transfers"] == 1
        fin = c4.post("/queue/counters/Q4/finish").json()
        assert fin["state"] == "done"
        # specific number
        x = c4.post("/queue/tickets", json={"service": "B"}).json()
        called = c4.post("/queue/counters/Q4/call", json={"number": x["number"]})
        assert called.status_code == 200 and called.json()["id"] == x["id"]
        again = c4.post("/queue/counters/Q4/call", json={"number": x["number"]})
        assert again.status_code == 409
        board = c4.get("/queue/board").json()
        assert any(
            b["counter"] == "Q4" and b["number"] == x["number"] for b in board["now_serving"]
        )
        st = c4.get("/queue/status").json()
        q4 = next(k for k in st["counters"] if k["code"] == "Q4")
        assert q4["current"]["id"] == x["id"]


def test_idempotent_call_next(demo_server: ServerProcess) -> None:
    with httpx.Client(
        base_url=demo_server.api, headers=login(demo_server, "canbo2"), timeout=10
    ) as c:
        c.post("/queue/tickets", json={"service": "A"})
        c.post("/queue/tickets", json={"service": "A"})
        one = c.post("/queue/counters/Q2/call-next", headers={"Idempotency-Key": "k-q2-1"})
        two = c.post("/queue/counters/Q2/call-next", headers={"Idempotency-Key": "k-q2-1"})
        assert one.status_code == 200 and two.json()["id"] == one.json()["id"]
        assert c.get(f"/queue/tickets/{one.json()['id']}").json()["state"] == "called"
        other = c.post("/queue/counters/Q2/call-next", headers={"Idempotency-Key": "k-q2-2"})
        assert other.status_code == 200 and other.json()["id"] != one.json()["id"]
