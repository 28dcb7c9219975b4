"""Where and how the citizen receives the result (form 01 item 6, "Đăng ký nhận kết quả tại").

Chosen at reception: at this center's counter (default), by public postal service to an address
(Decision 45/2016/QĐ-TTg), online (the electronic result on the National Public Service Portal /
VNeID), or at another center (reception regardless of administrative boundary). Pure.
"""

from __future__ import annotations

from typing import Any

from counter_app.errors import BadInput

METHODS = ("counter", "post", "online", "other_center")
MAX_ADDRESS = 300
MAX_CENTER = 150


def _clean(value: Any, limit: int, field: str) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        raise BadInput(f"quá dài (tối đa {limit} ký tự) / too long", field=field)
    if any(ord(c) < 32 for c in text):
        raise BadInput("có ký tự điều khiển / control characters", field=field)
    return text


def check_delivery(raw: dict[str, Any] | None) -> dict[str, str] | None:
    """The stored choice, checked: an address for the post, a center for another center."""
    if not raw:
        return None
    method = str(raw.get("method") or "counter")
    if method not in METHODS:
        raise BadInput(
            f"cách nhận kết quả không hợp lệ / unknown delivery method ({', '.join(METHODS)})",
            field="delivery.method",
        )
    address = _clean(raw.get("address"), MAX_ADDRESS, "delivery.address")
    center = _clean(raw.get("center"), MAX_CENTER, "delivery.center")
    if method == "post" and not address:
        raise BadInput(
            "nhận qua bưu chính cần địa chỉ nhận / delivery by post needs the address",
            field="delivery.address",
        )
    if method == "other_center" and not center:
        raise BadInput(
            "nhận tại trung tâm khác cần tên trung tâm / name the center that hands it over",
            field="delivery.center",
        )
    out = {"method": method}
    if method == "post":
        out["address"] = address
    if method == "other_center":
        out["center"] = center
    return out


def delivery_text(delivery: Any, center_name: str, lang: str = "vi") -> str:
    """The line printed on form 01 and shown on screen."""
    d = delivery if isinstance(delivery, dict) else {}
    method = d.get("method") or "counter"
    if isinstance(delivery, str) and delivery.strip():
        return delivery.strip()  # a text given by the caller
    if lang == "en":
        return {
            "post": f"By post to: {d.get('address', '')}",
            "online": "Online (electronic result on the National Public Service Portal / VNeID)",
            "other_center": f"At {d.get('center', '')}",
        }.get(method, f"In person at {center_name}")
    return {
        "post": f"Qua dịch vụ bưu chính công ích, địa chỉ: {d.get('address', '')}",
        "online": "Trực tuyến (bản điện tử trên Cổng Dịch vụ công quốc gia / VNeID)",
        "other_center": f"Tại {d.get('center', '')}",
    }.get(method, f"Trực tiếp tại {center_name}")
