"""`counter-app queue …`: the shared queue on the central server, over HTTP."""

from __future__ import annotations

import argparse

from counter_app.cli._common import (
    add_data_dir,
    add_json_flag,
    add_officer_options,
    emit_json,
    log,
    officer_client,
)

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
    i.add_argument(
        "--print",
        dest="print_ticket",
        action="store_true",
        help="print it on ticket_printer (config): ESC/POS device or host:port, or 'pdf'",
    )
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
    add_officer_options(p)
    add_json_flag(p)
    add_data_dir(p)


def _client(args: argparse.Namespace):  # -> (QueueClient, Settings)
    return officer_client(args)


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
    client, settings = _client(args)
    with client:
        ticket = client.issue(args.service.upper(), args.priority)
    _show(args, ticket, "Số mới / issued")
    if args.print_ticket:
        from counter_app.services import ticket_printing

        # the ticket is issued (printed above, or in the JSON): a printer failure exits 3
        done = ticket_printing.print_issued(settings, ticket)
        log(f"đã in / printed {done.number}: {done.detail}")
    return 0


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
    """Finish the ticket on the server; as the TUI's F9 does, it is then offered for the
    citizen's rating at this counter (`counter-app rate --counter Q1` on this PC)."""
    client, s = _client(args)
    counter = _counter(args, s)
    with client:
        done = client.finish(counter)
    if done:
        from counter_app.contracts.tickets import QueueTicket
        from counter_app.services import satisfaction
        from counter_app.store.db import Store

        store = Store.open(s.db_path)
        try:
            satisfaction.offer_quietly(store, s, QueueTicket.model_validate(
                {"origin": "server", **done}), counter)
        finally:
            store.close()
    return _show(args, done, "Xong / done")


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
