"""The supervisor's reports as files (issue 18 §4): CSV, an XLSX workbook with a sheet per report
and a printable PDF — read back with openpyxl and poppler, figures equal to the report dicts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from counter_app.config import Settings
from counter_app.errors import BadInput
from counter_app.services import report_export, reports, satisfaction
from counter_app.services.forms import center_info
from counter_app.store.db import Store
from tests.forms.pdftools import flat, text
from tests.helpers import run_cli
from tests.satisfaction.tickets import at, serve_ticket

DAY = dt.date(2026, 11, 23)


def _three(store: Store, settings: Settings) -> list[dict]:
    for i, level in enumerate(("very_satisfied", "unsatisfied")):
        t = serve_ticket(store, settings, at(9, 10 * i), officer=f"canbo{i + 1}")
        satisfaction.offer(store, settings, t, "Q1", now=at(9, 10 * i + 5))
        satisfaction.rate(store, settings, "Q1", ticket_id=t.id, level=level,
                          reasons=["wait"] if level == "unsatisfied" else [], now=at(9, 10 * i + 6))
    return [
        reports.dossiers_report(store, settings, DAY, DAY, by="officer", now=at(17)),
        reports.queue_report(store, settings, DAY, DAY, by="officer"),
        satisfaction.satisfaction_report(store, settings, DAY, DAY, by="officer"),
    ]


def test_xlsx_pdf_and_csv_hold_the_figures(store: Store, settings: Settings, tmp_path: Path) -> None:
    three = _three(store, settings)
    xlsx = report_export.save(settings, three, "xlsx")
    assert xlsx.parent == settings.data_dir / "reports" and xlsx.stat().st_mode & 0o777 == 0o600
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Hồ sơ", "Hàng đợi", "Hài lòng"]
    sat = wb["Hài lòng"]
    heads = [c.value for c in sat[2]]
    total = {h: c.value for h, c in zip(heads, sat[sat.max_row], strict=True)}
    assert total["Nhóm"] == "TỔNG" and total["Lượt đánh giá"] == 2
    assert total["Tỉ lệ hài lòng"] == 0.5 and total["Thời gian chờ lâu"] == 1
    assert sat.cell(row=sat.max_row, column=heads.index("Tỉ lệ hài lòng") + 1).number_format == "0.0%"
    assert wb["Hồ sơ"].cell(row=wb["Hồ sơ"].max_row, column=2).value == three[0]["total"]["entered"]

    pdf = report_export.save(settings, three, "pdf", out=tmp_path / "r.pdf",
                             center=center_info(store, settings, None), issued_on=DAY)
    body = flat(text(pdf))
    assert "BÁO CÁO KẾT QUẢ PHỤC VỤ" in body and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body
    assert "Mức độ hài lòng của người dân, doanh nghiệp từ 23/11/2026 đến 23/11/2026" in body
    assert "50.0 %" in body and "canbo2" in body

    csv_path = report_export.save(settings, [three[2]], "csv")
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("Nhóm,Lượt đánh giá,Rất hài lòng") and lines[-1].startswith("TỔNG,2,1,0,1")

    with pytest.raises(BadInput):
        report_export.save(settings, three, "csv")  # one report per CSV
    with pytest.raises(BadInput):
        report_export.save(settings, three, "docx")
    with pytest.raises(BadInput):
        report_export.save(settings, [], "xlsx")


def test_cli_saves_each_format(store: Store, settings: Settings, tmp_path: Path) -> None:
    _three(store, settings)
    store.close()
    env = {"COUNTER_APP_DATA_DIR": str(settings.data_dir)}
    for kind in ("dossiers", "queue", "satisfaction"):
        r = run_cli("report", kind, "--from", "23/11/2026", "--to", "23/11/2026", "--by", "officer",
                    "--xlsx", str(tmp_path / f"{kind}.xlsx"), "--pdf", str(tmp_path / f"{kind}.pdf"),
                    "--csv", str(tmp_path / f"{kind}.csv"), env=env)
        assert r.returncode == 0, r.stderr
        for ext in ("xlsx", "pdf", "csv"):
            assert (tmp_path / f"{kind}.{ext}").stat().st_mode & 0o777 == 0o600
    assert "TỔNG" in flat(text(tmp_path / "queue.pdf"))
