"""`counter-app` (no command) and `counter-app tui`: the counter TUI, signed-in flow."""

from __future__ import annotations

import argparse

from counter_app.cli._common import add_data_dir


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("tui", help="màn hình quầy / the counter TUI (the default command)")
    add_data_dir(p)
    p.set_defaults(func=run_tui)


def run_tui(args: argparse.Namespace) -> int:
    from counter_app.cli._common import settings_from_args
    from counter_app.ui.app import make_app

    settings = settings_from_args(args)
    app = make_app(settings)
    try:
        app.run()
    finally:
        app.ctx.close()
    return int(app.return_code or 0)
