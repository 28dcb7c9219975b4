"""Helpers for tests: `from tests.helpers import run_cli`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None, input: str | None = None, timeout: float = 60):
    """Run `counter-app` as a real subprocess (the way an officer or a script would)."""
    import subprocess

    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "counter_app", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
        cwd=ROOT,
    )


# The child of a birth registration as the catalog names it (domain/subjects.py).
CHILD_SPEC = {
    "role": "child", "label": "Người được đăng ký khai sinh", "label_en": "Child registered",
    "fields": ["full_name", "date_of_birth", "sex"], "required": True,
}


def ask_for_the_child(store) -> None:  # type: ignore[no-untyped-def]
    """Make the birth registration (1.001193) of a test store ask for the child."""
    from sqlmodel import select

    from counter_app.services import catalog
    from counter_app.store.models import Procedure

    with store.write() as s:
        row = s.exec(select(Procedure).where(Procedure.code == "1.001193")).one()
        row.subjects = [CHILD_SPEC]
        s.add(row)
    catalog.invalidate_cache()
