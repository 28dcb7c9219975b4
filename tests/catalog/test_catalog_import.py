"""Catalog import into a real SQLite file: validation, versioning, one transaction, events, cache."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from counter_app.errors import BadInput, NotAvailable, NotFound
from counter_app.services import catalog
from counter_app.store.db import Store
from counter_app.store.models import Event, Outbox, Procedure

# the team's sample of real procedures, in ../shared beside the clone (as CI has it)
SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "procedures_sample.json"
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
T1 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def rows(store: Store) -> list[Procedure]:
    with store.read() as s:
        return list(s.exec(select(Procedure).order_by(Procedure.id)).all())


def events(store: Store) -> list[Event]:
    with store.read() as s:
        return list(s.exec(select(Event).where(Event.entity == "catalog")).all())


def test_import_demo_catalog(store: Store, demo_entries: list[dict[str, Any]]) -> None:
    summary = catalog.import_catalog(store, catalog.demo_catalog_path(), "admin", now=T0)
    assert (summary["added"], summary["updated"], summary["unchanged"]) == (len(demo_entries), 0, 0)
    assert summary["entries"] == len(demo_entries) >= 30
    assert catalog.count(store) == len(demo_entries)
    birth = catalog.get(store, "1.001193")
    assert birth["name"] == "Đăng ký khai sinh"
    assert birth["version"] == 1 and birth["current"] is True
    assert birth["processing_time"] == {"value": 0, "unit": "same_day"}
    assert birth["cut_off"] == "15:00"
    assert birth["agency"] == "UBND xã"
    assert birth["valid_from"] == "2026-11-02" and birth["valid_to"] is None
    assert [c["index"] for c in birth["components"]] == [1, 2, 3, 4, 5]
    assert set(birth["components"][0]) >= {"index", "name", "original", "copy", "required", "note"}
    # Events: one per import, never pushed to the server.
    evs = events(store)
    assert len(evs) == 1 and evs[0].action == "import" and evs[0].actor == "admin"
    assert evs[0].data["unchanged"] == 0 and len(evs[0].data["added"]) == len(demo_entries)
    with store.read() as s:
        assert s.exec(select(Outbox)).all() == []


def test_sample_file_imports_as_is(store: Store) -> None:
    if not SAMPLE.exists():
        pytest.skip("shared sample not present")
    summary = catalog.import_catalog(store, SAMPLE, "admin")
    assert summary["added"] == 29
    # Entries without a code get a stable local code.
    name = (
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở"
    )
    code = catalog.local_code(name)
    assert code.startswith("LOCAL.") and len(code) == len("LOCAL.") + 6
    assert catalog.get(store, code)["name"] == name
    # Fees set by the province stay null.
    status = catalog.get(store, "1.004873")
    assert status["fees"][0]["amount_vnd"] is None


def test_reimport_unchanged_is_a_noop(store: Store, demo_entries: list[dict[str, Any]]) -> None:
    catalog.import_catalog(store, demo_entries, "admin", now=T0)
    before = [(r.id, r.version, r.current, r.content_hash) for r in rows(store)]
    summary = catalog.import_catalog(store, copy.deepcopy(demo_entries), "admin", now=T1)
    assert (summary["added"], summary["updated"], summary["unchanged"]) == (0, 0, len(demo_entries))
    assert [(r.id, r.version, r.current, r.content_hash) for r in rows(store)] == before
    assert len(events(store)) == 2  # the no-op import is still logged


def test_changed_procedure_gets_a_new_version(
    store: Store, demo_entries: list[dict[str, Any]]
) -> None:
    catalog.import_catalog(store, demo_entries, "admin", now=T0)
    changed = copy.deepcopy(demo_entries)
    birth = next(e for e in changed if e["code"] == "1.001193")
    birth["processing_time"] = {"value": 1, "unit": "working_days"}
    birth["cut_off"] = None
    new = {
        "code": "9.000001",
        "name": "Thủ tục thử nghiệm mới",
        "field": "Khác",
        "level": "xa",
        "processing_time": {"value": 2, "unit": "working_hours"},
        "fees": [],
        "components": [],
    }
    summary = catalog.import_catalog(store, [*changed, new], "admin", now=T1)
    assert (summary["added"], summary["updated"], summary["unchanged"]) == (
        1,
        1,
        len(demo_entries) - 1,
    )
    assert summary["updated_codes"] == [{"code": "1.001193", "from_version": 1, "to_version": 2}]

    current = catalog.get(store, "1.001193")
    assert current["version"] == 2 and current["processing_time"] == {
        "value": 1,
        "unit": "working_days",
    }
    assert current["valid_from"] == "2026-12-01"
    old = catalog.get(store, "1.001193", version=1)
    assert old["current"] is False and old["valid_to"] == "2026-12-01"
    assert old["processing_time"] == {"value": 0, "unit": "same_day"}
    assert [v["version"] for v in catalog.versions(store, "1.001193")] == [1, 2]
    # Exactly one current row per code.
    with sqlite3.connect(store.path) as con:
        dup = con.execute(
            "SELECT code, count(*) FROM procedure WHERE current GROUP BY code HAVING count(*) > 1"
        ).fetchall()
    assert dup == []
    # A third import of the same content changes nothing.
    again = catalog.import_catalog(store, [*changed, new], "admin", now=T1)
    assert again["unchanged"] == len(demo_entries) + 1


def test_dossier_keeps_the_version_it_was_received_under(
    store: Store, demo_entries: list[dict[str, Any]]
) -> None:
    """A dossier refers to (code, version): the old row stays readable after an update."""
    catalog.import_catalog(store, demo_entries, "admin", now=T0)
    v1_id = next(r.id for r in rows(store) if r.code == "1.000894")
    changed = copy.deepcopy(demo_entries)
    next(e for e in changed if e["code"] == "1.000894")["components"].append(
        {"name": "Giấy tờ mới", "original": 1, "copy": 0, "required": True, "note": ""}
    )
    catalog.import_catalog(store, changed, "admin", now=T1)
    with store.read() as s:
        v1 = s.get(Procedure, v1_id)
    assert v1 is not None and v1.version == 1 and not v1.current
    assert len(catalog.get(store, "1.000894", version=1)["components"]) + 1 == len(
        catalog.get(store, "1.000894")["components"]
    )


def _entry(**over: Any) -> dict[str, Any]:
    base = {
        "code": "1.000001",
        "name": "Thủ tục A",
        "field": "Hộ tịch",
        "level": "xa",
        "processing_time": {"value": 3, "unit": "working_days"},
        "fees": [{"name": "Lệ phí", "amount_vnd": 1000, "note": ""}],
        "components": [{"name": "Tờ khai", "original": 1, "copy": 0, "required": True, "note": ""}],
        "legal_basis": [],
    }
    base.update(over)
    return base


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        ({"name": ""}, "procedures[1].name"),
        ({"name": None}, "procedures[1].name"),
        ({"code": 1001193}, "procedures[1].code"),
        ({"code": "1.0 01"}, "procedures[1].code"),
        ({"processing_time": {"value": 3, "unit": "days"}}, "procedures[1].processing_time.unit"),
        (
            {"processing_time": {"value": -1, "unit": "working_days"}},
            "procedures[1].processing_time.value",
        ),
        (
            {"processing_time": {"value": 2, "unit": "same_day"}},
            "procedures[1].processing_time.value",
        ),
        ({"processing_time": None}, "procedures[1].processing_time"),
        ({"fees": [{"name": "Lệ phí", "amount_vnd": -5}]}, "procedures[1].fees[0].amount_vnd"),
        ({"fees": [{"name": "Lệ phí"}]}, "procedures[1].fees[0].amount_vnd"),
        ({"fees": "free"}, "procedures[1].fees"),
        (
            {"components": [{"name": "X", "original": "1", "copy": 0}]},
            "procedures[1].components[0].original",
        ),
        (
            {"components": [{"name": "X", "original": 1, "copy": 0, "required": "yes"}]},
            "procedures[1].components[0].required",
        ),
        ({"components": [{"original": 1, "copy": 0}]}, "procedures[1].components[0].name"),
        ({"cut_off": "25:00"}, "procedures[1].cut_off"),
        ({"confidence": "sure"}, "procedures[1].confidence"),
        ({"valid_from": "01/12/2026"}, "procedures[1].valid_from"),
        ({"componets": []}, "procedures[1].componets"),
        ({"code": "1.000000"}, "procedures[1].code"),  # duplicate of entry 0
        ({"processing_time": {"unit": "working_days"}}, "procedures[1].processing_time.value"),
        ({"processing_time": {"value": True, "unit": "working_days"}},
         "procedures[1].processing_time.value"),
        ({"fees": [{"name": "Lệ phí", "amount_vnd": 1, "per": "page",
                    "page_tiers": [{"from_page": 2, "amount_vnd": 1}]}]},
         "procedures[1].fees[0].page_tiers"),
        ({"fees": [{"name": "Lệ phí", "amount_vnd": None, "per": "page"}]},
         "procedures[1].fees[0].page_tiers"),
        ({"fees": [{"name": "Lệ phí", "amount_vnd": 1, "cap_per_copy_vnd": 5}]},
         "procedures[1].fees[0].cap_per_copy_vnd"),
        ({"components": [{"name": "X", "original": 1, "copy": 0, "index": 2}]},
         "procedures[1].components"),
        ({"components": [{"name": "X", "original": 1, "copy": 0, "note": ["a"]}]},
         "procedures[1].components[0].note"),
        ({"valid_from": "2026-02-30"}, "procedures[1].valid_from"),
        ({"legal_basis": "Luật Hộ tịch"}, "procedures[1].legal_basis"),
    ],
)
def test_bad_entry_stores_nothing(store: Store, bad: dict[str, Any], where: str) -> None:
    good = _entry(code="1.000000", name="Thủ tục đầu")
    with pytest.raises(BadInput) as exc:
        catalog.import_catalog(store, [good, _entry(**bad)], "admin")
    assert where in str(exc.value)
    assert " / " in str(exc.value)  # said in Vietnamese and in English
    assert rows(store) == []
    assert events(store) == []


def test_lenient_where_the_format_allows(store: Store) -> None:
    """A whole amount written as 1000.0, a same-day time without value, codes and texts with
    spaces around them: read as meant."""
    entry = _entry(code=" 1.000009 ", processing_time={"unit": "same_day"},
                   fees=[{"name": " Lệ phí ", "amount_vnd": 1000.0, "note": None}],
                   cut_off="7:30")
    (norm,) = catalog.validate_catalog([entry])
    assert norm["code"] == "1.000009" and norm["processing_value"] == 0
    assert norm["fees"] == [{"name": "Lệ phí", "amount_vnd": 1000, "note": ""}]
    assert norm["cut_off"] == "07:30"


def test_bad_top_level_and_files(store: Store, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="list"):
        catalog.import_catalog(store, {"code": "x"}, "admin")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"name": "A",', encoding="utf-8")
    with pytest.raises(BadInput, match="line 1"):
        catalog.import_catalog(store, broken, "admin")
    with pytest.raises(NotAvailable):
        catalog.import_catalog(store, tmp_path / "missing.json", "admin")
    latin = tmp_path / "latin1.json"
    latin.write_bytes('[{"name": "Đăng ký"}]'.encode("utf-16"))
    with pytest.raises(BadInput):
        catalog.import_catalog(store, latin, "admin")
    assert rows(store) == []


def test_wrapped_object_and_bom_are_accepted(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "wrapped.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"procedures": [_entry()]}).encode("utf-8"))
    assert catalog.import_catalog(store, path, "admin")["added"] == 1


def test_get_unknown_code(store: Store) -> None:
    catalog.import_catalog(store, [_entry()], "admin")
    with pytest.raises(NotFound, match="9.999999"):
        catalog.get(store, "9.999999")
    with pytest.raises(NotFound):
        catalog.get(store, "1.000001", version=7)
    assert catalog.get(store, "1.000001", version=1)["code"] == "1.000001"


def test_list_fields(store: Store, demo_entries: list[dict[str, Any]]) -> None:
    catalog.import_catalog(store, demo_entries, "admin")
    fields = catalog.list_fields(store)
    by = {f["field"]: f["count"] for f in fields}
    assert by["Hộ tịch"] >= 10 and by["Chứng thực"] >= 5
    assert sum(by.values()) == len(demo_entries)


def test_search_service_and_cache_invalidation(
    store: Store, demo_entries: list[dict[str, Any]], tmp_path: Path
) -> None:
    assert catalog.search(store, "khai sinh") == []
    catalog.import_catalog(store, demo_entries, "admin", now=T0)
    hits = catalog.search(store, "khai sinh", limit=3)
    assert hits[0]["code"] == "1.001193"
    assert set(hits[0]) >= {
        "code",
        "name",
        "field",
        "processing_time",
        "fees",
        "score",
        "version",
        "agency",
    }
    # Another process (here: a second Store on the same file) changes the catalog:
    other = Store.open(store.path)
    try:
        changed = copy.deepcopy(demo_entries)
        next(e for e in changed if e["code"] == "1.001193")["name"] = "Đăng ký khai sinh (mẫu mới)"
        catalog.import_catalog(other, changed, "admin", now=T1)
    finally:
        other.close()
    hit = catalog.search(store, "1.001193", limit=1)[0]
    assert hit["version"] == 2 and hit["name"] == "Đăng ký khai sinh (mẫu mới)"
    # Results are copies: changing one does not change the cache.
    hit["fees"].append({"name": "x"})
    assert len(catalog.search(store, "1.001193", limit=1)[0]["fees"]) == 1
    with pytest.raises(BadInput):
        catalog.search(store, "khai sinh", limit=0)


def test_ensure_demo_catalog(store: Store) -> None:
    first = catalog.ensure_demo_catalog(store)
    assert first is not None and first["added"] >= 30
    assert catalog.ensure_demo_catalog(store) is None
    assert catalog.search(store, "dkks", 1)[0]["code"] == "1.001193"


def test_aliases_round_trip(store: Store, demo_entries: list[dict[str, Any]]) -> None:
    catalog.import_catalog(store, demo_entries, "admin")
    proc = catalog.get(store, "1.004873")
    assert proc["aliases"] == ["giay xac nhan doc than"]
    assert catalog.search(store, "xac nhan doc than", 1)[0]["code"] == "1.004873"


def test_demo_catalog_facts(demo_entries: list[dict[str, Any]]) -> None:
    sample = json.loads(SAMPLE.read_text(encoding="utf-8")) if SAMPLE.exists() else []
    names = {e["name"] for e in demo_entries}
    assert all(s["name"] in names for s in sample)
    for e in demo_entries:
        assert e["agency"], e["name"]
        assert e["level"] == "xa"
        if e["processing_time"]["unit"] == "same_day":
            assert e["cut_off"] == "15:00", e["name"]
        assert e["confidence"] in {"partly", "belief"}
        assert len(e["source"]) > 40, e["name"]  # where the code and the contents come from
    catalog.validate_catalog(demo_entries)  # the shipped file is valid


def test_shipped_catalog_covers_a_commune_center(demo_entries: list[dict[str, Any]]) -> None:
    """Issue 19 §5: ≥150 procedures, national codes, the vertical agencies a center receives for."""
    assert len(demo_entries) >= 150
    codes = [e["code"] for e in demo_entries if e["code"]]
    assert len(codes) == len(set(codes))
    national = re.compile(r"^\d\.\d{6}$")
    assert all(national.match(c) for c in codes), [c for c in codes if not national.match(c)]
    without = [e for e in demo_entries if not e["code"]]
    assert len(without) <= 2
    for e in without:  # a local code is kept only where no national code was found, and says so
        assert "LOCAL" in e["notes"] and "mã" in e["notes"], e["name"]
    agencies = " | ".join(e["agency"] for e in demo_entries)
    for body in ("Văn phòng đăng ký đất đai", "Công an xã", "Bảo hiểm xã hội", "thuế", "UBND xã"):
        assert body in agencies, body
    fields = {e["field"] for e in demo_entries}
    assert {"Đất đai", "Đăng ký biện pháp bảo đảm", "Cấp, quản lý căn cước", "Thuế"} <= fields


def test_cache_notices_an_import_by_another_process(
    store: Store, demo_entries: list[dict[str, Any]], tmp_path: Path
) -> None:
    """The TUI keeps its index while `counter-app catalog import` runs in another process."""
    from tests.helpers import run_cli

    catalog.import_catalog(store, demo_entries, "admin", now=T0)
    assert catalog.search(store, "1.000656", 1)[0]["version"] == 1
    changed = copy.deepcopy(demo_entries)
    next(e for e in changed if e["code"] == "1.000656")["name"] = "Đăng ký khai tử (sửa đổi)"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    r = run_cli(
        "catalog",
        "import",
        str(path),
        "--json",
        env={"COUNTER_APP_DATA_DIR": str(store.path.parent)},
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["updated"] == 1
    hit = catalog.search(store, "1.000656", 1)[0]
    assert (hit["version"], hit["name"]) == (2, "Đăng ký khai tử (sửa đổi)")
    # Unrelated writes (another table) do not rebuild the index.
    cached = catalog._index_for(store)
    with store.write() as s:
        from counter_app.store.db import set_state

        set_state(s, "bench", {"x": 1})
    assert catalog._index_for(store) is cached


def test_warm_up_builds_the_index_once(store: Store, demo_entries: list[dict[str, Any]]) -> None:
    assert catalog.warm_up(store) == 0
    catalog.import_catalog(store, demo_entries, "admin")
    assert catalog.warm_up(store) == len(demo_entries)
    cached = catalog._index_for(store)
    catalog.search(store, "khai sinh")
    assert catalog._index_for(store) is cached


def test_concurrent_imports_make_one_new_version(
    store: Store, demo_entries: list[dict[str, Any]]
) -> None:
    """Two writers (e.g. an admin import and a sync pull) importing the same change at once."""
    import threading

    catalog.import_catalog(store, demo_entries, "admin", now=T0)
    changed = copy.deepcopy(demo_entries)
    next(e for e in changed if e["code"] == "1.004194")["processing_time"] = {
        "value": 2,
        "unit": "working_days",
    }
    stores = [Store.open(store.path) for _ in range(2)]
    results: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(s: Store) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(catalog.import_catalog(s, changed, "admin", now=T1))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for s in stores:
        s.close()
    assert not errors, errors
    assert sorted(r["updated"] for r in results) == [0, 1]
    assert [v["version"] for v in catalog.versions(store, "1.004194")] == [1, 2]


def test_cache_keeps_a_bounded_number_of_stores(tmp_path: Path) -> None:
    stores = [Store.open(tmp_path / f"d{i}" / "counter.sqlite3") for i in range(12)]
    try:
        for i, s in enumerate(stores):
            catalog.import_catalog(s, [_entry(name=f"Thủ tục {i}")], "admin")
            assert catalog.search(s, "thu tuc", 1)[0]["name"] == f"Thủ tục {i}"
        assert len(catalog._watches) <= catalog._MAX_STORES
        # An evicted store still works: it is simply watched again.
        assert catalog.search(stores[0], "thu tuc", 1)[0]["name"] == "Thủ tục 0"
    finally:
        for s in stores:
            catalog.invalidate_cache(s)
            s.close()
