"""FastAPI dependencies: the app context, the signed-in principal, role checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from counter_app.server.core import security
from counter_app.server.crud.auth import principal_from_claims
from counter_app.server.crud.common import ApiError, Principal
from counter_app.server.db import Database
from counter_app.server.events import Broker
from counter_app.server.settings import ServerSettings

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass
class AppContext:
    settings: ServerSettings
    db: Database
    secret: bytes
    limiter: security.LoginLimiter
    broker: Broker


# The dependencies are `async def`: FastAPI runs a plain `def` dependency in the thread pool, and
# three thread hops per request cost more than the checks themselves (token HMAC, cached officer).


async def ctx(request: Request) -> AppContext:
    return request.app.state.ctx


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


async def principal(
    request: Request,
    token: Annotated[str | None, Depends(oauth2)],
    c: Annotated[AppContext, Depends(ctx)],
) -> Principal:
    if not token:
        raise ApiError(
            401,
            "not_signed_in",
            "chưa đăng nhập / not signed in",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        claims = security.verify_token(c.secret, token)
    except security.TokenError as exc:
        raise ApiError(
            401,
            "bad_token",
            f"token không hợp lệ / invalid token: {exc}",
            headers={"WWW-Authenticate": "Bearer"},
        ) from None
    if claims.get("typ") != "access":
        raise ApiError(
            401,
            "bad_token",
            "token không hợp lệ / wrong token type",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not isinstance(claims.get("sub"), str):  # signed by us, yet not a username: refuse
        raise ApiError(
            401,
            "bad_token",
            "token không hợp lệ / invalid token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if c.db.is_cached(("officer", claims["sub"])):
        return principal_from_claims(c.db, claims, client_ip(request))  # no I/O
    return await run_in_threadpool(principal_from_claims, c.db, claims, client_ip(request))


def require(role: str):
    """A dependency: the principal if their role is at least `role` (officer < supervisor < admin)."""
    need = security.ROLE_RANK[role]

    async def check(p: Annotated[Principal, Depends(principal)]) -> Principal:
        if security.ROLE_RANK.get(p.role, -1) < need:
            raise ApiError(403, "forbidden", f"cần quyền {role} / needs the {role} role")
        return p

    return check


# Annotated aliases for route signatures.
Ctx = Annotated[AppContext, Depends(ctx)]
AnyUser = Annotated[Principal, Depends(principal)]
OfficerUser = Annotated[Principal, Depends(require("officer"))]
SupervisorUser = Annotated[Principal, Depends(require("supervisor"))]
AdminUser = Annotated[Principal, Depends(require("admin"))]
