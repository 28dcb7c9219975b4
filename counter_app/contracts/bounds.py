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


def _where(path: tuple[str, ...]) -> str:
    return "/".join(path) or "(top)"


def check_json(value: Any, limits: JsonLimits = DEFAULT_LIMITS) -> None:
    """Raise JsonTooLarge if `value` (as json.loads gives it) breaks one of the bounds, or holds
    an integer outside signed 64 bits, a NUL character or a non-finite number.

    One fast pass without paths (it runs on every op of every push); only when it finds a
    problem does a second pass work out where, for the message."""
    if _first_problem(value, limits, with_path=False) is not None:
        problem = _first_problem(value, limits, with_path=True)
        raise JsonTooLarge(problem or "value out of bounds")


def _first_problem(value: Any, limits: JsonLimits, *, with_path: bool) -> str | None:
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(value, 1, ())]
    pop, push = stack.pop, stack.append
    max_depth, max_items, max_string = limits.max_depth, limits.max_items, limits.max_string
    nodes = 0
    while stack:
        item, depth, path = pop()
        nodes += 1
        kind = type(item)
        if kind is str:
            if len(item) > max_string:
                return f"text longer than {max_string} characters at {_where(path)}"
            if "\x00" in item:
                return f"NUL character at {_where(path)}"
            continue
        if nodes > limits.max_nodes:
            return f"more than {limits.max_nodes} values"
        if depth > max_depth:
            return f"nested deeper than {max_depth} levels at {_where(path)}"
        if kind is dict:
            if len(item) > max_items:
                return f"object larger than {max_items} at {_where(path)}"
            for k, v in item.items():
                if type(k) is not str:
                    return f"non-text key at {_where(path)}"
                if len(k) > max_string or "\x00" in k:
                    return f"bad key at {_where(path)}"
                push((v, depth + 1, (*path, k[:40]) if with_path else path))
        elif kind is list:
            if len(item) > max_items:
                return f"list longer than {max_items} at {_where(path)}"
            for i, v in enumerate(item):
                push((v, depth + 1, (*path, str(i)) if with_path else path))
        elif kind is int:
            if not -INT64_MAX - 1 <= item <= INT64_MAX:
                return f"integer out of range at {_where(path)}"
        elif kind is float:
            if item != item or item in (float("inf"), float("-inf")):
                return f"not a finite number at {_where(path)}"
        elif item is None or kind is bool:
            continue
        else:
            return f"unexpected value type {kind.__name__} at {_where(path)}"
    return None
