"""The supervisor's dossier report for a period (issue 18), by keys: F8 on the supervisor screen,
the period and grouping in a dialog (a bad grouping refused there), computed in a worker, shown
as tables (dossiers, queue, satisfaction) with the total; F8 saves the tab as CSV (0600), F9
the three as a workbook."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input, Sparkline, Static

from counter_app.services import dossiers
from counter_app.ui.screens.lookup import LookupScreen
from counter_app.ui.screens.report import ReportScreen
from counter_app.ui.screens.report_drill import ReportDrillScreen
from counter_app.ui.screens.supervisor import SupervisorScreen
from counter_app.ui.widgets.dossier_action import DossierActionDialog

from .conftest import FROZEN_NOW, HostApp
from .test_lookup_supervisor import receive


async def test_report_by_officer_and_csv(ctx) -> None:
    early = receive(ctx, "Lê Thị Thu Hương", "001190012345", "1990-03-15",
                    when=FROZEN_NOW - dt.timedelta(days=7))
    receive(ctx, "Phạm Văn Đức", "001085000123", "1985-01-01", when=FROZEN_NOW - dt.timedelta(days=3))
    dossiers.transition(ctx.store, ctx.settings, early["code"], "done", actor="canbo1",
                        now=FROZEN_NOW - dt.timedelta(days=7, hours=-2))
    app = HostApp(ctx, SupervisorScreen)
    async with app.run_test(size=(140, 34)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DossierActionDialog)
        assert dialog.query_one("#act-start", Input).value == "01/11/2026"
        assert dialog.query_one("#act-by", Input).value == "thủ tục"
        dialog.query_one("#act-by", Input).value = "weather"
        await pilot.press("f9")
        await pilot.pause()
        assert app.screen is dialog and "cán bộ" in str(dialog.query_one("#act-error", Static).render())
        dialog.query_one("#act-by", Input).value = "Cán bộ"
        dialog.query_one("#act-start", Input).value = "tháng này"  # a named period: 01–23/11
        await pilot.press("f9")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        table = screen.query_one("#rp-table-dossiers", DataTable)
        assert table.row_count == 2  # canbo1 and the total
        total = [str(c) for c in table.get_row("total")]
        cols = [str(c.label) for c in table.columns.values()]
        # received Mon 16/11 09:30, due in 1 working day (Tue 09:30), result the same Monday
        assert total[cols.index("Nhận")] == "2" and total[cols.index("Trước hạn")] == "1"
        assert total[cols.index("Đúng hạn")] == "0" and total[cols.index("% đúng hạn")] == "100.0 %"
        assert total[cols.index("Đang GQ")] == "1"
        # drill-down: Enter on the total's "Đang GQ" lists that dossier, Enter opens it
        table.move_cursor(row=table.row_count - 1, column=cols.index("Đang GQ"))
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, ReportDrillScreen)
        listed = drill.query_one(DataTable)
        assert listed.row_count == 1 and "Phạm Văn Đức" in [str(c) for c in listed.get_row_at(0)]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("3")  # the satisfaction tab: nobody rated yet
        await pilot.pause()
        sat = screen.query_one("#rp-table-satisfaction", DataTable)
        assert sat.has_focus and [str(c) for c in sat.get_row("total")][1] == "0"
        await pilot.press("4")  # trends: one value per day of the period, 2 dossiers on two days
        await pilot.pause()
        spark = screen.query_one("#rp-trend-entered", Sparkline)
        assert len(spark.data) == 23 and sum(spark.data) == 2
        assert "cao nhất 1" in str(screen.query_one("#rp-trend-entered-label", Static).render())
        await pilot.press("1", "f8")  # the dossier tab as CSV
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#rp-status", Static).render())
        assert ".csv" in status
        await pilot.press("f9")  # the three as one workbook
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ".xlsx" in str(screen.query_one("#rp-status", Static).render())
        await pilot.press("f10")  # printable
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ".pdf" in str(screen.query_one("#rp-status", Static).render())
    reports_dir = ctx.settings.data_dir / "reports"
    assert (reports_dir / "dossiers-queue-satisfaction-2026-11-01-2026-11-23-officer.xlsx").exists()
    path = reports_dir / "dossiers-2026-11-01-2026-11-23-officer.csv"
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text(encoding="utf-8-sig")
    assert "Tỉ lệ đúng hạn" in text and "canbo1" in text and "TỔNG" in text


def test_grouping_words() -> None:
    from counter_app.ui.screens.report import grouping

    assert grouping("Thủ tục") == grouping("thu tuc") == grouping("1") == "procedure"
    assert grouping(" cán  bộ ") == grouping("officer") == "officer"
    assert grouping("") is None and grouping("tổng") is None
    assert grouping("5") == grouping("kênh nộp") == "channel" and grouping("6") == "day"
    assert grouping("7") == grouping("weather") == "?"


def test_every_grouping_can_be_asked_of_every_tab() -> None:
    """A grouping the officer picks is one each report knows (or its total only): asking the
    three reports never fails on a grouping one of them lacks."""
    from counter_app.domain.reports import GROUPS, QUEUE_GROUPS
    from counter_app.domain.satisfaction import GROUPS as RATING_GROUPS
    from counter_app.ui.screens.report import BY_CHOICES, by_for

    known = {"dossiers": GROUPS, "queue": QUEUE_GROUPS, "satisfaction": RATING_GROUPS}
    for by in BY_CHOICES:
        for kind, groups in known.items():
            asked = by_for(kind, by)
            assert asked is None or asked in groups, (kind, by, asked)


async def test_one_report_failing_leaves_the_others(ctx) -> None:
    """A store whose ratings table is damaged: the satisfaction tab says why, the dossier and
    queue tabs still show their figures, and the workbook holds the two that could be read."""
    import sqlite3

    receive(ctx, "Phạm Văn Đức", "001085000123", "1985-01-01", when=FROZEN_NOW - dt.timedelta(days=3))
    with sqlite3.connect(ctx.settings.db_path) as con:
        con.execute("ALTER TABLE rating RENAME TO rating_damaged")
    start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 23)
    app = HostApp(ctx, lambda c: ReportScreen(c, start, end, "officer"))
    async with app.run_test(size=(140, 34)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        assert screen.query_one("#rp-table-dossiers", DataTable).row_count == 2
        assert screen.query_one("#rp-table-queue", DataTable).row_count >= 1
        assert screen.query_one("#rp-table-satisfaction", DataTable).row_count == 0
        status = str(screen.query_one("#rp-status", Static).render())
        assert "Hài lòng" in status and "rating" in status, status
        await pilot.press("f9")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ".xlsx" in str(screen.query_one("#rp-status", Static).render())
    assert (ctx.settings.data_dir / "reports" / "dossiers-queue-2026-11-01-2026-11-23-officer.xlsx").exists()
