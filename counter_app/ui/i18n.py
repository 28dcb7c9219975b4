"""Interface strings, Vietnamese by default, English switchable (`--lang en` or config).

`t("key", **kw)` returns the text in the current language, formatted with `kw`. Messages live in
`MESSAGES = {"key": ("vi text", "en text")}` dicts: this module's own, plus those of the modules
listed in `EXTRA_MODULES` (e.g. the reception wizard's `i18n_reception`), merged on first use, so
an extra module may import `t` from here without an import cycle. A missing key returns the key
itself (visible in the UI and in tests, never a crash).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

LANGS = ("vi", "en")
EXTRA_MODULES = (
    "counter_app.ui.i18n_reception",
    "counter_app.ui.i18n_live",
)

MESSAGES: dict[str, tuple[str, str]] = {
    # --- application, header, palette -----------------------------------------------------------
    "app.title": ("Quầy một cửa", "One-stop counter"),
    "app.center": ("Trung tâm {center}", "Center {center}"),
    "app.counter": ("Quầy {counter}", "Counter {counter}"),
    "app.officer": ("Cán bộ: {name}", "Officer: {name}"),
    "app.not_signed_in": ("chưa đăng nhập", "not signed in"),
    "app.error": ("Lỗi: {message}", "Error: {message}"),
    "app.quit_confirm": ("Nhấn Ctrl+Q lần nữa để thoát.", "Press Ctrl+Q again to quit."),
    # --- keys / actions (footer, palette, help) -----------------------------------------------
    "key.call_next": ("Gọi số", "Call next"),
    "key.recall": ("Gọi lại", "Recall"),
    "key.no_show": ("Vắng mặt", "No-show"),
    "key.transfer": ("Chuyển", "Transfer"),
    "key.finish": ("Xong", "Finish"),
    "key.serve": ("Bắt đầu phục vụ", "Start serving"),
    "key.issue": ("Cấp số", "Issue ticket"),
    "key.new_dossier": ("Tiếp nhận", "New dossier"),
    "key.lookup": ("Tra cứu", "Lookup"),
    "key.supervisor": ("Giám sát", "Supervisor"),
    "key.live_view": ("Hàng đợi trực tiếp", "Live queue"),
    "key.sync": ("Đồng bộ", "Sync now"),
    "key.lock": ("Khóa", "Lock"),
    "key.language": ("English", "Tiếng Việt"),
    "key.help": ("Trợ giúp", "Help"),
    "key.quit": ("Thoát", "Quit"),
    "key.refresh": ("Làm mới", "Refresh"),
    "key.palette": ("Lệnh", "Commands"),
    "palette": ("Lệnh", "Commands"),  # Textual's own description of Ctrl+P in the footer
    "key.close": ("Đóng", "Close"),
    "key.sign_in": ("Đăng nhập", "Sign in"),
    "key.unlock": ("Mở khóa", "Unlock"),
    "key.sign_out": ("Đăng xuất", "Sign out"),
    "key.cancel": ("Hủy", "Cancel"),
    "key.ok": ("Đồng ý", "OK"),
    # Palette help lines
    "cmd.call_next": ("Gọi số tiếp theo đến quầy này", "Call the next ticket to this counter"),
    "cmd.recall": ("Gọi lại số đang phục vụ", "Announce the current ticket again"),
    "cmd.no_show": ("Đánh dấu công dân vắng mặt", "Mark the called citizen as absent"),
    "cmd.transfer": ("Chuyển số hiện tại sang nhóm dịch vụ khác", "Move the current ticket to another service group"),
    "cmd.finish": ("Kết thúc phục vụ số hiện tại", "Finish serving the current ticket"),
    "cmd.serve": ("Công dân đã đến quầy: bắt đầu phục vụ", "The citizen is here: start serving"),
    "cmd.issue": ("Cấp số thứ tự tại quầy (khách vãng lai)", "Issue a walk-in ticket at this counter"),
    "cmd.new_dossier": ("Tiếp nhận hồ sơ mới", "Receive a new dossier"),
    "cmd.lookup": ("Tra cứu hồ sơ, trả kết quả", "Find a dossier, return a result"),
    "cmd.supervisor": ("Số liệu trong ngày, hồ sơ sắp/đã trễ hạn", "Today's figures, due and overdue dossiers"),
    "cmd.live_view": (
        "Giám sát hàng đợi mọi quầy trực tiếp từ máy chủ (giám sát)",
        "Every counter's queue live from the server (supervisors)",
    ),
    "cmd.sync": ("Đồng bộ với máy chủ ngay", "Synchronise with the server now"),
    "cmd.lock": ("Khóa màn hình", "Lock the screen"),
    "cmd.language": ("Chuyển ngôn ngữ Việt / Anh", "Switch language Vietnamese / English"),
    "cmd.help": ("Danh sách phím tắt", "List of keys"),
    "cmd.quit": ("Thoát chương trình", "Quit the program"),
    "cmd.sign_out": ("Đăng xuất cán bộ", "Sign the officer out"),
    "cmd.refresh": ("Đọc lại hàng đợi và hồ sơ", "Reload the queue and dossiers"),
    # --- sign-in / lock ------------------------------------------------------------------------
    "signin.title": ("ĐĂNG NHẬP", "SIGN IN"),
    "signin.subtitle": ("Cán bộ tiếp nhận một cửa", "One-stop reception officer"),
    "signin.username": ("Tên đăng nhập", "Username"),
    "signin.password": ("Mật khẩu", "Password"),
    "signin.hint": (
        "Enter: đăng nhập · F2: English · Ctrl+Q: thoát",
        "Enter: sign in · F2: Tiếng Việt · Ctrl+Q: quit",
    ),
    "signin.working": ("Đang kiểm tra…", "Checking…"),
    "signin.empty": ("Hãy nhập tên đăng nhập và mật khẩu.", "Enter your username and password."),
    "signin.mode_online": ("Máy chủ: {url}", "Server: {url}"),
    "signin.mode_offline": ("Chế độ ngoại tuyến (không có máy chủ)", "Offline mode (no server)"),
    "signin.offline_used": (
        "Máy chủ không kết nối được: đã đăng nhập ngoại tuyến.",
        "Server unreachable: signed in offline.",
    ),
    "lock.title": ("MÀN HÌNH ĐÃ KHÓA", "SCREEN LOCKED"),
    "lock.who": ("Cán bộ {name} ({username})", "Officer {name} ({username})"),
    "lock.hint": (
        "Nhập mật khẩu để mở khóa · Ctrl+O: đăng xuất",
        "Enter the password to unlock · Ctrl+O: sign out",
    ),
    "lock.idle": ("Đã khóa sau {minutes} phút không thao tác.", "Locked after {minutes} idle minutes."),
    # --- home ----------------------------------------------------------------------------------
    "home.current": ("ĐANG PHỤC VỤ", "NOW SERVING"),
    "home.loading": ("Đang tải…", "Loading…"),
    "home.server_notice": (
        "Dùng hàng đợi tại quầy ({message}). Quầy tự quay lại hàng đợi chung khi máy chủ trả lời.",
        "Using the local queue ({message}). The counter goes back to the center's queue by itself "
        "when the server answers.",
    ),
    "home.none": ("Chưa gọi số nào", "No ticket called"),
    "home.ticket_state": ("{state} · chờ {wait}", "{state} · waited {wait}"),
    "home.priority": ("Ưu tiên: {reason}", "Priority: {reason}"),
    "home.queue": ("HÀNG ĐỢI", "QUEUE"),
    "home.queue_source_local": ("hàng đợi tại quầy", "local queue"),
    "home.queue_source_server": ("hàng đợi trung tâm", "center queue"),
    "home.col_service": ("Nhóm", "Group"),
    "home.col_waiting": ("Chờ", "Wait"),
    "home.col_longest": ("Lâu nhất", "Longest"),
    "home.called_at": ("gọi lúc {time}", "called at {time}"),
    "home.total": ("Tổng", "Total"),
    "home.dossiers": ("HỒ SƠ HÔM NAY TẠI QUẦY {counter}", "TODAY'S DOSSIERS AT COUNTER {counter}"),
    "home.no_dossiers": ("Chưa có hồ sơ nào hôm nay.", "No dossiers today yet."),
    "home.col_code": ("Mã hồ sơ", "Dossier code"),
    "home.col_time": ("Giờ", "Time"),
    "home.col_applicant": ("Người nộp", "Applicant"),
    "home.col_procedure": ("Thủ tục", "Procedure"),
    "home.col_status": ("Trạng thái", "Status"),
    "home.col_due": ("Hẹn trả", "Due"),
    "home.nobody": ("Không còn ai chờ.", "Nobody is waiting."),
    "home.called": ("Mời số {number} đến quầy {counter}", "Ticket {number} to counter {counter}"),
    "home.recalled": ("Gọi lại số {number}", "Recalled {number}"),
    "home.no_showed": ("Số {number}: vắng mặt", "Ticket {number}: no-show"),
    "home.finished": ("Số {number}: đã xong", "Ticket {number}: done"),
    "home.serving": ("Đang phục vụ số {number}", "Serving {number}"),
    "home.transferred": ("Đã chuyển số {number} sang nhóm {service}", "Moved {number} to group {service}"),
    "home.issued": ("Đã cấp số {number}", "Issued ticket {number}"),
    "home.returned": (
        "Số {number} đã trở về đầu hàng chờ nhóm {service}",
        "{number} waits again at the head of group {service}",
    ),
    "home.reconnected": (
        "Đã kết nối lại máy chủ: quầy dùng hàng đợi chung của trung tâm.",
        "The server answers again: the counter uses the center's queue.",
    ),
    "home.switched_local": (
        "(máy chủ không trả lời: số này của hàng đợi tại quầy)",
        "(the server did not answer: this ticket is from the counter's own queue)",
    ),
    "home.stale_ticket": (
        "Số của hàng đợi chung, chưa cập nhật được (mất kết nối máy chủ)",
        "A ticket of the center's queue, not updatable now (server unreachable)",
    ),
    "home.stale_blocked": (
        "Số {number} thuộc hàng đợi chung: chờ có kết nối máy chủ để cập nhật.",
        "{number} belongs to the center's queue: wait for the server to update it.",
    ),
    "home.stale_ask": (
        "Số {number} (hàng đợi chung) chưa cập nhật được vì mất kết nối. Để lại số này (sẽ hiện "
        "lại khi có mạng) và gọi số của hàng đợi tại quầy?",
        "{number} (center's queue) cannot be updated: the server is unreachable. Leave it (it "
        "comes back when the server answers) and call from the counter's own queue?",
    ),
    "home.stale_leave": ("L  Để lại và gọi số tiếp", "L  Leave it and call the next"),
    "home.stay": ("   Ở lại với số này (Esc)", "   Stay with this ticket (Esc)"),
    "home.called_ask": (
        "Số {number} đã được gọi nhưng công dân chưa đến (gọi lại {recalls} lần).",
        "{number} was called but the citizen has not come (recalled {recalls} times).",
    ),
    "home.called_recall": ("R  Gọi lại số này", "R  Call it again"),
    "home.called_absent_next": (
        "V  Đánh dấu vắng mặt và gọi số tiếp theo",
        "V  Mark absent and call the next",
    ),
    "home.confirm_no_show": (
        "Xác nhận số {number} vắng mặt? Công dân sẽ mất lượt.",
        "Mark {number} absent? The citizen loses the turn.",
    ),
    "home.recall_serving": (
        "Số {number} đang được phục vụ: không gọi lại.",
        "{number} is being served: nothing to recall.",
    ),
    "home.not_current": (
        "Quầy đã thay đổi, chưa làm gì: {message}. Màn hình đã cập nhật, hãy xem lại.",
        "The counter changed; nothing was done: {message}. The screen is refreshed: check it.",
    ),
    "home.then.finish": ("Số {number}: đã xong.", "{number}: done."),
    "home.then.no_show": ("Số {number}: vắng mặt.", "{number}: absent."),
    "prio.merit": ("Người có công với cách mạng", "Person with revolutionary merit"),
    "prio.elderly": ("Người cao tuổi", "Elderly person"),
    "prio.disabled": ("Người khuyết tật", "Person with a disability"),
    "prio.pregnant": ("Phụ nữ mang thai", "Pregnant woman"),
    "prio.small_child": ("Người đi cùng trẻ nhỏ", "Person with a small child"),
    "leave.ask": (
        "Số {number} đang ở quầy ({state}). Trước khi rời quầy:",
        "Ticket {number} is at the counter ({state}). Before leaving:",
    ),
    "leave.finish": ("F  Kết thúc phục vụ số này", "F  Finish it"),
    "leave.return": (
        "Q  Trả về đầu hàng chờ (quầy khác sẽ gọi)",
        "Q  Back to the head of the queue (another counter calls it)",
    ),
    "leave.transfer": ("T  Chuyển sang nhóm dịch vụ khác", "T  Transfer to another group"),
    "leave.stay": ("   Ở lại quầy (Esc)", "   Stay at the counter (Esc)"),
    "confirm.yes": ("Enter: Đồng ý", "Enter: Yes"),
    "confirm.no": ("Esc: Không", "Esc: No"),
    "home.printed": ("Đã cấp và in số {number} ({where})", "Issued and printed {number} ({where})"),
    "home.no_current": ("Chưa có số nào đang phục vụ.", "No ticket is being served."),
    "home.transfer_title": ("Chuyển số {number} sang nhóm dịch vụ", "Move {number} to service group"),
    "home.issue_title": ("Cấp số thứ tự: chọn nhóm dịch vụ", "Issue a ticket: choose the service group"),
    "home.priority_ask": ("Ưu tiên (để trống nếu không)", "Priority (leave empty if none)"),
    # ticket states
    "state.waiting": ("đang chờ", "waiting"),
    "state.called": ("đã gọi", "called"),
    "state.serving": ("đang phục vụ", "serving"),
    "state.done": ("xong", "done"),
    "state.no_show": ("vắng mặt", "no-show"),
    "state.cancelled": ("đã hủy", "cancelled"),
    "state.transferred": ("đã chuyển", "transferred"),
    # service groups (demo defaults; real names come from the center's configuration)
    "svc.A": ("Hộ tịch", "Civil status"),
    "svc.B": ("Chứng thực", "Certification"),
    "svc.C": ("Đất đai", "Land"),
    "svc.D": ("Khác", "Other"),
    # --- sync indicator --------------------------------------------------------------------------
    "sync.online": ("● trực tuyến", "● online"),
    "sync.offline": ("○ ngoại tuyến", "○ offline"),
    "sync.local": ("○ cục bộ", "○ local"),
    "sync.pending": ("chờ gửi {n}", "pending {n}"),
    "sync.done": ("Đồng bộ xong: gửi {pushed}, nhận {pulled}.", "Synced: pushed {pushed}, pulled {pulled}."),
    "sync.failed": ("Đồng bộ lỗi: {message}", "Sync failed: {message}"),
    "sync.no_server": ("Chưa cấu hình máy chủ.", "No server configured."),
    # --- help ----------------------------------------------------------------------------------
    "help.title": ("PHÍM TẮT", "KEYS"),
    "help.global": ("Mọi màn hình", "Everywhere"),
    "help.home": ("Màn hình quầy", "Counter screen"),
    "help.footer": ("Esc hoặc F1: đóng", "Esc or F1: close"),
    "help.qr_title": ("Mã QR trên thẻ Căn cước / CCCD", "The QR code on the chip ID card"),
    "help.qr": (
        "Quét mã QR ở mặt trước thẻ vào ô «Mã QR» (máy quét QR gõ như bàn phím). Nội dung gồm các "
        "trường cách nhau bằng «|»: số định danh 12 chữ số | số CMND cũ 9 chữ số (có thể trống) | "
        "họ và tên | ngày sinh ddmmyyyy | giới tính | nơi thường trú | ngày cấp ddmmyyyy. Ví dụ: "
        "001190012345||Lê Thị Hà|15031990|Nữ|Hà Nội|01012021. Số định danh, ngày sinh và ngày cấp "
        "mở chip của thẻ (F5 trong màn hình tiếp nhận) để đọc dữ liệu đã ký số.",
        "Scan the QR code on the card's front into the “QR” field (a QR scanner types like a "
        "keyboard). Fields separated by “|”: 12-digit ID number | old 9-digit ID (may be empty) | "
        "full name | birth date ddmmyyyy | sex | permanent address | issue date ddmmyyyy. Example: "
        "001190012345||Lê Thị Hà|15031990|Nữ|Hà Nội|01012021. The ID number and the dates open the "
        "card's chip (F5 in the reception screen) to read its signed data.",
    ),
    "help.palette": ("Bảng lệnh (gõ để tìm)", "Command palette (type to search)"),
    "help.mouse": (
        "Mọi thao tác đều làm được bằng bàn phím; chuột không bắt buộc.",
        "Everything works from the keyboard; the mouse is optional.",
    ),
    # --- satisfaction rating terminal (counter-app rate) ---------------------------------------
    "rate.title": ("Đánh giá mức độ hài lòng", "Rate our service"),
    "rate.center": ("Trung tâm Phục vụ hành chính công {center}", "Public Administration Service Center {center}"),
    "rate.counter": ("QUẦY {counter}", "COUNTER {counter}"),
    "rate.idle": (
        "Xin chào ông/bà!\nSau khi được phục vụ, mời ông/bà đánh giá tại màn hình này.",
        "Welcome!\nWhen you have been served, please rate our service on this screen.",
    ),
    "rate.ask": ("Ông/bà có hài lòng với việc phục vụ của cán bộ?", "Are you satisfied with the service?"),
    "rate.ticket": ("Số {number} — Cán bộ: {officer}", "Ticket {number} — Officer: {officer}"),
    "rate.ticket_only": ("Số {number}", "Ticket {number}"),
    "rate.keys": ("Nhấn 1, 2 hoặc 3 (hoặc chạm vào ô)", "Press 1, 2 or 3 (or touch a box)"),
    "rate.reasons": (
        "Ông/bà chưa hài lòng về điều gì? (chọn một hoặc nhiều, không bắt buộc)",
        "What was not right? (choose any, optional)",
    ),
    "rate.reasons_keys": (
        "Nhấn số để chọn/bỏ chọn · Enter: gửi đánh giá",
        "Press a number to tick/untick · Enter: send",
    ),
    "rate.send": ("Gửi đánh giá (Enter)", "Send (Enter)"),
    "rate.thanks": (
        "Cảm ơn ông/bà đã đánh giá!\nÝ kiến của ông/bà giúp chúng tôi phục vụ tốt hơn.",
        "Thank you for your rating!\nIt helps us serve you better.",
    ),
    "rate.closed": (
        "Lượt đánh giá này đã kết thúc. Xin cảm ơn!",
        "This rating is closed. Thank you!",
    ),
    "rate.not_saved": ("Chưa lưu được đánh giá: {message}", "The rating was not saved: {message}"),
    "rate.language": ("English (L)", "Tiếng Việt (L)"),
    "duration.m": ("{m} phút", "{m} min"),
    "duration.h": ("{h} giờ {m} phút", "{h} h {m} min"),
    "duration.none": ("—", "—"),
}

_state = {"lang": "vi"}
_merged: dict[str, tuple[str, str]] = {}
_loaded_extras: set[str] = set()
_listeners: list[Callable[[str], None]] = []


def _catalog() -> dict[str, tuple[str, str]]:
    """Own messages plus every extra module's (merged once each, lazily)."""
    if not _merged:
        _merged.update(MESSAGES)
    for name in EXTRA_MODULES:
        if name in _loaded_extras:
            continue
        _loaded_extras.add(name)
        mod = importlib.import_module(name)
        extra = getattr(mod, "MESSAGES", None)
        if isinstance(extra, dict):
            for key, value in extra.items():
                _merged.setdefault(key, tuple(value))  # type: ignore[arg-type]
    return _merged


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add messages at run time (a module may call this instead of exposing MESSAGES)."""
    for key, value in messages.items():
        _catalog().setdefault(key, value)


def set_language(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language '{lang}' ({', '.join(LANGS)})")
    _state["lang"] = lang
    for listener in list(_listeners):
        listener(lang)


def get_language() -> str:
    return _state["lang"]


# Aliases for callers that prefer these names.
current_lang = get_language
set_lang = set_language


def on_language_change(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def has(key: str) -> bool:
    return key in _catalog()


def t(key: str, **kw: object) -> str:
    """The text of `key` in the current language, `str.format`-ted with `kw`."""
    pair = _catalog().get(key)
    if pair is None:
        return key
    text = pair[1] if _state["lang"] == "en" and len(pair) > 1 and pair[1] else pair[0]
    if kw:
        try:
            return text.format(**kw)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def both(key: str, **kw: object) -> str:
    """'vi / en' (for errors that go to logs and stderr)."""
    pair = _catalog().get(key)
    if pair is None:
        return key
    return " / ".join(p.format(**kw) if kw else p for p in pair)


def duration(seconds: float | None) -> str:
    """A short, readable waiting time: '7 phút', '1 giờ 05 phút'."""
    if seconds is None or seconds < 0:
        return t("duration.none")
    minutes = int(seconds // 60)
    if minutes < 60:
        return t("duration.m", m=minutes)
    return t("duration.h", h=minutes // 60, m=f"{minutes % 60:02d}")
