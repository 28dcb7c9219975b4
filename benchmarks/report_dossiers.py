"""How long the supervisor's reports take on a busy ward's month, in a real SQLite file.

    uv run --frozen python benchmarks/report_dossiers.py [--dossiers 9000] [--tickets 10000]

Generates a month of dossiers (≈ 9,000 for a ward of 28 officers: statuses, results early / on
time / late, a third of the components scanned), tickets (≈ 10,000) and the citizens' ratings of
most served tickets, and times `services.reports.dossiers_report` for the month (total and by
procedure / officer / day), `queue_report` and `satisfaction_report` (by officer), and the three
saved as one XLSX workbook. Baseline in the same run: one SQL `COUNT(*) … GROUP BY status` over
the dossiers (the least any report must read).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _generate(store, settings, n: int) -> None:  # type: ignore[no-untyped-def]
    from counter_app.store.models import Attachment, Dossier

    rng = random.Random(42)
    procs = [(f"1.{100000 + i}", f"Thủ tục mẫu số {i}") for i in range(60)]
    statuses = ["received", "processing", "done", "done", "returned", "returned", "refused",
                "need_supplement", "withdrawn", "extended"]
    atts = []
    with store.write() as s:
        for i in range(n):
            day = dt.date(2026, 11, 1 + i % 30)
            received = dt.datetime.combine(day, dt.time(7 + i % 9, i % 60), TZ)
            status = rng.choice(statuses)
            due = received + dt.timedelta(days=rng.choice([0, 1, 3, 5, 10]), hours=2)
            result = due + dt.timedelta(hours=rng.choice([-30, -2, 1])) if status in (
                "done", "returned") else None
            code, name = rng.choice(procs)
            did = f"d{i:06d}"
            s.add(Dossier(
                id=did, code=f"X-261101-{i:06d}", lookup_code=f"X-{i:06d}-L", center_code=settings.center_code,
                procedure_code=code, procedure_version=1, procedure_name=name,
                applicant={"full_name": "Nguyễn Văn A"}, applicant_id_number="001190012345",
                applicant_name_key="nguyen van a", officer=f"canbo{i % 28}", counter_code=f"Q{i % 14}",
                received_at=received.isoformat(), status=status,
                appointment_at=None if status in ("refused", "need_supplement") else due.isoformat(),
                result_at=result.isoformat() if result else None,
                components=[{"index": k, "original": 1, "copy": 0} for k in (1, 2, 3)],
                created_at=received.isoformat(), updated_at=received.isoformat(),
            ))
            if i % 3 == 0:
                atts.append(Attachment(id=f"a{i:06d}", dossier_id=did, component_index=1,
                                 sha256=f"{i:064d}", created_at=received.isoformat()))
        s.flush()  # the dossiers first (foreign key)
        s.add_all(atts)


def _generate_tickets(store, settings, n: int) -> int:  # type: ignore[no-untyped-def]
    """`n` tickets over the month (most served, some absent) and a rating for 3 of 4 served."""
    from counter_app.store.models import Rating, Ticket

    rng = random.Random(7)
    levels = ["very_satisfied", "very_satisfied", "satisfied", "unsatisfied"]
    rated = 0
    with store.write() as s:
        for i in range(n):
            day = dt.date(2026, 11, 1 + i % 30)
            issued = dt.datetime.combine(day, dt.time(7 + i % 9, i % 60), TZ)
            state = rng.choice(["done"] * 8 + ["no_show", "transferred"])
            called = issued + dt.timedelta(minutes=rng.randint(1, 60))
            finished = called + dt.timedelta(minutes=rng.randint(3, 30))
            tid = f"t{i:06d}"
            s.add(Ticket(
                id=tid, center_code=settings.center_code, service="ABCD"[i % 4],
                number=f"{'ABCD'[i % 4]}-01-{i // 4 % 1000:03d}{i // 4000}", seq=i // 4,
                service_day=day.isoformat(), state=state, counter_code=f"Q{i % 14}",
                officer=f"canbo{i % 28}", issued_at=issued.isoformat(),
                called_at=called.isoformat(),
                serving_at=called.isoformat() if state == "done" else None,
                finished_at=finished.isoformat() if state == "done" else None,
            ))
            if state == "done" and i % 4:
                rated += 1
                level = rng.choice(levels)
                s.add(Rating(
                    id=f"r{i:06d}", center_code=settings.center_code, ticket_id=tid,
                    ticket_number=f"A{i}", service="ABCD"[i % 4], service_day=day.isoformat(),
                    counter_code=f"Q{i % 14}", officer=f"canbo{i % 28}", level=level,
                    reasons=["wait"] if level == "unsatisfied" else [],
                    procedure_codes=[f"1.{100000 + i % 60}"], rated_at=finished.isoformat(),
                ))
    return rated


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossiers", type=int, default=9000)
    ap.add_argument("--tickets", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()

    from sqlalchemy import text

    from benchmarks._server_db import median_seconds
    from counter_app.config import load_settings
    from counter_app.services.reports import dossiers_report
    from counter_app.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data")
        store = Store.open(settings.db_path)
        t0 = time.perf_counter()
        _generate(store, settings, args.dossiers)
        rated = _generate_tickets(store, settings, args.tickets)
        print(f"{args.dossiers} dossiers, {args.tickets} tickets, {rated} ratings generated in "
              f"{time.perf_counter() - t0:.1f} s")
        now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
        start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 30)

        def base() -> None:
            with store.read() as s:
                s.execute(text("SELECT status, count(*) FROM dossier GROUP BY status")).all()

        def timed(fn) -> float:  # type: ignore[no-untyped-def]
            return median_seconds(fn, args.rounds)

        b = timed(base)
        print(f"baseline SQL COUNT … GROUP BY status: {b * 1000:7.1f} ms")
        for by in (None, "procedure", "officer", "day"):
            s = timed(lambda by=by: dossiers_report(store, settings, start, end, by=by, now=now))
            total = dossiers_report(store, settings, start, end, by=by, now=now)["total"]
            print(
                f"report, by {str(by):<9}: {s * 1000:7.1f} ms median of {args.rounds} "
                f"({s / b:5.1f}x baseline)  entered {total['entered']}, on time "
                f"{total['on_time_rate']}, digitized {total['digitization_rate']}"
            )
        from counter_app.services import report_export
        from counter_app.services.reports import queue_report
        from counter_app.services.satisfaction import satisfaction_report

        q = timed(lambda: queue_report(store, settings, start, end, by="officer"))
        print(f"queue report, by officer:        {q * 1000:7.1f} ms ({q / b:5.1f}x baseline)")
        r = timed(lambda: satisfaction_report(store, settings, start, end, by="officer"))
        total = satisfaction_report(store, settings, start, end)["total"]
        print(f"satisfaction report, by officer: {r * 1000:7.1f} ms ({r / b:5.1f}x baseline)  "
              f"rated {total['rated']}, satisfied {total['satisfaction_rate']}")
        three = [dossiers_report(store, settings, start, end, by="officer", now=now),
                 queue_report(store, settings, start, end, by="officer"),
                 satisfaction_report(store, settings, start, end, by="officer")]
        x = timed(lambda: report_export.save(settings, three, "xlsx"))
        print(f"the three saved as XLSX:         {x * 1000:7.1f} ms")
        store.close()
    print("target < 1 s on SQLite")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
