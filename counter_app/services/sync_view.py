"""What the sync indicator shows (online / offline / local only, pending ops) and the ops the
server refused, for the counter's screens; read from the local store (`counter_app.sync.status`)
plus, when the last sync failed, a quick probe of the server."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from counter_app.services.context import AppContext
from counter_app.store.models import Outbox

PROBE_TIMEOUT_S = 1.5


def server_reachable(url: str, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """GET /api/v1/health answers 200 within `timeout`."""
    import httpx

    try:
        return httpx.get(f"{url}/api/v1/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def indicator(ctx: AppContext, *, probe: bool = True) -> dict[str, Any]:
    """`sync status` (`counter_app.sync.status`): `{"online": True|False|None, "pending_ops": n,
    "last_success", "last_error", …}`. `online` is None when no server is configured (this PC
    works alone); when the last sync failed, whether the server answers at all (`probe`)."""
    from counter_app.sync.status import sync_status

    out = sync_status(ctx.store, ctx.settings)
    if not ctx.settings.server_url:
        out["online"] = None
    elif not out.get("online") and probe:
        out["online"] = server_reachable(ctx.settings.server_url)
    return out


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
