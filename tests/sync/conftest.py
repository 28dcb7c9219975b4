"""Sync tests: a real `counter-app server` process on loopback (the server tests' fixtures),
client data dirs enrolled through it, and (in the fault suite) client processes and a fault proxy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.conftest import (  # noqa: F401 - fixtures re-exported for this directory
    open_server_db,
    pg_cluster,
    pg_database_url,
    server_factory,
    start_server,
)
from tests.sync import clientlib


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One `--demo-data` server per module (start-up is slow on a loaded machine); each test
    enrols its own device, and checks only that device's rows."""
    srv = start_server(tmp_path_factory.mktemp("sync-server"))
    yield srv
    srv.stop()


@pytest.fixture
def client(tmp_path: Path, server):  # type: ignore[no-untyped-def]
    """A freshly enrolled client (a new device): (store, settings), closed after the test."""
    data = tmp_path / "client"
    clientlib.setup_client(data, server.url)
    store, settings = clientlib.open_client(data)
    yield store, settings
    store.close()
