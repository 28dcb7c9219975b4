"""Server database: engines for SQLite (default) and PostgreSQL, transactions, migrations.

SQLite: WAL, `synchronous=FULL`, a busy timeout, and writes in `BEGIN IMMEDIATE` (the SQLAlchemy
"begin" event recipe). Writers of this process also queue on a lock before BEGIN IMMEDIATE, so
they are served in turn instead of polling SQLite's busy handler (which sleeps up to 100 ms).
PostgreSQL: READ COMMITTED; the queue takes a per-center lock row (`queue_state … FOR UPDATE`).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlmodel import Session

from counter_app.server.settings import ServerSettings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    from counter_app.store.db import sqlite_engine

    return sqlite_engine(url, immediate=immediate, pool_size=50, max_overflow=50)


class Database:
    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.url = settings.url
        self.is_sqlite = settings.is_sqlite
        self._write_lock = threading.Lock()
        self._cache: dict[object, tuple[float, object]] = {}
        if self.is_sqlite:
            path = settings.sqlite_path
            assert path is not None
            from counter_app.locations import ensure_private_dir

            ensure_private_dir(path.parent)
            self.writer = _sqlite_engine(self.url, immediate=True)
            self.reader = _sqlite_engine(self.url, immediate=False)
        else:
            self.writer = create_engine(
                self.url,
                pool_size=20,
                max_overflow=30,
                pool_pre_ping=True,
                pool_timeout=30,
                hide_parameters=True,  # a failed statement's values never reach a log
            )
            self.reader = self.writer

    def is_cached(self, key: object) -> bool:
        """True if `cached(key, …)` would answer without loading."""
        hit = self._cache.get(key)
        return hit is not None and hit[0] > time.monotonic()

    def cached(self, key: object, ttl: float, load, *, refresh: bool = False):  # -> Any
        """A small TTL cache for rows read on every request (the signed-in officer);
        `refresh` loads again whatever the cache holds."""
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit is not None and hit[0] > now and not refresh:
            return hit[1]
        value = load()
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (now + ttl, value)
        return value

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction (BEGIN IMMEDIATE on SQLite): committed on exit, rolled back on error."""
        if self.is_sqlite:
            with self._write_lock, Session(self.writer, expire_on_commit=False) as session:
                with session.begin():
                    yield session
        else:
            with Session(self.writer, expire_on_commit=False) as session:
                with session.begin():
                    yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.reader, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()


# --- migrations --------------------------------------------------------------------------------


def alembic_config(url: str):  # -> alembic.config.Config
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@functools.cache
def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(db: Database) -> bool:
    """Bring the schema to head; snapshot an existing SQLite file first. True if it migrated."""
    from alembic import command

    head = head_revision()
    current = current_revision(db.writer)
    if current == head:
        return False
    path = db.settings.sqlite_path
    if path is not None and current is not None and path.exists():
        from counter_app.store.migrate import snapshot

        snapshot(path, current)
    cfg = alembic_config(db.url)
    with db.writer.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True


def open_database(settings: ServerSettings, *, run_migrations: bool = True) -> Database:
    db = Database(settings)
    if run_migrations:
        migrate(db)
    return db
