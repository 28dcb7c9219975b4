from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter_app.config import Settings, load_settings
from counter_app.store.db import Store
from counter_app.store.models import Procedure
from tests.dossier.data import BIRTH, STATUS_CERT


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data", agency_id="H15.50.05.13")


@pytest.fixture
def store(settings: Settings) -> Store:
    store = Store.open(settings.db_path)
    with store.write() as s:
        for p in (BIRTH, STATUS_CERT):
            s.add(Procedure(version=1, **p))
    yield store
    store.close()


def write_json(path: Path, obj) -> Path:  # type: ignore[no-untyped-def]
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path
