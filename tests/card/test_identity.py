"""counter_app.domain.identity: ID number, card QR, TD1 MRZ, validity rule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain import identity as idt
from counter_app.errors import BadInput


def test_id_number_shape_and_reasons() -> None:
    idt.validate_id_number("001090012345")
    idt.validate_id_number("999090012345", dt.date(1990, 5, 1))  # unknown province accepted
    for bad, reason in (("", "thiếu"), ("00109001234", "12"), ("0010900123456", "12"),
                        ("00109001234a", "chữ số"), ("００1090012345", "chữ số")):
        with pytest.raises(BadInput) as exc:
            idt.validate_id_number(bad)
        assert exc.value.field == "id_number"
        assert reason in exc.value.message


def test_id_number_against_birth_date() -> None:
    idt.validate_id_number("001090012345", dt.date(1990, 1, 1))  # 0 = male, 1900s
    idt.validate_id_number("001190012345", dt.date(1990, 1, 1), female=True)
    idt.validate_id_number("001205012345", dt.date(2005, 1, 1))
    idt.validate_id_number("001305012345", dt.date(2005, 1, 1), female=True)
    with pytest.raises(BadInput, match="thế kỷ"):
        idt.validate_id_number("001290012345", dt.date(1990, 1, 1))
    with pytest.raises(BadInput, match="năm sinh"):
        idt.validate_id_number("001091012345", dt.date(1990, 1, 1))
    with pytest.raises(BadInput, match="giới tính"):
        idt.validate_id_number("001090012345", dt.date(1990, 1, 1), female=True)


@given(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), st.booleans(),
       st.integers(0, 999), st.integers(0, 999999))
def test_id_number_roundtrip(birth: dt.date, female: bool, prov: int, serial: int) -> None:
    digit = (birth.year // 100 - 19) * 2 + int(female)
    number = f"{prov:03d}{digit}{birth.year % 100:02d}{serial:06d}"
    idt.validate_id_number(number, birth, female=female)
    assert idt.id_number_century(number) == (birth.year // 100 * 100, female)


def test_card_qr_classic_and_tolerant() -> None:
    qr = idt.parse_card_qr("001090012345|123456789|Nguyễn Văn An|15031990|Nam|"
                           "Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|20042021")
    assert qr.id_number == "001090012345"
    assert qr.old_id_number == "123456789"
    assert qr.full_name == "Nguyễn Văn An"
    assert qr.birth_date == dt.date(1990, 3, 15)
    assert qr.sex == "Nam"
    assert qr.issue_date == dt.date(2021, 4, 20)
    # empty old ID, extra trailing fields, decomposed diacritics, stray newline
    qr = idt.parse_card_qr("001190012345||Tra\u0302\u0300n Thi Bi\u0300nh|01021990|Nữ|HN|"
                           "01082024|x|y\n")
    assert qr.old_id_number is None and qr.full_name == "Trần Thi Bình"
    assert qr.issue_date == dt.date(2024, 8, 1) and qr.extra == ("x", "y")
    # fewer fields: no issue date
    qr = idt.parse_card_qr("001090012345|Nguyen Van An|15031990")
    assert qr.issue_date is None and qr.birth_date == dt.date(1990, 3, 15)


@pytest.mark.parametrize("text", ["", "001090012345", "12345|abc|15031990",
                                  "001090012345|x|Nam", "001090012345||A|32131990|Nam|x|01012020",
                                  "001090012345||A|15031990|Nam|x|01011980"])
def test_card_qr_rejects(text: str) -> None:
    with pytest.raises(BadInput):
        idt.parse_card_qr(text)


@given(st.text(max_size=200))
def test_card_qr_never_crashes(text: str) -> None:
    try:
        idt.parse_card_qr(text)
    except BadInput:
        pass


def test_check_digits() -> None:
    assert idt.mrz_check_digit("L898902C<") == "3"
    assert idt.mrz_check_digit("690806") == "1"
    assert idt.mrz_check_digit("940623") == "6"
    assert idt.mrz_check_digit("991231") == "5"  # docs/DOMAIN.md §8.12
    assert idt.mrz_check_digit("<<<<<<") == "0"


ICAO_TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"


def test_icao_td1_specimen() -> None:
    m = idt.parse_mrz_td1(ICAO_TD1)
    assert m.document_number == "D23145890"
    assert m.issuing_state == "UTO"
    assert m.birth_date_raw == "740812" and m.sex == "F" and m.expiry_date_raw == "120415"
    assert m.surname == "ERIKSSON" and m.given_names == "ANNA MARIA"
    assert m.expiry_date == dt.date(2012, 4, 15)


def test_vietnamese_no_expiry_mrz() -> None:
    text = idt.build_mrz_td1(document_number="079012345", birth=dt.date(1965, 6, 5), sex="F",
                             expiry=None, surname="NGUYEN", given_names="THI LAN",
                             optional_1="001165012345")
    l1, l2, l3 = text.split("\n")
    assert l2.startswith("6506054F9912315VNM")
    m = idt.parse_mrz_td1(text.replace("\n", "\\n"))  # literal \n as typed in a shell
    assert m.no_expiry and m.expiry_date is None
    assert m.id_number == "001165012345" and m.birth_date() == dt.date(1965, 6, 5)
    assert m.bac_key_info == "079012345" + "3" + "650605" + "4" + "991231" + "5"
    # filler expiry of other countries
    l2f = l2[:8] + "<<<<<<<" + l2[15:29]
    l2f += idt.mrz_check_digit(l1[5:30] + l2f[0:7] + l2f[8:15] + l2f[18:29])
    assert idt.parse_mrz_td1("\n".join((l1, l2f, l3))).no_expiry


def test_mrz_errors() -> None:
    good = idt.build_mrz_td1(document_number="079012345", birth=dt.date(1990, 3, 15), sex="M",
                             expiry=dt.date(2030, 3, 15), surname="NGUYEN", given_names="VAN AN",
                             optional_1="001090012345")
    idt.parse_mrz_td1(good)
    l1, l2, l3 = good.split("\n")
    with pytest.raises(BadInput, match="3 dòng"):
        idt.parse_mrz_td1(l1 + "\n" + l2)
    with pytest.raises(BadInput, match="document number"):
        idt.parse_mrz_td1("\n".join((l1[:14] + "0" + l1[15:], l2, l3)))
    with pytest.raises(BadInput, match="composite"):
        idt.parse_mrz_td1("\n".join((l1[:29] + "9", l2, l3)))
    with pytest.raises(BadInput, match="birth"):
        idt.parse_mrz_td1("\n".join((l1, "8" + l2[1:], l3)))
    with pytest.raises(BadInput, match="ký tự"):
        idt.parse_mrz_td1("\n".join((l1, l2, l3[:-1] + "é")))


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<\n", max_size=100))
def test_mrz_never_crashes(text: str) -> None:
    try:
        idt.parse_mrz_td1(text)
    except BadInput:
        pass


@given(st.from_regex(r"[0-9]{9}", fullmatch=True), st.dates(dt.date(1930, 1, 1),
       dt.date(2020, 12, 31)), st.sampled_from("MF"),
       st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2098, 12, 31))))
def test_mrz_roundtrip(doc: str, birth: dt.date, sex: str, expiry: dt.date | None) -> None:
    text = idt.build_mrz_td1(document_number=doc, birth=birth, sex=sex, expiry=expiry,
                             surname="TRAN", given_names="THI B", optional_1="")
    m = idt.parse_mrz_td1(text)
    assert m.document_number == doc and m.sex == sex
    assert m.expiry_date == expiry


D = dt.date


@pytest.mark.parametrize(("birth", "issue", "expected"), [
    (D(2014, 5, 1), D(2024, 8, 1), [D(2028, 5, 1)]),  # issued at 10 → 14
    (D(2012, 3, 10), D(2024, 8, 1), [D(2037, 3, 10)]),  # at 12 (within 2 y of 14) → 25
    (D(1990, 3, 15), D(2021, 4, 20), [D(2030, 3, 15)]),  # at 31 → 40
    (D(1982, 1, 1), D(2020, 6, 1), [D(2042, 1, 1)]),  # at 38 (2 y before 40) → 60
    (D(1965, 6, 5), D(2023, 7, 1), [None]),  # at 58 → no expiry
    (D(1965, 6, 5), D(2022, 7, 1), [D(2025, 6, 5)]),  # at 57 → 60
])
def test_validity_rule(birth: dt.date, issue: dt.date, expected: list) -> None:
    assert idt.candidate_expiry_dates(birth, issue)[: len(expected)] == expected


def test_validity_rule_two_year_boundary_and_old_law() -> None:
    # exactly two years before 25: both readings are offered, most likely first
    c = idt.candidate_expiry_dates(D(1999, 3, 10), D(2022, 3, 10))
    assert c[:2] == [D(2039, 3, 10), D(2024, 3, 10)]
    # a child card issued under the 2023 law; the 2014 law (no age 14) is a later candidate
    c = idt.candidate_expiry_dates(D(2016, 1, 1), D(2025, 1, 1))
    assert c == [D(2030, 1, 1), D(2041, 1, 1)]


@given(st.dates(D(1920, 1, 1), D(2024, 12, 31)), st.integers(0, 80 * 366))
def test_validity_rule_properties(birth: dt.date, days: int) -> None:
    issue = birth + dt.timedelta(days=days)
    c = idt.candidate_expiry_dates(birth, issue)
    assert 1 <= len(c) <= idt.MAX_CANDIDATES
    assert len(set(c)) == len(c)
    for value in c:
        assert value is None or value > issue
    if issue >= idt.anniversary(birth, 58):
        assert c[0] is None


def test_issue_before_birth() -> None:
    with pytest.raises(BadInput):
        idt.candidate_expiry_dates(D(2000, 1, 1), D(1999, 1, 1))


def test_mrz_ocr_letters_in_numeric_fields() -> None:
    good = idt.build_mrz_td1(document_number="079012345", birth=dt.date(1990, 3, 15), sex="M",
                             expiry=dt.date(2030, 3, 15), surname="NGUYEN", given_names="VAN AN",
                             optional_1="001090012345")
    l1, l2, l3 = good.split("\n")
    ocr = l2.replace("0", "O").replace("1", "I")
    m = idt.parse_mrz_td1("\n".join((l1, ocr, l3)))
    assert m.birth_date_raw == "900315" and m.expiry_date == dt.date(2030, 3, 15)
    assert m.nationality == "VNM"


def test_card_qr_with_bom() -> None:
    assert idt.parse_card_qr("\ufeff001090012345||A|15031990|Nam|x|20042021").id_number == (
        "001090012345")
