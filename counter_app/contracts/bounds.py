"""Bounds on untrusted JSON: how deep, how long, how large a value may be before anything else
reads it. Iterative (a 100,000-deep nesting is refused, never a RecursionError), pure.

Used by the server for sync payloads and by the CLI for JSON files it reads (`dossier receive
--from-json`, `catalog import`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class JsonLimits:
    max_depth: int = 16
    max_string: int = 20_000  # characters of one string (keys included)
    max_items: int = 5_000  # elements of one list or members of one object
    max_nodes: int = 200_000  # values in the whole document


DEFAULT_LIMITS = JsonLimits()


class JsonTooLarge(ValueError):
    """The value breaks a bound; the message says which, and where."""


def _where(path: list[str]) -> str:
    return "/".join(path) or "(top)"


def check_json(value: Any, limits: JsonLimits = DEFAULT_LIMITS) -> None:
    """Raise JsonTooLarge if `value` (as json.loads gives it) breaks one of the bounds, or holds
    an integer outside signed 64 bits, a NUL character or a non-finite number."""
    stack: list[tuple[Any, int, list[str]]] = [(value, 1, [])]
    nodes = 0
    while stack:
        item, depth, path = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            raise JsonTooLarge(f"more than {limits.max_nodes} values")
        if depth > limits.max_depth:
            raise JsonTooLarge(f"nested deeper than {limits.max_depth} levels at {_where(path)}")
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, int):
            if not -INT64_MAX - 1 <= item <= INT64_MAX:
                raise JsonTooLarge(f"integer out of range at {_where(path)}")
        elif isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                raise JsonTooLarge(f"not a finite number at {_where(path)}")
        elif isinstance(item, str):
            _check_text(item, limits, path)
        elif isinstance(item, list):
            if len(item) > limits.max_items:
                raise JsonTooLarge(f"list longer than {limits.max_items} at {_where(path)}")
            stack.extend((v, depth + 1, path + [str(i)]) for i, v in enumerate(item))
        elif isinstance(item, dict):
            if len(item) > limits.max_items:
                raise JsonTooLarge(f"object larger than {limits.max_items} at {_where(path)}")
            for k, v in item.items():
                if not isinstance(k, str):
                    raise JsonTooLarge(f"non-text key at {_where(path)}")
                _check_text(k, limits, path)
                stack.append((v, depth + 1, path + [k[:40]]))
        else:
            raise JsonTooLarge(f"unexpected value type {type(item).__name__} at {_where(path)}")


def _check_text(text: str, limits: JsonLimits, path: list[str]) -> None:
    if len(text) > limits.max_string:
        raise JsonTooLarge(f"text longer than {limits.max_string} characters at {_where(path)}")
    if "\x00" in text:
        raise JsonTooLarge(f"NUL character at {_where(path)}")
