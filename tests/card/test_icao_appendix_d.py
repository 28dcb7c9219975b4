"""ICAO Doc 9303-11 Appendix D worked example (BAC key derivation, authentication, SM)."""

from __future__ import annotations

import hashlib

import pytest

from counter_app.devices.card import crypto
from counter_app.devices.card.bac import BACError, BACTerminal, document_keys
from counter_app.devices.card.sm import Command, SecureMessaging, SMError
from counter_app.domain.identity import mrz_key_info

H = bytes.fromhex

MRZ_INFO = "L898902C<369080619406236"
K_ENC = H("AB94FDECF2674FDFB9B391F85D7F76F2")
K_MAC = H("7962D9ECE03D1ACD4C76089DCE131543")
RND_IC = H("4608F91988702212")
RND_IFD = H("781723860C06C226")
K_IFD = H("0B795240CB7049B01C19B33E32804F0B")
K_IC = H("0B4F80323EB3191CB04970CB4052790B")
KS_ENC = H("979EC13B1CBFE9DCD01AB0FED307EAE5")
KS_MAC = H("F1CB1F1FB5ADF208806B89DC579DC1F8")
SSC = H("887022120C06C226")


def test_mrz_information_from_fields() -> None:
    assert mrz_key_info("L898902C", "690806", "940623") == MRZ_INFO


def test_key_derivation_intermediates() -> None:
    digest = hashlib.sha1(MRZ_INFO.encode()).digest()
    assert digest == H("239AB9CB282DAF66231DC5A4DF6BFBAEDF477565")
    seed = crypto.key_seed(MRZ_INFO)
    assert seed == H("239AB9CB282DAF66231DC5A4DF6BFBAE")
    d_enc = hashlib.sha1(seed + H("00000001")).digest()
    assert d_enc == H("AB94FCEDF2664EDFB9B291F85D7F77F27F2F4A9D")
    assert crypto.adjust_parity(d_enc[:16]) == K_ENC
    d_mac = hashlib.sha1(seed + H("00000002")).digest()
    assert d_mac[:16] == H("7862D9ECE03C1BCD4D77089DCF131442")
    assert crypto.adjust_parity(d_mac[:16]) == K_MAC
    assert document_keys(MRZ_INFO) == (K_ENC, K_MAC)


def test_mutual_authentication_and_session_keys() -> None:
    term = BACTerminal(K_ENC, K_MAC, rnd_ifd=RND_IFD, k_ifd=K_IFD)
    s = RND_IFD + RND_IC + K_IFD
    assert s == H("781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B")
    e_ifd = crypto.tdes_encrypt(K_ENC, s)
    assert e_ifd == H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
    assert crypto.retail_mac(K_MAC, e_ifd) == H("5F1448EEA8AD90A7")
    cmd = term.command_data(RND_IC)
    assert cmd == e_ifd + H("5F1448EEA8AD90A7")
    # chip side
    r = RND_IC + RND_IFD + K_IC
    assert r == H("4608F91988702212781723860C06C2260B4F80323EB3191CB04970CB4052790B")
    e_ic = crypto.tdes_encrypt(K_ENC, r)
    assert e_ic == H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F")
    m_ic = crypto.retail_mac(K_MAC, e_ic)
    assert m_ic == H("2F2D235D074D7449")
    session = term.finish(e_ic + m_ic)
    assert bytes(a ^ b for a, b in zip(K_IFD, K_IC, strict=True)) == H(
        "0036D272F5C350ACAC50C3F572D23600")
    assert session.ks_enc == KS_ENC
    assert session.ks_mac == KS_MAC
    assert session.ssc_bytes == SSC


def test_wrong_chip_answer_is_refused() -> None:
    term = BACTerminal(K_ENC, K_MAC, rnd_ifd=RND_IFD, k_ifd=K_IFD)
    term.command_data(RND_IC)
    e_ic = crypto.tdes_encrypt(K_ENC, RND_IC + RND_IFD + K_IC)
    with pytest.raises(BACError):
        term.finish(e_ic + bytes(8))
    other = crypto.tdes_encrypt(K_ENC, RND_IC + bytes(8) + K_IC)
    with pytest.raises(BACError):
        term.finish(other + crypto.retail_mac(K_MAC, other))


def test_secure_messaging_select_and_reads() -> None:
    sm = SecureMessaging(KS_ENC, KS_MAC, SSC)
    # 1. SELECT EF.COM
    assert crypto.pad(H("0CA4020C")) == H("0CA4020C80000000")
    assert crypto.pad(H("011E")) == H("011E800000000000")
    assert crypto.tdes_encrypt(KS_ENC, H("011E800000000000")) == H("6375432908C044F6")
    n = H("887022120C06C227") + H("0CA4020C80000000") + H("8709016375432908C044F6")
    assert crypto.retail_mac(KS_MAC, n) == H("BF8B92D635FF24F8")
    apdu = sm.protect(Command(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    assert apdu == H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    assert sm.ssc_bytes == H("887022120C06C227")
    data, sw = sm.unprotect(H("990290008E08FA855A5D4C50A8ED9000"))
    assert (data, sw) == (b"", 0x9000)
    assert sm.ssc_bytes == H("887022120C06C228")
    # 2. READ BINARY of the first four bytes
    apdu = sm.protect(Command(0x00, 0xB0, 0x00, 0x00, le=4))
    assert sm.ssc_bytes == H("887022120C06C229")
    assert apdu == H("0CB000000D9701048E08ED6705417E96BA5500")
    resp = H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")
    data, sw = sm.unprotect(resp)
    assert sm.ssc_bytes == H("887022120C06C22A")
    assert (data, sw) == (H("60145F01"), 0x9000)
    # 3. READ BINARY of the remaining 18 bytes from offset 4
    apdu = sm.protect(Command(0x00, 0xB0, 0x00, 0x04, le=0x12))
    assert sm.ssc_bytes == H("887022120C06C22B")
    assert apdu == H("0CB000040D9701128E082EA28A70F3C7B53500")
    resp = H("871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000")
    data, sw = sm.unprotect(resp)
    assert sm.ssc_bytes == H("887022120C06C22C")
    assert data == H("04303130365F36063034303030305C026175")
    assert sw == 0x9000


def test_bad_response_mac_is_rejected() -> None:
    sm = SecureMessaging(KS_ENC, KS_MAC, H("887022120C06C227"))
    with pytest.raises(SMError):
        sm.unprotect(H("990290008E08FA855A5D4C50A8EE9000"))
