"""Card errors, each a counter_app error with its CLI exit code and a bilingual message."""

from __future__ import annotations

from counter_app.errors import Denied, IntegrityFailure, Interrupted, NotAvailable


class NoReader(NotAvailable):
    def __init__(self, message: str = "Không tìm thấy đầu đọc thẻ / no card reader found") -> None:
        super().__init__(message)


class NoCard(NotAvailable):
    def __init__(self, message: str = "Chưa có thẻ trên đầu đọc / no card in the reader") -> None:
        super().__init__(message)


class ReaderBusy(NotAvailable):
    def __init__(self, message: str = "Đầu đọc thẻ đang bận / card reader is busy") -> None:
        super().__init__(message)


class WrongKeys(Denied):
    """BAC refused: the document number or the dates are not those of this card."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (
            "Thẻ từ chối khoá truy cập: kiểm tra số định danh, ngày sinh và ngày hết hạn / "
            "the card refused the access keys: check the ID number, birth date and expiry date"))


class AccessDenied(Denied):
    def __init__(self, message: str = "Thẻ từ chối truy cập / the card denied access") -> None:
        super().__init__(message)


class CardRemoved(Interrupted):
    def __init__(self, message: str = "Thẻ bị rút ra hoặc mất kết nối khi đang đọc / card "
                 "removed or connection lost during the read") -> None:
        super().__init__(message)


class CardNotResponding(Interrupted):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"Thẻ không trả lời sau {seconds:g} giây, hãy rút thẻ ra và đặt lại / the "
                         f"card did not answer within {seconds:g} s; remove it and put it back")


class CardProtocolError(Interrupted):
    """The card answered something that is not valid (bad MAC, bad length, unexpected status)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Lỗi giao tiếp với thẻ ({detail}) / card communication error ({detail})")
        self.detail = detail


class NotAnIdCard(NotAvailable):
    def __init__(self, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(f"Thẻ không phải thẻ căn cước gắn chip{extra} / the card is not a chip "
                         f"ID card{extra}")


class PassiveAuthFailed(IntegrityFailure):
    pass
