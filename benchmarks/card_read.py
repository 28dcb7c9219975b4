"""Card read benchmark: APDUs and bytes of a full read (DG1+DG2+DG13+SOD) against the minimum for
the card's block size, and the time per read over the virtual reader (private pcscd + vpcd + the
test card emulator). Needs root, pcscd and vsmartcard-vpcd.

    uv run --frozen python benchmarks/card_read.py [--reads 20]
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from counter_app.devices.card.icao import DEFAULT_BLOCK, EXTENDED_BLOCK  # noqa: E402
from counter_app.services.card_reader import CardKeys, read_card  # noqa: E402
from tests.card.conftest import (  # noqa: E402
    READER,
    _free_port_pair,
    _readers,
    _stop_foreign_pcscd,
    card_state,
    pcscd_lock,
)
from tests.card.emulator import Behaviour, CccdCard, Citizen, VirtualCard, build_files, test_photo  # noqa: E402
from tests.card.pki import make_pki  # noqa: E402


def minimum(files: dict[str, bytes], block: int) -> int:
    """SELECT AID, GET CHALLENGE, MUTUAL AUTHENTICATE, then per file 1 SELECT + ceil(size/block)."""
    return 3 + sum(1 + math.ceil(len(files[n]) / block) for n in ("DG1", "DG2", "DG13", "SOD"))


def run(port: int, label: str, behaviour: Behaviour, block: int, reads: int,
        files: dict[str, bytes], citizen: Citizen, trust: list) -> None:
    card = CccdCard(files, citizen.key_info, behaviour)
    vc = VirtualCard(card, port)
    vc.insert()
    card_state(True)
    keys = CardKeys.from_mrz(citizen.mrz)
    times = []
    result = None
    try:
        for _ in range(reads):
            t0 = time.perf_counter()
            result = read_card(keys, READER, trust, timeout=5)
            times.append(time.perf_counter() - t0)
    finally:
        vc.remove()
        card_state(False)
    assert result is not None and result.passive_auth.status == "valid"
    payload = sum(len(files[n]) for n in ("DG1", "DG2", "DG13", "SOD"))
    print(f"{label}: block {block} bytes")
    print(f"  APDUs per full read     {result.apdus:5d}   minimum {minimum(files, block):5d}")
    print(f"  bytes received (wire)   {result.bytes_in:5d}   file payload {payload:5d} "
          f"(SM + status overhead {100 * (result.bytes_in / payload - 1):.1f} %)")
    print(f"  time per read (n={reads}) median {1000 * statistics.median(times):.1f} ms, "
          f"min {1000 * min(times):.1f} ms, max {1000 * max(times):.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reads", type=int, default=20)
    args = parser.parse_args()
    with pcscd_lock():
        return bench(args.reads)


def bench(reads: int) -> int:
    _stop_foreign_pcscd()
    tmp = Path(tempfile.mkdtemp(prefix="card-bench-"))
    conf = tmp / "reader.conf.d"
    conf.mkdir()
    port = _free_port_pair()
    (conf / "vpcd").write_text(
        f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:{port}\n'
        f"LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID {port}\n")
    proc = subprocess.Popen(["pcscd", "--foreground", "--config", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while READER not in _readers():
            if time.monotonic() > deadline or proc.poll() is not None:
                print("pcscd did not come up", file=sys.stderr)
                return 3
            time.sleep(0.1)
        pki = make_pki()
        citizen = Citizen()
        files = build_files(citizen, pki, test_photo(15000))
        print("files: " + ", ".join(f"{n} {len(files[n])} B" for n in ("DG1", "DG2", "DG13", "SOD")))
        run(port, "short APDUs (default)", Behaviour(), DEFAULT_BLOCK, reads, files, citizen,
            [pki.csca])
        run(port, "extended length card", Behaviour(extended=True, max_answer=0x1000),
            EXTENDED_BLOCK, reads, files, citizen, [pki.csca])
        run(port, "card answering at most 0x80 bytes", Behaviour(max_answer=0x80),
            0x80, reads, files, citizen, [pki.csca])
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
