"""The server's reports for a busy ward's month, on SQLite or PostgreSQL (issue 18 §2).

    uv run --frozen python benchmarks/report_server.py [--postgres] [--noise 100000]

Fills the server's tables with one busy center's month (9,000 dossiers, 10,000 tickets, the
ratings of 3 of 4 served tickets) among `--noise` dossiers of 19 other centers over the year, then
times `GET /api/v1/reports/dossiers|queue|satisfaction` as the server computes them
(`server.crud.dossiers.report`, `server.crud.reports`) for that center and month, by officer, and
the province's month across every center by center. Baseline in the same run: a primary-key
lookup of one dossier. Target: < 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BUSY = "C00"


def _fill(db, noise: int) -> None:  # type: ignore[no-untyped-def]
    from counter_app.domain.reports import summed_fields
    from counter_app.server.models import Center, Ticket
    from counter_app.server.sync.models import ServerDossier, ServerRating

    rng = random.Random(3)
    statuses = ["received", "processing", "done", "done", "returned", "returned", "refused",
                "need_supplement", "withdrawn", "extended"]
    levels = ["very_satisfied", "very_satisfied", "satisfied", "unsatisfied"]
    with db.writer.begin() as conn:
        conn.execute(Center.__table__.insert(), [
            {"code": f"C{c:02d}", "name": f"Trung tâm {c}", "timezone": "Asia/Ho_Chi_Minh",
             "max_priority_streak": 2, "no_show_grace_minutes": 10, "active": True,
             "created_at": "2026-01-01T00:00:00+07:00", "officers_float": False}
            for c in range(20)
        ])

        def dossier(i: int, center: str, received: dt.datetime) -> dict:
            status = rng.choice(statuses)
            due = received + dt.timedelta(days=rng.choice([0, 1, 3, 5]), hours=2)
            result = due + dt.timedelta(hours=rng.choice([-30, -2, 1])) if status in (
                "done", "returned") else None
            code = f"H15-{received:%y%m%d}-{i:07d}"
            data = {
                "id": f"d{i:09d}", "code": code, "status": status,
                "received_at": received.isoformat(), "procedure_code": f"1.{100000 + i % 60}",
                "procedure_name": "Thủ tục", "officer": f"canbo{i % 28}",
                "counter_code": f"Q{i % 14}", "supplement_count": int(status == "need_supplement"),
                "appointment_at": None if status in ("refused", "need_supplement") else due.isoformat(),
                "result_at": result.isoformat() if result else None,
                "components": [{"index": k, "original": 1} for k in (1, 2, 3)],
                "applicant_name_key": "nguyen van an", "applicant_id_number": f"{i:012d}",
            }
            return {
                "id": data["id"], "center_code": center, "code": code, "status": status,
                "version": 1, "device_id": "bench", "data": data, "conflict": False,
                "updated_at": received.isoformat(), "routed_to": None,
                "received_day": received.date().isoformat(), "procedure_code": data["procedure_code"],
                "officer": data["officer"], "applicant_id": data["applicant_id_number"],
                "applicant_key": data["applicant_name_key"],
                **summed_fields(data, tz=TZ, scanned={1, 2} if i % 3 else set()),
            }

        rows = []
        for i in range(9000):  # the busy center's November
            day = dt.date(2026, 11, 1 + i % 30)
            rows.append(dossier(i, BUSY, dt.datetime.combine(day, dt.time(7 + i % 9, i % 60), TZ)))
        base = dt.datetime(2026, 1, 1, 7, 0, tzinfo=TZ)
        for j in range(noise):  # the other centers over the year
            at = base + dt.timedelta(minutes=j * 525600 // max(noise, 1))
            rows.append(dossier(9000 + j, f"C{1 + j % 19:02d}", at))
        for k in range(0, len(rows), 5000):
            conn.execute(ServerDossier.__table__.insert(), rows[k:k + 5000])

        tickets, ratings = [], []
        for i in range(10000):
            day = dt.date(2026, 11, 1 + i % 30)
            issued = dt.datetime.combine(day, dt.time(7 + i % 9, i % 60), TZ)
            state = rng.choice(["done"] * 8 + ["no_show", "transferred"])
            called = issued + dt.timedelta(minutes=rng.randint(1, 60))
            finished = called + dt.timedelta(minutes=rng.randint(3, 30))
            tid = f"t{i:09d}"
            tickets.append({
                "id": tid, "center_code": BUSY, "service": "ABCD"[i % 4],
                "number": f"{'ABCD'[i % 4]}{i // 4 % 1000:03d}{i // 4000}", "seq": i // 4,
                "service_day": day.isoformat(), "pos": i, "priority": None, "state": state,
                "counter_code": f"Q{i % 14}", "target_counter": None, "officer": f"canbo{i % 28}",
                "issued_by": None, "device_id": None, "origin": "server",
                "issued_at": issued.isoformat(), "called_at": called.isoformat(),
                "serving_at": called.isoformat() if state == "done" else None,
                "finished_at": finished.isoformat() if state == "done" else None,
                "call_pos": i, "recalls": 0, "transfers": 0, "version": 1,
            })
            if state == "done" and i % 4:
                level = rng.choice(levels)
                data = {"id": f"r{i:09d}", "ticket_id": tid, "ticket_number": f"A{i}",
                        "service": "ABCD"[i % 4], "service_day": day.isoformat(),
                        "counter_code": f"Q{i % 14}", "officer": f"canbo{i % 28}",
                        "level": level, "reasons": ["wait"] if level == "unsatisfied" else [],
                        "procedure_codes": [f"1.{100000 + i % 60}"], "center_code": BUSY,
                        "rated_at": finished.isoformat()}
                ratings.append({"id": data["id"], "center_code": BUSY, "ticket_id": tid,
                                "service_day": day.isoformat(), "officer": data["officer"],
                                "counter_code": data["counter_code"], "level": level,
                                "device_id": "bench", "data": data})
        conn.execute(Ticket.__table__.insert(), tickets)
        conn.execute(ServerRating.__table__.insert(), ratings)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--noise", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()

    from sqlmodel import select

    from benchmarks._server_db import median_seconds, server_database
    from counter_app.server.crud import dossiers, reports
    from counter_app.server.crud.scope import Scope
    from counter_app.server.sync.models import ServerDossier

    with server_database(args.postgres) as (db, url):
        t0 = time.perf_counter()
        _fill(db, args.noise)
        if url:
            with db.writer.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        print(f"{9000 + args.noise} dossiers, 10000 tickets ({'PostgreSQL 15' if url else 'SQLite'}) "
              f"filled in {time.perf_counter() - t0:.1f} s")
        start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
        busy, every = Scope((BUSY,)), Scope(None)

        def timed(fn) -> float:  # type: ignore[no-untyped-def]
            return median_seconds(fn, args.rounds)

        def by_pk() -> None:
            with db.read() as s:
                s.exec(select(ServerDossier).where(ServerDossier.id == "d000004321")).one()

        b = timed(by_pk)
        print(f"baseline: one dossier by primary key     {b * 1000:7.2f} ms")
        cases = {
            "dossiers, center month, by officer": lambda: dossiers.report(
                db, busy, start, end, by="officer"),
            "queue, center month, by officer": lambda: reports.queue(
                db, busy, start, end, by="officer"),
            "satisfaction, center month, by officer": lambda: reports.satisfaction(
                db, busy, start, end, by="officer"),
            "dossiers, every center, by center": lambda: dossiers.report(
                db, every, start, end, by="center"),
        }
        for name, fn in cases.items():
            t = timed(fn)
            total = fn()["total"]
            figure = total.get("entered", total.get("issued", total.get("rated")))
            print(f"{name:<40} {t * 1000:7.1f} ms median of {args.rounds}  ({figure} counted)")
    print("target < 1 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
