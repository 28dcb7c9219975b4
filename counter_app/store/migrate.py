"""Schema migrations of the local store (alembic), run automatically on open.

Before upgrading an existing file, a consistent snapshot is taken with SQLite's online backup API
(`<db>.pre-<revision>.bak`), so a failed migration never costs an officer their data.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# The newest revision, known without importing alembic (a test checks it against alembic's head):
# opening an up-to-date store must not pay alembic's import time on every CLI command.
SCHEMA_HEAD = "0010"


def stored_revision(db_path: Path) -> str | None:
    """The revision recorded in the file, read with plain sqlite3 (None for a new file)."""
    if not db_path.exists():
        return None
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=15)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        con.close()
    return row[0] if row else None


def alembic_config(url: str = "sqlite://"):  # -> alembic.config.Config
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def snapshot(db_path: Path, label: str) -> Path:
    """Copy the database with the backup API (consistent even with WAL and other readers)."""
    target = db_path.with_name(f"{db_path.name}.pre-{label}.bak")
    src = sqlite3.connect(db_path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade(engine: Engine, db_path: Path | None, revision: str = "head") -> bool:
    """Bring the schema to `revision`. Returns True when something was migrated."""
    from alembic import command

    head = head_revision() if revision == "head" else revision
    current = current_revision(engine)
    if current == head:
        return False
    if db_path is not None and current is not None and db_path.exists():
        snapshot(db_path, current)
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return True
