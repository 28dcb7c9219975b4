"""Offline sign-in (cached argon2 verifier), rate limit, expiry, and online sign-in with fallback."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlmodel import select

from counter_app.errors import BadInput, Denied, NotFound
from counter_app.services import auth_local
from counter_app.store.models import Officer as OfficerRow
from counter_app.store.models import Outbox

from .conftest import free_port


def test_verify_offline_ok_and_wrong(ctx, settings) -> None:
    officer = auth_local.verify_offline(ctx.store, settings, "canbo1", "demo")
    assert officer.username == "canbo1" and officer.counter_code == "Q1"
    assert officer.full_name == "Nguyễn Thị Lan" and officer.center_code == "DEMO"
    # Username is case- and space-insensitive.
    assert auth_local.verify_offline(ctx.store, settings, "  CanBo1 ", "demo").username == "canbo1"
    with pytest.raises(Denied, match="Sai tên đăng nhập hoặc mật khẩu"):
        auth_local.verify_offline(ctx.store, settings, "canbo1", "Demo")
    with pytest.raises(Denied, match="Sai tên đăng nhập hoặc mật khẩu"):
        auth_local.verify_offline(ctx.store, settings, "khongco", "demo")
    with pytest.raises(BadInput):
        auth_local.verify_offline(ctx.store, settings, "   ", "demo")


def test_verifier_is_argon2_not_the_password(ctx) -> None:
    auth_local.set_offline_verifier(ctx.store, "canbo2", "mật-khẩu-mới")
    with ctx.store.read() as session:
        row = session.get(OfficerRow, "canbo2")
    assert row is not None and row.password_verifier.startswith("$argon2id$")
    assert "mật-khẩu-mới" not in row.password_verifier
    with pytest.raises(NotFound):
        auth_local.set_offline_verifier(ctx.store, "khongco", "x")


def test_no_verifier_needs_the_server(ctx, settings) -> None:
    with ctx.store.write() as session:
        row = session.get(OfficerRow, "canbo3")
        row.password_verifier = None
        session.add(row)
    with pytest.raises(Denied, match="trực tuyến"):
        auth_local.verify_offline(ctx.store, settings, "canbo3", "demo")


def test_offline_sign_in_expires(ctx, settings) -> None:
    cached = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
    auth_local.set_offline_verifier(ctx.store, "canbo1", "demo", now=cached)
    days = settings.offline_signin_days
    ok = cached + dt.timedelta(days=days) - dt.timedelta(minutes=1)
    assert auth_local.verify_offline(ctx.store, settings, "canbo1", "demo", now=ok).username == "canbo1"
    late = cached + dt.timedelta(days=days, minutes=1)
    with pytest.raises(Denied, match=f"quá {days} ngày"):
        auth_local.verify_offline(ctx.store, settings, "canbo1", "demo", now=late)
    # The wrong password on an expired verifier still says "wrong", not "expired".
    with pytest.raises(Denied, match="Sai tên"):
        auth_local.verify_offline(ctx.store, settings, "canbo1", "x", now=late)


def test_rate_limit_after_five_failures(ctx, settings) -> None:
    t0 = 1_800_000_000.0
    for _ in range(auth_local.MAX_FAILURES):
        with pytest.raises(Denied, match="Sai tên"):
            auth_local.verify_offline(ctx.store, settings, "canbo1", "sai", wall=t0)
    # Even the right password waits now, and the message says how long.
    with pytest.raises(Denied, match=r"chờ 30 giây"):
        auth_local.verify_offline(ctx.store, settings, "canbo1", "demo", wall=t0 + 0.5)
    with pytest.raises(Denied, match=r"chờ 1 giây"):
        auth_local.verify_offline(ctx.store, settings, "canbo1", "demo", wall=t0 + 29.5)
    # Another officer is not affected.
    assert auth_local.verify_offline(ctx.store, settings, "canbo2", "demo", wall=t0 + 1).username == "canbo2"
    # After the wait, the right password works and the counter is reset.
    assert auth_local.verify_offline(ctx.store, settings, "canbo1", "demo", wall=t0 + 31).username == "canbo1"
    for _ in range(auth_local.MAX_FAILURES - 1):
        with pytest.raises(Denied, match="Sai tên"):
            auth_local.verify_offline(ctx.store, settings, "canbo1", "sai", wall=t0 + 40)
    assert auth_local.verify_offline(ctx.store, settings, "canbo1", "demo", wall=t0 + 41).username == "canbo1"


def test_sign_in_writes_nothing_to_the_outbox(ctx, settings) -> None:
    with ctx.store.read() as session:
        before = len(session.exec(select(Outbox)).all())
    auth_local.verify_offline(ctx.store, settings, "canbo1", "demo")
    with pytest.raises(Denied):
        auth_local.verify_offline(ctx.store, settings, "canbo1", "x")
    with ctx.store.read() as session:
        assert len(session.exec(select(Outbox)).all()) == before


# --- online (MockTransport for the protocol cases) -------------------------------------------


def _token_body(**kw: object) -> dict[str, object]:
    body = {
        "access_token": "tok",
        "token_type": "bearer",
        "expires_in": 3600,
        "expires_at": 0,
        "username": "canbo9",
        "role": "officer",
        "center": "DEMO",
        "counter": "Q3",
    }
    body.update(kw)
    return body


def test_online_sign_in_caches_verifier_for_a_new_officer(ctx, settings) -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["path"] = request.url.path
        seen["form"] = request.content.decode()
        return httpx.Response(200, json=_token_body())

    settings.server_url = "http://server.test"
    result = auth_local.sign_in(
        ctx.store, settings, "canbo9", "bí mật", transport=httpx.MockTransport(handler)
    )
    assert seen["path"] == "/api/v1/auth/token"
    assert "username=canbo9" in seen["form"] and "password=" in seen["form"]
    assert not result.offline and result.token == "tok"
    assert result.officer.counter_code == "Q3"
    # Now it works offline, with the same password only.
    settings.server_url = None
    assert auth_local.verify_offline(ctx.store, settings, "canbo9", "bí mật").username == "canbo9"
    with pytest.raises(Denied):
        auth_local.verify_offline(ctx.store, settings, "canbo9", "bi mat")


def test_online_wrong_password_is_final(ctx, settings) -> None:
    settings.server_url = "http://server.test"
    transport = httpx.MockTransport(lambda r: httpx.Response(401, json={"detail": "bad"}))
    with pytest.raises(Denied, match="Sai tên"):
        auth_local.sign_in(ctx.store, settings, "canbo1", "demo", transport=transport)


@pytest.mark.parametrize("failure", ["connect", "timeout", "500"])
def test_online_falls_back_offline(ctx, settings, failure: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if failure == "connect":
            raise httpx.ConnectError("refused", request=request)
        if failure == "timeout":
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(500, text="boom")

    settings.server_url = "http://server.test"
    result = auth_local.sign_in(
        ctx.store, settings, "canbo1", "demo", transport=httpx.MockTransport(handler)
    )
    assert result.offline and result.officer.username == "canbo1" and result.message
    with pytest.raises(Denied, match="Sai tên"):
        auth_local.sign_in(ctx.store, settings, "canbo1", "x", transport=httpx.MockTransport(handler))


# --- online against the real server process (fixture in conftest) -------------------------


def test_real_server_sign_in_then_offline(ctx, settings, real_server: str) -> None:
    # Forget the demo verifier: only an online sign-in can create it.
    with ctx.store.write() as session:
        row = session.get(OfficerRow, "canbo4")
        row.password_verifier = None
        session.add(row)
    settings.server_url = real_server
    with pytest.raises(Denied, match="Sai tên"):
        auth_local.sign_in(ctx.store, settings, "canbo4", "not-demo")
    result = auth_local.sign_in(ctx.store, settings, "canbo4", "demo")
    assert not result.offline and result.token
    assert result.officer.username == "canbo4" and result.officer.counter_code == "Q4"
    # The server goes away: the same officer still signs in, offline.
    settings.server_url = f"http://127.0.0.1:{free_port()}"
    again = auth_local.sign_in(ctx.store, settings, "canbo4", "demo")
    assert again.offline and again.officer.username == "canbo4"


def test_one_lane_verifier_still_signs_in_and_is_remade_with_two(ctx, settings) -> None:
    """Verifiers cached before the two-lane setting still work, and the next good sign-in
    re-makes them (same expiry: the cache date is kept)."""
    from argon2 import PasswordHasher

    cached_at = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=2)
    old = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1).hash("demo")
    with ctx.store.write() as session:
        row = session.get(OfficerRow, "canbo2")
        row.password_verifier = old
        row.verifier_updated_at = cached_at.isoformat(timespec="seconds")
        session.add(row)
    assert auth_local.verify_offline(ctx.store, settings, "canbo2", "demo").username == "canbo2"
    with ctx.store.read() as session:
        row = session.get(OfficerRow, "canbo2")
    assert row.password_verifier != old and ",p=2$" in row.password_verifier
    assert dt.datetime.fromisoformat(row.verifier_updated_at) == cached_at
    assert auth_local.verify_offline(ctx.store, settings, "canbo2", "demo").username == "canbo2"
    with pytest.raises(Denied):
        auth_local.verify_offline(ctx.store, settings, "canbo2", "sai")
