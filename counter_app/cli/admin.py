"""`counter-app admin …`: administration, working directly on the server database
(`--database URL` or the SQLite file in `--data-dir`)."""

from __future__ import annotations

import argparse
import os

from counter_app.cli._common import add_data_dir, add_json_flag, bounded, emit_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("admin", help="quản trị máy chủ / server administration")
    _db_opts(p)
    groups = p.add_subparsers(dest="admin_group", metavar="AREA", required=True)

    def leaf(parent, name: str, help_: str, func) -> argparse.ArgumentParser:
        lp = parent.add_parser(name, help=help_)
        _db_opts(lp)
        add_json_flag(lp)
        lp.set_defaults(func=func)
        return lp

    center = groups.add_parser("center", help="trung tâm / centers").add_subparsers(
        dest="a", metavar="ACTION", required=True
    )
    ca = leaf(center, "add", "create a center", _center_add)
    ca.add_argument("code")
    ca.add_argument("--name", required=True)
    ca.add_argument(
        "--max-priority-streak",
        type=bounded(1, 20),
        default=2,
        help="priority calls in a row at most (default 2)",
    )
    ca.add_argument(
        "--grace-minutes",
        type=bounded(0, 240),
        default=10,
        help="no-show grace recall window (default 10)",
    )
    cset = leaf(center, "set", "change a center's settings", _center_set)
    cset.add_argument("code")
    cset.add_argument(
        "--officers-float",
        choices=["yes", "no"],
        help="may officers act on counters other than their own (default no)",
    )
    leaf(center, "list", "list centers", _center_list)
    cs = leaf(center, "show", "a center with its services and counters", _center_show)
    cs.add_argument("code")

    service = groups.add_parser("service", help="nhóm dịch vụ / service groups").add_subparsers(
        dest="a", metavar="ACTION", required=True
    )
    ss = leaf(service, "set", "create or rename a service group (one letter)", _service_set)
    ss.add_argument("--center", required=True)
    ss.add_argument("code")
    ss.add_argument("name")

    counter = groups.add_parser("counter", help="quầy / counters").add_subparsers(
        dest="a", metavar="ACTION", required=True
    )
    cn = leaf(
        counter, "set", "create or update a counter and the service groups it serves", _counter_set
    )
    cn.add_argument("--center", required=True)
    cn.add_argument("code")
    cn.add_argument("--services", required=True, help="comma-separated letters, e.g. A,B,C")
    cn.add_argument("--name", default="")

    officer = groups.add_parser("officer", help="cán bộ / officers").add_subparsers(
        dest="a", metavar="ACTION", required=True
    )
    oa = leaf(
        officer,
        "add",
        "create an officer or reset their password (COUNTER_APP_PASSWORD or prompt)",
        _officer_add,
    )
    oa.add_argument("username")
    oa.add_argument("--center", required=True)
    oa.add_argument("--role", choices=["officer", "supervisor", "province", "admin"], default="officer",
                    help="province: reads every center's dossiers and reports (no admin rights)")
    oa.add_argument("--counter")
    oa.add_argument("--full-name", default="")
    ol = leaf(officer, "list", "officers of a center", _officer_list)
    ol.add_argument("--center", required=True)
    od = leaf(officer, "disable", "deactivate an officer", _officer_disable)
    od.add_argument("username")

    token = groups.add_parser(
        "token", help="mã đăng ký thiết bị / enrolment tokens"
    ).add_subparsers(dest="a", metavar="ACTION", required=True)
    tc = leaf(
        token, "create", "a one-time enrolment token for a center (shown once)", _token_create
    )
    tc.add_argument("--center", required=True)
    tc.add_argument("--hours", type=bounded(1, 720), default=72, help="validity (default 72 h)")

    device = groups.add_parser("device", help="thiết bị / devices").add_subparsers(
        dest="a", metavar="ACTION", required=True
    )
    dl = leaf(device, "list", "enrolled devices of a center", _device_list)
    dl.add_argument("--center", required=True)
    dr = leaf(device, "revoke", "revoke a device", _device_revoke)
    dr.add_argument("device_id")

    catalog = groups.add_parser(
        "catalog", help="danh mục thủ tục / procedure catalog"
    ).add_subparsers(dest="a", metavar="ACTION", required=True)
    ci = leaf(
        catalog, "import", 'import procedures (JSON list or {"procedures": [...]})', _catalog_import
    )
    ci.add_argument("file")

    leaf(groups, "demo", "seed the demo data (center DEMO) if absent", _demo)


def _db_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--database",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="server database URL (env COUNTER_APP_DATABASE_URL; default: SQLite in the data dir)",
    )
    add_data_dir(p)


def _db(args: argparse.Namespace):  # -> Database
    from counter_app.cli.server import open_db, server_settings

    ns = argparse.Namespace(
        data_dir=getattr(args, "data_dir", None),
        database=getattr(args, "database", None) or os.environ.get("COUNTER_APP_DATABASE_URL"),
    )
    return open_db(server_settings(ns))


def _run(args: argparse.Namespace, fn) -> int:
    from counter_app.errors import BadInput, NotFound
    from counter_app.server.crud.common import ApiError

    db = _db(args)
    try:
        result = fn(db)
    except ApiError as exc:
        if exc.status == 404:
            raise NotFound(exc.message) from None
        raise BadInput(exc.message) from None
    finally:
        db.dispose()
    if args.json:
        emit_json(result)
    else:
        _print(result)
    return 0


def _print(result) -> None:
    if isinstance(result, list):
        for row in result:
            print("  ".join(f"{v}" for v in row.values()))
    elif isinstance(result, dict):
        for k, v in result.items():
            print(f"{k}: {v}")
    else:
        print(result)


def _center_add(args):
    from counter_app.server.crud import admin

    return _run(
        args,
        lambda db: admin.create_center(
            db,
            args.code,
            args.name,
            max_priority_streak=args.max_priority_streak,
            no_show_grace_minutes=args.grace_minutes,
        ),
    )


def _center_set(args):
    from counter_app.server.crud import admin

    floating = None if args.officers_float is None else args.officers_float == "yes"
    return _run(args, lambda db: admin.set_center_options(db, args.code, officers_float=floating))


def _center_list(args):
    from counter_app.server.crud import admin

    return _run(args, admin.list_centers)


def _center_show(args):
    from counter_app.server.crud import admin

    return _run(args, lambda db: admin.describe_center(db, args.code))


def _service_set(args):
    from counter_app.server.crud import admin

    return _run(args, lambda db: admin.set_service(db, args.center, args.code.upper(), args.name))


def _counter_set(args):
    from counter_app.server.crud import admin

    services = [s.strip().upper() for s in args.services.split(",") if s.strip()]
    return _run(args, lambda db: admin.set_counter(db, args.center, args.code, services, args.name))


def _password(username: str) -> str:
    from counter_app.errors import BadInput

    env = os.environ.get("COUNTER_APP_PASSWORD")
    if env:
        return env
    import getpass
    import sys

    if not sys.stdin.isatty():
        raise BadInput(
            "cần mật khẩu / set COUNTER_APP_PASSWORD or run in a terminal for the prompt"
        )
    first = getpass.getpass(f"Mật khẩu mới / new password for {username}: ")
    if first != getpass.getpass("Nhập lại / again: "):
        raise BadInput("hai mật khẩu khác nhau / the passwords differ")
    return first


def _officer_add(args):
    from counter_app.server.crud import admin

    password = _password(args.username)
    return _run(
        args,
        lambda db: admin.create_officer(
            db,
            args.username,
            password,
            center=args.center,
            role=args.role,
            full_name=args.full_name,
            counter=args.counter,
        ),
    )


def _officer_list(args):
    from counter_app.server.crud import admin

    return _run(args, lambda db: admin.list_officers(db, args.center))


def _officer_disable(args):
    from counter_app.server.crud import admin

    return _run(args, lambda db: admin.deactivate_officer(db, args.username))


def _token_create(args):
    from counter_app.server.crud import admin

    return _run(args, lambda db: admin.create_enrolment_token(db, args.center, hours=args.hours))


def _device_list(args):
    from counter_app.server.crud import admin

    return _run(args, lambda db: admin.list_devices(db, args.center))


def _device_revoke(args):
    from counter_app.server.crud import admin

    return _run(args, lambda db: admin.revoke_device(db, None, args.device_id))


def _catalog_import(args):
    from counter_app.server.crud import admin
    from counter_app.services.json_input import CATALOG_LIMITS, read_json

    data = read_json(args.file, CATALOG_LIMITS)
    return _run(args, lambda db: admin.import_catalog(db, data))


def _demo(args):
    from counter_app.server.crud import admin

    return _run(args, lambda db: {"seeded": admin.seed_demo(db)})
