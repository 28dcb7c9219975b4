"""Fixtures for the app shell: a seeded demo store (real SQLite, migrations, demo catalog, today's
tickets and dossiers) copied per test from one seeded template, and a frozen clock."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from counter_app.config import Settings, load_settings
from counter_app.services.context import AppContext
from counter_app.ui import i18n

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Tuesday 24 Nov 2026, 09:30 at the counter.
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=TZ)


def frozen() -> dt.datetime:
    return NOW


def make_settings(data_dir: Path, **kw: Any) -> Settings:
    return load_settings(data_dir=data_dir, **kw)


def seed_data_dir(base: Path, *, today_at: dt.datetime | None) -> Path:
    """The demo's officers, counters and catalog in `base`; with `today_at`, also that day's
    tickets and dossiers."""
    from counter_app.services import catalog, demo_seed

    settings = make_settings(base)
    ctx = AppContext.open(settings)
    try:
        # Verifiers stamped with the real time (offline sign-in is valid for N days from now).
        demo_seed.seed_reference(ctx.store, settings)
        catalog.ensure_demo_catalog(ctx.store, actor="admin")
        if today_at is not None:
            demo_seed.seed_today(ctx.store, settings, now=today_at)
    finally:
        ctx.close()
    return base


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded data dir per session; tests get a copy (seeding costs seconds)."""
    return seed_data_dir(tmp_path_factory.mktemp("seeded"), today_at=NOW - dt.timedelta(minutes=5))


@pytest.fixture
def seeded_dir(seeded_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(seeded_template, target)
    target.chmod(0o700)
    return target


@pytest.fixture
def settings(seeded_dir: Path) -> Settings:
    return make_settings(seeded_dir)


@pytest.fixture
def ctx(settings: Settings) -> Iterator[AppContext]:
    context = AppContext.open(settings)
    yield context
    context.close()


@pytest.fixture(autouse=True)
def _vietnamese() -> Iterator[None]:
    i18n.set_language("vi")
    yield
    i18n.set_language("vi")


@pytest.fixture
def clock() -> Callable[[], dt.datetime]:
    return frozen


ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`counter-app server --demo-data` as a real process on a free loopback port."""
    import importlib.util

    import httpx

    if importlib.util.find_spec("counter_app.cli.server") is None:
        pytest.skip("this build has no `counter-app server` yet")
    base = tmp_path_factory.mktemp("server")
    port = free_port()
    log = (base / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "counter_app", "server", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(base / "data"), "--demo-data"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
        env=dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (base / "server.log").read_text()
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not answer /api/v1/health within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
