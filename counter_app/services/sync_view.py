"""What the sync indicator shows: online / offline / local only, and pending ops.

Uses the sync package's own status function when it exists (`counter_app.sync.status`), else
reads the outbox directly: pending = ops not acknowledged yet; online = a sync succeeded recently.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from typing import Any

from sqlmodel import col, func, select

from counter_app.services.context import AppContext
from counter_app.store.db import get_state
from counter_app.store.models import Outbox

ONLINE_WINDOW = dt.timedelta(minutes=3)
PROBE_TIMEOUT_S = 1.5
_STATUS_MODULES = ("counter_app.sync.status", "counter_app.sync")


def _external(ctx: AppContext) -> dict[str, Any] | None:
    for name in _STATUS_MODULES:
        try:
            if importlib.util.find_spec(name) is None:
                continue
            mod = importlib.import_module(name)
        except ImportError:
            continue
        fn = getattr(mod, "sync_status", None) or getattr(mod, "status", None)
        if callable(fn):
            try:
                result = fn(ctx.store, ctx.settings)
            except TypeError:
                continue
            if isinstance(result, dict):
                return result
    return None


def server_reachable(url: str, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """GET /api/v1/health answers 200 within `timeout`."""
    import httpx

    try:
        return httpx.get(f"{url}/api/v1/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def indicator(
    ctx: AppContext, *, now: dt.datetime | None = None, probe: bool = True
) -> dict[str, Any]:
    """`{"online": True|False|None, "pending_ops": n, "last_success", "last_error"}`.

    `online` is None when no server is configured (this PC works alone).
    """
    ext = _external(ctx)
    if ext is not None:
        out = dict(ext)
        out.setdefault("pending_ops", 0)
        if not ctx.settings.server_url:
            out["online"] = None
        elif not out.get("online") and probe:
            # Not synced recently (or not enrolled): say whether the server answers at all.
            out["online"] = server_reachable(ctx.settings.server_url)
        return out
    now = now or dt.datetime.now(dt.UTC)
    with ctx.store.read() as session:
        pending = session.exec(
            select(func.count()).select_from(Outbox).where(col(Outbox.acked_at).is_(None))
        ).one()
        last_success = get_state(session, "sync.last_success") or get_state(session, "last_sync")
        last_error = get_state(session, "sync.last_error")
    online: bool | None = None
    if ctx.settings.server_url:
        online = False
        if isinstance(last_success, str):
            try:
                when = dt.datetime.fromisoformat(last_success)
                if when.tzinfo is None:
                    when = when.replace(tzinfo=dt.UTC)
                online = now - when <= ONLINE_WINDOW
            except ValueError:
                online = False
        if not online and probe:
            online = server_reachable(ctx.settings.server_url)
    return {
        "online": online,
        "pending_ops": int(pending or 0),
        "last_success": last_success,
        "last_error": last_error,
    }


def quarantined(ctx: AppContext) -> list[dict[str, Any]]:
    """Ops of this PC the server refused (malformed, or naming another center's record): kept
    here, never sent again, and listed for the supervisor; the rest of the outbox flows."""
    with ctx.store.read() as session:
        rows = session.exec(
            select(Outbox)
            .where(col(Outbox.rejected_reason).is_not(None))
            .order_by(Outbox.device_seq)
        ).all()
        return [
            {
                "device_seq": r.device_seq,
                "entity": r.entity,
                "op": r.op,
                "at": r.created_at,
                "reason": r.rejected_reason,
            }
            for r in rows
        ]
