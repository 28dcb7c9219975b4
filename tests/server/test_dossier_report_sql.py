"""The server's dossier report is one GROUP BY over columns each synced dossier's figures are
summed from (issue 18 §2); the counter adds the same figures up in Python. Both must give the
same numbers for the same dossiers, whatever they hold: random dossiers (times near midnight in
other offsets, naive times, unreadable ones, every status, scans of components not handed over)
are written through the server's own indexing, then every grouping and several "now"s are
compared with domain.reports, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from counter_app.domain.dossier import Status
from counter_app.domain.reports import GROUPS, dossier_report, report_row
from counter_app.server.crud import admin, dossiers
from counter_app.server.crud.scope import Scope
from counter_app.server.db import open_database
from counter_app.server.settings import ServerSettings
from counter_app.server.sync.models import ServerAttachment, ServerDossier, index_fields

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BASE = dt.datetime(2026, 11, 30, 0, 0, tzinfo=TZ)


def _time(rng: random.Random, around: dt.datetime, days: float = 2) -> str | None:
    """A time within `days` of `around`, written as counters and old data might write it."""
    at = around + dt.timedelta(minutes=rng.randint(int(-days * 1440), int(days * 1440)))
    shape = rng.random()
    if shape < 0.5:
        return at.isoformat()
    if shape < 0.75:
        return at.astimezone(dt.UTC).isoformat()  # another offset: the local day differs at night
    if shape < 0.9:
        return at.replace(tzinfo=None).isoformat()  # naive = already local
    if shape < 0.95:
        return None
    return "not a time"


def _record(rng: random.Random, i: int) -> tuple[dict[str, Any], set[int]]:
    received = BASE + dt.timedelta(days=rng.randint(0, 4), hours=rng.randint(0, 23))
    components = [{"index": k, "original": rng.randint(0, 1), "copy": rng.randint(0, 1)}
                  for k in range(rng.randint(0, 4))]
    record = {
        "id": f"d{i:04d}",
        "code": f"H-{i:04d}",
        "status": rng.choice([s.value for s in Status]),
        "received_at": _time(rng, received) if rng.random() < 0.97 else "garbage",
        "appointment_at": _time(rng, received + dt.timedelta(days=3), 0.5) if rng.random() < 0.8 else None,
        "result_at": _time(rng, received + dt.timedelta(days=3), 0.5) if rng.random() < 0.6 else None,
        "supplement_count": rng.choice([0, 0, 1, 2]),
        "procedure_code": rng.choice(["1.001193", "1.004873", "2.000001"]),
        "procedure_name": rng.choice(["Đăng ký khai sinh", "Đăng ký kết hôn"]),
        "officer": rng.choice(["canbo1", "canbo2", ""]),
        "counter_code": rng.choice(["Q1", "Q2", ""]),
        "channel": rng.choice(["counter", "counter", "online", "post", None]),
        "components": components,
    }
    scanned = {rng.randint(0, 5) for _ in range(rng.randint(0, 3))}
    return record, scanned


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_figures_equal_the_counters_over_random_dossiers(
    tmp_path: Path, backend: str | None, seed: int
) -> None:
    db = open_database(ServerSettings(data_dir=tmp_path, database_url=backend))
    rng = random.Random(seed)
    made: list[tuple[dict[str, Any], set[int], str]] = []
    try:
        for center in ("C1", "C2"):
            admin.create_center(db, center, center)
        with db.write() as s:
            for i in range(400):
                record, scanned = _record(rng, i)
                center = rng.choice(["C1", "C2"])
                row = ServerDossier(id=record["id"], center_code=center, code=record["code"],
                                    status=record["status"], device_id="dev", data=record,
                                    updated_at="2026-12-01T00:00:00+07:00")
                index_fields(row, tz=TZ, scanned=scanned)
                s.add(row)
                for index in scanned:
                    s.add(ServerAttachment(id=f"{record['id']}-{index}", center_code=center,
                                           dossier_id=record["id"], component_index=index,
                                           sha256="0" * 64, created_at="2026-12-01"))
                made.append((record, scanned, center))
        start, end = dt.date(2026, 11, 30), dt.date(2026, 12, 3)
        totals: list[dict[str, Any]] = []
        for now in (BASE + dt.timedelta(days=5, hours=9, minutes=30), BASE + dt.timedelta(days=9)):
            for scope, centers in ((Scope(("C1",)), {"C1"}), (Scope(None), {"C1", "C2"})):
                rows = []
                for record, scanned, center in made:
                    if center not in centers:
                        continue
                    row = report_row({**record, "center_code": center}, tz=TZ, field="",
                                     scanned=scanned)
                    if row is not None and start <= row.entered_on <= end:
                        rows.append(row)
                for by in (None, *GROUPS):
                    expected = dossier_report(rows, now=now, by=by)
                    totals.append(expected["total"])
                    got = dossiers.report(db, scope, start, end, by=by, now=now)
                    assert got["total"] == expected["total"], (by, now)
                    assert got["groups"] == expected["groups"], (by, now)
        # the check covered many dossiers and every kind of figure, on both sides of "now"
        assert min(t["entered"] for t in totals) > 100
        assert all(max(t[k] for t in totals) > 0 for k in (
            "early", "on_time", "late", "refused", "supplement_requested", "components_scanned"))
        assert 0 < min(t["overdue"] for t in totals) < max(t["overdue"] for t in totals)
    finally:
        db.dispose()
