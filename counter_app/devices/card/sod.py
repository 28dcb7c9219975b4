"""EF.SOD and passive authentication (ICAO 9303-10 §4.6.2, 9303-11 §5.1; RFC 5652).

Result: `valid` (every data group hash, the SOD signature and the Document Signer certificate
against a CSCA of the trust store all check out), `unverified` (hashes and signature right but no
trust store or no CSCA for this issuer), `failed` (any hash, signature or certificate mismatch,
or an SOD that cannot be parsed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import algos, cms, core
from asn1crypto import x509 as a_x509

from counter_app.devices.card import tlv

LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"
CSCA_MASTER_LIST_OID = "2.23.136.1.1.2"

_HASHES = {"sha1": hashlib.sha1, "sha224": hashlib.sha224, "sha256": hashlib.sha256,
           "sha384": hashlib.sha384, "sha512": hashlib.sha512}


class DataGroupHash(core.Sequence):
    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]


class DataGroupHashValues(core.SequenceOf):
    _child_spec = DataGroupHash


class LDSVersionInfo(core.Sequence):
    _fields = [("lds_version", core.PrintableString), ("unicode_version", core.PrintableString)]


class LDSSecurityObject(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
        ("lds_version_info", LDSVersionInfo, {"optional": True}),
    ]


class CertificateSet(core.SetOf):
    _child_spec = a_x509.Certificate


class CscaMasterList(core.Sequence):
    _fields = [("version", core.Integer), ("cert_list", CertificateSet)]


class SODError(ValueError):
    pass


@dataclass
class PassiveAuthResult:
    status: str  # valid | unverified | failed
    detail: str
    hashes: dict[int, bool] = field(default_factory=dict)
    signer: str | None = None
    csca: str | None = None

    def as_json(self) -> dict[str, str]:
        return {"status": self.status, "detail": self.detail}


@dataclass
class SOD:
    signed_data: cms.SignedData
    hash_algorithm: str
    hashes: dict[int, bytes]
    econtent: bytes


def parse_sod(data: bytes) -> SOD:
    try:
        outer = tlv.parse_one(data)
        if outer.tag != 0x77:
            raise SODError(f"EF.SOD tag {outer.tag:X}, expected 77")
        info = cms.ContentInfo.load(outer.value, strict=True)
        if info["content_type"].native != "signed_data":
            raise SODError("EF.SOD is not CMS SignedData")
        sd = info["content"]
        eci = sd["encap_content_info"]
        if eci["content_type"].dotted != LDS_SECURITY_OBJECT_OID:
            raise SODError("EF.SOD does not hold an LDS security object")
        econtent = bytes(eci["content"].native)
        lso = LDSSecurityObject.load(econtent, strict=True)
        algo = lso["hash_algorithm"]["algorithm"].native
        if algo not in _HASHES:
            raise SODError(f"unsupported hash algorithm {algo}")
        hashes = {int(h["data_group_number"].native): bytes(h["data_group_hash_value"].native)
                  for h in lso["data_group_hash_values"]}
        return SOD(sd, algo, hashes, econtent)
    except SODError:
        raise
    except Exception as exc:  # noqa: BLE001 - untrusted bytes: any parser failure is a bad SOD
        raise SODError(f"EF.SOD cannot be parsed: {type(exc).__name__}: {exc}") from None


# ----------------------------------------------------------------------------- trust store


def load_trust_store(directory: Path | str | None) -> list:
    """Certificates (cryptography objects) from every PEM/DER file of a directory."""
    from cryptography import x509

    if directory is None:
        return []
    root = Path(directory)
    if not root.is_dir():
        return []
    certs = []
    for path in sorted(root.iterdir()):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        try:
            if b"-----BEGIN CERTIFICATE-----" in raw:
                certs += x509.load_pem_x509_certificates(raw)
            else:
                certs.append(x509.load_der_x509_certificate(raw))
            continue
        except ValueError:
            pass
        try:  # an ICAO master list dropped in as is
            certs += [x509.load_der_x509_certificate(c) for c in master_list_certificates(raw)]
        except (SODError, ValueError):
            continue  # neither (README…): ignored
    return certs


def master_list_certificates(data: bytes) -> list[bytes]:
    """DER certificates of an ICAO CSCA master list (CMS SignedData)."""
    try:
        info = cms.ContentInfo.load(data)
        sd = info["content"]
        if sd["encap_content_info"]["content_type"].dotted != CSCA_MASTER_LIST_OID:
            raise SODError("not a CSCA master list")
        ml = CscaMasterList.load(bytes(sd["encap_content_info"]["content"].native))
        return [cert.dump() for cert in ml["cert_list"]]
    except SODError:
        raise
    except Exception as exc:  # noqa: BLE001 - untrusted bytes
        raise SODError(f"master list cannot be parsed: {exc}") from None


def import_master_list(data: bytes, directory: Path | str) -> int:
    """Store the CSCA certificates of an ICAO master list (CMS SignedData) as DER files.

    Returns how many certificates were new. The master list's own signature is not a trust
    anchor here: the admin chooses which list to import.
    """
    certs = master_list_certificates(data)
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    new = 0
    for der in certs:
        path = root / f"{hashlib.sha256(der).hexdigest()[:32]}.der"
        if not path.exists():
            path.write_bytes(der)
            new += 1
    return new


# ----------------------------------------------------------------------------- verification


def _verify_signature(public_key, signature: bytes, data: bytes, sig_algo, hash_name: str) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    h = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
         "sha384": hashes.SHA384, "sha512": hashes.SHA512}[hash_name]()
    name = sig_algo.signature_algo
    if isinstance(public_key, rsa.RSAPublicKey):
        if name == "rsassa_pss":
            params = sig_algo["parameters"]
            salt = int(params["salt_length"].native)
            mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
            mgf = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
                   "sha384": hashes.SHA384, "sha512": hashes.SHA512}[mgf_hash]()
            public_key.verify(signature, data, padding.PSS(padding.MGF1(mgf), salt), h)
        else:
            public_key.verify(signature, data, padding.PKCS1v15(), h)
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        if signature[:1] != b"\x30":  # plain r ‖ s (BSI TR-03111) instead of DER
            n = len(signature) // 2
            signature = encode_dss_signature(int.from_bytes(signature[:n], "big"),
                                             int.from_bytes(signature[n:], "big"))
        public_key.verify(signature, data, ec.ECDSA(h))
    else:
        raise SODError(f"unsupported key type {type(public_key).__name__}")


def _signer_cert(sd: cms.SignedData, signer: cms.SignerInfo):
    from cryptography import x509

    sid = signer["sid"]
    for choice in sd["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            if cert.issuer == ias["issuer"] and cert.serial_number == ias["serial_number"].native:
                return x509.load_der_x509_certificate(cert.dump())
        elif cert.key_identifier == sid.chosen.native:
            return x509.load_der_x509_certificate(cert.dump())
    raise SODError("the Document Signer certificate is not in EF.SOD")


def passive_authentication(sod_bytes: bytes, dgs: dict[int, bytes],
                           trust_store: list | None) -> PassiveAuthResult:
    """Check every data group read, the SOD signature and the Document Signer chain."""
    try:
        sod = parse_sod(sod_bytes)
    except SODError as exc:
        return PassiveAuthResult("failed", str(exc))
    hashfn = _HASHES[sod.hash_algorithm]
    checks: dict[int, bool] = {}
    for n, data in sorted(dgs.items()):
        expected = sod.hashes.get(n)
        checks[n] = expected is not None and hashfn(data).digest() == expected
    bad = [f"DG{n}" for n, ok in checks.items() if not ok]
    if bad:
        return PassiveAuthResult("failed", "hash mismatch: " + ", ".join(bad), checks)
    try:
        ds, ds_name = _check_signature(sod)
    except SODError as exc:
        return PassiveAuthResult("failed", str(exc), checks)
    except Exception as exc:  # noqa: BLE001 - InvalidSignature and friends from cryptography
        return PassiveAuthResult("failed", f"SOD signature invalid ({type(exc).__name__})", checks,
                                 None)
    dg_list = ", ".join(f"DG{n}" for n in checks)
    if not trust_store:
        return PassiveAuthResult("unverified", f"hashes ({dg_list}) and signature right; no CSCA "
                                 "trust store", checks, ds_name)
    candidates = [c for c in trust_store if c.subject == ds.issuer]
    if not candidates:
        return PassiveAuthResult("unverified", f"hashes ({dg_list}) and signature right; issuer "
                                 f"'{ds.issuer.rfc4514_string()}' not in the trust store", checks,
                                 ds_name)
    errors = []
    for csca in candidates:
        try:
            ds.verify_directly_issued_by(csca)
        except Exception as exc:  # noqa: BLE001 - InvalidSignature, ValueError, TypeError
            errors.append(type(exc).__name__)
            continue
        return PassiveAuthResult("valid", f"hashes ({dg_list}), signature and Document Signer "
                                 "certificate verified", checks, ds_name,
                                 csca.subject.rfc4514_string())
    return PassiveAuthResult("failed", "Document Signer certificate not signed by the CSCA of "
                             f"the trust store ({', '.join(errors)})", checks, ds_name)


def _check_signature(sod: SOD):
    sd = sod.signed_data
    signers = list(sd["signer_infos"])
    if len(signers) != 1:
        raise SODError(f"EF.SOD has {len(signers)} signers, expected 1")
    si = signers[0]
    digest_name = si["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        raise SODError(f"unsupported digest {digest_name}")
    ds = _signer_cert(sd, si)
    attrs = si["signed_attrs"]
    if attrs is None or not len(attrs):
        signed = sod.econtent
    else:
        digest = None
        ctype = None
        for attr in attrs:
            kind = attr["type"].native
            if kind == "message_digest":
                digest = bytes(attr["values"][0].native)
            elif kind == "content_type":
                ctype = attr["values"][0].dotted
        if ctype not in (None, LDS_SECURITY_OBJECT_OID):
            raise SODError("signed content type is not the LDS security object")
        if digest != _HASHES[digest_name](sod.econtent).digest():
            raise SODError("SOD message digest does not match its content")
        signed = b"\x31" + attrs.dump()[1:]
    _verify_signature(ds.public_key(), bytes(si["signature"].native), signed,
                      si["signature_algorithm"], digest_name)
    return ds, ds.subject.rfc4514_string()
