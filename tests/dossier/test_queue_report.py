"""Queue figures over a period (issue 18 point 2): tickets issued, served, absent; wait and
service time, median and p90 — checked against hand-computed values, on a real SQLite file
through the demo seed, and from the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from counter_app.config import load_settings
from counter_app.domain.reports import TicketRow, percentile, queue_report
from counter_app.services import demo_seed, reports
from counter_app.store.db import Store
from tests.helpers import run_cli

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 23)


def hm(h: int, m: int) -> dt.datetime:
    return dt.datetime(2026, 11, 23, h, m, tzinfo=TZ)


def ticket(state: str, issued: tuple[int, int], called=None, serving=None, finished=None,  # type: ignore[no-untyped-def]
           service="A", counter="Q1", priority=False) -> TicketRow:
    return TicketRow(
        state=state, service=service, day=DAY, counter=counter, officer="canbo1",
        priority=priority, issued_at=hm(*issued), called_at=called and hm(*called),
        serving_at=serving and hm(*serving), finished_at=finished and hm(*finished),
    )


def test_percentile_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([float(x) for x in range(1, 11)], 90) == 9.0


def test_queue_figures_by_hand() -> None:
    rows = [
        ticket("done", (8, 0), (8, 10), (8, 11), (8, 21)),                  # wait 10, service 10
        ticket("done", (8, 5), (8, 25), None, (8, 30), priority=True),      # wait 20, service 5
        ticket("done", (9, 0), (9, 30), (9, 31), (10, 1), service="B", counter="Q2"),  # 30, 30
        ticket("no_show", (9, 10), (9, 40), service="B", counter="Q2"),     # wait 30, absent
        ticket("waiting", (10, 0)),                                         # not served, no wait
        ticket("transferred", (10, 5), (10, 6), service="B", counter="Q2"),  # wait 1
    ]
    out = queue_report(rows, by="service")
    t = out["total"]
    assert {k: t[k] for k in ("issued", "priority", "served", "absent", "transferred", "not_served")} == {
        "issued": 6, "priority": 1, "served": 3, "absent": 1, "transferred": 1, "not_served": 1,
    }
    # waits 1, 10, 20, 30, 30 → median 20, p90 30; services 5, 10, 30 → median 10, p90 30
    assert (t["wait_median_min"], t["wait_p90_min"]) == (20.0, 30.0)
    assert (t["service_median_min"], t["service_p90_min"]) == (10.0, 30.0)
    a, b = out["groups"]
    assert (a["key"], a["issued"], a["wait_median_min"], a["service_p90_min"]) == ("A", 3, 10.0, 10.0)
    assert (b["key"], b["absent"], b["service_median_min"]) == ("B", 1, 30.0)
    hours = {g["key"]: g["issued"] for g in queue_report(rows, by="hour")["groups"]}
    assert hours == {"08:00": 2, "09:00": 2, "10:00": 2}
    with pytest.raises(ValueError):
        queue_report(rows, by="weather")


def test_demo_day_from_the_store_and_the_cli(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    store = Store.open(settings.db_path)
    now = dt.datetime(2026, 11, 23, 11, 0, tzinfo=TZ)
    try:
        demo_seed.seed(store, settings, now=now)
        out = reports.queue_report(store, settings, DAY, DAY, by="counter")
    finally:
        store.close()
    t = out["total"]
    assert t["issued"] == 14  # the demo issues 14 tickets (tests/ui/shell/test_cli.py)
    assert t["served"] >= 1 and t["wait_median_min"] is not None
    assert sum(g["issued"] for g in out["groups"]) == 14
    env = {"COUNTER_APP_DATA_DIR": str(settings.data_dir)}
    r = run_cli("report", "queue", "--from", "23/11/2026", "--to", "23/11/2026", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["total"] == t
    r = run_cli("report", "queue", "--from", "23/11/2026", "--to", "23/11/2026", env=env)
    assert r.returncode == 0 and "TỔNG" in r.stderr + r.stdout
    r = run_cli("report", "queue", "--from", "23/11/2026", "--to", "01/11/2026", env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
