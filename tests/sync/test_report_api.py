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
    made = [clientlib.receive(store, settings, rng) for _ in range(4)]
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
