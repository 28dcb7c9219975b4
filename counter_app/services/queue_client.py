"""HTTP client of the central server's queue (used by `counter-app queue` and the TUIs).

- Signs in with the OAuth2 password flow and caches the token per server and username in the
  data dir (`server_tokens.json`, mode 0600); a 401 drops it and signs in again once.
- `call_next` sends an `Idempotency-Key` and retries a dropped connection with the same key, so
  a retry never calls a second citizen.
- Errors map to the CLI's exit codes: server unreachable → ServerUnreachable (7), credentials or
  role → Denied (4), bad input or refused transition → BadInput (2), 503 → NotAvailable (3).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from counter_app.errors import (
    BadInput,
    Denied,
    NotAvailable,
    NotCurrent,
    NotFound,
    ServerUnreachable,
)

TOKEN_FILE = "server_tokens.json"


class QueueClient:
    def __init__(
        self,
        server_url: str,
        *,
        data_dir: Path | None = None,
        username: str | None = None,
        password: Callable[[], str] | str | None = None,
        timeout: float = 15.0,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
    ) -> None:
        if not server_url:
            raise BadInput(
                "chưa cấu hình máy chủ / no server URL: use --server URL or set server_url in the config"
            )
        self.base = server_url.rstrip("/")
        self.api = self.base if self.base.endswith("/api/v1") else self.base + "/api/v1"
        self.data_dir = data_dir
        self.username = username
        self._password = password
        self._http = httpx.Client(timeout=timeout, transport=transport)
        self._token: str | None = token  # e.g. the TUI officer's sign-in token
        self._streams: set[Any] = set()  # sockets of open event streams
        self._streams_lock = threading.Lock()

    def close(self) -> None:
        """Close the client; an event stream being read in another thread ends at once (its
        socket is shut down: closing the pool alone leaves that thread blocked in recv)."""
        with self._streams_lock:
            streams, self._streams = list(self._streams), set()
        for sock in streams:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._http.close()

    def __enter__(self) -> QueueClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- token cache -----------------------------------------------------------------------------

    def _cache_path(self) -> Path | None:
        return self.data_dir / TOKEN_FILE if self.data_dir else None

    def _load_cache(self) -> dict[str, Any]:
        path = self._cache_path()
        if path is None or not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save_cache(self, data: dict[str, Any]) -> None:
        path = self._cache_path()
        if path is None:
            return
        from counter_app.locations import ensure_private_dir

        ensure_private_dir(path.parent)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)

    def _cached_token(self) -> str | None:
        entries = self._load_cache().get(self.base, {})
        if self.username is None and len(entries) == 1:
            self.username = next(iter(entries))
        entry = entries.get(self.username or "")
        if isinstance(entry, dict) and entry.get("expires_at", 0) > time.time() + 30:
            return entry.get("access_token")
        return None

    def _forget_token(self) -> None:
        self._token = None
        data = self._load_cache()
        if self.username and self.base in data:
            data[self.base].pop(self.username, None)
            self._save_cache(data)

    # --- sign-in ---------------------------------------------------------------------------------

    def login(self) -> dict[str, Any]:
        if not self.username:
            raise Denied(
                "cần tên đăng nhập / a username is needed: --username or COUNTER_APP_USERNAME"
            )
        password = self._password() if callable(self._password) else self._password
        if not password:
            raise Denied("cần mật khẩu / a password is needed: COUNTER_APP_PASSWORD or the prompt")
        r = self._send(
            "POST",
            "/auth/token",
            data={"username": self.username, "password": password},
            auth=False,
        )
        body = r.json()
        self._token = body["access_token"]
        data = self._load_cache()
        data.setdefault(self.base, {})[self.username] = {
            "access_token": body["access_token"],
            "expires_at": body["expires_at"],
        }
        self._save_cache(data)
        return body

    def _auth_header(self) -> dict[str, str]:
        if self._token is None:
            self._token = self._cached_token()
        if self._token is None:
            self.login()
        return {"Authorization": f"Bearer {self._token}"}

    # --- transport -------------------------------------------------------------------------------

    def _send(
        self, method: str, path: str, *, auth: bool = True, headers: dict | None = None, **kw: Any
    ) -> httpx.Response:
        hdrs = dict(headers or {})
        if auth:
            hdrs.update(self._auth_header())
        try:
            r = self._http.request(method, self.api + path, headers=hdrs, **kw)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise ServerUnreachable(
                f"không kết nối được máy chủ / server unreachable: {self.base} ({exc})"
            ) from None
        except httpx.TransportError as exc:
            raise ServerUnreachable(
                f"mất kết nối máy chủ / connection to {self.base} failed: {exc}"
            ) from None
        if r.status_code == 401 and auth and self._password:
            self._forget_token()
            hdrs.update(self._auth_header())
            r = self._http.request(method, self.api + path, headers=hdrs, **kw)
        if r.status_code >= 400:
            self._raise(r)
        return r

    @staticmethod
    def _raise(r: httpx.Response) -> None:
        code = None
        try:
            body = r.json()
            detail = body.get("detail")
            code = body.get("code")
        except (ValueError, AttributeError):
            detail = r.text[:200]
        if isinstance(detail, list):  # validation errors
            detail = "; ".join(
                f"{'.'.join(str(x) for x in e.get('loc', [])[1:])}: {e.get('msg')}" for e in detail
            )
        msg = str(detail or r.reason_phrase)
        if r.status_code in (401, 403, 429):
            raise Denied(msg)
        if r.status_code == 404:
            raise NotFound(msg)
        if r.status_code == 409 and code == "not_current":
            raise NotCurrent(msg)
        if r.status_code in (409, 422, 400):
            raise BadInput(msg)
        if r.status_code == 503:
            raise NotAvailable(msg)
        raise ServerUnreachable(f"máy chủ lỗi / server error {r.status_code}: {msg}")

    # --- queue -----------------------------------------------------------------------------------

    def issue(self, service: str, priority: str | None = None) -> dict[str, Any]:
        return self._send(
            "POST", "/queue/tickets", json={"service": service, "priority": priority}
        ).json()

    def call_next(
        self,
        counter: str,
        *,
        idempotency_key: str | None = None,
        attempts: int = 5,
        current: str | None = None,
        expect_current: bool = False,
    ) -> dict[str, Any] | None:
        """The called ticket, or None when nobody waits. Retries 409 (a concurrent call for this
        counter) and dropped connections with the same Idempotency-Key. With `expect_current`,
        `current` is the ticket the officer sees (None: none): NotCurrent if the server's open
        ticket at the counter is another."""
        key = idempotency_key or str(uuid.uuid4())
        last: Exception | None = None
        body = {"current": current} if expect_current else None
        for attempt in range(attempts):
            try:
                r = self._send(
                    "POST",
                    f"/queue/counters/{counter}/call-next",
                    headers={"Idempotency-Key": key},
                    json=body,
                )
            except NotCurrent:
                raise
            except BadInput as exc:
                if "busy" not in str(exc) and "retry" not in str(exc):
                    raise
                last = exc
            except ServerUnreachable as exc:
                last = exc
            else:
                return None if r.status_code == 204 else r.json()
            time.sleep(min(0.2 * 2**attempt, 2.0))
        assert last is not None
        raise last

    def call_number(self, counter: str, number: str) -> dict[str, Any]:
        return self._send(
            "POST",
            f"/queue/counters/{counter}/call",
            json={"number": number},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        ).json()

    def recall(
        self, counter: str, number: str | None = None, *, ticket: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if number:
            body["number"] = number
        if ticket:
            body["ticket"] = ticket
        return self._send("POST", f"/queue/counters/{counter}/recall", json=body or None).json()

    def _act(self, counter: str, action: str, ticket: str | None) -> dict[str, Any]:
        body = {"ticket": ticket} if ticket else None
        return self._send("POST", f"/queue/counters/{counter}/{action}", json=body).json()

    def start(self, counter: str, *, ticket: str | None = None) -> dict[str, Any]:
        return self._act(counter, "start", ticket)

    def no_show(self, counter: str, *, ticket: str | None = None) -> dict[str, Any]:
        return self._act(counter, "no-show", ticket)

    def finish(self, counter: str, *, ticket: str | None = None) -> dict[str, Any]:
        return self._act(counter, "finish", ticket)

    def return_to_queue(self, counter: str, *, ticket: str | None = None) -> dict[str, Any]:
        return self._act(counter, "return", ticket)

    def transfer(
        self,
        counter: str,
        *,
        service: str | None = None,
        to_counter: str | None = None,
        ticket: str | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"service": service, "counter": to_counter}
        if ticket:
            body["ticket"] = ticket
        return self._send("POST", f"/queue/counters/{counter}/transfer", json=body).json()

    def cancel(self, ticket_id: str) -> dict[str, Any]:
        return self._send("POST", f"/queue/tickets/{ticket_id}/cancel").json()

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        return self._send("GET", f"/queue/tickets/{ticket_id}").json()

    def status(self) -> dict[str, Any]:
        return self._send("GET", "/queue/status").json()

    def board(self) -> dict[str, Any]:
        return self._send("GET", "/queue/board").json()

    # --- sync conflicts (supervisors) ------------------------------------------------------------

    def report(
        self, kind: str, start: Any, end: Any, *, by: str | None = None, center: str | None = None
    ) -> dict[str, Any]:
        """The server's report `kind` (dossiers | queue | satisfaction) for a period: the caller's
        center, or (province role) `center` — one code or "all"."""
        params = {"from": start.isoformat(), "to": end.isoformat()}
        if by:
            params["by"] = by
        if center:
            params["center"] = center
        return self._send("GET", f"/reports/{kind}", params=params).json()

    def conflicts(self, state: str = "open", limit: int = 200) -> dict[str, Any]:
        return self._send("GET", "/sync/conflicts", params={"state": state, "limit": limit}).json()

    def resolve_conflict(self, conflict_id: int, note: str) -> dict[str, Any]:
        return self._send(
            "POST", f"/sync/conflicts/{conflict_id}/resolve", json={"note": note}
        ).json()

    def health(self) -> dict[str, Any]:
        return self._send("GET", "/health", auth=False).json()

    def events(self, *, heartbeats: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
        """Server-sent events as (type, data). Ends when the server closes.

        With `heartbeats=True` the server's heartbeat comments come through as ("heartbeat", {}),
        so a consumer thread regains control every few seconds (to notice it was cancelled).
        A connection silent for 3 heartbeat periods (a dead link) raises ServerUnreachable.
        """
        headers = self._auth_header()
        try:
            with self._http.stream(
                "GET",
                self.api + "/queue/events",
                headers=headers,
                timeout=httpx.Timeout(10.0, read=90.0),
            ) as r:
                if r.status_code >= 400:
                    r.read()
                    self._raise(r)
                sock = _socket_of(r)
                if sock is not None:
                    with self._streams_lock:
                        self._streams.add(sock)
                try:
                    yield from _sse(r, heartbeats)
                finally:
                    if sock is not None:
                        with self._streams_lock:
                            self._streams.discard(sock)
        except httpx.TransportError as exc:
            raise ServerUnreachable(
                f"mất kết nối máy chủ / connection to {self.base} failed: {exc}"
            ) from None


def _socket_of(r: httpx.Response) -> Any:
    stream = r.extensions.get("network_stream")
    try:
        return stream.get_extra_info("socket") if stream is not None else None
    except Exception:  # noqa: BLE001 - a transport without sockets (tests): not interruptible
        return None


def _sse(r: httpx.Response, heartbeats: bool) -> Iterator[tuple[str, dict[str, Any]]]:
    """Parse a text/event-stream body into (type, data) pairs (heartbeat comments optional)."""
    kind, data = "message", []
    for line in r.iter_lines():
        if not line:
            if data:
                yield kind, json.loads("\n".join(data))
            kind, data = "message", []
        elif line.startswith(":"):
            if heartbeats:
                yield "heartbeat", {}
        elif line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
