"""`counter-app catalog …` as a real subprocess: JSON shapes on stdout, messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli

DEMO = Path(__file__).resolve().parents[2] / "assets" / "catalog" / "demo_catalog.json"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"COUNTER_APP_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture(scope="module")
def first_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict]:
    """One data dir with the demo catalog, shared by the read-only tests of this module."""
    env = {"COUNTER_APP_DATA_DIR": str(tmp_path_factory.mktemp("catalog_cli") / "data")}
    r = run_cli("catalog", "import", str(DEMO), "--json", env=env)
    assert r.returncode == 0, r.stderr
    return env, json.loads(r.stdout)


@pytest.fixture
def imported(first_import: tuple[dict[str, str], dict]) -> dict[str, str]:
    return first_import[0]


def test_import_then_reimport(first_import: tuple[dict[str, str], dict]) -> None:
    env, summary = first_import
    n = len(json.loads(DEMO.read_text(encoding="utf-8")))
    assert (summary["added"], summary["updated"], summary["unchanged"]) == (n, 0, 0)
    assert summary["entries"] == n and len(summary["added_codes"]) == n
    again = run_cli("catalog", "import", str(DEMO), env=env)
    assert again.returncode == 0
    assert "không đổi / unchanged" in again.stdout and f"{n} không đổi" in again.stdout


def test_search_json_shape(imported: dict[str, str]) -> None:
    r = run_cli("catalog", "search", "khai sinh", "--limit", "3", "--json", env=imported)
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert len(hits) == 3
    assert hits[0]["code"] == "1.001193"
    for h in hits:
        assert set(h) >= {
            "code",
            "name",
            "field",
            "processing_time",
            "fees",
            "score",
            "version",
            "agency",
        }
        assert set(h["processing_time"]) == {"value", "unit"}
        assert h["processing_time"]["unit"] in {"same_day", "working_days", "working_hours"}
        assert all(set(f) >= {"name", "amount_vnd"} for f in h["fees"])
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    # Words given unquoted are joined; --data-dir works after the subcommand too.
    r2 = run_cli(
        "catalog",
        "search",
        "chung",
        "thuc",
        "ban",
        "sao",
        "--json",
        "--data-dir",
        imported["COUNTER_APP_DATA_DIR"],
    )
    assert r2.returncode == 0 and json.loads(r2.stdout)[0]["code"] == "2.000815"


def test_search_text_output(imported: dict[str, str]) -> None:
    r = run_cli("catalog", "search", "ket hon", env=imported)
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].startswith("1.000894")


def test_search_on_empty_catalog_says_how_to_import(env: dict[str, str]) -> None:
    r = run_cli("catalog", "search", "khai sinh", "--json", env=env)
    assert r.returncode == 0
    assert json.loads(r.stdout) == []
    assert "catalog import" in r.stderr and "trống" in r.stderr


def test_show_json_shape(imported: dict[str, str]) -> None:
    r = run_cli("catalog", "show", "1.001193", "--json", env=imported)
    assert r.returncode == 0, r.stderr
    proc = json.loads(r.stdout)
    assert proc["code"] == "1.001193" and proc["version"] == 1
    assert proc["processing_time"] == {"value": 0, "unit": "same_day"}
    comps = proc["components"]
    assert [c["index"] for c in comps] == list(range(1, len(comps) + 1))
    for c in comps:
        assert set(c) >= {"index", "name", "original", "copy", "required", "note"}
    text = run_cli("catalog", "show", "1.001193", "--version", "1", env=imported)
    assert "phiên bản 1" in text.stdout
    assert "Thành phần hồ sơ" in text.stdout and "1. Tờ khai" in text.stdout


def test_show_unknown_code_exits_2(imported: dict[str, str]) -> None:
    r = run_cli("catalog", "show", "9.999999", "--json", env=imported)
    assert r.returncode == 2
    assert r.stdout == ""
    assert "9.999999" in r.stderr and "unknown procedure" in r.stderr


def test_import_unreadable_json_exits_2_and_stores_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"code": "1.1", "name": "A",]', encoding="utf-8")
    r = run_cli("catalog", "import", str(bad), env=env)
    assert r.returncode == 2
    assert "JSON" in r.stderr and "line 1" in r.stderr
    assert not (Path(env["COUNTER_APP_DATA_DIR"]) / "counter.sqlite3").exists()


def test_import_bad_entry_names_index_and_field(imported: dict[str, str], tmp_path: Path) -> None:
    entries = json.loads(DEMO.read_text(encoding="utf-8"))
    entries[3]["components"][1]["copy"] = -1
    entries[0]["name"] = "Đăng ký khai sinh (đổi tên, không được lưu)"
    path = tmp_path / "bad_entry.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    r = run_cli("catalog", "import", str(path), "--json", env=imported)
    assert r.returncode == 2
    assert "procedures[3].components[1].copy" in r.stderr
    show = run_cli("catalog", "show", "1.001193", "--json", env=imported)
    assert json.loads(show.stdout)["name"] == "Đăng ký khai sinh"  # nothing of the file was stored


def test_import_missing_file_exits_3(env: dict[str, str], tmp_path: Path) -> None:
    r = run_cli("catalog", "import", str(tmp_path / "nope.json"), env=env)
    assert r.returncode == 3 and "nope.json" in r.stderr


def test_import_from_stdin(env: dict[str, str]) -> None:
    entry = {
        "code": None,
        "name": "Thủ tục nhập từ stdin",
        "field": "Khác",
        "level": "xa",
        "processing_time": {"value": 1, "unit": "working_days"},
        "fees": [],
        "components": [],
    }
    r = run_cli("catalog", "import", "-", "--json", env=env, input=json.dumps([entry]))
    assert r.returncode == 0, r.stderr
    code = json.loads(r.stdout)["added_codes"][0]
    assert code.startswith("LOCAL.")
    show = run_cli("catalog", "show", code, "--json", env=env)
    assert json.loads(show.stdout)["name"] == "Thủ tục nhập từ stdin"


def test_fields_and_bad_limit(imported: dict[str, str]) -> None:
    r = run_cli("catalog", "fields", "--json", env=imported)
    assert r.returncode == 0
    fields = json.loads(r.stdout)
    assert {"field", "count"} <= set(fields[0])
    assert sum(f["count"] for f in fields) == len(json.loads(DEMO.read_text(encoding="utf-8")))
    bad = run_cli("catalog", "search", "khai sinh", "--limit", "0", env=imported)
    assert bad.returncode == 2 and "--limit" in bad.stderr
