"""A client of the central server signed in as the officer of this TUI session (the token of
their online sign-in; no password is kept). Blocking: the TUI calls it from thread workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from counter_app.errors import Denied, NotAvailable

if TYPE_CHECKING:
    from counter_app.services.context import AppContext
    from counter_app.services.queue_client import QueueClient

SUPERVISOR_ROLES = ("supervisor", "admin")


def require_supervisor(ctx: AppContext) -> None:
    officer = ctx.officer
    if officer is None or officer.role not in SUPERVISOR_ROLES:
        raise Denied("chỉ dành cho giám sát / supervisors only")


def officer_client(ctx: AppContext, *, timeout: float = 10.0) -> QueueClient:
    """The server client of the signed-in officer, or a clear refusal: no server configured,
    or signed in offline (no token: sign in again once the server is reachable)."""
    url = ctx.settings.server_url
    if not url:
        raise NotAvailable("chưa cấu hình máy chủ / no server configured (server_url)")
    token = ctx.extras.get("token")
    if ctx.officer is None or not isinstance(token, str) or not token:
        raise NotAvailable(
            "đăng nhập ngoại tuyến: hãy đăng nhập lại khi có mạng / "
            "signed in offline: sign in again once the server is reachable"
        )
    from counter_app.services.queue_client import QueueClient

    return QueueClient(url, username=ctx.officer.username, timeout=timeout, token=token)
