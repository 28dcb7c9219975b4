"""A real SQLite store with the procedures of the dossier tests (shared fixtures)."""

from tests.dossier.conftest import settings, store

__all__ = ["settings", "store"]
