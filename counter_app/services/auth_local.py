"""Officer sign-in: online against the central server, offline against a cached argon2 verifier.

docs/DESIGN.md §4.10: after one online sign-in the officer can sign in offline on this PC for
`settings.offline_signin_days` days. Wrong credentials always give the same message (whether the
user exists or not); after `MAX_FAILURES` failures in a row a username waits `LOCKOUT_SECONDS`
(the counter is persisted in the store, so restarting the app does not reset it).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from counter_app.errors import BadInput, Denied, NotFound
from counter_app.services.context import Officer
from counter_app.store.db import get_state, set_state
from counter_app.store.models import Officer as OfficerRow

if TYPE_CHECKING:
    import httpx

    from counter_app.config import Settings
    from counter_app.store.db import Store

MAX_FAILURES = 5
LOCKOUT_SECONDS = 30
ONLINE_TIMEOUT_S = 3.0

WRONG = "Sai tên đăng nhập hoặc mật khẩu / wrong username or password"
_FAILURES_KEY = "auth.failures"


def _hasher() -> Any:
    from argon2 import PasswordHasher

    # argon2id at OWASP's floor (19 MiB, 2 passes), in two lanes: a two-core counter PC checks
    # a password in ~13 ms instead of ~22 (measured), while a guess costs an attacker the same
    # memory × passes. Verifiers made with one lane are re-made at the next good sign-in.
    return PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=2)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else dt.datetime.now(dt.UTC)


def _to_officer(row: OfficerRow) -> Officer:
    return Officer(
        username=row.username,
        full_name=row.full_name,
        role=row.role,
        counter_code=row.counter_code,
        center_code=row.center_code,
    )


def _clean_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not name:
        raise BadInput("hãy nhập tên đăng nhập / enter a username", field="username")
    return name


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def set_offline_verifier(
    store: Store, username: str, password: str, *, now: dt.datetime | None = None
) -> None:
    """Cache an argon2 verifier of `password` for `username` (after a successful online sign-in)."""
    username = _clean_username(username)
    if not password:
        raise BadInput("mật khẩu trống / empty password", field="password")
    verifier = hash_password(password)
    with store.write() as session:
        row = session.get(OfficerRow, username)
        if row is None:
            raise NotFound(f"không có cán bộ '{username}' / no officer '{username}'", field="username")
        row.password_verifier = verifier
        row.verifier_updated_at = _now(now).isoformat(timespec="seconds")
        session.add(row)


# --- throttling -----------------------------------------------------------------------------


def _wait_left(store: Store, username: str, wall: float) -> int:
    with store.read() as session:
        entry = (get_state(session, _FAILURES_KEY, {}) or {}).get(username)
    if not entry:
        return 0
    until = float(entry.get("until") or 0)
    return max(0, int(until - wall + 0.999))


def _note_failure(store: Store, username: str, wall: float) -> None:
    with store.write() as session:
        table = dict(get_state(session, _FAILURES_KEY, {}) or {})
        entry = dict(table.get(username) or {"n": 0, "until": 0})
        entry["n"] = int(entry.get("n", 0)) + 1
        if entry["n"] >= MAX_FAILURES:
            entry["until"] = wall + LOCKOUT_SECONDS
            entry["n"] = 0
        table[username] = entry
        set_state(session, _FAILURES_KEY, table)


def _clear_failures(store: Store, username: str) -> None:
    with store.write() as session:
        table = dict(get_state(session, _FAILURES_KEY, {}) or {})
        if username in table:
            del table[username]
            set_state(session, _FAILURES_KEY, table)


def _check_throttle(store: Store, username: str, wall: float) -> None:
    left = _wait_left(store, username, wall)
    if left > 0:
        raise Denied(
            f"Sai quá {MAX_FAILURES} lần: hãy chờ {left} giây rồi thử lại / "
            f"too many failures: wait {left} s and try again"
        )


def warm_up(store: Store) -> None:
    """Read what a sign-in reads (the failure table, an officer row), so the first sign-in does
    not pay for compiling those statements. Reads only: nothing is recorded."""
    _wait_left(store, "", time.time())
    with store.read() as session:
        session.get(OfficerRow, "")


# --- offline ----------------------------------------------------------------------------------


def verify_offline(
    store: Store,
    settings: Settings,
    username: str,
    password: str,
    *,
    now: dt.datetime | None = None,
    wall: float | None = None,
) -> Officer:
    """Check `password` against the cached verifier; the Officer on success, else `Denied`."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    username = _clean_username(username)
    wall = time.time() if wall is None else wall
    _check_throttle(store, username, wall)
    with store.read() as session:
        row = session.get(OfficerRow, username)
    if row is None or not row.active or not row.password_verifier:
        # Spend about the time of a real verification, so timing does not tell who exists.
        try:
            _hasher().verify(_DUMMY[0] or _dummy(), password or "x")
        except (VerificationError, InvalidHashError):
            pass
        _note_failure(store, username, wall)
        if row is not None and row.active and not row.password_verifier:
            raise Denied(
                "Tài khoản chưa từng đăng nhập trực tuyến trên máy này: cần kết nối máy chủ / "
                "this account has never signed in online on this PC: the server is needed"
            )
        raise Denied(WRONG)
    hasher = _hasher()
    try:
        hasher.verify(row.password_verifier, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        _note_failure(store, username, wall)
        raise Denied(WRONG) from None
    _clear_failures(store, username)
    cached = dt.datetime.fromisoformat(row.verifier_updated_at or "1970-01-01T00:00:00+00:00")
    if cached.tzinfo is None:
        cached = cached.replace(tzinfo=dt.UTC)
    age = _now(now) - cached
    if age > dt.timedelta(days=settings.offline_signin_days):
        raise Denied(
            f"Đăng nhập ngoại tuyến đã quá {settings.offline_signin_days} ngày: cần kết nối "
            f"máy chủ / offline sign-in expired after {settings.offline_signin_days} days: "
            "connect to the server"
        )
    if hasher.check_needs_rehash(row.password_verifier):
        set_offline_verifier(store, username, password, now=cached)
    return _to_officer(row)


_DUMMY: list[str | None] = [None]


def _dummy() -> str:
    _DUMMY[0] = hash_password("not-a-real-password")
    return _DUMMY[0]


# --- online -----------------------------------------------------------------------------------


@dataclass
class SignInResult:
    officer: Officer
    offline: bool
    token: str | None = None
    message: str | None = None  # why the online path was not used, when offline


def sign_in_online(
    store: Store,
    settings: Settings,
    username: str,
    password: str,
    *,
    transport: httpx.BaseTransport | None = None,
    timeout: float = ONLINE_TIMEOUT_S,
    now: dt.datetime | None = None,
) -> SignInResult:
    """POST /api/v1/auth/token when a server is configured; on success cache the verifier.

    Wrong credentials from the server are final (`Denied`); a network failure or a server error
    falls back to the offline verifier.
    """
    username = _clean_username(username)
    if not password:
        raise BadInput("hãy nhập mật khẩu / enter the password", field="password")
    if not settings.server_url:
        return SignInResult(verify_offline(store, settings, username, password, now=now), True)
    import httpx  # only with a server: an offline counter's sign-in does not pay this import
    wall = time.time()
    _check_throttle(store, username, wall)
    url = f"{settings.server_url}/api/v1/auth/token"
    try:
        with httpx.Client(timeout=timeout, transport=transport) as client:
            resp = client.post(url, data={"username": username, "password": password})
    except httpx.HTTPError as exc:
        officer = verify_offline(store, settings, username, password, now=now)
        return SignInResult(officer, True, message=f"{type(exc).__name__}: {exc}")
    if resp.status_code in (400, 401, 403):
        _note_failure(store, username, wall)
        raise Denied(WRONG)
    if resp.status_code >= 300:
        officer = verify_offline(store, settings, username, password, now=now)
        return SignInResult(officer, True, message=f"HTTP {resp.status_code}")
    try:
        body = resp.json()
    except ValueError:
        officer = verify_offline(store, settings, username, password, now=now)
        return SignInResult(officer, True, message="bad JSON from server")
    _clear_failures(store, username)
    officer = _remember_officer(store, settings, username, password, body, now=now)
    return SignInResult(officer, False, token=body.get("access_token"))


def _remember_officer(
    store: Store,
    settings: Settings,
    username: str,
    password: str,
    body: dict[str, Any],
    *,
    now: dt.datetime | None,
) -> Officer:
    """Upsert the officer row from the token response and cache the verifier, one transaction."""
    from counter_app.store.models import Center

    verifier = hash_password(password)
    center = str(body.get("center") or settings.center_code)
    with store.write() as session:
        if session.get(Center, center) is None:
            session.add(Center(code=center, name=settings.center_name if center == settings.center_code else center))
            session.flush()
        row = session.get(OfficerRow, username)
        if row is None:
            row = OfficerRow(
                username=username,
                full_name=str(body.get("full_name") or username),
                center_code=center,
            )
        row.role = str(body.get("role") or row.role)
        if body.get("counter"):
            row.counter_code = str(body["counter"])
        if body.get("full_name"):
            row.full_name = str(body["full_name"])
        row.center_code = center
        row.password_verifier = verifier
        row.verifier_updated_at = _now(now).isoformat(timespec="seconds")
        row.active = True
        session.add(row)
        session.flush()
        return _to_officer(row)


def sign_in(
    store: Store,
    settings: Settings,
    username: str,
    password: str,
    *,
    transport: httpx.BaseTransport | None = None,
    now: dt.datetime | None = None,
) -> SignInResult:
    """The sign-in the TUI uses: online when a server is configured and answers, else offline."""
    if not password:
        raise BadInput("hãy nhập mật khẩu / enter the password", field="password")
    return sign_in_online(store, settings, username, password, transport=transport, now=now)
