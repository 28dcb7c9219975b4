"""Issue 6 "Done when": a real server, 3 client processes behind a TCP fault proxy, kill -9 at
random points and at chosen ones (after a commit, mid-push, mid-blob-upload, mid-pull), a restored
older copy of a client's data dir, ±2 h clock skew; then drain and check every invariant."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.sync.faultlib import Harness, check


def run_suite(tmp_path: Path, server, kills: int, seed: int) -> dict:  # type: ignore[no-untyped-def]
    h = Harness(tmp_path / "run", server, seed=seed)
    h.base.mkdir()
    try:
        h.setup()
        time.sleep(1.5)
        restore_at = max(2, kills // 3)
        for i in range(kills):
            if i == restore_at:
                h.restore_scenario()
            h.kill_one()
        time.sleep(1.0)
        h.stop_all()
        h.drain()
        figures = check(h)
    finally:
        h.close()
    assert h.proxy is not None
    figures["kills"] = dict(h.kills)
    figures["faults"] = dict(h.proxy.counts)
    print("fault suite:", figures)
    assert sum(h.proxy.counts.values()) > 0
    # the restored copy was detected as regressed and moved to a new epoch
    assert figures["epochs"][h.restored_device[-4:]] > 1, figures
    return figures


@pytest.mark.timeout(600)
def test_fault_suite_sqlite(tmp_path, server_factory):  # type: ignore[no-untyped-def]
    run_suite(tmp_path, server_factory(), kills=7, seed=11)


@pytest.mark.postgres
@pytest.mark.timeout(600)
def test_fault_suite_postgres(tmp_path, server_factory, pg_database_url):  # type: ignore[no-untyped-def]
    run_suite(tmp_path, server_factory(database_url=pg_database_url), kills=4, seed=12)


@pytest.mark.soak
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("seed", [21, 22])
def test_fault_suite_soak_sqlite(tmp_path, server_factory, seed):  # type: ignore[no-untyped-def]
    run_suite(tmp_path, server_factory(), kills=60, seed=seed)


@pytest.mark.soak
@pytest.mark.timeout(3600)
@pytest.mark.postgres
def test_fault_suite_soak_postgres(tmp_path, server_factory, pg_database_url):  # type: ignore[no-untyped-def]
    run_suite(tmp_path, server_factory(database_url=pg_database_url), kills=30, seed=23)
