"""`counter-app catalog …`: import the procedure catalog, search it, show one procedure."""

from __future__ import annotations

import argparse

from counter_app.cli._common import (
    add_data_dir,
    add_json_flag,
    bounded,
    emit_json,
    log,
    settings_from_args,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("catalog", help="danh mục thủ tục hành chính / procedure catalog")
    cs = p.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)

    im = cs.add_parser(
        "import", help="import a catalog JSON file (versioned; unchanged entries are skipped)"
    )
    im.add_argument("file", metavar="FILE", help="JSON list of procedures, or - for stdin")
    im.add_argument(
        "--officer",
        default=None,
        help="username recorded in the event log (env COUNTER_APP_OFFICER, default 'cli')",
    )
    add_json_flag(im)
    add_data_dir(im)
    im.set_defaults(func=_import)

    se = cs.add_parser("search", help="search by name, abbreviation or code (no diacritics needed)")
    se.add_argument("text", nargs="+", metavar="TEXT")
    se.add_argument("--limit", type=bounded(1, 1000), default=10, metavar="N")
    add_json_flag(se)
    add_data_dir(se)
    se.set_defaults(func=_search)

    sh = cs.add_parser("show", help="one procedure with its numbered components")
    sh.add_argument("code", metavar="CODE")
    sh.add_argument("--version", type=bounded(1, 1_000_000), default=None, metavar="N")
    add_json_flag(sh)
    add_data_dir(sh)
    sh.set_defaults(func=_show)

    fl = cs.add_parser("fields", help="fields (lĩnh vực) with their procedure counts")
    add_json_flag(fl)
    add_data_dir(fl)
    fl.set_defaults(func=_fields)


def _store(args: argparse.Namespace):  # -> Store
    from counter_app.store.db import Store

    return Store.open(settings_from_args(args).db_path)


def _import(args: argparse.Namespace) -> int:
    import os

    from counter_app.services import catalog

    actor = args.officer or os.environ.get("COUNTER_APP_OFFICER") or "cli"
    data, source = catalog.read_catalog(args.file)  # "-" is standard input
    # Validate before touching the data dir: a bad file creates nothing.
    catalog.validate_catalog(data)
    store = _store(args)
    try:
        summary = catalog.import_catalog(store, data, actor, source=source)
    finally:
        store.close()
    if args.json:
        emit_json(summary)
    else:
        print(
            f"Đã nhập / imported {summary['entries']} thủ tục: "
            f"{summary['added']} mới / added, {summary['updated']} cập nhật / updated, "
            f"{summary['unchanged']} không đổi / unchanged"
        )
    return 0


def _search(args: argparse.Namespace) -> int:
    from counter_app.services import catalog

    text = " ".join(args.text)
    store = _store(args)
    try:
        if catalog.count(store) == 0:
            log(
                "Danh mục thủ tục đang trống / the procedure catalog is empty: "
                "nhập bằng / import it with `counter-app catalog import FILE` "
                "(demo: `counter-app demo` loads assets/catalog/demo_catalog.json)"
            )
            results: list = []
        else:
            results = catalog.search(store, text, args.limit)
    finally:
        store.close()
    if args.json:
        emit_json(results)
        return 0
    if not results:
        log(f"Không tìm thấy thủ tục / no procedure matches '{text}'")
        return 0
    for r in results:
        pt = r["processing_time"]
        when = "trong ngày" if pt["unit"] == "same_day" else f"{pt['value']} {_UNIT_VI[pt['unit']]}"
        print(f"{r['code']:<14} {r['name']}  [{r['field']}; {when}]")
    return 0


_UNIT_VI = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc", "same_day": ""}


def _show(args: argparse.Namespace) -> int:
    from counter_app.services import catalog

    store = _store(args)
    try:
        proc = catalog.get(store, args.code, args.version)
    finally:
        store.close()
    if args.json:
        emit_json(proc)
        return 0
    pt = proc["processing_time"]
    when = "trong ngày" if pt["unit"] == "same_day" else f"{pt['value']} {_UNIT_VI[pt['unit']]}"
    print(f"{proc['code']} (phiên bản {proc['version']}) — {proc['name']}")
    print(f"Lĩnh vực: {proc['field']} · Cơ quan: {proc['agency']} · Thời hạn: {when}")
    for f in proc["fees"]:
        amount = (
            "do tỉnh quy định"
            if f["amount_vnd"] is None
            else f"{f['amount_vnd']:,} đồng".replace(",", ".")
        )
        print(f"Phí/lệ phí: {f['name']}: {amount}")
    print("Thành phần hồ sơ:")
    for c in proc["components"]:
        need = "bắt buộc" if c["required"] else "nếu có"
        print(
            f"  {c['index']}. {c['name']} — {c['original']} bản chính, {c['copy']} bản sao ({need})"
        )
    return 0


def _fields(args: argparse.Namespace) -> int:
    from counter_app.services import catalog

    store = _store(args)
    try:
        rows = catalog.list_fields(store)
    finally:
        store.close()
    if args.json:
        emit_json(rows)
    else:
        for r in rows:
            print(f"{r['count']:>5}  {r['field']}")
    return 0
