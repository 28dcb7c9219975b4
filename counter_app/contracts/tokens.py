"""Sign-in wire schemas (`POST /api/v1/auth/token`, OAuth2 password flow)."""

from __future__ import annotations

from pydantic import BaseModel


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    expires_at: int  # Unix seconds
    username: str
    role: str
    center: str
    counter: str | None = None


class Me(BaseModel):
    username: str
    full_name: str
    role: str
    center: str
    counter: str | None = None
