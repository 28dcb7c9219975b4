"""The server's dossier read API at scale: a filtered page over N synced dossiers.

    uv run --frozen python benchmarks/dossier_read_api.py [--dossiers 100000] [--postgres]

Fills the server's `sync_dossier` table (SQLite file, or a throwaway PostgreSQL 15 cluster with
--postgres) with N dossiers of 20 centers, then times `server.crud.dossiers.list_dossiers` for
the queries a supervisor makes: the newest page, the next page (cursor), by status, by period,
by procedure, by applicant name. Prints p50 / p95 per query in ms and, as the baseline measured
in the same run, a primary-key lookup of one row. Target (issue 18): p95 < 60 ms at 1 M on
PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _fill(db, n: int) -> str:  # type: ignore[no-untyped-def]
    """N dossiers over 20 centers (ids time-ordered like UUIDv7); returns the busiest center."""
    from counter_app.server.sync.models import ServerDossier

    rng = random.Random(1)
    names = ["nguyen van an", "tran thi binh", "le van cuong", "pham thi dung", "dinh van tung"]
    statuses = ["received", "processing", "done", "returned", "need_supplement", "refused"]
    base = dt.datetime(2026, 1, 1, 7, 0)
    batch: list[dict] = []
    table = ServerDossier.__table__
    with db.writer.begin() as conn:
        for i in range(n):
            at = base + dt.timedelta(minutes=i * 525600 // max(n, 1))
            did = f"{int(at.timestamp() * 1000):012x}-{i:04x}"[:13] + str(uuid.UUID(int=i))[13:]
            center = f"C{i % 20:02d}"
            code = f"H15-{at:%y%m%d}-{i:07d}"
            key = rng.choice(names)
            batch.append({
                "received_day": f"{at:%Y-%m-%d}", "procedure_code": f"1.{100000 + i % 150}",
                "officer": f"canbo{i % 28}", "applicant_id": f"{i:012d}", "applicant_key": key,
                "id": f"{i:012d}-{did}", "center_code": center, "code": code,
                "status": rng.choice(statuses), "version": 1, "device_id": "bench",
                "conflict": False, "updated_at": at.isoformat(), "routed_to": None,
                "data": {
                    "code": code, "lookup_code": code + "-L", "received_at": at.isoformat() + "+07:00",
                    "procedure_code": f"1.{100000 + i % 150}", "procedure_name": "Thủ tục",
                    "officer": f"canbo{i % 28}", "counter_code": f"Q{i % 14}",
                    "applicant": {"full_name": "Nguyễn Văn An"},
                    "applicant_name_key": key, "applicant_id_number": f"{i:012d}",
                },
            })
            if len(batch) == 5000:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
    return "C00"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossiers", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()

    from sqlmodel import select

    from benchmarks._server_db import server_database
    from counter_app.server.crud import dossiers as api
    from counter_app.server.sync.models import ServerDossier

    with server_database(args.postgres) as (db, url):
        t0 = time.perf_counter()
        center = _fill(db, args.dossiers)
        print(f"{args.dossiers} dossiers ({'PostgreSQL 15' if url else 'SQLite'}) in "
              f"{time.perf_counter() - t0:.1f} s")
        from counter_app.server.crud.scope import Scope

        scope = Scope((center,))
        if url:  # fresh statistics for the planner, as autovacuum would have by then
            with db.writer.begin() as conn:
                conn.exec_driver_sql("ANALYZE sync_dossier")
        first = api.list_dossiers(db, scope, limit=50)
        queries = {
            "newest page": dict(limit=50),
            "next page (cursor)": dict(limit=50, cursor=first["next_cursor"]),
            "status=done": dict(limit=50, status="done"),
            "one month": dict(limit=50, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30)),
            "procedure": dict(limit=50, procedure="1.100010"),
            "applicant name": dict(limit=50, q="dinh"),
            "ID number": dict(limit=50, q=f"{20 * (args.dossiers // 40):012d}"),
            "officer": dict(limit=50, officer="canbo8"),
        }

        def timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
            runs = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                fn()
                runs.append((time.perf_counter() - t) * 1000)
            runs.sort()
            return statistics.median(runs), runs[int(0.95 * (len(runs) - 1))]

        one_id = first["items"][0]["id"]

        def by_pk() -> None:
            with db.read() as s:
                s.exec(select(ServerDossier).where(ServerDossier.id == one_id)).one()

        p50, p95 = timed(by_pk)
        print(f"baseline: one row by primary key        p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
        for name, kw in queries.items():
            p50, p95 = timed(lambda kw=kw: api.list_dossiers(db, scope, **kw))
            n = len(api.list_dossiers(db, scope, **kw)["items"])
            print(f"{name:<24} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({p95 / max(p50, 0.01):.1f}x)"
                  f"  {n} rows")
    print("target: p95 < 60 ms at 1,000,000 dossiers on PostgreSQL")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
