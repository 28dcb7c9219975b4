"""The demo center both sides seed (docs/DESIGN.md §6): the embedded server and the counter's local
store must name the same officers, services and counters, or an officer's name changes on the
first online sign-in."""

from __future__ import annotations

DEMO_CENTER = "DEMO"
DEMO_CENTER_NAME = "Trung tâm Phục vụ hành chính công xã Demo"
DEMO_PASSWORD = "demo"
DEMO_SERVICES = {"A": "Hộ tịch", "B": "Chứng thực", "C": "Đất đai", "D": "Khác"}
# username, full name, role, counter
DEMO_OFFICERS: tuple[tuple[str, str, str, str | None], ...] = (
    ("canbo1", "Nguyễn Thị Lan", "officer", "Q1"),
    ("canbo2", "Trần Văn Minh", "officer", "Q2"),
    ("canbo3", "Lê Thị Hồng", "officer", "Q3"),
    ("canbo4", "Phạm Quốc Huy", "officer", "Q4"),
    ("giamsat", "Hoàng Văn Đức", "supervisor", None),
    ("admin", "Quản trị hệ thống", "admin", None),
)
DEMO_COUNTERS = ("Q1", "Q2", "Q3", "Q4")
