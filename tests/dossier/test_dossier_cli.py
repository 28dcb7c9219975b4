"""`counter-app dossier …` from outside, as a script or an officer would run it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.dossier.data import APPLICANT, CHILD
from tests.helpers import ROOT, run_cli

CATALOG = ROOT / "assets" / "catalog" / "demo_catalog.json"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {"COUNTER_APP_DATA_DIR": str(tmp_path / "data"), "COUNTER_APP_OFFICER": "canbo1"}
    r = run_cli("catalog", "import", str(CATALOG), env=e)
    assert r.returncode == 0, r.stderr
    return e


def body(**kw):
    b = {
        "procedure": "1.001193",
        "applicant": dict(APPLICANT),
        "subjects": [dict(CHILD)],
        "components": [
            {"index": 1, "original": 1},
            {"index": 2, "original": 1},
            {"index": 4, "original": 0, "copy": 0, "presented": True},
        ],
        "received_at": "2027-02-04T16:10:00+07:00",
    }
    b.update(kw)
    return b


def test_receive_one_then_list_and_show(tmp_path: Path, env) -> None:
    f = tmp_path / "one.json"
    f.write_text(json.dumps(body(), ensure_ascii=False), encoding="utf-8")
    r = run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["status"] == "received" and d["code"].endswith("-270204-000001")
    # after 15:00 → next working day; Tết 2027 is computed, not yet decided → provisional
    assert d["appointment_at"].startswith("2027-02-11T17:00")
    assert d["provisional_due"] is True
    assert d["officer"] == "canbo1"
    listed = json.loads(run_cli("dossier", "list", "--json", env=env).stdout)
    assert [x["code"] for x in listed] == [d["code"]]
    shown = json.loads(run_cli("dossier", "show", d["code"], "--json", env=env).stdout)
    assert [c["index"] for c in shown["components"]] == [1, 2, 3, 4, 5]
    assert all("attachments" in c for c in shown["components"])
    found = json.loads(run_cli("dossier", "find", "NGUYEN VAN ANH", "--json", env=env).stdout)
    assert [x["code"] for x in found] == [d["code"]]


def test_receive_a_list_prints_a_list(tmp_path: Path, env) -> None:
    f = tmp_path / "many.json"
    f.write_text(
        json.dumps([body(), body(received_at="2027-02-04T09:00:00+07:00")]), encoding="utf-8"
    )
    r = run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [d["code"][-6:] for d in out] == ["000001", "000002"]


@pytest.mark.parametrize(
    "content,needle",
    [
        ("{not json", "JSON"),
        (json.dumps(body(procedure="9.999999")), "procedure"),
        (json.dumps(body(applicant={**APPLICANT, "id_number": "0010850123"})), "id_number"),
        (json.dumps(body(components=[{"index": 1, "original": 1}])), "components[2]"),
        (json.dumps([body(), body(applicant={**APPLICANT, "full_name": ""})]), "[1]"),
        (json.dumps([]), "rỗng"),
    ],
)
def test_bad_input_exit_2_one_line_nothing_stored(
    tmp_path: Path, env, content: str, needle: str
) -> None:
    f = tmp_path / "bad.json"
    f.write_text(content, encoding="utf-8")
    r = run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env)
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert needle in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert json.loads(run_cli("dossier", "list", "--json", env=env).stdout) == []


def test_missing_file_is_exit_3(tmp_path: Path, env) -> None:
    r = run_cli("dossier", "receive", "--from-json", str(tmp_path / "nope.json"), env=env)
    assert r.returncode == 3 and "nope.json" in r.stderr


def test_unknown_dossier_is_exit_2(env) -> None:
    r = run_cli("dossier", "show", "H1.2-260101-000009", "--json", env=env)
    assert r.returncode == 2 and "H1.2-260101-000009" in r.stderr


def test_kill_9_during_receive_leaves_whole_dossiers_only(tmp_path: Path, env) -> None:
    f = tmp_path / "big.json"
    f.write_text(json.dumps([body() for _ in range(400)]), encoding="utf-8")
    db = Path(env["COUNTER_APP_DATA_DIR"]) / "counter.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "counter_app", "dossier", "receive", "--from-json", str(f)],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # wait until some dossiers are committed, then kill in the middle of the batch
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            n = sqlite3.connect(db).execute("SELECT count(*) FROM dossier").fetchone()[0]
        except sqlite3.OperationalError:
            continue
        if n >= 5:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    con = sqlite3.connect(db)
    dossiers = con.execute("SELECT id, code FROM dossier ORDER BY code").fetchall()
    ops = con.execute(
        "SELECT entity_id FROM outbox WHERE entity='dossier' ORDER BY device_seq"
    ).fetchall()
    events = con.execute("SELECT entity_id FROM event WHERE entity='dossier'").fetchall()
    assert 5 <= len(dossiers) < 400
    assert (
        sorted(i for i, _ in dossiers) == sorted(i for (i,) in ops) == sorted(i for (i,) in events)
    )
    assert [c[-4:] for _, c in dossiers] == [f"{i:04d}" for i in range(1, len(dossiers) + 1)]
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the store keeps working after the kill: receiving again continues the sequence
    one = tmp_path / "one.json"
    one.write_text(json.dumps(body()), encoding="utf-8")
    r = run_cli("dossier", "receive", "--from-json", str(one), "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["code"].endswith(f"{len(dossiers) + 1:04d}")


def test_apology_form_uses_new_due_and_reason(tmp_path: Path, env) -> None:
    f = tmp_path / "one.json"
    f.write_text(json.dumps(body(received_at="2026-11-20T09:00:00+07:00")), encoding="utf-8")
    d = json.loads(run_cli("dossier", "receive", "--from-json", str(f), "--json", env=env).stdout)
    out = tmp_path / "04.pdf"
    r = run_cli("dossier", "form", d["code"], "--kind", "apology", "--out", str(out),
                "--new-due", "2026-12-02T09:00", "--reason", "Cần xác minh thêm", "--json", env=env)
    assert r.returncode == 0, r.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "02/12/2026" in text and "Cần xác minh thêm" in text
    bad = run_cli("dossier", "form", d["code"], "--kind", "apology", "--out", str(out),
                  "--new-due", "tomorrow", env=env)
    assert bad.returncode == 2 and "--new-due" in bad.stderr
