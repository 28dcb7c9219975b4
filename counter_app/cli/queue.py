"""`counter-app queue …`: the shared queue on the central server, over HTTP."""

from __future__ import annotations

import argparse
import os

from counter_app.cli._common import add_data_dir, add_json_flag, emit_json

PRIORITIES = ("merit", "elderly", "disabled", "pregnant", "small_child")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("queue", help="hàng đợi / the shared queue on the server")
    qs = p.add_subparsers(dest="queue_command", metavar="ACTION", required=True)

    def leaf(name: str, help_: str, func, counter: bool = True) -> argparse.ArgumentParser:
        lp = qs.add_parser(name, help=help_)
        _common(lp)
        if counter:
            lp.add_argument(
                "--counter", help="counter code, e.g. Q1 (default: counter_code in the config)"
            )
        lp.set_defaults(func=func)
        return lp

    i = leaf("issue", "phát số / issue a ticket", _issue, counter=False)
    i.add_argument("--service", required=True, help="service group letter, e.g. A")
    i.add_argument("--priority", choices=PRIORITIES, help="priority reason by law")
    leaf("call-next", "gọi số tiếp theo / call the next ticket", _call_next)
    c = leaf("call", "gọi một số cụ thể / call a specific number", _call)
    c.add_argument("--number", required=True)
    r = leaf("recall", "gọi lại / announce again; --number calls back a no-show", _recall)
    r.add_argument("--number")
    leaf("start", "bắt đầu phục vụ / the citizen is at the counter", _start)
    leaf("no-show", "vắng mặt / mark the current ticket as a no-show", _no_show)
    leaf("finish", "xong / finish the current ticket", _finish)
    t = leaf("transfer", "chuyển / transfer the current ticket", _transfer)
    t.add_argument("--to-service")
    t.add_argument("--to-counter")
    leaf("status", "tình hình hàng đợi / live queue", _status, counter=False)
    leaf("board", "bảng hiển thị / what the board shows", _board, counter=False)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--server",
        help="server URL (default: server_url in the config; env COUNTER_APP_SERVER_URL)",
    )
    p.add_argument(
        "--username",
        default=os.environ.get("COUNTER_APP_USERNAME"),
        help="sign-in name (env COUNTER_APP_USERNAME); password from COUNTER_APP_PASSWORD or a prompt",
    )
    add_json_flag(p)
    add_data_dir(p)


def _client(args: argparse.Namespace):  # -> (QueueClient, Settings)
    from counter_app.cli._common import settings_from_args
    from counter_app.services.queue_client import QueueClient

    settings = settings_from_args(args)
    url = args.server or settings.server_url

    def password() -> str:
        env = os.environ.get("COUNTER_APP_PASSWORD")
        if env:
            return env
        import getpass
        import sys

        if not sys.stdin.isatty():
            return ""
        return getpass.getpass(f"Mật khẩu / password for {args.username}: ")

    client = QueueClient(
        url or "", data_dir=settings.data_dir, username=args.username, password=password
    )
    return client, settings


def _counter(args: argparse.Namespace, settings) -> str:
    return args.counter or settings.counter_code


def _show(args: argparse.Namespace, ticket: dict | None, verb: str) -> int:
    if args.json:
        emit_json(ticket)
        return 0
    if ticket is None:
        print("Không còn ai chờ / nobody is waiting")
        return 0
    where = f" → quầy {ticket['counter']}" if ticket.get("counter") else ""
    prio = f" (ưu tiên: {ticket['priority']})" if ticket.get("priority") else ""
    print(f"{verb}: {ticket['number']}{where} [{ticket['state']}]{prio}")
    return 0


def _issue(args: argparse.Namespace) -> int:
    client, _s = _client(args)
    with client:
        return _show(args, client.issue(args.service.upper(), args.priority), "Số mới / issued")


def _call_next(args: argparse.Namespace) -> int:
    client, s = _client(args)
    with client:
        return _show(args, client.call_next(_counter(args, s)), "Mời số / calling")


def _call(args: argparse.Namespace) -> int:
    client, s = _client(args)
    with client:
        return _show(
            args, client.call_number(_counter(args, s), args.number.upper()), "Mời số / calling"
        )


def _recall(args: argparse.Namespace) -> int:
    client, s = _client(args)
    with client:
        number = args.number.upper() if args.number else None
        return _show(args, client.recall(_counter(args, s), number), "Gọi lại / recall")


def _start(args: argparse.Namespace) -> int:
    client, s = _client(args)
    with client:
        return _show(args, client.start(_counter(args, s)), "Đang phục vụ / serving")


def _no_show(args: argparse.Namespace) -> int:
    client, s = _client(args)
    with client:
        return _show(args, client.no_show(_counter(args, s)), "Vắng mặt / no-show")


def _finish(args: argparse.Namespace) -> int:
    client, s = _client(args)
    with client:
        return _show(args, client.finish(_counter(args, s)), "Xong / done")


def _transfer(args: argparse.Namespace) -> int:
    from counter_app.errors import BadInput

    if not args.to_service and not args.to_counter:
        raise BadInput("cần --to-service hoặc --to-counter / give --to-service or --to-counter")
    client, s = _client(args)
    with client:
        t = client.transfer(
            _counter(args, s),
            service=args.to_service.upper() if args.to_service else None,
            to_counter=args.to_counter,
        )
        return _show(args, t, "Đã chuyển / transferred")


def _status(args: argparse.Namespace) -> int:
    client, _s = _client(args)
    with client:
        st = client.status()
    if args.json:
        emit_json(st)
        return 0
    print(f"{st['center']} — {st['service_day']}")
    for c in st["counters"]:
        cur = c["current"]["number"] if c["current"] else "—"
        print(f"  {c['code']:<6} {cur:<8} xong/done {c['served_today']}")
    waiting = ", ".join(t["number"] for t in st["waiting"][:20])
    print(f"  chờ / waiting ({len(st['waiting'])}): {waiting}")
    return 0


def _board(args: argparse.Namespace) -> int:
    client, _s = _client(args)
    with client:
        b = client.board()
    if args.json:
        emit_json(b)
        return 0
    for call in b["now_serving"]:
        print(f"  {call['number']:<8} → {call['counter']}")
    return 0
