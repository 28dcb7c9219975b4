"""`counter-app card …` as a subprocess, through the real pcscd + vpcd (docs/CARD.md §5 contract)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.card.conftest import READER
from tests.card.emulator import Behaviour, Citizen

pytestmark = pytest.mark.pcsc

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, data_dir: Path, timeout: float = 30) -> subprocess.CompletedProcess:
    env = dict(os.environ, COUNTER_APP_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "counter_app", *args], capture_output=True,
                          text=True, env=env, timeout=timeout, cwd=ROOT)


def test_readers_json(pcscd, tmp_path) -> None:
    r = cli("card", "readers", "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert READER in json.loads(r.stdout)


def test_read_by_dates_valid_with_default_trust_store(cards, tmp_path, pki, photo) -> None:
    c = Citizen()
    cards.insert(c)
    (tmp_path / "trust_store").mkdir()
    (tmp_path / "trust_store" / "csca.pem").write_bytes(pki.csca_pem())
    out = tmp_path / "face.jpg"
    r = cli("card", "read", "--id-number", c.id_number, "--birth-date", "15/03/1990",
            "--expiry-date", "15/03/2030", "--photo-out", str(out), "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["id_number"] == "001090012345"
    assert data["full_name"] == "Nguyễn Văn An"
    assert data["date_of_birth"] == "1990-03-15" and data["expiry_date"] == "2030-03-15"
    assert data["issue_date"] == "2021-04-20"
    assert data["spouse_name"] is None
    assert data["photo"] == {"format": "jpeg", "sha256": hashlib.sha256(photo).hexdigest()}
    assert data["passive_auth"]["status"] == "valid"
    assert out.read_bytes() == photo
    assert set(data) >= {"sex", "nationality", "ethnicity", "religion", "place_of_origin",
                         "place_of_residence", "identifying_marks", "father_name",
                         "mother_name", "old_id_number"}


def test_read_by_qr_unverified_and_mrz_failed(cards, tmp_path, pki) -> None:
    c = Citizen()
    vc = cards.insert(c)
    r = cli("card", "read", "--qr", c.qr(), "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["passive_auth"]["status"] == "unverified"
    cards.remove(vc)
    cards.insert(c, tamper="DG13")
    trust = tmp_path / "ts"
    trust.mkdir()
    (trust / "csca.pem").write_bytes(pki.csca_pem())
    r = cli("card", "read", "--mrz", c.mrz.replace("\n", "\\n"), "--trust-store", str(trust),
            "--json", data_dir=tmp_path)
    assert r.returncode == 5
    assert json.loads(r.stdout)["passive_auth"]["status"] == "failed"
    assert "passive authentication failed" in r.stderr


def test_wrong_keys_exit_4(cards, tmp_path) -> None:
    c = Citizen()
    cards.insert(c)
    t0 = time.monotonic()
    r = cli("card", "read", "--id-number", c.id_number, "--birth-date", "15/03/1990",
            "--expiry-date", "16/03/2030", "--json", data_dir=tmp_path)
    assert r.returncode == 4
    assert time.monotonic() - t0 < 10
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "kiểm tra" in lines[0] and "check the" in lines[0]


def test_no_card_exit_3(pcscd, tmp_path) -> None:
    r = cli("card", "read", "--mrz", Citizen().mrz, "--timeout", "1", "--json",
            data_dir=tmp_path)
    assert r.returncode == 3
    assert "no card" in r.stderr and "Chưa có thẻ" in r.stderr


def test_unknown_reader_exit_3(pcscd, tmp_path) -> None:
    r = cli("card", "read", "--reader", "Nope Reader", "--mrz", Citizen().mrz, "--timeout",
            "0.5", "--json", data_dir=tmp_path)
    assert r.returncode == 3
    assert "Nope Reader" in r.stderr


def test_removed_exit_6(cards, tmp_path) -> None:
    c = Citizen()
    cards.insert(c, Behaviour(remove_after_reads=20))
    t0 = time.monotonic()
    r = cli("card", "read", "--mrz", c.mrz, "--json", data_dir=tmp_path)
    assert r.returncode == 6
    assert time.monotonic() - t0 < 10
    assert "card removed" in r.stderr and r.stdout == ""


@pytest.mark.parametrize("args", [
    ["--id-number", "12345", "--birth-date", "15/03/1990", "--expiry-date", "15/03/2030"],
    ["--id-number", "001090012345", "--birth-date", "31/02/1990", "--expiry-date", "x"],
    ["--id-number", "001290012345", "--birth-date", "15/03/1990", "--expiry-date", "none"],
    ["--qr", "not a qr"],
    ["--mrz", "garbage"],
    [],
    ["--qr", "001090012345||A|15031990|Nam|x|20042021", "--mrz", "x"],
])
def test_usage_errors_exit_2(tmp_path, args: list[str]) -> None:
    r = cli("card", "read", *args, "--json", data_dir=tmp_path)
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1


def test_import_master_list(tmp_path, pki) -> None:
    from tests.card.pki import build_master_list

    ml = tmp_path / "ml.der"
    ml.write_bytes(build_master_list(pki))
    r = cli("card", "import-master-list", str(ml), "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["added"] == 1
    assert len(list((tmp_path / "trust_store").iterdir())) == 1


def test_no_pcsc_service_exit_3(tmp_path) -> None:
    # libpcsclite honours PCSCLITE_CSOCK_NAME: point it at nothing = no smart card service
    env = dict(os.environ, COUNTER_APP_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT),
               PCSCLITE_CSOCK_NAME=str(tmp_path / "no-such-socket"))
    for args in (["card", "readers", "--json"],
                 ["card", "read", "--mrz", Citizen().mrz, "--timeout", "1", "--json"]):
        t0 = time.monotonic()
        r = subprocess.run([sys.executable, "-m", "counter_app", *args], capture_output=True,
                           text=True, env=env, timeout=30, cwd=ROOT)
        assert r.returncode == 3, r.stderr
        assert time.monotonic() - t0 < 10
        assert "pcscd" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_card_not_answering_exit_6_then_usable(cards, tmp_path) -> None:
    from tests.card.conftest import card_state

    c = Citizen()
    vc = cards.insert(c, Behaviour(hang_after_reads=5))
    t0 = time.monotonic()
    r = cli("card", "read", "--mrz", c.mrz, "--read-deadline", "2", "--json", data_dir=tmp_path)
    assert r.returncode == 6
    assert time.monotonic() - t0 < 10
    assert "did not answer" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    vc.remove()  # the officer takes the card out and puts it back
    card_state(False)
    time.sleep(1.0)
    vc.card.b = Behaviour()
    vc.insert()
    card_state(True)
    r = cli("card", "read", "--mrz", c.mrz, "--json", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
