"""Identity rules for the Vietnamese citizen ID card (CCCD / thẻ Căn cước). Pure: no I/O.

- the 12-digit personal ID number (shape, sex/century digit, year of birth);
- the card's QR text (`ID12|oldID9|Name|ddmmyyyy|Nam/Nữ|address|ddmmyyyy`, tolerant);
- the TD1 machine-readable zone (ICAO 9303-3/-5 check digits, composite check, 991231 = no expiry);
- the validity rule (Law 26/2023 Art. 21: renewal at 14, 25, 40, 60, the 2-year rule, no expiry
  from 58; the 2014 law used 25, 40, 60) giving candidate expiry dates for the BAC key.

See docs/CARD.md §1, §3, §4 and docs/DOMAIN.md §5, §8.11, §8.12.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from counter_app.errors import BadInput

#: The MRZ expiry Vietnamese "Không thời hạn" cards carry (read as 31/12/2099).
NO_EXPIRY_MRZ = "991231"
#: The date 991231 stands for.
NO_EXPIRY_DATE = dt.date(2099, 12, 31)
#: Law 26/2023 entered into force (Căn cước cards).
LAW_2023_IN_FORCE = dt.date(2024, 7, 1)

RENEWAL_AGES_2023 = (14, 25, 40, 60)
RENEWAL_AGES_2014 = (25, 40, 60)
MAX_CANDIDATES = 3

_MRZ_VALUES = {str(d): d for d in range(10)} | {"<": 0} | {
    chr(ord("A") + i): 10 + i for i in range(26)
}
_WEIGHTS = (7, 3, 1)


# --------------------------------------------------------------------------- ID number


def _century_digit(birth_year: int, female: bool) -> int:
    return (birth_year // 100 - 19) * 2 + (1 if female else 0)


def id_number_century(id_number: str) -> tuple[int, bool]:
    """(century start year, is_female) encoded in the 4th digit of a well-shaped ID number."""
    digit = int(id_number[3])
    return 1900 + (digit // 2) * 100, bool(digit % 2)


def validate_id_number(
    id_number: str,
    birth_date: dt.date | None = None,
    *,
    female: bool | None = None,
) -> None:
    """Check a 12-digit personal ID number; raise BadInput(field="id_number") with the reason.

    Digits 1–3: province of birth registration (unknown codes are accepted: the list changes);
    digit 4: sex and century (0/1 = male/female born 1900–1999, 2/3 = 2000–2099, …);
    digits 5–6: the last two digits of the year of birth; digits 7–12: serial.
    """
    if not isinstance(id_number, str):
        raise BadInput("số định danh phải là chuỗi 12 chữ số / ID number must be a string",
                       field="id_number")
    text = id_number.strip()
    if not text:
        raise BadInput("thiếu số định danh / ID number is missing", field="id_number")
    if not text.isascii() or not text.isdigit():
        raise BadInput(
            f"số định danh chỉ gồm chữ số, nhận '{text}' / ID number must contain digits only",
            field="id_number",
        )
    if len(text) != 12:
        raise BadInput(
            f"số định danh phải có 12 chữ số, nhận {len(text)} / ID number must have 12 digits,"
            f" got {len(text)}",
            field="id_number",
        )
    if birth_date is None and female is None:
        return
    century, is_female = id_number_century(text)
    if female is not None and female != is_female:
        raise BadInput(
            "chữ số thứ 4 của số định danh không khớp giới tính / the 4th digit of the ID number"
            " does not match the sex",
            field="id_number",
        )
    if birth_date is not None:
        if not century <= birth_date.year < century + 100:
            raise BadInput(
                f"chữ số thứ 4 của số định danh ({text[3]}) không khớp thế kỷ của năm sinh"
                f" {birth_date.year} / the 4th digit of the ID number does not match the century"
                " of the birth year",
                field="id_number",
            )
        if int(text[4:6]) != birth_date.year % 100:
            raise BadInput(
                f"chữ số 5–6 của số định danh ({text[4:6]}) không khớp năm sinh {birth_date.year}"
                " / digits 5–6 of the ID number do not match the birth year",
                field="id_number",
            )


def document_number_from_id(id_number: str) -> str:
    """The MRZ document number (BAC key) of a CCCD: the last 9 digits of the ID number."""
    return id_number.strip()[-9:]


# --------------------------------------------------------------------------- dates


def parse_ddmmyyyy(text: str, *, field_name: str = "date") -> dt.date:
    """'ddmmyyyy', 'dd/mm/yyyy', 'dd-mm-yyyy', 'dd.mm.yyyy' or ISO 'yyyy-mm-dd'."""
    s = text.strip()
    try:
        if re.fullmatch(r"\d{8}", s):
            return dt.date(int(s[4:8]), int(s[2:4]), int(s[0:2]))
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", s)
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise BadInput(f"ngày không tồn tại: '{s}' / no such date: '{s}'",
                       field=field_name) from None
    raise BadInput(f"ngày phải có dạng DD/MM/YYYY, nhận '{s}' / date must be DD/MM/YYYY, got '{s}'",
                   field=field_name)


def anniversary(birth: dt.date, age: int) -> dt.date:
    """The date a person born on `birth` turns `age` (29 Feb → 28 Feb in common years)."""
    year = birth.year + age
    try:
        return birth.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def _expiry_by_rule(birth: dt.date, issue: dt.date, ages: tuple[int, ...],
                    *, inclusive_two_years: bool) -> dt.date | None:
    for age in ages:
        milestone = anniversary(birth, age)
        limit = anniversary(milestone, -2)
        within = issue >= limit if inclusive_two_years else issue > limit
        if not within:
            return milestone
    return None


def candidate_expiry_dates(birth: dt.date, issue: dt.date) -> list[dt.date | None]:
    """Candidate expiry dates (None = no expiry) for a card, most likely first, at most 3.

    The card must be renewed at the next renewal age after issue; a card issued within 2 years
    before a renewal age is valid until the following one; a card issued from 58 does not expire.
    The law in force on the issue date goes first (2014 law before 1 July 2024: 25/40/60), then
    the reading of the 2-year boundary day the other way, then the other law.
    """
    if issue < birth:
        raise BadInput("ngày cấp trước ngày sinh / issue date is before the birth date",
                       field="issue_date")
    rules = [RENEWAL_AGES_2023, RENEWAL_AGES_2014]
    if issue < LAW_2023_IN_FORCE:
        rules.reverse()
    out: list[dt.date | None] = []
    for ages, inclusive in ((rules[0], True), (rules[0], False), (rules[1], True)):
        value = _expiry_by_rule(birth, issue, ages, inclusive_two_years=inclusive)
        if value not in out:
            out.append(value)
    if birth.month == 2 and birth.day == 29:
        for value in list(out):
            if value is not None and value.month == 2 and value.day == 28 \
                    and dt.date(value.year, 3, 1) not in out:
                out.append(dt.date(value.year, 3, 1))
    return out[:MAX_CANDIDATES]


# --------------------------------------------------------------------------- QR


@dataclass(frozen=True)
class CardQR:
    id_number: str
    birth_date: dt.date
    issue_date: dt.date | None = None
    old_id_number: str | None = None
    full_name: str | None = None
    sex: str | None = None  # "Nam" / "Nữ" as printed, if legible
    address: str | None = None
    extra: tuple[str, ...] = field(default_factory=tuple)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def parse_card_qr(text: str) -> CardQR:
    """Parse the QR code printed on the card: `|`-separated, tolerant of the field count.

    Trusts the ID number and the dates (keyboard-wedge scanners may garble diacritics); the
    name and address are kept as read, for display only.
    """
    if not isinstance(text, str) or "|" not in text:
        raise BadInput("mã QR không đúng dạng thẻ căn cước (thiếu dấu '|') / QR text is not an ID"
                       " card QR (no '|' separators)", field="qr")
    raw = text.strip().strip("\x00\ufeff").replace("\r", "").replace("\n", "")
    fields = [_nfc(f) for f in raw.split("|")]
    if not fields or not re.fullmatch(r"\d{12}", fields[0]):
        raise BadInput("mã QR không bắt đầu bằng số định danh 12 chữ số / QR text does not start"
                       " with a 12-digit ID number", field="qr")
    id_number = fields[0]
    rest = fields[1:]
    old_id: str | None = None
    if rest and re.fullmatch(r"\d{9}|", rest[0]):
        old_id = rest[0] or None
        rest = rest[1:]
    date_idx = [i for i, f in enumerate(rest) if re.fullmatch(r"\d{8}", f)]
    if not date_idx:
        raise BadInput("mã QR thiếu ngày sinh / QR text has no birth date", field="qr")
    birth = _qr_date(rest[date_idx[0]], "birth_date")
    issue = _qr_date(rest[date_idx[1]], "issue_date") if len(date_idx) > 1 else None
    name_part = [f for f in rest[: date_idx[0]] if f]
    full_name = name_part[0] if name_part else None
    sex = address = None
    between = rest[date_idx[0] + 1: date_idx[1] if len(date_idx) > 1 else len(rest)]
    for f in between:
        low = f.casefold()
        if sex is None and low in ("nam", "nữ", "nu", "male", "female"):
            sex = "Nam" if low in ("nam", "male") else "Nữ"
        elif address is None and f:
            address = f
    extra = tuple(rest[date_idx[1] + 1:]) if len(date_idx) > 1 else ()
    if issue is not None and issue < birth:
        raise BadInput("mã QR: ngày cấp trước ngày sinh / QR: issue date is before birth date",
                       field="qr")
    validate_id_number(id_number)
    return CardQR(id_number=id_number, birth_date=birth, issue_date=issue, old_id_number=old_id,
                  full_name=full_name, sex=sex, address=address, extra=extra)


def _qr_date(s: str, name: str) -> dt.date:
    try:
        return dt.date(int(s[4:8]), int(s[2:4]), int(s[0:2]))
    except ValueError:
        raise BadInput(f"mã QR: ngày không tồn tại '{s}' / QR: no such date '{s}'",
                       field=name) from None


# --------------------------------------------------------------------------- MRZ


def mrz_check_digit(s: str) -> str:
    """ICAO 9303-3 §4.9 check digit: weights 7-3-1, `<` = 0, A = 10 … Z = 35."""
    total = 0
    for i, ch in enumerate(s):
        try:
            total += _MRZ_VALUES[ch] * _WEIGHTS[i % 3]
        except KeyError:
            raise BadInput(f"ký tự không hợp lệ trong MRZ: '{ch}' / invalid MRZ character '{ch}'",
                           field="mrz") from None
    return str(total % 10)


def mrz_date(yymmdd: dt.date | None) -> str:
    """A date as MRZ YYMMDD; None (no expiry) is 991231, as on Vietnamese cards."""
    if yymmdd is None:
        return NO_EXPIRY_MRZ
    return yymmdd.strftime("%y%m%d")


@dataclass(frozen=True)
class MRZ:
    document_code: str
    issuing_state: str
    document_number: str
    birth_date_raw: str  # YYMMDD
    sex: str  # M, F or <
    expiry_date_raw: str  # YYMMDD, 991231 or <<<<<<
    nationality: str
    optional_1: str
    optional_2: str
    surname: str
    given_names: str
    lines: tuple[str, str, str]

    @property
    def id_number(self) -> str | None:
        """The 12-digit personal ID carried in the first optional field on VNM cards."""
        m = re.match(r"\d{12}", self.optional_1)
        return m.group(0) if m else None

    @property
    def no_expiry(self) -> bool:
        return self.expiry_date_raw in (NO_EXPIRY_MRZ, "<<<<<<")

    @property
    def expiry_date(self) -> dt.date | None:
        if self.no_expiry:
            return None
        return _yymmdd(self.expiry_date_raw, future=True)

    def birth_date(self, today: dt.date | None = None) -> dt.date:
        """Birth date; the century comes from the ID number when present, else the past."""
        ident = self.id_number
        if ident is not None:
            century, _ = id_number_century(ident)
            y, m, d = (int(self.birth_date_raw[i:i + 2]) for i in (0, 2, 4))
            return dt.date(century + y, m, d)
        return _yymmdd(self.birth_date_raw, future=False, today=today)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_names) if p)

    @property
    def bac_key_info(self) -> str:
        """The MRZ information of the BAC key seed (ICAO 9303-11 §9.7.1)."""
        return mrz_key_info(self.document_number, self.birth_date_raw, self.expiry_date_raw)


def mrz_key_info(document_number: str, birth_yymmdd: str, expiry_yymmdd: str) -> str:
    """Document number (padded to 9 with `<`) + CD + birth + CD + expiry + CD."""
    doc = document_number
    if len(doc) < 9:
        doc = doc + "<" * (9 - len(doc))
    return (doc + mrz_check_digit(doc) + birth_yymmdd + mrz_check_digit(birth_yymmdd)
            + expiry_yymmdd + mrz_check_digit(expiry_yymmdd))


def _yymmdd(s: str, *, future: bool, today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    y, m, d = (int(s[i:i + 2]) for i in (0, 2, 4))
    if future:
        year = 2000 + y  # ID cards issued from 2016 expire in this century
    else:
        year = 2000 + y if 2000 + y <= today.year else 1900 + y
    return dt.date(year, m, d)


def _split_mrz(text: str) -> list[str]:
    s = text.replace("\\n", "\n").replace("\r", "\n").upper()
    s = s.replace("«", "<").replace("‹", "<")
    lines = [re.sub(r"\s+", "", ln) for ln in s.split("\n")]
    lines = [ln for ln in lines if ln]
    if len(lines) == 1 and len(lines[0]) == 90:
        lines = [lines[0][0:30], lines[0][30:60], lines[0][60:90]]
    return lines


# Letters OCR commonly reads instead of digits, fixed only where the TD1 layout allows digits only.
_OCR_DIGITS = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2",
                             "S": "5", "B": "8", "G": "6", "T": "7"})
_NUMERIC_L2 = (*range(0, 7), *range(8, 15), 29)


def _fix_ocr_digits(lines: list[str]) -> list[str]:
    l1, l2, l3 = lines
    l2 = "".join(ch.translate(_OCR_DIGITS) if i in _NUMERIC_L2 else ch for i, ch in enumerate(l2))
    if l1[14] != "<":
        l1 = l1[:14] + l1[14].translate(_OCR_DIGITS) + l1[15:]
    return [l1, l2, l3]


def parse_mrz_td1(text: str) -> MRZ:
    """Parse a TD1 MRZ (3 lines of 30); every check digit and the composite must be right.

    Letters in positions that can only hold digits (dates, check digits) are read as the digit
    OCR most likely mistook them for; the check digits still decide.
    """
    lines = _split_mrz(text)
    if len(lines) != 3 or any(len(ln) != 30 for ln in lines):
        lens = ", ".join(str(len(ln)) for ln in lines) or "0"
        raise BadInput(f"MRZ phải có 3 dòng 30 ký tự (nhận {lens}) / MRZ must be 3 lines of 30"
                       f" characters (got {lens})", field="mrz")
    lines = _fix_ocr_digits(lines)
    for ln in lines:
        bad = set(ln) - set(_MRZ_VALUES)
        if bad:
            ch = sorted(bad)[0]
            raise BadInput(f"ký tự không hợp lệ trong MRZ: '{ch}' / invalid MRZ character '{ch}'",
                           field="mrz")
    l1, l2, l3 = lines

    def check(value: str, cd: str, what_vi: str, what_en: str) -> None:
        if mrz_check_digit(value) != cd:
            raise BadInput(f"sai số kiểm tra MRZ ({what_vi}) / MRZ check digit wrong ({what_en})",
                           field="mrz")

    doc_code, state = l1[0:2], l1[2:5]
    doc_number, doc_cd, optional_1 = l1[5:14], l1[14], l1[15:30]
    if doc_cd == "<" and optional_1[0] != "<":
        # Long document number: it continues in the optional field; its check digit ends it.
        cont = optional_1.split("<", 1)[0]
        doc_number, doc_cd = doc_number + cont[:-1], cont[-1]
        optional_1 = optional_1[len(cont):]
    check(doc_number, doc_cd, "số giấy tờ", "document number")
    birth, birth_cd, sex = l2[0:6], l2[6], l2[7]
    expiry, expiry_cd, nationality, optional_2 = l2[8:14], l2[14], l2[15:18], l2[18:29]
    check(birth, birth_cd, "ngày sinh", "birth date")
    if not (expiry == "<<<<<<" and expiry_cd == "<"):
        check(expiry, expiry_cd, "ngày hết hạn", "expiry date")
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    check(composite, l2[29], "tổng hợp", "composite")
    if sex not in "MF<":
        raise BadInput(f"giới tính MRZ không hợp lệ '{sex}' / invalid MRZ sex '{sex}'", field="mrz")
    for raw, label in ((birth, "birth date"), (expiry, "expiry date")):
        if raw in (NO_EXPIRY_MRZ, "<<<<<<") and label == "expiry date":
            continue
        try:
            dt.date(2000 + int(raw[0:2]), int(raw[2:4]), int(raw[4:6]))
        except ValueError:
            raise BadInput(f"MRZ: ngày không tồn tại '{raw}' / MRZ: no such date ({label})",
                           field="mrz") from None
    surname, _, given = l3.partition("<<")
    mrz = MRZ(
        document_code=doc_code.rstrip("<"), issuing_state=state.rstrip("<"),
        document_number=doc_number.rstrip("<"), birth_date_raw=birth, sex=sex,
        expiry_date_raw=expiry, nationality=nationality.rstrip("<"),
        optional_1=optional_1.rstrip("<"), optional_2=optional_2.rstrip("<"),
        surname=surname.replace("<", " ").strip(), given_names=given.replace("<", " ").strip(),
        lines=(l1, l2, l3),
    )
    return mrz


def build_mrz_td1(*, document_number: str, birth: dt.date, sex: str, expiry: dt.date | None,
                  surname: str, given_names: str, optional_1: str = "", state: str = "VNM",
                  nationality: str = "VNM", document_code: str = "ID") -> str:
    """Compose a TD1 MRZ (used by tests, demos and the card emulator)."""
    def pad(s: str, n: int) -> str:
        return (s + "<" * n)[:n]

    doc = pad(document_number, 9)
    l1 = pad(document_code, 2) + pad(state, 3) + doc + mrz_check_digit(doc) + pad(optional_1, 15)
    b = birth.strftime("%y%m%d")
    e = mrz_date(expiry)
    l2 = b + mrz_check_digit(b) + sex + e + mrz_check_digit(e) + pad(nationality, 3) + "<" * 11
    l2 += mrz_check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    name = surname.upper().replace(" ", "<") + "<<" + given_names.upper().replace(" ", "<")
    l3 = pad(name, 30)
    return "\n".join((l1, l2, l3))
