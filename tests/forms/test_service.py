"""render_form / print_pdf through the real SQLite store, the real receive use case and the CLI."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from counter_app.config import Settings, load_settings
from counter_app.errors import BadInput, NotAvailable, NotFound
from counter_app.services import dossiers
from counter_app.services import forms as form_service
from counter_app.store.db import Store
from counter_app.store.models import Center, Officer, Procedure
from tests.forms import pdftools as pt
from tests.helpers import run_cli

PROCEDURE = {
    "code": "1.004873",
    "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
    "field": "Hộ tịch",
    "processing_value": 3,
    "processing_unit": "working_days",
    "fees": [{"name": "Lệ phí", "amount_vnd": 10000}],
    "components": [
        {"index": 1, "name": "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", "original": 1},
        {"index": 2, "name": "Bản sao giấy tờ chứng minh nhân thân", "copy": 1},
        {"index": 3, "name": "Giấy tờ tùy thân (xuất trình)"},
    ],
    "agency": "UBND xã Demo",
}
APPLICANT = {
    "id_number": "001085012345",
    "full_name": "Nguyễn Văn Ánh",
    "date_of_birth": "1985-03-14",
    "phone": "0912 345 678",
    "address": "Thôn Đông, xã Demo",
}
COMPLETE = [
    {"index": 1, "original": 1},
    {"index": 2, "copy": 1},
    {"index": 3, "presented": True},
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data", agency_id="H15.50.05.13")


@pytest.fixture
def store(settings: Settings):  # type: ignore[no-untyped-def]
    store = Store.open(settings.db_path)
    with store.write() as s:
        s.add(Procedure(version=1, **PROCEDURE))
        s.add(Center(code=settings.center_code, name=settings.center_name))
        s.flush()
        s.add(
            Officer(
                username="ngoc", full_name="Trần Thị Bích Ngọc", center_code=settings.center_code
            )
        )
    yield store
    store.close()


def receive(store: Store, settings: Settings, **kw) -> dict:  # type: ignore[type-arg]
    body = {
        "procedure": "1.004873",
        "applicant": dict(APPLICANT),
        "components": COMPLETE,
        "received_at": "2026-11-23T10:05:00+07:00",
    }
    body.update(kw)
    return dossiers.receive(store, settings, body, actor="ngoc")


def test_receipt_end_to_end(store: Store, settings: Settings, tmp_path: Path) -> None:
    d = receive(store, settings)
    out = tmp_path / "out" / "receipt.pdf"
    path = form_service.render_form(store, settings, d["code"], "receipt", out)
    assert path == out and out.is_file()
    assert sorted(p.name for p in out.parent.iterdir()) == ["receipt.pdf"]  # no temp left
    t = pt.flat(pt.text(out))
    assert f"Mã hồ sơ: {d['code']}" in t
    assert "Ông/Bà: Nguyễn Văn Ánh" in t
    assert "3. Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc" in t
    assert "4. Thời gian nhận hồ sơ: 10 giờ 05 phút, ngày 23/11/2026" in t
    due = dt.datetime.fromisoformat(d["appointment_at"])
    assert (
        f"5. Thời gian trả kết quả giải quyết hồ sơ: {due:%H} giờ {due:%M} phút, ngày {due:%d/%m/%Y}"
        in t
    )
    assert "Trần Thị Bích Ngọc" in t  # the officer's full name, not the username
    assert "7. Phí, lệ phí: 10.000 đồng" in t
    assert pt.page_size_pt(out) == pytest.approx((419.53, 595.28), abs=0.5)
    pt.need("zbarimg")
    assert pt.qr_codes(out, tmp_path) == [d["lookup_code"]]
    # by lookup code too, on A4
    a4 = form_service.render_form(
        store, settings, d["lookup_code"], "receipt", tmp_path / "a4.pdf", "A4"
    )
    assert pt.page_size_pt(a4) == pytest.approx((595.28, 841.89), abs=0.5)


def test_form_must_fit_the_status(store: Store, settings: Settings, tmp_path: Path) -> None:
    ok = receive(store, settings)
    refused = receive(store, settings, outcome="refuse", reason="Không thuộc thẩm quyền")
    out = tmp_path / "x.pdf"
    with pytest.raises(BadInput, match="Từ chối tiếp nhận"):
        form_service.render_form(store, settings, refused["code"], "receipt", out)
    with pytest.raises(BadInput, match="refusal"):
        form_service.render_form(store, settings, ok["code"], "refusal", out)
    with pytest.raises(BadInput, match="supplement"):
        form_service.render_form(store, settings, ok["code"], "supplement", out)
    with pytest.raises(BadInput, match="unknown form"):
        form_service.render_form(store, settings, ok["code"], "invoice", out)
    with pytest.raises(NotFound):
        form_service.render_form(store, settings, "H15.50.05.13-261123-009999", "receipt", out)
    assert not out.exists()
    form_service.render_form(store, settings, refused["code"], "refusal", out)
    t = pt.flat(pt.text(out))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in t and "- Không thuộc thẩm quyền" in t


def test_supplement_from_the_store(store: Store, settings: Settings, tmp_path: Path) -> None:
    d = receive(store, settings, outcome="supplement", components=[{"index": 1, "original": 1}])
    path = form_service.render_form(
        store,
        settings,
        d["code"],
        "supplement",
        form_service.default_form_path(settings, d["code"], "supplement"),
    )
    assert path == settings.data_dir / "forms" / f"{d['code']}-supplement.pdf"
    t = pt.flat(pt.text(path))
    assert "Bản sao giấy tờ chứng minh nhân thân" in t
    assert "Thiếu 1 bản sao" in t
    assert "Giấy tờ tùy thân (xuất trình)" in t and "Xuất trình để đối chiếu" in t


def test_apology_before_and_after_the_extension(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    d = receive(store, settings)
    d = dossiers.transition(store, settings, d["code"], "processing", actor="ngoc")
    original = dt.datetime.fromisoformat(d["appointment_at"])
    from counter_app.services.calendar import get_calendar

    new_day = get_calendar(settings).add_working_days(original.date(), 3)
    new_due = dt.datetime.combine(new_day, original.timetz())
    out = form_service.render_form(
        store,
        settings,
        d["code"],
        "apology",
        tmp_path / "a.pdf",
        new_due=new_due,
        reason="Cần xác minh tại nơi cư trú trước đây",
    )
    with pytest.raises(BadInput, match="reason"):  # an apology always says why
        form_service.render_form(
            store, settings, d["code"], "apology", tmp_path / "c.pdf", new_due=new_due
        )
    t = pt.flat(pt.text(out))
    assert "Cần xác minh tại nơi cư trú trước đây" in t
    assert f"ngày {new_due:%d/%m/%Y}" in t and f"ngày {original:%d/%m/%Y}" in t
    d = dossiers.transition(
        store, settings, d["code"], "extended", actor="ngoc", reason="Cần xác minh",
        new_due=new_due, now=dt.datetime.fromisoformat(d["received_at"]),
    )
    # the dossier keeps its original due date when extended: form 04 finds it by itself
    auto = form_service.render_form(store, settings, d["code"], "apology", tmp_path / "auto.pdf")
    assert f"ngày {original:%d/%m/%Y}" in pt.flat(pt.text(auto))
    out = form_service.render_form(
        store, settings, d["code"], "apology", tmp_path / "b.pdf", original_due=original
    )
    assert f"ngày {new_due:%d/%m/%Y}" in pt.flat(pt.text(out))


def test_atomic_write_replaces_and_reports_errors(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    d = receive(store, settings)
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    form_service.render_form(store, settings, d["code"], "receipt", out)
    assert out.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it names the citizen: private
    with pytest.raises(BadInput, match="directory"):
        form_service.render_form(store, settings, d["code"], "receipt", tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(NotAvailable, match="cannot write"):
        form_service.render_form(store, settings, d["code"], "receipt", blocker / "r.pdf")
    if os.geteuid() != 0:  # root ignores directory permissions
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        with pytest.raises(NotAvailable):
            form_service.render_form(store, settings, d["code"], "receipt", ro / "r.pdf")


# --- printing ----------------------------------------------------------------------------------


def fake_lp(tmp_path: Path, script: str) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    lp = bin_dir / "lp"
    lp.write_text("#!/bin/sh\n" + script)
    lp.chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}


def test_print_without_printer_keeps_the_file(settings: Settings, tmp_path: Path) -> None:
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    msg = form_service.print_pdf(settings, pdf)
    assert str(pdf) in msg and "no printer" in msg
    with pytest.raises(NotAvailable, match="no such file"):
        form_service.print_pdf(settings, tmp_path / "missing.pdf")


def test_print_with_lp(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    args = tmp_path / "args"
    env = fake_lp(tmp_path, f'echo "$@" > {args}\necho "request id is Quay1-42 (1 file(s))"\n')
    monkeypatch.setenv("PATH", env["PATH"])
    s = settings.model_copy(update={"printer": "Quay1"})
    assert form_service.print_pdf(s, pdf) == "Quay1-42"
    assert args.read_text().split() == ["-d", "Quay1", "-t", "f", str(pdf)]


def test_print_failure_is_not_available(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    s = settings.model_copy(update={"printer": "KhongCo"})
    # the real lp (cups-client) with no such queue / no scheduler
    if pt.shutil.which("lp"):
        with pytest.raises(NotAvailable, match="KhongCo") as err:
            form_service.print_pdf(s, pdf)
        assert str(pdf) in str(err.value)
    env = fake_lp(tmp_path, 'echo "lp: Error - The printer or class does not exist." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", env["PATH"])
    with pytest.raises(NotAvailable, match="does not exist"):
        form_service.print_pdf(s, pdf)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(NotAvailable, match="lp command is missing"):
        form_service.print_pdf(s, pdf)


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_dossier_form(store: Store, settings: Settings, tmp_path: Path) -> None:
    d = receive(store, settings)
    refused = receive(store, settings, outcome="refuse", reason="Sai thẩm quyền")
    store.close()
    env = {"COUNTER_APP_AGENCY_ID": "H15.50.05.13"}
    out = tmp_path / "cli.pdf"
    r = run_cli(
        "dossier",
        "form",
        d["code"],
        "--kind",
        "receipt",
        "--out",
        str(out),
        "--paper",
        "A4",
        "--json",
        "--data-dir",
        str(settings.data_dir),
        env=env,
    )
    assert r.returncode == 0, r.stderr
    assert '"kind": "receipt"' in r.stdout
    assert pt.page_size_pt(out) == pytest.approx((595.28, 841.89), abs=0.5)
    assert d["code"] in pt.text(out)
    r = run_cli(
        "dossier",
        "form",
        refused["code"],
        "--kind",
        "receipt",
        "--out",
        str(out),
        "--data-dir",
        str(settings.data_dir),
        env=env,
    )
    assert r.returncode == 2
    assert "Từ chối tiếp nhận" in r.stderr


def test_issue_saves_then_prints(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = receive(store, settings)
    path, msg = form_service.issue(store, settings, d["code"], "receipt")
    assert path == settings.data_dir / "forms" / f"{d['code']}-receipt.pdf" and path.is_file()
    assert str(path) in msg
    env = fake_lp(tmp_path, 'echo "request id is Quay1-7 (1 file(s))"\n')
    monkeypatch.setenv("PATH", env["PATH"])
    s = settings.model_copy(update={"printer": "Quay1"})
    assert form_service.issue(store, s, d["code"], "receipt", "A4")[1] == "Quay1-7"
