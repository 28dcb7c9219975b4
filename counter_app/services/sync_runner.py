"""The sync engine as the use cases run it: wired to the catalog service, so the procedures a
pull brings are imported with the catalog's versioning (the sync layer sits below services and
does not import them)."""

from __future__ import annotations

from typing import Any

from counter_app.config import Settings
from counter_app.store.db import Store
from counter_app.sync.engine import SyncEngine


def engine(store: Store, settings: Settings, **kw: Any) -> SyncEngine:
    """A SyncEngine for this install (`kw`: creds, transport, batch)."""
    from counter_app.services.catalog import import_catalog

    def import_procedures(entries: list[dict[str, Any]]) -> object:
        return import_catalog(store, entries, actor="sync", source="server")

    return SyncEngine(store, settings, import_procedures=import_procedures, **kw)
