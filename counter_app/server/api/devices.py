from __future__ import annotations

from fastapi import APIRouter, Request

from counter_app.contracts.enrolment import DeviceInfo, EnrolRequest, EnrolResponse
from counter_app.server.crud import admin, auth
from counter_app.server.deps import AdminUser, Ctx, SupervisorUser, client_ip

router = APIRouter(prefix="/devices", tags=["devices"])


@router.post("/enroll", response_model=EnrolResponse, status_code=201)
def enroll(body: EnrolRequest, request: Request, c: Ctx) -> dict:
    """Register a client install: officer credentials + a one-time enrolment token of the center
    (waived for the DEMO center of a --demo-data server). Returns the device's slot and secret."""
    return auth.enrol_device(
        c.db, c.secret, c.limiter, body, client_ip(request), demo=c.settings.demo_data
    )


@router.get("", response_model=list[DeviceInfo])
def list_devices(p: SupervisorUser, c: Ctx) -> list[dict]:
    return admin.list_devices(c.db, p.center)


@router.post("/{device_id}/revoke", response_model=DeviceInfo)
def revoke(device_id: str, p: AdminUser, c: Ctx) -> dict:
    return admin.revoke_device(c.db, p.center, device_id, actor=p.username)
