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


def _dossier_row(i: int) -> tuple[str, ...]:
    import json

    data = {"received_at": f"2026-11-{10 + i}T09:00:00+07:00", "procedure_code": "1.001193",
            "officer": f"canbo{i}", "applicant_id_number": f"00109000000{i}",
            "applicant_name_key": "nguyen van an"}
    return (f"d{i}", "DEMO", f"H15-2611{10 + i}-000{i}", "received", "dev", json.dumps(data),
            "2026-11-10T09:00:00+07:00")


def _at_revision(settings: ServerSettings, revision: str) -> None:
    from alembic import command

    from counter_app.server.db import alembic_config

    db = open_database(settings, run_migrations=False)
    cfg = alembic_config(db.url)
    with db.writer.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    db.dispose()


def test_0008_fills_the_filter_columns_of_dossiers_already_held(tmp_path: Path) -> None:
    """Dossiers synced before 0008 are found by the read API's filters after the upgrade."""
    import datetime as dt

    from counter_app.server.crud import dossiers
    from counter_app.server.crud.scope import Scope

    settings = ServerSettings(data_dir=tmp_path)
    _at_revision(settings, "0007")
    with sqlite3.connect(tmp_path / "server.sqlite3") as conn:
        conn.executemany(
            "INSERT INTO sync_dossier (id, center_code, code, status, version, device_id, data, "
            "conflict, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, 0, ?)",
            [_dossier_row(i) for i in (1, 2, 3)],
        )
    db = open_database(settings)
    try:
        scope = Scope(("DEMO",))

        def ids(**kw: object) -> list[str]:
            return [d["id"] for d in dossiers.list_dossiers(db, scope, **kw)["items"]]

        assert ids(officer="canbo2") == ["d2"]
        assert ids(start=dt.date(2026, 11, 12), end=dt.date(2026, 11, 13)) == ["d3", "d2"]
        assert ids(procedure="1.001193") == ["d3", "d2", "d1"]
        assert ids(q="001090000003") == ["d3"]
        assert ids(q="Nguyễn Văn") == ["d3", "d2", "d1"] and ids(q="H15-261111") == ["d1"]
        # a period pages day by day, newest first, with the cursor of the last row
        period = {"start": dt.date(2026, 11, 11), "end": dt.date(2026, 11, 13), "limit": 2}
        page = dossiers.list_dossiers(db, scope, **period)
        assert [d["id"] for d in page["items"]] == ["d3", "d2"] and page["next_cursor"] == "d2"
        rest = dossiers.list_dossiers(db, scope, cursor=page["next_cursor"], **period)
        assert [d["id"] for d in rest["items"]] == ["d1"] and rest["next_cursor"] is None
    finally:
        db.dispose()


def test_0009_fills_the_summed_columns_of_dossiers_already_held(tmp_path: Path) -> None:
    """Dossiers synced before 0009 count in the SQL report after the upgrade as they would have:
    their day of entry in the center's time zone, timeliness, components and scans."""
    import datetime as dt
    import json

    from counter_app.server.crud import dossiers
    from counter_app.server.crud.scope import Scope

    settings = ServerSettings(data_dir=tmp_path)
    _at_revision(settings, "0008")
    late_night = {"received_at": "2026-11-11T18:30:00+00:00",  # 12/11 01:30 in Hà Nội
                  "appointment_at": "2026-11-14T17:00:00+07:00",
                  "result_at": "2026-11-13T10:00:00+07:00", "procedure_code": "1.001193",
                  "procedure_name": "Đăng ký khai sinh", "counter_code": "Q2",
                  "components": [{"index": 0, "original": 1}, {"index": 1, "copy": 1},
                                 {"index": 2}]}
    with sqlite3.connect(tmp_path / "server.sqlite3") as conn:
        conn.execute("INSERT INTO center (code, name, timezone, max_priority_streak, "
                     "no_show_grace_minutes, active, created_at, officers_float) "
                     "VALUES ('DEMO', 'Demo', 'Asia/Ho_Chi_Minh', 2, 10, 1, '2026', 0)")
        conn.executemany(
            "INSERT INTO sync_dossier (id, center_code, code, status, version, device_id, data, "
            "conflict, updated_at, received_day, procedure_code) "
            "VALUES (?, ?, ?, ?, 1, ?, ?, 0, ?, ?, '1.001193')",
            [(*_dossier_row(i), "2026-11-1" + str(i)) for i in (1, 2)]
            + [("d9", "DEMO", "H15-261112-0009", "done", "dev", json.dumps(late_night),
                "2026-11-13T10:00:00+07:00", "2026-11-11")],
        )
        conn.executemany(
            "INSERT INTO sync_attachment (id, center_code, dossier_id, component_index, sha256, "
            "size, pages, mime, created_at) VALUES (?, 'DEMO', 'd9', ?, ?, 1, 1, 'application/pdf', "
            "'2026-11-12')", [("a1", 1, "1" * 64), ("a2", 2, "2" * 64)],
        )
    db = open_database(settings)
    try:
        with sqlite3.connect(tmp_path / "server.sqlite3") as conn:
            got = conn.execute(
                "SELECT received_day, counter_code, timeliness, components, components_scanned, "
                "appointment_utc FROM sync_dossier WHERE id = 'd9'").fetchone()
        # the day is Hà Nội's; component 2 was not handed over, so its scan does not count
        assert got == ("2026-11-12", "Q2", "early", 2, 1, "2026-11-14T10:00:00.000000")
        day = dt.date(2026, 11, 12)
        report = dossiers.report(db, Scope(("DEMO",)), day, day, by="procedure",
                                 now=dt.datetime(2026, 11, 20, tzinfo=dt.UTC))
        assert report["total"]["entered"] == 2 and report["total"]["early"] == 1
        assert report["total"]["components_scanned"] == 1
        assert [g["key"] for g in report["groups"]] == ["1.001193 ", "1.001193 Đăng ký khai sinh"]
    finally:
        db.dispose()
