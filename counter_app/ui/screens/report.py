"""The supervisor's reports for a period (issue 18): asked for in a dialog (period, one line per
procedure / field / officer / counter / day), computed in a worker — dossiers
(services.reports.dossiers_report), queue (services.reports.queue_report) and citizens'
satisfaction (services.satisfaction.satisfaction_report) — and shown in three tabs (keys 1–3).
F9 saves the three as an Excel workbook, F10 as a printable PDF, F8 the tab shown as CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Sparkline, Static, TabbedContent, TabPane

from counter_app.domain.reports import group_name
from counter_app.errors import CounterAppError
from counter_app.services.context import AppContext
from counter_app.ui.i18n_reception import current_lang, localize_bindings, t
from counter_app.ui.widgets.reception_steps import screen_footer, screen_header

BY_CHOICES = ("procedure", "field", "officer", "counter", "channel", "day")
KINDS = ("dossiers", "queue", "satisfaction")
COLUMNS = {
    "dossiers": (
        "entered", "received", "refused", "withdrawn", "supplement_requested", "early", "on_time",
        "late", "open", "overdue", "on_time_rate", "digitization_rate",
    ),
    "queue": (
        "issued", "priority", "served", "absent", "transferred", "not_served", "wait_median_min",
        "wait_p90_min", "service_median_min", "service_p90_min",
    ),
    "satisfaction": (
        "rated", "very_satisfied", "satisfied", "unsatisfied", "satisfaction_rate", "served",
        "rated_share", "reasons.wait", "reasons.attitude", "reasons.guidance",
        "reasons.extra_papers",
    ),
}
# the trends tab: (report, figure, is a rate)
TRENDS = (
    ("dossiers", "entered", False),
    ("dossiers", "on_time_rate", True),
    ("queue", "wait_median_min", False),
    ("satisfaction", "satisfaction_rate", True),
)


def trend_line(values: list[float | None], start: dt.date, rate: bool) -> str:
    """"min … max, highest on dd/mm" for a daily series (— when it has no value)."""
    known = [(v, i) for i, v in enumerate(values) if v is not None]
    if not known:
        return "—"

    def show(v: float) -> str:
        return f"{100 * v:.1f} %" if rate else (f"{v:g}" if v == int(v) else f"{v:.1f}")

    low, high = min(known)[0], max(known)[0]
    top = max(known)[1]
    day = start + dt.timedelta(days=top)
    return t("rp.trend.range", low=show(low), high=show(high), day=f"{day:%d/%m}")


# what a cell of the dossier report lists on Enter: its own figure, the line's dossiers for the
# group name, those resolved for the on-time rate, those received for digitization
DRILL_FIGURE = {"key": "entered", "on_time_rate": "resolved", "digitization_rate": "received"}
# the grouping asked for, as each report can give it (the queue knows no procedure: by service)
# (tickets and ratings have no channel: a dossier filed by post or online has no ticket, so the
# queue and satisfaction tabs show their total only)
BY_KIND: dict[str, dict[str, str | None]] = {
    "queue": {"procedure": "service", "field": "service", "channel": None},
    "satisfaction": {"field": "procedure", "channel": None},
}


def by_for(kind: str, by: str | None) -> str | None:
    return BY_KIND.get(kind, {}).get(by or "", by)


class ReportDone(Message):
    """The reports computed (by kind) and, for those that could not be, why."""

    def __init__(self, reports: dict[str, Any], errors: dict[str, str]) -> None:
        super().__init__()
        self.reports = reports
        self.errors = errors


def _cell(key: str, group: dict[str, Any]) -> Text:
    from counter_app.services.report_export import cell_text, is_rate
    from counter_app.services.report_export import value as value_of

    value = value_of(group, key)
    if is_rate(key):
        low = {"on_time_rate": 0.95, "satisfaction_rate": 0.9}.get(key)
        red = low is not None and value is not None and value < low
    else:
        red = bool(value) and (key in ("overdue", "late", "unsatisfied", "absent")
                               or key.startswith("reasons."))
    return Text(cell_text(key, value), style="bold red" if red else "", justify="right")


# what an officer may type for the grouping: the key, its number, or its Vietnamese word
_BY_WORDS = {
    "thu tuc": "procedure", "linh vuc": "field", "can bo": "officer", "quay": "counter",
    "kenh nop": "channel", "kenh": "channel", "ngay": "day", "tong": None, "toan trung tam": None,
}


def grouping(text: str) -> str | None:
    """"thủ tục" / "procedure" / "1" → "procedure"; empty → None (total only); "?" if unknown."""
    from counter_app.domain.text import fold

    word = " ".join(fold(text).split())
    if not word:
        return None
    if word in BY_CHOICES:
        return word
    if word.isdigit() and 1 <= int(word) <= len(BY_CHOICES):
        return BY_CHOICES[int(word) - 1]
    return _BY_WORDS.get(word, "?")


def ask_period(screen: Screen, ctx: AppContext, today: dt.date) -> None:
    """The period dialog; on OK pushes a ReportScreen that computes in a worker."""
    from counter_app.services import book
    from counter_app.ui.widgets.dossier_action import DossierActionDialog, Field

    chosen: dict[str, Any] = {}

    def submit(values: dict[str, str]) -> str | None:
        try:
            start, end = book.parse_period(values["start"], values["end"], today=today)
        except CounterAppError as exc:
            return exc.message
        by = grouping(values["by"])
        if by == "?":
            return t("rp.err.by")
        chosen.update(start=start, end=end, by=by)
        return None

    def done(ok: bool | None) -> None:
        if ok and chosen:
            screen.app.push_screen(ReportScreen(ctx, chosen["start"], chosen["end"], chosen["by"]))

    fields = [
        Field("start", t("sv.book.from"), "dd/mm/yyyy", f"{today.replace(day=1):%d/%m/%Y}", 10),
        Field("end", t("sv.book.to"), "dd/mm/yyyy", f"{today:%d/%m/%Y}", 10),
        Field("by", t("rp.by"), t("rp.by.ph"), t("rp.by.default"), 20),
    ]
    screen.app.push_screen(
        DossierActionDialog(t("rp.title"), fields, submit, hint=t("rp.hint")), done
    )


class ReportScreen(Screen):
    DEFAULT_CSS = """
    ReportScreen { layout: vertical; }
    ReportScreen #rp-title { height: auto; padding: 0 1; background: $boost; text-style: bold; }
    ReportScreen TabbedContent { height: 1fr; }
    ReportScreen DataTable { height: 1fr; }
    ReportScreen #rp-status { height: auto; padding: 0 1; color: $text-muted; }
    ReportScreen .trend-label { height: auto; padding: 1 1 0 1; }
    ReportScreen .trend { height: 3; margin: 0 1; }
    """

    BINDINGS = [
        Binding("1", "tab('dossiers')", "rp.tab.dossiers", show=False),
        Binding("2", "tab('queue')", "rp.tab.queue", show=False),
        Binding("3", "tab('satisfaction')", "rp.tab.satisfaction", show=False),
        Binding("4", "tab('trends')", "rp.tab.trends", show=False),
        Binding("f9", "save('xlsx')", "rp.key.xlsx"),
        Binding("f10", "save('pdf')", "rp.key.pdf"),
        Binding("f8", "save('csv')", "rp.key.csv"),
        Binding("escape", "close", "sv.key.close"),
    ]

    def __init__(
        self, ctx: AppContext, start: dt.date, end: dt.date, by: str | None, *, name: str | None = None
    ) -> None:
        super().__init__(name=name)
        localize_bindings(self)
        self.ctx = ctx
        self.start, self.end, self.by = start, end, by
        self.reports: dict[str, dict[str, Any]] = {}

    @property
    def report(self) -> dict[str, Any] | None:
        """The dossier report (the first tab)."""
        return self.reports.get("dossiers")

    def compose(self) -> ComposeResult:
        header = screen_header(self.ctx)
        if header is not None:
            yield header
        yield Static(
            t("rp.heading", start=f"{self.start:%d/%m/%Y}", end=f"{self.end:%d/%m/%Y}"),
            id="rp-title",
        )
        with TabbedContent(initial="rp-dossiers"):
            for i, kind in enumerate(KINDS, start=1):
                with TabPane(f"{i} {t(f'rp.tab.{kind}')}", id=f"rp-{kind}"):
                    # dossiers: a cell is a figure of a line, Enter lists its dossiers
                    cursor = "cell" if kind == "dossiers" else "row"
                    yield DataTable(id=f"rp-table-{kind}", cursor_type=cursor, zebra_stripes=True)
            with TabPane(f"4 {t('rp.tab.trends')}", id="rp-trends"), VerticalScroll():
                for _kind, figure, _rate in TRENDS:
                    yield Static("", id=f"rp-trend-{figure}-label", classes="trend-label")
                    yield Sparkline([], id=f"rp-trend-{figure}", classes="trend")
        yield Static(t("rp.working"), id="rp-status")
        yield screen_footer()

    def on_mount(self) -> None:
        for kind in KINDS:
            table = self.query_one(f"#rp-table-{kind}", DataTable)
            by = by_for(kind, self.by)
            table.add_column(t(f"rp.by.{by or 'total'}"), key="key", width=30)
            for key in COLUMNS[kind]:
                table.add_column(t(f"rp.col.{key}"), key=key)
        self._compute()

    def _now(self) -> dt.datetime | None:
        clock = self.ctx.extras.get("clock")
        return clock() if callable(clock) else None

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def _compute(self) -> None:
        """The three reports, each with its lines per day for the trends tab (from the same
        rows); one that fails leaves the others shown, with its reason."""
        from counter_app.services import reports, satisfaction

        store, settings, start, end = self.ctx.store, self.ctx.settings, self.start, self.end
        runs = {
            "dossiers": lambda: reports.dossiers_report(
                store, settings, start, end, by=self.by, now=self._now(), days=True),
            "queue": lambda: reports.queue_report(
                store, settings, start, end, by=by_for("queue", self.by), days=True),
            "satisfaction": lambda: satisfaction.satisfaction_report(
                store, settings, start, end, by=by_for("satisfaction", self.by), days=True),
        }
        out: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for kind, run in runs.items():
            try:
                out[kind] = run()
            except CounterAppError as exc:
                errors[kind] = exc.message
            except Exception as exc:  # noqa: BLE001 - shown in its tab's place; a report changes nothing
                errors[kind] = f"{type(exc).__name__}: {exc}"
        self.post_message(ReportDone(out, errors))

    @on(ReportDone)
    def _done(self, event: ReportDone) -> None:
        status = self.query_one("#rp-status", Static)
        self.reports = event.reports
        for kind in KINDS:
            report = self.reports.get(kind)
            table = self.query_one(f"#rp-table-{kind}", DataTable)
            table.clear()
            if report is None:
                continue
            for group in report["groups"]:
                table.add_row(group_name(report.get("by"), group["key"], current_lang()),
                              *(_cell(k, group) for k in COLUMNS[kind]),
                              key=f"g:{group['key']}")
            table.add_row(
                Text(t("rp.total"), style="bold"),
                *(_cell(k, report["total"]) for k in COLUMNS[kind]),
                key="total",
            )
        self._show_trends()
        if event.errors:
            status.update(Text(" · ".join(
                f"{t(f'rp.tab.{kind}')}: {why}" for kind, why in event.errors.items()
            ), style="bold red"))
        else:
            totals = {k: self.reports[k]["total"] for k in KINDS}
            status.update(t(
                "rp.done", n=totals["dossiers"]["entered"], tickets=totals["queue"]["issued"],
                ratings=totals["satisfaction"]["rated"], definitions=t("rp.definitions"),
            ))
        self.query_one("#rp-table-dossiers", DataTable).focus()

    def _show_trends(self) -> None:
        from counter_app.domain.reports import daily_series

        for kind, figure, rate in TRENDS:
            if kind not in self.reports:
                self.query_one(f"#rp-trend-{figure}-label", Static).update(
                    f"[b]{t(f'rp.trend.{figure}')}[/b]  —")
                continue
            values = daily_series(self.reports[kind]["days"], self.start, self.end, figure)
            self.query_one(f"#rp-trend-{figure}", Sparkline).data = [v or 0 for v in values]
            self.query_one(f"#rp-trend-{figure}-label", Static).update(
                f"[b]{t(f'rp.trend.{figure}')}[/b]  {trend_line(values, self.start, rate)}"
            )

    def _shown(self) -> str:
        active = self.query_one(TabbedContent).active or "rp-dossiers"
        return active.removeprefix("rp-")

    def action_tab(self, kind: str) -> None:
        self.query_one(TabbedContent).active = f"rp-{kind}"
        if kind in KINDS:
            self.query_one(f"#rp-table-{kind}", DataTable).focus()

    def action_save(self, fmt: str) -> None:
        if not self.reports:
            return
        shown = self._shown()
        if fmt == "csv" and shown not in KINDS:
            shown = "dossiers"
        if fmt == "csv":
            chosen = [self.reports[shown]] if shown in self.reports else []
        else:
            chosen = [self.reports[k] for k in KINDS if k in self.reports]
        if chosen:
            self.query_one("#rp-status", Static).update(t("rp.saving"))
            self._save(fmt, chosen)

    @work(thread=True, group="report-save", exit_on_error=False)
    def _save(self, fmt: str, chosen: list[dict[str, Any]]) -> None:
        from counter_app.services import report_export
        from counter_app.services.forms import center_info

        try:
            center = center_info(self.ctx.store, self.ctx.settings, None) if fmt == "pdf" else None
            today = (self._now() or dt.datetime.now()).date()
            path = report_export.save(self.ctx.settings, chosen, fmt, center=center,
                                      issued_on=today)
        except CounterAppError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        except Exception as exc:  # noqa: BLE001 - shown; the report on screen stays
            self.app.call_from_thread(self.notify, f"{type(exc).__name__}: {exc}", severity="error")
            return
        self.app.call_from_thread(self._saved, str(path))

    def _saved(self, path: str) -> None:
        self.query_one("#rp-status", Static).update(t("rp.saved", path=path))
        self.notify(t("rp.saved", path=path), timeout=10)

    @on(DataTable.CellSelected, "#rp-table-dossiers")
    def _drill(self, event: DataTable.CellSelected) -> None:
        """Enter on a figure of the dossier report: the dossiers it counts."""
        from counter_app.ui.screens.report_drill import ReportDrillScreen

        row = str(event.cell_key.row_key.value)
        column = str(event.cell_key.column_key.value)
        figure = DRILL_FIGURE.get(column, column)
        line = None if row == "total" else row.removeprefix("g:")
        title = t("rd.title", figure=t(f"rp.col.{column}") if column != "key" else t("rp.col.entered"),
                  line=t("rp.total") if line is None else group_name(self.by, line, current_lang()),
                  start=f"{self.start:%d/%m/%Y}",
                  end=f"{self.end:%d/%m/%Y}")
        self.app.push_screen(ReportDrillScreen(
            self.ctx, self.start, self.end, by=self.by if line is not None else None, key=line,
            figure=figure, title=title,
        ))

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
