"""`counter-app report dossiers|queue|satisfaction`: the center's figures over a period (issue 18)."""

from __future__ import annotations

import argparse
from typing import Any

from counter_app.cli._common import (
    add_data_dir,
    add_json_flag,
    add_officer_options,
    emit_json,
    log,
    officer_client,
    settings_from_args,
)
from counter_app.domain import satisfaction as sat
from counter_app.domain.reports import GROUPS, QUEUE_GROUPS


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rp = sub.add_parser("report", help="reports over a period: dossiers (on time, digitization…)")
    rs = rp.add_subparsers(dest="report", metavar="REPORT", required=True)
    ds = rs.add_parser(
        "dossiers",
        help="dossiers entered, received, refused, resolved early / on time / late, open, "
        "overdue, supplementation, digitization — for this center (local store)",
    )
    _add_period(ds)
    ds.add_argument("--by", choices=GROUPS, help="one line per procedure, field, officer, …")
    _add_files(ds)
    _add_remote(ds)
    add_json_flag(ds)
    add_data_dir(ds)
    ds.set_defaults(func=_dossiers)

    qs = rs.add_parser(
        "queue",
        help="tickets issued, served, absent; wait and service time (median, p90) — this center",
    )
    _add_period(qs)
    qs.add_argument("--by", choices=QUEUE_GROUPS)
    _add_files(qs)
    _add_remote(qs)
    add_json_flag(qs)
    add_data_dir(qs)
    qs.set_defaults(func=_queue)

    ss = rs.add_parser(
        "satisfaction",
        help="citizens' ratings: very satisfied / satisfied / not satisfied, reasons, share of "
        "served tickets rated — this center",
    )
    _add_period(ss)
    ss.add_argument("--by", choices=sat.GROUPS)
    _add_files(ss)
    _add_remote(ss)
    add_json_flag(ss)
    add_data_dir(ss)
    ss.set_defaults(func=_satisfaction)


def _add_period(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", metavar="DD/MM/YYYY")
    p.add_argument("--to", dest="end", metavar="DD/MM/YYYY")
    p.add_argument("--period", metavar="NAME",
                   help='instead of --from/--to: "tháng trước", "quý 3", "tuần này", "năm nay"…')


def _add_remote(p: argparse.ArgumentParser) -> None:
    p.add_argument("--remote", action="store_true",
                   help="the server's figures (every counter's synced data) instead of this PC's")
    p.add_argument("--center", metavar="CODE|all",
                   help="the server's figures of another center, or of every center (`all`, "
                   "with --by center): province role; implies --remote")
    add_officer_options(p)


def _add_files(p: argparse.ArgumentParser) -> None:
    p.add_argument("--csv", metavar="FILE.csv", help="also save for a spreadsheet (UTF-8, 0600)")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="also save as an Excel workbook (0600)")
    p.add_argument("--pdf", metavar="FILE.pdf", help="also save as a printable A4 report (0600)")


def _report(args: argparse.Namespace, compute: Any) -> tuple[dict[str, Any], Any, Any, Any]:
    """`compute(store, settings, start, end, by=…)` over the period of `args`, saved as the files
    asked for (--csv/--xlsx/--pdf, their paths added under those keys); returns the report, the
    settings and the period."""
    import datetime as dt
    from pathlib import Path

    from counter_app.domain.periods import preset
    from counter_app.errors import BadInput
    from counter_app.services import book, report_export
    from counter_app.services.forms import center_info
    from counter_app.store.db import Store

    settings = settings_from_args(args)
    today = dt.datetime.now(settings.tz).date()
    if args.period:
        named = preset(args.period, today)
        if named is None:
            raise BadInput(f"--period: không hiểu / unknown period {args.period[:40]!r} "
                           "(tháng này, tháng trước, quý 3, tuần này, năm nay…)", field="period")
        start, end = named
    elif args.start and args.end:
        start, end = book.parse_period(args.start, args.end, today=today)
    else:
        raise BadInput("cần --from và --to, hoặc --period / give --from and --to, or --period",
                       field="from")
    store = Store.open(settings.db_path)
    try:
        if args.remote or args.center or args.server:
            out = _remote(args, start, end)
        else:
            out = compute(store, settings, start, end, by=args.by)
        for fmt in report_export.FORMATS:
            target = getattr(args, fmt, None)
            if target:
                center = center_info(store, settings, None) if fmt == "pdf" else None
                out[fmt] = str(report_export.save(settings, [out], fmt, out=Path(target),
                                                  center=center, issued_on=dt.date.today()))
        return out, settings, start, end
    finally:
        store.close()


def _remote(args: argparse.Namespace, start: Any, end: Any) -> dict[str, Any]:
    """The report as the server computes it (same rules, from what every counter synced)."""
    client, _ = officer_client(args)
    with client:
        return client.report(args.report, start, end, by=args.by, center=args.center)


def _table(out: dict[str, Any], title: str, key_width: int,
           cols: list[tuple[str, int, Any]]) -> None:
    """The report as a text table: a line per group, then the total; each column a heading, a
    width and a report key (or a function of the line)."""
    from counter_app.domain.reports import group_name
    from counter_app.services.report_export import cell_text

    def text(g: dict[str, Any], what: Any) -> str:
        return str(what(g)) if callable(what) else cell_text(what, g[what])

    log(title)
    log(f"{'':<{key_width}} " + " ".join(f"{h:>{w}}" for h, w, _ in cols))
    lines = [(group_name(out.get("by"), g["key"]), g) for g in out["groups"]]
    for name, g in [*lines, ("TỔNG / TOTAL", out["total"])]:
        log(f"{name[:key_width]:<{key_width}} "
            + " ".join(f"{text(g, what):>{w}}" for _, w, what in cols))


def _where(out: dict[str, Any]) -> str:
    return "mọi trung tâm / every center" if out.get("center") == "all" else (
        f"trung tâm {out.get('center')}")


def _dossiers(args: argparse.Namespace) -> int:
    from counter_app.services import reports

    out, _, start, end = _report(args, reports.dossiers_report)
    if args.json:
        emit_json(out)
        return 0
    _table(out, f"Hồ sơ {start:%d/%m/%Y}–{end:%d/%m/%Y}, {_where(out)}", 40, [
        ("nhận", 6, "entered"), ("tiếp nhận", 9, "received"), ("từ chối", 7, "refused"),
        ("đúng hạn", 8, lambda g: g["early"] + g["on_time"]), ("trễ", 5, "late"),
        ("đang xử lý", 10, "open"), ("quá hạn", 7, "overdue"),
        ("tỉ lệ đúng hạn", 14, "on_time_rate"), ("số hóa", 8, "digitization_rate"),
    ])
    return 0


def _queue(args: argparse.Namespace) -> int:
    from counter_app.services import reports

    out, _, start, end = _report(args, reports.queue_report)
    if args.json:
        emit_json(out)
        return 0
    title = f"Hàng đợi {start:%d/%m/%Y}–{end:%d/%m/%Y}, {_where(out)} (phút / minutes)"
    _table(out, title, 20, [
        ("cấp số", 7, "issued"), ("ưu tiên", 7, "priority"), ("đã phục vụ", 10, "served"),
        ("vắng", 5, "absent"), ("chờ TV", 7, "wait_median_min"), ("chờ p90", 7, "wait_p90_min"),
        ("phục vụ TV", 10, "service_median_min"), ("p90", 6, "service_p90_min"),
    ])
    return 0


def _satisfaction(args: argparse.Namespace) -> int:
    from counter_app.domain.satisfaction import REASON_CODES, reason_label
    from counter_app.services import satisfaction

    out, _, start, end = _report(args, satisfaction.satisfaction_report)
    if args.json:
        emit_json(out)
        return 0
    _table(out, f"Mức độ hài lòng {start:%d/%m/%Y}–{end:%d/%m/%Y}, {_where(out)}", 24, [
        ("đánh giá", 8, "rated"), ("rất HL", 7, "very_satisfied"), ("hài lòng", 8, "satisfied"),
        ("không HL", 8, "unsatisfied"), ("tỉ lệ HL", 9, "satisfaction_rate"),
        ("đã phục vụ", 10, "served"), ("tỉ lệ ĐG", 9, "rated_share"),
    ])
    reasons = out["total"]["reasons"]
    if any(reasons.values()):
        log("Lý do chưa hài lòng / reasons:")
        for code in REASON_CODES:
            if reasons.get(code):
                log(f"  {reasons[code]:>5}  {reason_label(code)}")
    return 0
