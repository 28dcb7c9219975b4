"""Whom a dossier is about (issue 19 §5), with the shipped catalog on a real SQLite file: asked
for, refused when missing, stored, printed on the forms and in the book, completed at
supplementation, through the CLI too."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from counter_app.config import Settings, load_settings
from counter_app.documents.book import book_rows
from counter_app.errors import BadInput
from counter_app.services import book, catalog, dossiers
from counter_app.services import forms as form_service
from counter_app.store.db import Store
from tests.dossier.data import APPLICANT, CHILD
from tests.forms import pdftools as pt
from tests.helpers import ROOT, run_cli

CATALOG = ROOT / "assets" / "catalog" / "demo_catalog.json"
BRIDE = {"role": "bride", "full_name": "Trần Thị Bình", "date_of_birth": "1998-03-04",
         "id_number": "001198012345"}
GROOM = {"role": "groom", "full_name": "Lê Văn Cường", "date_of_birth": "1996-07-08",
         "id_number": "001096054321"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data", agency_id="H15.50.05.13")


@pytest.fixture
def store(settings: Settings) -> Store:
    s = Store.open(settings.db_path)
    catalog.import_catalog(s, CATALOG, "admin")
    yield s
    s.close()


def _birth(**kw: object) -> dict:
    body = {
        "procedure": "1.001193",
        "applicant": dict(APPLICANT),
        "components": [
            {"index": 1, "original": 1},
            {"index": 2, "original": 1},
            {"index": 4, "presented": True},
        ],
        "received_at": "2026-11-23T09:30:00+07:00",
    }
    body.update(kw)
    return body


def _count(settings: Settings) -> int:
    con = sqlite3.connect(settings.db_path)
    try:
        return con.execute("SELECT count(*) FROM dossier").fetchone()[0]
    finally:
        con.close()


def test_the_catalog_says_whom_each_procedure_is_about(store: Store) -> None:
    assert [s["role"] for s in catalog.get(store, "1.001193")["subjects"]] == ["child"]
    assert [s["role"] for s in catalog.get(store, "1.000894")["subjects"]] == ["bride", "groom"]
    assert catalog.get(store, "1.000656")["subjects"][0]["label"] == "Người chết"
    assert catalog.get(store, "2.000815")["subjects"] == []  # a certified copy: the applicant's own


def test_a_birth_is_not_received_without_the_child(store: Store, settings: Settings) -> None:
    with pytest.raises(BadInput) as exc:
        dossiers.receive(store, settings, _birth(), actor="canbo1")
    assert exc.value.field == "subjects.child.full_name"
    assert "người được đăng ký khai sinh" in exc.value.message
    assert _count(settings) == 0
    d = dossiers.receive(store, settings, _birth(subjects=[CHILD]), actor="canbo1")
    assert d["subjects"] == [
        {"role": "child", "label": "Người được đăng ký khai sinh", "full_name": "Nguyễn Văn Bình",
         "date_of_birth": "2026-11-01", "sex": "Nam"}
    ]
    assert dossiers.get(store, d["code"])["subjects"] == d["subjects"]


def test_born_after_the_day_of_receipt_is_refused(store: Store, settings: Settings) -> None:
    later = dict(CHILD, date_of_birth="2026-11-24")
    with pytest.raises(BadInput) as exc:
        dossiers.receive(store, settings, _birth(subjects=[later]), actor="canbo1")
    assert exc.value.field == "subjects.child.date_of_birth"


def test_a_refusal_needs_no_subject(store: Store, settings: Settings) -> None:
    d = dossiers.receive(
        store, settings, _birth(outcome="refuse", reason="Không thuộc thẩm quyền"), actor="canbo1"
    )
    assert d["status"] == "refused" and d["subjects"] == []


def test_bad_subject_input_is_a_clear_error_never_a_crash(store: Store, settings: Settings) -> None:
    for subjects, field in (
        ([{"role": "child", "full_name": "A" * 101}], "subjects.0.full_name"),
        ([{"role": "x" * 21, "full_name": "A"}], "subjects.0.role"),
        ([{"role": "child", "full_name": "An", "shoe": 1}], "subjects.0.shoe"),
        ([CHILD] * 5, "subjects"),
        ([{"role": "father", "full_name": "An"}], "subjects"),
    ):
        with pytest.raises(BadInput) as exc:
            dossiers.receive(store, settings, _birth(subjects=subjects), actor="canbo1")
        assert exc.value.field == field, (subjects, exc.value.field)
    assert _count(settings) == 0


def test_both_parties_of_a_marriage_are_on_the_receipt(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    proc = catalog.get(store, "1.000894")
    body = {
        "procedure": "1.000894",
        "applicant": dict(APPLICANT),
        "subjects": [GROOM, BRIDE],  # any order: stored in the catalog's
        "components": [
            {"index": c["index"], "original": c["original"], "copy": c["copy"], "presented": True}
            for c in proc["components"]
            if c["required"]
        ],
        "received_at": "2026-11-23T09:30:00+07:00",
    }
    d = dossiers.receive(store, settings, body, actor="canbo1")
    assert [s["role"] for s in d["subjects"]] == ["bride", "groom"]
    text = pt.flat(pt.text(form_service.render_form(store, settings, d["code"], "receipt", tmp_path / "r.pdf")))
    assert "Bên nữ: Trần Thị Bình, sinh ngày 04/03/1998, số định danh 001198012345" in text
    assert "Bên nam: Lê Văn Cường, sinh ngày 08/07/1996" in text


def test_the_child_is_on_forms_01_and_06_and_in_the_book(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    d = dossiers.receive(store, settings, _birth(subjects=[CHILD]), actor="canbo1")
    for kind in ("receipt", "control"):
        out = form_service.render_form(store, settings, d["code"], kind, tmp_path / f"{kind}.pdf")
        assert "Người được đăng ký khai sinh: Nguyễn Văn Bình, sinh ngày 01/11/2026, Nam" in pt.flat(
            pt.text(out)
        ), kind
    rows = book.book_dossiers(store, settings, dt.date(2026, 11, 23), dt.date(2026, 11, 23))
    cells = book_rows(rows, settings.tz)[0]
    assert cells[2] == "Đăng ký khai sinh (Người được đăng ký khai sinh: Nguyễn Văn Bình)"


def test_supplementation_completes_the_missing_child(store: Store, settings: Settings) -> None:
    d = dossiers.receive(
        store, settings, _birth(outcome="supplement", components=[{"index": 1, "original": 1}],
                                reason="Thiếu giấy chứng sinh"), actor="canbo1",
    )
    got = [{"index": 2, "original": 1}, {"index": 4, "presented": True}]
    with pytest.raises(BadInput) as exc:
        dossiers.complete_supplement(store, settings, d["code"], got, actor="canbo1")
    assert exc.value.field == "subjects.child.full_name"
    assert dossiers.get(store, d["code"])["status"] == "need_supplement"  # nothing changed
    done = dossiers.complete_supplement(
        store, settings, d["code"], got, actor="canbo1", subjects=[CHILD]
    )
    assert done["status"] == "received" and done["subjects"][0]["full_name"] == "Nguyễn Văn Bình"


def test_cli_receive_and_supplement_with_subjects(tmp_path: Path) -> None:
    env = {"COUNTER_APP_DATA_DIR": str(tmp_path / "data"), "COUNTER_APP_OFFICER": "canbo1"}
    assert run_cli("catalog", "import", str(CATALOG), env=env).returncode == 0
    f = tmp_path / "birth.json"
    f.write_text(json.dumps(_birth(), ensure_ascii=False), encoding="utf-8")
    r = run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env)
    assert r.returncode == 2 and "người được đăng ký khai sinh" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    body = _birth(outcome="supplement", components=[{"index": 1, "original": 1}], reason="Thiếu")
    f.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    r = run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env)
    assert r.returncode == 0, r.stderr
    code = json.loads(r.stdout)["code"]
    more = tmp_path / "more.json"
    more.write_text(json.dumps({"components": [{"index": 2, "original": 1},
                                               {"index": 4, "presented": True}],
                                "subjects": [CHILD]}, ensure_ascii=False), encoding="utf-8")
    r = run_cli("dossier", "supplement", code, "--from-json", str(more), "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["subjects"][0]["role"] == "child"
    # the child's name never reaches the log (stderr is the CLI's log)
    assert "Nguyễn Văn Bình" not in r.stderr
