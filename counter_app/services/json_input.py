"""JSON from a file or stdin, read as untrusted input: a clear one-line BadInput for broken text,
absurd nesting (a 100,000-deep array used to end in a RecursionError traceback), oversized
documents, integers out of range or NUL characters (`contracts.bounds`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from counter_app.contracts.bounds import DEFAULT_LIMITS, JsonLimits, JsonTooLarge, check_json
from counter_app.errors import BadInput, NotAvailable

MAX_FILE_BYTES = 64 * 1024 * 1024
# a whole procedure catalog (thousands of procedures) is one document
CATALOG_LIMITS = JsonLimits(max_depth=16, max_string=20_000, max_items=50_000, max_nodes=5_000_000)


def parse_json(raw: bytes | str, source: str, limits: JsonLimits = DEFAULT_LIMITS) -> Any:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadInput(f"{source}: không phải UTF-8 / not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{source}: JSON không hợp lệ / invalid JSON at line {exc.lineno} column "
            f"{exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise BadInput(f"{source}: JSON lồng quá sâu / JSON nested too deeply") from None
    try:
        check_json(data, limits)
    except JsonTooLarge as exc:
        raise BadInput(f"{source}: JSON vượt giới hạn / JSON over a limit: {exc}") from None
    return data


def read_json(path: str | Path, limits: JsonLimits = DEFAULT_LIMITS) -> Any:
    """A JSON file, or standard input for "-"."""
    if str(path) == "-":
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        source = "<stdin>"
    else:
        p = Path(path)
        source = str(p)
        try:
            with p.open("rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise NotAvailable(f"không có tệp / no such file: {p}") from None
        except IsADirectoryError:
            raise BadInput(f"'{p}' là thư mục / is a directory, not a JSON file") from None
        except OSError as exc:
            raise NotAvailable(f"không đọc được tệp / cannot read {p}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise BadInput(f"{source}: tệp quá lớn / file larger than {MAX_FILE_BYTES // 2**20} MiB")
    return parse_json(raw, source, limits)
