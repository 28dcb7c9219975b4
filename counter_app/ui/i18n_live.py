"""UI strings of the supervisor's live queue view (F11 in the TUI, `board --supervisor`).

`MESSAGES = {"key": ("vi", "en")}`, merged by `counter_app.ui.i18n`.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "lv.title": ("GIÁM SÁT HÀNG ĐỢI — trực tiếp", "QUEUE SUPERVISION — live"),
    "lv.title_day": (
        "GIÁM SÁT HÀNG ĐỢI — trung tâm {center} — ngày {day} — cảnh báo khi chờ quá {limit}",
        "QUEUE SUPERVISION — center {center} — {day} — alert when a wait exceeds {limit}",
    ),
    "lv.connecting": ("đang kết nối…", "connecting…"),
    "lv.disconnected": ("mất kết nối, đang kết nối lại…", "connection lost, reconnecting…"),
    "lv.head.counters": ("Quầy", "Counters"),
    "lv.head.services": ("Hàng đợi theo dịch vụ", "Queue by service"),
    "lv.head.summary": ("Tổng kết trong ngày", "Today so far"),
    "lv.col.counter": ("Quầy", "Counter"),
    "lv.col.name": ("Tên", "Name"),
    "lv.col.state": ("Trạng thái", "State"),
    "lv.col.current": ("Số hiện tại", "Current"),
    "lv.col.officer": ("Cán bộ", "Officer"),
    "lv.col.served": ("Đã phục vụ", "Served"),
    "lv.col.service": ("Dịch vụ", "Service"),
    "lv.col.waiting": ("Đang chờ", "Waiting"),
    "lv.col.longest": ("Chờ lâu nhất", "Longest wait"),
    "lv.col.average": ("Chờ trung bình", "Average wait"),
    "lv.idle": ("rảnh", "idle"),
    "lv.state.waiting": ("đang chờ", "waiting"),
    "lv.state.transferred": ("chuyển", "transferred"),
    "lv.state.called": ("đang gọi", "called"),
    "lv.state.serving": ("đang phục vụ", "serving"),
    "lv.state.done": ("xong", "done"),
    "lv.state.no_show": ("vắng mặt", "no-show"),
    "lv.state.cancelled": ("huỷ", "cancelled"),
    "lv.alert": (
        "⚠ {n} công dân chờ quá {limit}: {worst}",
        "⚠ {n} citizens have waited over {limit}: {worst}",
    ),
    "lv.summary": (
        "Số đã phát: {issued}   Đã phục vụ xong: {done}   Vắng mặt: {no_show}   "
        "Đang chờ: {waiting}\nThời gian chờ trung bình: {wait}   "
        "Thời gian phục vụ trung bình: {service}",
        "Issued: {issued}   Done: {done}   No-shows: {no_show}   Waiting: {waiting}\n"
        "Average wait: {wait}   Average service time: {service}",
    ),
    "lv.key.close": ("Đóng", "Close"),
    "lv.key.refresh": ("Làm mới", "Refresh"),
    "lv.key.quit": ("Thoát", "Quit"),
}
