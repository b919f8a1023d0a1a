"""Devices: list, register (credentials shown once), revoke."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from fitconnect.gateway.rest.dependencies import (
    ATHLETE_ID,
    CurrentPrincipal,
    ServicesDep,
    slot_fields,
)
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.pages import PageOut, PageQuery, page_out
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.devices.service import Device, DeviceKind

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["devices"])
_KEY = (datetime.fromisoformat, uuid.UUID)


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
    mqtt_host: str | None = Field(
        description="The broker the device connects to (null: no broker configured)."
    )
    mqtt_port: int | None = Field(description="Its port (MQTT over TCP).")


@router.get("/devices", responses=errors(403))
async def list_devices(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    page: PageQuery,
    athlete_id: Annotated[uuid.UUID | None, Query(description=ATHLETE_ID)] = None,
) -> PageOut[DeviceOut]:
    """The caller's devices (a coach: a linked athlete's), in the order registered."""
    subject = await svc.training.subject(principal, athlete_id)
    found = await svc.devices.athlete_page(subject.athlete_id, page.request(_KEY))
    return page_out(found, _device, lambda d: (d.registered_at, d.id))


@router.post("/devices", status_code=201)
async def register_device(
    body: DeviceIn, principal: CurrentPrincipal, svc: ServicesDep
) -> DeviceCredentialsOut:
    """A new device of the caller: its MQTT credentials (shown once) and where to connect,
    as ``registerDevice`` returns them."""
    creds = await svc.devices.register(principal, body.name, body.kind)
    return DeviceCredentialsOut(
        device=_device(creds.device),
        mqtt_username=creds.mqtt_username,
        mqtt_password=creds.mqtt_password,
        mqtt_host=creds.broker.host if creds.broker else None,
        mqtt_port=creds.broker.port if creds.broker else None,
    )


@router.delete("/devices/{device_id}", status_code=204, responses=errors(404))
async def revoke_device(
    device_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> None:
    await svc.devices.revoke(principal, device_id)


def _device(d: Device) -> DeviceOut:
    fields = slot_fields(d) | {"kind": DeviceKind.of(d.kind)}
    return DeviceOut(**fields, telemetry_topic=d.telemetry_topic)
