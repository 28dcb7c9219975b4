"""Sign-in and device enrolment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from counter_app.domain.ids import uuid7_str
from counter_app.server.core import security
from counter_app.server.crud.common import ApiError, Principal, audit, now_iso, parse_iso
from counter_app.server.db import Database
from counter_app.server.models import Center, Device, EnrolmentToken, Officer

OFFICER_CACHE_SECONDS = 5.0
DENIED = "sai tên đăng nhập hoặc mật khẩu / wrong username or password"


def authenticate(
    db: Database, limiter: security.LoginLimiter, username: str, password: str, ip: str
) -> Officer:
    """The officer, or ApiError 401 (wrong credentials) / 429 (too many failures)."""
    wait = limiter.retry_after(username, ip)
    if wait:
        raise ApiError(
            429,
            "too_many_attempts",
            f"thử lại sau {wait} giây / too many failed sign-ins, retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    with db.read() as s:
        officer = s.get(Officer, username) if len(username) <= 64 else None
    ok = security.verify_password(password, officer.password_hash if officer else None)
    if not ok or officer is None or not officer.active:
        limiter.failed(username, ip)
        with db.write() as s:
            audit(
                s,
                action="auth.failed",
                center=officer.center_code if officer else None,
                actor=username[:64],
                ip=ip,
            )
        raise ApiError(401, "bad_credentials", DENIED, headers={"WWW-Authenticate": "Bearer"})
    limiter.succeeded(username, ip)
    return officer


def enrol_device(
    db: Database, secret: bytes, limiter: security.LoginLimiter, req: Any, ip: str, *, demo: bool
) -> dict[str, Any]:
    officer = authenticate(db, limiter, req.username, req.password, ip)
    if officer.center_code != req.center:
        raise ApiError(
            403, "wrong_center", "cán bộ không thuộc trung tâm này / officer is not in this center"
        )
    device_secret = security.new_device_secret()
    at = now_iso()
    for _attempt in range(5):  # slot race with a concurrent enrolment (unique constraint) → retry
        try:
            with db.write() as s:
                center = s.get(Center, req.center)
                if center is None or not center.active:
                    raise ApiError(404, "center_not_found", "không có trung tâm / no such center")
                waived = demo and req.center == "DEMO"
                if not waived:
                    _consume_token(s, req)
                existing = s.get(Device, req.device_id) if req.device_id else None
                if existing is not None:
                    if existing.center_code != req.center or existing.revoked_at is not None:
                        raise ApiError(
                            403,
                            "device_revoked",
                            "thiết bị đã bị thu hồi / device revoked or in another center",
                        )
                    existing.epoch += 1
                    existing.secret_hash = security.hash_device_secret(secret, device_secret)
                    existing.enrolled_by = officer.username
                    existing.enrolled_at = at
                    existing.name = req.device_name or existing.name
                    device = existing
                else:
                    device = Device(
                        id=req.device_id or uuid7_str(),
                        center_code=req.center,
                        slot=_free_slot(s, req.center),
                        name=req.device_name,
                        enrolled_by=officer.username,
                        secret_hash=security.hash_device_secret(secret, device_secret),
                        enrolled_at=at,
                    )
                s.add(device)
                if not waived:
                    s.flush()
                    tok = s.get(EnrolmentToken, security.hash_enrolment_token(req.enrol_token))
                    tok.device_id = device.id
                    s.add(tok)
                audit(
                    s,
                    action="device.enrol",
                    center=req.center,
                    actor=officer.username,
                    entity="device",
                    entity_id=device.id,
                    ip=ip,
                    data={"slot": device.slot, "epoch": device.epoch, "token_waived": waived},
                )
                return {
                    "device_id": device.id,
                    "slot": device.slot,
                    "secret": device_secret,
                    "epoch": device.epoch,
                    "center": req.center,
                    "server_time": at,
                }
        except IntegrityError:
            continue
    raise ApiError(503, "busy", "thử lại / enrolment busy, retry")


def _consume_token(s: Any, req: Any) -> None:
    bad = ApiError(
        403, "bad_enrol_token", "mã đăng ký thiết bị không hợp lệ / invalid or used enrolment token"
    )
    if not req.enrol_token:
        raise bad
    tok = s.get(EnrolmentToken, security.hash_enrolment_token(req.enrol_token))
    if tok is None or tok.center_code != req.center or tok.used_at is not None:
        raise bad
    expires = parse_iso(tok.expires_at)
    if expires is not None and expires <= dt.datetime.now(dt.UTC):
        raise bad
    tok.used_at = now_iso()
    s.add(tok)


def _free_slot(s: Any, center: str) -> str:
    used = {d.slot for d in s.exec(select(Device).where(Device.center_code == center)).all()}
    for n in range(1, 100):
        slot = f"{n:02d}"
        if slot not in used:
            return slot
    raise ApiError(
        409,
        "no_free_slot",
        "hết số hiệu thiết bị (99) / all 99 device slots are used; revoke and re-use is not allowed",
    )


def authenticate_device(db: Database, secret: bytes, device_id: str, device_secret: str) -> Device:
    """For the sync endpoints: the device if its secret matches and it is not revoked."""
    with db.read() as s:
        d = s.get(Device, device_id)
    if d is None or not security.verify_device_secret(secret, device_secret, d.secret_hash):
        raise ApiError(
            401, "bad_device", "thiết bị không xác thực được / unknown device or wrong secret"
        )
    if d.revoked_at is not None:
        raise ApiError(403, "device_revoked", "thiết bị đã bị thu hồi / device revoked")
    return d


def principal_from_claims(db: Database, claims: dict[str, Any], ip: str | None) -> Principal:
    username = claims.get("sub")
    if not isinstance(username, str):
        raise ApiError(
            401,
            "bad_token",
            "token không hợp lệ / invalid token",
            headers={"WWW-Authenticate": "Bearer"},
        )

    def load() -> Officer | None:
        with db.read() as s:
            return s.get(Officer, username)

    # Cached for a few seconds: a deactivated officer loses access within OFFICER_CACHE_SECONDS.
    officer = db.cached(("officer", username), OFFICER_CACHE_SECONDS, load)
    version = claims.get("ver", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        version = -1  # not a version this server issued: refused below
    if officer is not None and version > officer.token_version:
        # a token newer than the cached row (signed in just after a password reset): reload
        officer = db.cached(("officer", username), OFFICER_CACHE_SECONDS, load, refresh=True)
    if (
        officer is None
        or not officer.active
        or officer.center_code != claims.get("cen")
        # a password reset, role or counter change raised the version: earlier tokens end
        # (tokens from before versions existed carry none and count as version 1)
        or version != officer.token_version
    ):
        raise ApiError(
            401,
            "bad_token",
            "token không còn hiệu lực / token no longer valid",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Principal(
        officer.username,
        officer.role,
        officer.center_code,
        officer.counter_code,
        officer.full_name,
        ip,
        claims.get("dev") if isinstance(claims.get("dev"), str) else None,
    )
