"""UI strings of the reception wizard, the lookup and the local supervisor screens.

`MESSAGES = {"key": ("vi", "en")}`; the app shell's i18n merges them. Until (and unless) the
shell's `counter_app.ui.i18n` is importable, `t()` here formats from this table with the language
set by `set_lang()` (the screens call it with the settings' language).
"""

from __future__ import annotations

import dataclasses
from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    # --- scan dialog (số hóa) --------------------------------------------------------------------
    "sc.title": ("Số hóa thành phần {index}. {name}", "Digitize component {index}. {name}"),
    "sc.title_dossier": ("Số hóa {code} — thành phần {index}. {name}",
                         "Digitize {code} — component {index}. {name}"),
    "sc.key.scan": ("Quét", "Scan"),
    "sc.key.accept": ("Chấp nhận", "Accept"),
    "sc.key.discard": ("Hủy quét / Bỏ", "Cancel / Discard"),
    "sc.key.move": ("Chuyển trang", "Move page"),
    "sc.key.delete": ("Xóa trang", "Delete page"),
    "sc.key.rotate": ("Xoay trang", "Rotate page"),
    "sc.device": ("Máy quét", "Scanner"),
    "sc.component": ("Thành phần", "Component"),
    "sc.profile": ("Loại giấy", "Profile"),
    "sc.profile.text": ("Văn bản (xám 200 dpi)", "Text (grey 200 dpi)"),
    "sc.profile.photo": ("Ảnh, màu (200 dpi)", "Photo, colour (200 dpi)"),
    "sc.source": ("Nguồn", "Source"),
    "sc.source.flatbed": ("Mặt kính", "Flatbed"),
    "sc.source.adf": ("Khay nạp giấy (ADF)", "Document feeder (ADF)"),
    "sc.searching": ("Đang tìm máy quét…", "Looking for scanners…"),
    "sc.ready": ("Tìm thấy {n} máy quét. F5: quét; ←/→ chọn trang, Shift+←/→ chuyển, Del xóa, "
                 "R xoay; F9: chấp nhận; Esc: bỏ.",
                 "{n} scanner(s) found. F5: scan; ←/→ pick a page, Shift+←/→ move, Del delete, "
                 "R rotate; F9: accept; Esc: discard."),
    "sc.no_device": ("Không tìm thấy máy quét.", "No scanner found."),
    "sc.no_device_inbox": ("Có thể lấy tệp từ thư mục quét (chọn tệp, Enter).",
                           "You can take a file from the scan folder (pick it, Enter)."),
    "sc.no_inbox": ("Kiểm tra cáp/nguồn máy quét, hoặc cấu hình thư mục quét (scan_inbox).",
                    "Check the scanner's cable/power, or configure a scan folder (scan_inbox)."),
    "sc.pick_device": ("Chọn máy quét trước khi quét.", "Pick a scanner first."),
    "sc.inbox_option": ("Lấy từ thư mục {folder}", "Import from folder {folder}"),
    "sc.inbox_empty": ("Thư mục quét {folder} chưa có tệp.", "The scan folder {folder} is empty."),
    "sc.added_file": ("Đã thêm {name} — {n} trang.", "Added {name} — {n} page(s)."),
    "sc.starting": ("Đang bắt đầu quét… (Esc: hủy)", "Starting the scan… (Esc: cancel)"),
    "sc.progress": ("Đang quét trang {page}: {percent}% (Esc: hủy)",
                    "Scanning page {page}: {percent}% (Esc: cancel)"),
    "sc.page_done": ("Đã quét {n} trang…", "{n} page(s) scanned…"),
    "sc.done": ("Quét xong {added} trang, tổng {n} trang. F9: chấp nhận.",
                "Scanned {added} page(s), {n} in all. F9: accept."),
    "sc.cancelled": ("Đã hủy quét; giữ {n} trang.", "Scan cancelled; {n} page(s) kept."),
    "sc.cancelling": ("Đang hủy…", "Cancelling…"),
    "sc.error": ("{error} — giữ {n} trang đã quét.", "{error} — {n} page(s) kept."),
    "sc.confirm_discard": ("Bấm Esc lần nữa để bỏ {n} trang đã quét (F9: giữ lại).",
                           "Press Esc again to discard {n} scanned page(s) (F9: keep them)."),
    "sc.nothing": ("Chưa có trang nào để lưu.", "No pages to keep yet."),
    "sc.no_pages": ("(chưa có trang)", "(no pages yet)"),
    "sc.page": ("Trang {n}", "Page {n}"),
    "sc.btn.scan": ("Quét (F5)", "Scan (F5)"),
    "sc.btn.accept": ("Chấp nhận (F9)", "Accept (F9)"),
    "sc.btn.discard": ("Bỏ (Esc)", "Discard (Esc)"),
    "sc.status.none": ("chưa số hóa", "not digitized"),
    "sc.status.pages": ("đã số hóa {n} trang", "digitized, {n} page(s)"),
    "sc.status.pending": ("{n} trang chờ lưu khi tiếp nhận", "{n} page(s) stored on receive"),
    "sc.msg.pending": ("Giữ {n} trang cho thành phần {index}; lưu khi tiếp nhận hồ sơ.",
                       "{n} page(s) kept for component {index}; stored when the dossier is received."),
    "sc.msg.stored": ("Đã lưu {n} trang số hóa cho thành phần {index}.",
                      "Stored {n} digitized page(s) for component {index}."),
    "sc.msg.store_failed": ("Không lưu được bản số hóa thành phần {index}: {error}",
                            "Could not store the scan of component {index}: {error}"),
    "sc.msg.pick_component": ("Chọn (đặt con trỏ vào) một thành phần để quét.",
                              "Put the cursor on a component to scan it."),
    "rc.key.scan": ("Quét thành phần", "Scan component"),
    "lk.key.scan": ("Số hóa", "Digitize"),
    "lk.scan.which": ("Thành phần số (1–{n}), Enter:", "Component number (1–{n}), Enter:"),
    # --- wizard: frame ---------------------------------------------------------------------------
    "rc.title": ("Tiếp nhận hồ sơ", "Receive a dossier"),
    "rc.step.applicant": ("Người nộp", "Applicant"),
    "rc.step.procedure": ("Thủ tục", "Procedure"),
    "rc.step.checklist": ("Thành phần", "Components"),
    "rc.step.fee": ("Lệ phí, hẹn trả", "Fee, due date"),
    "rc.step.review": ("Xem lại", "Review"),
    "rc.key.next": ("Tiếp", "Next"),
    "rc.key.back": ("Quay lại", "Back"),
    "rc.key.save": ("Lưu nháp", "Save draft"),
    "rc.key.card": ("Đọc thẻ chip", "Read chip card"),
    "rc.key.fill": ("Đủ theo yêu cầu", "All as required"),
    "rc.key.receive": ("Tiếp nhận", "Receive"),
    "rc.key.supplement": ("Yêu cầu bổ sung", "Request supplement"),
    "rc.key.refuse": ("Từ chối", "Refuse"),
    "rc.key.new": ("Hồ sơ mới", "New dossier"),
    "rc.key.close": ("Đóng", "Close"),
    # --- applicant -------------------------------------------------------------------------------
    "rc.a.title": ("Thông tin người nộp hồ sơ", "Applicant"),
    "rc.a.qr": ("Quét QR thẻ", "Card QR scan"),
    "rc.a.qr_placeholder": (
        "đặt con trỏ ở đây rồi quét mã QR trên thẻ căn cước",
        "focus here and scan the QR code on the ID card",
    ),
    "rc.a.id_number": ("Số định danh", "Personal ID no."),
    "rc.a.id_number.ph": ("12 chữ số", "12 digits"),
    "rc.a.dob": ("Ngày sinh", "Date of birth"),
    "rc.a.dob.ph": ("DD/MM/YYYY", "DD/MM/YYYY"),
    "rc.a.name": ("Họ và tên", "Full name"),
    "rc.a.name.ph": ("như trên thẻ căn cước", "as on the ID card"),
    "rc.a.sex": ("Giới tính", "Sex"),
    "rc.a.sex.ph": ("Nam / Nữ (không bắt buộc)", "Nam / Nữ (optional)"),
    "rc.a.phone": ("Điện thoại", "Phone"),
    "rc.a.phone.ph": ("không bắt buộc", "optional"),
    "rc.a.address": ("Nơi cư trú", "Address"),
    "rc.a.address.ph": ("không bắt buộc", "optional"),
    "rc.a.email": ("Thư điện tử", "Email"),
    "rc.a.card_hint": (
        "F5: đọc thẻ căn cước gắn chip · Enter: sang ô tiếp theo · Ctrl+N: bước tiếp",
        "F5: read the chip ID card · Enter: next field · Ctrl+N: next step",
    ),
    "rc.card.reading": ("Đang đọc thẻ… giữ thẻ trên đầu đọc", "Reading the card… keep it on the reader"),
    "rc.card.progress": ("Đang đọc {file} ({done}/{total})", "Reading {file} ({done}/{total})"),
    "rc.card.done": (
        "Thẻ chip: {name} — {id} — xác thực dữ liệu chip: {pa}",
        "Chip card: {name} — {id} — chip data check: {pa}",
    ),
    "rc.card.failed": ("Không đọc được thẻ: {error}", "Could not read the card: {error}"),
    "rc.card.need_keys": (
        "Quét mã QR trên thẻ trước (cho khóa mở chip), rồi nhấn F5",
        "Scan the card's QR first (it gives the chip's keys), then press F5",
    ),
    "rc.key.use_card": ("Dùng dữ liệu thẻ", "Use card data"),
    "rc.card.use_hint": (
        "Đã đọc thẻ chip: F7 để dùng cho người nộp",
        "Chip card read: F7 to use it for the applicant",
    ),
    "rc.card.pa_failed": (
        "Dữ liệu chip KHÔNG xác thực được (có thể bị sửa đổi): kiểm tra kỹ giấy tờ",
        "The chip data FAILED authentication (may be altered): check the card carefully",
    ),
    "rc.card.used": ("Đã điền thông tin từ thẻ chip", "Filled in from the chip card"),
    # --- procedure -------------------------------------------------------------------------------
    "rc.proc.title": ("Chọn thủ tục hành chính", "Choose the procedure"),
    "rc.proc.placeholder": (
        "gõ tên, mã hoặc chữ viết tắt (vd: khai sinh, dkks, 1.001193)",
        "type a name, code or abbreviation (e.g. khai sinh, dkks, 1.001193)",
    ),
    "rc.proc.hint": (
        "Gõ để tìm; ↑/↓ chọn; Enter: dùng thủ tục này",
        "Type to search; ↑/↓ move; Enter: use this procedure",
    ),
    "rc.proc.count": ("{n} kết quả — Enter: chọn", "{n} results — Enter: choose"),
    "rc.proc.none": ("Không tìm thấy thủ tục nào", "No procedure found"),
    # --- checklist -------------------------------------------------------------------------------
    "rc.comp.title": ("Thành phần hồ sơ", "Components"),
    "rc.subj.title": (
        "Người mà hồ sơ đề cập (ngoài người nộp)", "Whom the dossier is about (besides the applicant)"
    ),
    "rc.subj.optional": (" (không bắt buộc)", " (optional)"),
    "rc.subj.missing": (
        "chưa nhập — cần để tiếp nhận (bước 3)", "not entered — needed to receive (step 3)"
    ),
    "rc.subj.full_name.ph": ("họ, chữ đệm và tên", "family, middle and given names"),
    "rc.subj.date_of_birth.ph": ("DD/MM/YYYY", "DD/MM/YYYY"),
    "rc.subj.sex.ph": ("Nam / Nữ", "Nam / Nữ"),
    "rc.subj.id_number.ph": ("12 chữ số (nếu đã có)", "12 digits (if any)"),
    "rc.review.subjects": ("Người được đề cập:", "About:"),
    "rc.comp.need_original": ("cần {n} bản chính", "{n} original(s)"),
    "rc.comp.need_copy": ("cần {n} bản sao", "{n} copy/copies"),
    "rc.comp.present_only": ("xuất trình để đối chiếu", "shown for checking"),
    "rc.comp.optional": ("nếu có", "if any"),
    "rc.comp.original": ("Bản chính", "Originals"),
    "rc.comp.copy": ("Bản sao", "Copies"),
    "rc.comp.presented": ("Đã xuất trình", "Presented"),
    "rc.comp.note": ("ghi chú", "note"),
    "rc.comp.ok": ("đủ", "complete"),
    "rc.comp.not_given": ("không nộp (không bắt buộc)", "not given (optional)"),
    "rc.comp.summary_ok": (
        "Đủ {total}/{total} thành phần bắt buộc. F4: điền đủ theo yêu cầu",
        "All {total} required components present. F4: fill as required",
    ),
    "rc.comp.summary_missing": (
        "Mới đủ {ok}/{total} thành phần bắt buộc — chưa thể tiếp nhận; có thể yêu cầu bổ sung. "
        "F4: điền đủ theo yêu cầu",
        "{ok}/{total} required components present — cannot receive yet; supplementation can be "
        "requested. F4: fill as required",
    ),
    # --- fee and appointment ---------------------------------------------------------------------
    "rc.fee.title": ("Lệ phí và ngày hẹn trả kết quả", "Fee and due date"),
    "rc.fee.copies": ("Số bộ hồ sơ", "Number of sets"),
    "rc.fee.amount_for": ("{name} — mức do tỉnh quy định:", "{name} — amount set by the province:"),
    "rc.fee.amount": ("Số tiền (đồng)", "Amount (VND)"),
    "rc.fee.amount_ph": ("để trống nếu không thu", "leave empty if not charged"),
    "rc.review.fee_unknown": (
        "chưa nhập mức thu: {names}", "amount not entered: {names}"
    ),
    "rc.fee.copy_of": ("{name} — tính theo bản:", "{name} — charged per copy:"),
    "rc.fee.page_of": (
        "{name} — tính theo trang của mỗi bản:", "{name} — charged per page of each copy:"
    ),
    "rc.fee.pages": ("Số trang từng giấy tờ", "Pages of each document"),
    "rc.fee.pages_ph": ("vd. 3 hoặc 3, 12", "e.g. 3 or 3, 12"),
    "rc.fee.qty_copies": ("Số bản", "Copies"),
    "rc.fee.needs_pages": (
        "nhập số trang để tính phí theo trang", "enter the page counts for the per-page fee"
    ),
    "rc.fee.pay": ("Hình thức nộp", "Paid by"),
    "rc.fee.pay.cash": ("Tiền mặt", "Cash"),
    "rc.fee.pay.transfer": ("Chuyển khoản", "Bank transfer"),
    "rc.fee.pay.vietqr": ("Quét mã VietQR", "VietQR"),
    "rc.fee.pay.later": ("Chưa thu (ghi sau)", "Not yet paid (record later)"),
    "rc.fee.payref": ("Mã giao dịch", "Reference"),
    "rc.fee.payref_ph": ("bắt buộc với chuyển khoản, VietQR", "required for transfer, VietQR"),
    "rc.err.pages": (
        "Số trang: các số từ 1 đến 10.000, cách nhau bởi dấu phẩy",
        "Pages: numbers from 1 to 10,000 separated by commas",
    ),
    "rc.err.qty_copies": ("{name}: số bản phải từ 1 đến 1.000", "{name}: copies must be 1–1,000"),
    "rc.err.payref": (
        "Chuyển khoản / VietQR: nhập mã giao dịch", "Transfer / VietQR: enter the reference"
    ),
    "rc.fee.none": ("Thủ tục không thu phí, lệ phí", "No fee for this procedure"),
    "rc.fee.total": ("Tổng cộng: {amount}", "Total: {amount}"),
    "rc.fee.unknown": (
        "{n} khoản do tỉnh quy định mức: nhập số tiền bên dưới",
        "{n} amount(s) set by the province: enter them below",
    ),
    "rc.fee.appt": ("Hẹn trả kết quả:", "Due:"),
    "rc.fee.rule": ("Cách tính:", "Rule:"),
    "rc.fee.appt_error": ("Chưa tính được ngày hẹn: {error}", "No due date yet: {error}"),
    "rc.fee.provisional": (
        "Ngày hẹn tạm tính: lịch nghỉ lễ năm này chưa có thông báo chính thức",
        "Provisional date: this year's official holiday notice is not imported yet",
    ),
    "rc.fee.provisional_short": ("tạm tính", "provisional"),
    # --- review ----------------------------------------------------------------------------------
    "rc.review.title": ("Xem lại và quyết định", "Review and decide"),
    "rc.review.applicant": ("Người nộp:", "Applicant:"),
    "rc.review.procedure": ("Thủ tục:", "Procedure:"),
    "rc.review.components": ("Thành phần:", "Components:"),
    "rc.review.components_n": ("{ok}/{total} đủ", "{ok}/{total} complete"),
    "rc.review.fee": ("Lệ phí:", "Fee:"),
    "rc.review.due": ("Hẹn trả:", "Due:"),
    "rc.review.incomplete": (
        "Hồ sơ chưa đủ thành phần bắt buộc: không thể tiếp nhận. F6: yêu cầu bổ sung (một lần).",
        "Required components are missing: cannot receive. F6: request supplementation (once).",
    ),
    "rc.review.reason": ("Lý do / hướng dẫn", "Reason / guidance"),
    "rc.review.reason_ph": (
        "bắt buộc khi từ chối; nội dung hướng dẫn khi yêu cầu bổ sung",
        "required to refuse; guidance when requesting supplementation",
    ),
    "rc.review.guidance_ph": (
        "hướng dẫn bổ sung (không bắt buộc) hoặc lý do từ chối",
        "supplementation guidance (optional) or refusal reason",
    ),
    "rc.review.note": ("Ghi chú", "Note"),
    "rc.review.channel": ("Kênh nộp", "Filed"),
    "rc.review.note_ph": ("không bắt buộc", "optional"),
    "rc.btn.receive": ("F9 Tiếp nhận", "F9 Receive"),
    "rc.btn.supplement": ("F6 Yêu cầu bổ sung", "F6 Request supplement"),
    "rc.btn.refuse": ("F8 Từ chối", "F8 Refuse"),
    # --- result ----------------------------------------------------------------------------------
    "rc.done.received": ("✓ Đã tiếp nhận hồ sơ", "✓ Dossier received"),
    "rc.done.supplement": (
        "Đã lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        "Supplementation request issued",
    ),
    "rc.done.refused": ("Đã lập phiếu từ chối tiếp nhận hồ sơ", "Refusal slip issued"),
    "rc.done.code": ("Mã hồ sơ:", "Dossier code:"),
    "rc.done.lookup": ("Mã tra cứu:", "Lookup code:"),
    "rc.done.form_pending": ("Đang tạo phiếu…", "Rendering the form…"),
    "rc.done.form_saved": ("Phiếu đã lưu: {path}", "Form saved: {path}"),
    "rc.done.printed": ("Đã gửi máy in {printer}", "Sent to printer {printer}"),
    "rc.done.hint": (
        "F8: in lại · Enter/Ctrl+N/F3: hồ sơ mới · Esc: đóng",
        "F8: print again · Enter/Ctrl+N/F3: new dossier · Esc: close",
    ),
    "rc.done.ticket": ("Số thứ tự:", "Queue ticket:"),
    "rc.card.simulated": (
        "THẺ MÔ PHỎNG (bản demo, không có đầu đọc thẻ): đã quét mã QR của thẻ, đang đọc chip…",
        "SIMULATED CARD (demo, no card reader): its QR was scanned, reading the chip…",
    ),
    "sc.simulated": ("MÁY QUÉT MÔ PHỎNG (demo)", "SIMULATED SCANNER (demo)"),
    "rc.card.simulated_label": (
        "THẺ MÔ PHỎNG của bản demo (không phải thẻ thật)",
        "A SIMULATED card of the demo (not a real card)",
    ),
    "rc.err.too_long": (
        "Không dán được: {n} ký tự, ô này nhận tối đa {limit}. Kiểm tra lại nội dung đã sao chép.",
        "Not pasted: {n} characters, this field takes at most {limit}. Check what was copied.",
    ),
    "rc.key.reprint": ("In lại", "Print again"),
    "lk.detail.ticket": ("Số thứ tự:", "Queue ticket:"),
    # --- messages --------------------------------------------------------------------------------
    "rc.msg.resumed": ("Đã khôi phục bản nháp lưu lúc {time}", "Draft saved at {time} resumed"),
    "rc.msg.stored": ("Đã lưu hồ sơ {code}", "Dossier {code} stored"),
    "rc.msg.saved": ("Đã lưu bản nháp", "Draft saved"),
    "rc.msg.new": ("Hồ sơ mới", "New dossier"),
    "rc.msg.confirm_new": (
        "Bỏ bản nháp đang nhập? Nhấn F3 lần nữa để xác nhận",
        "Discard this draft? Press F3 again to confirm",
    ),
    "rc.msg.qr_ok": ("Đã đọc mã QR thẻ căn cước {id}", "ID card QR read: {id}"),
    "rc.msg.already_received": (
        "Hồ sơ {code} đã được lưu trước khi máy tắt: không tạo lại",
        "Dossier {code} was stored before the interruption: not created again",
    ),
    # --- errors ----------------------------------------------------------------------------------
    "rc.err.sex": ("Giới tính ghi Nam hoặc Nữ", "Sex must be Nam or Nữ"),
    "rc.err.dob_missing": ("Thiếu ngày sinh", "Date of birth is missing"),
    "rc.err.dob_future": ("Ngày sinh ở tương lai", "Date of birth is in the future"),
    "rc.err.name_missing": ("Thiếu họ và tên", "Full name is missing"),
    "rc.err.no_procedure": ("Chưa chọn thủ tục", "No procedure chosen"),
    "rc.err.copies": ("Số bộ hồ sơ từ 1 đến 50", "Number of sets must be 1–50"),
    "rc.err.qr": ("Mã QR không đọc được: {error}", "Unreadable QR: {error}"),
    "rc.err.reason_required": (
        "Phải ghi lý do từ chối tiếp nhận",
        "A refusal needs a reason",
    ),
    "rc.err.incomplete": (
        "Thiếu thành phần bắt buộc số {index} ({name}): không thể tiếp nhận — F6 để yêu cầu bổ sung",
        "Required component {index} ({name}) is missing: cannot receive — F6 to request "
        "supplementation",
    ),
    "rc.err.supplement_complete": (
        "Hồ sơ đã đủ thành phần: ghi rõ nội dung cần sửa đổi, bổ sung",
        "The dossier is complete: say what must be corrected",
    ),
    "rc.err.draft": ("Không lưu được bản nháp: {error}", "Could not save the draft: {error}"),
    "rc.err.unexpected": ("Lỗi không mong đợi (đã giữ dữ liệu): {error}", "Unexpected error (input kept): {error}"),
    # --- lookup ----------------------------------------------------------------------------------
    "lk.title": ("Tra cứu hồ sơ, trả kết quả", "Dossier lookup and result return"),
    "lk.placeholder": (
        "mã hồ sơ, số định danh, họ tên (không cần dấu) hoặc số điện thoại",
        "dossier code, ID number, name (accents optional) or phone",
    ),
    "lk.col.code": ("Mã hồ sơ", "Code"),
    "lk.col.applicant": ("Người nộp", "Applicant"),
    "lk.col.procedure": ("Thủ tục", "Procedure"),
    "lk.col.status": ("Trạng thái", "Status"),
    "lk.col.due": ("Hẹn trả", "Due"),
    "lk.count": ("{n} hồ sơ", "{n} dossier(s)"),
    "lk.none": ("Không tìm thấy hồ sơ nào", "No dossier found"),
    "lk.hint": (
        "Gõ để tìm · ↓ vào danh sách · Enter: xem · F5: có kết quả · F6: trả kết quả",
        "Type to search · ↓ to the list · Enter: open · F5: result ready · F6: return result",
    ),
    "lk.detail.applicant": ("Người nộp:", "Applicant:"),
    "lk.detail.procedure": ("Thủ tục:", "Procedure:"),
    "lk.detail.status": ("Trạng thái:", "Status:"),
    "lk.detail.received": ("Tiếp nhận:", "Received:"),
    "lk.detail.due": ("Hẹn trả:", "Due:"),
    "lk.detail.officer": ("Cán bộ:", "Officer:"),
    "lk.detail.returned": ("Đã trả cho:", "Returned to:"),
    "lk.detail.history": ("Lịch sử", "History"),
    "lk.detail.components": ("Thành phần:", "Components:"),
    "lk.key.search": ("Tìm", "Search"),
    "lk.key.done": ("Có kết quả", "Result ready"),
    "lk.key.return": ("Trả kết quả", "Return result"),
    "lk.key.close": ("Đóng", "Close"),
    "lk.key.supplemented": ("Nhận bổ sung", "Supplemented"),
    "lk.key.print": ("In phiếu", "Print form"),
    "lk.detail.fee": ("Phí, lệ phí:", "Fee:"),
    "lk.detail.late_reason": ("Gửi văn bản xin lỗi muộn vì:", "Apology sent late because:"),
    "lk.key.extend": ("Gia hạn (04)", "Extend (04)"),
    "lk.key.stop": ("Dừng (05)", "Stop (05)"),
    "lk.key.pay": ("Thu phí", "Fee paid"),
    "lk.act.confirm": ("Xác nhận", "Confirm"),
    "lk.err.when": (
        "Ngày giờ dạng dd/mm/yyyy hh:mm, ví dụ 27/11/2026 09:30",
        "Date and time as dd/mm/yyyy hh:mm, e.g. 27/11/2026 09:30",
    ),
    "lk.ext.title": (
        "Gia hạn hồ sơ {code} — văn bản xin lỗi (mẫu 04)",
        "Extend dossier {code} — apology (form 04)",
    ),
    "lk.ext.hint": (
        "Hẹn trả hiện tại: {due}. Chỉ gia hạn một lần; gửi chậm nhất 01 ngày làm việc trước "
        "ngày hẹn, nếu muộn hơn phải ghi lý do.",
        "Current due date: {due}. One extension only; sent at least one working day before the "
        "due date, or say why it is late.",
    ),
    "lk.ext.new_due": ("Ngày hẹn mới", "New due date"),
    "lk.ext.new_due_ph": ("dd/mm/yyyy hh:mm", "dd/mm/yyyy hh:mm"),
    "lk.ext.reason": ("Lý do chậm", "Reason for the delay"),
    "lk.ext.reason_ph": ("in trên văn bản xin lỗi", "printed on the apology"),
    "lk.ext.late_reason": ("Lý do gửi muộn", "Why sent late"),
    "lk.ext.late_reason_ph": (
        "chỉ khi đã quá hạn gửi văn bản xin lỗi", "only when the apology itself is late"
    ),
    "lk.stop.title": (
        "Dừng giải quyết hồ sơ {code} theo đề nghị (mẫu 05)",
        "Stop dossier {code} at the applicant's request (form 05)",
    ),
    "lk.stop.reason": ("Lý do người nộp nêu", "Applicant's reason"),
    "lk.stop.reason_ph": ("in trên thông báo dừng", "printed on the notice"),
    "lk.pay.title": ("Thu phí, lệ phí hồ sơ {code}", "Fee paid for dossier {code}"),
    "lk.pay.hint": (
        "Số tiền: {amount}. Hình thức: 1 tiền mặt · 2 chuyển khoản · 3 quét mã VietQR",
        "Amount: {amount}. Method: 1 cash · 2 bank transfer · 3 VietQR",
    ),
    "lk.pay.method": ("Hình thức", "Method"),
    "lk.pay.method_ph": (
        "1 tiền mặt · 2 chuyển khoản · 3 VietQR", "1 cash · 2 transfer · 3 VietQR"
    ),
    "lk.pay.reference": ("Mã giao dịch", "Reference"),
    "lk.sup.title": (
        "Nhận hồ sơ bổ sung {code}: ghi số bản đã nhận (F4: đủ theo yêu cầu)",
        "Supplementation for {code}: record what was brought (F4: all as required)",
    ),
    "lk.sup.ok": ("F9 Tiếp nhận hồ sơ", "F9 Receive the dossier"),
    "lk.msg.supplemented": (
        "Hồ sơ {code} đã đủ: tiếp nhận, hẹn trả {due}",
        "Dossier {code} complete: received, due {due}",
    ),
    "lk.msg.done": ("Hồ sơ {code}: đã có kết quả", "Dossier {code}: result ready"),
    "lk.msg.returned": ("Đã trả kết quả hồ sơ {code} cho {name}", "Result of {code} returned to {name}"),
    "lk.msg.extended": (
        "Hồ sơ {code}: gia hạn đến {due}; đang in văn bản xin lỗi",
        "Dossier {code}: extended to {due}; printing the apology",
    ),
    "lk.msg.stopped": (
        "Hồ sơ {code}: dừng giải quyết; đang in thông báo", "Dossier {code}: stopped; printing"
    ),
    "lk.msg.paid": ("Hồ sơ {code}: đã thu {amount}", "Dossier {code}: {amount} paid"),
    "lk.msg.pick": ("Chọn một hồ sơ trước", "Choose a dossier first"),
    "lk.ret.title": ("Trả kết quả hồ sơ {code}", "Return the result of {code}"),
    "lk.ret.name": ("Người nhận", "Receiver"),
    "lk.ret.id": ("Số định danh", "ID number"),
    "lk.ret.relation": ("Quan hệ", "Relation"),
    "lk.ret.relation_ph": ("chính chủ / người được ủy quyền …", "applicant / authorised person …"),
    "lk.ret.checked": ("Đã kiểm tra giấy tờ tùy thân người nhận", "Receiver's ID checked"),
    "lk.ret.ok": ("Enter/F9 Xác nhận trả", "Enter/F9 Confirm"),
    "lk.ret.cancel": ("Esc Hủy", "Esc Cancel"),
    "rc.fee.delivery": ("Nhận kết quả", "Result delivery"),
    "rc.fee.delivery.counter": ("Tại quầy của Trung tâm", "At this center's counter"),
    "rc.fee.delivery.post": ("Qua bưu chính công ích", "By post"),
    "rc.fee.delivery.online": ("Trực tuyến (Cổng DVC/VNeID)", "Online (portal/VNeID)"),
    "rc.fee.delivery.other_center": ("Tại trung tâm khác", "At another center"),
    "rc.fee.delivery_to": ("Địa chỉ / nơi nhận", "Address / place"),
    "rc.fee.delivery_to_ph": ("", ""),
    "rc.fee.delivery_to_ph.post": ("địa chỉ nhận qua bưu điện", "postal address"),
    "rc.fee.delivery_to_ph.other_center": (
        "tên Trung tâm PVHCC nơi nhận kết quả", "the center that hands the result over"
    ),
    "rc.review.delivery": ("Nhận kết quả:", "Result:"),
    "lk.ret.qr": ("QR thẻ", "Card QR"),
    "lk.ret.qr_ph": (
        "quét mã QR trên thẻ của người nhận", "scan the QR code on the receiver's card"
    ),
    "lk.ret.card_hint": (
        "Quét QR thẻ căn cước của người nhận, rồi F5 đọc chip (nếu có đầu đọc).",
        "Scan the receiver's ID card QR, then F5 reads the chip (if a reader is attached).",
    ),
    "lk.ret.by_qr": ("✓ Theo mã QR thẻ: {name} — {id}", "✓ From the card's QR: {name} — {id}"),
    "lk.ret.by_chip": (
        "✓ Theo chip thẻ: {name} — {id} (xác thực chữ ký chip: {pa})",
        "✓ From the card's chip: {name} — {id} (chip signature: {pa})",
    ),
    "lk.ret.card_dropped": (
        "Số định danh đã sửa khác thẻ: kiểm tra giấy tờ bằng mắt và đánh dấu lại.",
        "The ID number no longer matches the card: check the ID by eye and tick again.",
    ),
    "lk.ret.no_reader": ("Quầy không có đầu đọc thẻ", "No card reader at this counter"),
    "lk.ret.need_qr": (
        "Quét mã QR trên thẻ trước để mở chip", "Scan the card's QR first to open the chip"
    ),
    "lk.ret.chip": ("Đọc chip", "Read chip"),
    "lk.msg.return_record": (
        "In phiếu kiểm soát (06) để người nhận ký nhận kết quả",
        "Form 06 printed for the receiver to sign",
    ),
    "lk.act.receive": ("tiếp nhận", "received"),
    "lk.act.supplement": ("yêu cầu bổ sung", "supplement requested"),
    "lk.act.refuse": ("từ chối", "refused"),
    "lk.act.transition": ("chuyển trạng thái", "status change"),
    "lk.act.supplemented": ("đã bổ sung", "supplemented"),
    "lk.act.returned": ("trả kết quả", "result returned"),
    "lk.act.paid": ("thu phí, lệ phí", "fee paid"),
    "lk.act.forwarded": ("chuyển cơ quan giải quyết", "forwarded"),
    "lk.act.handed_back": ("nhận lại từ cơ quan giải quyết", "handed back"),
    "lk.key.forward": ("Chuyển xử lý", "Forward"),
    "lk.key.handback": ("Nhận kết quả về", "Result back"),
    "lk.key.control": ("Phiếu 06", "Form 06"),
    "lk.detail.routed_here": (
        "Hồ sơ của trung tâm {center} chuyển đến (thuộc thẩm quyền nơi đây): chỉ ghi nhận "
        "kết quả trả về (Ctrl+B)",
        "A dossier of center {center} routed here for its competent body: only hand its result "
        "back (Ctrl+B)",
    ),
    "sv.routed_here": (
        "Hồ sơ trung tâm khác chuyển đến ({n})", "Dossiers routed here by other centers ({n})"
    ),
    "sv.col.from_center": ("Từ trung tâm", "From center"),
    "lk.more.control": ("Ctrl+K in phiếu kiểm soát (06)", "Ctrl+K print the control sheet (06)"),
    "lk.more.stop": ("Ctrl+D dừng giải quyết (05)", "Ctrl+D stop at the applicant's request (05)"),
    "lk.msg.forwarded": ("Hồ sơ {code} đã chuyển {body}, hạn {due}", "Dossier {code} sent to {body}, due {due}"),
    "lk.msg.handed_back": ("Hồ sơ {code}: {result} ({timing})", "Dossier {code}: {result} ({timing})"),
    "fw.title": (
        "Chuyển hồ sơ {code} đến cơ quan giải quyết (liên thông)",
        "Forward dossier {code} to the deciding body",
    ),
    "fw.hint": (
        "Hẹn trả: {due}. Hồ sơ tiếp nhận trước 15 giờ chuyển ngay trong ngày; sau 15 giờ chuyển "
        "đầu giờ ngày làm việc tiếp theo. Loại: 1 UBND xã · 2 ngành dọc · 3 trung tâm khác.",
        "Due: {due}. Received by 15:00: sent the same day; later: at the start of the next "
        "working day. Kind: 1 commune · 2 vertical agency · 3 another center.",
    ),
    "fw.to_body": ("Cơ quan nhận", "Receiving body"),
    "fw.to_body_ph": (
        "Phòng Văn hóa - Xã hội, Chi nhánh VP đăng ký đất đai…", "department or agency"
    ),
    "fw.kind": ("Loại cơ quan", "Kind"),
    "fw.kind_ph": ("1 UBND xã · 2 ngành dọc · 3 TT khác", "1 commune · 2 vertical · 3 center"),
    "fw.center": ("Mã trung tâm (loại 3)", "Center code (kind 3)"),
    "fw.center_ph": ("chỉ khi thuộc thẩm quyền xã khác", "only for another commune"),
    "fw.receiver": ("Người nhận", "Taken by"),
    "fw.receiver_ph": ("cán bộ nhận hồ sơ giấy", "who took the paper dossier"),
    "fw.due": ("Hạn xử lý", "Step due"),
    "fw.due_ph": ("để trống: {due}", "blank: {due}"),
    "fw.note": ("Ghi chú", "Note"),
    "fw.err.kind": ("Loại cơ quan: 1, 2 hoặc 3", "Kind: 1, 2 or 3"),
    "fw.err.result": ("Kết quả: 1, 2, 3 hoặc 4", "Result: 1, 2, 3 or 4"),
    "fw.back_title": (
        "Nhận lại hồ sơ {code} từ cơ quan giải quyết", "Dossier {code} back from the body"
    ),
    "fw.back_hint": (
        "Đang ở: {body} (chuyển {sent}, hạn {due}). Kết quả: 1 có kết quả · 2 chuyển tiếp cơ "
        "quan khác · 3 yêu cầu bổ sung · 4 từ chối giải quyết.",
        "With: {body} (sent {sent}, due {due}). Result: 1 ready · 2 passed on to another body · "
        "3 papers asked · 4 refused.",
    ),
    "fw.result": ("Kết quả", "Result"),
    "fw.result_ph": ("1 có KQ · 2 chuyển tiếp · 3 bổ sung · 4 từ chối", "1 · 2 · 3 · 4"),
    "fw.giver": ("Người giao lại", "Handed back by"),
    "fw.giver_ph": ("cán bộ của cơ quan", "officer of the body"),
    "fw.back_note": ("Lý do / ghi chú", "Reason / note"),
    "fw.back_note_ph": ("bắt buộc khi yêu cầu bổ sung hoặc từ chối", "required for 3 and 4"),
    "fw.next_body": ("Cơ quan nhận tiếp", "Next body"),
    "fw.next_body_ph": ("chỉ khi chuyển tiếp (2)", "only when passed on (2)"),
    "fw.detail.title": ("Quá trình giải quyết (liên thông):", "Forwarding chain:"),
    "fw.detail.sent": ("chuyển", "sent"),
    "fw.detail.due": ("hạn", "due"),
    "fw.detail.held": ("đang xử lý tại cơ quan", "with the body"),
    "fw.detail.overdue": ("QUÁ HẠN tại cơ quan này", "OVERDUE at this body"),
    # --- supervisor ------------------------------------------------------------------------------
    "sv.title": ("Giám sát tại trung tâm", "Center supervision"),
    "sv.held": (
        "Quá hạn tại cơ quan giải quyết ({n}) — Enter: mở hồ sơ",
        "Overdue at the deciding body ({n}) — Enter: open",
    ),
    "sv.unsent": (
        "Chưa chuyển cơ quan giải quyết đúng hạn ({n})",
        "Not forwarded in time ({n})",
    ),
    "sv.col.step_due": ("Hạn bước", "Step due"),
    "sv.col.late_days": ("Trễ (ngày LV)", "Late (w. days)"),
    "sv.col.body": ("Cơ quan", "Body"),
    "sv.col.send_deadline": ("Hạn chuyển", "Send by"),
    "sv.col.received": ("Tiếp nhận", "Received"),
    "sv.today": ("Hôm nay {day}: {total} hồ sơ", "Today {day}: {total} dossiers"),
    "sv.by_status": ("Theo trạng thái", "By status"),
    "sv.by_procedure": ("Theo thủ tục", "By procedure"),
    "sv.overdue": ("Quá hạn ({n})", "Overdue ({n})"),
    "sv.due_today": ("Đến hạn hôm nay ({n})", "Due today ({n})"),
    "sv.col.count": ("Số HS", "Count"),
    "sv.col.status": ("Trạng thái", "Status"),
    "sv.col.procedure": ("Thủ tục", "Procedure"),
    "sv.col.code": ("Mã hồ sơ", "Code"),
    "sv.col.applicant": ("Người nộp", "Applicant"),
    "sv.col.due": ("Hẹn trả", "Due"),
    "sv.key.refresh": ("Làm mới", "Refresh"),
    "sv.key.close": ("Đóng", "Close"),
    "sv.updated": ("Cập nhật lúc {time}", "Updated at {time}"),
    "sv.quarantined": (
        "⚠ {n} thao tác của máy này bị máy chủ từ chối và được cách ly (không gửi lại; các thao "
        "tác khác vẫn đồng bộ). Gần nhất: {reason}. F6: danh sách trên máy chủ.",
        "⚠ {n} operation(s) of this PC were refused by the server and are quarantined (not sent "
        "again; everything else still syncs). Latest: {reason}. F6: the server's list.",
    ),
    "sv.empty": ("(không có)", "(none)"),
    "sv.key.conflicts": ("Xung đột đồng bộ", "Sync conflicts"),
    "sv.key.book": ("Sổ theo dõi (mẫu 07)", "Book (form 07)"),
    "sv.book.title": (
        "Sổ theo dõi hồ sơ (mẫu 07) theo kỳ",
        "Book of dossiers (form 07) for a period",
    ),
    "sv.book.hint": (
        "Các hồ sơ tiếp nhận tại trung tâm trong kỳ, theo thứ tự tiếp nhận; khổ A4 ngang. "
        "Ngày dạng dd/mm/yyyy. Một tháng của phường đông (~9.000 hồ sơ) mất khoảng 45 giây.",
        "The dossiers received at the center in the period, in the order received; A4 "
        "landscape. Dates as dd/mm/yyyy. A busy ward's month (~9,000 dossiers) takes ~45 s.",
    ),
    "sv.book.from": ("Từ ngày", "From"),
    "sv.key.report": ("Báo cáo kỳ", "Report"),
    "rp.title": ("Báo cáo hồ sơ theo kỳ", "Dossier report for a period"),
    "rp.hint": (
        "Hồ sơ của trung tâm theo ngày nhận. «Từ ngày» nhận cả tên kỳ: hôm nay, tuần này, "
        "tháng trước, quý 3, năm nay… Nhóm theo: 1 thủ tục, 2 lĩnh vực, 3 cán bộ, 4 quầy, 5 kênh nộp, 6 ngày; "
        "để trống: chỉ tổng.",
        "The center's dossiers by day of entry. “From” also takes a named period: today, this "
        "week, last month, quarter 3, this year… One line per: 1 procedure, 2 field, 3 officer, "
        "4 counter, 5 channel, 6 day; empty: the total only.",
    ),
    "rp.by": ("Nhóm theo", "One line per"),
    "rp.by.ph": ("thủ tục / lĩnh vực / cán bộ / quầy / kênh nộp / ngày",
                 "procedure / field / officer / counter / channel / day"),
    "rp.by.default": ("thủ tục", "procedure"),
    "rp.err.by": (
        "Nhóm theo: thủ tục, lĩnh vực, cán bộ, quầy, ngày (hoặc 1–5), để trống để chỉ xem tổng",
        "One line per: procedure, field, officer, counter, day (or 1–5), empty for the total",
    ),
    "rp.heading": ("Báo cáo từ {start} đến {end}", "Report from {start} to {end}"),
    "rp.working": ("Đang tính…", "Computing…"),
    "rp.done": (
        "{n} hồ sơ, {tickets} số thứ tự, {ratings} lượt đánh giá. {definitions} · phím 1–4: bảng · "
        "F9 Excel · F10 PDF · F8 CSV",
        "{n} dossiers, {tickets} tickets, {ratings} ratings. {definitions} · keys 1–4: tables · "
        "F9 Excel · F10 PDF · F8 CSV",
    ),
    "rp.saving": ("Đang lưu…", "Saving…"),
    "rp.key.drill": ("Xem hồ sơ", "Show dossiers"),
    "rd.key.open": ("Mở hồ sơ", "Open"),
    "rd.title": ("{figure} · {line} · {start}–{end}", "{figure} · {line} · {start}–{end}"),
    "rd.count": ("{n} hồ sơ · Enter: mở hồ sơ · Esc: quay lại báo cáo", "{n} dossiers · Enter: open · Esc: back to the report"),
    "rd.col.code": ("Mã hồ sơ", "Code"),
    "rd.col.received": ("Nhận lúc", "Received"),
    "rd.col.applicant": ("Người nộp", "Applicant"),
    "rd.col.procedure": ("Thủ tục", "Procedure"),
    "rd.col.status": ("Trạng thái", "Status"),
    "rd.col.appointment": ("Hẹn trả", "Due"),
    "rd.col.result": ("Có kết quả", "Result"),
    "rd.col.officer": ("Cán bộ", "Officer"),
    "rp.key.xlsx": ("Excel", "Excel"),
    "rp.key.pdf": ("In PDF", "PDF"),
    "rp.tab.dossiers": ("Hồ sơ", "Dossiers"),
    "rp.tab.queue": ("Hàng đợi", "Queue"),
    "rp.tab.satisfaction": ("Hài lòng", "Satisfaction"),
    "rp.tab.trends": ("Xu hướng", "Trends"),
    "rp.trend.range": ("thấp nhất {low}, cao nhất {high} (ngày {day})", "lowest {low}, highest {high} (on {day})"),
    "rp.trend.entered": ("Hồ sơ nhận mỗi ngày", "Dossiers entered per day"),
    "rp.trend.on_time_rate": ("Tỉ lệ đúng hạn theo ngày nhận", "On-time rate by day of entry"),
    "rp.trend.wait_median_min": ("Thời gian chờ trung vị mỗi ngày (phút)", "Median wait per day (minutes)"),
    "rp.trend.satisfaction_rate": ("Tỉ lệ hài lòng mỗi ngày", "Satisfaction rate per day"),
    "rp.by.service": ("Nhóm dịch vụ", "Service group"),
    "rp.col.issued": ("Cấp số", "Issued"),
    "rp.col.priority": ("Ưu tiên", "Priority"),
    "rp.col.served": ("Phục vụ", "Served"),
    "rp.col.absent": ("Vắng", "Absent"),
    "rp.col.transferred": ("Chuyển", "Moved"),
    "rp.col.not_served": ("Chưa PV", "Not served"),
    "rp.col.wait_median_min": ("Chờ TV", "Wait med."),
    "rp.col.wait_p90_min": ("Chờ p90", "Wait p90"),
    "rp.col.service_median_min": ("PV TV", "Serve med."),
    "rp.col.service_p90_min": ("PV p90", "Serve p90"),
    "rp.col.rated": ("Đánh giá", "Ratings"),
    "rp.col.very_satisfied": ("Rất HL", "Very sat."),
    "rp.col.satisfied": ("Hài lòng", "Satisfied"),
    "rp.col.unsatisfied": ("Không HL", "Not sat."),
    "rp.col.satisfaction_rate": ("% hài lòng", "% satisfied"),
    "rp.col.rated_share": ("% được ĐG", "% rated"),
    "rp.col.reasons.wait": ("Chờ lâu", "Long wait"),
    "rp.col.reasons.attitude": ("Thái độ", "Attitude"),
    "rp.col.reasons.guidance": ("Hướng dẫn", "Guidance"),
    "rp.col.reasons.extra_papers": ("Giấy tờ thêm", "Extra papers"),
    "rp.definitions": (
        "Đúng hạn = có kết quả không muộn hơn giờ hẹn; quá hạn = chưa có kết quả, đã quá hẹn; "
        "số hóa = thành phần đã nộp có bản quét; % hài lòng = (rất hài lòng + hài lòng) / lượt "
        "đánh giá",
        "On time = result ready no later than the appointment; overdue = no result, past it; "
        "digitized = components handed over with a stored scan; % satisfied = (very satisfied + "
        "satisfied) / ratings",
    ),
    "rp.saved": ("Đã lưu {path}", "Saved {path}"),
    "rp.key.csv": ("Lưu CSV", "Save CSV"),
    "rp.total": ("TỔNG", "TOTAL"),
    "rp.by.total": ("Toàn trung tâm", "Whole center"),
    "rp.by.procedure": ("Thủ tục", "Procedure"),
    "rp.by.field": ("Lĩnh vực", "Field"),
    "rp.by.officer": ("Cán bộ", "Officer"),
    "rp.by.counter": ("Quầy", "Counter"),
    "rp.by.channel": ("Kênh nộp", "Channel"),
    "rp.by.day": ("Ngày", "Day"),
    "rp.col.entered": ("Nhận", "Entered"),
    "rp.col.received": ("Tiếp nhận", "Received"),
    "rp.col.refused": ("Từ chối", "Refused"),
    "rp.col.withdrawn": ("Dừng", "Stopped"),
    "rp.col.supplement_requested": ("Bổ sung", "Suppl."),
    "rp.col.early": ("Trước hạn", "Early"),
    "rp.col.on_time": ("Đúng hạn", "On time"),
    "rp.col.late": ("Trễ", "Late"),
    "rp.col.open": ("Đang GQ", "Open"),
    "rp.col.overdue": ("Quá hạn", "Overdue"),
    "rp.col.on_time_rate": ("% đúng hạn", "% on time"),
    "rp.col.digitization_rate": ("% số hóa", "% digitized"),
    "sv.book.to": ("Đến ngày", "To"),
    "sv.book.working": (
        "Đang lập sổ theo dõi hồ sơ từ {start} đến {end}…",
        "Making the book of dossiers from {start} to {end}…",
    ),
    "sv.book.done": (
        "Sổ theo dõi hồ sơ: {n} hồ sơ, đã lưu {path}",
        "Book of dossiers: {n} dossiers, saved {path}",
    ),
    "cf.title": ("Xung đột đồng bộ của trung tâm", "Sync conflicts of the center"),
    "cf.loading": ("Đang tải từ máy chủ…", "Loading from the server…"),
    "cf.key.reload": ("Làm mới", "Reload"),
    "cf.key.toggle": ("Chưa xử lý / tất cả", "Open / all"),
    "cf.key.resolve": ("Đã xử lý", "Resolve"),
    "cf.key.close": ("Đóng", "Close"),
    "cf.col.id": ("#", "#"),
    "cf.col.at": ("Thời điểm", "When"),
    "cf.col.entity": ("Loại", "Kind"),
    "cf.col.what": ("Mã / số", "Code / number"),
    "cf.col.applicant": ("Người nộp", "Applicant"),
    "cf.col.device": ("Máy", "Device"),
    "cf.col.reason": ("Lý do", "Reason"),
    "cf.col.resolved": ("Đã xử lý lúc", "Resolved at"),
    "cf.entity.dossier": ("Hồ sơ", "Dossier"),
    "cf.entity.ticket": ("Số thứ tự", "Ticket"),
    "cf.entity.attachment": ("Bản quét", "Scan"),
    "cf.kind.rejected": ("{what} · bị từ chối", "{what} · refused"),
    "cf.scope.open": ("chưa xử lý", "open"),
    "cf.scope.all": ("tất cả", "all"),
    "cf.summary": (
        "{n} xung đột chưa xử lý · đang xem: {scope} ({shown})",
        "{n} open conflicts · showing: {scope} ({shown})",
    ),
    "cf.empty": ("Không có xung đột nào.", "No conflicts."),
    "cf.note.placeholder": (
        "Ghi chú cách xử lý (bắt buộc), Enter để đánh dấu đã xử lý",
        "What was done (required), Enter to mark resolved",
    ),
    "cf.note.required": (
        "Cần ghi chú cách xử lý trước khi đánh dấu đã xử lý.",
        "Write what was done before marking it resolved.",
    ),
    "cf.none_selected": ("Chưa chọn xung đột nào.", "No conflict selected."),
    "cf.already": ("Xung đột này đã được {who} xử lý.", "Already resolved by {who}."),
    "cf.resolving": ("Đang ghi nhận xử lý #{id}…", "Recording the resolution of #{id}…"),
    "cf.done": ("Đã ghi nhận xử lý xung đột #{id}.", "Conflict #{id} marked resolved."),
    "cf.resolved_by": ("Đã xử lý bởi {who} lúc {at}", "Resolved by {who} at {at}"),
}

_lang = "vi"
_shell: Any = None
_shell_checked = False


def set_lang(lang: str) -> None:
    """Our fallback language; when the shell's i18n is installed, it owns the language."""
    global _lang
    _lang = "en" if lang == "en" else "vi"


def current_lang() -> str:
    shell = _shell_module()
    if shell is not None:
        for name in ("current_lang", "get_lang"):
            fn = getattr(shell, name, None)
            if callable(fn):
                try:
                    value = fn()
                except Exception:  # noqa: BLE001 - fall back to our own setting
                    break
                if value in ("vi", "en"):
                    return value
    return _lang


def _shell_module() -> Any:
    global _shell, _shell_checked
    if not _shell_checked:
        _shell_checked = True
        from counter_app.ui import i18n as shell

        _shell = shell
    return _shell


def t(key: str, **kw: Any) -> str:
    """The text for `key` in the current language, formatted with `kw`."""
    pair = MESSAGES.get(key)
    if pair is None:
        shell = _shell_module()
        if shell is not None and hasattr(shell, "t"):
            return shell.t(key, **kw)
        return key
    text = pair[1] if current_lang() == "en" else pair[0]
    if kw:
        try:
            return text.format(**kw)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def localize_bindings(node: Any) -> None:
    """Translate the descriptions of a widget's bindings, declared as message keys. Call it
    again after a language switch: the keys are remembered on the node."""
    bmap = getattr(node, "_bindings", None)
    if bmap is None:
        return
    keys: dict[tuple[str, str], str] = node.__dict__.setdefault("_i18n_binding_keys", {})
    for key, bindings in list(bmap.key_to_bindings.items()):
        out = []
        for b in bindings:
            msg = keys.get((key, b.action))
            if msg is None and b.description in MESSAGES:
                msg = keys[(key, b.action)] = b.description
            out.append(dataclasses.replace(b, description=t(msg)) if msg else b)
        bmap.key_to_bindings[key] = out
