"""`counter-app calendar …`: appointment dates, the holiday list of a year, importing a notice."""

from __future__ import annotations

import argparse

from counter_app.cli._common import add_data_dir, add_json_flag, emit_json, settings_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calendar", help="lịch làm việc, ngày hẹn trả / working calendar, due dates")
    cs = p.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)

    d = cs.add_parser("due", help="the due date of a dossier received at a given time")
    d.add_argument(
        "--received",
        metavar="ISO_DATETIME",
        help="time of receipt, e.g. 2027-02-04T16:10 (no zone = the center's zone; default now)",
    )
    d.add_argument("--duration", required=True, metavar="N", help="processing time (0 = same day)")
    d.add_argument(
        "--unit",
        default="working_days",
        metavar="UNIT",
        help="working_days (default) | working_hours | same_day",
    )
    d.add_argument(
        "--cut-off", metavar="HH:MM", help="same-day cut-off (default from config, 15:00)"
    )
    add_json_flag(d)
    add_data_dir(d)
    d.set_defaults(func=_due)

    h = cs.add_parser("holidays", help="days off and make-up days of a year")
    h.add_argument("--year", required=True, metavar="YYYY")
    add_json_flag(h)
    add_data_dir(h)
    h.set_defaults(func=_holidays)

    i = cs.add_parser(
        "import", help="import an official notice file (see assets/calendar/FORMAT.md)"
    )
    i.add_argument("file", metavar="FILE")
    add_json_flag(i)
    add_data_dir(i)
    i.set_defaults(func=_import)


def _parse_received(text: str | None, tz):  # -> dt.datetime
    import datetime as dt

    from counter_app.errors import BadInput

    if text is None:
        return dt.datetime.now(tz).replace(microsecond=0)
    raw = text.strip()
    try:
        if len(raw) == 10:
            value = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(0))
        else:
            value = dt.datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError:
        raise BadInput(
            f"--received: không hiểu ngày giờ {text!r}, cần dạng 2027-02-04T16:10 / "
            "expected an ISO date-time like 2027-02-04T16:10",
            field="--received",
        ) from None
    return value


def _due(args: argparse.Namespace) -> int:
    from counter_app.errors import BadInput
    from counter_app.services.calendar import get_calendar

    settings = settings_from_args(args)
    received = _parse_received(args.received, settings.tz)
    cal = get_calendar(settings)
    try:
        appt = cal.appointment(received, args.duration, args.unit, cut_off=args.cut_off)
    except BadInput as exc:
        option = {
            "duration": "--duration",
            "unit": "--unit",
            "cut_off": "--cut-off",
            "received_at": "--received",
        }.get(exc.field or "", exc.field)
        raise BadInput(f"{option}: {exc.message}", field=option) from None
    lang = settings.lang
    if args.json:
        emit_json(appt.to_dict(lang))
        return 0
    from counter_app.domain.calendar import WEEKDAYS_EN, WEEKDAYS_VI

    due = appt.due
    if lang == "en":
        line = f"Due: {due:%H:%M} {WEEKDAYS_EN[due.weekday()]} {due:%d/%m/%Y}"
        line += " (provisional)" if appt.provisional else ""
    else:
        line = f"Hẹn trả: {due:%H:%M} {WEEKDAYS_VI[due.weekday()]} {due:%d/%m/%Y}"
        line += " (dự kiến)" if appt.provisional else ""
    print(line)
    print(appt.rule_in(lang))
    return 0


def _holidays(args: argparse.Namespace) -> int:
    from counter_app.errors import BadInput
    from counter_app.services.calendar import get_calendar

    text = str(args.year).strip()
    if not (text.isdigit() and len(text) == 4):
        raise BadInput(
            f"--year: năm không hợp lệ {args.year!r}, cần YYYY / expected a year YYYY",
            field="--year",
        )
    year = int(text)
    settings = settings_from_args(args)
    cal = get_calendar(settings)
    try:
        rows = cal.holidays_in_year(year)
    except BadInput as exc:
        raise BadInput(f"--year: {exc.message}", field="--year") from None
    if args.json:
        emit_json([r.to_dict() for r in rows])
        return 0
    from counter_app.domain.calendar import WEEKDAYS_EN, WEEKDAYS_VI

    en = settings.lang == "en"
    kinds_vi = {"holiday": "nghỉ lễ", "substitute": "nghỉ bù", "off": "nghỉ", "worked": "làm bù"}
    if cal.is_provisional_year(year):
        print(
            f"Year {year}: no official notice imported, days are provisional"
            if en
            else f"Năm {year}: chưa nhập thông báo chính thức, các ngày dưới đây là dự kiến"
        )
    for r in rows:
        wd = (WEEKDAYS_EN if en else WEEKDAYS_VI)[r.date.weekday()]
        kind = r.kind if en else kinds_vi[r.kind]
        name = (r.name_en or r.name) if en else r.name
        print(f"{r.date:%d/%m/%Y} {wd:<9} {kind:<10} {name} — {r.source}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from counter_app.services.calendar import import_notice

    settings = settings_from_args(args)
    result = import_notice(settings, args.file)
    if args.json:
        emit_json(result.to_dict())
        return 0
    years = ", ".join(str(y) for y in result.years)
    if result.already_imported:
        msg = f"Thông báo đã được nhập trước đó / already imported: {result.path}"
    else:
        msg = (
            f"Đã nhập thông báo lịch năm {years} ({result.rows} ngày) / imported: {result.path}; "
            f"phiên bản lịch / calendar version {result.calendar_version}"
        )
    print(msg)
    return 0
