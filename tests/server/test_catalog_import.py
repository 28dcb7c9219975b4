"""The server's catalog import validates like the counters do and gives procedures without a
national code the same local code, so dossiers pushed by counters match the server's catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter_app.server.crud import admin
from counter_app.server.crud.common import ApiError
from counter_app.server.models import ProcedureRow
from counter_app.services.catalog import local_code
from tests.server.conftest import open_server_db

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "catalog" / "demo_catalog.json"


def test_codes_match_the_client_and_reimport_is_a_no_op(tmp_path: Path) -> None:
    from sqlmodel import select

    db = open_server_db(tmp_path / "srv", None)
    items = json.loads(SAMPLE.read_text(encoding="utf-8"))
    first = admin.import_catalog(db, items)
    again = admin.import_catalog(db, items)
    assert again["unchanged"] == len(items) and first["added"] == len(items)
    nameless = [p for p in items if not p.get("code")]
    assert nameless, "the demo catalog has procedures without a national code"
    with db.read() as s:
        codes = {r.code for r in s.exec(select(ProcedureRow)).all()}
        stored = s.exec(select(ProcedureRow).where(ProcedureRow.name == nameless[0]["name"])).one()
    assert local_code(nameless[0]["name"]) in codes
    assert stored.data["code"] == stored.code  # the pulled JSON carries the resolved code


def test_bad_entry_is_refused_whole(tmp_path: Path) -> None:
    db = open_server_db(tmp_path / "srv", None)
    items = json.loads(SAMPLE.read_text(encoding="utf-8"))[:3]
    items[1] = {**items[1], "components": "not a list"}
    with pytest.raises(ApiError) as err:
        admin.import_catalog(db, items)
    assert err.value.status == 422 and "procedures[1]" in err.value.message
