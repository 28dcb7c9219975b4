"""Helpers shared by the CLI command modules (kept light: imported at parse time)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from counter_app.config import Settings


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
