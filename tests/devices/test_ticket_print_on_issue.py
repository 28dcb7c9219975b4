"""Tickets printed when issued: the service on the ESC/POS file printer and the PDF fallback, a
dead printer that never loses the issued ticket, and `counter-app queue issue --print` against a
real server."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from counter_app.config import load_settings
from counter_app.errors import NotAvailable
from counter_app.services import ticket_printing
from tests.helpers import run_cli
from tests.server.conftest import free_port, start_server

TICKET = {
    "id": "t1",
    "number": "B017",
    "service": "B",
    "priority": "elderly",
    "issued_at": "2026-11-23T08:05:00+07:00",
    "position": 5,
}


def _settings(tmp_path: Path, printer: str, **kw):  # type: ignore[no-untyped-def]
    return load_settings(data_dir=tmp_path / "data").model_copy(
        update={"ticket_printer": printer, "center_name": "Trung tâm xã Tân Lập", **kw}
    )


def test_escpos_file_printer_gets_the_issued_ticket(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.touch()
    done = ticket_printing.print_issued(_settings(tmp_path, str(device)), TICKET)
    assert (done.number, done.kind) == ("B017", "escpos")
    out = device.read_bytes()
    assert b"B017" in out and b"Trung tam xa Tan Lap" in out
    assert b"Chung thuc" in out and b"Nguoi cao tuoi" in out
    assert b"08:05  23/11/2026" in out


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_fallback_keeps_vietnamese(tmp_path: Path) -> None:
    done = ticket_printing.print_issued(_settings(tmp_path, "pdf"), TICKET)
    pdf = Path(done.detail)
    assert done.kind == "pdf" and pdf.parent == tmp_path / "data" / "tickets"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "B017" in text and "Trung tâm xã Tân Lập" in text and "Người cao tuổi" in text


def test_dead_printer_names_the_issued_number(tmp_path: Path) -> None:
    for target in (f"127.0.0.1:{free_port()}", str(tmp_path / "no-such-device")):
        with pytest.raises(NotAvailable, match="B017 was issued but not printed"):
            ticket_printing.print_issued(_settings(tmp_path, target), TICKET)


def test_cli_issue_print(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        device = tmp_path / "lp0"
        device.touch()
        common = ["--server", server.url, "--username", "canbo1", "--json"]
        env = {"COUNTER_APP_PASSWORD": "demo", "COUNTER_APP_TICKET_PRINTER": str(device)}
        out = run_cli(
            "queue",
            "issue",
            "--service",
            "A",
            "--print",
            *common,
            "--data-dir",
            str(tmp_path / "c1"),
            env=env,
        )
        assert out.returncode == 0, out.stderr
        number = json.loads(out.stdout)["number"]
        assert number.encode() in device.read_bytes()

        # the printer is gone: exit 3, but the ticket was issued and is on stdout
        env["COUNTER_APP_TICKET_PRINTER"] = f"127.0.0.1:{free_port()}"
        dead = run_cli(
            "queue",
            "issue",
            "--service",
            "A",
            "--print",
            *common,
            "--data-dir",
            str(tmp_path / "c2"),
            env=env,
        )
        assert dead.returncode == 3, dead.stderr
        lost = json.loads(dead.stdout)["number"]
        assert f"{lost} was issued but not printed" in dead.stderr
        status = run_cli("queue", "status", *common, "--data-dir", str(tmp_path / "c3"), env=env)
        waiting = {t["number"] for t in json.loads(status.stdout)["waiting"]}
        assert {number, lost} <= waiting
    finally:
        server.stop()
