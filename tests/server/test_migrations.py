"""Server migrations: a fresh SQLite file is created at head without a snapshot; reopening does
nothing; an existing file at another revision is snapshotted before alembic touches it, and a
failed migration leaves both the file and the snapshot intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from counter_app.server.crud import admin
from counter_app.server.db import current_revision, head_revision, migrate, open_database
from counter_app.server.settings import ServerSettings


def test_fresh_then_reopen(tmp_path: Path) -> None:
    settings = ServerSettings(data_dir=tmp_path)
    db = open_database(settings)
    assert current_revision(db.writer) == head_revision()
    admin.create_center(db, "C1", "Một")
    assert migrate(db) is False
    db.dispose()
    assert list(tmp_path.glob("*.bak")) == []


def test_snapshot_before_migrating(tmp_path: Path) -> None:
    settings = ServerSettings(data_dir=tmp_path)
    db = open_database(settings)
    admin.create_center(db, "C1", "Một")
    db.dispose()
    path = tmp_path / "server.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'zz_unknown'")
    db = open_database(settings, run_migrations=False)
    with pytest.raises(Exception, match="zz_unknown"):
        migrate(db)
    db.dispose()
    snap = tmp_path / "server.sqlite3.pre-zz_unknown.bak"
    assert snap.exists()
    for f in (snap, path):
        with sqlite3.connect(f) as conn:
            assert conn.execute("SELECT code FROM center").fetchall() == [("C1",)]


def test_postgres_migrates_to_head(pg_database_url: str, tmp_path: Path) -> None:
    db = open_database(ServerSettings(data_dir=tmp_path, database_url=pg_database_url))
    try:
        assert current_revision(db.writer) == head_revision()
        assert migrate(db) is False
        admin.create_center(db, "PG1", "Postgres")
        assert admin.list_centers(db) == [{"code": "PG1", "name": "Postgres", "active": True}]
    finally:
        db.dispose()


def test_held_ops_repeated_before_0003_are_kept_once(tmp_path: Path) -> None:
    """A server at 0002 whose revoked device retried its push (each retry stored again): the
    upgrade keeps the first copy of each op, and the unique index refuses a new repeat."""
    from alembic import command

    from counter_app.server.db import alembic_config

    settings = ServerSettings(data_dir=tmp_path)
    db = open_database(settings, run_migrations=False)
    cfg = alembic_config(db.url)
    with db.writer.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    db.dispose()
    path = tmp_path / "server.sqlite3"
    with sqlite3.connect(path) as conn:
        rows = [("dev1", "op-a", "1"), ("dev1", "op-a", "2"), ("dev1", "op-b", "3")]
        rows += [("dev2", "op-a", "4"), ("dev1", "op-a", "5")]
        conn.executemany(
            "INSERT INTO sync_held_op (device_id, op_id, data, received_at) VALUES (?, ?, '{}', ?)",
            rows,
        )
    db = open_database(settings)
    assert current_revision(db.writer) == head_revision()
    db.dispose()
    with sqlite3.connect(path) as conn:
        kept = conn.execute(
            "SELECT device_id, op_id, received_at FROM sync_held_op ORDER BY id"
        ).fetchall()
        assert kept == [("dev1", "op-a", "1"), ("dev1", "op-b", "3"), ("dev2", "op-a", "4")]
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO sync_held_op (device_id, op_id, data, received_at) "
                "VALUES ('dev1', 'op-b', '{}', '6')"
            )
