"""The TUI's start without the garbage collector: it comes back, and only if it was taken."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from counter_app.ui import startup_gc


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    was = gc.isenabled()
    yield
    startup_gc._paused = False
    if was:
        gc.enable()
    gc.unfreeze()


def test_pause_then_settle_gives_the_collector_back_and_freezes() -> None:
    gc.enable()
    startup_gc.pause()
    assert not gc.isenabled()
    before = gc.get_freeze_count()
    startup_gc.settle()
    assert gc.isenabled()
    assert gc.get_freeze_count() > before
    startup_gc.settle()  # twice: nothing more
    assert gc.isenabled()


def test_settle_without_pause_leaves_the_collector_alone() -> None:
    gc.disable()  # someone else's choice
    count = gc.get_freeze_count()
    startup_gc.settle()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == count


def test_counter_app_cli_start_pauses_and_the_app_settles(tmp_path) -> None:
    """The real path: `counter-app tui` in a subprocess; after its warm-up the collector runs."""
    import os
    import subprocess
    import sys

    from tests.helpers import ROOT

    script = r"""
import gc, sys, argparse, json
from counter_app.cli import tui
from counter_app.ui import app as app_module, startup_gc
seen = {}
original_warm_up = app_module.CounterApp._warm_up
def warm_up(self):
    seen["during"] = gc.isenabled()
    original_warm_up(self)
app_module.CounterApp._warm_up = warm_up
original_settle = startup_gc.settle
def settle():
    original_settle()
    seen["after"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count()
    apps[0].call_from_thread(apps[0].exit)
startup_gc.settle = settle
apps = []
original_run = app_module.CounterApp.run
def run(self, *a, **k):
    apps.append(self)
    return original_run(self, headless=True, size=(100, 30))
app_module.CounterApp.run = run
tui.run_tui(argparse.Namespace(data_dir=sys.argv[1], lang="vi", config=None))
print(json.dumps(seen))
"""
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "data")],
        cwd=ROOT,
        env=dict(os.environ, TEXTUAL=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    import json

    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["during"] is False
    assert seen["after"] is True and seen["frozen"] > 10_000
