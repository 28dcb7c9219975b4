"""Passwords (argon2), signed access tokens (HS256 JWT built with hmac), the server secret,
device secrets, enrolment tokens and the sign-in rate limiter."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP minimum for argon2id (19 MiB, t=2, p=1): ~40 ms here instead of ~350 ms for the defaults.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# A valid hash to verify against when the user does not exist (same cost: no user enumeration).
_DUMMY_HASH = _hasher.hash("counter-app: no such user")

# in rank order: "province" reads every center's dossiers and reports (a supervisor's rights in
# its own center), without the admin's rights
ROLES = ("officer", "supervisor", "province", "admin")
ROLE_RANK = {name: i for i, name in enumerate(ROLES)}


# --- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- server secret -----------------------------------------------------------------------------


def load_or_create_secret(path: Path) -> bytes:
    """32 random bytes kept in the data dir, mode 0600, created once (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raw = path.read_text(encoding="ascii").strip()
        if len(raw) < 64:
            raise ValueError(f"server secret {path} is too short or damaged") from None
        return bytes.fromhex(raw)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return load_or_create_secret(path)


# --- access tokens (compact JWS, HS256) --------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_HEADER = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())


class TokenError(ValueError):
    pass


def issue_token(
    secret: bytes, claims: dict[str, Any], ttl_seconds: int, now: float | None = None
) -> tuple[str, int]:
    """A signed token carrying `claims`, valid for `ttl_seconds`. Returns (token, exp)."""
    iat = int(time.time() if now is None else now)
    body = {**claims, "iat": iat, "exp": iat + ttl_seconds, "jti": secrets.token_hex(8)}
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    signing_input = f"{_HEADER}.{payload}".encode("ascii")
    sig = _b64(hmac.new(secret, signing_input, hashlib.sha256).digest())
    return f"{_HEADER}.{payload}.{sig}", body["exp"]


def verify_token(secret: bytes, token: str, now: float | None = None) -> dict[str, Any]:
    """The token's claims, or TokenError (bad form, bad signature, wrong algorithm, expired)."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3 or len(token) > 4096:
        raise TokenError("malformed token")
    header_b64, payload_b64, sig_b64 = parts
    expected = hmac.new(
        secret, f"{header_b64}.{payload_b64}".encode("ascii", "replace"), hashlib.sha256
    ).digest()
    try:
        given = _unb64(sig_b64)
        header = json.loads(_unb64(header_b64))
        claims = json.loads(_unb64(payload_b64))
    except (ValueError, UnicodeDecodeError):
        raise TokenError("malformed token") from None
    if not hmac.compare_digest(expected, given):
        raise TokenError("bad signature")
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise TokenError("unsupported algorithm")
    if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
        raise TokenError("malformed claims")
    if claims["exp"] <= int(time.time() if now is None else now):
        raise TokenError("token expired")
    return claims


# --- device secrets and enrolment tokens -------------------------------------------------------


def new_device_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_device_secret(server_secret: bytes, device_secret: str) -> str:
    """Device secrets are 256-bit random values: a keyed SHA-256 is enough and cheap per request."""
    return hmac.new(server_secret, device_secret.encode(), hashlib.sha256).hexdigest()


def verify_device_secret(server_secret: bytes, device_secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_device_secret(server_secret, device_secret), stored_hash)


def new_enrolment_token() -> str:
    # Easy to read aloud or type: 4 groups of 5 base32 characters.
    raw = base64.b32encode(secrets.token_bytes(15)).decode("ascii")
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


def hash_enrolment_token(token: str) -> str:
    return hashlib.sha256(token.strip().upper().encode()).hexdigest()


# --- sign-in rate limit --------------------------------------------------------------------------


class _Window:
    """Failure times of one key within a sliding window."""

    __slots__ = ("times",)

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def count(self, now: float, window: float) -> int:
        while self.times and self.times[0] <= now - window:
            self.times.popleft()
        return len(self.times)


@dataclass
class LoginLimiter:
    """Failure budgets for sign-in (and enrolment, which checks a password too):

    - per username and IP: `max_failures` in `window` seconds (a mistyping officer waits a minute);
    - per username from any IP: `account_max_failures` in `account_window` (password guessing
      spread over many addresses);
    - per IP for any username: `ip_max_failures` in `account_window` (one address spraying
      many usernames with common passwords; a center's officers behind one NAT address share it,
      so it is generous);
    - for the whole server: `global_max_failures` in `global_window` (a distributed attack):
      past it every sign-in waits until the window frees (counters keep working offline, and
      tokens already issued stay valid).

    The IP is the socket's peer, or the forwarded client only when the server was told which
    proxies to trust (`--forwarded-allow-ips`). Kept in memory: the server runs one process.
    """

    max_failures: int = 5
    window: float = 60.0
    account_max_failures: int = 20
    account_window: float = 900.0
    ip_max_failures: int = 100
    global_max_failures: int = 1000
    global_window: float = 300.0

    def __post_init__(self) -> None:
        self._pairs: dict[tuple[str, str], _Window] = {}
        self._accounts: dict[str, _Window] = {}
        self._ips: dict[str, _Window] = {}
        self._global = _Window()
        self._lock = threading.Lock()

    def _budgets(self, username: str, ip: str) -> list[tuple[dict[Any, _Window] | None, Any, int, float]]:
        user = username.lower()[:64]
        return [
            (self._pairs, (user, ip), self.max_failures, self.window),
            (self._accounts, user, self.account_max_failures, self.account_window),
            (self._ips, ip, self.ip_max_failures, self.account_window),
            (None, None, self.global_max_failures, self.global_window),
        ]

    def retry_after(self, username: str, ip: str) -> int:
        """Seconds until another attempt is allowed (0 = allowed now)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for table, key, limit, window in self._budgets(username, ip):
                w = self._global if table is None else table.get(key)
                if w is not None and w.count(now, window) >= limit:
                    wait = max(wait, w.times[0] + window - now)
        return max(1, int(wait + 0.999)) if wait > 0 else 0

    def failed(self, username: str, ip: str) -> None:
        now = time.monotonic()
        with self._lock:
            for table, key, _limit, window in self._budgets(username, ip):
                if table is None:
                    w = self._global
                else:
                    w = table.get(key)
                    if w is None:
                        if len(table) > 100_000:  # bound memory under a spray of usernames
                            self._prune(table, now, window)
                        w = table[key] = _Window()
                w.count(now, window)
                w.times.append(now)

    @staticmethod
    def _prune(table: dict[Any, _Window], now: float, window: float) -> None:
        for key in [k for k, w in table.items() if w.count(now, window) == 0]:
            del table[key]
        if len(table) > 100_000:  # still full of live keys: forget the oldest half
            for key in list(table)[: len(table) // 2]:
                del table[key]

    def succeeded(self, username: str, ip: str) -> None:
        """A good password clears that officer's own mistakes from this address (not the
        account's or the address's budgets: a guesser who also knows one password gains nothing)."""
        with self._lock:
            self._pairs.pop((username.lower()[:64], ip), None)
