"""Legal time: the local clock corrected by the last server offset (docs/DESIGN.md §4.5)."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from counter_app.store.db import get_state, set_state

DRIFT_WARNING_S = 300


def legal_now(
    session: Session | None, tz: ZoneInfo, *, now: dt.datetime | None = None
) -> dt.datetime:
    """Aware `now` in the center's zone, corrected by the server offset recorded at the last sync."""
    if now is not None:
        return now if now.tzinfo else now.replace(tzinfo=tz)
    offset_ms = 0
    if session is not None:
        offset_ms = int(get_state(session, "clock_offset_ms", 0) or 0)
    return dt.datetime.fromtimestamp(time.time() + offset_ms / 1000, tz).replace(microsecond=0)


def check_clock(session: Session, *, now_ms: int | None = None) -> list[str]:
    """Warnings when the clock moved backwards or drifted since the last sync; records the reading."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    warnings = []
    last_seen = get_state(session, "clock_last_seen_ms")
    if last_seen is not None and now_ms + 1000 < int(last_seen):
        warnings.append(
            "Đồng hồ máy đã bị lùi lại / the system clock moved backwards "
            f"({(int(last_seen) - now_ms) // 1000} s)"
        )
    offset = get_state(session, "clock_offset_ms")
    if offset is not None and abs(int(offset)) > DRIFT_WARNING_S * 1000:
        warnings.append(
            f"Đồng hồ máy lệch {abs(int(offset)) // 1000} s so với máy chủ / clock is off by "
            f"{abs(int(offset)) // 1000} s from the server"
        )
    if last_seen is None or now_ms > int(last_seen):
        set_state(session, "clock_last_seen_ms", now_ms)
    return warnings


def iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")
