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
