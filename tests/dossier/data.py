"""Catalog rows and an applicant for the dossier tests."""

BIRTH = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "field": "Hộ tịch",
    "processing_value": 0,
    "processing_unit": "same_day",
    "cut_off": "15:00",
    "fees": [{"name": "Lệ phí đăng ký khai sinh đúng hạn", "amount_vnd": 0}],
    "components": [
        {
            "index": 1,
            "name": "Tờ khai đăng ký khai sinh",
            "original": 1,
            "copy": 0,
            "required": True,
        },
        {"index": 2, "name": "Giấy chứng sinh", "original": 1, "copy": 0, "required": True},
        {
            "index": 3,
            "name": "Giấy chứng nhận kết hôn của cha mẹ",
            "original": 0,
            "copy": 0,
            "required": False,
        },
        {
            "index": 4,
            "name": "Giấy tờ tùy thân (xuất trình)",
            "original": 0,
            "copy": 0,
            "required": True,
        },
    ],
    "agency": "UBND xã",
}
STATUS_CERT = {
    "code": "1.004873",
    "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
    "field": "Hộ tịch",
    "processing_value": 3,
    "processing_unit": "working_days",
    "fees": [{"name": "Lệ phí", "amount_vnd": None}, {"name": "Phí sao", "amount_vnd": 5000}],
    "components": [
        {
            "index": 1,
            "name": "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
            "original": 1,
            "copy": 0,
            "required": True,
        },
        {"index": 2, "name": "Bản sao giấy tờ", "original": 0, "copy": 2, "required": True},
    ],
    "agency": "UBND xã",
}

# A valid 12-digit ID: province 001, century/sex digit 0 (male born 1900s), year 85.
APPLICANT = {
    "id_number": "001085012345",
    "full_name": "Nguyễn Văn Ánh",
    "date_of_birth": "1985-03-14",
    "phone": "0912 345 678",
    "address": "Thôn Đông, xã Demo",
}

# The child of a birth registration (the shipped catalog asks for it: domain/subjects.py).
CHILD = {"role": "child", "full_name": "Nguyễn Văn Bình", "date_of_birth": "2026-11-01", "sex": "Nam"}
