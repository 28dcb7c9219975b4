"""Hand-built dossier dicts (the shape of services.dossiers.dossier_to_dict) for the form tests."""

from __future__ import annotations

import copy
from typing import Any

from counter_app.documents.forms import CenterInfo

CENTER = CenterInfo(
    parent_body="Ủy ban nhân dân xã Demo",
    center_name="Trung tâm Phục vụ hành chính công xã Demo",
    place_name="Demo",
    agency_id="H15.50.05.13",
    officer_full_name="Trần Thị Bích Ngọc",
    phone="0290 3123 456",
)

RECEIVED: dict[str, Any] = {
    "code": "H15.50.05.13-261123-070975",
    "lookup_code": "H15.50.05.13-261123-070975-K7QX2M",
    "procedure_code": "1.004873",
    "procedure_version": 1,
    "procedure_name": "Cấp Giấy xác nhận tình trạng hôn nhân",
    "applicant": {
        "id_number": "001085012345",
        "full_name": "Nguyễn Thị Ánh Tuyết",
        "date_of_birth": "1985-03-14",
        "phone": "0912345678",
        "email": "anhtuyet@example.vn",
        "address": "Số 12, ngõ 34, đường Lê Lợi, thôn Đông, xã Demo, tỉnh Cà Mau",
        "source": "card",
    },
    "applicant_id_number": "001085012345",
    "officer": "ngoc.ttb",
    "counter_code": "Q1",
    "ticket_number": "A023",
    "received_at": "2026-11-23T09:05:00+07:00",
    "appointment_at": "2026-11-27T09:05:00+07:00",
    "due_rule": "3 ngày làm việc",
    "provisional_due": False,
    "status": "received",
    "competent_agency": "UBND xã",
    "fee_vnd": 5000,
    "fees": [{"name": "Lệ phí", "amount_vnd": None}, {"name": "Phí sao", "amount_vnd": 5000}],
    "components": [
        {
            "index": 1,
            "name": "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
            "required": True,
            "original": 1,
            "copy": 0,
            "presented": False,
            "expected_original": 1,
            "expected_copy": 0,
            "note": "",
            "ok": True,
            "lacking": "",
        },
        {
            "index": 2,
            "name": "Bản sao giấy tờ chứng minh nhân thân",
            "required": True,
            "original": 0,
            "copy": 2,
            "presented": False,
            "expected_original": 0,
            "expected_copy": 2,
            "note": "",
            "ok": True,
            "lacking": "",
        },
        {
            "index": 3,
            "name": "Thẻ Căn cước",
            "required": True,
            "original": 0,
            "copy": 0,
            "presented": True,
            "expected_original": 0,
            "expected_copy": 0,
            "note": "",
            "ok": True,
            "lacking": "",
        },
    ],
    "missing": [],
    "reason": "",
    "processing_value": 3,
    "processing_unit": "working_days",
}


def received(**changes: Any) -> dict[str, Any]:
    d = copy.deepcopy(RECEIVED)
    d.update(changes)
    return d


def need_supplement() -> dict[str, Any]:
    d = received(status="need_supplement", appointment_at=None, fee_vnd=0)
    d["components"][1].update(copy=0, ok=False, lacking="thiếu 2 bản sao")
    d["missing"] = [dict(d["components"][1])]
    d["reason"] = "Tờ khai ghi thiếu nơi cư trú trước khi chuyển đến xã Demo"
    return d


def refused() -> dict[str, Any]:
    d = received(status="refused", appointment_at=None, fee_vnd=0)
    d["reason"] = (
        "Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã Demo\n"
        "Người yêu cầu đã được hướng dẫn nộp tại Sở Tư pháp tỉnh Cà Mau"
    )
    return d
