"""Data-group parsing details and the card_reader service over an in-process transport."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
import time

import pytest
from PIL import Image

from counter_app.devices.card import lds, tlv
from counter_app.devices.card.icao import extended_length_from_atr
from counter_app.services.card_reader import CardKeys, read_card
from tests.card.emulator import ATR_EXTENDED, ATR_SHORT, CccdCard, Citizen, build_files


def _jp2() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (120, 160), (10, 120, 200)).save(buf, "JPEG2000")
    return buf.getvalue()


def test_dg2_jpeg2000_is_kept_and_opens() -> None:
    image = _jp2()
    face = lds.parse_dg2(lds.build_dg2(image, jpeg2000=True))
    assert face.format == "jpeg2000" and face.data == image
    assert Image.open(io.BytesIO(face.data)).size == (120, 160)


def test_dg2_rejects_unknown_image() -> None:
    with pytest.raises(lds.LDSError):
        lds.parse_dg2(lds.build_dg2(b"GIF89a" + bytes(50)))


def test_dg13_no_expiry_and_empty_fields() -> None:
    c = Citizen(expiry=None, spouse="", old_id="")
    p = lds.parse_dg13(c.dg13())
    assert p.no_expiry and p.expiry_date is None
    assert p.spouse_name is None and p.old_id_number is None
    assert p.raw is not None and p.raw[13] == [c.father, c.mother]


def test_dg13_nfc_normalisation() -> None:
    decomposed = "Nguye\u0302\u0303n"
    data = lds.build_dg13({1: "001090012345", 2: decomposed, 3: "01/01/1990"})
    assert lds.parse_dg13(data).full_name == "Nguyễn"


def test_dg13_long_form_lengths() -> None:
    long_addr = "Thôn " + "Đông " * 60
    data = lds.build_dg13({1: "001090012345", 9: long_addr})
    assert data[1] == 0x82  # multi-byte length on the outer TLV
    assert lds.parse_dg13(data).place_of_residence == long_addr.strip()


def test_atr_extended_length_flag() -> None:
    assert extended_length_from_atr(ATR_EXTENDED)
    assert not extended_length_from_atr(ATR_SHORT)
    assert not extended_length_from_atr(b"\x3b")


class Direct:
    def __init__(self, card: CccdCard) -> None:
        self.card = card

    def transmit(self, apdu: bytes) -> bytes:
        return self.card.process(apdu)


def test_service_in_process_and_key_candidates() -> None:
    from tests.card.pki import make_pki

    pki = make_pki()
    c = Citizen(birth=dt.date(1982, 1, 1), id_number="001082012345", issue=dt.date(2020, 6, 1),
                expiry=dt.date(2042, 1, 1))
    photo = b"\xff\xd8\xff\xe0" + bytes(3000) + b"\xff\xd9"
    card = CccdCard(build_files(c, pki, photo), c.key_info)
    keys = CardKeys.from_qr(c.qr())
    assert keys.expiry_candidates[0] == dt.date(2042, 1, 1)
    assert len(keys.infos) <= 3
    progress: list[tuple[str, int, int]] = []
    r = read_card(keys, trust_store=[pki.csca], transport=Direct(card),
                  progress=lambda *a: progress.append(a))
    assert r.passive_auth.status == "valid"
    assert r.photo is not None and r.photo.sha256 == hashlib.sha256(photo).hexdigest()
    assert r.to_json()["date_of_birth"] == "1982-01-01"
    assert all(done <= total for _, done, total in progress)
    assert card.bac_attempts == 1


def test_no_expiry_keys_try_991231_first() -> None:
    keys = CardKeys.from_dates("001165012345", dt.date(1965, 6, 5), None)
    assert keys.infos[0].endswith("9912315")
    assert keys.infos[1].endswith("<<<<<<<")


@pytest.mark.pcsc
def test_watch_cards_reports_insert_and_remove(cards, citizen) -> None:
    from counter_app.services.card_reader import watch_cards

    events: list[tuple[str, bool]] = []
    stop = threading.Event()
    th = threading.Thread(target=watch_cards, args=(lambda r, p: events.append((r, p)), stop),
                          daemon=True)
    th.start()
    try:
        deadline = time.monotonic() + 5
        while not events and time.monotonic() < deadline:
            time.sleep(0.05)
        vc = cards.insert(citizen)
        deadline = time.monotonic() + 5
        while ("Virtual PCD 00 00", True) not in events and time.monotonic() < deadline:
            time.sleep(0.05)
        cards.remove(vc)
        deadline = time.monotonic() + 5
        while events[-1] != ("Virtual PCD 00 00", False) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        th.join(5)
    assert not th.is_alive()
    seq = [p for r, p in events if r == "Virtual PCD 00 00"]
    assert seq[-2:] == [True, False]


def test_tlv_find_and_require() -> None:
    item = tlv.parse_one(tlv.encode(0x61, tlv.encode(0x5F1F, b"abc")))
    assert item.require(0x5F1F).value == b"abc"
    assert item.find(0x5F2E) is None
    with pytest.raises(tlv.TLVError):
        item.require(0x5F2E)


def test_card_without_sod_and_photo_is_read_but_fails_passive_auth() -> None:
    from tests.card.pki import make_pki

    c = Citizen()
    files = build_files(c, make_pki(), b"\xff\xd8\xff\xe0" + bytes(100) + b"\xff\xd9")
    del files["SOD"], files["DG2"]
    r = read_card(CardKeys.from_mrz(c.mrz), transport=Direct(CccdCard(files, c.key_info)))
    assert r.photo is None and r.to_json()["photo"] is None
    assert r.passive_auth.status == "failed" and "SOD" in r.passive_auth.detail
    assert r.id_number == c.id_number


def test_odd_dg13_date_and_bad_photo_are_warnings_not_failures() -> None:
    from tests.card.pki import make_pki

    c = Citizen()
    pki = make_pki()
    files = build_files(c, pki, b"\xff\xd8\xff\xe0" + bytes(100) + b"\xff\xd9")
    files["DG13"] = lds.build_dg13({1: c.id_number, 2: c.full_name, 3: "15/03/1990",
                                    11: "ngày 20 tháng 4", 12: "15/03/2030"})
    files["DG2"] = lds.build_dg2(b"BM" + bytes(64))  # not JPEG / JPEG 2000
    from tests.card.pki import build_sod

    dgs = {1: files["DG1"], 2: files["DG2"], 13: files["DG13"]}
    files["SOD"] = build_sod(pki, dgs)
    r = read_card(CardKeys.from_mrz(c.mrz), trust_store=[pki.csca],
                  transport=Direct(CccdCard(files, c.key_info)))
    assert r.issue_date is None and r.expiry_date == dt.date(2030, 3, 15)
    assert r.photo is None
    assert any("issue date" in w for w in r.warnings)
    assert any("JPEG" in w for w in r.warnings)
    assert r.passive_auth.status == "valid"


def test_demo_card_for_demos_and_ui_tests() -> None:
    from counter_app.devices.card.fake import FakeTransport, demo_card

    card, pki, holder = demo_card()
    r = read_card(CardKeys.from_qr(holder.qr()), trust_store=[pki.csca],
                  transport=FakeTransport(card))
    assert r.full_name == holder.full_name and r.passive_auth.status == "valid"
    assert r.photo is not None and r.photo.format == "jpeg"


def test_dg13_flat_layout_and_other_string_types() -> None:
    """Entries straight in the outer SEQUENCE (no SET), PrintableString numbers, BMPString text."""
    def entry(n: int, tag: int, raw: bytes) -> bytes:
        return tlv.encode(0x30, tlv.encode(0x02, bytes([n])) + tlv.encode(tag, raw))

    body = (tlv.encode(0x02, b"\x01") + tlv.encode(0x06, bytes.fromhex("28D316010008"))
            + entry(1, 0x13, b"001090012345") + entry(2, 0x1E, "Đỗ Thị Mai".encode("utf-16-be"))
            + entry(3, 0x0C, b"01/02/1990") + entry(12, 0x0C, "Không thời hạn".encode()))
    p = lds.parse_dg13(tlv.encode(0x6D, tlv.encode(0x30, body)))
    assert p.id_number == "001090012345" and p.full_name == "Đỗ Thị Mai"
    assert p.date_of_birth == dt.date(1990, 2, 1) and p.no_expiry


def test_trust_store_reads_pem_der_and_master_lists(tmp_path) -> None:
    from cryptography.hazmat.primitives import serialization

    from counter_app.devices.card.sod import load_trust_store
    from tests.card.pki import build_master_list, make_pki

    a, b, c = make_pki("CSCA A"), make_pki("CSCA B"), make_pki("CSCA C")
    (tmp_path / "a.pem").write_bytes(a.csca_pem())
    (tmp_path / "b.cer").write_bytes(b.csca.public_bytes(serialization.Encoding.DER))
    (tmp_path / "list.ml").write_bytes(build_master_list(c))
    (tmp_path / "README.txt").write_text("not a certificate")
    subjects = {cert.subject for cert in load_trust_store(tmp_path)}
    assert subjects == {a.csca.subject, b.csca.subject, c.csca.subject}
    assert load_trust_store(tmp_path / "missing") == []
