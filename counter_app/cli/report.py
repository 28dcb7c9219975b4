"""`counter-app report dossiers|queue|satisfaction`: the center's figures over a period (issue 18)."""

from __future__ import annotations

import argparse
from typing import Any

from counter_app.cli._common import add_data_dir, add_json_flag, emit_json, log, settings_from_args

_BY = ("procedure", "field", "officer", "counter", "day")  # domain/reports.GROUPS


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rp = sub.add_parser("report", help="reports over a period: dossiers (on time, digitization…)")
    rs = rp.add_subparsers(dest="report", metavar="REPORT", required=True)
    ds = rs.add_parser(
        "dossiers",
        help="dossiers entered, received, refused, resolved early / on time / late, open, "
        "overdue, supplementation, digitization — for this center (local store)",
    )
    _add_period(ds)
    ds.add_argument("--by", choices=_BY, help="one line per procedure, field, officer, …")
    _add_files(ds)
    add_json_flag(ds)
    add_data_dir(ds)
    ds.set_defaults(func=_dossiers)

    qs = rs.add_parser(
        "queue",
        help="tickets issued, served, absent; wait and service time (median, p90) — this center",
    )
    _add_period(qs)
    qs.add_argument("--by", choices=("service", "counter", "officer", "hour", "day"))
    _add_files(qs)
    add_json_flag(qs)
    add_data_dir(qs)
    qs.set_defaults(func=_queue)

    ss = rs.add_parser(
        "satisfaction",
        help="citizens' ratings: very satisfied / satisfied / not satisfied, reasons, share of "
        "served tickets rated — this center",
    )
    _add_period(ss)
    ss.add_argument("--by", choices=("officer", "procedure", "counter", "service", "day"))
    _add_files(ss)
    add_json_flag(ss)
    add_data_dir(ss)
    ss.set_defaults(func=_satisfaction)


def _add_period(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", metavar="DD/MM/YYYY")
    p.add_argument("--to", dest="end", metavar="DD/MM/YYYY")
    p.add_argument("--period", metavar="NAME",
                   help='instead of --from/--to: "tháng trước", "quý 3", "tuần này", "năm nay"…')


def _add_files(p: argparse.ArgumentParser) -> None:
    p.add_argument("--csv", metavar="FILE.csv", help="also save for a spreadsheet (UTF-8, 0600)")
    p.add_argument("--xlsx", metavar="FILE.xlsx", help="also save as an Excel workbook (0600)")
    p.add_argument("--pdf", metavar="FILE.pdf", help="also save as a printable A4 report (0600)")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


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


def _dossiers(args: argparse.Namespace) -> int:
    from counter_app.services import reports

    out, _, start, end = _report(args, reports.dossiers_report)
    if args.json:
        emit_json(out)
        return 0
    head = (
        f"{'':<40} {'nhận':>6} {'tiếp nhận':>9} {'từ chối':>7} {'đúng hạn':>8} {'trễ':>5} "
        f"{'đang xử lý':>10} {'quá hạn':>7} {'tỉ lệ đúng hạn':>14} {'số hóa':>8}"
    )
    log(f"Hồ sơ {start:%d/%m/%Y}–{end:%d/%m/%Y}, trung tâm {out['center']}")
    log(head)
    lines = [*({"key": g["key"], **g} for g in out["groups"]), {"key": "TỔNG / TOTAL", **out["total"]}]
    for g in lines:
        log(
            f"{str(g['key'])[:40]:<40} {g['entered']:>6} {g['received']:>9} {g['refused']:>7} "
            f"{g['early'] + g['on_time']:>8} {g['late']:>5} {g['open']:>10} {g['overdue']:>7} "
            f"{_pct(g['on_time_rate']):>14} {_pct(g['digitization_rate']):>8}"
        )
    return 0


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _queue(args: argparse.Namespace) -> int:
    from counter_app.services import reports

    out, _, start, end = _report(args, reports.queue_report)
    if args.json:
        emit_json(out)
        return 0
    log(f"Hàng đợi {start:%d/%m/%Y}–{end:%d/%m/%Y}, trung tâm {out['center']} (phút / minutes)")
    log(
        f"{'':<20} {'cấp số':>7} {'ưu tiên':>7} {'đã phục vụ':>10} {'vắng':>5} {'chờ TV':>7} "
        f"{'chờ p90':>7} {'phục vụ TV':>10} {'p90':>6}"
    )
    for g in [*out["groups"], {"key": "TỔNG / TOTAL", **out["total"]}]:
        log(
            f"{str(g['key'])[:20]:<20} {g['issued']:>7} {g['priority']:>7} {g['served']:>10} "
            f"{g['absent']:>5} {_minutes(g['wait_median_min']):>7} {_minutes(g['wait_p90_min']):>7} "
            f"{_minutes(g['service_median_min']):>10} {_minutes(g['service_p90_min']):>6}"
        )
    return 0


def _satisfaction(args: argparse.Namespace) -> int:
    from counter_app.domain.satisfaction import REASON_CODES, reason_label
    from counter_app.services import satisfaction

    out, _, start, end = _report(args, satisfaction.satisfaction_report)
    if args.json:
        emit_json(out)
        return 0
    log(f"Mức độ hài lòng {start:%d/%m/%Y}–{end:%d/%m/%Y}, trung tâm {out['center']}")
    log(
        f"{'':<24} {'đánh giá':>8} {'rất HL':>7} {'hài lòng':>8} {'không HL':>8} "
        f"{'tỉ lệ HL':>9} {'đã phục vụ':>10} {'tỉ lệ ĐG':>9}"
    )
    for g in [*out["groups"], {"key": "TỔNG / TOTAL", **out["total"]}]:
        served = "—" if g["served"] is None else str(g["served"])
        log(
            f"{str(g['key'])[:24]:<24} {g['rated']:>8} {g['very_satisfied']:>7} "
            f"{g['satisfied']:>8} {g['unsatisfied']:>8} {_pct(g['satisfaction_rate']):>9} "
            f"{served:>10} {_pct(g['rated_share']):>9}"
        )
    reasons = out["total"]["reasons"]
    if any(reasons.values()):
        log("Lý do chưa hài lòng / reasons:")
        for code in REASON_CODES:
            if reasons.get(code):
                log(f"  {reasons[code]:>5}  {reason_label(code)}")
    return 0
