"""Syncing from the counter's TUI (the UI goes through here, not to the sync engine): a round
when the officer asks, and the background loop of an enrolled install."""

from __future__ import annotations

import threading
from typing import Any

from counter_app.services.context import AppContext


def enrolled(ctx: AppContext) -> bool:
    """Whether this install is a device of a center (a damaged device file counts as not:
    `counter-app sync status` reports it)."""
    from counter_app.sync.device import load

    try:
        return load(ctx.settings.data_dir) is not None
    except Exception:  # noqa: BLE001 - a damaged device file is reported by `sync status`, not here
        return False


def sync_once(ctx: AppContext) -> dict[str, Any]:
    """One round now (push, scans, pull); its counts. Errors are the engine's, for the officer."""
    from counter_app.services.sync_runner import engine as sync_engine

    engine = sync_engine(ctx.store, ctx.settings)
    try:
        result = engine.run_once()
    finally:
        engine.close()
    return result if isinstance(result, dict) else {}


def start(ctx: AppContext, stop: threading.Event, wake: threading.Event) -> threading.Thread | None:
    """Sync by itself until `stop` (push, blobs, pull; bounded jittered backoff; `wake` asks for
    a round now). A daemon thread rather than a Textual worker: it never touches widgets (the
    header's indicator reads the status it records in the store) and never delays the app's
    exit. None when the install is not enrolled (`counter-app enroll`)."""
    if not enrolled(ctx):
        return None

    def loop() -> None:
        from counter_app.services.sync_runner import engine as sync_engine

        try:
            engine = sync_engine(ctx.store, ctx.settings)
        except Exception:  # noqa: BLE001 - no sync engine (unreadable device file): the app runs without background sync
            return
        try:
            engine.run_forever(stop, wake=wake)
        except Exception:  # noqa: BLE001 - never kill the app; `sync status` shows the last error
            pass
        finally:
            engine.close()

    thread = threading.Thread(target=loop, name="background-sync", daemon=True)
    thread.start()
    return thread
