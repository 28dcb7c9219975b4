"""A throwaway server database for the benchmarks: a SQLite file, or a PostgreSQL 15 cluster of
its own (the test suite's `PgCluster`), migrated to head and removed afterwards."""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def server_database(postgres: bool) -> Iterator[tuple[Any, str | None]]:
    """(database, PostgreSQL URL or None for SQLite), disposed and removed after the block."""
    from tests.server.conftest import PgCluster, free_port, open_server_db

    with tempfile.TemporaryDirectory() as tmp:
        cluster = url = None
        if postgres:
            cluster = PgCluster(Path(tmp), free_port())
            cluster.start()
            url = cluster.database_url("bench")
        try:
            db = open_server_db(Path(tmp) / "srv", url)
            try:
                yield db, url
            finally:
                db.dispose()
        finally:
            if cluster is not None:
                cluster.stop()


def median_seconds(fn: Callable[[], Any], rounds: int) -> float:
    """The median wall time of `rounds` calls of `fn`."""
    runs = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)
