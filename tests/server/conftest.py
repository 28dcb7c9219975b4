"""Fixtures for the central server: a real `counter-app server` process on loopback, against
SQLite and against a real PostgreSQL 15 started for the session. Reusable by other test dirs
(e.g. sync) with `pytest_plugins = ["tests.server.conftest"]` or by importing the helpers.

Fixtures
- `pg_cluster` (session): a throwaway PostgreSQL 15 cluster (initdb as user postgres, trust auth,
  127.0.0.1 and a socket dir in its temp dir, a free port), stopped after the session. Skips if the
  binaries are missing. `.database_url(name=None)` creates a fresh database and returns its
  `postgresql+psycopg://postgres@127.0.0.1:PORT/NAME` URL.
- `pg_database_url` (function): a fresh database in `pg_cluster`.
- `backend` (function, parametrised "sqlite" | "postgres"): the database URL to use (None = the
  server's SQLite file); the postgres case carries the `postgres` marker.
- `server_factory` (function): `server_factory(database_url=None, demo=True, args=(),
  data_dir=None)` starts a server process on a free port and returns a `ServerProcess` (`.url`, `.api`, `.data_dir`,
  `.database_url`, `.stop()`); every server is stopped at teardown.
- `demo_server` (module, parametrised sqlite | postgres): one shared `--demo-data` server per module
  and backend. Tests that change state must not assume an empty queue.
- `login(server, username, password="demo") -> dict` (helper): the Authorization header.
- `open_server_db(data_dir, database_url)` (helper): the server database, migrated, for seeding.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("COUNTER_APP_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- PostgreSQL ----------------------------------------------------------------------------------


class PgCluster:
    def __init__(self, base: Path, port: int) -> None:
        self.base = base
        self.port = port
        self.data = base / "pg"
        self.sock = base / "sock"
        self.log = base / "pg.log"

    def _as_postgres(self, *cmd: str, timeout: float = 60) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=timeout)

    def start(self, durable: bool = False) -> None:
        """`durable=False` (tests) turns fsync off: tests check behaviour, not the disk."""
        self.sock.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
        out = self._as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        if out.returncode != 0:
            raise RuntimeError(f"initdb failed: {out.stderr}")
        opts = (
            f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c max_connections=300 "
            + ("" if durable else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        )
        out = self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "start",
        )
        if out.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {out.stderr}\n{log}")

    def stop(self) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop"
        )

    def admin_url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def database_url(self, name: str | None = None) -> str:
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
            autocommit=True,
            connect_timeout=10,
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url(name)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 binaries not found in {PG_BIN}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("runuser is needed to run initdb as user postgres")
    base = Path(tempfile.mkdtemp(prefix="counter-pg-"))
    os.chmod(base, 0o755)
    cluster = PgCluster(base, free_port())
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_database_url(pg_cluster: PgCluster) -> str:
    return pg_cluster.database_url()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str | None:
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_cluster").database_url()


# --- server process ------------------------------------------------------------------------------


class ServerProcess:
    def __init__(
        self,
        data_dir: Path,
        database_url: str | None,
        demo: bool,
        args: tuple[str, ...],
        port: int | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api = self.url + "/api/v1"
        self.log_path = data_dir.parent / f"server-{self.port}.log"
        cmd = [
            sys.executable,
            "-m",
            "counter_app",
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(data_dir),
            *args,
        ]
        if not {"--seed-catalog", "--no-seed-catalog"} & set(args):
            cmd.append("--no-seed-catalog")  # tests seed the catalogs they need
        if database_url:
            cmd += ["--database", database_url]
        if demo:
            cmd.append("--demo-data")
        self._log = open(self.log_path, "wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("COUNTER_APP_")}
        self.proc = subprocess.Popen(
            cmd, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT, env=env
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.api + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server not ready in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def start_server(
    base: Path,
    database_url: str | None = None,
    demo: bool = True,
    args: tuple[str, ...] = (),
    data_dir: Path | None = None,
    port: int | None = None,
) -> ServerProcess:
    """A server process; `data_dir` + `port` of a stopped one restart it where it was."""
    data_dir = data_dir or base / f"srv-{uuid.uuid4().hex[:8]}"
    return ServerProcess(data_dir, database_url, demo, tuple(args), port)


@pytest.fixture
def server_factory(tmp_path: Path):
    started: list[ServerProcess] = []

    def factory(
        database_url: str | None = None,
        demo: bool = True,
        args: tuple[str, ...] = (),
        data_dir: Path | None = None,
    ) -> ServerProcess:
        srv = start_server(tmp_path, database_url, demo, args, data_dir)
        started.append(srv)
        return srv

    yield factory
    for srv in started:
        srv.stop()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    url = None
    if request.param == "postgres":
        url = request.getfixturevalue("pg_cluster").database_url()
    srv = start_server(tmp_path_factory.mktemp("demo-server"), url, demo=True)
    yield srv
    srv.stop()


def open_server_db(data_dir: Path, database_url: str | None):
    """The server's database opened (and migrated) in the test process, to seed it directly with
    the admin use cases (`counter_app.server.crud.admin`) before starting the server."""
    from counter_app.server.db import open_database
    from counter_app.server.settings import ServerSettings

    return open_database(ServerSettings(data_dir=data_dir, database_url=database_url))


@contextlib.contextmanager
def server_db(server: ServerProcess):  # type: ignore[no-untyped-def]
    """A running server's database opened in the test process, closed after the block."""
    db = open_server_db(server.data_dir, server.database_url)
    try:
        yield db
    finally:
        db.dispose()


def login(server: ServerProcess, username: str, password: str = "demo") -> dict[str, str]:
    r = httpx.post(
        server.api + "/auth/token", data={"username": username, "password": password}, timeout=10
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
