"""Test PKI: a CSCA, a Document Signer and EF.SOD built with cryptography + asn1crypto."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from asn1crypto import algos, cms, core
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from counter_app.devices.card import tlv
from counter_app.devices.card.sod import LDS_SECURITY_OBJECT_OID, LDSSecurityObject


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Ministry"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@dataclass
class TestPKI:
    csca_key: ec.EllipticCurvePrivateKey
    csca: x509.Certificate
    ds_key: ec.EllipticCurvePrivateKey
    ds: x509.Certificate

    def csca_pem(self) -> bytes:
        return self.csca.public_bytes(serialization.Encoding.PEM)


def make_pki(cn: str = "Test CSCA Vietnam") -> TestPKI:
    now = dt.datetime.now(dt.UTC)
    csca_key = ec.generate_private_key(ec.SECP256R1())
    csca = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(csca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(csca_key, hashes.SHA256()))
    ds_key = ec.generate_private_key(ec.SECP256R1())
    ds = (x509.CertificateBuilder().subject_name(_name("Test Document Signer"))
          .issuer_name(csca.subject).public_key(ds_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=3650))
          .sign(csca_key, hashes.SHA256()))
    return TestPKI(csca_key, csca, ds_key, ds)


def build_sod(pki: TestPKI, dgs: dict[int, bytes]) -> bytes:
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


def build_master_list(pki: TestPKI) -> bytes:
    """A (unsigned-content-check) CSCA master list holding the test CSCA."""
    from counter_app.devices.card.sod import CSCA_MASTER_LIST_OID, CscaMasterList

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
