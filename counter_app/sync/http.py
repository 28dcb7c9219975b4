"""The sync's HTTP client: device headers, gzip, and errors mapped to the product's exceptions."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx

from counter_app.errors import Denied, Interrupted, ServerUnreachable
from counter_app.sync.device import DeviceCredentials

TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class SyncConflict(Exception):
    """A 409/410 answer of the sync protocol, with its body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("detail", str(body)))
        self.status = status
        self.code = str(body.get("code", ""))
        self.body = body


class ServerError(Exception):
    """A 5xx (or unexpected) answer: retry later."""


class BatchTooLarge(ServerError):
    """413 for a push: send fewer ops at a time."""


class SyncHttp:
    def __init__(
        self, creds: DeviceCredentials, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.creds = creds
        self.client = httpx.Client(
            base_url=creds.server_url.rstrip("/") + "/api/v1",
            timeout=TIMEOUT,
            transport=transport,
            headers={
                "X-Device-Id": creds.device_id,
                "X-Device-Secret": creds.secret,
                "Accept-Encoding": "gzip",
                "User-Agent": "counter-app-sync",
            },
        )
        self.bytes_sent = 0
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        self.requests += 1
        try:
            resp = self.client.request(method, url, **kw)
        except httpx.TimeoutException as exc:
            raise ServerUnreachable(f"máy chủ không trả lời / server timed out: {exc}") from None
        except (
            httpx.ConnectError,
            httpx.RemoteProtocolError,
            httpx.ReadError,
            httpx.WriteError,
        ) as exc:
            raise ServerUnreachable(
                f"không kết nối được máy chủ / server unreachable: {exc}"
            ) from None
        except httpx.HTTPError as exc:
            raise Interrupted(f"kết nối bị ngắt / connection lost: {exc}") from None
        if resp.status_code in (401, 403):
            raise Denied(f"máy chủ từ chối thiết bị / server refused this device: {_detail(resp)}")
        if resp.status_code in (409, 410):
            raise SyncConflict(resp.status_code, _json(resp))
        if resp.status_code == 426:
            raise Denied(_detail(resp))
        if resp.status_code >= 500:
            raise ServerError(f"server error {resp.status_code}: {_detail(resp)}")
        return resp

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        data = gzip.compress(raw, compresslevel=6)
        self.bytes_sent += len(data)
        resp = self.request(
            "POST",
            "/sync/push",
            content=data,
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        if resp.status_code == 413:
            raise BatchTooLarge(f"push too large ({len(data):,} bytes): {_detail(resp)}")
        if resp.status_code != 200:
            raise ServerError(f"push answered {resp.status_code}: {_detail(resp)}")
        return resp.json()

    def pull(self, cursor: int, ref: str | None, proc_after: int) -> dict[str, Any]:
        params: dict[str, Any] = {"cursor": cursor, "proc_after": proc_after}
        if ref:
            params["ref"] = ref
        resp = self.request("GET", "/sync/pull", params=params)
        if resp.status_code != 200:
            raise ServerError(f"pull answered {resp.status_code}: {_detail(resp)}")
        return resp.json()

    def new_epoch(self) -> int:
        resp = self.request("POST", "/sync/epoch")
        if resp.status_code != 200:
            raise ServerError(f"epoch answered {resp.status_code}: {_detail(resp)}")
        return int(resp.json()["epoch"])


def _json(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
        return body if isinstance(body, dict) else {"detail": str(body)}
    except ValueError:
        return {"detail": resp.text[:200]}


def _detail(resp: httpx.Response) -> str:
    return str(_json(resp).get("detail", resp.reason_phrase))
