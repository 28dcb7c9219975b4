"""`counter-app sync status --json` and the TUI's indicator: pending ops and bytes, last success,
last error, rejected ops with their reasons. Reads the local store only (never the network)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlmodel import col, func, select

from counter_app.config import Settings
from counter_app.store.db import Store, get_state
from counter_app.store.models import Attachment, Outbox
from counter_app.sync.device import load


def sync_status(store: Store, settings: Settings) -> dict[str, Any]:
    creds = load(settings.data_dir)
    with store.read() as s:
        pending_ops = s.exec(
            select(func.count()).select_from(Outbox).where(col(Outbox.acked_at).is_(None))
        ).one()
        pending_payload = s.exec(
            select(func.coalesce(func.sum(func.length(Outbox.payload)), 0)).where(
                col(Outbox.acked_at).is_(None)
            )
        ).one()
        atts = s.exec(
            select(Attachment.size, Attachment.uploaded_offset).where(
                col(Attachment.upload_state).in_(["pending", "uploading"])
            )
        ).all()
        rejected = s.exec(
            select(Outbox)
            .where(col(Outbox.rejected_reason).is_not(None))
            .order_by(Outbox.device_seq)
        ).all()
        st = get_state(s, "sync_status", {}) or {}
        offset = get_state(s, "clock_offset_ms")
        cursor = get_state(s, "sync_cursor", 0)
    pending_bytes = int(pending_payload or 0) + sum(max(0, int(sz) - int(off)) for sz, off in atts)
    warnings = []
    if offset is not None and abs(int(offset)) > 300_000:
        warnings.append(f"clock differs from the server by {abs(int(offset)) // 1000} s")
    return {
        "enrolled": creds is not None,
        "server": creds.server_url if creds else settings.server_url,
        "device_id": creds.device_id if creds else None,
        "slot": creds.slot if creds else None,
        "epoch": creds.epoch if creds else None,
        "online": bool(st.get("online", False)),
        "pending_ops": int(pending_ops),
        "pending_bytes": pending_bytes,
        "pending_blobs": len(atts),
        "last_success": st.get("last_success"),
        "last_attempt": st.get("last_attempt"),
        "last_error": st.get("last_error")
        if st.get("last_error_at", "") > (st.get("last_success") or "")
        else None,
        "rejected": [
            {
                "op_id": r.op_id,
                "device_seq": r.device_seq,
                "entity": r.entity,
                "entity_id": r.entity_id,
                "op": r.op,
                "reason": r.rejected_reason,
            }
            for r in rejected
        ],
        "clock_offset_ms": offset,
        "warnings": warnings,
        "cursor": cursor,
        "data_dir": str(Path(settings.data_dir)),
        "pid": os.getpid(),
    }
