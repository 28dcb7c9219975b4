from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from counter_app import __version__
from counter_app.server.crud.common import now_iso
from counter_app.server.db import head_revision
from counter_app.server.deps import Ctx

router = APIRouter(tags=["health"])


@router.get("/health")
def health(c: Ctx) -> dict:
    """Liveness and database check (no auth; reveals nothing about centers)."""
    with c.db.read() as s:
        s.connection().execute(text("SELECT 1"))
    return {
        "status": "ok",
        "version": __version__,
        "database": "sqlite" if c.db.is_sqlite else "postgresql",
        "schema": head_revision(),
        "time": now_iso(),
    }
