"""Bad card answers never crash: hypothesis on the TLV parser, the SM layer and the LDS parsers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.devices.card import lds, sod, tlv
from counter_app.devices.card.errors import CardProtocolError
from counter_app.devices.card.icao import IcaoSession
from counter_app.devices.card.reader import read_document
from counter_app.devices.card.sm import Command, SecureMessaging, SMError
from counter_app.errors import CounterAppError
from tests.card.emulator import Behaviour, CccdCard, Citizen, build_files
from tests.card.pki import make_pki

KS_ENC = bytes.fromhex("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = bytes.fromhex("F1CB1F1FB5ADF208806B89DC579DC1F8")


@given(st.binary(max_size=300))
def test_tlv_parser_total(data: bytes) -> None:
    try:
        for item in tlv.walk(data):
            assert len(item.value) <= len(data)
    except tlv.TLVError:
        pass


@given(st.integers(1, 0xFFFF), st.binary(max_size=400))
def test_tlv_roundtrip(tag: int, value: bytes) -> None:
    if tag & 0x1F == 0x1F and tag <= 0xFF:
        return  # a lone multi-byte marker is not a complete tag
    if tag > 0xFF and (tag >> 8) & 0x1F != 0x1F:
        return
    if tag > 0xFF and tag & 0x80:
        return
    enc = tlv.encode(tag, value)
    item = tlv.parse_one(enc)
    assert (item.tag, item.value) == (tag, value)


def test_tlv_errors() -> None:
    for bad in (b"\x5f", b"\x61", b"\x61\x85\x01\x02\x03\x04\x05", b"\x61\x80", b"\x61\x05ab",
                b"\x61\x82\x01"):
        with pytest.raises(tlv.TLVError):
            list(tlv.walk(bad))


@given(st.binary(max_size=120))
def test_sm_unprotect_rejects_garbage(resp: bytes) -> None:
    sm = SecureMessaging(KS_ENC, KS_MAC, 1)
    try:
        data, sw = sm.unprotect(resp)
    except SMError:
        return
    assert sw != 0x9000 and data == b""  # only an unprotected error status gets through


@given(st.integers(0, len(b"") + 40), st.integers(0, 255))
def test_sm_bitflip_rejected(pos: int, flip: int) -> None:
    # a genuine protected answer with any single byte changed never passes as success
    card_sm = SecureMessaging(KS_ENC, KS_MAC, 5)
    from counter_app.devices.card.crypto import pad, retail_mac, tdes_encrypt

    card_sm.ssc = 6
    body = tlv.encode(0x87, b"\x01" + tdes_encrypt(KS_ENC, pad(b"hello card"))) + \
        tlv.encode(0x99, b"\x90\x00")
    mac = retail_mac(KS_MAC, (6).to_bytes(8, "big") + body)
    resp = bytearray(body + tlv.encode(0x8E, mac) + b"\x90\x00")
    sm = SecureMessaging(KS_ENC, KS_MAC, 5)
    if flip == 0 or pos >= len(resp) - 2:
        assert SecureMessaging(KS_ENC, KS_MAC, 5).unprotect(bytes(resp))[0] == b"hello card" \
            or pos >= len(resp) - 2
        return
    resp[pos] ^= flip
    try:
        data, sw = sm.unprotect(bytes(resp))
    except SMError:
        return
    assert sw != 0x9000


@given(st.binary(max_size=400))
def test_lds_parsers_total(data: bytes) -> None:
    for fn in (lds.parse_dg1, lds.parse_dg2, lds.parse_dg13):
        try:
            fn(data)
        except lds.LDSError:
            pass
    result = sod.passive_authentication(data, {1: b"x"}, [])
    assert result.status == "failed"


@given(st.binary(max_size=80))
def test_dg13_mutated_prefix(noise: bytes) -> None:
    good = Citizen().dg13()
    for data in (good[: len(noise)], noise + good, good[:20] + noise + good[20:]):
        try:
            lds.parse_dg13(data)
        except lds.LDSError:
            pass


class FlakyTransport:
    """An in-process card whose answers are corrupted by hypothesis."""

    def __init__(self, card: CccdCard, corrupt_at: int, mode: int, byte: int) -> None:
        self.card, self.n, self.corrupt_at, self.mode, self.byte = card, 0, corrupt_at, mode, byte

    def transmit(self, apdu: bytes) -> bytes:
        resp = self.card.process(apdu)
        self.n += 1
        if self.n != self.corrupt_at:
            return resp
        if self.mode == 0:
            return resp[: self.byte % (len(resp) + 1)]  # truncated
        if self.mode == 1:
            b = bytearray(resp)
            b[self.byte % len(b)] ^= 0x5A
            return bytes(b)
        if self.mode == 2:
            return bytes([0x6A, self.byte])  # unexpected status word
        return resp + bytes([self.byte]) * 3  # trailing junk / wrong length


_PKI = None


def _files():
    global _PKI
    if _PKI is None:
        _PKI = (make_pki(), Citizen())
    pki, c = _PKI
    return build_files(c, pki, b"\xff\xd8\xff\xe0" + bytes(600) + b"\xff\xd9"), c


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(0, 3), st.integers(0, 255),
       st.sampled_from([0xE7, 0x30, 0x100]))
def test_reader_never_crashes_on_bad_answers(at: int, mode: int, byte: int, max_answer: int) -> None:
    files, c = _files()
    card = CccdCard(files, c.key_info, Behaviour(max_answer=max_answer))
    t = FlakyTransport(card, at, mode, byte)
    try:
        raw = read_document(t, [c.key_info])
    except CounterAppError:
        return
    # the corruption did not matter or was caught later by passive authentication
    assert set(raw.files) == {"DG1", "DG2", "DG13", "SOD"}


def test_access_denied_before_bac() -> None:
    files, c = _files()
    card = CccdCard(files, c.key_info)
    session = IcaoSession(type("T", (), {"transmit": staticmethod(card.process)})())
    session.select_applet()
    from counter_app.devices.card.errors import AccessDenied

    session.select_file("DG1")
    with pytest.raises(AccessDenied):
        session.read_file("DG1")


def test_plain_command_after_bac_loses_session() -> None:
    files, c = _files()
    card = CccdCard(files, c.key_info)
    session = IcaoSession(type("T", (), {"transmit": staticmethod(card.process)})())
    session.select_applet()
    session.authenticate(c.key_info)
    assert card.process(Command(0, 0xB0, 0, 0, le=4).encode()) == b"\x69\x87"
    with pytest.raises(CardProtocolError):
        session.read_file("DG1")


@settings(max_examples=40, deadline=None)
@given(st.integers(8, 0xE7), st.integers(1, 0xE7), st.sampled_from([0x6282, 0x6700]),
       st.integers(1, 1500))
def test_read_file_returns_exact_content(block: int, max_answer: int, overrun: int,
                                         size: int) -> None:
    """Whatever the block size, short answers and end-of-file behaviour, a file comes back whole."""
    files, c = _files()
    files = dict(files)
    files["DG13"] = tlv.encode(0x6D, bytes(range(256)) * (size // 256) + bytes(size % 256))
    card = CccdCard(files, c.key_info, Behaviour(max_answer=max_answer, overrun_sw=overrun))
    session = IcaoSession(type("T", (), {"transmit": staticmethod(card.process)})(),
                          block_size=block)
    session.select_applet()
    session.authenticate(c.key_info)
    assert session.read_file("DG13") == files["DG13"]


_SOD_CASE: dict = {}


def _sod_case():
    if not _SOD_CASE:
        from tests.card.pki import build_sod

        pki = make_pki()
        dgs = {1: b"\x61\x03abc", 2: b"\x75\x03def", 13: b"\x6d\x03ghi"}
        _SOD_CASE.update(pki=pki, dgs=dgs, sod=build_sod(pki, dgs))
    return _SOD_CASE


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_sod_bitflips_never_crash_and_signed_parts_fail(data) -> None:
    case = _sod_case()
    sod_bytes = bytearray(case["sod"])
    parsed = sod.parse_sod(bytes(sod_bytes))
    start = bytes(sod_bytes).find(parsed.econtent)
    pos = data.draw(st.integers(0, len(sod_bytes) - 1))
    sod_bytes[pos] ^= data.draw(st.integers(1, 255))
    result = sod.passive_authentication(bytes(sod_bytes), case["dgs"], [case["pki"].csca])
    assert result.status in ("valid", "unverified", "failed")
    if start <= pos < start + len(parsed.econtent):
        assert result.status == "failed"  # the hashes are signed: any change is caught
