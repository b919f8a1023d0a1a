"""Devices: list, register (credentials shown once), revoke."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.devices.service import Device, DeviceKind

router = APIRouter(prefix="/api/v1", responses=COMMON)


class DeviceIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    kind: DeviceKind


class DeviceOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: DeviceKind
    registered_at: datetime
    revoked_at: datetime | None
    telemetry_topic: str


class DeviceCredentialsOut(BaseModel):
    device: DeviceOut
    mqtt_username: str
    mqtt_password: str


@router.get("/devices")
async def list_devices(principal: CurrentPrincipal, svc: ServicesDep) -> list[DeviceOut]:
    return [_device(d) for d in await svc.devices.list(principal)]


@router.post("/devices", status_code=201)
async def register_device(
    body: DeviceIn, principal: CurrentPrincipal, svc: ServicesDep
) -> DeviceCredentialsOut:
    creds = await svc.devices.register(principal, body.name, body.kind)
    return DeviceCredentialsOut(
        device=_device(creds.device),
        mqtt_username=creds.mqtt_username,
        mqtt_password=creds.mqtt_password,
    )


@router.delete("/devices/{device_id}", status_code=204, responses=errors(404))
async def revoke_device(
    device_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> None:
    await svc.devices.revoke(principal, device_id)


def _device(d: Device) -> DeviceOut:
    fields = slot_fields(d) | {"kind": DeviceKind.of(d.kind)}
    return DeviceOut(**fields, telemetry_topic=d.telemetry_topic)
