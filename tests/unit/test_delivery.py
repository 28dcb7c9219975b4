"""Where the result is collected (form 01 item 6): checked choices and the printed line."""

from __future__ import annotations

import pytest

from counter_app.domain.delivery import check_delivery, delivery_text
from counter_app.errors import BadInput


def test_counter_is_the_default_and_other_methods_need_their_place() -> None:
    assert check_delivery(None) is None
    assert check_delivery({"method": "counter", "address": "ignored"}) == {"method": "counter"}
    assert check_delivery({"method": "online"}) == {"method": "online"}
    with pytest.raises(BadInput, match="địa chỉ"):
        check_delivery({"method": "post", "address": "   "})
    with pytest.raises(BadInput, match="trung tâm"):
        check_delivery({"method": "other_center"})
    with pytest.raises(BadInput):
        check_delivery({"method": "drone"})
    with pytest.raises(BadInput):
        check_delivery({"method": "post", "address": "x" * 301})
    with pytest.raises(BadInput):
        check_delivery({"method": "post", "address": "a\x07b"})
    got = check_delivery({"method": "post", "address": "  Số 5   ngõ 12 ", "center": "x"})
    assert got == {"method": "post", "address": "Số 5 ngõ 12"}


def test_printed_line() -> None:
    center = "Trung tâm Phục vụ hành chính công phường Ba Đình"
    assert delivery_text(None, center) == f"Trực tiếp tại {center}"
    assert delivery_text({"method": "post", "address": "Số 5"}, center).endswith("địa chỉ: Số 5")
    assert "VNeID" in delivery_text({"method": "online"}, center)
    assert delivery_text({"method": "other_center", "center": "TT xã Y"}, center) == "Tại TT xã Y"
    assert delivery_text({"method": "post", "address": "No 5"}, center, "en") == "By post to: No 5"
