"""HTTP routes of the sync: POST /sync/push, GET /sync/pull, HEAD|PATCH|GET /blobs/{sha256}.

Devices authenticate with `X-Device-Id` and `X-Device-Secret` (the secret given at enrolment).
Push bodies may be gzip-compressed (`Content-Encoding: gzip`); answers are gzip-compressed when
the client accepts it.
"""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel, Field

from counter_app.server.body_limit import PUSH_DECOMPRESSED_LIMIT, BodyTooLarge
from counter_app.server.core import security
from counter_app.server.crud.common import ApiError
from counter_app.server.deps import AppContext, Ctx, SupervisorUser, ctx
from counter_app.server.models import Device
from counter_app.server.sync import blobs, conflicts, service

router = APIRouter(tags=["sync"])



def _device_row(c: AppContext, device_id: str | None, device_secret: str | None) -> Device:
    if not device_id or not device_secret:
        raise ApiError(401, "bad_device", "thiếu thông tin thiết bị / device credentials missing")
    with c.db.read() as s:
        d = s.get(Device, device_id)
    if d is None or not security.verify_device_secret(c.secret, device_secret, d.secret_hash):
        raise ApiError(
            401, "bad_device", "thiết bị không xác thực được / unknown device or wrong secret"
        )
    return d


def device_any(
    c: Annotated[AppContext, Depends(ctx)],
    x_device_id: Annotated[str | None, Header()] = None,
    x_device_secret: Annotated[str | None, Header()] = None,
) -> Device:
    return _device_row(c, x_device_id, x_device_secret)


def device_active(d: Annotated[Device, Depends(device_any)]) -> Device:
    if d.revoked_at is not None:
        raise ApiError(403, "device_revoked", "thiết bị đã bị thu hồi / device revoked")
    return d


def _json_response(request: Request, payload: Any, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {}
    if len(body) > 1024 and "gzip" in request.headers.get("accept-encoding", ""):
        body = gzip.compress(body, compresslevel=6)
        headers["Content-Encoding"] = "gzip"
    return Response(body, status_code=status, media_type="application/json", headers=headers)


async def _read_json(request: Request) -> Any:
    raw = await request.body()
    if request.headers.get("content-encoding", "").lower() == "gzip":
        try:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            raw = d.decompress(raw, PUSH_DECOMPRESSED_LIMIT)
            if d.unconsumed_tail:
                raise BodyTooLarge(PUSH_DECOMPRESSED_LIMIT)
        except zlib.error as exc:
            raise ApiError(400, "bad_gzip", f"gzip body unreadable: {exc}") from None
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "bad_json", f"JSON unreadable: {exc}") from None
    except RecursionError:
        raise ApiError(400, "bad_json", "JSON nested too deeply") from None
    return body  # its shape is checked by service.parse_push (and hold, for a revoked device)


@router.post("/sync/push", summary="Push a batch of ops (in device_seq order, idempotent by op_id)")
async def push(
    request: Request,
    c: Annotated[AppContext, Depends(ctx)],
    device: Annotated[Device, Depends(device_any)],
) -> Response:
    body = await _read_json(request)
    if device.revoked_at is not None:
        service.hold(c.db, device, body)
        raise ApiError(
            403,
            "device_revoked",
            "thiết bị đã bị thu hồi; thao tác được giữ lại để xem xét / "
            "device revoked: ops held for review",
        )
    req = service.parse_push(body)
    try:
        from starlette.concurrency import run_in_threadpool

        result = await run_in_threadpool(service.push, c.db, device, req)
    except service.SeqError as err:
        return _json_response(request, {"code": err.code, "detail": err.detail, **err.extra}, 409)
    return _json_response(request, result)


@router.get("/sync/pull", summary="Changes of the device's center after a cursor")
def pull(
    request: Request,
    c: Annotated[AppContext, Depends(ctx)],
    device: Annotated[Device, Depends(device_active)],
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = service.PULL_LIMIT,
    ref: Annotated[str | None, Query(max_length=64)] = None,
    proc_after: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> Response:
    return _json_response(
        request, service.pull(c.db, device, cursor, limit=limit, ref=ref, proc_after=proc_after)
    )


@router.head("/blobs/{sha256}", summary="Uploaded offset of a blob this center referenced")
def blob_head(
    sha256: str,
    c: Annotated[AppContext, Depends(ctx)],
    device: Annotated[Device, Depends(device_active)],
) -> Response:
    st = blobs.status(c, device.center_code, sha256)
    return Response(status_code=200, headers=blobs.headers(st))


@router.patch("/blobs/{sha256}", summary="Append bytes at Upload-Offset (resumable upload)")
async def blob_patch(
    sha256: str,
    request: Request,
    c: Annotated[AppContext, Depends(ctx)],
    device: Annotated[Device, Depends(device_active)],
    upload_offset: Annotated[int, Header()],
) -> Response:
    st = await blobs.append(c, device.center_code, sha256, upload_offset, request.stream())
    return Response(status_code=204, headers=blobs.headers(st))


@router.get("/blobs/{sha256}", summary="Download a complete blob this center referenced")
def blob_get(
    sha256: str,
    c: Annotated[AppContext, Depends(ctx)],
    device: Annotated[Device, Depends(device_active)],
) -> Response:
    from fastapi.responses import FileResponse

    path = blobs.complete_path(c, device.center_code, sha256)
    return FileResponse(path, media_type="application/octet-stream")


@router.post("/sync/epoch", summary="Start a new device epoch (after a restored backup)")
def new_epoch(
    c: Annotated[AppContext, Depends(ctx)],
    device: Annotated[Device, Depends(device_active)],
) -> dict[str, int]:
    """The device's numbering restarts in a new epoch; its first op there anchors the sequence,
    and known op_ids re-pushed in it are answered as duplicates, so nothing is applied twice."""
    from counter_app.server.crud.common import audit

    with c.db.write() as s:
        row = s.get(Device, device.id)
        assert row is not None
        row.epoch += 1
        s.add(row)
        audit(
            s,
            action="device.epoch",
            center=row.center_code,
            device_id=row.id,
            entity="device",
            entity_id=row.id,
            data={"epoch": row.epoch},
        )
        return {"epoch": row.epoch}


# --- conflicts (supervisors, signed in as officers: not device credentials) ---------------------


class ResolveConflict(BaseModel):
    note: str = Field(min_length=1, max_length=500, description="what the supervisor did")


@router.get("/sync/conflicts", summary="Sync conflicts of the caller's center (supervisors)")
def list_conflicts(
    p: SupervisorUser,
    c: Ctx,
    state: Annotated[Literal["open", "resolved", "all"], Query()] = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict:
    """Newest first, with what identifies each record (dossier code and applicant, or ticket
    number) and the counter slot that pushed it; `open` counts the unresolved ones."""
    return conflicts.list_conflicts(c.db, p, state, limit)


@router.post(
    "/sync/conflicts/{conflict_id}/resolve",
    summary="Mark a sync conflict resolved, with a note (supervisors)",
)
def resolve_conflict(
    conflict_id: Annotated[int, Path(ge=1, le=2**62)],
    body: ResolveConflict,
    p: SupervisorUser,
    c: Ctx,
) -> dict:
    return conflicts.resolve(c.db, p, conflict_id, body.note)
