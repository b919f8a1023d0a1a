"""Devices: ``devices``; ``registerDevice``, ``revokeDevice``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

import strawberry

from fitconnect.gateway.graphql.context import Info
from fitconnect.platform.devices import service as domain


@strawberry.type
class Device:
    id: uuid.UUID
    name: str
    kind: domain.DeviceKind
    registered_at: datetime
    revoked_at: datetime | None
    telemetry_topic: str

    @classmethod
    def from_domain(cls, d: domain.Device) -> Self:
        return cls(
            id=d.id,
            name=d.name,
            kind=domain.DeviceKind.of(d.kind),
            registered_at=d.registered_at,
            revoked_at=d.revoked_at,
            telemetry_topic=d.telemetry_topic,
        )


@strawberry.type
class DeviceCredentials:
    device: Device
    mqtt_username: str
    mqtt_password: str

    @classmethod
    def from_domain(cls, c: domain.DeviceCredentials) -> Self:
        return cls(
            device=Device.from_domain(c.device),
            mqtt_username=c.mqtt_username,
            mqtt_password=c.mqtt_password,
        )


@strawberry.type
class DevicesQuery:
    @strawberry.field(description="The caller's devices.")
    async def devices(self, info: Info) -> list[Device]:
        ctx = info.context
        return [Device.from_domain(d) for d in await ctx.services.devices.list(ctx.principal())]


@strawberry.type
class DevicesMutation:
    @strawberry.mutation(description="Register a device; its MQTT password is shown only now.")
    async def register_device(
        self, info: Info, name: str, kind: domain.DeviceKind
    ) -> DeviceCredentials:
        ctx = info.context
        creds = await ctx.services.devices.register(ctx.principal(), name, kind)
        return DeviceCredentials.from_domain(creds)

    @strawberry.mutation
    async def revoke_device(self, info: Info, device_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.devices.revoke(ctx.principal(), device_id)
        return True
