"""A store that opens itself on first use, so the TUI paints before SQLAlchemy is even imported.

Opening the store (importing SQLAlchemy/SQLModel, snapshot + migrations) takes most of a cold
start. The TUI builds its `AppContext` with a `LazyStore`, shows the sign-in screen at once and
opens the store in a background thread (`open_now`); any caller that needs it earlier (always a
worker thread: the UI never queries the store itself) simply waits for the same open.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from counter_app.config import Settings
    from counter_app.store.db import Store


class LazyStore:
    """Quacks like `Store`; the real one is opened once, thread-safely, when first needed."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._error: BaseException | None = None
        self.path = Path(settings.db_path)

    @property
    def is_open(self) -> bool:
        return self._store is not None

    def open_now(self) -> Store:
        with self._lock:
            if self._store is None:
                if self._error is not None:
                    raise self._error
                from counter_app.locations import ensure_private_dir
                from counter_app.store.db import Store

                try:
                    ensure_private_dir(self._settings.data_dir)
                    self._store = Store.open(self.path)
                except BaseException as exc:  # every later caller gets the same clear error
                    self._error = exc
                    raise
            return self._store

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not set in __init__ (read, write, engine, …).
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.open_now(), name)

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
