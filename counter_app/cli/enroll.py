"""`counter-app enroll --server URL --center CODE --username U [--token T]`."""

from __future__ import annotations

import argparse
import os

from counter_app.cli._common import add_data_dir, add_json_flag, emit_json, log, settings_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "enroll", help="đăng ký máy này với máy chủ / register this install as a device"
    )
    p.add_argument("--server", required=True, help="central server URL")
    p.add_argument("--center", required=True, help="center code")
    p.add_argument(
        "--username",
        required=True,
        help="officer username (password: prompt or COUNTER_APP_PASSWORD)",
    )
    p.add_argument(
        "--token",
        default=os.environ.get("COUNTER_APP_ENROLL_TOKEN"),
        help="one-time enrolment token from an admin (env COUNTER_APP_ENROLL_TOKEN)",
    )
    p.add_argument("--name", help="device name (default: host name)")
    add_json_flag(p)
    add_data_dir(p)
    p.set_defaults(func=_enroll)


def _password() -> str:
    pw = os.environ.get("COUNTER_APP_PASSWORD")
    if pw:
        return pw
    import getpass
    import sys

    from counter_app.errors import BadInput

    if not sys.stdin.isatty():
        raise BadInput(
            "cần mật khẩu / password needed: set COUNTER_APP_PASSWORD or run in a terminal"
        )
    return getpass.getpass("Mật khẩu / password: ")


def _enroll(args: argparse.Namespace) -> int:
    from counter_app.services.enrolment import enroll
    from counter_app.store.db import Store

    settings = settings_from_args(args)
    store = Store.open(settings.db_path)
    out = enroll(
        store,
        settings,
        server=args.server,
        center=args.center,
        username=args.username,
        password=_password(),
        token=args.token,
        device_name=args.name,
    )
    log(f"đã đăng ký / enrolled: device {out['device_id']} slot {out['slot']} epoch {out['epoch']}")
    if args.json:
        emit_json(out)
    return 0
