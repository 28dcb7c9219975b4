"""Device enrolment wire schemas (`POST /api/v1/devices/enroll`, docs/DESIGN.md §4.10)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class EnrolRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    center: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,32}$")
    enrol_token: str | None = Field(default=None, max_length=64)
    device_name: str = Field(default="", max_length=128)
    # Re-enrolling an existing device (new epoch, same slot) sends its id.
    device_id: str | None = Field(default=None, pattern=r"^[0-9a-fA-F-]{8,64}$")


class EnrolResponse(BaseModel):
    device_id: str
    slot: str = Field(description="2-digit slot of the device in its center")
    secret: str = Field(description="device secret, shown once; keep it 0600")
    epoch: int
    center: str
    server_time: str


class DeviceInfo(BaseModel):
    id: str
    center: str
    slot: str
    name: str
    enrolled_by: str
    enrolled_at: str
    epoch: int
    last_seen_at: str | None = None
    revoked_at: str | None = None
