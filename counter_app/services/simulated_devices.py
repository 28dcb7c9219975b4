"""Simulated devices for `counter-app demo` on a PC without them: a newcomer can try the two
devices the product is built around. Never used outside the demo, and always labelled.

- Chip card: when no PC/SC reader answers, the project's software CCCD (`devices/card/fake.py`,
  a complete ICAO 9303 chip with its own demo CSCA) is plugged into the wizard in process; F5 on
  an empty QR field "scans" that card's QR first.
- Scanner: when SANE sees no scanner, SANE's own `test` backend is enabled for this process
  (a private SANE_CONFIG_DIR under the demo's data dir): devices `test:0`, `test:1`, shown as
  simulated in the scan dialog.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SANE_SYSTEM_TEST_CONF = Path("/etc/sane.d/test.conf")
SIMULATED_SCANNER_PREFIX = "test:"


def _has_card_reader() -> bool:
    try:
        from counter_app.services.card_reader import list_readers

        return bool(list_readers())
    except Exception:  # noqa: BLE001 - no pcscd, no library: no reader
        return False


def plug_simulated_card(extras: dict[str, Any]) -> str | None:
    """When no reader is present: the software card in `extras` (transport, trust store, its QR
    text); returns the card holder's name, None when a real reader is there."""
    if _has_card_reader():
        return None
    from counter_app.devices.card.fake import Citizen, FakeTransport, demo_card

    citizen = Citizen(
        id_number="001188012345",
        full_name="Trần Thị Mai Anh",
        latin_surname="TRAN",
        latin_given="THI MAI ANH",
        birth=dt.date(1988, 6, 21),
        sex="Nữ",
        issue=dt.date(2022, 5, 10),
        expiry=dt.date(2028, 6, 21),
        old_id="",
        place_of_residence="Số 8 ngõ 15 phố Chùa Láng, Phường Láng, Thành phố Hà Nội",
    )
    card, pki, citizen = demo_card(citizen)
    extras["card_transport"] = FakeTransport(card)
    extras["card_trust_store"] = [pki.csca]
    extras["card_simulated_qr"] = citizen.qr()
    return citizen.full_name


def enable_simulated_scanner(data_dir: Path) -> bool:
    """When SANE sees no scanner: its `test` backend for this process. True if enabled."""
    if shutil.which("scanimage") is None:
        return False
    from counter_app.devices.scanner.sane import list_devices

    try:
        if list_devices(timeout=10):
            return False
    except Exception:  # noqa: BLE001 - SANE unusable: try the test backend all the same
        pass
    conf = Path(data_dir) / "sane"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "dll.conf").write_text("test\n", encoding="ascii")
    if SANE_SYSTEM_TEST_CONF.exists():
        shutil.copyfile(SANE_SYSTEM_TEST_CONF, conf / "test.conf")
    os.environ["SANE_CONFIG_DIR"] = str(conf)
    return True


def is_simulated_scanner(name: str) -> bool:
    return name.startswith(SIMULATED_SCANNER_PREFIX)
