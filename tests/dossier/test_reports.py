"""Dossier reports over a period (issue 18 point 2), checked against figures computed by hand:
the pure rules, the service on a real SQLite file, and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from counter_app.config import Settings
from counter_app.domain.reports import ReportRow, dossier_report
from counter_app.errors import BadInput
from counter_app.services import dossiers, reports
from counter_app.store.db import Store
from counter_app.store.models import Attachment
from tests.dossier.data import APPLICANT
from tests.helpers import run_cli

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def row(**kw: object) -> ReportRow:
    base = dict(
        status="received", entered_on=dt.date(2026, 11, 16), appointment_at=at(19, 17),
        result_at=None, supplement_count=0, procedure="1.004873 Xác nhận", field="Hộ tịch",
        officer="canbo1", counter="Q1", components=2, components_scanned=0,
    )
    base.update(kw)
    return ReportRow(**base)  # type: ignore[arg-type]


def test_figures_by_hand() -> None:
    rows = [
        row(status="done", result_at=at(18, 10), components_scanned=2),   # early (day before)
        row(status="returned", result_at=at(19, 16, 59)),                  # on time (same day)
        row(status="done", result_at=at(19, 17, 1), officer="canbo2"),    # late by a minute
        row(status="processing"),                                          # open, overdue at 20/11
        row(status="extended", appointment_at=at(25, 17)),                 # open, not yet due
        row(status="need_supplement", appointment_at=None, supplement_count=1, components=1),
        row(status="refused", appointment_at=None, components=0),
        row(status="withdrawn", supplement_count=1, officer="canbo2"),
    ]
    out = dossier_report(rows, now=at(20, 9), by="officer")
    total = out["total"]
    assert {k: total[k] for k in ("entered", "received", "refused", "withdrawn",
                                  "supplement_requested", "early", "on_time", "late", "resolved",
                                  "open", "overdue", "components", "components_scanned")} == {
        "entered": 8, "received": 6, "refused": 1, "withdrawn": 1, "supplement_requested": 2,
        "early": 1, "on_time": 1, "late": 1, "resolved": 3, "open": 2, "overdue": 1,
        "components": 12, "components_scanned": 2,
    }
    assert total["on_time_rate"] == round(2 / 3, 4)
    assert total["digitization_rate"] == round(2 / 12, 4)
    by = {g["key"]: g for g in out["groups"]}
    assert set(by) == {"canbo1", "canbo2"}
    assert (by["canbo2"]["late"], by["canbo2"]["withdrawn"], by["canbo2"]["on_time_rate"]) == (1, 1, 0.0)
    assert sum(g["entered"] for g in out["groups"]) == total["entered"]


def test_nothing_resolved_has_no_rate_and_bad_group_is_refused() -> None:
    out = dossier_report([row()], now=at(17, 9))
    assert out["total"]["on_time_rate"] is None and out["groups"] == []
    assert dossier_report([], now=at(17, 9))["total"]["digitization_rate"] is None
    with pytest.raises(ValueError):
        dossier_report([], now=at(17, 9), by="weather")


def _receive(store: Store, settings: Settings, when: dt.datetime, **kw: object) -> dict:
    body = {
        "procedure": "1.004873",
        "applicant": dict(APPLICANT),
        "components": [{"index": 1, "original": 1}, {"index": 2, "copy": 2}],
        "received_at": when.isoformat(),
    }
    body.update(kw)
    return dossiers.receive(store, settings, body, actor="canbo1", now=when)


def test_service_on_a_real_store(store: Store, settings: Settings) -> None:
    early = _receive(store, settings, at(16, 9))      # due Thu 19/11 09:00
    late = _receive(store, settings, at(16, 10))      # due Thu 19/11 10:00
    waiting = _receive(store, settings, at(17, 9))    # due Fri 20/11 09:00, still open
    _receive(store, settings, at(17, 11), outcome="refuse", reason="Không thuộc thẩm quyền")
    _receive(store, settings, at(23, 9))              # outside the period
    for code, done_at in ((early["code"], at(18, 15)), (late["code"], at(19, 10, 30))):
        dossiers.transition(store, settings, code, "done", actor="canbo1", now=done_at)
    with store.write() as s:  # a scan of component 1 of the early one
        s.add(Attachment(id="a1", dossier_id=early["id"], component_index=1, sha256="0" * 64,
                         created_at=at(16, 9).isoformat()))
    out = reports.dossiers_report(
        store, settings, dt.date(2026, 11, 16), dt.date(2026, 11, 22), by="day", now=at(20, 14)
    )
    t = out["total"]
    assert (t["entered"], t["received"], t["refused"]) == (4, 3, 1)
    assert (t["early"], t["on_time"], t["late"], t["open"], t["overdue"]) == (1, 0, 1, 1, 1)
    assert (t["components"], t["components_scanned"]) == (6, 1)  # 2 per dossier received
    assert [g["key"] for g in out["groups"]] == ["2026-11-16", "2026-11-17"]
    assert dossiers.get(store, waiting["code"])["result_at"] is None
    assert dossiers.get(store, early["code"])["result_at"].startswith("2026-11-18T15:00")


def test_cli_json_and_bad_input(store: Store, settings: Settings, tmp_path: Path) -> None:
    _receive(store, settings, at(16, 9))
    store.close()
    env = {"COUNTER_APP_DATA_DIR": str(settings.data_dir)}
    r = run_cli("report", "dossiers", "--from", "16/11/2026", "--to", "22/11/2026",
                "--by", "procedure", "--json", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["total"]["entered"] == 1 and out["groups"][0]["key"].startswith("1.004873 ")
    r = run_cli("report", "dossiers", "--from", "16/11/2026", "--to", "22/11/2026",
                "--csv", str(tmp_path / "r.csv"), env=env)
    assert r.returncode == 0 and "TỔNG" in r.stderr + r.stdout
    csv_text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[1].startswith("Nhóm,Hồ sơ nhận") and "TỔNG,1,1" in csv_text
    assert (tmp_path / "r.csv").stat().st_mode & 0o777 == 0o600
    for bad in (["--from", "32/11/2026", "--to", "22/11/2026"],
                ["--from", "22/11/2026", "--to", "16/11/2026"],
                ["--from", "01/01/2025", "--to", "22/11/2026"],
                ["--from", "16/11/2026", "--to", "22/11/2026", "--by", "weather"]):
        r = run_cli("report", "dossiers", *bad, env=env)
        assert r.returncode == 2, (bad, r.stderr)
        assert "Traceback" not in r.stderr


def test_migration_0008_fills_result_at_from_the_event_log(
    store: Store, settings: Settings
) -> None:
    """A dossier that got its result before `result_at` existed is still measured on time."""
    import sqlite3

    d = _receive(store, settings, at(16, 9))
    dossiers.transition(store, settings, d["code"], "done", actor="canbo1", now=at(18, 15))
    open_one = _receive(store, settings, at(16, 10))
    store.close()
    con = sqlite3.connect(settings.db_path)
    with con:  # back to revision 0007: the column did not exist
        con.execute("ALTER TABLE dossier DROP COLUMN result_at")
        con.execute("DROP TABLE rating")  # revision 0009
        con.execute("ALTER TABLE dossier DROP COLUMN channel")  # revision 0010
        con.execute("UPDATE alembic_version SET version_num = '0007'")
    con.close()
    again = Store.open(settings.db_path)
    try:
        assert dossiers.get(again, d["code"])["result_at"].startswith("2026-11-18T15:00")
        assert dossiers.get(again, open_one["code"])["result_at"] is None
        out = reports.dossiers_report(
            again, settings, dt.date(2026, 11, 16), dt.date(2026, 11, 16), now=at(20, 9)
        )
        assert (out["total"]["early"], out["total"]["open"]) == (1, 1)
    finally:
        again.close()


def test_drill_down_lists_the_dossiers_behind_a_figure(store: Store, settings: Settings) -> None:
    early = _receive(store, settings, at(16, 9))
    late = _receive(store, settings, at(16, 10))
    waiting = _receive(store, settings, at(17, 9))
    refused = _receive(store, settings, at(17, 11), outcome="refuse", reason="Không thuộc thẩm quyền")
    for code, done_at in ((early["code"], at(18, 15)), (late["code"], at(19, 10, 30))):
        dossiers.transition(store, settings, code, "done", actor="canbo1", now=done_at)
    start, end = dt.date(2026, 11, 16), dt.date(2026, 11, 22)

    def codes(**kw: object) -> list[str]:
        return [d["code"] for d in reports.dossiers_behind(store, settings, start, end,
                                                           now=at(20, 14), **kw)]

    assert codes(figure="late") == [late["code"]]
    assert codes(figure="overdue") == [waiting["code"]]
    assert codes(figure="refused") == [refused["code"]]
    assert codes(by="day", key="2026-11-16", figure="entered") == [early["code"], late["code"]]
    assert codes(by="day", key="2026-11-17", figure="early") == []
    # every figure of the report is the number of dossiers its drill-down lists
    out = reports.dossiers_report(store, settings, start, end, by="day", now=at(20, 14))
    for group in out["groups"]:
        for figure in ("entered", "received", "early", "on_time", "late", "open", "overdue"):
            assert len(codes(by="day", key=group["key"], figure=figure)) == group[figure]
    row = reports.dossiers_behind(store, settings, start, end, figure="late", now=at(20, 14))[0]
    assert row["applicant"] == APPLICANT["full_name"] and row["status"] == "done"
    with pytest.raises(BadInput):
        reports.dossiers_behind(store, settings, start, end, figure="components")


def test_daily_series_has_a_value_per_day() -> None:
    from counter_app.domain.reports import daily_series

    groups = [{"key": "2026-11-16", "entered": 3}, {"key": "2026-11-18", "entered": 1}]
    assert daily_series(groups, dt.date(2026, 11, 15), dt.date(2026, 11, 18), "entered") == [
        None, 3, None, 1]


def test_channel_is_recorded_and_reported(store: Store, settings: Settings) -> None:
    """How a dossier was filed (Decree 118 art. 15): at the counter unless the officer says it
    came by post or online; counted per channel; anything else refused, nothing recorded."""
    _receive(store, settings, at(16, 9))
    online = _receive(store, settings, at(16, 10), channel="online")
    _receive(store, settings, at(17, 9), channel="post", outcome="refuse", reason="Sai thẩm quyền")
    assert online["channel"] == "online"
    assert dossiers.get(store, online["code"])["channel"] == "online"
    with pytest.raises(BadInput):
        _receive(store, settings, at(17, 10), channel="fax")
    out = reports.dossiers_report(store, settings, dt.date(2026, 11, 16), dt.date(2026, 11, 22),
                                  by="channel", now=at(20, 14))
    assert [(g["key"], g["entered"], g["received"], g["refused"]) for g in out["groups"]] == [
        ("counter", 1, 1, 0), ("online", 1, 1, 0), ("post", 1, 0, 1)]
    assert out["total"]["entered"] == 3
    r = run_cli("report", "dossiers", "--from", "16/11/2026", "--to", "22/11/2026", "--by",
                "channel", env={"COUNTER_APP_DATA_DIR": str(settings.data_dir)})
    assert r.returncode == 0, r.stderr
    assert "Trực tuyến" in r.stdout + r.stderr and "Bưu chính công ích" in r.stdout + r.stderr
