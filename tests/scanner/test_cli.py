"""`counter-app scan …` as a subprocess: JSON on stdout, clear errors with the right exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.scanner.conftest import DOSSIER_CODE, pdfinfo

pytestmark = pytest.mark.sane


def test_scan_devices_json(sane_env) -> None:
    out = run_cli("scan", "devices", "--json", env=sane_env)
    assert out.returncode == 0, out.stderr
    devices = json.loads(out.stdout)
    assert {"name": "test:0", "vendor": "Noname", "model": "frontend-tester",
            "type": "virtual device"} in devices


def test_scan_page_then_dossier_show(store, settings, sane_env) -> None:
    env = {**sane_env, "COUNTER_APP_DATA_DIR": str(settings.data_dir)}
    out = run_cli("scan", "page", "--dossier", DOSSIER_CODE, "--component", "2", "--device",
                  "test:1", "--source", "adf", "--resolution", "100",
                  "--backend-option=--test-picture=Grid", "--json", env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    [att] = result["attachments"]
    assert att["pages"] == 10 and "page 1" in out.stderr  # progress went to stderr
    pdf = settings.data_dir / "blobs" / att["sha256"][:2] / att["sha256"][2:]
    assert pdfinfo(pdf)["Pages"] == "10"
    shown = run_cli("dossier", "show", DOSSIER_CODE, "--json", env=env)
    if shown.returncode == 0:  # the dossier CLI lists the component's attachments
        comp = next(c for c in json.loads(shown.stdout)["components"] if c["index"] == 2)
        assert comp["attachments"][0]["sha256"] == att["sha256"]


def test_scan_errors_exit_codes(store, settings, sane_env, tmp_path: Path) -> None:
    env = {**sane_env, "COUNTER_APP_DATA_DIR": str(settings.data_dir)}
    jam = run_cli("scan", "page", "--dossier", DOSSIER_CODE, "--component", "1", "--device",
                  "test:0", "--backend-option=--read-return-value=SANE_STATUS_JAMMED", env=env)
    assert jam.returncode == 3 and "Kẹt giấy" in jam.stderr and jam.stdout == ""
    nodev = run_cli("scan", "page", "--dossier", DOSSIER_CODE, "--component", "1", "--device",
                    "nosuch:0", env=env)
    assert nodev.returncode == 3 and "nosuch:0" in nodev.stderr
    comp = run_cli("scan", "page", "--dossier", DOSSIER_CODE, "--component", "7", env=env)
    assert comp.returncode == 2 and "7" in comp.stderr


def test_dossier_attach_cli_uses_the_service(store, settings, tmp_path: Path) -> None:
    from PIL import Image

    env = {"COUNTER_APP_DATA_DIR": str(settings.data_dir)}
    img = tmp_path / "p.png"
    Image.new("L", (100, 140), 90).save(img)
    bad = tmp_path / "x.pdf"
    bad.write_text("not a pdf")
    out = run_cli("dossier", "attach", DOSSIER_CODE, "--component", "1", str(img), "--json",
                  env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["attachments"][0]["pages"] == 1
    refused = run_cli("dossier", "attach", DOSSIER_CODE, "--component", "1", str(bad), env=env)
    assert refused.returncode == 2 and "x.pdf" in refused.stderr


def test_scan_watch_once(store, settings, tmp_path: Path) -> None:
    from PIL import Image

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    Image.new("L", (120, 160), 70).save(inbox / "a.png")
    (inbox / "b.pdf.part").write_bytes(b"%PDF-1.4 half")
    (inbox / "c.jpg").write_bytes(b"\xff\xd8\xff\xe0 not finished")  # no end marker yet
    env = {"COUNTER_APP_DATA_DIR": str(settings.data_dir)}
    out = run_cli("scan", "watch", "--dossier", DOSSIER_CODE, "--component", "1", "--folder",
                  str(inbox), "--stable", "0.3", "--once", "--json", env=env)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["file"] for x in lines] == ["a.png"]
    assert (inbox / ".imported" / "a.png").exists()
    assert (inbox / "b.pdf.part").exists() and (inbox / "c.jpg").exists()
