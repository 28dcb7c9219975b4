"""Helpers shared by the CLI command modules (kept light: imported at parse time)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from counter_app.config import Settings


def bounded(low: float, high: float, kind: type = int):  # -> Callable[[str], int | float]
    """An argparse `type` for a number between `low` and `high` (a clear usage error, exit 2,
    instead of an overflow deep inside)."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"'{text}' không phải số / is not {'an integer' if kind is int else 'a number'}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} ngoài khoảng / outside {low:g}…{high:g}")
        return value

    parse.__name__ = "integer" if kind is int else "number"
    return parse


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """Let the common options also follow the subcommand name."""
    from counter_app.cli import add_common_options

    add_common_options(parser)


def emit_json(obj: Any) -> None:
    """Data goes to stdout and nothing else."""
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=_default)
    sys.stdout.write("\n")
    sys.stdout.flush()


def _default(obj: Any) -> Any:
    import datetime as dt
    import uuid

    if isinstance(obj, dt.datetime | dt.date | dt.time):
        return obj.isoformat()
    if isinstance(obj, uuid.UUID):
        return str(obj)
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def log(message: str) -> None:
    """Progress and logs go to stderr."""
    print(message, file=sys.stderr, flush=True)


def settings_from_args(args: argparse.Namespace) -> Settings:
    from counter_app.config import load_settings

    return load_settings(
        data_dir=getattr(args, "data_dir", None),
        lang=getattr(args, "lang", None),
    )


def add_officer_options(parser: argparse.ArgumentParser) -> None:
    """--server and --username for commands that sign in to the server as an officer."""
    import os

    parser.add_argument(
        "--server",
        help="server URL (default: server_url in the config; env COUNTER_APP_SERVER_URL)",
    )
    parser.add_argument(
        "--username",
        default=os.environ.get("COUNTER_APP_USERNAME"),
        help="sign-in name (env COUNTER_APP_USERNAME); password from COUNTER_APP_PASSWORD or a prompt",
    )


def officer_client(args: argparse.Namespace):  # -> (QueueClient, Settings)
    """A signed-in client of the server (the token is cached in the data dir between calls)."""
    import os

    from counter_app.services.queue_client import QueueClient

    settings = settings_from_args(args)
    url = args.server or settings.server_url

    def password() -> str:
        env = os.environ.get("COUNTER_APP_PASSWORD")
        if env:
            return env
        if not sys.stdin.isatty():
            return ""
        import getpass

        return getpass.getpass(f"Mật khẩu / password for {args.username}: ")

    client = QueueClient(
        url or "", data_dir=settings.data_dir, username=args.username, password=password
    )
    return client, settings
