"""A CCCD-like ICAO 9303 chip in software: the test double of the card backend.

`FakeCccd.process(apdu)` answers like a Vietnamese chip ID card: SELECT by AID/FID, GET
CHALLENGE, MUTUAL AUTHENTICATE (BAC), READ BINARY only under secure messaging (6982 before BAC,
session dropped on any SM error), with configurable misbehaviour (short answers, wrong-key status,
bad MAC, unexpected status, removal, silence). `demo_card()` builds a complete card (DG1, DG2,
DG13, EF.SOD signed by a freshly generated demo CSCA) for demos and UI tests; `FakeTransport`
plugs it into `services.card_reader.read_card(..., transport=...)`. The vpcd bridge that puts it
behind a real PC/SC reader lives in tests/card/emulator.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field

from asn1crypto import algos, cms, core
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from counter_app.devices.card import lds, tlv
from counter_app.devices.card.bac import document_keys
from counter_app.devices.card.crypto import (
    ENC,
    MAC,
    CryptoError,
    derive_key,
    pad,
    retail_mac,
    tdes_decrypt,
    tdes_encrypt,
    unpad,
)
from counter_app.devices.card.icao import AID_MRTD, FILES
from counter_app.devices.card.sod import (
    CSCA_MASTER_LIST_OID,
    LDS_SECURITY_OBJECT_OID,
    CscaMasterList,
    LDSSecurityObject,
)
from counter_app.domain import identity as idt


def _with_tck(atr: bytes) -> bytes:
    x = 0
    for b in atr[1:]:
        x ^= b
    return atr + bytes([x])


# T=1 ATR with historical bytes announcing (or not) extended Lc/Le in the card capabilities.
ATR_SHORT = _with_tck(bytes.fromhex("3B8880018073C40100") + b"VNM")
ATR_EXTENDED = _with_tck(bytes.fromhex("3B8880018073C40140") + b"VNM")


@dataclass
class Citizen:
    id_number: str = "001090012345"
    full_name: str = "Nguyễn Văn An"
    latin_surname: str = "NGUYEN"
    latin_given: str = "VAN AN"
    birth: dt.date = dt.date(1990, 3, 15)
    sex: str = "Nam"
    nationality: str = "Việt Nam"
    ethnicity: str = "Kinh"
    religion: str = "Không"
    place_of_origin: str = "Xã Đông Anh, Thành phố Hà Nội"
    place_of_residence: str = "Số 12 Hàng Bài, Phường Hoàn Kiếm, Thành phố Hà Nội"
    identifying_marks: str = "Nốt ruồi C:2cm trên sau đuôi mắt phải"
    issue: dt.date = dt.date(2021, 4, 20)
    expiry: dt.date | None = dt.date(2030, 3, 15)
    father: str = "Nguyễn Văn Bình"
    mother: str = "Trần Thị Cúc"
    spouse: str = ""
    old_id: str = "012345678"

    @property
    def mrz(self) -> str:
        return idt.build_mrz_td1(
            document_number=self.id_number[-9:], birth=self.birth,
            sex="M" if self.sex == "Nam" else "F", expiry=self.expiry,
            surname=self.latin_surname, given_names=self.latin_given,
            optional_1=self.id_number)

    @property
    def key_info(self) -> str:
        return idt.parse_mrz_td1(self.mrz).bac_key_info

    def qr(self) -> str:
        return (f"{self.id_number}|{self.old_id}|{self.full_name}|{self.birth:%d%m%Y}|{self.sex}|"
                f"{self.place_of_residence}|{self.issue:%d%m%Y}")

    def dg13(self, *, parents_nested: bool = True) -> bytes:
        fields: dict[int, str | tuple[str, ...]] = {
            1: self.id_number, 2: self.full_name, 3: f"{self.birth:%d/%m/%Y}", 4: self.sex,
            5: self.nationality, 6: self.ethnicity, 7: self.religion, 8: self.place_of_origin,
            9: self.place_of_residence, 10: self.identifying_marks,
            11: f"{self.issue:%d/%m/%Y}",
            12: "Không thời hạn" if self.expiry is None else f"{self.expiry:%d/%m/%Y}",
            14: self.spouse, 15: self.old_id, 16: "",
        }
        if parents_nested:
            fields[13] = (self.father, self.mother)
        data = lds.build_dg13(fields)
        if not parents_nested:  # two separate entries numbered 13
            extra = (tlv.encode(0x30, tlv.encode(0x02, b"\x0d") + tlv.encode(0x0C, self.father.encode()))
                     + tlv.encode(0x30, tlv.encode(0x02, b"\x0d") + tlv.encode(0x0C, self.mother.encode())))
            outer = tlv.parse_one(data)
            seq = outer.children[0]
            kids = seq.children
            set_ = kids[2]
            new_set = tlv.encode(0x31, set_.value + extra)
            body = b"".join(tlv.encode(k.tag, k.value) for k in kids[:2]) + new_set
            data = tlv.encode(0x6D, tlv.encode(0x30, body))
        return data


def demo_photo(size: int = 14000, seed: int = 1) -> bytes:
    """A real JPEG (Pillow) padded with a COM segment to about `size` bytes."""
    import io

    from PIL import Image

    img = Image.new("RGB", (240, 320), (200 - seed % 50, 180, 160))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    data = buf.getvalue()
    pad_len = max(0, size - len(data) - 4)
    chunks = b""
    rnd = os.urandom(pad_len)
    while rnd:
        part, rnd = rnd[:65000], rnd[65000:]
        chunks += b"\xff\xfe" + (len(part) + 2).to_bytes(2, "big") + part
    return data[:2] + chunks + data[2:]


def build_files(citizen: Citizen, pki: DemoPKI, photo: bytes, *, parents_nested: bool = True,
                tamper: str | None = None) -> dict[str, bytes]:
    """The card's files; `tamper` = 'DG13'/'DG2'/'DG1' changes a byte after signing."""
    dg1 = lds.build_dg1(citizen.mrz)
    dg2 = lds.build_dg2(photo)
    dg13 = citizen.dg13(parents_nested=parents_nested)
    com = tlv.encode(0x60, tlv.encode(0x5F01, b"0107") + tlv.encode(0x5F36, b"040000")
                     + tlv.encode(0x5C, b"\x61\x75\x6D"))
    files = {"COM": com, "DG1": dg1, "DG2": dg2, "DG13": dg13,
             "SOD": build_sod(pki, {1: dg1, 2: dg2, 13: dg13})}
    if tamper:
        data = bytearray(files[tamper])
        data[-3] ^= 0x01
        files[tamper] = bytes(data)
    return files


@dataclass
class Behaviour:
    max_answer: int = 0xE7  # most bytes the card returns per READ BINARY (short reads below)
    extended: bool = False  # announce and accept extended length
    wrong_key_sw: int = 0x6300
    overrun_sw: int = 0x6282  # answer to a read past the end: 6282 with data, or 6700
    remove_after_reads: int | None = None  # disconnect after this many READ BINARY under SM
    bad_mac_after_reads: int | None = None  # corrupt the response MAC of this read
    bad_status_after_reads: int | None = None  # answer 6F00 (unprotected) to this read
    hang_after_reads: int | None = None  # stop answering (socket left open) after this many reads


@dataclass
class CardState:
    selected_applet: bool = False
    selected: str | None = None
    rnd_ic: bytes | None = None
    ks_enc: bytes | None = None
    ks_mac: bytes | None = None
    ssc: int = 0
    reads: int = 0
    log: list[bytes] = field(default_factory=list)


class FakeCccd:
    """The applet: SELECT, GET CHALLENGE, MUTUAL AUTHENTICATE, READ BINARY, SM enforced."""

    def __init__(self, files: dict[str, bytes], key_info: str,
                 behaviour: Behaviour | None = None) -> None:
        self.files = files
        self.k_enc, self.k_mac = document_keys(key_info)
        self.b = behaviour or Behaviour()
        self.state = CardState()
        self.bac_attempts = 0
        self.total_reads = 0  # READ BINARY commands over the card's life (state resets on power)
        self.remove_now = False
        self.hang_now = False

    def reset(self) -> None:
        self.state = CardState()

    @property
    def atr(self) -> bytes:
        return ATR_EXTENDED if self.b.extended else ATR_SHORT

    # -------------------------------------------------------------- APDU parsing
    @staticmethod
    def parse(apdu: bytes) -> tuple[int, int, int, int, bytes, int | None]:
        if len(apdu) < 4:
            raise ValueError
        cla, ins, p1, p2 = apdu[:4]
        body = apdu[4:]
        if not body:
            return cla, ins, p1, p2, b"", None
        if len(body) == 1:
            return cla, ins, p1, p2, b"", body[0] or 256
        if body[0] == 0 and len(body) >= 3:  # extended
            if len(body) == 3:
                return cla, ins, p1, p2, b"", int.from_bytes(body[1:3], "big") or 65536
            lc = int.from_bytes(body[1:3], "big")
            data = body[3:3 + lc]
            rest = body[3 + lc:]
            if len(data) != lc or len(rest) not in (0, 2):
                raise ValueError
            le = (int.from_bytes(rest, "big") or 65536) if rest else None
            return cla, ins, p1, p2, data, le
        lc = body[0]
        data = body[1:1 + lc]
        rest = body[1 + lc:]
        if len(data) != lc or len(rest) > 1:
            raise ValueError
        return cla, ins, p1, p2, data, (rest[0] or 256) if rest else None

    # -------------------------------------------------------------- processing
    def process(self, apdu: bytes) -> bytes:
        st = self.state
        st.log.append(apdu)
        try:
            cla, ins, p1, p2, data, le = self.parse(apdu)
        except ValueError:
            return b"\x67\x00"
        if st.ks_enc is not None:
            return self._process_sm(cla, ins, p1, p2, data)
        if cla & 0x0C:
            return b"\x69\x88"
        return self._execute(ins, p1, p2, data, le, sm=False)

    def _execute(self, ins: int, p1: int, p2: int, data: bytes, le: int | None,
                 *, sm: bool) -> bytes:
        st = self.state
        if ins == 0xA4:
            if p1 == 0x04:
                if data == AID_MRTD:
                    st.selected_applet = True
                    st.selected = None
                    st.ks_enc = st.ks_mac = None
                    return b"\x90\x00"
                return b"\x6A\x82"
            if p1 == 0x00 and not data:
                return b"\x6D\x00"  # MF selection not supported, as reported for CCCD
            if p1 == 0x02 and st.selected_applet and len(data) == 2:
                fid = int.from_bytes(data, "big")
                for name, f in FILES.items():
                    if f == fid and name in self.files:
                        st.selected = name
                        return b"\x90\x00"
                return b"\x6A\x82"
            return b"\x6A\x86"
        if ins == 0x84:
            if not st.selected_applet:
                return b"\x69\x85"
            st.rnd_ic = os.urandom(8)
            return st.rnd_ic + b"\x90\x00"
        if ins == 0x82:
            return self._mutual_auth(data)
        if ins == 0xB0:
            if not sm:
                return b"\x69\x82"
            if p1 & 0x80:  # short EF identifier
                sfi = p1 & 0x1F
                name = next((n for n, f in FILES.items() if f & 0x1F == sfi and n in self.files),
                            None)
                if name is None:
                    return b"\x6A\x82"
                st.selected = name
                offset = p2
            else:
                offset = (p1 << 8) | p2
            if st.selected is None:
                return b"\x69\x86"
            st.reads += 1
            self.total_reads += 1
            content = self.files[st.selected]
            if offset > len(content):
                return b"\x6B\x00"
            want = le or 256
            if want > 256 and not self.b.extended:
                return b"\x67\x00"
            chunk = content[offset:offset + min(want, self.b.max_answer)]
            if offset + want > len(content) and offset + len(chunk) >= len(content):
                if self.b.overrun_sw == 0x6700:
                    return b"\x67\x00"
                return chunk + b"\x62\x82"
            return chunk + b"\x90\x00"
        return b"\x6D\x00"

    def _mutual_auth(self, data: bytes) -> bytes:
        st = self.state
        self.bac_attempts += 1
        if st.rnd_ic is None or len(data) != 40:
            return b"\x69\x85" if st.rnd_ic is None else b"\x67\x00"
        rnd_ic, st.rnd_ic = st.rnd_ic, None
        e_ifd, m_ifd = data[:32], data[32:]
        wrong = self.b.wrong_key_sw.to_bytes(2, "big")
        if retail_mac(self.k_mac, e_ifd) != m_ifd:
            return wrong
        s = tdes_decrypt(self.k_enc, e_ifd)
        if s[8:16] != rnd_ic:
            return wrong
        rnd_ifd, k_ifd = s[:8], s[16:32]
        k_ic = os.urandom(16)
        e_ic = tdes_encrypt(self.k_enc, rnd_ic + rnd_ifd + k_ic)
        seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
        st.ks_enc, st.ks_mac = derive_key(seed, ENC), derive_key(seed, MAC)
        st.ssc = int.from_bytes(rnd_ic[4:] + rnd_ifd[4:], "big")
        return e_ic + retail_mac(self.k_mac, e_ic) + b"\x90\x00"

    def _drop(self, sw: bytes = b"\x69\x88") -> bytes:
        st = self.state
        st.ks_enc = st.ks_mac = None
        st.selected_applet = False
        return sw

    def _process_sm(self, cla: int, ins: int, p1: int, p2: int, body: bytes) -> bytes:
        st = self.state
        assert st.ks_enc is not None and st.ks_mac is not None
        if cla & 0x0C != 0x0C:
            return self._drop(b"\x69\x87")
        try:
            items = tlv.parse_all(body)
        except tlv.TLVError:
            return self._drop()
        st.ssc += 1
        do87 = next((i for i in items if i.tag == 0x87), None)
        do97 = next((i for i in items if i.tag == 0x97), None)
        do8e = next((i for i in items if i.tag == 0x8E), None)
        if do8e is None:
            return self._drop(b"\x69\x87")
        mac_in = b"".join(tlv.encode(i.tag, i.value) for i in items if i.tag in (0x87, 0x97))
        header = bytes([cla, ins, p1, p2])
        if retail_mac(st.ks_mac, st.ssc.to_bytes(8, "big") + pad(header) + mac_in) != do8e.value:
            return self._drop()
        data = b""
        if do87 is not None:
            try:
                data = unpad(tdes_decrypt(st.ks_enc, do87.value[1:]))
            except CryptoError:
                return self._drop()
        le = None
        if do97 is not None:
            raw = int.from_bytes(do97.value, "big")
            le = raw or (65536 if len(do97.value) == 2 else 256)
        if ins == 0xB0:
            n = st.reads + 1
            if self.b.remove_after_reads is not None and n > self.b.remove_after_reads:
                self.remove_now = True
                return b""
            if self.b.bad_status_after_reads is not None and n > self.b.bad_status_after_reads:
                return b"\x6F\x00"
            if self.b.hang_after_reads is not None and n > self.b.hang_after_reads:
                self.hang_now = True
                return b""
        resp = self._execute(ins, p1, p2, data, le, sm=True)
        rdata, sw = resp[:-2], resp[-2:]
        st.ssc += 1
        out = b""
        if rdata:
            out += tlv.encode(0x87, b"\x01" + tdes_encrypt(st.ks_enc, pad(rdata)))
        out += tlv.encode(0x99, sw)
        mac = retail_mac(st.ks_mac, st.ssc.to_bytes(8, "big") + out)
        if (ins == 0xB0 and self.b.bad_mac_after_reads is not None
                and st.reads > self.b.bad_mac_after_reads):
            mac = bytes(b ^ 0xFF for b in mac)
        return out + tlv.encode(0x8E, mac) + sw


# ----------------------------------------------------------------------------- demo PKI


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Demo Ministry"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@dataclass
class DemoPKI:
    csca_key: ec.EllipticCurvePrivateKey
    csca: x509.Certificate
    ds_key: ec.EllipticCurvePrivateKey
    ds: x509.Certificate

    def csca_pem(self) -> bytes:
        return self.csca.public_bytes(serialization.Encoding.PEM)


def make_pki(cn: str = "Demo CSCA Vietnam") -> DemoPKI:
    now = dt.datetime.now(dt.UTC)
    csca_key = ec.generate_private_key(ec.SECP256R1())
    csca = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(csca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(csca_key, hashes.SHA256()))
    ds_key = ec.generate_private_key(ec.SECP256R1())
    ds = (x509.CertificateBuilder().subject_name(_name("Demo Document Signer"))
          .issuer_name(csca.subject).public_key(ds_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=3650))
          .sign(csca_key, hashes.SHA256()))
    return DemoPKI(csca_key, csca, ds_key, ds)


def build_sod(pki: DemoPKI, dgs: dict[int, bytes]) -> bytes:
    """EF.SOD (tag 77) over the given data groups, SHA-256, signed by the Document Signer."""
    lso = LDSSecurityObject({
        "version": 0,
        "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "data_group_hash_values": [
            {"data_group_number": n, "data_group_hash_value": hashlib.sha256(d).digest()}
            for n, d in sorted(dgs.items())],
    })
    econtent = lso.dump()
    ds_asn1 = cms.Certificate.load(pki.ds.public_bytes(serialization.Encoding.DER))
    signed_attrs = cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": [LDS_SECURITY_OBJECT_OID]}),
        cms.CMSAttribute({"type": "message_digest",
                          "values": [hashlib.sha256(econtent).digest()]}),
    ])
    signature = pki.ds_key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber({
            "issuer": ds_asn1.issuer, "serial_number": ds_asn1.serial_number})}),
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "signed_attrs": signed_attrs,
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
        "signature": signature,
    })
    sd = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": {"content_type": LDS_SECURITY_OBJECT_OID,
                               "content": core.ParsableOctetString(econtent)},
        "certificates": [ds_asn1],
        "signer_infos": [signer],
    })
    info = cms.ContentInfo({"content_type": "signed_data", "content": sd})
    return tlv.encode(0x77, info.dump())


def build_master_list(pki: DemoPKI) -> bytes:
    """A (unsigned-content-check) CSCA master list holding the test CSCA."""
    ml = CscaMasterList({"version": 0, "cert_list": [
        cms.Certificate.load(pki.csca.public_bytes(serialization.Encoding.DER))]})
    sd = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": {"content_type": CSCA_MASTER_LIST_OID,
                               "content": core.ParsableOctetString(ml.dump())},
        "signer_infos": [],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": sd}).dump()


class FakeTransport:
    """The Transport protocol over a FakeCccd, in process (no PC/SC)."""

    def __init__(self, card: FakeCccd) -> None:
        self.card = card
        self.atr = card.atr

    def transmit(self, apdu: bytes) -> bytes:
        return self.card.process(apdu)


def demo_card(citizen: Citizen | None = None, behaviour: Behaviour | None = None,
              photo: bytes | None = None) -> tuple[FakeCccd, DemoPKI, Citizen]:
    """A complete demo card, its PKI (put `pki.csca` in a trust store for `valid`) and holder."""
    citizen = citizen or Citizen()
    pki = make_pki()
    files = build_files(citizen, pki, photo if photo is not None else demo_photo())
    return FakeCccd(files, citizen.key_info, behaviour), pki, citizen
