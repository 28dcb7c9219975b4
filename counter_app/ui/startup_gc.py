"""The TUI starts without the cyclic garbage collector, and gets it back once warmed up.

Starting the counter TUI allocates some 80,000 long-lived objects (Textual, Rich, SQLAlchemy,
pydantic, the catalog index): the collector would walk them again and again while the sign-in
screen is built (12 ms of a 200 ms start, measured) and, later, land a full collection on some
screen's first frame (+55 ms seen on the home's). So `pause()` before the imports; `settle()` when
the background warm-up is done: the survivors are frozen (never walked again) and collection
resumes for everything made after.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Call first thing, before importing the UI."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def settle() -> None:
    """Freeze what exists now and give the collector back, if `pause` took it (an app built
    without it, as in tests, leaves the collector alone: repeated freezes would pin garbage)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
