"""Read a chip ID card: the use case the TUI and `counter-app card read` call.

    keys = CardKeys.from_qr(qr_text)              # or from_mrz(text) / from_dates(id, birth, exp)
    result = read_card(keys, progress=on_progress) # CardReadResult; to_json() for the CLI

pyscard is imported only inside the functions that talk to the reader.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counter_app.domain import identity as idt
from counter_app.errors import BadInput

Progress = Callable[[str, int, int], None]

TRUST_STORE_DIRNAME = "trust_store"


# ----------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class CardKeys:
    """BAC key candidates (MRZ information strings), most likely first, at most 3."""

    infos: tuple[str, ...]
    source: str  # qr | mrz | dates
    id_number: str | None = None
    birth_date: dt.date | None = None
    expiry_candidates: tuple[dt.date | None, ...] = ()

    @classmethod
    def from_dates(cls, id_number: str, birth_date: dt.date,
                   expiry_date: dt.date | None) -> CardKeys:
        """Typed ID number + birth date + expiry date (None = the card does not expire)."""
        idt.validate_id_number(id_number, birth_date)
        return cls._build(id_number, birth_date, [expiry_date], "dates")

    @classmethod
    def from_qr(cls, text: str) -> CardKeys:
        """From the card's QR: candidate expiry dates by the validity rule, tried in order."""
        qr = idt.parse_card_qr(text)
        idt.validate_id_number(qr.id_number, qr.birth_date)
        if qr.issue_date is None:
            raise BadInput("mã QR không có ngày cấp, hãy nhập ngày hết hạn / the QR has no issue "
                           "date; type the expiry date", field="qr")
        candidates = idt.candidate_expiry_dates(qr.birth_date, qr.issue_date)
        return cls._build(qr.id_number, qr.birth_date, candidates, "qr")

    @classmethod
    def from_mrz(cls, text: str) -> CardKeys:
        mrz = idt.parse_mrz_td1(text)
        birth = None
        try:
            birth = mrz.birth_date()
        except ValueError:
            pass
        return cls((mrz.bac_key_info,), "mrz", mrz.id_number, birth, (mrz.expiry_date,))

    @classmethod
    def _build(cls, id_number: str, birth: dt.date, expiries: list[dt.date | None],
               source: str) -> CardKeys:
        doc = idt.document_number_from_id(id_number)
        b = birth.strftime("%y%m%d")
        infos: list[str] = []
        for exp in expiries:
            if exp is None:
                # Vietnamese cards that do not expire carry 991231; others use fillers.
                infos.append(idt.mrz_key_info(doc, b, idt.NO_EXPIRY_MRZ))
                infos.append(doc + idt.mrz_check_digit(doc) + b + idt.mrz_check_digit(b)
                             + "<<<<<<<")
            else:
                infos.append(idt.mrz_key_info(doc, b, idt.mrz_date(exp)))
        unique = tuple(dict.fromkeys(infos))[: idt.MAX_CANDIDATES]
        return cls(unique, source, id_number, birth, tuple(expiries))


# ----------------------------------------------------------------------------- result


@dataclass
class Photo:
    format: str
    data: bytes
    sha256: str


@dataclass
class PassiveAuth:
    status: str  # valid | unverified | failed
    detail: str


@dataclass
class CardReadResult:
    id_number: str | None
    full_name: str | None
    date_of_birth: dt.date | None
    sex: str | None
    nationality: str | None
    ethnicity: str | None
    religion: str | None
    place_of_origin: str | None
    place_of_residence: str | None
    identifying_marks: str | None
    issue_date: dt.date | None
    expiry_date: dt.date | None
    father_name: str | None
    mother_name: str | None
    spouse_name: str | None
    old_id_number: str | None
    photo: Photo | None
    passive_auth: PassiveAuth
    mrz: str | None = None
    reader: str | None = None
    warnings: list[str] = field(default_factory=list)
    apdus: int = 0
    bytes_in: int = 0

    def to_json(self) -> dict[str, Any]:
        def d(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id_number": self.id_number, "full_name": self.full_name,
            "date_of_birth": d(self.date_of_birth), "sex": self.sex,
            "nationality": self.nationality, "ethnicity": self.ethnicity,
            "religion": self.religion, "place_of_origin": self.place_of_origin,
            "place_of_residence": self.place_of_residence,
            "identifying_marks": self.identifying_marks,
            "issue_date": d(self.issue_date), "expiry_date": d(self.expiry_date),
            "father_name": self.father_name, "mother_name": self.mother_name,
            "spouse_name": self.spouse_name, "old_id_number": self.old_id_number,
            "photo": ({"format": self.photo.format, "sha256": self.photo.sha256}
                      if self.photo else None),
            "passive_auth": {"status": self.passive_auth.status,
                             "detail": self.passive_auth.detail},
        }


# ----------------------------------------------------------------------------- trust store


def default_trust_store(data_dir: Path | str | None) -> Path | None:
    if data_dir is None:
        return None
    path = Path(data_dir) / TRUST_STORE_DIRNAME
    return path if path.is_dir() else None


def import_master_list(path: Path | str, trust_store: Path | str) -> int:
    """Import an ICAO CSCA master list file into a trust store directory (new certificates)."""
    from counter_app.devices.card.sod import SODError
    from counter_app.devices.card.sod import import_master_list as _import

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(f"không đọc được tệp '{path}' / cannot read '{path}': {exc.strerror}",
                       field="master_list") from None
    try:
        return _import(data, trust_store)
    except SODError as exc:
        raise BadInput(f"danh sách CSCA không hợp lệ / invalid CSCA master list: {exc}",
                       field="master_list") from None


# ----------------------------------------------------------------------------- readers


def list_readers() -> list[str]:
    from counter_app.devices.card.pcsc import list_readers as _list

    return _list()


def wait_for_card(reader: str | None = None, timeout: float = 0.0,
                  cancel: threading.Event | None = None) -> str:
    """The reader that holds a card (NoReader / NoCard after `timeout` seconds)."""
    from counter_app.devices.card.pcsc import wait_for_card as _wait

    return _wait(reader, timeout, cancel)


def watch_cards(callback: Callable[[str, bool], None], stop: threading.Event) -> None:
    """Blocking loop calling callback(reader, present) on insert/remove until `stop` is set."""
    from counter_app.devices.card.pcsc import watch_cards as _watch

    _watch(callback, stop)


# ----------------------------------------------------------------------------- reading


def read_card(keys: CardKeys, reader: str | None = None,
              trust_store: Path | str | list | None = None,
              progress: Progress | None = None, *, timeout: float = 0.0,
              deadline: float | None = None, transport: Any = None,
              on_card: Callable[[str], None] | None = None) -> CardReadResult:
    """Read the card in `reader` (or the first reader holding a card) with `keys`.

    `timeout`: seconds to wait for a reader and a card. `deadline`: seconds the card may take
    once found; a card that stops answering gives CardNotResponding instead of hanging (the
    PC/SC call is left behind in a daemon thread and ends when the card is removed).
    Raises NoReader/NoCard (3), WrongKeys (4), CardRemoved/CardProtocolError/CardNotResponding
    (6). A failed passive authentication is not raised: it is in the result (the CLI exits 5).
    `transport` lets tests and demos use an in-process card instead of PC/SC.
    """
    if deadline is not None and transport is None:
        return _with_deadline(deadline, read_card, keys, reader, trust_store, progress,
                              timeout=timeout, on_card=on_card)
    from counter_app.devices.card.reader import read_document

    if transport is not None:
        raw = read_document(transport, list(keys.infos), progress=progress)
        return build_result(raw.files, trust_store, reader=None, stats=raw.stats)

    from counter_app.devices.card.icao import extended_length_from_atr
    from counter_app.devices.card.pcsc import PcscConnection

    name = wait_for_card(reader, timeout)
    if on_card is not None:
        on_card(name)
    with PcscConnection(name) as conn:
        raw = read_document(conn, list(keys.infos), progress=progress,
                            extended=extended_length_from_atr(conn.atr))
    return build_result(raw.files, trust_store, reader=name, stats=raw.stats)


def _with_deadline(deadline: float, fn: Callable[..., CardReadResult], *args: Any,
                   timeout: float = 0.0,
                   on_card: Callable[[str], None] | None = None) -> CardReadResult:
    from counter_app.devices.card.errors import CardNotResponding

    box: dict[str, Any] = {}
    found = threading.Event()

    def found_card(name: str) -> None:
        found.set()
        if on_card is not None:
            on_card(name)

    def run() -> None:
        try:
            box["result"] = fn(*args, timeout=timeout, on_card=found_card)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc
        finally:
            found.set()

    worker = threading.Thread(target=run, name="card-read", daemon=True)
    worker.start()
    found.wait(timeout + 10.0)  # waiting for the card is bounded by `timeout` itself
    worker.join(deadline)
    if worker.is_alive():
        raise CardNotResponding(deadline)
    if "error" in box:
        raise box["error"]
    return box["result"]


def build_result(files: dict[str, bytes], trust_store: Path | str | list | None, *,
                 reader: str | None = None, stats: Any = None) -> CardReadResult:
    """Parse the data groups and run passive authentication."""
    from counter_app.devices.card import lds, sod
    from counter_app.devices.card.errors import CardProtocolError

    warnings: list[str] = []
    mrz_text = face = mrz = None
    personal = lds.PersonalData()
    try:
        mrz_text = lds.parse_dg1(files["DG1"])
        mrz = idt.parse_mrz_td1(mrz_text)
    except (lds.LDSError, BadInput) as exc:
        warnings.append(f"DG1: {exc}")
    if "DG2" in files:
        try:
            face = lds.parse_dg2(files["DG2"])
        except lds.LDSError as exc:
            warnings.append(str(exc))
    if "DG13" in files:
        try:
            personal = lds.parse_dg13(files["DG13"])
        except lds.LDSError as exc:
            warnings.append(str(exc))
        warnings += personal.problems or []
    if mrz is None and personal.id_number is None:
        raise CardProtocolError("DG1/DG13: " + "; ".join(warnings))
    if isinstance(trust_store, list):
        certs = trust_store
    else:
        certs = sod.load_trust_store(trust_store)
    dgs = {n: files[f"DG{n}"] for n in (1, 2, 13) if f"DG{n}" in files}
    if "SOD" in files:
        pa = sod.passive_authentication(files["SOD"], dgs, certs)
    else:
        pa = sod.PassiveAuthResult("failed", "the card has no EF.SOD")
    if face is None and "DG2" not in files:
        warnings.append("thẻ không có ảnh (DG2) / the card has no face image (DG2)")

    id_number = personal.id_number or (mrz.id_number if mrz else None)
    if mrz is not None and personal.id_number and mrz.id_number \
            and mrz.id_number != personal.id_number:
        warnings.append("số định danh trong DG1 và DG13 khác nhau / ID number differs between "
                        "DG1 and DG13")
    birth = personal.date_of_birth
    if birth is None and mrz is not None:
        try:
            birth = mrz.birth_date()
        except ValueError:
            birth = None
    expiry = personal.expiry_date
    if expiry is None and not personal.no_expiry and mrz is not None:
        expiry = mrz.expiry_date
    sex = personal.sex
    if sex is None and mrz is not None and mrz.sex in "MF":
        sex = "Nam" if mrz.sex == "M" else "Nữ"

    def nz(value: str | None) -> str | None:
        return value if value else None

    return CardReadResult(
        id_number=nz(id_number),
        full_name=nz(personal.full_name) or (mrz.name if mrz else None),
        date_of_birth=birth, sex=nz(sex), nationality=nz(personal.nationality),
        ethnicity=nz(personal.ethnicity), religion=nz(personal.religion),
        place_of_origin=nz(personal.place_of_origin),
        place_of_residence=nz(personal.place_of_residence),
        identifying_marks=nz(personal.identifying_marks),
        issue_date=personal.issue_date, expiry_date=expiry,
        father_name=nz(personal.father_name), mother_name=nz(personal.mother_name),
        spouse_name=nz(personal.spouse_name), old_id_number=nz(personal.old_id_number),
        photo=(Photo(face.format, face.data, hashlib.sha256(face.data).hexdigest())
               if face is not None else None),
        passive_auth=PassiveAuth(pa.status, pa.detail),
        mrz=mrz_text, reader=reader, warnings=warnings,
        apdus=getattr(stats, "apdus", 0), bytes_in=getattr(stats, "bytes_in", 0),
    )
