from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from counter_app.contracts.tokens import Me, TokenResponse
from counter_app.server.core import security
from counter_app.server.crud import auth
from counter_app.server.crud.common import audit
from counter_app.server.deps import AnyUser, Ctx, client_ip

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenResponse)
def token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    c: Ctx,
) -> dict:
    """OAuth2 password flow. 5 failed attempts per username and IP in a minute → 429."""
    ip = client_ip(request)
    officer = auth.authenticate(c.db, c.limiter, form.username, form.password, ip)
    ttl = c.settings.token_ttl_minutes * 60
    tok, exp = security.issue_token(
        c.secret,
        {
            "sub": officer.username,
            "cen": officer.center_code,
            "role": officer.role,
            "typ": "access",
            "ver": officer.token_version,
        },
        ttl,
    )
    with c.db.write() as s:
        audit(s, action="auth.token", center=officer.center_code, actor=officer.username, ip=ip)
    return {
        "access_token": tok,
        "token_type": "bearer",
        "expires_in": ttl,
        "expires_at": exp,
        "username": officer.username,
        "role": officer.role,
        "center": officer.center_code,
        "counter": officer.counter_code,
    }


@router.get("/me", response_model=Me)
def me(p: AnyUser) -> dict:
    return {
        "username": p.username,
        "full_name": p.full_name,
        "role": p.role,
        "center": p.center,
        "counter": p.counter,
    }
