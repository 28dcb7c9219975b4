"""Fixtures for the catalog tests: a real SQLite store, the demo and the 2,216-entry catalogs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from counter_app.domain.catalog_search import CatalogIndex, SearchDoc
from counter_app.services import catalog
from counter_app.store.db import Store

ROOT = Path(__file__).resolve().parents[2]
DEMO_PATH = ROOT / "assets" / "catalog" / "demo_catalog.json"


def docs_of(entries: list[dict[str, Any]]) -> list[SearchDoc]:
    return [
        SearchDoc(
            key=i,
            code=e["code"] or catalog.local_code(e["name"]),
            name=e["name"],
            field=e.get("field", ""),
            aliases=tuple(e.get("aliases", [])),
            level=e.get("level", ""),
        )
        for i, e in enumerate(entries)
    ]


def resolve(entries: list[dict[str, Any]], target: str) -> str:
    """A query table target (a code, or the name of a procedure without code) → its code."""
    if target[:1].isdigit():
        return target
    for e in entries:
        if e["name"] == target:
            return e["code"] or catalog.local_code(e["name"])
    raise KeyError(target)


@pytest.fixture(scope="session")
def demo_entries() -> list[dict[str, Any]]:
    return json.loads(DEMO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def big_entries() -> list[dict[str, Any]]:
    from benchmarks.make_big_catalog import make_big_catalog

    return make_big_catalog()


@pytest.fixture(scope="session")
def demo_index(demo_entries: list[dict[str, Any]]) -> CatalogIndex:
    return CatalogIndex(docs_of(demo_entries))


@pytest.fixture(scope="session")
def big_index(big_entries: list[dict[str, Any]]) -> CatalogIndex:
    return CatalogIndex(docs_of(big_entries))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "data" / "counter.sqlite3")
    yield s
    catalog.invalidate_cache(s)
    s.close()
