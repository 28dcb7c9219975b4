"""The local SQLite store: engine set-up, transactions, event log and outbox helpers.

- WAL, `synchronous=FULL`, foreign keys on, a busy timeout: the TUI and CLI commands may use one
  data dir at the same time (docs/DESIGN.md §4.1).
- Writes run in `BEGIN IMMEDIATE` (the SQLAlchemy "begin" event recipe), so two writers never
  deadlock on a lock upgrade; one user action = one `Store.write()` block = one transaction.
- Every change that must reach the server writes its outbox row in the same transaction
  (`record()`), with a gap-free `device_seq`, a UUIDv7 `op_id` and an HLC stamp.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func
from sqlmodel import Session, select

from counter_app.domain.hlc import HLC
from counter_app.domain.ids import uuid7_str
from counter_app.store.models import Event, Outbox, SyncState

BUSY_TIMEOUT_MS = 15_000
SCHEMA_VERSION = 1  # version of the op payloads written to the outbox


def sqlite_engine(url: str, *, immediate: bool, **engine_kw: object) -> Engine:
    """A SQLite engine with the pragmas of docs/DESIGN.md §4.1; its transactions start with
    BEGIN IMMEDIATE (writers) or BEGIN (readers). Shared by the counter store and the server."""
    _private_file(url)
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        hide_parameters=True,  # a failed statement's values (a citizen's data) never reach a log
        **engine_kw,  # type: ignore[arg-type]
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _private_file(url: str) -> None:
    """The database file (and the WAL and shared-memory files SQLite creates with the same
    mode) readable by its owner only: created 0600, or brought to 0600 if it was not."""
    path_text = url.removeprefix("sqlite:///")
    if path_text in ("", ":memory:") or path_text.startswith("file:") or url == path_text:
        return
    path = Path(path_text)
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if p.exists() and p.stat().st_mode & 0o077:
                os.chmod(p, 0o600)
    except OSError:
        pass  # a read-only or missing folder: SQLite itself reports it when opening


def _make_engine(db_path: Path, *, immediate: bool) -> Engine:
    return sqlite_engine(f"sqlite:///{db_path}", immediate=immediate)


class Store:
    """One SQLite file. Open it with `Store.open(path)` (runs migrations after a snapshot)."""

    def __init__(self, path: Path, writer: Engine, reader: Engine) -> None:
        self.path = path
        self._writer = writer
        self._reader = reader

    @classmethod
    def open(cls, path: Path | str, *, migrate: bool = True) -> Store:
        from counter_app.locations import ensure_private_dir

        path = Path(path)
        ensure_private_dir(path.parent)
        writer = _make_engine(path, immediate=True)
        reader = _make_engine(path, immediate=False)
        store = cls(path, writer, reader)
        if migrate:
            from counter_app.store.migrate import SCHEMA_HEAD, stored_revision

            if stored_revision(path) != SCHEMA_HEAD:
                from counter_app.store.migrate import upgrade

                upgrade(writer, path)
        return store

    @property
    def engine(self) -> Engine:
        return self._writer

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self._reader, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A BEGIN IMMEDIATE transaction: committed on normal exit, rolled back on error."""
        with Session(self._writer, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def close(self) -> None:
        self._writer.dispose()
        self._reader.dispose()


# --- small key/value state -------------------------------------------------------------------


def get_state(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(SyncState, key)
    return default if row is None or row.value is None else row.value


def set_state(session: Session, key: str, value: Any) -> None:
    row = session.get(SyncState, key)
    if row is None:
        session.add(SyncState(key=key, value=value))
    else:
        row.value = value
        session.add(row)


def device_info(session: Session) -> dict[str, Any]:
    """This install's identity: id, 2-digit slot, epoch. Created on first use (unenrolled)."""
    info = get_state(session, "device")
    if info is None:
        info = {"id": uuid7_str(), "slot": "00", "epoch": 1, "enrolled": False}
        set_state(session, "device", info)
    return dict(info)


def next_hlc(session: Session, now_ms: int | None = None) -> HLC:
    """Tick the persisted hybrid logical clock (inside the caller's write transaction)."""
    node = device_info(session)["id"][-12:]
    raw = get_state(session, "hlc")
    current = HLC.decode(raw) if raw else HLC(0, 0, node)
    current = HLC(current.ms, current.counter, node)
    stamp = current.tick(int(time.time() * 1000) if now_ms is None else now_ms)
    set_state(session, "hlc", stamp.encode())
    return stamp


def next_sequence(session: Session, scope: str) -> int:
    """A gap-free counter: safe because writes are serialised by BEGIN IMMEDIATE."""
    from counter_app.store.models import DailySequence

    row = session.get(DailySequence, scope)
    if row is None:
        row = DailySequence(scope=scope, value=0)
    row.value += 1
    session.add(row)
    session.flush()
    return row.value


def record(
    session: Session,
    *,
    entity: str,
    entity_id: str,
    action: str,
    actor: str,
    data: dict[str, Any] | None = None,
    at: str,
    push: bool = True,
    payload: dict[str, Any] | None = None,
    base_version: int | None = None,
) -> Outbox | None:
    """Append an event and (when `push`) its outbox op, in the caller's transaction."""
    device = device_info(session)
    stamp = next_hlc(session).encode()
    session.add(
        Event(
            at=at,
            hlc=stamp,
            device_id=device["id"],
            actor=actor,
            entity=entity,
            entity_id=entity_id,
            action=action,
            data=data or {},
        )
    )
    if not push:
        return None
    last = session.exec(select(func.max(Outbox.device_seq))).one()
    op = Outbox(
        device_seq=(last or 0) + 1,
        op_id=uuid7_str(),
        epoch=int(device["epoch"]),
        hlc=stamp,
        schema_version=SCHEMA_VERSION,
        entity=entity,
        entity_id=entity_id,
        op=action,
        payload={"actor": actor, **(payload if payload is not None else (data or {}))},
        base_version=base_version,
        created_at=at,
    )
    session.add(op)
    session.flush()
    return op
