"""The same dossier figures from the counter's CLI and from the server API (issue 18): a real
counter syncs to a real server on loopback (this module's own, so it holds only these dossiers)."""

from __future__ import annotations

import random

import httpx

from counter_app.services import dossiers
from tests.server.conftest import login
from tests.sync import clientlib
from tests.sync.test_protocol import run


def test_server_report_gives_the_counters_numbers(server, client) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: the same figures from the CLI (the counter's store) and the server API."""
    import datetime as dt
    import json

    from tests.helpers import run_cli

    store, settings = client
    rng = random.Random(11)
    made = [clientlib.receive(store, settings, rng, **({"channel": "online"} if i == 3 else {}))
            for i in range(4)]
    dossiers.transition(store, settings, made[0]["code"], "done", actor="canbo1")
    clientlib.attach_blob(store, settings, made[1]["id"], b"%PDF-1.4 another scan")
    run(store, settings)
    day = dt.date.fromisoformat(made[0]["received_at"][:10])
    r = run_cli("report", "dossiers", "--from", day.isoformat(), "--to", day.isoformat(),
                "--by", "officer", "--json", env={"COUNTER_APP_DATA_DIR": str(settings.data_dir)})
    assert r.returncode == 0, r.stderr
    local = json.loads(r.stdout)
    api = httpx.Client(base_url=server.api, headers=login(server, "giamsat"), timeout=10)
    try:
        remote = api.get("/reports/dossiers", params={"from": day.isoformat(), "to": day.isoformat(),
                                                      "by": "officer"}).json()
        # this module's server holds only this counter's dossiers: the same numbers, all of them
        assert remote["total"] == local["total"]
        assert remote["groups"] == local["groups"]
        # how each was filed travels with it: counted per channel on both sides alike
        r = run_cli("report", "dossiers", "--from", day.isoformat(), "--to", day.isoformat(),
                    "--by", "channel", "--json", env={"COUNTER_APP_DATA_DIR": str(settings.data_dir)})
        local_channels = json.loads(r.stdout)["groups"]
        remote_channels = api.get("/reports/dossiers", params={
            "from": day.isoformat(), "to": day.isoformat(), "by": "channel"}).json()["groups"]
        assert remote_channels == local_channels
        assert [(g["key"], g["entered"]) for g in remote_channels] == [("counter", 3), ("online", 1)]
        # by field (lĩnh vực): named from the server's catalog rows (none yet: one group "—")
        by_field = api.get("/reports/dossiers", params={"from": day.isoformat(),
                                                        "to": day.isoformat(), "by": "field"}).json()
        assert [(g["key"], g["entered"]) for g in by_field["groups"]] == [("—", 4)]
        # once the shipped catalog is imported on the server, the field is named
        import json as _json

        from counter_app.server.crud import admin
        from tests.helpers import ROOT
        from tests.server.conftest import open_server_db

        shipped = _json.loads((ROOT / "assets/catalog/demo_catalog.json").read_text("utf-8"))
        db = open_server_db(server.data_dir, server.database_url)
        try:
            admin.import_catalog(db, [e for e in shipped if e["code"] in ("1.001193", "1.004873")])
        finally:
            db.dispose()
        by_field = api.get("/reports/dossiers", params={"from": day.isoformat(),
                                                        "to": day.isoformat(), "by": "field"}).json()
        assert [(g["key"], g["entered"]) for g in by_field["groups"]] == [("Hộ tịch", 4)]
        assert local["total"]["entered"] == 4 and local["total"]["components_scanned"] == 1
        for params in ({"from": "2026-11-20", "to": "2026-11-01"}, {"from": "", "to": ""},
                       {"from": "2026-01-01", "to": "2026-12-31", "by": "weather"}, {"to": "2026-11-01"}):
            bad = api.get("/reports/dossiers", params=params)
            assert bad.status_code in (400, 422), (params, bad.text)
    finally:
        api.close()
    assert httpx.get(server.api + "/reports/dossiers", params={"from": day.isoformat(),
                     "to": day.isoformat()}, headers=login(server, "canbo1"), timeout=10).status_code == 403


def test_queue_and_satisfaction_from_the_server_equal_the_counters(server, client) -> None:  # type: ignore[no-untyped-def]
    """Issue 18 §2–3: tickets of the counter's offline queue and the citizens' ratings, synced,
    give the same queue and satisfaction figures from the server API as from the CLI."""
    import json

    from counter_app.services import satisfaction
    from tests.helpers import run_cli
    from tests.satisfaction.tickets import at, serve_ticket

    store, settings = client
    answers = [("canbo1", "very_satisfied", []), ("canbo2", "unsatisfied", ["wait", "fees"]),
               ("canbo1", "satisfied", []), ("canbo2", None, [])]
    for i, (officer, level, reasons) in enumerate(answers):
        t = serve_ticket(store, settings, at(8, 10 * i, day=16), officer=officer, dossier=False)
        if level is not None:
            satisfaction.offer(store, settings, t, "Q1", now=at(8, 10 * i + 5, day=16))
            satisfaction.rate(store, settings, "Q1", ticket_id=t.id, level=level, reasons=reasons,
                              now=at(8, 10 * i + 6, day=16))
    stats = run(store, settings)
    assert stats["rejected"] == 0, stats
    env = {"COUNTER_APP_DATA_DIR": str(settings.data_dir)}
    api = httpx.Client(base_url=server.api, headers=login(server, "giamsat"), timeout=10)
    try:
        for kind, by in (("satisfaction", "officer"), ("queue", "officer"), ("satisfaction", None)):
            args = ["--by", by] if by else []
            r = run_cli("report", kind, "--from", "16/11/2026", "--to", "16/11/2026", *args,
                        "--json", env=env)
            assert r.returncode == 0, r.stderr
            local = json.loads(r.stdout)
            remote = api.get(f"/reports/{kind}", params={"from": "16/11/2026", "to": "16/11/2026",
                                                         **({"by": by} if by else {})})
            assert remote.status_code == 200, remote.text
            assert remote.json()["total"] == local["total"], kind
            assert remote.json()["groups"] == local["groups"], kind
        total = remote.json()["total"]
        assert (total["rated"], total["served"], total["unsatisfied"]) == (3, 4, 1)
        for params in ({"from": "16/11/2026", "to": "15/11/2026"},
                       {"from": "16/11/2026", "to": "16/11/2026", "by": "mood"},
                       {"from": "31/02/2026", "to": "16/11/2026"}, {"from": "16/11/2026"}):
            bad = api.get("/reports/satisfaction", params=params)
            assert 400 <= bad.status_code < 500, (params, bad.status_code)
        officer = httpx.get(server.api + "/reports/satisfaction", headers=login(server, "canbo1"),
                            params={"from": "16/11/2026", "to": "16/11/2026"}, timeout=10)
        assert officer.status_code == 403
    finally:
        api.close()


def test_province_role_reads_every_center_supervisors_only_their_own(server, client) -> None:  # type: ignore[no-untyped-def]
    """Issue 18 §1–2: the province role reads any center's dossiers and reports, or all of them
    (`center=all`, by center); a center's supervisor asking for another center gets 403."""
    from counter_app.server.crud import admin
    from tests.server.conftest import server_db

    password = "Province-2026-read!"
    store, settings = client
    # refused at the counter (entered, whatever the catalog's checklist now asks)
    made = [clientlib.receive(store, settings, random.Random(5), outcome="refuse",
                              reason="Không thuộc thẩm quyền") for _ in range(2)]
    run(store, settings)
    day = made[0]["received_at"][:10]
    with server_db(server) as db:
        if not any(c["code"] == "PX" for c in admin.list_centers(db)):
            admin.create_center(db, "PX", "Trung tâm xã khác")
            admin.create_officer(db, "px_sup", password, center="PX", role="supervisor")
            admin.create_officer(db, "tinh", password, center="PX", role="province")
    period = {"from": day, "to": day}
    province = httpx.Client(base_url=server.api, headers=login(server, "tinh", password), timeout=10)
    other = httpx.Client(base_url=server.api, headers=login(server, "px_sup", password), timeout=10)
    own = httpx.Client(base_url=server.api, headers=login(server, "giamsat"), timeout=10)
    try:
        demo = own.get("/reports/dossiers", params=period).json()["total"]
        assert province.get("/reports/dossiers", params={**period, "center": "DEMO"}).json()[
            "total"] == demo
        every = province.get("/reports/dossiers", params={**period, "center": "all", "by": "center"})
        assert every.status_code == 200 and every.json()["center"] == "all"
        by_center = {g["key"]: g["entered"] for g in every.json()["groups"]}
        assert by_center["DEMO"] == demo["entered"] and "PX" not in by_center  # PX entered none
        listed = province.get("/dossiers", params={"center": "DEMO", "limit": 200}).json()["items"]
        assert {d["code"] for d in made} <= {i["code"] for i in listed}
        detail = province.get(f"/dossiers/{made[0]['code']}", params={"center": "all"})
        assert detail.status_code == 200 and detail.json()["code"] == made[0]["code"]
        for kind in ("queue", "satisfaction"):
            assert province.get(f"/reports/{kind}", params={**period, "center": "all",
                                                              "by": "center"}).status_code == 200
        # a supervisor stays in their center, whatever they ask for
        for path in ("/reports/dossiers", "/reports/satisfaction", "/dossiers"):
            assert other.get(path, params={**period, "center": "DEMO"}).status_code == 403
            assert other.get(path, params={**period, "center": "all"}).status_code == 403
        assert other.get(f"/dossiers/{made[0]['code']}").status_code == 404
        assert province.get("/reports/dossiers", params={**period, "center": "NOPE"}).status_code == 404
        assert province.get("/reports/dossiers",
                            params={**period, "center": "X'; --"}).status_code in (400, 422)
        # the province role has no admin rights (revoking a device needs an admin)
        assert province.post("/devices/no-such-device/revoke").status_code == 403
        # the same from the command line of a PC at the province (signed in as that officer):
        # the server's figures of every center, saved as a workbook too
        import json

        from tests.helpers import run_cli

        cli_env = {"COUNTER_APP_DATA_DIR": str(settings.data_dir.parent / "province-pc"),
                   "COUNTER_APP_PASSWORD": password}
        xlsx = settings.data_dir.parent / "province.xlsx"
        r = run_cli("report", "dossiers", "--from", day, "--to", day, "--by", "center", "--center",
                    "all", "--server", server.url, "--username", "tinh", "--json", "--xlsx",
                    str(xlsx), env=cli_env)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert out["center"] == "all" and out["groups"] == every.json()["groups"]
        assert xlsx.stat().st_mode & 0o777 == 0o600
        text = run_cli("report", "queue", "--from", day, "--to", day, "--center", "DEMO",
                       "--server", server.url, "--username", "tinh", env=cli_env)
        assert text.returncode == 0, text.stderr
        # a supervisor of another center is refused, with the server's reason, nothing saved
        refused = run_cli("report", "dossiers", "--from", day, "--to", day, "--center", "DEMO",
                          "--server", server.url, "--username", "px_sup", env=cli_env)
        assert refused.returncode != 0 and "your own center only" in refused.stderr
    finally:
        province.close()
        other.close()
        own.close()
