"""Point 9 of the security issue: bad input to the CLI is one clear line on stderr with the
documented exit code (2 bad input · 3 not available), never a traceback, and nothing is stored."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.dossier.data import APPLICANT, CHILD
from tests.helpers import ROOT, run_cli

CATALOG = ROOT / "assets" / "catalog" / "demo_catalog.json"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("cli-bad")
    e = {"COUNTER_APP_DATA_DIR": str(base / "data"), "COUNTER_APP_OFFICER": "canbo1"}
    assert run_cli("catalog", "import", str(CATALOG), env=e).returncode == 0
    return e


def _body(**applicant: object) -> dict:
    return {
        "procedure": "1.001193",
        "applicant": {**APPLICANT, **applicant},
        "subjects": [dict(CHILD)],
        "components": [
            {"index": 1, "original": 1},
            {"index": 2, "original": 1},
            {"index": 4, "original": 0, "copy": 0, "presented": True},
        ],
    }


def _one_line(r, code: int) -> str:  # type: ignore[no-untyped-def]
    assert r.returncode == code, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    return lines[0]


def _stored(env: dict[str, str]) -> int:
    """Dossiers in the counter's store (read directly: a CLI start costs seconds here)."""
    db = Path(env["COUNTER_APP_DATA_DIR"]) / "counter.sqlite3"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT count(*) FROM dossier").fetchone()[0])
    finally:
        con.close()


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "name,content,words",
    [
        ("deep", DEEP, "nested too deeply"),
        ("year-1", {**_body(), "received_at": "0001-01-01T08:00:00+07:00"}, "received_at"),
        ("nul", _body(full_name="Nguyễn\x00Văn An"), "NUL"),
        ("bidi", _body(full_name="Nguyễn \u202eVăn An"), "U+202E"),
        ("one letter", _body(full_name="A"), "too short"),
        ("digits in name", _body(full_name="Nguyễn V4n An"), "letters only"),
        ("huge count", {**_body(), "components": [{"index": 1, "original": 10**30}]}, "out of range"),
        ("big count", {**_body(), "components": [{"index": 1, "original": 10**6}]}, "components"),
        ("pasted name", _body(full_name="Nguyễn " * 800), "too long"),
        ("birth 1066", _body(date_of_birth="1066-10-14"), "1900"),
    ],
)
def test_bad_dossier_json(env: dict[str, str], tmp_path: Path, name: str, content, words: str) -> None:
    f = tmp_path / "in.json"
    f.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False))
    before = _stored(env)
    line = _one_line(run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env), 2)
    assert words in line, line
    assert _stored(env) == before


def test_deep_catalog_and_admin_import(env: dict[str, str], tmp_path: Path) -> None:
    f = tmp_path / "deep.json"
    f.write_text(DEEP)
    assert "nested too deeply" in _one_line(run_cli("catalog", "import", str(f), env=env), 2)
    srv = {"COUNTER_APP_SERVER_DATA_DIR": str(tmp_path / "srv")}
    line = _one_line(run_cli("admin", "catalog", "import", str(f), env=srv), 2)
    assert "nested too deeply" in line


def test_absurd_limits(env: dict[str, str]) -> None:
    r = run_cli("dossier", "list", "--limit", str(10**20), env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "outside 1…10000" in r.stderr
    r = run_cli("catalog", "search", "khai sinh", "--limit", "-1", env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_data_dir_pointing_at_a_file(tmp_path: Path) -> None:
    f = tmp_path / "a-file"
    f.write_text("x")
    for where in (f, f / "below"):
        line = _one_line(run_cli("dossier", "list", env={"COUNTER_APP_DATA_DIR": str(where)}), 2)
        assert "COUNTER_APP_DATA_DIR" in line


def test_good_name_forms_still_pass(env: dict[str, str], tmp_path: Path) -> None:
    """Names with the marks real names use are accepted (and normalised)."""
    for i, name in enumerate(("H'Hen Niê", "Nguyễn  Thị   Minh-Khai", "Lê Đ. Anh")):
        f = tmp_path / f"ok{i}.json"
        f.write_text(json.dumps(_body(full_name=name), ensure_ascii=False))
        r = run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env)
        assert r.returncode == 0, r.stderr
        assert "  " not in json.loads(r.stdout)["applicant"]["full_name"]
