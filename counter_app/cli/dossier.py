"""`counter-app dossier …`: receive, list, show, look up, move along, return, forms, attach."""

from __future__ import annotations

import argparse
import os

from counter_app.cli._common import (
    add_data_dir,
    add_json_flag,
    bounded,
    emit_json,
    log,
    settings_from_args,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dossier", help="hồ sơ: tiếp nhận, tra cứu, trả kết quả / dossiers")
    ds = p.add_subparsers(dest="dossier_command", metavar="ACTION", required=True)

    r = ds.add_parser("receive", help="receive dossiers from a JSON file (one object or a list)")
    r.add_argument("--from-json", required=True, metavar="FILE", help="JSON file, or - for stdin")
    _officer(r)
    add_json_flag(r)
    add_data_dir(r)
    r.set_defaults(func=_receive)

    ls = ds.add_parser("list", help="list dossiers, newest first")
    ls.add_argument("--status")
    ls.add_argument("--day", help="YYYY-MM-DD (received on)")
    ls.add_argument("--counter")
    ls.add_argument("--limit", type=bounded(1, 10_000), default=200)
    add_json_flag(ls)
    add_data_dir(ls)
    ls.set_defaults(func=_list)

    sh = ds.add_parser("show", help="one dossier with its components, attachments and history")
    sh.add_argument("code")
    add_json_flag(sh)
    add_data_dir(sh)
    sh.set_defaults(func=_show)

    fd = ds.add_parser("find", help="find by code, ID number, name or phone (no diacritics needed)")
    fd.add_argument("text")
    add_json_flag(fd)
    add_data_dir(fd)
    fd.set_defaults(func=_find)

    tr = ds.add_parser("set-status", help="move a dossier: processing, done, extended, withdrawn…")
    tr.add_argument("code")
    tr.add_argument("status")
    tr.add_argument("--reason", default="")
    tr.add_argument("--new-due", help="ISO datetime (for extended)")
    tr.add_argument(
        "--late-reason",
        default="",
        help="extended: why the apology is sent later than one working day before the due date",
    )
    _officer(tr)
    add_json_flag(tr)
    add_data_dir(tr)
    tr.set_defaults(func=_set_status)

    sp = ds.add_parser(
        "supplement",
        help="the citizen brought the missing papers: receive the dossier, new due date",
    )
    sp.add_argument("code")
    sp.add_argument(
        "--got",
        action="append",
        type=bounded(1, 1000),
        default=[],
        metavar="INDEX",
        help="a component now handed over in full (as the procedure asks); repeat for several",
    )
    sp.add_argument(
        "--from-json",
        metavar="FILE",
        help='components in detail: [{"index": 2, "original": 1, "copy": 0, "presented": false}], '
        'or {"components": [...], "subjects": [{"role": "child", "full_name": …}]} when the '
        "persons the dossier is about were not all given at reception",
    )
    _officer(sp)
    add_json_flag(sp)
    add_data_dir(sp)
    sp.set_defaults(func=_supplement)

    pay = ds.add_parser("pay", help="record how the fee was paid: cash, transfer or VietQR")
    pay.add_argument("code")
    pay.add_argument("--method", choices=["cash", "transfer", "vietqr"], required=True)
    pay.add_argument("--reference", default="", help="transaction reference (transfer, VietQR)")
    _officer(pay)
    add_json_flag(pay)
    add_data_dir(pay)
    pay.set_defaults(func=_pay)

    fw = ds.add_parser(
        "forward", help="hand the dossier to the body that decides it (liên thông, form 06)"
    )
    fw.add_argument("code")
    fw.add_argument("--to", dest="to_body", required=True, help="the receiving body, as named")
    fw.add_argument(
        "--kind",
        choices=["commune", "vertical", "other_center"],
        default="commune",
        help="commune department, vertical agency, or another commune's center",
    )
    fw.add_argument("--center", default="", help="the other center's code (kind other_center)")
    fw.add_argument("--receiver", default="", help="who took the dossier at the body")
    fw.add_argument("--due", help="the step's due time, ISO datetime (default: the appointment)")
    fw.add_argument("--note", default="")
    _officer(fw)
    add_json_flag(fw)
    add_data_dir(fw)
    fw.set_defaults(func=_forward)

    hb = ds.add_parser("handback", help="record what came back from the body holding the dossier")
    hb.add_argument("code")
    hb.add_argument(
        "--result", choices=["done", "passed_on", "need_supplement", "refused"], required=True
    )
    hb.add_argument("--giver", default="", help="who brought it back from the body")
    hb.add_argument("--note", default="", help="the reason (required to refuse or ask papers)")
    hb.add_argument("--next", dest="next_body", default="", help="passed_on: the next body")
    hb.add_argument(
        "--next-kind", choices=["commune", "vertical", "other_center"], default="commune"
    )
    hb.add_argument("--next-due", help="passed_on: the next step's due time, ISO datetime")
    _officer(hb)
    add_json_flag(hb)
    add_data_dir(hb)
    hb.set_defaults(func=_handback)

    rt = ds.add_parser("return", help="record the result's return to the citizen")
    rt.add_argument("code")
    rt.add_argument("--receiver-name", required=True)
    rt.add_argument("--receiver-id", required=True, help="12-digit ID number of the receiver")
    rt.add_argument(
        "--id-checked", action="store_true", help="the officer checked the receiver's ID"
    )
    rt.add_argument("--relation", default="applicant")
    rt.add_argument(
        "--id-method", choices=["visual", "qr", "chip"], default="visual",
        help="how the receiver's ID was checked (looked at, QR scanned, chip read)",
    )
    _officer(rt)
    add_json_flag(rt)
    add_data_dir(rt)
    rt.set_defaults(func=_return)

    fm = ds.add_parser("form", help="render an official form as PDF")
    fm.add_argument("code")
    fm.add_argument(
        "--kind",
        choices=["receipt", "supplement", "refusal", "apology", "stop", "control"],
        required=True,
    )
    fm.add_argument("--new-due", help="apology (form 04): the proposed new date, ISO datetime")
    fm.add_argument("--reason", help="apology (form 04): why the dossier is late")
    fm.add_argument(
        "--print",
        dest="print_it",
        action="store_true",
        help="send to the configured printer (lp) after saving",
    )
    fm.add_argument("--out", required=True, metavar="FILE.pdf")
    fm.add_argument("--paper", choices=["A5", "A4"])
    add_json_flag(fm)
    add_data_dir(fm)
    fm.set_defaults(func=_form)

    bk = ds.add_parser(
        "book", help="sổ theo dõi hồ sơ (form 07) for a period, A4 landscape PDF"
    )
    bk.add_argument("--from", dest="start", required=True, metavar="DD/MM/YYYY")
    bk.add_argument("--to", dest="end", required=True, metavar="DD/MM/YYYY")
    bk.add_argument("--out", metavar="FILE.pdf", help="default: <data dir>/forms/book-….pdf")
    bk.add_argument(
        "--print",
        dest="print_it",
        action="store_true",
        help="send to the configured printer (lp) after saving",
    )
    add_json_flag(bk)
    add_data_dir(bk)
    bk.set_defaults(func=_book)

    at = ds.add_parser("attach", help="attach scanned files (PDF/JPEG/PNG/TIFF) to a component")
    at.add_argument("code")
    at.add_argument("--component", type=bounded(1, 1000), required=True)
    at.add_argument("files", nargs="+")
    _officer(at)
    add_json_flag(at)
    add_data_dir(at)
    at.set_defaults(func=_attach)


def _officer(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--officer",
        default=os.environ.get("COUNTER_APP_OFFICER", "cli"),
        help="username recorded as the acting officer (env COUNTER_APP_OFFICER)",
    )


def _open(args: argparse.Namespace):  # -> (Settings, Store)
    from counter_app.store.db import Store

    settings = settings_from_args(args)
    return settings, Store.open(settings.db_path)


def _read_json(path: str):  # -> Any
    from counter_app.services.json_input import read_json

    return read_json(path)


def _receive(args: argparse.Namespace) -> int:
    from counter_app.errors import BadInput
    from counter_app.services import dossiers

    data = _read_json(args.from_json)
    many = isinstance(data, list)
    items = data if many else [data]
    if not items:
        raise BadInput("danh sách rỗng / the list is empty")
    settings, store = _open(args)
    # Validate every element before storing any, so bad input stores nothing.
    requests = []
    for i, item in enumerate(items):
        try:
            req = dossiers.parse_request(item)
            dossiers.preflight(store, settings, req)
        except BadInput as exc:
            prefix = f"[{i}] " if many else ""
            raise BadInput(prefix + str(exc)) from None
        requests.append(req)
    out = [dossiers.receive(store, settings, req, actor=args.officer) for req in requests]
    for d in out:
        log(f"{d['code']}  {d['status_label']}  hẹn trả: {d['appointment_at'] or '—'}")
    if args.json:
        emit_json(out if many else out[0])
    return 0


def _list(args: argparse.Namespace) -> int:
    import datetime as dt

    from counter_app.services import dossiers

    day = _iso_option(args.day, "--day", dt.date)
    _, store = _open(args)
    rows = dossiers.list_dossiers(
        store, status=args.status, day=day, counter_code=args.counter, limit=args.limit
    )
    if args.json:
        emit_json(rows)
    else:
        _print_rows(rows)
    return 0


def _print_rows(rows) -> None:  # type: ignore[no-untyped-def]
    for d in rows:
        print(
            f"{d['code']:<32} {d['status_label']:<20} {d['applicant'].get('full_name', ''):<28} "
            f"{d['procedure_name'][:40]}"
        )


def _show(args: argparse.Namespace) -> int:
    from counter_app.services import dossiers

    _, store = _open(args)
    d = dossiers.get(store, args.code)
    if args.json:
        emit_json(d)
    else:
        print(f"{d['code']} — {d['procedure_name']}")
        print(
            f"  {d['status_label']}; tiếp nhận {d['received_at']}; hẹn trả {d['appointment_at'] or '—'}"
        )
        print(f"  {d['applicant'].get('full_name')} ({d['applicant_id_number']})")
        for c in d["components"]:
            mark = "✓" if c["ok"] else "✗"
            print(f"  {mark} {c['index']}. {c['name']}  [{c['original']} chính / {c['copy']} sao]")
    return 0


def _find(args: argparse.Namespace) -> int:
    from counter_app.services import dossiers

    _, store = _open(args)
    rows = dossiers.lookup(store, args.text)
    if args.json:
        emit_json(rows)
    else:
        _print_rows(rows)
    return 0


def _set_status(args: argparse.Namespace) -> int:
    import datetime as dt

    from counter_app.services import dossiers

    new_due = _iso_option(args.new_due, "--new-due", dt.datetime)
    settings, store = _open(args)
    d = dossiers.transition(
        store,
        settings,
        args.code,
        args.status,
        actor=args.officer,
        reason=args.reason,
        new_due=new_due,
        late_reason=args.late_reason,
    )
    if args.json:
        emit_json(d)
    else:
        log(f"{d['code']}: {d['status_label']}")
    return 0


def _supplement(args: argparse.Namespace) -> int:
    from counter_app.errors import BadInput
    from counter_app.services import dossiers

    settings, store = _open(args)
    components: list[dict] = []
    subjects: list[dict] = []
    if args.from_json:
        data = _read_json(args.from_json)
        if isinstance(data, dict) and set(data) <= {"components", "subjects"}:
            subjects = data.get("subjects") or []
            data = data.get("components") or []
            if not isinstance(subjects, list) or not all(isinstance(x, dict) for x in subjects):
                raise BadInput("--from-json: subjects phải là danh sách / must be a list")
            if len(subjects) > 4:
                raise BadInput("--from-json: tối đa 4 người / at most 4 subjects")
        if not isinstance(data, list) or not all(isinstance(c, dict) for c in data):
            raise BadInput("--from-json: cần một danh sách thành phần / a list of components")
        components.extend(data)
    if args.got:
        current = dossiers.get(store, args.code, with_history=False)
        specs = {int(c["index"]): c for c in current.get("components") or []}
        for index in args.got:
            spec = specs.get(index)
            if spec is None:
                raise BadInput(
                    f"--got: hồ sơ không có thành phần số {index} / no component {index}",
                    field="components",
                )
            components.append(
                {
                    "index": index,
                    "original": int(spec.get("expected_original") or 0),
                    "copy": int(spec.get("expected_copy") or 0),
                    "presented": True,
                }
            )
    d = dossiers.complete_supplement(
        store, settings, args.code, components, actor=args.officer, subjects=subjects
    )
    if args.json:
        emit_json(d)
    else:
        log(f"{d['code']}: {d['status_label']} — {d['appointment_at']}")
    return 0


def _pay(args: argparse.Namespace) -> int:
    from counter_app.domain.fees import payment_text
    from counter_app.services import dossiers

    settings, store = _open(args)
    d = dossiers.record_payment(
        store,
        settings,
        args.code,
        method=args.method,
        reference=args.reference,
        actor=args.officer,
    )
    if args.json:
        emit_json(d)
    else:
        log(f"{d['code']}: {payment_text(d['payment'])}")
    return 0


def _forward(args: argparse.Namespace) -> int:
    import datetime as dt

    from counter_app.services import forwarding

    due = _iso_option(args.due, "--due", dt.datetime)
    settings, store = _open(args)
    d = forwarding.forward(
        store,
        settings,
        args.code,
        to_body=args.to_body,
        kind=args.kind,
        to_center=args.center,
        receiver=args.receiver,
        due=due,
        note=args.note,
        actor=args.officer,
    )
    if args.json:
        emit_json(d)
    else:
        step = d["handovers"][-1]
        log(f"{d['code']}: → {step['to_body']} (hạn {step['due_at']})")
    return 0


def _handback(args: argparse.Namespace) -> int:
    import datetime as dt

    from counter_app.domain.forwarding import timing_label
    from counter_app.services import forwarding

    next_due = _iso_option(args.next_due, "--next-due", dt.datetime)
    settings, store = _open(args)
    d = forwarding.take_back(
        store,
        settings,
        args.code,
        result=args.result,
        giver=args.giver,
        note=args.note,
        next_body=args.next_body,
        next_kind=args.next_kind,
        next_due=next_due,
        actor=args.officer,
    )
    if args.json:
        emit_json(d)
    else:
        closed = next(s for s in reversed(d["handovers"]) if s.get("back_at"))
        log(f"{d['code']}: {d['status_label']} — {timing_label(closed['timing'])}")
    return 0


def _return(args: argparse.Namespace) -> int:
    from counter_app.services import dossiers

    settings, store = _open(args)
    d = dossiers.record_return(
        store,
        settings,
        args.code,
        actor=args.officer,
        receiver_name=args.receiver_name,
        receiver_id_number=args.receiver_id,
        id_checked=args.id_checked,
        relation=args.relation,
        id_method=args.id_method,
    )
    if args.json:
        emit_json(d)
    else:
        log(f"{d['code']}: {d['status_label']} {d['returned_at']}")
    return 0


def _form(args: argparse.Namespace) -> int:
    import datetime as dt
    from pathlib import Path

    from counter_app.services import forms

    new_due = _iso_option(args.new_due, "--new-due", dt.datetime)
    settings, store = _open(args)
    path = forms.render_form(
        store,
        settings,
        args.code,
        args.kind,
        Path(args.out),
        paper=args.paper,
        new_due=new_due,
        reason=args.reason,
    )
    printed = forms.print_pdf(settings, path) if args.print_it else None
    if args.json:
        emit_json({"path": str(path), "kind": args.kind, "code": args.code, "printed": printed})
    else:
        log(str(path) if printed is None else f"{path} → {printed}")
    return 0


def _book(args: argparse.Namespace) -> int:
    from pathlib import Path

    from counter_app.services import book, forms

    start, end = book.parse_period(args.start, args.end)
    settings, store = _open(args)
    path, count = book.render_book_file(
        store, settings, start, end, Path(args.out) if args.out else None
    )
    printed = forms.print_pdf(settings, path) if args.print_it else None
    if args.json:
        emit_json(
            {
                "path": str(path),
                "from": start.isoformat(),
                "to": end.isoformat(),
                "dossiers": count,
                "printed": printed,
            }
        )
    else:
        log(f"{path} ({count} hồ sơ / dossiers)" + (f" → {printed}" if printed else ""))
    return 0


def _iso_option(value: str | None, option: str, kind: type):  # type: ignore[no-untyped-def]
    """Parse an ISO date/datetime option; a bad value is exit 2 naming the option."""
    from counter_app.errors import BadInput

    if not value:
        return None
    try:
        return kind.fromisoformat(value)
    except ValueError:
        what = "YYYY-MM-DD" if kind.__name__ == "date" else "an ISO datetime"
        raise BadInput(f"{option}: '{value}' is not {what}") from None


def _attach(args: argparse.Namespace) -> int:
    from pathlib import Path

    from counter_app.services import digitization
    from counter_app.store.blobs import BlobStore

    settings, store = _open(args)
    blobs = BlobStore(settings.data_dir / "blobs")
    result = digitization.attach_files(
        store,
        blobs,
        args.code,
        args.component,
        [Path(f) for f in args.files],
        actor=args.officer,
        settings=settings,
    )
    if args.json:
        emit_json(result)
    return 0
