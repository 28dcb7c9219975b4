"""Fixtures for the card tests: a private pcscd with a vpcd reader on a free port, the test PKI,
and a virtual CCCD card connected to that reader."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.card.emulator import Behaviour, CccdCard, Citizen, VirtualCard, build_files, test_photo
from tests.card.pki import TestPKI, make_pki

READER = "Virtual PCD 00 00"
PCSCD_PID = Path("/run/pcscd/pcscd.pid")


def _free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port >= 65000:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("0.0.0.0", port))
                b.bind(("0.0.0.0", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port pair")


LOCK_FILE = Path(tempfile.gettempdir()) / "counter-app-pcscd.lock"
LOCK_WAIT = 600.0


@contextlib.contextmanager
def pcscd_lock(wait: float = LOCK_WAIT) -> Iterator[None]:
    """Only one pcscd can own /run/pcscd: test sessions (and the benchmark) on this machine take
    turns, waiting up to `wait` seconds for the one holding it."""
    with open(LOCK_FILE, "a+") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.skip(f"another test session kept pcscd for {wait:.0f} s")
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _stop_foreign_pcscd() -> None:
    """Only one pcscd can own /run/pcscd; stop a system one if it is running."""
    try:
        found = re.match(rb"\s*(\d+)", PCSCD_PID.read_bytes())  # pcscd writes "pid\n\0"
    except OSError:
        return
    if not found:
        return
    pid = int(found.group(1))
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for sig_after in (5.0, 5.0):
        deadline = time.monotonic() + sig_after
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            if not Path(f"/proc/{pid}/cmdline").read_bytes():  # a zombie: gone for our purpose
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _readers() -> list[str]:
    from counter_app.devices.card.pcsc import list_readers

    try:
        return list_readers()
    except Exception:  # noqa: BLE001 - no PC/SC stack: the tests that need a reader skip
        return []


class Pcscd:
    def __init__(self, port: int, proc: subprocess.Popen, log: Path) -> None:
        self.port = port
        self.proc = proc
        self.log = log


@pytest.fixture(scope="package")  # released when the card tests are done, not at session end
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pcscd]:
    binary = shutil.which("pcscd") or ("/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists()
                                       else None)
    driver = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
    if binary is None or not driver.exists():
        pytest.skip("pcscd or the vpcd driver (vsmartcard-vpcd) is not installed")
    if os.geteuid() != 0:
        pytest.skip("pcscd needs root to own /run/pcscd")
    with pcscd_lock():
        yield from _run_pcscd(binary, driver, tmp_path_factory)


def _run_pcscd(binary: str, driver: Path,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pcscd]:
    _stop_foreign_pcscd()
    tmp = tmp_path_factory.mktemp("pcscd")
    conf = tmp / "reader.conf.d"
    conf.mkdir()
    port = _free_port_pair()
    (conf / "vpcd").write_text(
        f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:{port}\n'
        f"LIBPATH {driver}\nCHANNELID {port}\n")
    log = tmp / "pcscd.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([binary, "--foreground", "--config", str(conf)],
                                stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while READER not in _readers():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait(5)
            pytest.fail(f"pcscd did not show the vpcd reader: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    try:
        yield Pcscd(port, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="session")
def pki() -> TestPKI:
    return make_pki()


@pytest.fixture(scope="session")
def photo() -> bytes:
    return test_photo(15000)


@pytest.fixture
def citizen() -> Citizen:
    return Citizen()


@pytest.fixture
def trust_dir(tmp_path: Path, pki: TestPKI) -> Path:
    d = tmp_path / "trust_store"
    d.mkdir()
    (d / "csca.pem").write_bytes(pki.csca_pem())
    return d


def card_state(present: bool, timeout: float = 10.0) -> None:
    """Wait until pcscd sees the card in READER (or sees the slot empty)."""
    from smartcard import scard

    from counter_app.devices.card.pcsc import Context, card_present

    deadline = time.monotonic() + timeout
    with Context() as ctx:
        while time.monotonic() < deadline:
            state = ctx.states([READER])[READER][0]
            if present and card_present(state):
                return
            if not present and state & scard.SCARD_STATE_EMPTY:
                return
            time.sleep(0.05)
    raise AssertionError(f"card present={present} not seen within {timeout}s")


class CardFactory:
    def __init__(self, pcscd: Pcscd, pki: TestPKI, photo: bytes) -> None:
        self.pcscd, self.pki, self.photo = pcscd, pki, photo
        self.cards: list[VirtualCard] = []

    def insert(self, citizen: Citizen, behaviour: Behaviour | None = None, *,
               tamper: str | None = None, parents_nested: bool = True) -> VirtualCard:
        files = build_files(citizen, self.pki, self.photo, tamper=tamper,
                            parents_nested=parents_nested)
        card = CccdCard(files, citizen.key_info, behaviour)
        vc = VirtualCard(card, self.pcscd.port)
        vc.insert()
        self.cards.append(vc)
        card_state(True)
        return vc

    def remove(self, vc: VirtualCard) -> None:
        vc.remove()
        card_state(False)


@pytest.fixture
def cards(pcscd: Pcscd, pki: TestPKI, photo: bytes) -> Iterator[CardFactory]:
    factory = CardFactory(pcscd, pki, photo)
    try:
        yield factory
    finally:
        for vc in factory.cards:
            vc.remove()
        try:
            card_state(False)
        except AssertionError:
            pass
