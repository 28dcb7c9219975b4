"""The local store: pragmas, migrations (empty file and previous revision, with snapshot),
append-only event log, outbox sequence under concurrent processes, kill -9 atomicity."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from counter_app.store import migrate
from counter_app.store.db import Store, device_info, next_sequence, record
from counter_app.store.models import Event, Outbox

ROOT = Path(__file__).resolve().parents[2]


def test_pragmas_and_head_revision(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.sqlite3")
    with store.write() as s:
        conn = s.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    assert (tmp_path / "c.sqlite3").stat().st_mode & 0o777 in (0o644, 0o600, 0o664)
    assert (tmp_path).stat().st_mode & 0o777 == 0o700


def test_migrate_from_previous_revision_keeps_data_and_snapshots(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    old = Store.open(db, migrate=False)
    migrate.upgrade(old.engine, db, revision="0001")
    with old.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO event (at, hlc, device_id, actor, entity, entity_id, action, data) "
                "VALUES ('2026-01-01T08:00:00+07:00', 'h', 'd', 'a', 'dossier', 'x', 'receive', '{}')"
            )
        )
    old.close()
    store = Store.open(db)  # upgrades to head
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    snap = db.with_name(db.name + ".pre-0001.bak")
    assert snap.exists()
    assert sqlite3.connect(snap).execute("SELECT count(*) FROM event").fetchone()[0] == 1
    with store.read() as s:
        assert len(s.exec(select(Event)).all()) == 1
    # the new revision made the event log append-only
    with pytest.raises(Exception, match="append-only"):
        with store.write() as s:
            s.connection().exec_driver_sql("DELETE FROM event")
    with store.read() as s:
        assert len(s.exec(select(Event)).all()) == 1


def test_fast_head_constant_matches_alembic() -> None:
    assert migrate.SCHEMA_HEAD == migrate.head_revision()


def test_reopen_does_not_migrate_or_snapshot_again(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    Store.open(db).close()
    Store.open(db).close()
    assert not list(tmp_path.glob("*.bak"))


def test_record_writes_event_and_gap_free_outbox(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.sqlite3")
    for i in range(5):
        with store.write() as s:
            record(s, entity="ticket", entity_id=str(i), action="issue", actor="canbo1", at="t", data={"i": i})
    # a rolled-back action leaves no trace and no gap
    with pytest.raises(RuntimeError):
        with store.write() as s:
            record(s, entity="ticket", entity_id="x", action="issue", actor="canbo1", at="t")
            raise RuntimeError("boom")
    with store.write() as s:
        record(s, entity="ticket", entity_id="6", action="issue", actor="canbo1", at="t")
    with store.read() as s:
        ops = s.exec(select(Outbox).order_by(Outbox.device_seq)).all()
        assert [o.device_seq for o in ops] == [1, 2, 3, 4, 5, 6]
        assert len({o.op_id for o in ops}) == 6
        assert [o.hlc for o in ops] == sorted(o.hlc for o in ops)
        assert len(s.exec(select(Event)).all()) == 6
        assert device_info(s)["slot"] == "00"


WRITER = textwrap.dedent(
    """
    import sys
    from counter_app.store.db import Store, next_sequence, record
    store = Store.open(sys.argv[1])
    n = int(sys.argv[2])
    for i in range(n):
        with store.write() as s:
            seq = next_sequence(s, "dossier:test")
            record(s, entity="dossier", entity_id=f"{sys.argv[3]}-{seq}", action="receive",
                   actor=sys.argv[3], at="t", data={"seq": seq})
        if n > 1000:
            print(i, flush=True)
    """
)


def _spawn(db: Path, n: int, who: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(n), who],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_share_one_data_dir(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    Store.open(db).close()
    procs = [_spawn(db, 60, "tui"), _spawn(db, 60, "cli")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    store = Store.open(db)
    with store.read() as s:
        ops = s.exec(select(Outbox).order_by(Outbox.device_seq)).all()
        assert [o.device_seq for o in ops] == list(range(1, 121))
        seqs = sorted(o.payload["seq"] for o in ops)
        assert seqs == list(range(1, 121))  # no daily number given twice


def test_kill_9_leaves_whole_transactions_only(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    Store.open(db).close()
    for round_ in range(3):
        p = _spawn(db, 10**6, f"w{round_}")
        assert p.stdout is not None
        deadline = time.monotonic() + 30
        lines = 0
        while lines < 20 + round_ * 7 and time.monotonic() < deadline:
            if p.stdout.readline():
                lines += 1
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
        assert lines >= 20
    store = Store.open(db)
    with store.read() as s:
        ops = s.exec(select(Outbox).order_by(Outbox.device_seq)).all()
        events = s.exec(select(Event)).all()
        assert len(ops) == len(events) >= 60
        assert [o.device_seq for o in ops] == list(range(1, len(ops) + 1))
        assert sorted(o.payload["seq"] for o in ops) == list(range(1, len(ops) + 1))
        assert next_sequence(s, "dossier:test") == len(ops) + 1
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
