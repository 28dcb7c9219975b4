"""`counter-app board`: the public board (or, with --supervisor, the live view) of a center."""

from __future__ import annotations

import argparse

from counter_app.cli._common import add_data_dir, add_officer_options, bounded


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "board", help="bảng gọi số / public board (full screen), --supervisor: live view"
    )
    p.add_argument("--center", help="center code; must match the signed-in account's center")
    add_officer_options(p)
    p.add_argument("--mute", action="store_true", help="do not play announcements")
    p.add_argument("--recent", type=bounded(0, 100), default=10, help="how many past calls to list")
    p.add_argument(
        "--supervisor", action="store_true", help="supervisor live view instead of the board"
    )
    p.add_argument(
        "--alert-minutes",
        type=bounded(1, 600, float),
        default=20.0,
        help="live view: highlight a wait longer than this (default 20)",
    )
    add_data_dir(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from counter_app.cli._common import officer_client
    from counter_app.errors import BadInput

    if args.recent < 1 or args.recent > 100:
        raise BadInput("--recent phải từ 1 đến 100 / --recent must be 1..100", field="recent")
    client, settings = officer_client(args)
    board = client.board()  # signs in and checks the server before going full screen
    if args.center and board.get("center") != args.center:
        client.close()
        raise BadInput(
            f"tài khoản thuộc trung tâm {board.get('center')}, không phải {args.center} / "
            f"the account belongs to center {board.get('center')}, not {args.center}",
            field="center",
        )
    if args.supervisor:
        from counter_app.ui import i18n
        from counter_app.ui.screens.live_view import LiveViewApp

        i18n.set_language(settings.lang)  # the supervisor's language; the public board stays vi
        LiveViewApp(client, alert_minutes=args.alert_minutes).run()
        return 0
    from counter_app.ui.board import BoardApp

    BoardApp(
        client,
        center=board.get("center"),
        voice_dir=settings.data_dir / "voice",
        mute=args.mute,
        recent=args.recent,
    ).run()
    return 0
