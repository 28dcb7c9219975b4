"""Fees and charges of a dossier (phí, lệ phí), and how they were paid.

A catalog fee line says what it is charged per (`per`):
- ``dossier`` (default): once per dossier, whatever the number of sets handed over;
- ``copy``: per copy the citizen asks for (e.g. 8,000 đ per civil-status extract copy);
- ``page``: per page of each copy, by tiers, capped per copy — certification of copies
  (Circular 226/2016/TT-BTC): 2,000 đ/page for pages 1–2, 1,000 đ/page from page 3, at most
  200,000 đ per copy. `page_tiers` = [{"from_page": 1, "amount_vnd": 2000},
  {"from_page": 3, "amount_vnd": 1000}], `cap_per_copy_vnd` = 200000.

The officer enters the quantities: for each copy/page fee, the number of copies and, for a page
fee, the page count of each document certified. A page fee without page counts is not guessed:
it is listed in `FeeResult.needs_pages` and a dossier cannot be received until it is entered.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from counter_app.errors import BadInput

FeePer = Literal["dossier", "copy", "page"]
FEE_PER: tuple[str, ...] = ("dossier", "copy", "page")
PAYMENT_METHODS: tuple[str, ...] = ("cash", "transfer", "vietqr")
PAYMENT_LABELS_VI = {
    "cash": "tiền mặt",
    "transfer": "chuyển khoản",
    "vietqr": "quét mã VietQR",
}
PAYMENT_LABELS_EN = {"cash": "cash", "transfer": "bank transfer", "vietqr": "VietQR"}
MAX_COPIES = 1000
MAX_PAGES = 10_000
MAX_DOCUMENTS = 50
MAX_AMOUNT = 1_000_000_000


@dataclass(frozen=True)
class FeeQuantity:
    """What the citizen asks for under one fee: copies of each document, and page counts."""

    copies: int = 1
    pages: tuple[int, ...] = ()  # one entry per document (page fees only)

    def __post_init__(self) -> None:
        if not 1 <= self.copies <= MAX_COPIES:
            raise BadInput(f"số bản phải từ 1 đến {MAX_COPIES} / copies 1–{MAX_COPIES}", field="copies")
        if len(self.pages) > MAX_DOCUMENTS:
            raise BadInput(
                f"tối đa {MAX_DOCUMENTS} giấy tờ / at most {MAX_DOCUMENTS} documents", field="pages"
            )
        if any(not 1 <= p <= MAX_PAGES for p in self.pages):
            raise BadInput(f"số trang phải từ 1 đến {MAX_PAGES} / pages 1–{MAX_PAGES}", field="pages")


@dataclass(frozen=True)
class FeeResult:
    total_vnd: int
    lines: list[dict[str, Any]]
    unknown: list[str]  # fee names whose amount the province sets (not in the catalog)
    needs_pages: list[str] = field(default_factory=list)  # page fees without page counts

    @property
    def complete(self) -> bool:
        return not self.unknown and not self.needs_pages


def fee_per(fee: Mapping[str, Any]) -> str:
    per = str(fee.get("per") or "dossier")
    if per not in FEE_PER:
        raise BadInput(f"cách tính phí '{per}' không hợp lệ / unknown fee unit '{per}'", field="per")
    return per


def page_tiers(fee: Mapping[str, Any]) -> list[tuple[int, int]]:
    """[(from_page, amount per page)], sorted; defaults to one tier at the fee's amount."""
    tiers = fee.get("page_tiers")
    if not tiers:
        amount = fee.get("amount_vnd")
        return [] if amount is None else [(1, int(amount))]
    out = sorted((int(t["from_page"]), int(t["amount_vnd"])) for t in tiers)
    if out[0][0] != 1:
        raise BadInput("bậc phí đầu tiên phải từ trang 1 / the first tier starts at page 1")
    return out


def copy_amount(pages: int, tiers: Sequence[tuple[int, int]], cap: int | None) -> int:
    """The charge for one copy of a `pages`-page document."""
    total = 0
    for k, (start, amount) in enumerate(tiers):
        end = tiers[k + 1][0] - 1 if k + 1 < len(tiers) else pages
        if pages < start:
            break
        total += (min(end, pages) - start + 1) * amount
    return min(total, cap) if cap is not None else total


def _vnd(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def compute_fee(
    fees: Sequence[Mapping[str, Any]],
    overrides: Mapping[str, int] | None = None,
    quantities: Mapping[str, FeeQuantity] | None = None,
) -> FeeResult:
    """Sum the catalog's fees. Amounts the province sets come from `overrides` (by fee name, the
    unit amount); `quantities` (by fee name) says how many copies / pages a copy or page fee
    counts. A fee charged per dossier is charged once, whatever the number of sets."""
    overrides = overrides or {}
    quantities = quantities or {}
    total = 0
    lines: list[dict[str, Any]] = []
    unknown: list[str] = []
    needs_pages: list[str] = []
    for f in fees:
        name = str(f.get("name", ""))
        per = fee_per(f)
        note = f.get("note", "")
        qty = quantities.get(name, FeeQuantity())
        line: dict[str, Any] = {"name": name, "amount_vnd": None, "note": note}
        if per != "dossier":
            line["per"] = per
        if per == "page":
            tiers = page_tiers(f)
            cap = f.get("cap_per_copy_vnd")
            cap = None if cap is None else int(cap)
            if not tiers:
                unknown.append(name)
            elif not qty.pages:
                needs_pages.append(name)
            else:
                per_doc = [copy_amount(p, tiers, cap) for p in qty.pages]
                amount = sum(per_doc) * qty.copies
                line["amount_vnd"] = amount
                line["copies"] = qty.copies
                line["pages"] = list(qty.pages)
                docs = zip(qty.pages, per_doc, strict=True)
                line["detail"] = f"{qty.copies} bản × " + " + ".join(
                    f"{p} trang ({_vnd(a)} đ)" for p, a in docs
                )
                total += amount
            lines.append(line)
            continue
        amount = overrides.get(name, f.get("amount_vnd"))
        if amount is None:
            unknown.append(name)
            lines.append(line)
            continue
        amount = int(amount)
        if not 0 <= amount <= MAX_AMOUNT:
            raise BadInput(f"lệ phí không hợp lệ / bad fee amount for '{name}'", field="fees")
        if per == "copy":
            line["copies"] = qty.copies
            line["detail"] = f"{qty.copies} bản × {_vnd(amount)} đ"
            amount *= qty.copies
        line["amount_vnd"] = amount
        total += amount
        lines.append(line)
    return FeeResult(total_vnd=total, lines=lines, unknown=unknown, needs_pages=needs_pages)


def check_payment(method: str, reference: str, total_vnd: int) -> dict[str, Any]:
    """A payment record for a fee of `total_vnd`: method cash / transfer / vietqr; a transfer or
    VietQR payment carries its transaction reference."""
    if total_vnd <= 0:
        raise BadInput(
            "hồ sơ không thu phí, lệ phí: không ghi nhận thanh toán / no fee to pay",
            field="payment",
        )
    if method not in PAYMENT_METHODS:
        raise BadInput(
            f"hình thức nộp '{method}' không hợp lệ ({', '.join(PAYMENT_METHODS)}) / unknown "
            "payment method",
            field="payment.method",
        )
    ref = " ".join(reference.split())
    if len(ref) > 64 or any(not (c.isalnum() or c in " -_./") for c in ref):
        raise BadInput(
            "mã giao dịch tối đa 64 ký tự chữ, số, - _ . / / reference: up to 64 letters and digits",
            field="payment.reference",
        )
    if method != "cash" and not ref:
        raise BadInput(
            "chuyển khoản / VietQR cần mã giao dịch / a transfer needs its reference",
            field="payment.reference",
        )
    return {"method": method, "amount_vnd": total_vnd, "reference": ref}


def payment_text(payment: Mapping[str, Any] | None, lang: str = "vi") -> str:
    """'đã nộp 10.000 đồng bằng chuyển khoản (mã GD FT123)' or 'chưa nộp'."""
    if not payment:
        return "chưa nộp" if lang == "vi" else "not paid"
    labels = PAYMENT_LABELS_VI if lang == "vi" else PAYMENT_LABELS_EN
    method = labels.get(str(payment.get("method")), str(payment.get("method")))
    amount = _vnd(int(payment.get("amount_vnd") or 0))
    ref = str(payment.get("reference") or "")
    if lang == "vi":
        return f"đã nộp {amount} đồng bằng {method}" + (f" (mã giao dịch {ref})" if ref else "")
    return f"paid {amount} VND by {method}" + (f" (reference {ref})" if ref else "")
