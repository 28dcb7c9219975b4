"""End to end through the real pcscd + vpcd with the emulated card (docs/CARD.md §6)."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest

from counter_app.devices.card.errors import CardRemoved, NoCard, WrongKeys
from counter_app.services.card_reader import CardKeys, read_card
from tests.card.conftest import READER
from tests.card.emulator import Behaviour, Citizen

pytestmark = pytest.mark.pcsc


def test_readers_listed(pcscd) -> None:
    from counter_app.services.card_reader import list_readers

    assert READER in list_readers()


def test_full_read_valid(cards, citizen: Citizen, trust_dir, photo: bytes) -> None:
    cards.insert(citizen)
    steps: list[tuple[str, int, int]] = []
    r = read_card(CardKeys.from_dates(citizen.id_number, citizen.birth, citizen.expiry),
                  trust_store=trust_dir, progress=lambda *a: steps.append(a), timeout=5)
    assert r.reader == READER
    assert r.id_number == "001090012345"
    assert r.full_name == "Nguyễn Văn An"
    assert r.date_of_birth == dt.date(1990, 3, 15)
    assert r.sex == "Nam" and r.nationality == "Việt Nam" and r.ethnicity == "Kinh"
    assert r.religion == "Không"
    assert r.place_of_origin == citizen.place_of_origin
    assert r.place_of_residence == citizen.place_of_residence
    assert r.identifying_marks == citizen.identifying_marks
    assert r.issue_date == dt.date(2021, 4, 20) and r.expiry_date == dt.date(2030, 3, 15)
    assert r.father_name == "Nguyễn Văn Bình" and r.mother_name == "Trần Thị Cúc"
    assert r.spouse_name is None and r.old_id_number == "012345678"
    assert r.photo is not None and r.photo.format == "jpeg"
    assert r.photo.sha256 == hashlib.sha256(photo).hexdigest()
    assert r.passive_auth.status == "valid", r.passive_auth.detail
    names = {s[0] for s in steps}
    assert names == {"DG1", "DG2", "DG13", "SOD"}
    last = [s for s in steps if s[0] == "DG2"][-1]
    assert last[1] == last[2] > 14000


def test_keys_from_qr_no_expiry_card(cards, trust_dir) -> None:
    # issued at 58: no expiry; MRZ expiry 991231; the QR gives the candidate list
    elder = Citizen(id_number="001165012345", full_name="Lê Thị Hoa", latin_surname="LE",
                    latin_given="THI HOA", birth=dt.date(1965, 6, 5), sex="Nữ",
                    issue=dt.date(2023, 7, 1), expiry=None, old_id="", spouse="Phạm Văn Đức")
    vc = cards.insert(elder)
    r = read_card(CardKeys.from_qr(elder.qr()), trust_store=trust_dir, timeout=5)
    assert r.expiry_date is None and r.full_name == "Lê Thị Hoa"
    assert r.spouse_name == "Phạm Văn Đức" and r.old_id_number is None
    assert vc.card.bac_attempts == 1


def test_qr_second_candidate(cards, trust_dir) -> None:
    # issued exactly two years before 25: the card says 25, the first reading says 40
    c = Citizen(birth=dt.date(1999, 3, 10), id_number="001099012345", issue=dt.date(2022, 3, 10),
                expiry=dt.date(2024, 3, 10))
    vc = cards.insert(c)
    r = read_card(CardKeys.from_qr(c.qr()), trust_store=trust_dir, timeout=5)
    assert r.expiry_date == dt.date(2024, 3, 10)
    assert vc.card.bac_attempts == 2


def test_unverified_without_trust_store(cards, citizen) -> None:
    cards.insert(citizen)
    r = read_card(CardKeys.from_mrz(citizen.mrz), timeout=5)
    assert r.passive_auth.status == "unverified"
    assert r.id_number == citizen.id_number


@pytest.mark.parametrize("which", ["DG13", "DG2"])
def test_tampered_data_fails(cards, citizen, trust_dir, which: str) -> None:
    cards.insert(citizen, tamper=which)
    r = read_card(CardKeys.from_mrz(citizen.mrz), trust_store=trust_dir, timeout=5)
    assert r.passive_auth.status == "failed"
    assert which in r.passive_auth.detail


def test_wrong_keys_then_reader_usable(cards, citizen, trust_dir) -> None:
    vc = cards.insert(citizen, Behaviour(wrong_key_sw=0x6988))
    t0 = time.monotonic()
    with pytest.raises(WrongKeys, match="check the ID number"):
        read_card(CardKeys.from_dates(citizen.id_number, citizen.birth, dt.date(2031, 3, 15)),
                  timeout=5)
    assert time.monotonic() - t0 < 10
    assert vc.card.bac_attempts == 1
    r = read_card(CardKeys.from_mrz(citizen.mrz), trust_store=trust_dir, timeout=5)
    assert r.passive_auth.status == "valid"


def test_no_card_within_timeout(pcscd, citizen) -> None:
    t0 = time.monotonic()
    with pytest.raises(NoCard):
        read_card(CardKeys.from_mrz(citizen.mrz), timeout=1.0)
    assert time.monotonic() - t0 < 10


def test_removal_mid_read_then_usable(cards, citizen, trust_dir) -> None:
    vc = cards.insert(citizen, Behaviour(remove_after_reads=10))
    t0 = time.monotonic()
    with pytest.raises(CardRemoved):
        read_card(CardKeys.from_mrz(citizen.mrz), timeout=5)
    assert time.monotonic() - t0 < 10
    from tests.card.conftest import card_state

    card_state(False)  # the slot reads empty…
    time.sleep(1.0)  # …and pcscd's event thread (polling every 400 ms) has seen the card go
    vc.card.b.remove_after_reads = None
    vc.insert()
    card_state(True)
    r = read_card(CardKeys.from_mrz(citizen.mrz), trust_store=trust_dir, timeout=5)
    assert r.passive_auth.status == "valid"


def test_short_reads_and_strict_overrun(cards, citizen, trust_dir, photo) -> None:
    vc = cards.insert(citizen, Behaviour(max_answer=0x41, overrun_sw=0x6700),
                      parents_nested=False)
    r = read_card(CardKeys.from_mrz(citizen.mrz), trust_store=trust_dir, timeout=5)
    assert r.photo.sha256 == hashlib.sha256(photo).hexdigest()
    assert r.mother_name == "Trần Thị Cúc"
    assert r.passive_auth.status == "valid"
    assert vc.card.total_reads > 15000 // 0x41


def test_extended_length_card(cards, citizen, trust_dir, photo) -> None:
    vc = cards.insert(citizen, Behaviour(extended=True, max_answer=0x1000))
    r = read_card(CardKeys.from_mrz(citizen.mrz), trust_store=trust_dir, timeout=5)
    assert r.photo.sha256 == hashlib.sha256(photo).hexdigest()
    assert vc.card.total_reads < 20


@pytest.mark.parametrize("behaviour", [Behaviour(bad_mac_after_reads=3),
                                       Behaviour(bad_status_after_reads=2)])
def test_bad_answers_are_clean_errors(cards, citizen, behaviour) -> None:
    from counter_app.errors import Interrupted

    vc = cards.insert(citizen, behaviour)
    with pytest.raises(Interrupted):
        read_card(CardKeys.from_mrz(citizen.mrz), timeout=5)
    vc.card.b = Behaviour()
    r = read_card(CardKeys.from_mrz(citizen.mrz), timeout=5)
    assert r.id_number == citizen.id_number
