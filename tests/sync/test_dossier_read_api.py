"""The server's dossier read API (issue 18 point 1), against a real server on loopback fed by a
real counter's sync: pages with a cursor, filters, one dossier with its history and attachments;
officers refused, another center sees nothing, bad filters are 400/422 (never 500)."""

from __future__ import annotations

import random

import httpx

from counter_app.server.crud import admin
from counter_app.services import dossiers
from tests.server.conftest import login, open_server_db
from tests.sync import clientlib
from tests.sync.test_protocol import run

OTHER_PASSWORD = "Other-center-2026!"


def test_read_api_pages_filters_detail_and_scope(server, client) -> None:  # type: ignore[no-untyped-def]
    store, settings = client
    rng = random.Random(3)
    made = [
        clientlib.receive(store, settings, rng, applicant={**clientlib.APPLICANT, "full_name": name})
        for name in ("Đinh Thị Lụa", "Vương Văn Khải", "Đinh Văn Tùng")
    ]
    clientlib.attach_blob(store, settings, made[0]["id"], b"%PDF-1.4 scan")
    dossiers.transition(store, settings, made[1]["code"], "done", actor="canbo1")
    run(store, settings)
    ours = {d["code"] for d in made}
    api = httpx.Client(base_url=server.api, headers=login(server, "giamsat"), timeout=10)
    try:
        # pages, newest first, until every dossier of this device was seen
        seen: list[str] = []
        cursor = None
        for _ in range(100):
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = api.get("/dossiers", params=params).json()
            assert len(page["items"]) <= 2
            seen += [i["code"] for i in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert ours <= set(seen) and len(seen) == len(set(seen))
        # filters
        got = api.get("/dossiers", params={"q": "dinh", "limit": 200}).json()["items"]
        assert {i["code"] for i in got} & ours == {made[0]["code"], made[2]["code"]}
        got = api.get("/dossiers", params={"q": made[1]["code"]}).json()["items"]
        assert [i["code"] for i in got] == [made[1]["code"]]
        assert got[0]["status"] == "done" and got[0]["status_label"] == "Có kết quả"
        got = api.get("/dossiers", params={"status": "done", "limit": 200}).json()["items"]
        assert made[1]["code"] in {i["code"] for i in got}
        assert all(i["status"] == "done" for i in got)
        day = made[0]["received_at"][:10]
        d, m, y = day[8:10], day[5:7], day[:4]
        got = api.get("/dossiers", params={"from": f"{d}/{m}/{y}", "to": day, "limit": 200}).json()
        assert ours <= {i["code"] for i in got["items"]}
        got = api.get("/dossiers", params={"to": "2000-01-01"}).json()
        assert got == {"items": [], "next_cursor": None}
        # one dossier: its history and attachments
        one = api.get(f"/dossiers/{made[0]['code']}").json()
        assert one["applicant"] == "Đinh Thị Lụa" and one["dossier"]["code"] == made[0]["code"]
        assert [h["op"] for h in one["history"]][:1] and one["history"][0]["status"] == "applied"
        assert len(one["attachments"]) == 1 and one["attachments"][0]["component_index"] == 1
        assert api.get(f"/dossiers/{made[0]['lookup_code']}").json()["code"] == made[0]["code"]
        # bad input: a clear 400/422, never a 500
        for params in ({"limit": 0}, {"limit": 201}, {"status": "lost"}, {"from": "31/02/2026"},
                       {"from": "2026-11-20", "to": "2026-11-01"}, {"cursor": "x' OR 1=1"},
                       {"q": "x" * 101}):
            r = api.get("/dossiers", params=params)
            assert r.status_code in (400, 422), (params, r.status_code, r.text)
        assert api.get("/dossiers/NO-SUCH-CODE").status_code == 404
    finally:
        api.close()
    # an officer is not a supervisor
    officer = httpx.get(server.api + "/dossiers", headers=login(server, "canbo1"), timeout=10)
    assert officer.status_code == 403
    assert httpx.get(server.api + "/dossiers", timeout=10).status_code == 401
    # another center's supervisor sees none of ours, and our codes are 404 there
    db = open_server_db(server.data_dir, server.database_url)
    try:
        if not any(c["code"] == "RX" for c in admin.list_centers(db)):
            admin.create_center(db, "RX", "Trung tâm khác")
            admin.create_officer(db, "rx_sup", OTHER_PASSWORD, center="RX", role="supervisor")
    finally:
        db.dispose()
    other = httpx.Client(
        base_url=server.api, headers=login(server, "rx_sup", OTHER_PASSWORD), timeout=10
    )
    try:
        items = other.get("/dossiers", params={"limit": 200}).json()["items"]
        assert not ({i["code"] for i in items} & ours)
        assert other.get(f"/dossiers/{made[0]['code']}").status_code == 404
    finally:
        other.close()

