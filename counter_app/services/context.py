"""The services one running app (TUI, CLI command, embedded demo) works with.

`AppContext` carries the settings, the opened store and the signed-in officer; the TUI's screens
receive it and call services with it. Nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from counter_app.config import Settings
    from counter_app.store.blobs import BlobStore
    from counter_app.store.db import Store


@dataclass
class Officer:
    username: str
    full_name: str
    role: str = "officer"  # officer | supervisor | admin
    counter_code: str | None = None
    center_code: str = ""


@dataclass
class AppContext:
    settings: Settings
    store: Store
    officer: Officer | None = None
    extras: dict[str, object] = field(default_factory=dict)

    @classmethod
    def open(cls, settings: Settings) -> AppContext:
        from counter_app.locations import ensure_private_dir
        from counter_app.store.db import Store

        ensure_private_dir(settings.data_dir)
        return cls(settings=settings, store=Store.open(settings.db_path))

    @property
    def actor(self) -> str:
        return self.officer.username if self.officer else "system"

    @property
    def counter_code(self) -> str:
        if self.officer and self.officer.counter_code:
            return self.officer.counter_code
        return self.settings.counter_code

    @property
    def blobs(self) -> BlobStore:
        from counter_app.store.blobs import BlobStore

        return BlobStore(Path(self.settings.data_dir) / "blobs")

    def close(self) -> None:
        self.store.close()
