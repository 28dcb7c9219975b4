"""The imported catalog feeds the real dossier service; a dossier keeps its procedure version."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from counter_app.config import load_settings
from counter_app.services import catalog, dossiers
from counter_app.store.db import Store
from tests.dossier.data import CHILD

APPLICANT = {
    "id_number": "001085012345",
    "full_name": "Nguyễn Văn Ánh",
    "date_of_birth": "1985-03-14",
    "phone": "0912 345 678",
}


def test_dossier_under_v1_survives_a_catalog_update(
    tmp_path: Path, demo_entries: list[dict[str, Any]]
) -> None:
    settings = load_settings(data_dir=tmp_path / "data", agency_id="H15.50.05.13")
    store = Store.open(settings.db_path)
    try:
        catalog.import_catalog(store, demo_entries, "admin")
        body = {
            "procedure": "1.001193",
            "applicant": dict(APPLICANT),
            "subjects": [dict(CHILD)],
            "components": [
                {"index": 1, "original": 1},
                {"index": 2, "original": 1},
                {"index": 4, "presented": True},
            ],
            "received_at": "2026-11-23T10:05:00+07:00",
        }
        first = dossiers.receive(store, settings, body, actor="canbo1")
        assert first["procedure_version"] == 1
        # same_day (value 0) → result the same day when received before the 15:00 cut-off
        assert first["appointment_at"].startswith("2026-11-23")

        changed = copy.deepcopy(demo_entries)
        birth = next(e for e in changed if e["code"] == "1.001193")
        birth["components"].append(
            {
                "name": "Giấy tờ bổ sung theo quy định mới",
                "original": 1,
                "copy": 0,
                "required": True,
            }
        )
        assert catalog.import_catalog(store, changed, "admin")["updated"] == 1

        again = dossiers.get(store, first["code"])
        assert again["procedure_version"] == 1
        v1 = catalog.get(store, "1.001193", version=again["procedure_version"])
        assert len(v1["components"]) == 5 and v1["current"] is False
        assert len(catalog.get(store, "1.001193")["components"]) == 6

        second = dossiers.receive(
            store,
            settings,
            {
                **body,
                "components": [*body["components"], {"index": 6, "original": 1}],
                "received_at": "2026-11-23T10:20:00+07:00",
            },
            actor="canbo1",
        )
        assert second["procedure_version"] == 2
    finally:
        catalog.invalidate_cache(store)
        store.close()
