"""Fees charged per dossier, per copy and per page (certification: Circular 226/2016/TT-BTC),
and the payment record. Checked against amounts computed by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.fees import (
    FeeQuantity,
    check_payment,
    compute_fee,
    copy_amount,
    payment_text,
)
from counter_app.errors import BadInput

TIERS = [(1, 2000), (3, 1000)]
CERTIFY = {
    "name": "Phí chứng thực bản sao",
    "amount_vnd": 2000,
    "per": "page",
    "page_tiers": [{"from_page": 1, "amount_vnd": 2000}, {"from_page": 3, "amount_vnd": 1000}],
    "cap_per_copy_vnd": 200000,
}
EXTRACT = {"name": "Phí cấp bản sao trích lục", "amount_vnd": 8000, "per": "copy"}
ONCE = {"name": "Lệ phí", "amount_vnd": 15000}


@pytest.mark.parametrize(
    ("pages", "expected"),
    [(1, 2000), (2, 4000), (3, 5000), (10, 12000), (196, 198000), (197, 199000), (198, 200000),
     (199, 200000), (500, 200000)],
)
def test_certification_per_copy_by_hand(pages: int, expected: int) -> None:
    assert copy_amount(pages, TIERS, 200000) == expected


def test_a_fee_per_dossier_is_not_multiplied_by_sets_or_copies() -> None:
    r = compute_fee([ONCE], quantities={"Lệ phí": FeeQuantity(copies=3)})
    assert r.total_vnd == 15000


def test_per_copy_and_per_page() -> None:
    r = compute_fee(
        [EXTRACT, CERTIFY, ONCE],
        quantities={
            "Phí cấp bản sao trích lục": FeeQuantity(copies=3),
            # two documents (3 pages and 1 page), 2 certified copies of each:
            # (5,000 + 2,000) × 2 = 14,000
            "Phí chứng thực bản sao": FeeQuantity(copies=2, pages=(3, 1)),
        },
    )
    assert [x["amount_vnd"] for x in r.lines] == [24000, 14000, 15000]
    assert r.total_vnd == 53000 and r.complete
    assert r.lines[1]["detail"] == "2 bản × 3 trang (5.000 đ) + 1 trang (2.000 đ)"
    assert r.lines[0]["detail"] == "3 bản × 8.000 đ"
    assert "per" not in r.lines[2]


def test_a_page_fee_without_pages_is_never_guessed() -> None:
    r = compute_fee([CERTIFY])
    assert r.needs_pages == ["Phí chứng thực bản sao"] and not r.complete and r.total_vnd == 0


@given(
    pages=st.lists(st.integers(1, 9_999), min_size=1, max_size=5),
    copies=st.integers(1, 50),
)
def test_page_fee_properties(pages: list[int], copies: int) -> None:
    r = compute_fee([CERTIFY], quantities={CERTIFY["name"]: FeeQuantity(copies, tuple(pages))})
    assert r.total_vnd <= 200000 * copies * len(pages)
    assert r.total_vnd == copies * sum(copy_amount(p, TIERS, 200000) for p in pages)
    one_more = compute_fee(
        [CERTIFY], quantities={CERTIFY["name"]: FeeQuantity(copies, tuple(p + 1 for p in pages))}
    )
    assert one_more.total_vnd >= r.total_vnd


@pytest.mark.parametrize(
    "bad", [dict(copies=0), dict(copies=1001), dict(pages=(0,)), dict(pages=(10_001,)),
            dict(pages=tuple([1] * 51))],
)
def test_quantities_are_bounded(bad: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(BadInput):
        FeeQuantity(**bad)


def test_payment_records() -> None:
    assert check_payment("cash", "", 15000) == {
        "method": "cash", "amount_vnd": 15000, "reference": ""
    }
    p = check_payment("vietqr", " FT26338  0012 ", 15000)
    assert p["reference"] == "FT26338 0012"
    assert payment_text(p) == "đã nộp 15.000 đồng bằng quét mã VietQR (mã giao dịch FT26338 0012)"
    assert payment_text(None) == "chưa nộp"
    with pytest.raises(BadInput, match="mã giao dịch"):
        check_payment("transfer", "", 15000)
    with pytest.raises(BadInput, match="không thu"):
        check_payment("cash", "", 0)
    with pytest.raises(BadInput):
        check_payment("card", "", 1000)
    with pytest.raises(BadInput):
        check_payment("transfer", "x" * 65, 1000)
    with pytest.raises(BadInput):
        check_payment("transfer", "A\u202eB", 1000)  # bidi override in a reference
