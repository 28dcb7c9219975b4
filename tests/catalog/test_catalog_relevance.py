"""docs/DESIGN.md §4.9: ≥ 95 % of ≥ 50 real officer queries find the right procedure in the top 3."""

from __future__ import annotations

from typing import Any

from counter_app.domain.catalog_search import CatalogIndex
from tests.catalog.conftest import resolve
from tests.catalog.officer_queries import QUERIES


def _rate(index: CatalogIndex, entries: list[dict[str, Any]]) -> tuple[float, float, list[str]]:
    top1 = top3 = 0
    misses = []
    for query, target in QUERIES:
        code = resolve(entries, target)
        got = [h.code for h in index.search(query, 3)]
        top1 += got[:1] == [code]
        if code in got:
            top3 += 1
        else:
            misses.append(f"{query!r} → {target!r}, got {got}")
    return top1 / len(QUERIES), top3 / len(QUERIES), misses


def test_query_table_is_large_and_resolvable(demo_entries: list[dict[str, Any]]) -> None:
    assert len(QUERIES) >= 50
    codes = {e["code"] for e in demo_entries}
    for _, target in QUERIES:
        code = resolve(demo_entries, target)
        assert code in codes or code.startswith("LOCAL.")


def test_relevance_on_the_2216_catalog(
    big_index: CatalogIndex, big_entries: list[dict[str, Any]]
) -> None:
    assert len(big_index) == 2216
    _, top3, misses = _rate(big_index, big_entries)
    assert top3 >= 0.95, misses


def test_relevance_on_the_demo_catalog(
    demo_index: CatalogIndex, demo_entries: list[dict[str, Any]]
) -> None:
    top1, top3, misses = _rate(demo_index, demo_entries)
    assert top3 >= 0.95, misses
    assert top1 >= 0.8
