"""The `counter-app` console script.

Each command group lives in its own module of this package with a `register(subparsers)` function;
modules import only argparse at top level and defer heavy imports to the handler, so that
`counter-app --help` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

# Command groups, in help order.
GROUPS = (
    "tui",
    "demo",
    "server",
    "admin",
    "enroll",
    "catalog",
    "calendar",
    "queue",
    "dossier",
    "report",
    "sync",
    "card",
    "scan",
    "board",
    "rate",
)


def build_parser() -> argparse.ArgumentParser:
    from counter_app import __version__

    parser = argparse.ArgumentParser(
        prog="counter-app",
        description="Phần mềm quầy một cửa / one-stop counter software. "
        "Without a command, opens the counter TUI.",
    )
    parser.add_argument("--version", action="version", version=f"counter-app {__version__}")
    add_common_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in GROUPS:
        importlib.import_module(f"counter_app.cli.{name}").register(sub)
    return parser


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """Options every command accepts (before or after the command name)."""
    parser.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="client data directory (default: platformdirs; env COUNTER_APP_DATA_DIR)",
    )
    parser.add_argument(
        "--lang",
        choices=["vi", "en"],
        default=argparse.SUPPRESS,
        help="interface language (default vi)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    from counter_app import logsafe
    from counter_app.errors import CounterAppError

    logsafe.install()  # files this process creates are private; logs carry no personal data

    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        if args.command is None:
            from counter_app.cli.tui import run_tui

            func = run_tui
        else:
            parser.print_help(sys.stderr)
            return 2
    try:
        return int(func(args) or 0)
    except CounterAppError as exc:
        print(f"counter-app: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("counter-app: đã dừng / interrupted", file=sys.stderr)
        return 6
    except BrokenPipeError:
        return 0
    except RecursionError:
        print("counter-app: dữ liệu lồng quá sâu / input nested too deeply", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: one line for the officer, the traceback on request
        import os

        if os.environ.get("COUNTER_APP_DEBUG"):
            raise
        print(
            f"counter-app: lỗi không mong đợi / unexpected error ({type(exc).__name__}); "
            "chạy lại với COUNTER_APP_DEBUG=1 để xem chi tiết / run again with "
            "COUNTER_APP_DEBUG=1 for the details",
            file=sys.stderr,
        )
        return 1
